"""Model-based, seeded, randomized sync test on two real clusters.

Each sequence draws origin operations from ``random.Random(seed)``
(``tests/functional/model.py``), in fresh accounts ``AUTH_<p><seed>a`` and
``...b``, interleaved with real ``swsync`` runs: normal runs, runs through
a fault proxy (503s, connection resets, a slow answer, truncated bodies),
and runs racing origin writes (a thread, or fault-proxy hooks). After
every faulty or racing run and at the end, a quiet pair: settle, run, run.

Invariants (a failure names the seed, the invariant and the whole
operation log, which is also written as JSON to replay as-is):

* I1 exit 0 => the independent mirror checker (``mirror.py``) finds no
  difference, after every run without concurrent origin writes;
* I2 no destination object or container is deleted while the model says
  it exists on the origin (destination proxy access log);
* I3 the second run of a quiet pair makes no object-level request and no
  write on either cluster (except objects under E5/E7, and the settings
  of their destination container lifted and set again around their
  write);
* I4 exit code in 0..3, and a non-zero exit has its cause in the JSON
  report; no traceback on stderr;
* I5 after the final quiet pair: exit 0 and no difference.

Which sequences run:

* in ``tox -e functional``: every ``model_cases/*.json`` (a minimal
  operation sequence per divergence found, replayed as-is whatever the
  generator has become) and a budget: ``SWIFTSYNC_MODEL_SEEDS`` (``1-8``
  or ``3,7,9``; default ``1-8``) with ``SWIFTSYNC_MODEL_OPS`` operations
  each (default 14);
* in ``tox -e fuzz`` (``tests/fuzz``, ``make fuzz SEEDS=1000-1100``): the
  seeds of ``model_seeds.txt``, the whole logs of ``model_cases/found``,
  and the fuzz seeds: ``SWIFTSYNC_FUZZ_SEEDS`` (a range or list) or
  ``SWIFTSYNC_FUZZ_COUNT`` (seeds from ``SWIFTSYNC_FUZZ_START``, default
  1000), ``SWIFTSYNC_FUZZ_OPS`` operations each (default 40).

Sequence logs and a summary line per sequence go to
``SWIFTSYNC_MODEL_OUT`` (default: ``model-runs`` next to the clusters).
"""
import collections
import json
import os
import random
import threading
import time
import urllib.parse

import pytest

from tests.functional import model as mdl
from tests.functional import sync_helpers as sh
from tests.functional.faultproxy import Fault, FaultProxy
from tests.functional.mirror import check_mirror
from tests.functional.swiftapi import Admin

import saio  # noqa: E402  (tools/, on sys.path by conftest)

HERE = os.path.dirname(os.path.abspath(__file__))
SEEDS_FILE = os.path.join(HERE, 'model_seeds.txt')
CASES_DIR = os.path.join(HERE, 'model_cases')
BUDGET_SEEDS = '1-8'
EXPIRY_MARGIN = 60
P_SYNC = 0.12
LOG_PAUSE = 0.3     # proxies log a request just after answering it
BUDGET_OPS = 14
SYNC_MODES = (('normal', 50), ('fault', 25), ('race', 12), ('hook', 13))
EXIT_CODES = (0, 1, 2, 3)
# What a step records about its outcome (dropped when it is replayed).
OUTCOME_KEYS = ('status', 'rcs', 'injected', 'fired', 'most_sent')


# --- which sequences -----------------------------------------------------

def parse_seeds(text):
    """``1-20``, ``3,7,9`` or a mix (``1-5,9``)."""
    seeds = []
    for part in (text or '').replace(' ', '').split(','):
        if not part:
            continue
        if '-' in part:
            lo, hi = part.split('-', 1)
            seeds.extend(range(int(lo), int(hi) + 1))
        else:
            seeds.append(int(part))
    return seeds


