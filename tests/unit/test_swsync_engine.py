"""swsync.engine.Syncer against in-memory clusters (tests/unit/fakes.py).

Expectations follow doc/swift-api-for-sync.md: §2.6 (what is copied, posted
or skipped), §3.4 (metadata updates), §7 (deletion safety).
"""
import json

import pytest

from swsync.engine import Syncer
from swsync.report import Report
from tests.unit import fakes

ACCOUNT = 'AUTH_a'
WRITES = ('PUT', 'POST', 'DELETE')


def seed(cluster, containers, account=ACCOUNT, account_meta=None):
    """``containers``: {name: {object name: body}}."""
    cluster.add_account(account, account_meta)
    for cname, objects in containers.items():
        cluster.add_container(account, cname)
        for oname, body in objects.items():
            cluster.add_object(account, cname, oname, body)


def view(cluster, account=ACCOUNT):
    """What a client could observe of an account, for comparisons."""
    acct = cluster.accounts.get(account)
    if acct is None:
        return None
    return {
        'meta': dict(acct.meta),
        'containers': {
            cname: {'meta': dict(c.meta), 'policy': c.policy,
                    'objects': {n: (o.kind, o.body, o.slo, o.symlink,
                                    dict(o.meta))
                                for n, o in c.objects.items()}}
            for cname, c in acct.containers.items()},
    }


def calls_since(world, mark, side=None, method=None, level=None):
    return [c for c in world.log[mark:]
            if (side is None or c.side == side) and
            (method is None or c.method in method) and
            (level is None or c.level == level)]


def deleted_objects(world, mark=0):
    return sorted(c.parts[2] for c in calls_since(
        world, mark, 'dest', ('DELETE',), 'object'))


def synced(world, origin, dest, **conf):
    """A first sync done well before the next run."""
    world.advance(100)
    report = fakes.run_sync(origin, dest, **conf)
    assert report.exit_code == 0, report.as_dict()
    world.advance(100)
    return report


OBJECTS = {
    'a': b'alpha',
    'b/c/d': b'nested name',
    'empty': b'',
    'sp ace': b'x' * 1000,
    'z%20pct': b'percent',
    '\xe9t\xe9': b'utf-8 name',
    '\u65e5\u672c/\U0001F600': b'astral',
}


# --- copying -----------------------------------------------------------

def test_first_sync_copies_everything_and_creates_containers(
        world, origin, dest):
    seed(origin, {'c1': OBJECTS, 'c2': {'only': b'1'}, 'empty': {}},
         account_meta={'x-account-meta-owner': 'ops'})
    origin.accounts[ACCOUNT].containers['c1'].meta = {
        'x-container-meta-web-index': 'index.html',
        'x-container-read': '.r:*'}
    origin.accounts[ACCOUNT].containers['c1'].policy = 'silver'
    origin.obj(ACCOUNT, 'c1', 'a').meta = {
        'content-type': 'text/plain', 'content-encoding': 'gzip',
        'x-object-meta-color': 'blue', 'x-delete-at': '4102444800'}
    world.advance(100)

    report = fakes.run_sync(origin, dest)

    assert view(dest) == view(origin)
    assert report.exit_code == 0
    assert report.counts['objects_copied'] == len(OBJECTS) + 1
    assert report.counts['containers_created'] == 3
    assert report.bytes_copied == sum(map(len, OBJECTS.values())) + 1
    assert report.counts['accounts_posted'] == 1


def test_copy_sends_allow_listed_headers_and_verifying_etag(
        world, origin, dest):
    seed(origin, {'c': {'o': b'data'}})
    origin.obj(ACCOUNT, 'c', 'o').meta = {
        'content-type': 'text/plain', 'x-object-meta-k': 'v',
        'cache-control': 'no-cache'}
    world.advance(100)
    fakes.run_sync(origin, dest)
    [put] = calls_since(world, 0, 'dest', ('PUT',), 'object')
    assert put.headers == {'content-type': 'text/plain',
                           'x-object-meta-k': 'v',
                           'cache-control': 'no-cache',
                           'etag': fakes.md5(b'data')}
    [get] = calls_since(world, 0, 'origin', ('GET',), 'object')
    assert get.query.get('multipart-manifest') == 'get'


def test_container_created_with_origin_policy_and_metadata(
        world, origin, dest):
    seed(origin, {'c': {}})
    cont = origin.accounts[ACCOUNT].containers['c']
    cont.policy = 'silver'
    cont.meta = {'x-container-meta-a': '1', 'x-container-write': 'AUTH_b'}
    fakes.run_sync(origin, dest)
    [put] = calls_since(world, 0, 'dest', ('PUT',), 'container')
    assert put.headers == {'x-storage-policy': 'silver',
                           'x-container-meta-a': '1',
                           'x-container-write': 'AUTH_b'}


