"""Listing throughput of swsync trees side by side (issue #14, part 3).

A no-op over one container of R rows on two fake clusters
(``listing_server``: merge and decide only), run by each given source
tree in turn, round after round, so that every tree meets the same load.
Prints one JSON line per run: run seconds, CPU seconds of the swsync
process, rows per CPU second.

To compare with an older version, check it out beside this one and give
both trees, e.g. the 0.1 version (ff163f6), which also needs
python-swiftclient on its path::

    git worktree add --detach /tmp/swsync-0.1 ff163f6
    pip install --target /tmp/swiftclient-lib --no-deps python-swiftclient
    .tox/functional/bin/python bench/listing_side_by_side.py \\
        --rows 1000000 --rounds 2 --extra-path /tmp/swiftclient-lib \\
        /tmp/swsync-0.1 .
"""
import argparse
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import listing_server  # noqa: E402
import swsync_run  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--rows', type=int, default=1000000)
    p.add_argument('--rounds', type=int, default=2)
    p.add_argument('--extra-path', default='',
                   help='added to every tree\'s PYTHONPATH')
    p.add_argument('trees', nargs='+')
    args = p.parse_args()
    servers = [listing_server.ListingServer(args.rows, s).start()
               for s in ('origin', 'destination')]
    try:
        creds = [{'auth_url': s.url + '/auth/v1.0', 'user': 'admin:admin',
                  'key': 'fake'} for s in servers]
        work = tempfile.mkdtemp(prefix='swsync-side-')
        config = swsync_run.write_config(
            os.path.join(work, 'rows.conf'), creds[0], creds[1],
            [listing_server.ACCOUNT], settle_seconds=1)
        for r in range(args.rounds):
            for i, tree in enumerate(args.trees):
                path = os.path.abspath(tree)
                if args.extra_path:
                    path += os.pathsep + args.extra_path
                run = swsync_run.run(config, work, 'r%d-t%d' % (r, i),
                                     env=dict(os.environ, PYTHONPATH=path))
                print(json.dumps({
                    'tree': tree, 'round': r, 'rows': args.rows,
                    'run_seconds': run.seconds, 'cpu_seconds':
                    round(run.cpu, 2), 'rows_per_cpu_second':
                    round(args.rows / run.cpu)}), flush=True)
    finally:
        for s in servers:
            s.stop()


if __name__ == '__main__':
    main()
