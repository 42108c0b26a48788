#!/usr/bin/env python3
"""Change marks (issue #14, part 1): what they save a nightly run, and
what the middleware (``swsync.changes_middleware``) costs the origin's
writes. Real local clusters (``tools/saio.py``), all processes niced.

Nightly run: an origin with the middleware (``min_interval`` 1 s, so that
marks can be recorded seconds after a write instead of a minute) holds
1,000 containers in two accounts, most of 10 small objects, a few large
ones (by default 100,000 listing rows each, written straight into both
sides' container databases by ``container_rows.py``: only their listings
exist); one destination. Sync, wait, sync again (that run records every
mark), a quiet night, then cycles: put one new object in 1 % of the
containers, run the nightly sync with marks and without them. Both runs
of a cycle do the same work: between them the destination is rewound
(the cycle's new objects deleted from it), and a run without marks
neither reads nor writes recorded marks. The order alternates between
cycles. ``swsync verify`` after each run proves the destination equal to
the origin.

PUT overhead: clusters identical but for the middleware take the same
concurrent PUT load in rounds, taking turns; median objects/s.

Ports from 19600 (10 apart); data under /tmp/bench-marks-saio, removed
at the end (``--keep`` keeps it). Clusters are stopped even on error.
"""
import argparse
import concurrent.futures
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'tools'))

import proc  # noqa: E402
import requests_log  # noqa: E402
import saio  # noqa: E402
import swsync_run  # noqa: E402
from auth import object_path, v1_auth  # noqa: E402

BASE_PORT = 19600
SAIO_ROOT = '/tmp/bench-marks-saio'
RESELLER = {'user': 'admin:admin', 'key': 'adminpass'}
ACCOUNTS = ('AUTH_marks0', 'AUTH_marks1')
LISTING_LIMIT = 10000   # Swift's default container_listing_limit
INTERVAL = 1            # the nightly origin's min_interval (bench only)
SKEW = 1.0              # change_mark_skew (default 5 s: one proxy here)
# a walk records a mark only from a listing begun this long after it
RECORD_AFTER = INTERVAL + SKEW + 1.5
SETTLE = 1


def step(text):
    print('== %s' % text, flush=True)


def creds(cluster):
    return dict(RESELLER, auth_url=cluster.auth_url)


def token_of(cluster):
    return v1_auth(cluster.auth_url, RESELLER['user'], RESELLER['key'])


# --- counting ---
def count_requests(cluster, mark, pause=0.5):
    """Requests in ``cluster``'s proxy log since ``mark``: the clients'
    (source ``-``) by kind and method, the middleware's mark POSTs
    (source SWSC) apart, other middlewares' sub-requests in ``other``."""
    time.sleep(pause)   # a line is written after its response
    with open(cluster.access_log, 'rb') as f:
        f.seek(mark)
        lines = f.read().decode('utf-8', 'replace').splitlines()
    out = {'client': 0, 'SWSC': 0, 'other': {}, 'by_kind': {}}
    for line in lines:
        rec = saio.parse_access_line(line)
        if rec is None:
            continue
        if rec['source'] == 'SWSC':
            out['SWSC'] += 1
        elif rec['source'] != '-':
            out['other'][rec['source']] = out['other'].get(
                rec['source'], 0) + 1
        else:
            out['client'] += 1
            key = '%s %s' % (rec['method'], requests_log.kind(rec))
            out['by_kind'][key] = out['by_kind'].get(key, 0) + 1
    return out


