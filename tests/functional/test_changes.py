"""Change marks on a real origin whose proxy runs swsync's middleware
(``marked_origin``, min_interval conftest.MARK_INTERVAL): unchanged
containers are not listed, and no write is missed.
"""
import io
import json
import os
import random
import subprocess
import tarfile
import threading
import time
import urllib.parse
import urllib.request
import uuid

import pytest

from swsync import changes_middleware as mw
from tests.functional import sync_helpers as sh
from tests.functional.conftest import MARK_INTERVAL
from tests.functional.faultproxy import Fault, FaultProxy
from tests.functional.swiftapi import Admin, diff, snapshot

SKEW = 0.5
# a walk records a mark only from a listing begun this long after it
RECORD_AFTER = MARK_INTERVAL + SKEW + 1.0   # + the Date header's second


def mark_of(admin, account, container):
    return admin.req('HEAD', account, container, headers={
        'X-Swsync-Change-Mark': 'newest'}).headers.get(
            'X-Swsync-Change-Mark')


def marking_posts(cluster, mark, proxy=1):
    """The middleware's own mark requests since ``mark`` (swift_source
    SWSC in the log of proxy ``proxy``)."""
    with open(cluster.access_log_of(proxy), 'rb') as f:
        f.seek(mark)
        lines = f.read().decode('utf-8', 'replace').splitlines()
    return [line for line in lines if ' SWSC ' in line]


def log_size(cluster, proxy):
    try:
        return os.path.getsize(cluster.access_log_of(proxy))
    except OSError:
        return 0


def through(admin, cluster, proxy):
    """The same reseller admin session, through proxy ``proxy`` of the
    cluster (tempauth tokens live in the memcache the proxies share)."""
    return Admin.from_token(admin.token, cluster.proxy_url(proxy) + '/v1')


def filled(origin, containers=3, objects=4):
    admin = Admin(origin)
    account = 'AUTH_mk%s' % uuid.uuid4().hex[:8]
    for c in range(containers):
        admin.put_container(account, 'c%d' % c)
        for o in range(objects):
            admin.put_object(account, 'c%d' % c, 'o%d' % o, b'x' * o)
    return admin, account


def config(tmp_path, origin, destination, account, **options):
    options.setdefault('change_mark_skew', SKEW)
    # 1 in 7 containers has its full-walk day today with the default
    options.setdefault('full_walk_days', 1000000)
    return sh.write_config(tmp_path / ('s%f.conf' % time.time()), origin,
                           destination, [account], **options)


def listed_containers(cluster, mark, account):
    """Containers whose listing swsync read since ``mark``."""
    out = set()
    for rec in sh.wait_for_log(cluster, mark):
        path = urllib.parse.unquote(urllib.parse.unquote(rec['path']))
        parts = path.split('?', 1)[0].split('/')
        if rec['method'] == 'GET' and len(parts) == 4 and \
                parts[2] == account:
            out.add(parts[3])
    return out


def assert_mirrored(o, destination, account):
    """The independent check: both clusters hold the same account."""
    assert diff(snapshot(o, [account]),
                snapshot(Admin(destination), [account])) == []


def synced_and_recorded(origin, destination, tmp_path, account, **options):
    """Sync twice (the second run records the marks: its listings began
    long enough after the last writes); return the config."""
    cfg = config(tmp_path, origin, destination, account, **options)
    assert sh.run_swsync(cfg, tmp_path).rc == 0
    time.sleep(RECORD_AFTER)
    run = sh.run_swsync(cfg, tmp_path)
    assert run.rc == 0, run.stderr
    return cfg


# --- the middleware ---------------------------------------------------------
@pytest.mark.parametrize('method,container,obj,marked', [
    ('PUT', 'c', 'o', 'c'), ('POST', 'c', 'o', 'c'),
    ('DELETE', 'c', 'o', 'c'), ('PUT', 'c', None, 'c'),
    ('POST', 'c', None, 'c'), ('DELETE', 'c', None, None),
    ('GET', 'c', 'o', None), ('HEAD', 'c', None, None),
    ('PUT', '\x00versions\x00c', '\x00o\x009999', 'c'),
    ('PUT', '\x00other', 'o', None), ('POST', None, None, None),
])
def test_which_writes_mark_which_container(method, container, obj, marked):
    assert mw.marked_container(method, container, obj) == marked