def test_rerun_with_nothing_changed_issues_no_object_requests(
        world, origin, dest):
    seed(origin, {'c1': OBJECTS, 'c2': {'x': b'1'}},
         account_meta={'x-account-meta-a': '1'})
    origin.accounts[ACCOUNT].containers['c1'].meta = {
        'x-container-meta-b': '2'}
    synced(world, origin, dest)
    mark = len(world.log)

    report = fakes.run_sync(origin, dest)

    assert calls_since(world, mark, level='object') == []
    assert calls_since(world, mark, method=WRITES) == []
    assert {c.method for c in calls_since(world, mark)} == {'LIST'}
    assert report.counts['objects_unchanged'] == len(OBJECTS) + 1
    assert report.exit_code == 0


def test_copy_written_within_settle_is_checked_once_then_skipped(
        world, origin, dest):
    """A copy finished less than ``settle_seconds`` after the origin's
    last change may have missed a metadata change: the next run HEADs
    the origin and POSTs the full set, which moves the destination's
    timestamp out of the window; the run after that skips it."""
    seed(origin, {'c': {'o': b'1'}})
    world.advance(1)
    fakes.run_sync(origin, dest, settle_seconds=2.0)
    world.advance(5)
    mark = len(world.log)
    report = fakes.run_sync(origin, dest, settle_seconds=2.0)
    assert [(c.side, c.method) for c in calls_since(
        world, mark, level='object')] == [('origin', 'HEAD'),
                                          ('dest', 'POST')]
    assert report.counts['objects_posted'] == 1
    world.advance(5)
    mark = len(world.log)
    fakes.run_sync(origin, dest, settle_seconds=2.0)
    assert calls_since(world, mark, level='object') == []


def test_origin_metadata_post_after_copy_posts_full_set(
        world, origin, dest):
    seed(origin, {'c': {'o': b'body', 'other': b'x'}})
    obj = origin.obj(ACCOUNT, 'c', 'o')
    obj.meta = {'content-type': 'text/plain', 'x-object-meta-old': '1',
                'content-encoding': 'gzip'}
    synced(world, origin, dest)
    # a metadata-only POST on the origin: replaces the set, new timestamp
    obj.meta = {'content-type': 'text/plain', 'x-object-meta-new': '2',
                'content-disposition': 'inline', 'content-encoding': 'br',
                'cache-control': 'max-age=60', 'x-robots-tag': 'none',
                'content-language': 'de', 'x-delete-at': '4102444800'}
    obj.timestamp = world.now
    world.advance(100)
    mark = len(world.log)

    report = fakes.run_sync(origin, dest)

    object_calls = calls_since(world, mark, level='object')
    assert [(c.side, c.method, c.parts[2]) for c in object_calls] == [
        ('origin', 'HEAD', 'o'), ('dest', 'POST', 'o')]
    assert object_calls[1].headers == obj.meta
    assert dest.obj(ACCOUNT, 'c', 'o').meta == obj.meta
    assert dest.obj(ACCOUNT, 'c', 'o').body == b'body'
    assert report.counts['objects_posted'] == 1
    assert report.exit_code == 0


def test_changed_content_is_copied_again(world, origin, dest):
    seed(origin, {'c': {'o': b'v1', 'p': b'same'}})
    synced(world, origin, dest)
    origin.add_object(ACCOUNT, 'c', 'o', b'version 2')
    world.advance(100)
    mark = len(world.log)
    report = fakes.run_sync(origin, dest)
    puts = calls_since(world, mark, 'dest', ('PUT',), 'object')
    assert [c.parts[2] for c in puts] == ['o']
    assert dest.obj(ACCOUNT, 'c', 'o').body == b'version 2'
    assert report.counts['objects_copied'] == 1


def test_changed_content_type_is_posted_not_copied(world, origin, dest):
    seed(origin, {'c': {'o': b'v1'}})
    synced(world, origin, dest)
    obj = origin.obj(ACCOUNT, 'c', 'o')
    obj.meta = {'content-type': 'image/png'}
    world.advance(100)
    mark = len(world.log)
    fakes.run_sync(origin, dest)
    assert [(c.side, c.method) for c in calls_since(
        world, mark, level='object')] == [('origin', 'HEAD'),
                                          ('dest', 'POST')]
    assert dest.obj(ACCOUNT, 'c', 'o').meta['content-type'] == 'image/png'


def test_object_gone_between_listing_and_get_is_not_an_error(
        world, origin, dest):
    seed(origin, {'c': {'gone': b'1', 'here': b'2'}})
    origin.obj(ACCOUNT, 'c', 'gone').ghost = True
    world.advance(100)
    report = fakes.run_sync(origin, dest)
    assert dest.names(ACCOUNT, 'c') == ['here']
    assert report.counts['objects_vanished'] == 1
    assert report.exit_code == 0


