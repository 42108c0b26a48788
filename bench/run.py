#!/usr/bin/env python3
"""swsync benchmarks: throughput against the clusters' limit and rclone,
request counts of a rerun, incremental cost, and memory with big
containers. Prints a table with PASS/MISS per target (doc/benchmarks.rst).

Absolute numbers on a shared 2-core machine are noisy, so every target is
a ratio between tools measured in the same run, on the same data.

Four local Swift clusters (tools/saio.py) run side by side: the origin
and one fresh destination per tool (plain copier, swsync, rclone), so
each tool starts from the same empty state without a slow wipe. Ports
start at $SWIFTSYNC_BENCH_BASE_PORT (default 18600), 10 apart.
"""
import argparse
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'tools'))

import fill  # noqa: E402
import memory  # noqa: E402
import proc  # noqa: E402
import rclone  # noqa: E402
import requests_log  # noqa: E402
import saio  # noqa: E402
import swsync_run  # noqa: E402
from auth import object_path, v1_auth  # noqa: E402
import table  # noqa: E402

SETTLE = memory.SETTLE   # swsync's settle_seconds in every run
RESELLER = {'user': 'admin:admin', 'key': 'adminpass'}
# rclone's best flags for this data: it holds no SLO/DLO, so rclone need
# not HEAD objects to rule them out when it compares checksums.
RCLONE_FIRST = ('--checksum', '--swift-no-large-objects')


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--small', type=int, default=2000,
                   help='1 KiB objects, over 4 accounts x 5 containers')
    p.add_argument('--large-mib', type=int, default=64)
    p.add_argument('--large-count', type=int, default=4)
    p.add_argument('--workers', type=int, default=16,
                   help='concurrency of swsync, the copier and rclone')
    p.add_argument('--memory-sizes', default='10000,100000,1000000',
                   help='objects in the listed container (empty: skip)')
    p.add_argument('--rounds', type=int, default=2,
                   help='first syncs and no-op reruns are repeated, in '
                        'alternating tool order; the best round counts')
    p.add_argument('--large-repeats', type=int, default=3,
                   help='large copies per tool, taking turns')
    p.add_argument('--skip-rclone', action='store_true')
    p.add_argument('--json', help='write all measurements to this file')
    p.add_argument('--keep', action='store_true',
                   help='keep the clusters\' data directory')
    args = p.parse_args(argv)
    if min(args.rounds, args.large_repeats, args.workers, args.small,
           args.large_count, args.large_mib) < 1:
        p.error('counts, sizes, rounds and repeats must be at least 1')
    return args


def side(cluster):
    return dict(RESELLER, auth_url=cluster.auth_url,
                v1_url=cluster.url + '/v1')


def auth_only(creds):
    return {k: creds[k] for k in ('auth_url', 'user', 'key')}


def step(text):
    print('== %s' % text, flush=True)


def machine():
    def out(*argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True,
                                  timeout=10).stdout.strip()
        except OSError:
            return 'unknown'
    with open('/proc/meminfo') as f:
        mem_kib = int(f.readline().split()[1])
    return {'date': out('date', '-u'), 'nproc': os.cpu_count(),
            'memory_gib': round(mem_kib / 1024 ** 2, 1),
            'python': platform.python_version(),
            'swift': importlib.metadata.version('swift'),
            'rclone': rclone.version() if os.path.exists(rclone.BINARY)
            else 'not installed',
            'uptime_start': out('uptime')}