# --- filling ---
def _tar(entries):
    """A tar of ``(path, body)``; the path ``container/object``."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w') as tar:
        for path, body in entries:
            info = tarfile.TarInfo(path)
            info.size = len(body)
            info.mtime = 1700000000
            tar.addfile(info, io.BytesIO(body))
    return buf.getvalue()


def extract(base, token, account, entries):
    """One extract-archive into an account (the bulk middleware creates
    the containers and writes the objects one after another in the
    proxy: no client round trip per object)."""
    resp = requests.put(base + '/' + account,
                        params={'extract-archive': 'tar'},
                        data=_tar(entries), timeout=1800,
                        headers={'X-Auth-Token': token,
                                 'Accept': 'application/json'})
    resp.raise_for_status()
    result = json.loads(resp.content)
    if result.get('Errors') or \
            result.get('Number Files Created') != len(entries):
        raise RuntimeError('extract-archive into %s: %s' % (account, result))


def create_containers(cluster, names):
    """PUT the (account, container) ``names`` through the proxy."""
    base, token = token_of(cluster)
    session = requests.Session()
    for account, container in names:
        session.put(base + object_path(account, container),
                    headers={'X-Auth-Token': token}).raise_for_status()


def write_rows(cluster, account, container, count, timestamp):
    """``count`` listing rows straight into the container's database
    (bench/container_rows.py): a listing of ``count`` 0-byte objects
    whose objects do not exist, in seconds instead of minutes."""
    out = subprocess.run(
        [cluster.python, os.path.join(HERE, 'container_rows.py'),
         cluster.dir, account, container, str(count), repr(timestamp)],
        capture_output=True, text=True, check=True, timeout=600)
    if int(out.stdout) != count:
        raise RuntimeError('%s/%s holds %s rows, not %d' % (
            account, container, out.stdout.strip(), count))


def fill(cluster, jobs, threads=8):
    """``jobs``: (account, entries) pairs, ``threads`` at a time."""
    base, token = token_of(cluster)
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        for job in [pool.submit(extract, base, token, a, e)
                    for a, e in jobs]:
            job.result()


class Layout:
    """1,000 containers over two accounts: ``large`` of ``large_objects``
    0-byte objects, the rest of ``small_objects`` 100-byte ones."""

    def __init__(self, containers, small_objects, large, large_objects):
        per = containers // len(ACCOUNTS)
        self.containers = [(a, 'c%04d' % i) for a in ACCOUNTS
                           for i in range(per)]
        self.large = self.containers[:large]
        self.small = self.containers[large:]
        self.small_objects = small_objects
        self.large_objects = large_objects

    def small_jobs(self, per_tar=50):
        """One tar per ``per_tar`` containers of one account."""
        jobs = []
        for account in ACCOUNTS:
            names = [c for a, c in self.small if a == account]
            for start in range(0, len(names), per_tar):
                jobs.append((account, [
                    ('%s/o%02d' % (c, i), ('%s/%s/%d.' % (
                        account, c, i)).encode().ljust(100, b'x'))
                    for c in names[start:start + per_tar]
                    for i in range(self.small_objects)]))
        return jobs

    def large_jobs(self, per_tar=500):
        return [(a, [('%s/o%07d' % (c, i), b'')
                     for i in range(s, min(s + per_tar, self.large_objects))])
                for a, c in self.large
                for s in range(0, self.large_objects, per_tar)]

    def changed(self, cycle, fraction=0.01):
        """1 % of the containers, spread, different in every cycle; small
        ones (a changed large one adds its listing pages to both runs)."""
        count = max(1, round(len(self.containers) * fraction))
        step_ = len(self.small) // count
        return [self.small[(i * step_ + cycle * 7) % len(self.small)]
                for i in range(count)]


# --- the nightly run ---
class Nightly:
    def __init__(self, args, work, origin, dest):
        self.args = args
        self.work = work
        self.origin = origin
        self.dest = dest
        self.layout = Layout(args.containers, args.small_objects,
                             args.large_count, args.large_objects)

    def config(self, name, **options):
        options.setdefault('settle_seconds', SETTLE)
        options.setdefault('change_mark_skew', SKEW)
        options.setdefault('full_walk_days', 1000000)
        options.setdefault('state_dir', self.work)
        return swsync_run.write_config(
            os.path.join(self.work, name + '.conf'), creds(self.origin),
            creds(self.dest), list(ACCOUNTS), **options)

    def sync(self, name, marks=True):
        config = self.config(name, change_marks=str(marks).lower())
        o_mark = self.origin.access_log_size()
        d_mark = self.dest.access_log_size()
        step('swsync %s (change_marks = %s)' % (name, str(marks).lower()))
        run = swsync_run.run(config, self.work, name)
        out = {'wall_seconds': round(run.wall, 2),
               'run_seconds': run.seconds, 'counts': run.counts,
               'origin': count_requests(self.origin, o_mark),
               'destination': count_requests(self.dest, d_mark)}
        out['requests'] = out['origin']['client'] + \
            out['destination']['client']
        verify = proc.run([sys.executable, '-m', 'swsync.cli', 'verify',
                           '--config-file', config], self.work,
                          name=name + '-verify')
        out['verify_rc'] = verify.rc
        if verify.rc != 0:
            raise RuntimeError('verify after %s: exit %d\n%s' % (
                name, verify.rc, verify.stdout[-2000:]))
        print('   %(wall_seconds)s s, %(requests)d requests' % out,
              flush=True)
        return out

    def change(self, cycle):
        """One new object in each chosen container, through the origin
        proxy (so the middleware marks it)."""
        base, token = token_of(self.origin)
        mark = self.origin.access_log_size()
        session = requests.Session()
        chosen = self.layout.changed(cycle)
        for account, container in chosen:
            resp = session.put(base + object_path(
                account, container, 'new-%d' % cycle),
                data=b'changed in cycle %d' % cycle,
                headers={'X-Auth-Token': token})
            resp.raise_for_status()
        return chosen, count_requests(self.origin, mark)

    def rewind(self, chosen, cycle):
        """Delete the cycle's new objects from the destination: it is as
        it was before the first run of the cycle."""
        base, token = token_of(self.dest)
        session = requests.Session()
        for account, container in chosen:
            resp = session.delete(base + object_path(
                account, container, 'new-%d' % cycle),
                headers={'X-Auth-Token': token})
            if resp.status_code != 204:
                raise RuntimeError('rewind %s/%s: %s' % (
                    account, container, resp.status_code))

    def fill_large_objects(self, res):
        """Real 0-byte objects through the proxies (~160 objects/s here)."""
        lay = self.layout
        step('filling %d large containers of %d objects, origin then '
             'destination' % (len(lay.large), lay.large_objects))
        started = time.monotonic()
        fill(self.origin, lay.large_jobs())
        res['fill_large_origin_seconds'] = round(
            time.monotonic() - started, 1)
        # Written later on the destination, with the same names and
        # contents: the first sync lists them and finds them in sync
        # (it would otherwise spend minutes copying them).
        time.sleep(SETTLE + 1)
        started = time.monotonic()
        fill(self.dest, lay.large_jobs())
        res['fill_large_destination_seconds'] = round(
            time.monotonic() - started, 1)

    def fill_large_rows(self, res):
        """The containers created through the proxies (the origin's
        middleware marks them), then the same rows with the same
        timestamp written into both sides' databases: swsync lists them
        and finds them in sync. The container-updater then carries the
        counts into the account listings."""
        lay = self.layout
        step('writing %d large containers of %d listing rows on both '
             'sides' % (len(lay.large), lay.large_objects))
        started = time.monotonic()
        stamp = time.time()
        for cluster in (self.origin, self.dest):
            create_containers(cluster, lay.large)
            for account, container in lay.large:
                write_rows(cluster, account, container, lay.large_objects,
                           stamp)
            cluster.run_once('container-updater')
        res['fill_large_rows_seconds'] = round(
            time.monotonic() - started, 1)
        time.sleep(SETTLE + 1)

    def run(self):
        res = {}
        lay = self.layout
        step('filling the origin: %d small containers of %d objects' % (
            len(lay.small), lay.small_objects))
        started = time.monotonic()
        fill(self.origin, lay.small_jobs())
        res['fill_small_seconds'] = round(time.monotonic() - started, 1)
        if self.args.large_fill == 'rows':
            self.fill_large_rows(res)
        else:
            self.fill_large_objects(res)
        res['first_sync'] = self.sync('first')
        time.sleep(RECORD_AFTER)
        res['second_sync'] = self.sync('second')
        res['quiet_night'] = self.sync('quiet')
        res['cycles'] = []
        for cycle in range(self.args.cycles):
            chosen, changing = self.change(cycle)
            time.sleep(RECORD_AFTER)
            runs = {'changed': ['%s/%s' % c for c in chosen],
                    'change_requests': changing}
            order = (True, False) if cycle % 2 else (False, True)
            for i, marks in enumerate(order):
                if i:
                    self.rewind(chosen, cycle)
                runs['marks_on' if marks else 'marks_off'] = self.sync(
                    'cycle%d-%s' % (cycle, 'on' if marks else 'off'), marks)
            res['cycles'].append(runs)
        return res


# --- PUT overhead ---
def put_round(cluster, round_, objects, containers, threads):
    """``objects`` new 1 KiB objects over ``containers`` containers,
    ``threads`` PUTs at a time; (objects/s, seconds)."""
    base, token = token_of(cluster)
    local = threading.local()
    body = b'x' * 1024

    def put(i):
        if not hasattr(local, 'session'):
            local.session = requests.Session()
        resp = local.session.put(
            '%s/AUTH_puts/p%d/r%d-%06d' % (base, i % containers, round_, i),
            data=body, headers={'X-Auth-Token': token}, timeout=120)
        if resp.status_code != 201:
            raise RuntimeError('PUT: %s' % resp.status_code)
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(put, range(objects)))
    seconds = time.monotonic() - started
    return objects / seconds, seconds


def cluster_cpu(cluster):
    """CPU seconds (user + system) the cluster's servers and memcached
    used so far: less sensitive to other jobs' load than a rate."""
    total = 0
    for server in saio.SERVERS + ('memcached',):
        with open(os.path.join(cluster.dir, 'run', server + '.pid')) as f:
            pid = int(f.read())
        with open('/proc/%d/stat' % pid) as f:
            fields = f.read().rsplit(')', 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf('SC_CLK_TCK')


def put_overhead(args, clusters):
    """Rounds taking turns (the order rotates each round); the first
    round of each cluster, which creates the containers, is a warm-up."""
    for cluster in clusters.values():
        base, token = token_of(cluster)
        for c in range(args.put_containers):
            requests.put('%s/AUTH_puts/p%d' % (base, c),
                         headers={'X-Auth-Token': token}).raise_for_status()
    names = list(clusters)
    rates = {n: [] for n in names}
    busy = {n: 0.0 for n in names}
    cpu = {n: 0.0 for n in names}
    marks = {}
    for r in range(args.put_rounds + 1):
        for name in names[r % len(names):] + names[:r % len(names)]:
            step('PUT round %d: %s' % (r, name))
            before = cluster_cpu(clusters[name])
            if r == 1:
                marks[name] = clusters[name].access_log_size()
            rate, seconds = put_round(clusters[name], r, args.put_objects,
                                      args.put_containers, args.put_threads)
            if r:
                busy[name] += seconds
                cpu[name] += cluster_cpu(clusters[name]) - before
                rates[name].append(round(rate, 1))
    out = {}
    for name in names:
        out[name] = {'rounds': rates[name],
                     'median': statistics.median(rates[name]),
                     'put_seconds': round(busy[name], 1),
                     'cpu_ms_per_put': round(1000 * cpu[name] / (
                         args.put_rounds * args.put_objects), 2),
                     'requests': count_requests(clusters[name],
                                                marks[name])}
    plain = out['plain']
    for name in names:
        out[name]['ratio'] = round(out[name]['median'] / plain['median'], 3)
        out[name]['cpu_ratio'] = round(
            out[name]['cpu_ms_per_put'] / plain['cpu_ms_per_put'], 3)
    return out


# --- main ---
def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--containers', type=int, default=1000)
    p.add_argument('--small-objects', type=int, default=10)
    p.add_argument('--large-count', type=int, default=3)
    p.add_argument('--large-objects', type=int, default=100000,
                   help='objects per large container (0 bytes)')
    p.add_argument('--large-fill', choices=('rows', 'objects'),
                   default='rows',
                   help='rows: listing rows written into the container '
                   'databases (seconds; the objects do not exist); '
                   'objects: real objects through the proxies (~10 min '
                   'per 100,000 here)')
    p.add_argument('--cycles', type=int, default=2,
                   help='change, then nightly runs with and without marks')
    p.add_argument('--put-rounds', type=int, default=5)
    p.add_argument('--put-objects', type=int, default=2000)
    p.add_argument('--put-containers', type=int, default=10)
    p.add_argument('--put-threads', type=int, default=20)
    p.add_argument('--skip-nightly', action='store_true')
    p.add_argument('--skip-puts', action='store_true')
    p.add_argument('--json', help='write all measurements to this file')
    p.add_argument('--keep', action='store_true')
    return p.parse_args(argv)


def uptime():
    return subprocess.run(['uptime'], capture_output=True,
                          text=True).stdout.strip()


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    os.nice(10)     # the clusters and swsync inherit it
    out = {'args': vars(args), 'load_start': uptime()}
    print('load at start: %s' % out['load_start'], flush=True)
    work = tempfile.mkdtemp(prefix='bench-marks-')
    specs = []
    if not args.skip_nightly:
        specs += [('origin', INTERVAL), ('destination', None)]
    if not args.skip_puts:
        specs += [('plain', None), ('marked60', 60), ('marked1', 1)]
    clusters = {name: saio.Cluster('marks-' + name, BASE_PORT + 10 * i,
                                   root=SAIO_ROOT, listing_limit=LISTING_LIMIT,
                                   change_marks=interval)
                for i, (name, interval) in enumerate(specs)}
    try:
        for cluster in clusters.values():
            cluster.start()
        if not args.skip_nightly:
            out['nightly'] = Nightly(args, work, clusters['origin'],
                                     clusters['destination']).run()
        if not args.skip_puts:
            out['puts'] = put_overhead(args, {
                n: clusters[n] for n in ('plain', 'marked60', 'marked1')})
    finally:
        step('stopping the clusters')
        for cluster in clusters.values():
            cluster.stop()
        if not args.keep:
            shutil.rmtree(SAIO_ROOT, ignore_errors=True)
            shutil.rmtree(work, ignore_errors=True)
    out['load_end'] = uptime()
    print(json.dumps(summary(out, args), indent=1))
    print('load at end: %s' % out['load_end'])
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(out, f, indent=1)
    return 0


def summary(out, args):
    """The figures doc/benchmarks.rst quotes."""
    s = {}
    nightly = out.get('nightly')
    if nightly:
        for key in ('first_sync', 'second_sync', 'quiet_night'):
            run = nightly[key]
            s[key] = {'requests': run['requests'],
                      'wall_seconds': run['wall_seconds'],
                      'unchanged': run['counts'].get(
                          'containers_unchanged', 0)}
        for c, cycle in enumerate(nightly['cycles']):
            for key in ('marks_on', 'marks_off'):
                run = cycle[key]
                s['cycle%d_%s' % (c, key)] = {
                    'origin': run['origin']['client'],
                    'destination': run['destination']['client'],
                    'SWSC': run['origin']['SWSC'],
                    'wall_seconds': run['wall_seconds'],
                    'unchanged': run['counts'].get(
                        'containers_unchanged', 0),
                    'copied': run['counts'].get('objects_copied', 0),
                    'verify_rc': run['verify_rc']}
        s['fill'] = {k: v for k, v in nightly.items() if 'fill' in k}
        s['large'] = {'containers': args.large_count,
                      'rows': args.large_objects, 'fill': args.large_fill}
    puts = out.get('puts')
    if puts:
        s['puts'] = {n: {'median': v['median'], 'ratio': v['ratio'],
                         'rounds': v['rounds'], 'SWSC': v['requests']['SWSC'],
                         'put_seconds': v['put_seconds'],
                         'cpu_ms_per_put': v['cpu_ms_per_put'],
                         'cpu_ratio': v['cpu_ratio']}
                     for n, v in puts.items()}
    return s


if __name__ == '__main__':
    sys.exit(main())