def test_the_newest_mark_of_all_replicas_or_unknown():
    assert mw.newest_mark(['1796227507.18873', None, '1796227508.46847']
                          ) == '1796227508.46847'
    assert mw.newest_mark([None, None]) == 'none'
    assert mw.newest_mark(['1796227507.18873', OSError('down')]
                          ) == 'unknown'


class CountingCache(dict):
    """The proxies' memcache as the middleware uses it: get and set."""
    gets = 0

    def get(self, key):
        self.gets += 1
        return dict.get(self, key)

    def set(self, key, value, time=0):
        self[key] = value


def test_a_recent_mark_is_remembered_without_asking_memcache():
    cache = CountingCache()
    recent = mw.RecentMarks(60)
    assert not recent.within(cache, 'k', 1000.0)
    recent.remember(cache, 'k', 1000.0)
    gets = cache.gets
    assert recent.within(cache, 'k', 1059.0)
    assert cache.gets == gets           # this process's memory answered
    assert not recent.within(cache, 'k', 1060.0)


def test_a_mark_by_another_proxy_is_read_from_memcache_once():
    cache = CountingCache(k=1000.0)     # another proxy marked at 1000
    recent = mw.RecentMarks(60)
    assert recent.within(cache, 'k', 1010.0)
    assert recent.within(cache, 'k', 1020.0)
    assert cache.gets == 1
    # a newer mark in memcache is found once this process's one is old
    cache['k'] = 1070.0
    assert recent.within(cache, 'k', 1080.0)
    assert not mw.RecentMarks(60).within(None, 'k', 1080.0)


def test_the_memory_of_marks_is_bounded():
    recent = mw.RecentMarks(60, limit=3)
    for i in range(10):
        recent.remember(None, 'k%d' % i, 1000.0)
        assert len(recent._local) <= 3
    assert recent.within(None, 'k9', 1001.0)


def test_writes_mark_their_container_once_per_interval(marked_origin):
    admin = Admin(marked_origin)
    account = 'AUTH_mw%s' % uuid.uuid4().hex[:8]
    info = json.loads(urllib.request.urlopen(
        'http://127.0.0.1:%d/info' % marked_origin.proxy_port).read())
    assert info['swsync_changes'] == {'min_interval': MARK_INTERVAL}
    admin.put_container(account, 'c')
    first = mark_of(admin, account, 'c')
    assert first not in (None, 'none', 'unknown')
    # the mark is not container metadata a client sees or sets
    plain = admin.req('HEAD', account, 'c').headers
    assert not any('swsync' in k.lower() for k in plain)
    time.sleep(0.3)
    log = marked_origin.access_log_size()
    for i in range(5):
        admin.put_object(account, 'c', 'o%d' % i, b'x')
    assert mark_of(admin, account, 'c') == first      # within the interval
    time.sleep(MARK_INTERVAL + 0.1)
    admin.post_object(account, 'c', 'o0', {'X-Object-Meta-A': 'b'})
    second = mark_of(admin, account, 'c')
    assert float(second) > float(first) + MARK_INTERVAL
    time.sleep(0.5)
    assert len(marking_posts(marked_origin, log)) == 1
    # a client cannot forge a mark: the gatekeeper drops sysmeta
    time.sleep(MARK_INTERVAL + 0.1)
    admin.req('POST', account, 'c', headers={
        'X-Container-Sysmeta-Swsync-Change-Mark': '9999999999.00000'})
    assert mark_of(admin, account, 'c') != '9999999999.00000'


