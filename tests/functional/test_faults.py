"""Faults on either side: nothing lost, nothing wrongly deleted, the next
run heals.

Each scenario: fill an origin account, sync it cleanly, change the origin
(new, overwritten, re-tagged and deleted objects, a deleted container),
then sync through a fault. Whatever happens, the run must end, say what
failed, leave no corrupt object and delete nothing that still exists on
the origin; then one clean run makes both clusters identical, checked by
an independent walk.
"""
import hashlib
import json
import os
import random
import threading
import time
import uuid

import pytest

from tests.functional import sync_helpers as sh
from tests.functional.faultproxy import Fault, FaultProxy
from tests.functional.swiftapi import Admin, diff, snapshot

SUMMARY = []


@pytest.fixture(scope='module', autouse=True)
def fault_summary(saio_root):
    """The figures of the suite, written next to the cluster logs."""
    yield
    totals = {
        'scenarios': len(SUMMARY),
        'faults_injected': sum(s['faults'] for s in SUMMARY),
        'runs': sum(s['runs'] for s in SUMMARY),
        'objects_compared': sum(s['objects_compared'] for s in SUMMARY),
        'data_lost': sum(s['data_lost'] for s in SUMMARY),
        'wrongful_deletions': sum(s['wrongful_deletions'] for s in SUMMARY),
        'corrupt_objects': sum(s['corrupt'] for s in SUMMARY),
    }
    path = os.path.join(str(saio_root), 'fault-summary.json')
    with open(path, 'w') as f:
        json.dump({'totals': totals, 'scenarios': SUMMARY}, f, indent=1)
    print('\nfault suite: %s (details in %s)' % (json.dumps(totals), path))


def fill(o, account):
    """Three containers, one larger than a listing page, a few bigger
    objects; returns nothing, the origin is the truth."""
    o.put_container(account, 'paged')
    o.put_container(account, 'mixed', headers={'X-Container-Meta-A': '1'})
    o.put_container(account, 'doomed')
    for i in range(130):
        o.put_object(account, 'paged', 'p%03d' % i, b'p%d' % i)
    for i in range(12):
        size = 200 * 1024 if i % 4 == 0 else 100 + i
        o.put_object(account, 'mixed', 'm%02d' % i, os.urandom(size),
                     headers={'X-Object-Meta-I': str(i)})
    for i in range(4):
        o.put_object(account, 'doomed', 'd%d' % i, b'd')


def change(o, account):
    """The work the faulty run has to do."""
    for i in range(0, 130, 13):
        o.req('DELETE', account, 'paged', 'p%03d' % i, ok=(204,))
    for i in range(3, 130, 17):
        o.post_object(account, 'paged', 'p%03d' % i,
                      {'X-Object-Meta-Changed': 'yes'})
    for i in range(0, 12, 3):
        o.put_object(account, 'mixed', 'm%02d' % i, os.urandom(150 * 1024))
    for i in range(20):
        o.put_object(account, 'mixed', 'new%02d' % i, os.urandom(3000))
    for i in range(4):
        o.req('DELETE', account, 'doomed', 'd%d' % i, ok=(204,))
    o.req('DELETE', account, 'doomed', ok=(204,))


def names(admin, account):
    out = set()
    for c in admin.listing(account) or []:
        for row in admin.listing(account, c['name']) or []:
            out.add((c['name'], row['name']))
    return out


def corrupt_objects(d, account):
    """Destination objects whose bytes do not match their etag."""
    bad = []
    for c in d.listing(account) or []:
        for row in d.listing(account, c['name']) or []:
            headers, body = d.get_object(account, c['name'], row['name'])
            if hashlib.md5(body).hexdigest() != headers['etag'].strip('"'):
                bad.append((c['name'], row['name']))
    return bad


