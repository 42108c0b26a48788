"""Divergences found when swsync was tried as an operator would.

Each test is the regression case of one finding of the trust review: a
case where the destination stayed different from the origin without the
tool noticing, or where every nightly run failed the same way. Each runs
on two real clusters and checks the outcome with the independent client
(``swiftapi``), never with swsync's own view.
"""
import hashlib
import json
import signal
import time
import urllib.parse
import uuid

import pytest

from tests.functional import sync_helpers as sh
from tests.functional.faultproxy import Fault, FaultProxy
from tests.functional.swiftapi import Admin, diff, snapshot


def md5(data):
    return hashlib.md5(data).hexdigest()


def new_account(prefix):
    return 'AUTH_%s%s' % (prefix, uuid.uuid4().hex[:8])


def put_slo(admin, account, container, name, segments, headers=None):
    h = {'Content-Type': 'application/x-special'}
    h.update(headers or {})
    admin.req('PUT', account, container, name, data=json.dumps(segments),
              params={'multipart-manifest': 'put'}, headers=h, ok=(201,))


def seg(path, data):
    return {'path': path, 'etag': md5(data), 'size_bytes': len(data)}


class Pair:
    """Two clusters, an account set and a config: the operator's story."""

    def __init__(self, origin, destination, tmp_path, accounts, **options):
        self.origin, self.destination = origin, destination
        self.o, self.d = Admin(origin), Admin(destination)
        self.tmp = tmp_path
        self.accounts = list(accounts)
        self.options = options
        self.n = 0

    def config(self, **extra):
        options = dict(self.options)
        options.update(extra)
        self.n += 1
        return sh.write_config(self.tmp / ('c%d.conf' % self.n), self.origin,
                               self.destination, self.accounts, **options)

    def sync(self, *args, **extra):
        return sh.run_swsync(self.config(**extra), self.tmp, *args)

    def differences(self):
        return diff(snapshot(self.o, self.accounts),
                    snapshot(self.d, self.accounts))

    def quiet_rerun(self):
        """A rerun with nothing changed: exit 0 and no object request."""
        sh.settle()
        first = self.sync()
        assert first.rc == 0, first
        marks = (self.origin.access_log_size(),
                 self.destination.access_log_size())
        run = self.sync()
        assert run.rc == 0, run
        seen = (sh.wait_for_log(self.origin, marks[0]) +
                sh.wait_for_log(self.destination, marks[1], pause=0))
        return [r for r in seen if sh.object_level(r) or sh.is_write(r)]


# 1 --------------------------------------------------------------------------
def test_metadata_changes_on_slo_dlo_and_symlinks_arrive(
        origin, destination, tmp_path):
    """A POST (metadata, Content-Type, X-Delete-At) on an SLO manifest, a
    DLO manifest and symlinks reaches the destination."""
    account = new_account('md')
    p = Pair(origin, destination, tmp_path, [account])
    o = p.o
    o.put_container(account, 'segs')
    o.put_container(account, 'c')
    a, b = b'a' * 3000, b'b' * 2000
    o.put_object(account, 'segs', 's/1', a)
    o.put_object(account, 'segs', 's/2', b)
    put_slo(o, account, 'c', 'slo', [seg('/segs/s/1', a),
                                     seg('/segs/s/2', b)])
    o.put_object(account, 'c', 'dlo', b'', headers={
        'X-Object-Manifest': 'segs/s/'})
    o.put_object(account, 'c', 'target', b'target')
    o.put_object(account, 'c', 'link', b'', headers={
        'X-Symlink-Target': 'c/target'})
    o.put_object(account, 'c', 'static', b'', headers={
        'X-Symlink-Target': 'c/target',
        'X-Symlink-Target-Etag': md5(b'target')})
    sh.settle()
    run = p.sync()
    assert run.rc == 0, run
    delete_at = str(int(time.time()) + 86400)
    o.post_object(account, 'c', 'slo', {
        'Content-Type': 'text/x-slo', 'X-Object-Meta-Color': 'red',
        'X-Delete-At': delete_at})
    o.post_object(account, 'c', 'dlo', {
        'Content-Type': 'text/x-dlo', 'X-Object-Meta-Color': 'green',
        'X-Object-Manifest': 'segs/s/', 'X-Delete-At': delete_at})
    o.post_object(account, 'c', 'link', {
        'Content-Type': 'text/x-link', 'X-Object-Meta-Color': 'blue'})
    o.post_object(account, 'c', 'static', {'X-Object-Meta-Color': 'pink'})
    sh.settle()
    started = time.time()
    run = p.sync()
    assert run.rc == 0, run
    assert time.time() - started < 15, 'retried a request that cannot work'
    assert p.differences() == []
    head = p.d.req('HEAD', account, 'c', 'slo', params={'symlink': 'get'})
    assert head.headers['content-type'] == 'text/x-slo'
    assert head.headers['x-object-meta-color'] == 'red'
    assert head.headers['x-delete-at'] == delete_at
    assert head.headers['x-static-large-object'] == 'True'
    head = p.d.req('HEAD', account, 'c', 'link', params={'symlink': 'get'})
    assert head.headers['x-object-meta-color'] == 'blue'
    assert head.headers['x-symlink-target'] == 'c/target'
    assert p.d.get_object(account, 'c', 'target')[0].get(
        'x-object-meta-color') is None, 'the POST followed the link'
    assert p.quiet_rerun() == []