def test_a_mark_is_a_plain_container_post(marked_origin):
    """The mark POST does not inherit the write's query string
    (make_pre_authed_request keeps the client's unless the path has one):
    the mark of an extract-archive PUT was ``POST ...?extract-archive=tar``,
    handed to whatever runs below the filter."""
    admin = Admin(marked_origin)
    account = 'AUTH_mq%s' % uuid.uuid4().hex[:8]
    admin.put_container(account, 'c')
    time.sleep(MARK_INTERVAL + 0.1)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w') as tar:
        info = tarfile.TarInfo('o')
        info.size = 1
        tar.addfile(info, io.BytesIO(b'x'))
    log = marked_origin.access_log_size()
    admin.req('PUT', account, 'c', data=buf.getvalue(),
              params={'extract-archive': 'tar'}, ok=(200, 201))
    time.sleep(0.5)
    posts = marking_posts(marked_origin, log)
    assert len(posts) == 1
    path = urllib.parse.unquote(posts[0].split(' POST ', 1)[1].split()[0])
    assert path == '/v1/%s/c' % account


@pytest.mark.parametrize('name', ['pics-\u2713', 'a b', '100%', 'plus+amp&=;',
                                  'emoji-\U0001f600'])
def test_nasty_container_names_get_marks(marked_origin, name):
    """The middleware marks the container by name, not by its quoted path
    (which named another, missing container: no mark, and every HEAD
    said unknown; found by the marked model test, seed 3001)."""
    admin = Admin(marked_origin)
    account = 'AUTH_mn%s' % uuid.uuid4().hex[:8]
    admin.put_container(account, name)
    created = mark_of(admin, account, name)
    assert created not in (None, 'none', 'unknown')
    time.sleep(MARK_INTERVAL + 0.1)
    admin.put_object(account, name, 'o %', b'x')
    assert float(mark_of(admin, account, name)) > float(created)


# --- swsync with marks ------------------------------------------------------
def test_unchanged_containers_are_not_listed(marked_origin, destination,
                                             tmp_path):
    o, account = filled(marked_origin)
    time.sleep(RECORD_AFTER)
    cfg = synced_and_recorded(marked_origin, destination, tmp_path, account)
    o_mark = marked_origin.access_log_size()
    d_mark = destination.access_log_size()
    run = sh.run_swsync(cfg, tmp_path)
    assert run.rc == 0, run.stderr
    counts = run.report['counts']
    assert counts['containers_unchanged'] == 3
    assert listed_containers(marked_origin, o_mark, account) == set()
    assert listed_containers(destination, d_mark, account) == set()
    # an unchanged container costs one HEAD on the origin, none on the
    # destination (the marks document is read once per account)
    o_reqs = [r for r in sh.wait_for_log(marked_origin, o_mark)
              if '/v1/%s/' % account in urllib.parse.unquote(r['path'])]
    assert sorted(r['method'] for r in o_reqs) == ['HEAD'] * 3, \
        [(r['method'], r['path']) for r in o_reqs]
    d_reqs = sh.wait_for_log(destination, d_mark)
    assert [r for r in d_reqs
            if '/v1/%s/' % account in urllib.parse.unquote(r['path'])] == []
    # the account's marks document is read once, not by every worker
    assert len([r for r in d_reqs if r['method'] == 'GET' and
                '/marks/' + account in urllib.parse.unquote(r['path'])]) == 1


def test_a_change_is_synced_and_only_its_container_listed(
        marked_origin, destination, tmp_path):
    o, account = filled(marked_origin)
    time.sleep(RECORD_AFTER)
    cfg = synced_and_recorded(marked_origin, destination, tmp_path, account)
    o.post_object(account, 'c1', 'o1', {'X-Object-Meta-New': 'yes'})
    o.put_object(account, 'c2', 'new', b'fresh')
    o.req('POST', account, 'c0', headers={'X-Container-Meta-Tag': 'v2'})
    sh.settle()
    o_mark = marked_origin.access_log_size()
    run = sh.run_swsync(cfg, tmp_path)
    assert run.rc == 0, run.stderr
    assert listed_containers(marked_origin, o_mark, account) == \
        {'c0', 'c1', 'c2'}
    assert_mirrored(o, destination, account)
    # and then they are quiet again
    time.sleep(RECORD_AFTER)
    assert sh.run_swsync(cfg, tmp_path).rc == 0
    run = sh.run_swsync(cfg, tmp_path)
    assert run.report['counts']['containers_unchanged'] == 3