def regression_seeds():
    """(seed, generator version, ops, avoid, comment) from
    model_seeds.txt: ``SEED vVERSION OPS [avoid=a,b]  # what it found``."""
    out = []
    if not os.path.exists(SEEDS_FILE):
        return out
    with open(SEEDS_FILE) as f:
        for line in f:
            text, _, comment = line.partition('#')
            fields = text.split()
            if not fields:
                continue
            version = int(fields[1].lstrip('v')) if len(fields) > 1 \
                else mdl.GENERATOR_VERSION
            ops = int(fields[2]) if len(fields) > 2 else BUDGET_OPS
            avoid = [f for field in fields[3:] if field.startswith('avoid=')
                     for f in field[6:].split(',') if f]
            seed = int(fields[0])
            out.append((seed, version, ops, avoid, comment.strip()))
    return out


def regression_cases(found=True):
    """model_cases/*.json (minimal sequences, one per divergence) and,
    with ``found``, model_cases/found/*.json (the whole logs of the fuzz
    sequences that found them, long: run by tox -e fuzz), relative
    paths."""
    out = []
    for root, _dirs, files in os.walk(CASES_DIR):
        if not found and os.path.basename(root) == 'found':
            continue
        out.extend(os.path.relpath(os.path.join(root, f), CASES_DIR)
                   for f in files if f.endswith('.json'))
    return sorted(out)


def avoided():
    """SWIFTSYNC_MODEL_AVOID: generator features left out of fuzz runs
    (model.AVOIDABLE), to look past known divergences."""
    text = os.environ.get('SWIFTSYNC_MODEL_AVOID') or ''
    return [f for f in text.replace(' ', '').split(',') if f]


def budget_seeds():
    """The budget of tox -e functional (fresh seeds, the regression seeds
    included: tox -e fuzz runs those with their own generator version)."""
    return parse_seeds(os.environ.get('SWIFTSYNC_MODEL_SEEDS',
                                      BUDGET_SEEDS))


def fuzz_seeds():
    text = os.environ.get('SWIFTSYNC_FUZZ_SEEDS')
    if text:
        return parse_seeds(text)
    count = int(os.environ.get('SWIFTSYNC_FUZZ_COUNT') or 0)
    start = int(os.environ.get('SWIFTSYNC_FUZZ_START') or 1000)
    return list(range(start, start + count))


# --- one sequence ----------------------------------------------------------

class InvariantFailed(AssertionError):
    pass


def _logged_path(rec):
    """A logged request path as names, without its query (proxy-logging
    quotes the request line, query included, once more)."""
    path = urllib.parse.unquote(rec['path']).split('?', 1)[0]
    return urllib.parse.unquote(path)


def swsync_requests(cluster, mark, accounts):
    """The requests swsync sent to a cluster's proxy since ``mark`` (by
    user agent: the checker's and the model's own requests, and their log
    lines written late, are not swsync's), to this sequence's
    ``accounts`` (a line of an earlier sequence's run can be written
    late: fuzz seed 7128 saw a PUT of seed 7127's account, logged 499
    when the fault proxy gave up on it a minute later)."""
    with open(cluster.access_log, 'rb') as f:
        f.seek(mark)
        data = f.read()
    out = []
    for line in data.decode('utf-8', 'replace').splitlines():
        rec = saio.parse_access_line(line)
        if rec is None or rec['source'] != '-':
            continue
        fields = line.split()
        agent = fields[fields.index(rec['method']) + 5]
        if agent.startswith('swsync') and \
                _path_parts(rec)[0] in accounts:
            out.append(rec)
    return out


VERSIONS = '\x00versions\x00'


def _path_parts(rec):
    """(account, container, object) of a logged request path. A version's
    reserved name (``\\x00versions\\x00C/\\x00O\\x00<inverted timestamp>``: the
    versioning middleware's own request, logged too, when an object of a
    container with X-Versions-Enabled is read) is given as ``C``, ``O``."""
    path = _logged_path(rec)
    acct, c, o = (tuple(path.split('/', 4)[2:]) + (None,) * 3)[:3]
    if c and c.startswith(VERSIONS):
        c = c[len(VERSIONS):]
        if o and o.startswith('\x00'):
            o = o[1:].rpartition('\x00')[0]
    return acct, c, o