# 2 --------------------------------------------------------------------------
def test_container_frozen_by_quota_is_mirrored(origin, destination,
                                               tmp_path):
    """Quotas restrict the reseller too: they are applied after the
    container's writes and lifted before the next ones."""
    account = new_account('qu')
    p = Pair(origin, destination, tmp_path, [account])
    o = p.o
    o.put_container(account, 'frozen')
    o.put_container(account, 'full')
    for i in range(3):
        o.put_object(account, 'frozen', 'o%d' % i, b'x' * 100)
        o.put_object(account, 'full', 'o%d' % i, b'y' * 100)
    o.req('POST', account, 'frozen', headers={
        'X-Container-Meta-Quota-Count': '0'}, ok=(204,))
    o.req('POST', account, 'full', headers={
        'X-Container-Meta-Quota-Bytes': '300'}, ok=(204,))
    sh.settle()
    run = p.sync()
    assert run.rc == 0, run
    assert p.differences() == []
    assert p.d.req('HEAD', account, 'frozen').headers[
        'x-container-meta-quota-count'] == '0'
    # The owner lifts the quota, writes, and freezes again.
    o.req('POST', account, 'frozen', headers={
        'X-Remove-Container-Meta-Quota-Count': 'x'}, ok=(204,))
    o.put_object(account, 'frozen', 'o1', b'changed')
    o.put_object(account, 'frozen', 'o9', b'new')
    o.req('POST', account, 'frozen', headers={
        'X-Container-Meta-Quota-Count': '1'}, ok=(204,))
    sh.settle()
    run = p.sync()
    assert run.rc == 0, run
    assert p.differences() == []
    assert p.d.req('HEAD', account, 'frozen').headers[
        'x-container-meta-quota-count'] == '1'
    assert p.quiet_rerun() == []


# 3 --------------------------------------------------------------------------
def test_static_symlink_to_an_slo_is_copied(origin, destination, tmp_path):
    """The destination manifest has its own etag (segment timestamps
    differ); the link pins that one, and a rerun stays at listing cost."""
    account = new_account('sl')
    p = Pair(origin, destination, tmp_path, [account])
    o = p.o
    o.put_container(account, 'c')
    a = b'a' * 4000
    o.put_object(account, 'c', 'seg', a)
    put_slo(o, account, 'c', 'big', [seg('/c/seg', a)])
    manifest_etag = o.req('HEAD', account, 'c', 'big').headers[
        'x-manifest-etag']
    o.put_object(account, 'c', 'pinned', b'', headers={
        'X-Symlink-Target': 'c/big', 'X-Symlink-Target-Etag': manifest_etag})
    sh.settle()
    run = p.sync()
    assert run.rc == 0, run
    assert p.d.get_object(account, 'c', 'pinned')[1] == a
    assert p.differences() == []
    assert p.quiet_rerun() == []