class Bench:
    def __init__(self, args, work, clusters):
        self.args = args
        self.work = work
        self.c = clusters
        self.results = {}
        self.small = fill.small_layout(args.small)
        self.large = fill.large_layout(args.large_count)
        self.large_size = args.large_mib * 1024 * 1024
        self.small_accounts = sorted({o[0] for o in self.small})
        self.large_accounts = sorted({o[0] for o in self.large})
        self.all_accounts = self.small_accounts + self.large_accounts

    # --- the three tools ---------------------------------------------
    def copier(self, objects, name):
        spec = {'origin': auth_only(side(self.c['origin'])),
                'destination': auth_only(side(self.c['copier'])),
                'workers': self.args.workers,
                'objects': [list(o) for o in objects]}
        path = os.path.join(self.work, name + '.spec.json')
        with open(path, 'w') as f:
            json.dump(spec, f)
        result = proc.run([sys.executable, os.path.join(HERE, 'copier.py'),
                           path], self.work, name=name).check('copier')
        out = json.loads(result.stdout)
        out.update(wall_seconds=result.seconds,
                   cpu_seconds=round(result.cpu, 2),
                   max_rss_mb=round(result.max_rss_mb, 1))
        if out['objects'] != len(objects):
            raise RuntimeError('copier copied %d of %d' % (
                out['objects'], len(objects)))
        return out

    def swsync(self, accounts, name, env=None):
        config = swsync_run.write_config(
            os.path.join(self.work, name + '.conf'),
            side(self.c['origin']), side(self.c['swsync']), accounts,
            object_workers=self.args.workers, settle_seconds=SETTLE,
            retries=2, retry_max_backoff=1)
        counter = requests_log.Counter([self.c['origin'], self.c['swsync']])
        run = swsync_run.run(config, self.work, name, env=env)
        out = run.as_dict()
        out['requests'] = counter.since()
        return out

    def rclone(self, accounts, flags, name):
        counter = requests_log.Counter([self.c['origin'], self.c['rclone']])
        seconds, cpu, rss = rclone.sync(side(self.c['origin']),
                                        side(self.c['rclone']), accounts,
                                        flags, self.work, name)
        return {'wall_seconds': round(seconds, 3),
                'cpu_seconds': round(cpu, 2),
                'max_rss_mb': round(rss, 1), 'flags': flags,
                'requests': counter.since()}

    def rclone_flags(self, *extra):
        w = str(self.args.workers)
        return ['--transfers', w, '--checkers', w, '--fast-list'] + list(
            extra)

    # --- the runs ----------------------------------------------------
    def tools(self):
        return ['copier', 'swsync'] + (['rclone'] if self.c.get('rclone')
                                       else [])

    def first(self, tool, name, objects, accounts, tag):
        """One first copy of a data set by one tool, checked and kept
        under results['rounds']."""
        os.sync()   # no tool pays for the previous one's writeback
        step('first sync, %s objects: %s' % (name, tool))
        label = '%s-%s-%s' % (tool, name, tag)
        if tool == 'copier':
            run = self.copier(objects, label)
        elif tool == 'swsync':
            run = self.swsync(accounts, label)
            if run['counts'].get('objects_copied') != len(objects):
                raise RuntimeError('swsync copied %s of %d objects' % (
                    run['counts'].get('objects_copied'), len(objects)))
        else:
            run = self.rclone(accounts, self.rclone_flags(*RCLONE_FIRST),
                              label)
            if run['requests'].get('object_writes') != len(objects):
                raise RuntimeError('rclone wrote %s of %d objects' % (
                    run['requests'].get('object_writes'), len(objects)))
        self.results.setdefault('rounds', {}).setdefault(
            '%s_%s' % (tool, name), []).append(run)

    def delete(self, tool, objects):
        base, token = v1_auth(**auth_only(side(self.c[tool])))
        session = requests.Session()
        for account, container, name in objects:
            resp = session.delete(base + object_path(account, container,
                                                     name),
                                  headers={'X-Auth-Token': token})
            if resp.status_code != 204:
                raise RuntimeError('DELETE %s/%s/%s on %s: %s' % (
                    account, container, name, tool, resp.status_code))

    def run(self):
        r = self.results
        step('filling the origin: %d x 1 KiB, %d x %d MiB' % (
            len(self.small), len(self.large), self.args.large_mib))
        base, token = v1_auth(**auth_only(side(self.c['origin'])))
        t0 = time.time()
        fill.fill(base, token, self.small, self.large, self.large_size)
        r['fill_seconds'] = round(time.time() - t0, 2)
        time.sleep(SETTLE + 0.5)   # past swsync's settle window
        # Load from elsewhere on the machine comes and goes, so the tools
        # take turns: rounds in alternating order, each tool on a fresh
        # destination (a restarted cluster starts empty), and the best
        # round of each tool counts.
        for rnd in range(self.args.rounds):
            tools = self.tools() if rnd % 2 == 0 else self.tools()[::-1]
            for tool in tools:
                if rnd:
                    step('round %d: fresh destination for %s' % (
                        rnd + 1, tool))
                    self.c[tool].stop()
                    self.c[tool].start()
                self.first(tool, 'small', self.small, self.small_accounts,
                           rnd)
        # A large copy takes ~2 s, too short to be measured once under
        # load: the tools take turns more often, and the destination
        # copies are deleted (a few DELETEs) between turns.
        for rep in range(self.args.large_repeats):
            tools = self.tools()
            tools = tools[rep % len(tools):] + tools[:rep % len(tools)]
            for tool in tools:
                if rep:
                    self.delete(tool, self.large)
                self.first(tool, 'large', self.large, self.large_accounts,
                           rep)
        for key, runs in r['rounds'].items():
            r[key] = min(runs, key=_seconds)
        self.noop()
        self.incremental()

    def noop(self):
        r = self.results
        total = len(self.small) + len(self.large)
        runs = []
        for rnd in range(self.args.rounds):
            step('no-op rerun: swsync')
            run = self.swsync(self.all_accounts, 'swsync-noop-%d' % rnd)
            if run['counts'].get('objects_unchanged') != total:
                raise RuntimeError('no-op rerun: %s unchanged of %d' % (
                    run['counts'].get('objects_unchanged'), total))
            runs.append(run)
        # Compared with rclone by wall time: the best wall time counts.
        r['rounds']['swsync_noop'] = runs
        r['swsync_noop'] = min(runs, key=lambda run: run['wall_seconds'])
        # swsync's fixed cost before the first byte moves (authentication,
        # checks, /info, listings) in the large first sync: the same run
        # with nothing left to copy. Information only.
        runs = [self.swsync(self.large_accounts, 'swsync-noop-large-%d' % i)
                for i in range(self.args.rounds)]
        r['swsync_noop_large'] = min(runs, key=_seconds)
        # What Python start-up costs: the same with eventlet's green DNS
        # (it imports dnspython) turned off. Information only.
        step('no-op rerun: swsync, EVENTLET_NO_GREENDNS=yes')
        r['swsync_noop_nogreendns'] = self.swsync(
            self.all_accounts, 'swsync-noop-nogreendns',
            env=dict(os.environ, EVENTLET_NO_GREENDNS='yes'))
        if not self.c.get('rclone'):
            return
        # The fastest correct rclone no-op we found: each candidate is
        # timed (best of the rounds), and the fastest that writes nothing
        # is compared.
        candidates = {
            'checksum': ['--checksum'],
            'checksum, no large objects': ['--checksum',
                                           '--swift-no-large-objects'],
            'update, server modtime': ['--update', '--use-server-modtime'],
        }
        runs = {label: [] for label in candidates}
        for rnd in range(self.args.rounds):
            fastest = min([_seconds(min(v, key=_seconds))
                           for v in runs.values() if v] or [0])
            for i, (label, extra) in enumerate(candidates.items()):
                if rnd and _seconds(runs[label][0]) > 2 * fastest:
                    continue   # clearly slower: once is enough
                step('no-op rerun: rclone %s' % ' '.join(extra))
                runs[label].append(self.rclone(
                    self.all_accounts, self.rclone_flags(*extra),
                    'rclone-noop-%d-%d' % (i, rnd)))
        r['rclone_noop_candidates'] = {
            label: min(v, key=_seconds) for label, v in runs.items()}
        correct = {k: v for k, v in r['rclone_noop_candidates'].items()
                   if not v['requests'].get('writes')}
        if correct:
            best = min(correct, key=lambda k: correct[k]['wall_seconds'])
            r['rclone_noop'] = dict(correct[best], label=best)

    def incremental(self):
        r = self.results
        base, token = v1_auth(**auth_only(side(self.c['origin'])))
        runs = []
        for rnd in range(self.args.rounds):
            step('incremental: 1 % of the small objects changed')
            puts, posts = fill.change(base, token, self.small,
                                      version=rnd + 2)
            r['changed'] = {'puts': puts, 'posts': posts}
            time.sleep(SETTLE + 0.5)
            os.sync()
            run = self.swsync(self.all_accounts,
                              'swsync-incremental-%d' % rnd)
            got = (run['counts'].get('objects_copied'),
                   run['counts'].get('objects_posted'))
            if got != (puts, posts):
                raise RuntimeError('incremental: copied/posted %s, '
                                   'expected %s' % (got, (puts, posts)))
            runs.append(run)
        r['rounds']['swsync_incremental'] = runs
        r['swsync_incremental'] = min(runs, key=_seconds)
        if r.get('rclone_noop'):
            # Information only: rclone copies the overwritten objects; it
            # does not carry metadata, so the POSTs mean nothing to it.
            step('incremental: rclone (%s)' % r['rclone_noop']['label'])
            r['rclone_incremental'] = self.rclone(
                self.all_accounts, r['rclone_noop']['flags'],
                'rclone-incremental')