def test_object_expiring_soon_is_not_copied(world, origin, dest):
    import time
    seed(origin, {'c': {'soon': b'1', 'later': b'2'}})
    origin.obj(ACCOUNT, 'c', 'soon').meta['x-delete-at'] = str(
        int(time.time()) + 5)
    origin.obj(ACCOUNT, 'c', 'later').meta['x-delete-at'] = str(
        int(time.time()) + 86400)
    world.advance(100)
    report = fakes.run_sync(origin, dest)
    assert dest.names(ACCOUNT, 'c') == ['later']
    assert dest.obj(ACCOUNT, 'c', 'later').meta['x-delete-at'] == \
        origin.obj(ACCOUNT, 'c', 'later').meta['x-delete-at']
    assert report.counts['objects_expiring'] == 1
    assert report.exit_code == 0


def test_copy_that_now_expires_soon_gets_its_expiry_posted(
        world, origin, dest):
    """A copy made earlier must expire with its origin: a POST is quick,
    so the expiry margin that stops copies does not stop it."""
    import time
    seed(origin, {'c': {'o': b'1'}})
    synced(world, origin, dest)
    obj = origin.obj(ACCOUNT, 'c', 'o')
    obj.meta.update({'x-delete-at': str(int(time.time()) + 20),
                     'x-object-meta-last': 'words'})
    obj.timestamp = world.now
    world.advance(1)
    report = fakes.run_sync(origin, dest)
    assert dest.obj(ACCOUNT, 'c', 'o').meta == obj.meta
    assert report.counts['objects_posted'] == 1
    assert report.exit_code == 0


def test_copy_whose_origin_expired_after_a_post_is_deleted(
        world, origin, dest):
    """A copy made before a POST set a short expiry: when the refresh
    finds the origin expired (404 while still listed, until the expirer
    reaps it), the copy, which has no expiry, is deleted (fuzz seed
    7089); one within seconds of its expiry goes once it has expired."""
    import time
    seed(origin, {'c': {'gone': b'1', 'soon': b'2'}})
    synced(world, origin, dest)
    # 'soon' expires between 1 and 2 s from now (POST_EXPIRY_MARGIN is
    # 2): int(time.time()) + 1 could be a hundredth of a second away and
    # already past when read (a CI failure)
    for name, after in (('gone', -1), ('soon', 2)):
        obj = origin.obj(ACCOUNT, 'c', name)
        obj.meta.update({'x-delete-at': str(int(time.time()) + after)})
        obj.timestamp = world.now
    origin.obj(ACCOUNT, 'c', 'gone').ghost = True
    world.advance(1)

    def expire(*_args):
        origin.obj(ACCOUNT, 'c', 'soon').ghost = True
    real_sleep = time.sleep
    time.sleep = expire
    try:
        report = fakes.run_sync(origin, dest)
    finally:
        time.sleep = real_sleep
    assert dest.names(ACCOUNT, 'c') == []
    assert report.counts['objects_deleted'] == 2
    assert report.exit_code == 0


def test_failed_object_put_is_reported_and_others_go_on(
        world, origin, dest):
    seed(origin, {'c': {'a': b'1', 'b': b'2', 'c': b'3'}})
    dest.add_account(ACCOUNT)
    dest.add_container(ACCOUNT, 'c')
    dest.fail_requests[('PUT', dest.path(ACCOUNT, 'c', 'b'))] = 503
    world.advance(100)
    report = fakes.run_sync(origin, dest)
    assert dest.names(ACCOUNT, 'c') == ['a', 'c']
    assert [e['scope'] for e in report.errors] == ['AUTH_a/c/b']
    assert report.exit_code == 1


def test_storage_policy_mismatch_is_an_error_for_that_container(
        world, origin, dest):
    seed(origin, {'c': {'o': b'1'}, 'd': {'o': b'2'}})
    seed(dest, {'c': {}})
    dest.accounts[ACCOUNT].containers['c'].policy = 'other'
    world.advance(100)
    report = fakes.run_sync(origin, dest)
    assert dest.names(ACCOUNT, 'c') == []
    assert dest.names(ACCOUNT, 'd') == ['o']
    assert [e['scope'] for e in report.errors] == ['AUTH_a/c']
    assert report.exit_code == 1


def test_missing_origin_account_withholds_everything_even_mass_delete(
        world, origin, dest):
    seed(dest, {'c': {'o': b'1'}})
    before = view(dest)
    report = fakes.run_sync(origin, dest, allow_mass_delete=True)
    assert view(dest) == before
    assert [(w['scope'], w['count']) for w in report.withheld] == [
        ('AUTH_a', 1)]
    assert 'nonexistent' in report.withheld[0]['reason']
    assert report.exit_code == 3


def test_missing_origin_account_with_nothing_on_destination_warns(
        world, origin, dest):
    report = fakes.run_sync(origin, dest)
    assert [w['scope'] for w in report.warnings] == ['AUTH_a']
    assert report.counts['accounts_missing_on_origin'] == 1
    assert calls_since(world, 0, 'dest', WRITES) == []
    assert report.exit_code == 0