# 4 --------------------------------------------------------------------------
def test_history_mode_delete_is_mirrored(origin, destination, tmp_path):
    """Deleting from an X-History-Location container leaves a delete
    marker in the archive (not carried: Swift refuses its content type)
    and an empty container whose object must go on the destination."""
    account = new_account('hi')
    p = Pair(origin, destination, tmp_path, [account])
    o = p.o
    o.put_container(account, 'arch')
    o.put_container(account, 'docs', headers={'X-History-Location': 'arch'})
    o.put_object(account, 'docs', 'report', b'v1')
    o.put_object(account, 'docs', 'report', b'v2')
    sh.settle()
    run = p.sync()
    assert run.rc == 0, run
    o.req('DELETE', account, 'docs', 'report', ok=(204,))
    markers = [r for r in o.listing(account, 'arch')
               if r['content_type'].startswith('application/x-deleted')]
    assert markers, 'Swift wrote no delete marker'
    sh.settle()
    run = p.sync()
    assert run.rc == 0, run
    assert p.d.listing(account, 'docs') == []
    carried = {r['name'] for r in p.d.listing(account, 'arch')}
    expected = {r['name'] for r in o.listing(account, 'arch')} - {
        r['name'] for r in markers}
    assert carried == expected
    assert p.d.req('HEAD', account, 'docs').headers[
        'x-history-location'] == 'arch'
    assert p.quiet_rerun() == []


# 5 --------------------------------------------------------------------------
def test_user_symlinks_in_a_versioned_container_stay_symlinks(
        origin, destination, tmp_path):
    account = new_account('vs')
    p = Pair(origin, destination, tmp_path, [account])
    o = p.o
    o.put_container(account, 't')
    o.put_object(account, 't', 'target', b'target v1')
    o.put_container(account, 'v', headers={'X-Versions-Enabled': 'true'})
    o.put_object(account, 'v', 'plain', b'plain data')
    o.put_object(account, 'v', 'dynamic', b'', headers={
        'X-Symlink-Target': 't/target', 'X-Object-Meta-Kind': 'dyn'})
    o.put_object(account, 'v', 'dangling', b'', headers={
        'X-Symlink-Target': 't/nowhere'})
    o.put_object(account, 'v', 'static', b'', headers={
        'X-Symlink-Target': 't/target',
        'X-Symlink-Target-Etag': md5(b'target v1')})
    sh.settle()
    run = p.sync()
    assert run.rc == 0, run
    for name, target in (('dynamic', 't/target'), ('dangling', 't/nowhere'),
                         ('static', 't/target')):
        head = p.d.req('HEAD', account, 'v', name, params={'symlink': 'get'},
                       ok=(200,))
        assert head.headers.get('x-symlink-target') == target, name
    assert p.d.req('HEAD', account, 'v', 'static', params={
        'symlink': 'get'}).headers['x-symlink-target-etag'] == md5(
            b'target v1')
    assert p.differences() == []
    # The static link's target changes: on the origin the link no longer
    # serves it (409), and neither may the destination.
    o.put_object(account, 't', 'target', b'target v2')
    sh.settle()
    run = p.sync()
    assert run.rc == 0, run
    assert o.req('GET', account, 'v', 'static').status_code == 409
    assert p.d.req('GET', account, 'v', 'static').status_code == 409
    assert p.quiet_rerun() == []


# 6 --------------------------------------------------------------------------
def test_overlapping_runs_are_refused_while_the_first_runs(
        origin, destination, tmp_path):
    account = new_account('lk')
    o = Admin(origin)
    o.put_container(account, 'c')
    for i in range(12):
        o.put_object(account, 'c', 'o%02d' % i, b'x')

    def slow(method, path, query):
        if method == 'GET' and path.count('/') >= 4:
            return Fault(delay=0.5)
        return None
    with FaultProxy(origin.proxy_port, slow) as proxy:
        config = sh.write_config(
            tmp_path / 'lock.conf', origin, destination, [account],
            object_workers=1,
            origin_storage_url=proxy.url + '/v1/AUTH_admin')
        first = sh.start_swsync(config, tmp_path)
        deadline = time.time() + 30
        while not any(m == 'GET' and p.count('/') >= 4
                      for m, p, _f in proxy.injected):
            assert time.time() < deadline and first.proc.poll() is None
            time.sleep(0.05)
        second = sh.run_swsync(config, tmp_path)
        first_run = first.wait(timeout=120)
    assert second.rc == 2, second
    assert 'another swsync run' in second.stderr
    assert str(first.proc.pid) in second.stderr
    assert first_run.rc == 0, first_run
    assert [r['name'] for r in Admin(destination).listing(account, 'c')] \
        == ['o%02d' % i for i in range(12)]