def _seconds(run):
    """The time a tool's run is judged by: its own measure of the work
    (copier, swsync) or the wall time (rclone)."""
    return run.get('seconds') or run.get('run_seconds') or \
        run['wall_seconds']


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    started = time.time()
    info = machine()
    print('swiftsync bench: %s, %d cores, python %s, swift %s, %s' % (
        info['date'], info['nproc'], info['python'], info['swift'],
        info['rclone']))
    print('load at start: %s' % info['uptime_start'], flush=True)
    base = int(os.environ.get('SWIFTSYNC_BENCH_BASE_PORT', '18600'))
    work = tempfile.mkdtemp(prefix='swiftsync-bench-')
    names = ['origin', 'copier', 'swsync'] + (
        [] if args.skip_rclone else ['rclone'])
    clusters = {n: saio.Cluster('bench-' + n, base + 10 * i, root=work,
                                listing_limit=10000)
                for i, n in enumerate(names)}
    bench = Bench(args, work, clusters)
    sizes = [int(s) for s in args.memory_sizes.split(',') if s.strip()]
    try:
        try:
            step('starting %d Swift clusters under %s' % (
                len(clusters), work))
            for cluster in clusters.values():
                cluster.start()
            bench.run()
        finally:
            step('stopping the clusters')
            for cluster in clusters.values():
                cluster.stop()
        # An empty container first: the process's own baseline.
        mem = memory.memory([0] + sizes if sizes else [], work,
                            args.workers)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    info['uptime_end'] = subprocess.run(
        ['uptime'], capture_output=True, text=True).stdout.strip()
    info['duration_seconds'] = round(time.time() - started, 1)
    lines = table.lines(bench.results, args, mem)
    print()
    print(table.render(lines))
    print()
    print('duration %.0f s; load at end: %s' % (info['duration_seconds'],
                                                info['uptime_end']))
    for line in table.missed(lines):
        print('MISSED: %s (%s, target %s)' % (
            line['check'].strip(), line['ratio'] or line['swsync'],
            line['target']))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'machine': info, 'args': vars(args),
                       'results': bench.results,
                       'memory': {str(k): v for k, v in mem.items()},
                       'table': lines}, f, indent=2)
    return 0


if __name__ == '__main__':
    sys.exit(main())