def test_approved_deletions_of_a_missing_origin_account(
        world, origin, dest):
    seed(dest, {'c': {'o': b'1'}})
    report = fakes.run_sync(origin, dest, approvals={'AUTH_a': 1})
    assert dest.names(ACCOUNT) == []
    assert report.exit_code == 0


# --- metadata ----------------------------------------------------------

def test_account_metadata_added_changed_removed(world, origin, dest):
    seed(origin, {}, account_meta={'x-account-meta-new': '1',
                                   'x-account-meta-changed': 'after'})
    seed(dest, {}, account_meta={'x-account-meta-changed': 'before',
                                 'x-account-meta-gone': 'x'})
    report = fakes.run_sync(origin, dest)
    [post] = calls_since(world, 0, 'dest', ('POST',), 'account')
    assert post.headers == {'x-account-meta-new': '1',
                            'x-account-meta-changed': 'after',
                            'x-account-meta-gone': ''}
    assert dest.accounts[ACCOUNT].meta == origin.accounts[ACCOUNT].meta
    assert report.counts['accounts_posted'] == 1
    mark = len(world.log)
    fakes.run_sync(origin, dest)
    assert calls_since(world, mark, method=WRITES) == []


def test_container_metadata_added_changed_removed(world, origin, dest):
    seed(origin, {'c': {}})
    seed(dest, {'c': {}})
    origin.accounts[ACCOUNT].containers['c'].meta = {
        'x-container-meta-new': '1', 'x-container-meta-changed': 'after',
        'x-container-write': 'AUTH_b'}
    dest.accounts[ACCOUNT].containers['c'].meta = {
        'x-container-meta-changed': 'before', 'x-container-meta-gone': 'x',
        'x-container-read': '.r:*'}
    report = fakes.run_sync(origin, dest)
    [post] = calls_since(world, 0, 'dest', ('POST',), 'container')
    assert post.headers == {'x-container-meta-new': '1',
                            'x-container-meta-changed': 'after',
                            'x-container-write': 'AUTH_b',
                            'x-container-meta-gone': '',
                            'x-container-read': ''}
    assert (dest.accounts[ACCOUNT].containers['c'].meta ==
            origin.accounts[ACCOUNT].containers['c'].meta)
    assert report.counts['containers_posted'] == 1
    assert calls_since(world, 0, 'dest', ('PUT',)) == []
    mark = len(world.log)
    fakes.run_sync(origin, dest)
    assert calls_since(world, mark, method=WRITES) == []


def test_equal_metadata_with_different_generated_headers_posts_nothing(
        world, origin, dest):
    seed(origin, {'c': {'o': b'1'}}, account_meta={'x-account-meta-a': '1'})
    seed(dest, {'c': {}}, account_meta={'x-account-meta-a': '1'})
    # object counts, bytes and timestamps differ between the two sides
    report = fakes.run_sync(origin, dest)
    assert calls_since(world, 0, 'dest', ('POST',)) == []
    assert report.counts['accounts_posted'] == 0


# --- deletion safety -----------------------------------------------------

def test_dest_only_object_deleted_after_origin_head_404(
        world, origin, dest):
    seed(origin, {'c': {'a': b'1', 'b': b'2', 'c': b'3'}})
    synced(world, origin, dest)
    dest.add_object(ACCOUNT, 'c', 'stale', b'old')
    mark = len(world.log)

    report = fakes.run_sync(origin, dest)

    log = calls_since(world, mark, level='object')
    heads = [i for i, c in enumerate(log) if c.side == 'origin' and
             c.method == 'HEAD' and c.parts[2] == 'stale']
    deletes = [i for i, c in enumerate(log) if c.side == 'dest' and
               c.method == 'DELETE']
    assert len(heads) == 1 and len(deletes) == 1
    assert heads[0] < deletes[0]
    assert log[heads[0]].headers.get('x-newest') == 'true'
    assert log[deletes[0]].parts[2] == 'stale'
    assert dest.names(ACCOUNT, 'c') == ['a', 'b', 'c']
    assert report.counts['objects_deleted'] == 1
    assert report.exit_code == 0


def test_dest_only_object_kept_when_origin_head_says_200(
        world, origin, dest):
    """The origin listing lags: the object exists there but is not
    listed yet. Its destination copy must stay."""
    seed(origin, {'c': {'a': b'1', 'lagging': b'2'}})
    synced(world, origin, dest)
    origin.obj(ACCOUNT, 'c', 'lagging').unlisted = True

    report = fakes.run_sync(origin, dest)

    assert deleted_objects(world) == []
    assert dest.names(ACCOUNT, 'c') == ['a', 'lagging']
    assert report.counts['deletes_skipped_origin_exists'] == 1
    assert report.exit_code == 0