class Scenario:
    def __init__(self, origin, destination, tmp_path, **options):
        self.origin, self.destination = origin, destination
        self.o, self.d = Admin(origin), Admin(destination)
        self.tmp = tmp_path
        self.account = 'AUTH_f' + uuid.uuid4().hex[:8]
        self.options = dict(retries=4, retry_max_backoff=0.5, timeout=5,
                            object_workers=8, container_workers=2)
        self.options.update(options)
        self.runs = 0
        fill(self.o, self.account)
        clean = self.run()
        assert clean.rc == 0, clean
        change(self.o, self.account)
        sh.settle()
        self.dest_before = names(self.d, self.account)

    def config(self, name, **extra):
        options = dict(self.options)
        options.update(extra)
        return sh.write_config(self.tmp / name, self.origin,
                               self.destination, [self.account], **options)

    def run(self, **extra):
        self.runs += 1
        return sh.run_swsync(self.config('run%d.conf' % self.runs, **extra),
                             self.tmp, timeout=240)

    def check(self, run, faults, allowed_rc=(0, 1)):
        """The invariants after a faulty run, then a healing run."""
        assert run.rc in allowed_rc, run
        if run.rc == 1:
            assert run.report['errors'], run
            assert all(e['error'] for e in run.report['errors'])
        origin_now = names(self.o, self.account)
        dest_now = names(self.d, self.account)
        wrongful = (self.dest_before & origin_now) - dest_now
        corrupt = corrupt_objects(self.d, self.account)
        healed = self.run()
        assert healed.rc == 0, healed
        snap_o = snapshot(self.o, [self.account])
        differences = diff(snap_o, snapshot(self.d, [self.account]))
        lost = origin_now - names(self.d, self.account)
        SUMMARY.append({
            'scenario': os.environ.get('PYTEST_CURRENT_TEST', '?').split(
                ' ')[0], 'faults': faults, 'runs': self.runs,
            'faulty_run_rc': run.rc,
            'objects_compared': sum(len(c['objects']) for c in
                                    snap_o[self.account]['containers']
                                    .values()),
            'data_lost': len(lost), 'wrongful_deletions': len(wrongful),
            'corrupt': len(corrupt)})
        assert wrongful == set()
        assert corrupt == []
        assert differences == []
        assert lost == set()


def through(scenario, origin_rule=None, destination_rule=None, **extra):
    """Run swsync with fault proxies in front of either side."""
    with FaultProxy(scenario.origin.proxy_port, origin_rule) as op, \
            FaultProxy(scenario.destination.proxy_port,
                       destination_rule) as dp:
        run = scenario.run(
            origin_storage_url=op.url + '/v1/AUTH_admin',
            destination_storage_url=dp.url + '/v1/AUTH_admin', **extra)
        return run, len(op.injected) + len(dp.injected)


def storm(seed, fraction):
    """503, 500 and 429 (with Retry-After) on a fraction of requests."""
    rng = random.Random(seed)

    def rule(method, path, query):
        roll = rng.random()
        if roll < fraction * 0.5:
            return 503
        if roll < fraction * 0.75:
            return 500
        if roll < fraction:
            return Fault(status=429, headers={'Retry-After': '1'})
        return None
    return rule


@pytest.mark.parametrize('side', ['origin', 'destination'])
def test_error_storm(origin, destination, tmp_path, side):
    s = Scenario(origin, destination, tmp_path)
    rule = storm(7, 0.3)
    run, faults = through(s, **{side + '_rule': rule})
    assert faults > 10
    s.check(run, faults)


def test_stale_origin_listing_deletes_nothing(origin, destination,
                                              tmp_path):
    """A listing from a stale replica lacks rows: those objects must not be
    deleted on the destination (the origin HEAD says they exist)."""
    s = Scenario(origin, destination, tmp_path)

    def drop_rows(body):
        rows = json.loads(body)
        return json.dumps([r for i, r in enumerate(rows) if i % 5]).encode()

    def rule(method, path, query):
        if method == 'GET' and path.endswith('/paged') and \
                query.get('format') == 'json':
            return Fault(rewrite=drop_rows)
        return None
    run, faults = through(s, origin_rule=rule)
    assert run.report['counts'].get('deletes_skipped_origin_exists', 0) > 0
    s.check(run, faults, allowed_rc=(0,))


def test_resets_and_truncated_bodies(origin, destination, tmp_path):
    s = Scenario(origin, destination, tmp_path)
    counter = {'get': 0, 'put': 0}

    def origin_rule(method, path, query):
        if method == 'GET' and path.count('/') >= 4:
            counter['get'] += 1
            if counter['get'] % 3 == 0:
                return Fault(truncate=True)
        return None

    def dest_rule(method, path, query):
        if method == 'PUT' and path.count('/') >= 4:
            counter['put'] += 1
            if counter['put'] % 4 == 0:
                return Fault(reset_request=True)
        return None
    run, faults = through(s, origin_rule, dest_rule)
    assert faults >= 4
    s.check(run, faults)