class Sequence:
    """One seeded (or replayed) sequence of operations and sync runs."""

    def __init__(self, origin, destination, tmp, out_dir, label, seed,
                 n_ops=BUDGET_OPS, steps=None, prefix='m', avoid=(),
                 sync_options=None):
        self.origin, self.destination = origin, destination
        self.tmp, self.out_dir, self.label = tmp, out_dir, label
        self.seed, self.n_ops, self.replay = seed, n_ops, steps
        self.rng = random.Random(seed)
        # swsync options of every run (e.g. the change-marks ones)
        self.sync_options = dict(sync_options or {})
        self.names = {a: 'AUTH_%s%s%s' % (prefix, seed, a)
                      for a in mdl.ACCOUNTS}
        self.symbolic = {v: k for k, v in self.names.items()}
        self.o, self.d = Admin(origin), Admin(destination)
        self.model = mdl.Model()
        self.executor = mdl.Executor(self.o, self.names, self.model)
        self.avoid = sorted(avoid)
        self.gen = mdl.Generator(self.rng, self.model, avoid)
        self.log = []
        self.runs = []
        self.stats = {'ops': 0, 'runs': 0, 'faults_injected': 0,
                      'objects_compared': 0, 'tolerated': {},
                      'exit_codes': {}, 'swsync_seconds': 0.0,
                      'check_seconds': 0.0}
        self.violations = []
        self.started = time.time()

    # --- playing --------------------------------------------------------
    def play(self):
        try:
            if self.replay is not None:
                for step in self.replay:
                    step = {k: v for k, v in step.items()
                            if k not in OUTCOME_KEYS}
                    self.step(json.loads(json.dumps(step)))
                if not self.replay or self.replay[-1]['op'] != 'final':
                    self.step({'op': 'final'})
            else:
                done = 0
                while done < self.n_ops:
                    self.step(self.gen.next_op())
                    done += 1
                    if 2 <= done < self.n_ops and self.rng.random() < P_SYNC:
                        self.step(self.draw_sync())
                self.step({'op': 'final'})
        finally:
            self.save()

    def step(self, op):
        self.log.append(op)
        if op['op'] == 'sync':
            getattr(self, 'sync_' + op['mode'])(op)
        elif op['op'] == 'final':
            self.quiet_pair(op, final=True)
        else:
            op['status'] = self.executor.apply(op)
            self.stats['ops'] += 1

    def draw_sync(self):
        total = sum(w for _, w in SYNC_MODES)
        roll, mode = self.rng.uniform(0, total), 'normal'
        for mode, w in SYNC_MODES:
            roll -= w
            if roll <= 0:
                break
        step = {'op': 'sync', 'mode': mode}
        if mode == 'fault':
            step.update({
                'side': self.gen.pick(('origin', 'destination', 'both')),
                'p503': round(self.rng.uniform(0.03, 0.25), 3),
                'reset': self.gen.pick((0, 0, 0.15)),
                'truncate': self.gen.pick((0, 0, 0.25)),
                'delays': self.gen.pick((0, 0, 1, 2)),
                'timeout': self.gen.pick((None, None, 1)),
                'rseed': self.rng.randrange(1 << 30)})
        elif mode == 'race':
            step.update({'rseed': self.rng.randrange(1 << 30),
                         'count': self.rng.randrange(2, 6)})
        elif mode == 'hook':
            step['hooks'] = self.draw_hooks()
        return step

    def draw_hooks(self):
        hooks = []
        objs = self.gen._objects(('plain',), race=True)
        for _ in range(self.rng.randrange(1, 3)):
            if not objs:
                break
            acct, c, name, obj = self.gen.pick(objs)
            action = self.gen.pick(('put', 'post', 'delete'))
            if action == 'put':
                op = {'op': 'put', 'acct': acct, 'c': c, 'o': name,
                      'size': self.gen.pick((5, 500)),
                      'fill': self.rng.randrange(1 << 30), 'gzip': False,
                      'headers': self.gen.object_headers()}
            elif action == 'post':
                op = {'op': 'post', 'acct': acct, 'c': c, 'o': name,
                      'headers': self.gen.object_headers()}
            else:
                op = {'op': 'delete', 'acct': acct, 'c': c, 'o': name}
            hooks.append({'on': self.gen.pick(('listing', 'object')),
                          'when': self.gen.pick(('before', 'after')),
                          'op': op})
        return hooks

    # --- sync runs ----------------------------------------------------------
    def config(self, **extra):
        options = dict(settle_seconds=1, retries=2, retry_max_backoff=0.5,
                       expiry_margin_seconds=EXPIRY_MARGIN)
        options.update(self.sync_options)
        options.update({k: v for k, v in extra.items() if v is not None})
        path = self.tmp / ('run%d.conf' % (len(self.runs) + 1))
        return sh.write_config(path, self.origin, self.destination,
                               [self.names[a] for a in mdl.ACCOUNTS],
                               **options)

    def swsync(self, what, proxies=(None, None), timeout=None,
               concurrent=None, during=None):
        """One run; checks I4, stderr and I2; then I1 unless origin writes
        ran concurrently. Returns the Run (with .requests, .start)."""
        extra = {'timeout': timeout}
        if proxies[0] is not None:
            extra['origin_storage_url'] = proxies[0].url + '/v1/AUTH_admin'
        if proxies[1] is not None:
            extra['destination_storage_url'] = \
                proxies[1].url + '/v1/AUTH_admin'
        config = self.config(**extra)
        marks = (self.origin.access_log_size(),
                 self.destination.access_log_size())
        start = time.time()
        thread = None
        if during is not None:
            thread = threading.Thread(target=during, daemon=True)
            thread.start()
        run = sh.run_swsync(config, self.tmp, timeout=600)
        if thread is not None:
            thread.join(120)
        run.start, run.end, run.what = start, time.time(), what
        self.stats['swsync_seconds'] += run.end - start
        time.sleep(LOG_PAUSE)
        accounts = set(self.names.values())
        run.requests = (swsync_requests(self.origin, marks[0], accounts),
                        swsync_requests(self.destination, marks[1],
                                        accounts))
        self.runs.append(run)
        self.stats['runs'] += 1
        codes = self.stats['exit_codes']
        codes[str(run.rc)] = codes.get(str(run.rc), 0) + 1
        skipped = ((run.report or {}).get('counts') or {}).get(
            'containers_unchanged', 0)
        if skipped:     # not listed: their change mark had not moved
            self.stats['containers_unchanged'] = \
                self.stats.get('containers_unchanged', 0) + skipped
        self.log[-1].setdefault('rcs', []).append(run.rc)
        self.check_exit(run)
        self.check_deletes(run, concurrent or set())
        if concurrent is None:
            self.check_mirror(run)
        return run

    def sync_normal(self, step):
        self.checkpoint(self.swsync('normal'))

    def sync_fault(self, step):
        proxies = [None, None]
        injected = []
        attempts = collections.Counter()

        def counted(rule):
            def count(method, path, query):
                attempts[method, path, tuple(sorted(query.items()))] += 1
                return rule(method, path, query)
            return count
        with FaultProxy(self.origin.proxy_port,
                        counted(self.fault_rule(step, 0))) as op, \
                FaultProxy(self.destination.proxy_port,
                           counted(self.fault_rule(step, 1))) as dp:
            if step['side'] in ('origin', 'both'):
                proxies[0] = op
            if step['side'] in ('destination', 'both'):
                proxies[1] = dp
            run = self.swsync('fault', proxies,
                              timeout=step.get('timeout'))
            injected = op.injected + dp.injected
        step['injected'] = len(injected)
        self.stats['faults_injected'] += len(injected)
        if attempts:
            # Informational: the most times one identical request was
            # sent (retries=2 allows 3 per request).
            (method, path, _q), n = attempts.most_common(1)[0]
            step['most_sent'] = [n, method, path]
            self.stats['most_sent'] = max(self.stats.get('most_sent', 0), n)
        self.checkpoint(run)
        self.quiet_pair(step)

    def fault_rule(self, step, which):
        """Random faults (p503, reset, truncate, delays, from rseed), and
        explicit ones: ``rules``, each {side, method, level (info,
        account, container, object), name (the object's), status or
        fault ('truncate', 'reset'), times}."""
        rng = random.Random(step.get('rseed', 0) * 2 + which)
        delays = {'left': step.get('delays', 0)}
        spare_heads = 'preflight-faults' in self.avoid
        side = ('origin', 'destination')[which]
        rules = [dict(r) for r in step.get('rules', ())
                 if r.get('side', 'origin') == side]
        levels = {2: 'account', 3: 'container'}

        def explicit(method, path):
            level = 'info' if path == '/info' else \
                levels.get(path.count('/'), 'object')
            for r in rules:
                if r.get('times', 1) > 0 and r.get('method', method) == \
                        method and r.get('level', level) == level and \
                        ('name' not in r or path.endswith('/' + r['name'])):
                    r['times'] = r.get('times', 1) - 1
                    if r.get('fault') == 'truncate':
                        return Fault(truncate=True)
                    if r.get('fault') == 'reset':
                        return Fault(reset_request=True)
                    return r.get('status', 503)
            return None

        def rule(method, path, query):
            is_object = path.count('/') >= 4
            status = explicit(method, path)
            if status is not None:
                return status
            if spare_heads and method == 'HEAD' and path.count('/') == 2:
                return None
            if rng.random() < step.get('p503', 0):
                return 503
            if step.get('reset') and method == 'PUT' and \
                    rng.random() < step['reset']:
                return Fault(reset_request=True)
            if step.get('truncate') and method == 'GET' and is_object and \
                    rng.random() < step['truncate']:
                return Fault(truncate=True)
            if delays['left'] and rng.random() < 0.15:
                delays['left'] -= 1
                return Fault(delay=1.5)
            return None
        return rule

    def sync_race(self, step):
        """Origin writes from a thread while swsync runs."""
        touched = set()
        recorded = step.get('race')
        executed = []

        def racer():
            rng = random.Random(step['rseed'])
            gen = mdl.Generator(rng, self.model, self.avoid)
            gen.counter = 10000
            for i in range(len(recorded) if recorded is not None
                           else step['count']):
                time.sleep(rng.uniform(0.1, 1.2))
                op = dict(recorded[i]) if recorded is not None else \
                    gen.next_op(race=True)
                if op is None:
                    continue
                touched.add(self._where(op))
                op['status'] = self.executor.apply(op)
                executed.append(op)
        run = self.swsync('race', concurrent=touched, during=racer)
        step['race'] = executed
        self.stats['ops'] += len(executed)
        self.checkpoint(run)
        self.quiet_pair(step)

    def sync_hook(self, step):
        """Origin writes from fault-proxy hooks, before or after swsync's
        own request on the object or its container listing arrives."""
        touched = set()
        pending = list(enumerate(step['hooks']))
        fired = []
        lock = threading.Lock()

        def fire(i, hook):
            def run():
                with lock:
                    op = dict(hook['op'])
                    touched.add(self._where(op))
                    op['status'] = self.executor.apply(op)
                    fired.append((i, op))
            return run

        def rule(method, path, query):
            for n, (i, hook) in enumerate(pending):
                op = hook['op']
                acct = self.names[op['acct']]
                want = '/v1/%s/%s' % (acct, op['c'])
                if hook['on'] == 'object':
                    want += '/' + op['o']
                    match = method == 'GET' and path == want
                else:
                    match = method == 'GET' and path == want and \
                        query.get('format') == 'json'
                if match:
                    del pending[n]
                    touched.add(self._where(op))
                    return Fault(**{hook['when']: fire(i, hook)})
            return None
        with FaultProxy(self.origin.proxy_port, rule) as op:
            run = self.swsync('hook', (op, None), concurrent=touched)
        step['fired'] = sorted(i for i, _op in fired)
        for i, op in fired:
            step['hooks'][i]['status'] = op['status']
        self.stats['ops'] += len(fired)
        self.checkpoint(run)
        self.quiet_pair(step)

    @staticmethod
    def _where(op):
        return (op['acct'], op.get('c'), op.get('o'))

    def quiet_pair(self, step, final=False):
        """settle, run, run again with no origin change: the second run
        must make no object request and no write (I3); at the end of a
        sequence it must exit 0 (I5, and I1 then says no difference)."""
        self.verify_model()
        sh.settle()
        if self.sync_options.get('change_mark_skew') is not None:
            # late enough for quiet-1 to record the marks, so that the
            # containers quiet-2 and the next runs skip are many
            time.sleep(MARK_RECORD_WAIT)
        self.checkpoint(self.swsync('quiet-1'))
        run = self.swsync('quiet-2')
        checker = run.checker
        for side, reqs in zip(('origin', 'destination'), run.requests):
            bad = []
            for rec in reqs:
                if not (sh.object_level(rec) or sh.is_write(rec)):
                    continue
                acct, c, o = _path_parts(rec)
                if (acct, c, o) in checker.exempt:
                    continue
                if side == 'destination' and o is None and \
                        rec['method'] == 'POST' and \
                        any(e[:2] == (acct, c) for e in checker.exempt):
                    # the container's versioning or quota lifted and set
                    # again around a write of an exempt object tried again
                    continue
                bad.append('%s %s %s' % (rec['method'], _logged_path(rec),
                                         rec['status']))
            self.require('I3', not bad, 'quiet rerun touched the %s: %s '
                         '(E5/E7 exemptions: %s)' % (
                             side, '; '.join(bad[:15]),
                             sorted(checker.exempt)[:10]))
        if final:
            self.require('I5', run.rc == 0, 'final quiet run exit %s' %
                         run.rc)
        self.checkpoint(run)
        return run

    # --- invariants ---------------------------------------------------------
    def check_exit(self, run):
        self.require('I4', run.rc in EXIT_CODES, 'exit code %s' % run.rc)
        self.require('I4', 'Traceback (most recent call last)' not in
                     (run.stderr or ''), 'traceback on stderr')
        if run.rc != 0:
            report = run.report or {}
            self.require('I4', bool(report.get('errors') or
                                    report.get('deletes_withheld')),
                         'exit %s without its cause in the JSON report '
                         '(report %s)' % (run.rc, 'missing' if run.report
                                          is None else 'empty'))
        if run.report is not None:
            self.require('I4', run.report.get('exit_code') == run.rc,
                         'report exit_code %s != exit %s' % (
                             run.report.get('exit_code'), run.rc))

    def check_deletes(self, run, touched):
        now = time.time()
        bad = []
        for rec in run.requests[1]:
            if rec['method'] != 'DELETE' or not rec['status'].startswith(
                    '2'):
                continue
            acct, c, o = _path_parts(rec)
            sym = self.symbolic.get(acct)
            if sym is None or (sym, c, o) in touched or (sym, c, None) in \
                    touched:
                continue
            if self.model.present(sym, c, o, now=now) and \
                    not self._unservable_on_origin(acct, c, o):
                bad.append('%s/%s%s' % (acct, c, '' if o is None
                                        else '/' + o))
        self.require('I2', not bad, 'destination deleted what exists on '
                     'the origin: %s' % '; '.join(bad))

    def _unservable_on_origin(self, acct, c, o):
        """A static link or an SLO manifest the origin itself does not
        serve (README exception 7): the destination's copy of the object
        it replaced may be deleted (case 0035)."""
        if o is None:
            return False
        if self.o.req('GET', acct, c, o, ok=None).status_code not in (404,
                                                                      409):
            return False
        own = self.o.req('HEAD', acct, c, o, params={
            'symlink': 'get', 'multipart-manifest': 'get'}, ok=None)
        return own.status_code == 200 and (
            'X-Symlink-Target' in own.headers or
            own.headers.get('X-Static-Large-Object', '').lower() == 'true')

    def check_mirror(self, run):
        started = time.time()
        diffs, checker = check_mirror(
            self.o, self.d, [self.names[a] for a in mdl.ACCOUNTS],
            run.start, EXPIRY_MARGIN)
        run.checker, run.diffs = checker, diffs
        self.stats['check_seconds'] += time.time() - started
        self.stats['objects_compared'] += checker.compared
        for key, n in checker.tolerated.items():
            self.stats['tolerated'][key] = \
                self.stats['tolerated'].get(key, 0) + n
        if run.rc == 0:
            self.require('I1', not diffs, 'exit 0 but the mirror differs:'
                         '\n  ' + '\n  '.join(diffs[:40]))

    def verify_model(self):
        """The model is the test's own truth: it must match the origin
        (a mismatch is a bug of the test, reported as MODEL)."""
        problems = []
        for sym in mdl.ACCOUNTS:
            account = self.names[sym]
            listed = {c['name'] for c in self.o.listing(account) or []}
            modelled = set(self.model.conts(sym))
            if listed != modelled:
                problems.append('%s containers: origin %s, model %s' % (
                    account, sorted(listed), sorted(modelled)))
            for c in sorted(listed & modelled):
                names = {r['name'] for r in self.o.listing(account, c) or []}
                mine = set(self.model.cont(sym, c).objects)
                if names != mine:
                    problems.append('%s/%s: only on origin %s, only in '
                                    'model %s' % (account, c,
                                                  sorted(names - mine),
                                                  sorted(mine - names)))
        self.require('MODEL', not problems, '; '.join(problems))
        self.checkpoint()

    def require(self, name, ok, detail):
        """Note a violation; checkpoint() fails with all of them."""
        if not ok:
            self.violations.append((name, detail))

    def checkpoint(self, run=None):
        if not self.violations:
            return
        names = ','.join(sorted({n for n, _d in self.violations}))
        detail = '\n'.join('%s: %s' % v for v in self.violations)
        self.violations = []
        lines = ['%s violated in %s (seed %s, generator v%d, accounts %s)'
                 % (names, self.label, self.seed, mdl.GENERATOR_VERSION,
                    ', '.join(sorted(self.names.values()))),
                 detail]
        if run is not None:
            lines.append('swsync run %d (%s): exit %s' % (
                len(self.runs), run.what, run.rc))
            if run.report:
                lines.append('report errors: %s' % json.dumps(
                    run.report.get('errors'), ensure_ascii=False)[:3000])
                lines.append('report withheld: %s' % json.dumps(
                    run.report.get('deletes_withheld'),
                    ensure_ascii=False)[:1000])
                lines.append('report counts: %s' % json.dumps(
                    run.report.get('counts')))
            err = run.stderr or ''
            lines.append('stderr: %s' % (err if len(err) < 3000 else
                                         err[:1500] + ' [...] ' +
                                         err[-1500:]))
        lines.append('operation log (replay: %s):' % self.log_path())
        lines.extend('  %3d %s' % (i, json.dumps(s, ensure_ascii=False))
                     for i, s in enumerate(self.log))
        self.failure = {'invariant': names, 'detail': detail[:6000],
                        'step': len(self.log) - 1,
                        'rc': run.rc if run is not None else None}
        if run is not None:
            err = run.stderr or ''
            self.failure['stderr'] = err if len(err) < 4000 else \
                err[:2000] + ' [...] ' + err[-2000:]
        if run is not None and run.report:
            self.failure.update(
                errors=run.report.get('errors', [])[:20],
                withheld=run.report.get('deletes_withheld', [])[:20])
        raise InvariantFailed('\n'.join(lines))

    # --- records ---------------------------------------------------------
    def log_path(self):
        return os.path.join(self.out_dir, '%s.json' % self.label)

    def save(self):
        os.makedirs(self.out_dir, exist_ok=True)
        failure = getattr(self, 'failure', None)
        for key in ('swsync_seconds', 'check_seconds'):
            self.stats[key] = round(self.stats[key], 1)
        doc = {'label': self.label, 'seed': self.seed,
               'generator_version': mdl.GENERATOR_VERSION,
               'avoid': self.avoid,
               'change_marks': 'change_mark_skew' in self.sync_options,
               'sync_options': self.sync_options,
               'accounts': self.names, 'failure': failure,
               'seconds': round(time.time() - self.started, 1),
               'stats': self.stats, 'steps': self.log}
        with open(self.log_path(), 'w') as f:
            json.dump(doc, f, indent=1, ensure_ascii=False)
        summary = dict(doc)
        del summary['steps']
        with open(os.path.join(self.out_dir, 'summary.jsonl'), 'a') as f:
            f.write(json.dumps(summary, ensure_ascii=False) + '\n')