def test_dest_only_object_kept_when_origin_head_fails(world, origin, dest):
    seed(origin, {'c': {'a': b'1'}})
    synced(world, origin, dest)
    dest.add_object(ACCOUNT, 'c', 'stale', b'old')
    origin.fail_requests[('HEAD', origin.path(ACCOUNT, 'c', 'stale'))] = 503
    report = fakes.run_sync(origin, dest)
    assert 'stale' in dest.names(ACCOUNT, 'c')
    assert deleted_objects(world) == []
    assert report.exit_code == 1


def seven(prefix='o'):
    return {'%s%d' % (prefix, i): b'%d' % i for i in range(1, 8)}


@pytest.mark.parametrize('side', ['origin', 'dest'])
def test_listing_page_failing_midway_deletes_nothing_in_container(
        world, origin, dest, side):
    seed(origin, {'c': seven(), 'd': {'x': b'1'}})
    synced(world, origin, dest)
    dest.add_object(ACCOUNT, 'c', 'a-stale', b'')   # before the failure
    dest.add_object(ACCOUNT, 'c', 'z-stale', b'')   # after it
    dest.add_object(ACCOUNT, 'd', 'y-stale', b'')   # another container
    failing = origin if side == 'origin' else dest
    # listing_limit 3: the failing side's second page (after its third
    # name) answers 503
    failing.fail_pages[(failing.path(ACCOUNT, 'c'),
                        failing.names(ACCOUNT, 'c')[2])] = 503
    mark = len(world.log)

    report = fakes.run_sync(origin, dest)

    deleted = [(c.parts[1], c.parts[2]) for c in calls_since(
        world, mark, 'dest', ('DELETE',))]
    assert deleted == [('d', 'y-stale')]
    assert {'a-stale', 'z-stale'} <= set(dest.names(ACCOUNT, 'c'))
    assert [e['scope'] for e in report.errors] == ['AUTH_a/c']
    assert report.exit_code == 1


def test_origin_account_listing_failing_midway_deletes_no_container(
        world, origin, dest):
    seed(origin, {'c1': {}, 'c2': {}, 'c3': {}, 'c4': {}})
    synced(world, origin, dest)
    seed(dest, {'a-stale': {'o': b'1'}, 'z-stale': {}})
    origin.fail_pages[(origin.path(ACCOUNT), 'c3')] = 503
    mark = len(world.log)

    report = fakes.run_sync(origin, dest)

    assert calls_since(world, mark, 'dest', ('DELETE',)) == []
    assert calls_since(world, mark, 'origin', ('HEAD',), 'container') == []
    assert {'a-stale', 'z-stale'} <= set(dest.names(ACCOUNT))
    assert report.exit_code == 1


def test_empty_origin_container_withholds_deletes(world, origin, dest):
    seed(origin, {'c': {}})
    seed(dest, {'c': {'a': b'1', 'b': b'2', 'c': b'3'}})

    report = fakes.run_sync(origin, dest, delete_fraction_floor=3)

    assert deleted_objects(world) == []
    assert dest.names(ACCOUNT, 'c') == ['a', 'b', 'c']
    assert report.withheld == [{'scope': 'AUTH_a/c', 'count': 3,
                                'reason': report.withheld[0]['reason']}]
    assert report.exit_code == 3


def test_small_emptied_origin_container_is_emptied(world, origin, dest):
    """Below delete_fraction_floor the origin HEAD of each object is the
    guard: a container whose last objects went converges."""
    seed(origin, {'c': {}})
    seed(dest, {'c': {'a': b'1', 'b': b'2'}})
    report = fakes.run_sync(origin, dest, delete_fraction_floor=3)
    assert deleted_objects(world) == ['a', 'b']
    assert report.exit_code == 0


def test_approval_waives_the_rules_for_one_scope_only(world, origin, dest):
    seed(origin, {'c': {}, 'd': {}})
    seed(dest, {'c': {'a': b'1', 'b': b'2'}, 'd': {'x': b'', 'y': b''}})
    report = fakes.run_sync(origin, dest, delete_fraction_floor=2,
                            approvals={'AUTH_a/c': 2})
    assert deleted_objects(world) == ['a', 'b']
    assert [w['scope'] for w in report.withheld] == ['AUTH_a/d']
    assert report.exit_code == 3


def test_approval_for_fewer_deletions_than_found_approves_none(
        world, origin, dest):
    seed(origin, {'c': {}})
    seed(dest, {'c': {'a': b'1', 'b': b'2'}})
    report = fakes.run_sync(origin, dest, delete_fraction_floor=2,
                            approvals={'AUTH_a/c': 1, 'AUTH_a/zz': 4})
    assert deleted_objects(world) == []
    assert report.exit_code == 3
    assert [w['scope'] for w in report.warnings] == ['AUTH_a/zz']


def test_empty_origin_account_withholds_container_deletes(
        world, origin, dest):
    seed(origin, {})
    seed(dest, {'c1': {'a': b'1'}, 'c2': {}})

    report = fakes.run_sync(origin, dest, delete_fraction_floor=2)

    assert calls_since(world, 0, 'dest', ('DELETE',)) == []
    assert dest.names(ACCOUNT) == ['c1', 'c2']
    assert [(w['scope'], w['count']) for w in report.withheld] == [
        ('AUTH_a', 2)]
    assert report.exit_code == 3


