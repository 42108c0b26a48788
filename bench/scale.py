"""Sharded runs: the speed-up of N shard processes on a latency-bound run.

A nightly no-op of many containers across a WAN costs round trips, not
CPU. Two fake clusters (``listing_server``: C containers of O objects,
all in sync) sit behind the fault proxy of the functional tests, which
adds ``latency`` seconds to every request; N shard processes
(``--shard i/N``) run at once. Wall time from the first start to the last
exit, for N = 1, 2, 4, 8; speed-up = T(1) / T(N), target >= 0.8 N.

Also the listing throughput of one process (rows merged and decided per
second of a no-op over one container of R rows, no latency), which gives
the paper estimate of a nightly no-op of 10^9 objects.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

import listing_server  # noqa: E402
import swsync_run  # noqa: E402
from tests.functional.faultproxy import Fault, FaultProxy  # noqa: E402


def _proxy(server, latency):
    port = server.server_address[1]
    return FaultProxy(port, lambda method, path, query: Fault(
        delay=latency))


def sharded(count, containers, objects, latency, work, workers=4):
    """Wall seconds of ``count`` shards over a latency-bound no-op."""
    servers = [listing_server.ListingServer(objects, s,
                                            containers=containers).start()
               for s in ('origin', 'destination')]
    proxies = [_proxy(s, latency) for s in servers]
    for p in proxies:
        p.__enter__()
    try:
        creds = [{'auth_url': p.url + '/auth/v1.0', 'user': 'admin:admin',
                  'key': 'fake'} for p in proxies]
        config = swsync_run.write_config(
            os.path.join(work, 'scale-%d.conf' % count), creds[0],
            creds[1], [listing_server.ACCOUNT], container_workers=workers,
            object_workers=workers, settle_seconds=1,
            state_dir=os.path.join(work, 'state'))
        started = time.monotonic()
        procs = []
        for index in range(count):
            report = os.path.join(work, 'scale-%d-%d.json' % (count, index))
            procs.append((subprocess.Popen(
                [sys.executable, '-m', 'swsync.cli', '--config-file', config,
                 '--shard', '%d/%d' % (index, count), '--run-id', 'bench',
                 '--report', report, '--quiet'],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE), report))
        unchanged = 0
        for proc, report in procs:
            _out, err = proc.communicate(timeout=3600)
            if proc.returncode != 0:
                raise RuntimeError('shard exited %d: %s' % (
                    proc.returncode, err[-500:]))
            with open(report) as f:
                unchanged += json.load(f)['counts'].get(
                    'objects_unchanged', 0)
        wall = time.monotonic() - started
    finally:
        for p in proxies:
            p.__exit__(None, None, None)
        for s in servers:
            s.stop()
    if unchanged != containers * objects:
        raise RuntimeError('%d shards saw %d objects of %d' % (
            count, unchanged, containers * objects))
    return {'shards': count, 'wall_seconds': round(wall, 2),
            'requests': [dict(s.counts) for s in servers]}


def curve(counts=(1, 2, 4, 8), containers=2000, objects=20, latency=0.05,
          work=None, workers=4):
    work = work or tempfile.mkdtemp(prefix='swsync-scale-')
    out = [sharded(n, containers, objects, latency, work, workers)
           for n in counts]
    base = out[0]['wall_seconds']
    for row in out:
        row['speedup'] = round(base / row['wall_seconds'], 2)
        row['target'] = round(0.8 * row['shards'], 2)
        row['pass'] = row['speedup'] >= row['target']
    return out


def throughput(rows=1000000, work=None):
    """A no-op over one container of ``rows`` rows: rows per second of
    the run and of CPU."""
    work = work or tempfile.mkdtemp(prefix='swsync-rows-')
    servers = [listing_server.ListingServer(rows, s).start()
               for s in ('origin', 'destination')]
    try:
        creds = [{'auth_url': s.url + '/auth/v1.0', 'user': 'admin:admin',
                  'key': 'fake'} for s in servers]
        config = swsync_run.write_config(
            os.path.join(work, 'rows.conf'), creds[0], creds[1],
            [listing_server.ACCOUNT], settle_seconds=1)
        run = swsync_run.run(config, work, 'rows-%d' % rows)
    finally:
        for s in servers:
            s.stop()
    return {'rows': rows, 'run_seconds': run.seconds,
            'cpu_seconds': round(run.cpu, 2),
            'rows_per_second': round(rows / run.seconds),
            'rows_per_cpu_second': round(rows / run.cpu)}


def estimate(rows_per_second, objects=10 ** 9, window_hours=6.0):
    """Shards needed for a nightly no-op of ``objects`` in a window, from
    one process's measured listing throughput (two listings, origin and
    destination, are read per container; the rows/s measured covers
    both)."""
    one = objects / rows_per_second
    shards = max(1, -(-int(one) // int(window_hours * 3600)))
    return {'objects': objects, 'one_process_hours': round(one / 3600, 1),
            'window_hours': window_hours, 'shards_needed': shards,
            'hours_with_those_shards': round(one / shards / 3600, 2)}


if __name__ == '__main__':
    import argparse
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--containers', type=int, default=2000)
    p.add_argument('--objects', type=int, default=20)
    p.add_argument('--latency', type=float, default=0.05)
    p.add_argument('--shards', default='1,2,4,8')
    p.add_argument('--workers', type=int, default=4,
                   help='container_workers and object_workers of each '
                   'shard: fewer make a run latency-bound sooner')
    p.add_argument('--rows', type=int, default=1000000,
                   help='rows of the throughput no-op; 0 skips it')
    args = p.parse_args()
    result = {}
    if args.rows:
        rows = throughput(args.rows)
        result.update(throughput=rows,
                      estimate=estimate(rows['rows_per_second']))
    result['curve'] = curve([int(n) for n in args.shards.split(',')],
                            args.containers, args.objects, args.latency,
                            workers=args.workers)
    print(json.dumps(result, indent=1))