def test_a_write_held_back_by_the_interval_is_not_missed(
        marked_origin, destination, tmp_path):
    """A write less than min_interval after a mark gets no mark of its
    own: a walk that read that mark and whose listing began too soon
    after it must not record it, or the next nights would skip the held
    back write. Here ``a`` is written just before the walk reads the mark
    and ``b`` just after its listing was read: milliseconds apart."""
    o, account = filled(marked_origin, containers=1)
    time.sleep(RECORD_AFTER)
    cfg = synced_and_recorded(marked_origin, destination, tmp_path, account)
    log = marked_origin.access_log_size()
    fired = set()

    def once(what, fn):
        def hook():
            if what not in fired:
                fired.add(what)
                fn()
        return hook

    def rule(method, path, query):
        if path != '/v1/%s/c0' % account:
            return None
        if method == 'HEAD':        # the mark: a is in it
            return Fault(before=once('a', lambda: o.put_object(
                account, 'c0', 'a', b'a')))
        if method == 'GET':         # the listing: b is not in it
            return Fault(after=once('b', lambda: o.put_object(
                account, 'c0', 'b', b'b')))
        return None
    with FaultProxy(marked_origin.proxy_port, rule) as fp:
        hooked = config(tmp_path, marked_origin, destination, account,
                        origin_storage_url=fp.url + '/v1/AUTH_admin')
        run = sh.run_swsync(hooked, tmp_path)
    assert run.rc == 0, run.stderr
    assert fired == {'a', 'b'}
    time.sleep(0.3)
    assert len(marking_posts(marked_origin, log)) == 1     # b held back
    time.sleep(RECORD_AFTER)
    run = sh.run_swsync(cfg, tmp_path)
    assert run.rc == 0, run.stderr
    assert_mirrored(o, destination, account)


def test_a_write_during_the_walk_is_synced_by_the_next_run(
        marked_origin, destination, tmp_path):
    o, account = filled(marked_origin, containers=1)
    time.sleep(RECORD_AFTER)
    cfg = synced_and_recorded(marked_origin, destination, tmp_path, account)
    o.put_object(account, 'c0', 'before', b'1')
    time.sleep(RECORD_AFTER)

    def rule(method, path, query):
        if method == 'GET' and path == '/v1/%s/c0' % account:
            # after the listing was read: a write it does not show
            return Fault(after=lambda: o.put_object(account, 'c0', 'during',
                                                    b'2'))
        return None
    with FaultProxy(marked_origin.proxy_port, rule) as fp:
        hooked = config(tmp_path, marked_origin, destination, account,
                        origin_storage_url=fp.url + '/v1/AUTH_admin')
        run = sh.run_swsync(hooked, tmp_path)
    assert run.rc == 0, run.stderr
    assert 'during' not in [r['name'] for r in
                            Admin(destination).listing(account, 'c0')]
    sh.settle()
    run = sh.run_swsync(cfg, tmp_path)
    assert run.rc == 0, run.stderr
    assert_mirrored(o, destination, account)


def test_full_walk_days_one_lists_everything(marked_origin, destination,
                                             tmp_path):
    o, account = filled(marked_origin, containers=2)
    time.sleep(RECORD_AFTER)
    cfg = synced_and_recorded(marked_origin, destination, tmp_path, account,
                              full_walk_days=1)
    mark = marked_origin.access_log_size()
    run = sh.run_swsync(cfg, tmp_path)
    assert run.report['counts'].get('containers_unchanged', 0) == 0
    assert listed_containers(marked_origin, mark, account) == {'c0', 'c1'}