# --- the tests ------------------------------------------------------------

@pytest.fixture(scope='module')
def out_dir(saio_root):
    path = os.environ.get('SWIFTSYNC_MODEL_OUT') or os.path.join(
        str(saio_root), 'model-runs')
    os.makedirs(path, exist_ok=True)
    return path


def _run(origin, destination, tmp_path, out_dir, label, seed, **kw):
    seq = Sequence(origin, destination, tmp_path, out_dir, label, seed, **kw)
    seq.play()


@pytest.mark.parametrize('case', regression_cases(found=False))
def test_model_regression_case(request, destination, tmp_path, out_dir,
                               case):
    """An exact operation sequence, replayed as-is (its comment says what
    it found), against the kind of origin it was found on."""
    replay_case(request, destination, tmp_path, out_dir, case)


def replay_case(request, destination, tmp_path, out_dir, case):
    """Replay ``case`` against the origin it was found on: one running
    the change-marks middleware (started only then) or the plain one."""
    with open(os.path.join(CASES_DIR, case)) as f:
        doc = json.load(f)
    options = doc.get('sync_options')
    if doc.get('change_marks') and not options:
        options = MARKED_OPTIONS
    origin = request.getfixturevalue(
        'marked_origin' if doc.get('change_marks') else 'origin')
    _run(origin, destination, tmp_path, out_dir,
         'case-' + case[:-5].replace('/', '-'), doc['seed'],
         steps=doc['steps'],
         prefix='j%d' % regression_cases().index(case),
         sync_options=options)