@pytest.mark.parametrize('floor,fraction,kept,withheld', [
    pytest.param(4, 0.5, 2, True, id='4-of-6-over-half-withheld'),
    pytest.param(4, 0.5, 3, False, id='3-of-6-exactly-half-allowed'),
    pytest.param(6, 0.5, 1, True, id='at-floor-still-limited'),
    pytest.param(7, 0.5, 1, False, id='below-floor-not-limited'),
    pytest.param(0, 0.0, 5, True, id='fraction-0-withholds-any-delete'),
    pytest.param(4, 1.0, 1, False, id='fraction-1-allows-5-of-6'),
])
def test_delete_fraction_limit(world, origin, dest, floor, fraction, kept,
                               withheld):
    names = ['o%d' % i for i in range(6)]
    seed(origin, {'c': {n: b'x' for n in names}})
    synced(world, origin, dest)
    for n in names[kept:]:
        del origin.accounts[ACCOUNT].containers['c'].objects[n]
    doomed = names[kept:]

    report = fakes.run_sync(origin, dest, delete_fraction_floor=floor,
                            max_delete_fraction=fraction)

    if withheld:
        assert deleted_objects(world) == []
        assert [(w['scope'], w['count']) for w in report.withheld] == [
            ('AUTH_a/c', len(doomed))]
        assert report.exit_code == 3
    else:
        assert deleted_objects(world) == sorted(doomed)
        assert dest.names(ACCOUNT, 'c') == names[:kept]
        assert report.exit_code == 0


@pytest.mark.parametrize('max_deletes,withheld', [
    pytest.param(2, True, id='3-doomed-over-max-2-withheld'),
    pytest.param(3, False, id='3-doomed-max-3-allowed'),
    pytest.param(0, False, id='max-0-means-no-limit'),
])
def test_max_deletes_per_run(world, origin, dest, max_deletes, withheld):
    seed(origin, {'c': {'keep': b'1'}})
    synced(world, origin, dest)
    for n in ('x1', 'x2', 'x3'):
        dest.add_object(ACCOUNT, 'c', n, b'')

    report = fakes.run_sync(origin, dest, max_deletes=max_deletes)

    if withheld:
        assert deleted_objects(world) == []
        assert report.counts['deletes_withheld'] == 3
        assert report.exit_code == 3
    else:
        assert deleted_objects(world) == ['x1', 'x2', 'x3']
        assert report.exit_code == 0


def test_max_deletes_budget_is_shared_by_containers(world, origin, dest):
    seed(origin, {'c1': {'k': b''}, 'c2': {'k': b''}})
    synced(world, origin, dest)
    for c in ('c1', 'c2'):
        for n in ('x1', 'x2'):
            dest.add_object(ACCOUNT, c, n, b'')

    report = fakes.run_sync(origin, dest, max_deletes=3)

    deleted = calls_since(world, 0, 'dest', ('DELETE',))
    assert len(deleted) == 2
    assert len({c.parts[1] for c in deleted}) == 1   # one whole container
    assert report.counts['objects_deleted'] == 2
    assert report.counts['deletes_withheld'] == 2
    assert report.exit_code == 3


def mass_delete_scenarios(origin, dest):
    """Three containers that each trip one safety limit at default
    settings with max_deletes=2, delete_fraction_floor=4."""
    seed(origin, {'emptied': {}, 'fraction': {'k': b''},
                  'budget': {'k1': b'', 'k2': b'', 'k3': b'', 'k4': b'',
                             'k5': b'', 'k6': b'', 'k7': b''}})
    seed(dest, {'emptied': {'e1': b'', 'e2': b'', 'e3': b'', 'e4': b''},
                'fraction': {'k': b'', 'f1': b'', 'f2': b'', 'f3': b''},
                'budget': {'b1': b'', 'b2': b'', 'b3': b'', 'k1': b'',
                           'k2': b'', 'k3': b'', 'k4': b'', 'k5': b'',
                           'k6': b'', 'k7': b''}})
    return {'emptied': ['e1', 'e2', 'e3', 'e4'],
            'fraction': ['f1', 'f2', 'f3'],
            'budget': ['b1', 'b2', 'b3']}


def test_limits_withhold_deletes(world, origin, dest):
    doomed = mass_delete_scenarios(origin, dest)
    report = fakes.run_sync(origin, dest, max_deletes=2,
                            delete_fraction_floor=4)
    assert calls_since(world, 0, 'dest', ('DELETE',)) == []
    assert report.counts['deletes_withheld'] == sum(map(len,
                                                        doomed.values()))
    assert report.exit_code == 3