def test_marks_off_lists_everything(marked_origin, destination, tmp_path):
    o, account = filled(marked_origin, containers=2)
    time.sleep(RECORD_AFTER)
    cfg = synced_and_recorded(marked_origin, destination, tmp_path, account,
                              change_marks='false')
    mark = marked_origin.access_log_size()
    run = sh.run_swsync(cfg, tmp_path)
    assert run.report['counts'].get('containers_unchanged', 0) == 0
    assert listed_containers(marked_origin, mark, account) == {'c0', 'c1'}


def test_a_destination_changed_behind_swsync_is_found_by_verify(
        marked_origin, destination, tmp_path):
    """The documented limit: marks follow the origin. A sync skips the
    container whose destination copy someone altered; verify never
    trusts marks and reports it; a full walk (its day, or
    full_walk_days = 1) repairs it."""
    o, account = filled(marked_origin, containers=1)
    time.sleep(RECORD_AFTER)
    cfg = synced_and_recorded(marked_origin, destination, tmp_path, account)
    Admin(destination).req('DELETE', account, 'c0', 'o1', ok=(204,))
    run = sh.run_swsync(cfg, tmp_path)
    assert run.report['counts'].get('containers_unchanged') == 1, \
        (run.report['counts'], run.stderr)
    verify = subprocess.run(
        sh.SWSYNC_CMD + ['verify', '--config-file', cfg],
        capture_output=True, text=True, timeout=120)
    assert verify.returncode == 1, verify
    assert '%s/c0/o1: missing on the destination' % account in \
        verify.stdout.splitlines()
    full = config(tmp_path, marked_origin, destination, account,
                  full_walk_days=1)
    assert sh.run_swsync(full, tmp_path).rc == 0
    assert_mirrored(o, destination, account)


def test_an_error_in_a_walk_forgets_its_mark(marked_origin, destination,
                                             tmp_path):
    """A full walk (its day) that finds something to repair and fails is
    walked again the next night, although the origin's mark did not move
    and it is not its full-walk day any more."""
    o, account = filled(marked_origin, containers=1)
    time.sleep(RECORD_AFTER)
    cfg = synced_and_recorded(marked_origin, destination, tmp_path, account)
    Admin(destination).req('DELETE', account, 'c0', 'o1', ok=(204,))

    def rule(method, path, query):
        if method == 'PUT' and path == '/v1/%s/c0/o1' % account:
            return 503
        return None
    with FaultProxy(destination.proxy_port, rule) as fp:
        broken = config(tmp_path, marked_origin, destination, account,
                        full_walk_days=1,
                        destination_storage_url=fp.url + '/v1/AUTH_admin')
        run = sh.run_swsync(broken, tmp_path)
    assert run.rc == 1
    mark = marked_origin.access_log_size()
    run = sh.run_swsync(cfg, tmp_path)
    assert run.rc == 0, run.stderr
    assert listed_containers(marked_origin, mark, account) == {'c0'}
    assert_mirrored(o, destination, account)


# --- regressions of the red-team pass (findings F1-F5) ----------------------
def test_a_container_created_again_at_once_is_marked(marked_origin):
    """F1: deleted and created again within min_interval of the deleted
    one's mark, it kept no mark ('none'): the rate limit held its
    creation back, and a later write held back too was never synced."""
    admin = Admin(marked_origin)
    account = 'AUTH_mr%s' % uuid.uuid4().hex[:8]
    admin.put_container(account, 'g')
    time.sleep(MARK_INTERVAL + 0.1)
    admin.put_object(account, 'g', 'b', b'b')
    before = mark_of(admin, account, 'g')
    admin.req('DELETE', account, 'g', 'b', ok=(204,))
    admin.req('DELETE', account, 'g', ok=(204,))
    admin.put_container(account, 'g')
    again = mark_of(admin, account, 'g')
    assert again not in (None, 'none', 'unknown')
    assert float(again) > float(before)