# With the origin's change marks (test_changes.py): a quiet pair's first
# run records the marks, the second skips every unchanged container; the
# independent walker still compares everything.
MARKED_OPTIONS = {'change_mark_skew': 0.2, 'full_walk_days': 1000000}
MARK_RECORD_WAIT = 1.5      # conftest.MARK_INTERVAL + skew + Date's second


def marked_seeds(variable, default):
    return parse_seeds(os.environ.get(variable, default))


@pytest.mark.parametrize('seed', marked_seeds('SWIFTSYNC_MODEL_MARKED_SEEDS',
                                              '3001-3004'))
def test_model_with_change_marks(marked_origin, destination, tmp_path,
                                 out_dir, seed):
    _run(marked_origin, destination, tmp_path, out_dir, 'marked-%d' % seed,
         seed, n_ops=int(os.environ.get('SWIFTSYNC_MODEL_OPS') or
                         BUDGET_OPS), prefix='k',
         sync_options=MARKED_OPTIONS)


@pytest.mark.parametrize('seed', budget_seeds())
def test_model_budget(origin, destination, tmp_path, out_dir, seed):
    _run(origin, destination, tmp_path, out_dir, 'budget-%d' % seed, seed,
         n_ops=int(os.environ.get('SWIFTSYNC_MODEL_OPS') or BUDGET_OPS))