def test_allow_mass_delete_lifts_all_limits(world, origin, dest):
    doomed = mass_delete_scenarios(origin, dest)
    report = fakes.run_sync(origin, dest, max_deletes=2,
                            delete_fraction_floor=4, allow_mass_delete=True)
    deleted = sorted((c.parts[1], c.parts[2]) for c in calls_since(
        world, 0, 'dest', ('DELETE',)))
    assert deleted == sorted((c, n) for c, names in doomed.items()
                             for n in names)
    assert report.withheld == []
    assert report.exit_code == 0


def test_allow_mass_delete_still_needs_origin_head_404(world, origin, dest):
    seed(origin, {'c': {'lagging': b''}})
    origin.obj(ACCOUNT, 'c', 'lagging').unlisted = True
    seed(dest, {'c': {'lagging': b''}})
    report = fakes.run_sync(origin, dest, allow_mass_delete=True)
    assert dest.names(ACCOUNT, 'c') == ['lagging']
    assert report.counts['deletes_skipped_origin_exists'] == 1


def test_allow_mass_delete_empties_account_of_gone_containers(
        world, origin, dest):
    seed(origin, {})
    seed(dest, {'c1': {'a': b'1'}, 'c2': {}})
    report = fakes.run_sync(origin, dest, allow_mass_delete=True)
    assert dest.names(ACCOUNT) == []
    assert report.counts['containers_deleted'] == 2
    assert report.exit_code == 0


def test_delete_false_deletes_nothing(world, origin, dest):
    seed(origin, {'c': {'a': b'1'}})
    seed(dest, {'c': {'a': b'1', 'stale': b''}, 'gone': {'x': b''}})
    world.advance(100)
    report = fakes.run_sync(origin, dest, delete=False,
                            allow_mass_delete=True)
    assert calls_since(world, 0, 'dest', ('DELETE',)) == []
    assert calls_since(world, 0, 'origin', ('HEAD',)) == []
    assert dest.names(ACCOUNT) == ['c', 'gone']
    assert dest.names(ACCOUNT, 'c') == ['a', 'stale']
    assert report.withheld == []
    assert report.exit_code == 0


def test_container_gone_from_origin_is_emptied_then_deleted(
        world, origin, dest):
    seed(origin, {'keep': {'k': b'1'}})
    synced(world, origin, dest)
    seed(dest, {'old': seven('x')})
    mark = len(world.log)

    report = fakes.run_sync(origin, dest)

    log = calls_since(world, mark)
    head = [i for i, c in enumerate(log) if c.side == 'origin' and
            c.method == 'HEAD' and c.parts[1:] == ['old']]
    obj_deletes = [i for i, c in enumerate(log) if c.side == 'dest' and
                   c.method == 'DELETE' and c.level == 'object']
    cont_delete = [i for i, c in enumerate(log) if c.side == 'dest' and
                   c.method == 'DELETE' and c.level == 'container']
    assert len(head) == 1 and len(obj_deletes) == 7 and len(cont_delete) == 1
    assert head[0] < min(obj_deletes)
    assert max(obj_deletes) < cont_delete[0]
    assert dest.names(ACCOUNT) == ['keep']
    assert report.counts['containers_deleted'] == 1
    assert report.counts['objects_deleted'] == 7
    assert report.exit_code == 0


def test_container_missing_from_origin_listing_but_existing_is_kept(
        world, origin, dest):
    seed(origin, {'keep': {'k': b'1'}, 'lagging': {'l': b'2'}})
    synced(world, origin, dest)
    origin.accounts[ACCOUNT].containers['lagging'].unlisted = True

    report = fakes.run_sync(origin, dest)

    assert calls_since(world, 0, 'dest', ('DELETE',)) == []
    assert dest.names(ACCOUNT, 'lagging') == ['l']
    assert report.counts['container_deletes_skipped_origin_exists'] == 1
    assert report.exit_code == 0


def test_gone_container_over_budget_keeps_container_and_objects(
        world, origin, dest):
    seed(origin, {'keep': {}})
    seed(dest, {'keep': {}, 'old': {'x1': b'', 'x2': b'', 'x3': b''}})
    report = fakes.run_sync(origin, dest, max_deletes=3)
    assert dest.names(ACCOUNT, 'old') == ['x1', 'x2', 'x3']
    assert calls_since(world, 0, 'dest', ('DELETE',)) == []
    assert report.exit_code == 3


def test_container_still_not_empty_is_retried_next_run(world, origin, dest):
    seed(origin, {'keep': {}})
    seed(dest, {'keep': {}, 'old': {'x': b''}})
    dest.fail_requests[('DELETE', dest.path(ACCOUNT, 'old'))] = 409
    report = fakes.run_sync(origin, dest)
    assert [e['scope'] for e in report.errors] == ['AUTH_a/old']
    assert report.exit_code == 1


# --- dry run -------------------------------------------------------------