# 7 --------------------------------------------------------------------------
def test_retried_post_writes_what_the_origin_holds_now(
        origin, destination, tmp_path):
    """The destination POST fails once; meanwhile the origin metadata
    changes. The retry must not write the set read before the backoff."""
    account = new_account('rp')
    p = Pair(origin, destination, tmp_path, [account], retries=2,
             retry_max_backoff=3)
    o = p.o
    o.put_container(account, 'c')
    o.put_object(account, 'c', 'obj', b'data', headers={
        'X-Object-Meta-State': 'one'})
    sh.settle()
    assert p.sync().rc == 0
    o.post_object(account, 'c', 'obj', {'X-Object-Meta-State': 'two'})
    sh.settle()
    state = {'failed': False}

    def rule(method, path, query):
        if method == 'POST' and path.endswith('/c/obj') and \
                not state['failed']:
            state['failed'] = True
            o.post_object(account, 'c', 'obj',
                          {'X-Object-Meta-State': 'three'})
            return Fault(status=503, headers={'Retry-After': '3'})
        return None
    with FaultProxy(destination.proxy_port, rule) as proxy:
        run = p.sync(destination_storage_url=proxy.url + '/v1/AUTH_admin')
    assert state['failed']
    assert run.rc == 0, run
    sh.settle()
    assert p.sync().rc == 0
    assert p.d.req('HEAD', account, 'c', 'obj').headers[
        'x-object-meta-state'] == 'three'
    assert p.differences() == []


# 8 --------------------------------------------------------------------------
def test_one_retry_policy_per_request(origin, destination, tmp_path):
    account = new_account('rt')
    o = Admin(origin)
    o.put_container(account, 'c')
    o.put_object(account, 'c', 'sick', b'x')
    o.put_object(account, 'c', 'fine', b'y')
    gets = []

    def rule(method, path, query):
        if method == 'GET' and path.endswith('/c/sick'):
            gets.append(time.time())
            return 503
        return None
    with FaultProxy(origin.proxy_port, rule) as proxy:
        config = sh.write_config(
            tmp_path / 'r.conf', origin, destination, [account], retries=2,
            retry_max_backoff=0.05,
            origin_storage_url=proxy.url + '/v1/AUTH_admin')
        run = sh.run_swsync(config, tmp_path)
    assert run.rc == 1, run
    assert [e['scope'] for e in run.report['errors']] == [
        account + '/c/sick']
    assert len(gets) == 3     # the first attempt and two retries


# 9 --------------------------------------------------------------------------
@pytest.mark.parametrize('broken_reads', [1, 99])
def test_failure_writing_a_manifest_is_reported_or_retried(
        origin, destination, tmp_path, broken_reads):
    """The origin manifest body breaks off while it is read (in the phase
    that writes manifests after their segments)."""
    account = new_account('df')
    o = Admin(origin)
    o.put_container(account, 'c')
    data = b'z' * 5000
    o.put_object(account, 'c', 'seg', data)
    put_slo(o, account, 'c', 'manifest', [seg('/c/seg', data)])
    reads = []

    def rule(method, path, query):
        if method == 'GET' and path.endswith('/c/manifest') and \
                len(reads) < broken_reads:
            reads.append(path)
            return Fault(truncate=True)
        return None
    with FaultProxy(origin.proxy_port, rule) as proxy:
        config = sh.write_config(
            tmp_path / 'm.conf', origin, destination, [account], retries=2,
            retry_max_backoff=0.05,
            origin_storage_url=proxy.url + '/v1/AUTH_admin')
        run = sh.run_swsync(config, tmp_path)
    assert 'Traceback' not in run.stderr, run
    d = Admin(destination)
    present = d.req('HEAD', account, 'c', 'manifest', params={
        'multipart-manifest': 'get'}).status_code == 200
    if broken_reads == 1:
        assert run.rc == 0, run
        assert present
        assert d.get_object(account, 'c', 'manifest')[1] == data
    else:
        assert run.rc == 1, run
        assert [e['scope'] for e in run.report['errors']] == [
            account + '/c/manifest']
        assert not present