def test_only_owners_read_the_mark(marked_origin):
    """F5: an anonymous reader of a public container does not get the
    mark (nor make the proxy HEAD every replica for it)."""
    admin = Admin(marked_origin)
    account = 'AUTH_mp%s' % uuid.uuid4().hex[:8]
    admin.put_container(account, 'pub',
                        headers={'X-Container-Read': '.r:*,.rlistings'})
    url = 'http://127.0.0.1:%d/v1/%s/pub' % (marked_origin.proxy_port,
                                             account)
    req = urllib.request.Request(url, method='HEAD', headers={
        'X-Swsync-Change-Mark': 'newest'})
    with urllib.request.urlopen(req) as resp:
        assert resp.status == 204
        assert resp.headers.get('X-Swsync-Change-Mark') is None
    assert mark_of(admin, account, 'pub') not in (None, 'none', 'unknown')


def test_a_link_the_origin_serves_again_is_copied(
        marked_origin, destination, tmp_path):
    """F2: a static link and an SLO the origin could not serve (exception
    7, a warning) were recorded as synced; made servable again by writes
    in their targets' containers only, they were never copied."""
    o = Admin(marked_origin)
    account = 'AUTH_ms%s' % uuid.uuid4().hex[:8]
    for c in ('tgt', 'lnk', 'slo', 'seg'):
        o.put_container(account, c)
    o.put_object(account, 'tgt', 't', b'E1')
    o.put_object(account, 'seg', 's1', b'segment-one')
    time.sleep(RECORD_AFTER)
    cfg = synced_and_recorded(marked_origin, destination, tmp_path, account)
    etag = o.req('HEAD', account, 'tgt', 't').headers['Etag']
    o.put_object(account, 'lnk', 's', b'', headers={
        'X-Symlink-Target': 'tgt/t', 'X-Symlink-Target-Etag': etag})
    o.req('PUT', account, 'slo', 'm', data=json.dumps([{'path': '/seg/s1'}]),
          params={'multipart-manifest': 'put'}, ok=(201,))
    o.put_object(account, 'tgt', 't', b'E2')            # link: 409
    o.put_object(account, 'seg', 's1', b'segment-ONE')  # manifest: 409
    time.sleep(RECORD_AFTER)
    run = sh.run_swsync(cfg, tmp_path)
    assert run.rc == 0, run.stderr
    assert len(run.report['warnings']) == 2, run.report['warnings']
    o.put_object(account, 'tgt', 't', b'E1')            # served again
    o.put_object(account, 'seg', 's1', b'segment-one')
    time.sleep(RECORD_AFTER)
    run = sh.run_swsync(cfg, tmp_path)
    assert run.rc == 0, run.stderr
    assert_mirrored(o, destination, account)


def test_an_old_copy_goes_when_the_origin_expirer_reaps(
        marked_origin, destination, tmp_path):
    """F3: an object overwritten with content expiring within the margin
    is not copied; the origin's expirer (no proxy, no mark) later removes
    it, and the container, recorded as synced, kept the old copy."""
    o = Admin(marked_origin)
    account = 'AUTH_me%s' % uuid.uuid4().hex[:8]
    o.put_container(account, 'exp')
    o.put_object(account, 'exp', 'keep', b'k')
    o.put_object(account, 'exp', 'short', b'v1')
    time.sleep(RECORD_AFTER)
    cfg = synced_and_recorded(marked_origin, destination, tmp_path, account)
    o.put_object(account, 'exp', 'short', b'v2-new',
                 headers={'X-Delete-After': '6'})
    time.sleep(RECORD_AFTER)
    run = sh.run_swsync(cfg, tmp_path)
    assert run.rc == 0, run.stderr
    assert run.report['counts']['objects_expiring'] == 1
    time.sleep(6)
    marked_origin.run_once('object-expirer')
    assert [r['name'] for r in o.listing(account, 'exp')] == ['keep']
    run = sh.run_swsync(cfg, tmp_path)
    assert run.rc == 0, run.stderr
    assert_mirrored(o, destination, account)