def test_responses_slower_than_the_timeout(origin, destination, tmp_path):
    s = Scenario(origin, destination, tmp_path, timeout=1)
    slow = {'n': 0}

    def rule(method, path, query):
        slow['n'] += 1
        if slow['n'] % 10 == 0:
            return Fault(delay=2.5)
        return None
    run, faults = through(s, origin_rule=rule)
    assert faults > 3
    s.check(run, faults)


def test_object_gone_between_listing_and_get(origin, destination, tmp_path):
    s = Scenario(origin, destination, tmp_path)

    def rule(method, path, query):
        if method == 'GET' and path.endswith('/mixed/new05'):
            return 404
        return None
    run, faults = through(s, origin_rule=rule)
    assert run.rc == 0, run
    assert run.report['counts']['objects_vanished'] == 1
    s.check(run, faults)


def test_object_changing_while_it_is_copied(origin, destination, tmp_path):
    """The origin object changes after swsync read it: content of one,
    metadata only of another. The copy made is consistent, and the next
    run sees both changes."""
    s = Scenario(origin, destination, tmp_path)
    o, account = s.o, s.account

    def rule(method, path, query):
        if method == 'GET' and path.endswith('/mixed/new01'):
            return Fault(after=lambda: o.put_object(
                account, 'mixed', 'new01', b'changed meanwhile'))
        if method == 'GET' and path.endswith('/mixed/new02'):
            return Fault(after=lambda: o.post_object(
                account, 'mixed', 'new02', {'X-Object-Meta-Late': 'yes'}))
        return None
    run, faults = through(s, origin_rule=rule)
    assert faults == 2
    s.check(run, faults)
    assert s.d.get_object(account, 'mixed', 'new01')[1] == \
        b'changed meanwhile'
    assert s.d.req('HEAD', account, 'mixed', 'new02').headers[
        'x-object-meta-late'] == 'yes'


@pytest.mark.parametrize('status', [413, 507, 422])
def test_destination_refusing_writes(origin, destination, tmp_path, status):
    s = Scenario(origin, destination, tmp_path, retries=1)

    def rule(method, path, query):
        if method == 'PUT' and '/mixed/new0' in path:
            return status
        return None
    run, faults = through(s, destination_rule=rule)
    assert run.rc == 1, run
    assert any(str(status) in e['error'] for e in run.report['errors'])
    s.check(run, faults, allowed_rc=(1,))


def test_token_rejected_mid_run(origin, destination, tmp_path):
    """A 401 in the middle of the run (token expired or revoked): swsync
    authenticates again and goes on."""
    s = Scenario(origin, destination, tmp_path)
    seen = {'origin': 0, 'destination': 0}

    def rejecting(side):
        def rule(method, path, query):
            seen[side] += 1
            return 401 if seen[side] in (15, 40) else None
        return rule
    run, faults = through(s, rejecting('origin'), rejecting('destination'))
    assert faults == 4
    assert run.rc == 0, run
    s.check(run, faults)


@pytest.mark.parametrize('side', ['origin', 'destination'])
def test_proxy_killed_and_restarted_mid_run(origin, destination, tmp_path,
                                            side):
    """The real proxy process dies while swsync works, and comes back."""
    s = Scenario(origin, destination, tmp_path, retries=6,
                 retry_max_backoff=2)
    for i in range(150):
        s.o.put_object(s.account, 'mixed', 'extra%03d' % i, b'e' * 2000)
    sh.settle()
    cluster = origin if side == 'origin' else destination
    result = {}
    mark = cluster.access_log_size()
    runner = threading.Thread(target=lambda: result.update(run=s.run()))
    runner.start()
    # Kill once swsync is copying. The outage happens in this thread: the
    # restarted proxy must not be the child of a thread that ends (it
    # would die with it).
    deadline = time.time() + 60
    while len([r for r in cluster.requests_since(mark)
               if sh.object_level(r)]) < 20:
        assert time.time() < deadline and runner.is_alive()
        time.sleep(0.05)
    cluster.stop_server('proxy')
    time.sleep(2.0)
    cluster.start_server('proxy')
    runner.join()
    s.check(result['run'], faults=1)