# 10 -------------------------------------------------------------------------
def test_legacy_manifest_waits_for_its_new_segments(origin, destination,
                                                    tmp_path):
    """A manifest listed without slo_etag (Swift < 2.19, simulated by
    removing the field from the origin listing) that now points at
    segments not yet on the destination is written after them."""
    account = new_account('lg')
    o = Admin(origin)
    o.put_container(account, 'a-manifests')
    o.put_container(account, 'z-segments')
    one, two = b'1' * 3000, b'2' * 3000
    o.put_object(account, 'z-segments', 'one', one)
    put_slo(o, account, 'a-manifests', 'm', [seg('/z-segments/one', one)])

    def strip_slo_etag(body):
        rows = json.loads(body)
        for row in rows:
            row.pop('slo_etag', None)
        return json.dumps(rows).encode()

    def rule(method, path, query):
        if method == 'GET' and query.get('format') == 'json' and \
                path.count('/') == 3:
            return Fault(rewrite=strip_slo_etag)
        return None
    with FaultProxy(origin.proxy_port, rule) as proxy:
        config = sh.write_config(
            tmp_path / 'l.conf', origin, destination, [account],
            container_workers=1,
            origin_storage_url=proxy.url + '/v1/AUTH_admin')
        sh.settle()
        run = sh.run_swsync(config, tmp_path)
        assert run.rc == 0, run
        o.put_object(account, 'z-segments', 'two', two)
        put_slo(o, account, 'a-manifests', 'm', [
            seg('/z-segments/one', one), seg('/z-segments/two', two)])
        sh.settle()
        run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    assert Admin(destination).get_object(account, 'a-manifests', 'm')[1] \
        == one + two


# 11 -------------------------------------------------------------------------
def _plan_writes(stdout):
    """(method, path) of each write in a dry-run plan."""
    method = {'copy': 'PUT', 'post': 'POST', 'delete': 'DELETE',
              'containers_created': 'PUT', 'containers_posted': 'POST',
              'containers_deleted': 'DELETE', 'accounts_posted': 'POST',
              'accounts_created': 'PUT'}
    out = set()
    for line in stdout.splitlines():
        item = json.loads(line)
        path = '/'.join(item[k] for k in ('account', 'container', 'object')
                        if k in item)
        out.add((method[item['action']], path))
    return out


def _logged_writes(records):
    out = set()
    for rec in records:
        if not sh.is_write(rec):
            continue
        path = urllib.parse.unquote(rec['path']).split('?', 1)[0]
        out.add((rec['method'], path.split('/', 2)[2]))
    return out


def test_dry_run_plans_every_write_of_the_real_run(origin, destination,
                                                   tmp_path):
    account = new_account('dr')
    p = Pair(origin, destination, tmp_path, [account])
    o = p.o
    o.put_container(account, 'arch')
    o.put_container(account, 'kept', headers={'X-Versions-Location': 'arch',
                                              'X-Container-Meta-Quota-Count':
                                              '50'})
    data = b'q' * 2000
    o.put_object(account, 'kept', 'seg', data)
    put_slo(o, account, 'kept', 'slo', [seg('/kept/seg', data)])
    o.put_object(account, 'kept', 'pin', b'', headers={
        'X-Symlink-Target': 'kept/seg', 'X-Symlink-Target-Etag': md5(data)})
    sh.settle()
    plan = p.sync('--dry-run')
    assert plan.rc == 0, plan
    planned = _plan_writes(plan.stdout)
    mark = p.destination.access_log_size()
    run = p.sync()
    assert run.rc == 0, run
    done = _logged_writes(sh.wait_for_log(p.destination, mark))
    assert ('POST', account + '/kept') in done
    assert planned == done


# 12 -------------------------------------------------------------------------
def test_cross_account_static_link_converges_in_one_run(
        origin, destination, tmp_path):
    linker, target = new_account('la'), new_account('lb')
    o = Admin(origin)
    o.put_container(target, 'shared')
    o.put_object(target, 'shared', 'doc', b'shared doc')
    o.put_container(linker, 'c')
    o.put_object(linker, 'c', 'to-doc', b'', headers={
        'X-Symlink-Target': 'shared/doc',
        'X-Symlink-Target-Account': target,
        'X-Symlink-Target-Etag': md5(b'shared doc')})
    p = Pair(origin, destination, tmp_path, [linker, target])
    sh.settle()
    run = p.sync()
    assert run.rc == 0, run
    assert p.d.get_object(linker, 'c', 'to-doc')[1] == b'shared doc'
    assert p.differences() == []