def test_dry_run_writes_nothing_and_prints_plan_lines(world, origin, dest):
    seed(origin, {'new': {'n1': b'1', 'n2': b'2'}, 'both': {'b': b'3'}},
         account_meta={'x-account-meta-a': '1'})
    seed(dest, {'both': {'stale': b''}, 'gone': {'g1': b'', 'g2': b''}})
    before = view(dest)
    world.advance(100)

    report = fakes.run_sync(origin, dest, dry_run=True)

    assert calls_since(world, 0, method=WRITES) == []
    assert view(dest) == before
    lines = report.plan_stream.getvalue().splitlines()
    plans = [json.loads(line) for line in lines]
    assert all(p['account'] == ACCOUNT and p['reason'] for p in plans)
    assert sorted((p['action'], p.get('container'), p.get('object'))
                  for p in plans) == sorted([
                      ('accounts_posted', None, None),
                      ('containers_created', 'new', None),
                      ('copy', 'new', 'n1'), ('copy', 'new', 'n2'),
                      ('copy', 'both', 'b'),
                      ('delete', 'both', 'stale'),
                      ('delete', 'gone', 'g1'), ('delete', 'gone', 'g2'),
                      ('containers_deleted', 'gone', None)])
    assert report.exit_code == 0


def test_dry_run_plans_no_delete_that_a_real_run_would_withhold(
        world, origin, dest):
    """max_deletes stops a real run's deletions (exit 3); a dry run
    must predict that rather than list the deletions."""
    seed(origin, {'c': {'keep': b''}})
    seed(dest, {'c': {'keep': b'', 'x1': b'', 'x2': b'', 'x3': b''}})
    world.advance(100)
    report = fakes.run_sync(origin, dest, dry_run=True, max_deletes=2)
    plans = [json.loads(line) for line in
             report.plan_stream.getvalue().splitlines()]
    assert [p for p in plans if p['action'] == 'delete'] == []
    assert report.counts['deletes_withheld'] == 3
    assert report.exit_code == 3


def test_dry_run_reports_withheld_like_a_real_run(world, origin, dest):
    seed(origin, {'c': {}})
    seed(dest, {'c': {'a': b'', 'b': b''}})
    report = fakes.run_sync(origin, dest, dry_run=True,
                            delete_fraction_floor=2)
    assert report.plan_stream.getvalue() == ''
    assert report.counts['deletes_withheld'] == 2
    assert report.exit_code == 3


# --- limits ---------------------------------------------------------------

def test_listing_pages_use_the_configured_limit(world, origin, dest):
    seed(origin, {'c': seven()})
    fakes.run_sync(origin, dest, listing_limit=3)
    origin_pages = [c for c in calls_since(world, 0, 'origin', ('LIST',),
                                           'container')]
    assert [c.marker for c in origin_pages] == ['', 'o3', 'o6']
    assert {c.query['limit'] for c in calls_since(world, 0,
                                                  method=('LIST',))} == {3}


@pytest.mark.parametrize('origin_info,dest_info,expected', [
    pytest.param({'container_listing_limit': 500,
                  'account_listing_limit': 700},
                 {'container_listing_limit': 9000,
                  'account_listing_limit': 300}, 300,
                 id='dest-account-limit-smallest'),
    pytest.param({'container_listing_limit': 250,
                  'account_listing_limit': 700},
                 {'container_listing_limit': 9000,
                  'account_listing_limit': 800}, 250,
                 id='origin-container-limit-smallest'),
    pytest.param({'container_listing_limit': 20000}, {}, 10000,
                 id='never-raised-above-configured'),
])
def test_apply_limits_lowers_page_size_to_both_clusters(
        origin, dest, origin_info, dest_info, expected):
    syncer = Syncer(fakes.make_conf(listing_limit=10000), origin, dest,
                    Report())
    syncer.apply_limits({'swift': origin_info}, {'swift': dest_info})
    assert syncer.limit == expected


def test_apply_limits_without_info_keeps_configured_limit(origin, dest):
    syncer = Syncer(fakes.make_conf(listing_limit=50), origin, dest,
                    Report())
    syncer.apply_limits({}, {'swift': {}})
    assert syncer.limit == 50


def test_progress_totals_come_whole_from_the_account_listing(
        world, origin, dest):
    """The ETA needs the whole account's totals before its containers are
    walked: announced container by container, they grew as the pool took
    containers (a terminal showed 2/5 containers, then 9/9)."""
    seed(origin, {'c%d' % i: {'o%d' % j: b'x' for j in range(i + 1)}
                  for i in range(6)})
    world.advance(100)
    report = Report()
    seen = []
    report.listeners.append(
        lambda what, n: seen.append(dict(report.totals))
        if what == 'objects_examined' and not seen else None)
    syncer = Syncer(fakes.make_conf(container_workers=1), origin, dest,
                    report)
    syncer.run([ACCOUNT])
    report.finish()
    assert report.exit_code == 0
    assert seen[0]['containers'] == 6
    assert seen[0]['objects'] == 21
    assert report.totals['containers'] == 6     # not counted twice