def test_an_object_delete_answering_404_marks_too(marked_origin):
    """Swift writes a tombstone for it, which can take a stale row out of
    the listing (reported by the benchmark pass)."""
    admin = Admin(marked_origin)
    account = 'AUTH_md%s' % uuid.uuid4().hex[:8]
    admin.put_container(account, 'c')
    created = mark_of(admin, account, 'c')
    time.sleep(MARK_INTERVAL + 0.1)
    admin.req('DELETE', account, 'c', 'never-there', ok=(404,))
    assert float(mark_of(admin, account, 'c')) > float(created)


# --- several proxies -------------------------------------------------------
# marked_origin has two proxies sharing its rings and memcache, as in
# production: the rate limit is shared, and no write through either proxy
# is missed.

def test_two_proxies_share_the_rate_limit(marked_origin):
    one = Admin(marked_origin)
    two = through(one, marked_origin, 2)
    account = 'AUTH_m2%s' % uuid.uuid4().hex[:8]
    one.put_container(account, 'c')                 # marked by proxy 1
    first = mark_of(one, account, 'c')
    time.sleep(0.3)
    logs = (log_size(marked_origin, 1), log_size(marked_origin, 2))
    for i in range(3):
        two.put_object(account, 'c', 'o%d' % i, b'x')
    assert mark_of(two, account, 'c') == first      # both read the same
    time.sleep(0.3)
    # proxy 2 knew from memcache that proxy 1 had just marked
    assert marking_posts(marked_origin, logs[1], proxy=2) == []
    time.sleep(MARK_INTERVAL + 0.1)
    two.put_object(account, 'c', 'later', b'y')     # marked by proxy 2
    second = mark_of(one, account, 'c')
    assert float(second) > float(first) + MARK_INTERVAL
    one.put_object(account, 'c', 'later2', b'z')    # held back by it
    time.sleep(0.3)
    assert len(marking_posts(marked_origin, logs[1], proxy=2)) == 1
    assert marking_posts(marked_origin, logs[0], proxy=1) == []
    assert mark_of(two, account, 'c') == second


def test_writes_through_two_proxies_during_runs_are_not_missed(
        marked_origin, destination, tmp_path):
    """Writes through both proxies, most of them held back by a mark the
    other proxy made, while swsync runs; once the writes stop, a run
    that may skip containers by their marks leaves a mirror."""
    o, account = filled(marked_origin, containers=3, objects=2)
    time.sleep(RECORD_AFTER)
    cfg = synced_and_recorded(marked_origin, destination, tmp_path, account)
    sessions = [o, through(o, marked_origin, 2)]
    rng = random.Random(4711)
    stop = threading.Event()
    written = []

    def writer():
        i = 0
        while not stop.is_set():
            admin = sessions[i % 2]
            container = 'c%d' % rng.randrange(3)
            name = 'w%d' % rng.randrange(12)
            what = rng.random()
            if what < 0.6:
                admin.put_object(account, container, name, b'%d' % i)
            elif what < 0.8:
                admin.req('DELETE', account, container, name,
                          ok=(204, 404))
            else:
                admin.req('POST', account, container, name, headers={
                    'X-Object-Meta-I': str(i)}, ok=(202, 404))
            written.append(i)
            i += 1
            time.sleep(rng.random() * 0.05)
    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        deadline = time.time() + 6
        while time.time() < deadline:
            sh.run_swsync(cfg, tmp_path)    # racing the writes
    finally:
        stop.set()
        thread.join(30)
    assert len(written) > 50
    sh.settle()
    # a run, then one late enough to record the marks, then one that
    # skips every container still unchanged: each leaves a mirror
    for _ in range(3):
        run = sh.run_swsync(cfg, tmp_path)
        assert run.rc == 0, run.stderr
        assert_mirrored(o, destination, account)
        time.sleep(RECORD_AFTER)
    assert run.report['counts']['containers_unchanged'] == 3