# 13 -------------------------------------------------------------------------
@pytest.mark.parametrize('signum', [signal.SIGTERM, signal.SIGINT])
def test_signal_mid_run_restores_what_was_lifted(origin, destination,
                                                 tmp_path, signum):
    account = new_account('sg')
    p = Pair(origin, destination, tmp_path, [account], object_workers=2)
    o = p.o
    o.put_container(account, 'arch')
    o.put_container(account, 'ver', headers={
        'X-Versions-Location': 'arch', 'X-Container-Meta-Quota-Count': '40'})
    for i in range(40):
        o.put_object(account, 'ver', 'o%02d' % i, b'one')
    sh.settle()
    assert p.sync().rc == 0
    # The owner lifts the quota to overwrite everything, then sets it
    # again: the destination's quota must be lifted as well.
    o.req('POST', account, 'ver', headers={
        'X-Remove-Container-Meta-Quota-Count': 'x'}, ok=(204,))
    for i in range(40):
        o.put_object(account, 'ver', 'o%02d' % i, b'two')
    o.req('POST', account, 'ver', headers={
        'X-Container-Meta-Quota-Count': '40'}, ok=(204,))
    sh.settle()
    puts = []

    def slow_puts(method, path, query):
        if method == 'PUT' and '/ver/' in path:
            puts.append(path)
            return Fault(delay=0.3)
        return None
    with FaultProxy(destination.proxy_port, slow_puts) as proxy:
        running = sh.start_swsync(
            p.config(destination_storage_url=proxy.url + '/v1/AUTH_admin'),
            tmp_path)
        deadline = time.time() + 60
        while len(puts) < 4:
            assert time.time() < deadline and running.proc.poll() is None
            time.sleep(0.05)
        lifted = p.d.req('HEAD', account, 'ver').headers
        assert 'x-versions-location' not in lifted
        assert 'x-container-meta-quota-count' not in lifted
        running.proc.send_signal(signum)
        stopped = running.wait(timeout=60)
    assert stopped.rc == 128 + signum, stopped
    assert 'Traceback' not in stopped.stderr, stopped
    assert stopped.report is not None, stopped
    assert stopped.report['interrupted']
    headers = p.d.req('HEAD', account, 'ver').headers
    assert headers['x-versions-location'] == 'arch'
    assert headers['x-container-meta-quota-count'] == '40'
    healed = p.sync()
    assert healed.rc == 0, healed
    assert p.differences() == []


# 14 -------------------------------------------------------------------------
def test_withheld_deletions_can_be_approved_for_one_scope(
        origin, destination, tmp_path):
    account = new_account('ap')
    p = Pair(origin, destination, tmp_path, [account])
    o = p.o
    for container in ('emptied', 'halved'):
        o.put_container(account, container)
        for i in range(30):
            o.put_object(account, container, 'o%02d' % i, b'x')
    sh.settle()
    assert p.sync().rc == 0
    for i in range(30):
        o.req('DELETE', account, 'emptied', 'o%02d' % i, ok=(204,))
    for i in range(20):
        o.req('DELETE', account, 'halved', 'o%02d' % i, ok=(204,))
    sh.settle()
    run = p.sync()
    assert run.rc == 3, run
    withheld = {w['scope']: w['count']
                for w in run.report['deletes_withheld']}
    assert withheld == {account + '/emptied': 30, account + '/halved': 20}
    # too small a count approves nothing
    run = p.sync('--approve-deletes', account + '/emptied:29')
    assert run.rc == 3, run
    assert len(p.d.listing(account, 'emptied')) == 30
    run = p.sync('--approve-deletes', account + '/emptied:30')
    assert run.rc == 3, run        # halved is still withheld
    assert p.d.listing(account, 'emptied') == []
    assert len(p.d.listing(account, 'halved')) == 30
    assert [w['scope'] for w in run.report['deletes_withheld']] == [
        account + '/halved']
    run = p.sync('--approve-deletes', account + '/halved:20')
    assert run.rc == 0, run
    assert p.differences() == []


# 15 -------------------------------------------------------------------------
def test_account_missing_on_the_origin_is_reported_not_created(
        origin, destination, tmp_path):
    real, typo = new_account('rl'), new_account('ty')
    o = Admin(origin)
    o.put_container(real, 'c')
    o.put_object(real, 'c', 'x', b'x')
    p = Pair(origin, destination, tmp_path, [real, typo])
    mark = destination.access_log_size()
    run = p.sync()
    assert run.rc == 0, run
    assert [w['scope'] for w in run.report['warnings']] == [typo]
    assert 'does not exist on the origin' in run.report['warnings'][0][
        'warning']
    assert typo in run.stderr
    assert run.report['counts'].get('accounts_missing_on_origin') == 1
    writes = [r for r in sh.wait_for_log(destination, mark)
              if sh.is_write(r) and typo in r['path']]
    assert writes == []


# --- found by the red-team pass (an adversarial operator, README only) ---

def test_account_approval_does_not_approve_the_objects_inside(
        origin, destination, tmp_path):
    """RT1: approving the one container deletion of an account gone from
    the origin deleted the 25 objects inside it, past every rule."""
    gone = new_account('rg')
    d = Admin(destination)
    d.put_container(gone, 'photos')
    for i in range(25):
        d.put_object(gone, 'photos', 'p%02d' % i, b'backup')
    p = Pair(origin, destination, tmp_path, [gone])
    run = p.sync()
    assert run.rc == 3, run
    assert [(w['scope'], w['count']) for w in
            run.report['deletes_withheld']] == [(gone, 1)]
    run = p.sync('--approve-deletes', gone + ':1')
    assert run.rc == 3, run
    assert [(w['scope'], w['count']) for w in
            run.report['deletes_withheld']] == [(gone + '/photos', 25)]
    assert 'does not cover' in run.report['deletes_withheld'][0]['reason']
    assert len(d.listing(gone, 'photos')) == 25
    run = p.sync('--approve-deletes', gone + ':1',
                 '--approve-deletes', gone + '/photos:25')
    assert run.rc == 0, run
    assert d.listing(gone, 'photos') is None


def test_a_container_deleted_on_the_origin_is_a_mass_deletion(
        origin, destination, tmp_path):
    """RT2: emptying a container was withheld, emptying and deleting it
    was not."""
    account = new_account('rc')
    p = Pair(origin, destination, tmp_path, [account])
    o = p.o
    o.put_container(account, 'album')
    for i in range(25):
        o.put_object(account, 'album', 'a%02d' % i, b'photo')
    o.put_container(account, 'tiny')
    o.put_object(account, 'tiny', 't', b'x')
    sh.settle()
    assert p.sync().rc == 0
    for container, names in (('album', ['a%02d' % i for i in range(25)]),
                             ('tiny', ['t'])):
        for name in names:
            o.req('DELETE', account, container, name, ok=(204,))
        o.req('DELETE', account, container, ok=(204,))
    sh.settle()
    run = p.sync()
    assert run.rc == 3, run
    assert [(w['scope'], w['count']) for w in
            run.report['deletes_withheld']] == [(account + '/album', 25)]
    assert p.d.listing(account, 'tiny') is None      # small: it went
    assert len(p.d.listing(account, 'album')) == 25
    run = p.sync('--approve-deletes', account + '/album:25')
    assert run.rc == 0, run
    assert p.d.listing(account, 'album') is None


def test_metadata_posted_while_a_stale_read_is_in_transit(
        origin, destination, tmp_path):
    """RT3: the origin answer (old metadata) arrives 3 s late, after the
    origin changed: the copy must not be trusted as newer than the change.
    """
    account = new_account('rr')
    p = Pair(origin, destination, tmp_path, [account], settle_seconds=2)
    o = p.o
    o.put_container(account, 'race')
    o.put_object(account, 'race', 'obj', b'data', headers={
        'X-Object-Meta-V': '1'})
    time.sleep(2.5)
    state = {'done': False}

    def stale(method, path, query):
        if method == 'GET' and path.endswith('/race/obj') and \
                not state['done']:
            state['done'] = True
            return Fault(after=lambda: o.post_object(
                account, 'race', 'obj', {'X-Object-Meta-V': '2'}), delay=0,
                rewrite=lambda body: (time.sleep(3), body)[1])
        return None
    with FaultProxy(origin.proxy_port, stale) as proxy:
        run = p.sync(origin_storage_url=proxy.url + '/v1/AUTH_admin')
    assert run.rc == 0, run
    time.sleep(2.5)
    assert p.sync().rc == 0
    assert p.d.req('HEAD', account, 'race', 'obj').headers[
        'x-object-meta-v'] == '2'
    assert p.differences() == []
