"""Engine behaviour around container versioning (§5.2, §5.3), preserved
timestamps (§2.1, §2.2), storage policies (§3.2) and destination limits
(§3.6), against the in-memory clusters of tests/unit/fakes.py."""
import json

import pytest

from swsync.engine import Syncer
from swsync.report import Report
from tests.unit import fakes

ACCOUNT = 'AUTH_a'


def cont(cluster, name):
    return cluster.accounts[ACCOUNT].containers[name]


def object_calls(world, mark=0):
    return [c for c in world.log[mark:] if c.level == 'object']


def run(origin, dest, info=None, **conf):
    """A run after apply_limits with the destination's /info."""
    report = Report()
    syncer = Syncer(fakes.make_conf(**conf), origin, dest, report)
    syncer.apply_limits({}, info or {})
    syncer.run([ACCOUNT])
    report.finish()
    return report


# --- versioning ------------------------------------------------------------

def seed_legacy_versioned(cluster):
    cluster.add_account(ACCOUNT)
    cluster.add_container(ACCOUNT, 'c', meta={
        'x-versions-location': 'z-archive'})
    cluster.add_container(ACCOUNT, 'z-archive')
    cluster.add_object(ACCOUNT, 'c', 'doc', b'v1')
    cluster.add_object(ACCOUNT, 'c', 'other', b'o')


def test_versioning_flags_reach_destination_after_the_data(
        world, origin, dest):
    seed_legacy_versioned(origin)
    world.advance(100)
    report = fakes.run_sync(origin, dest)
    assert report.exit_code == 0, report.errors
    assert cont(dest, 'c').meta == {'x-versions-location': 'z-archive'}
    assert dest.names(ACCOUNT, 'z-archive') == []
    # the container was created without the flag, set after the copies
    [put] = [c for c in world.log if c.side == 'dest' and
             c.method == 'PUT' and c.parts[1:] == ['c']]
    assert 'x-versions-location' not in put.headers


def test_overwrite_in_versioned_destination_archives_nothing(
        world, origin, dest):
    seed_legacy_versioned(origin)
    world.advance(100)
    fakes.run_sync(origin, dest)
    world.advance(100)
    origin.add_object(ACCOUNT, 'c', 'doc', b'v2')
    world.advance(100)

    report = fakes.run_sync(origin, dest)

    assert report.exit_code == 0, report.errors
    assert dest.obj(ACCOUNT, 'c', 'doc').body == b'v2'
    assert dest.names(ACCOUNT, 'z-archive') == []
    assert cont(dest, 'c').meta == {'x-versions-location': 'z-archive'}


def test_delete_in_versioned_destination_restores_nothing(
        world, origin, dest):
    """Stack mode: a DELETE restores the previous version (§5.2). The
    destination's own archive entry is there as the origin's was."""
    seed_legacy_versioned(origin)
    origin.add_object(ACCOUNT, 'z-archive', '003doc/1.00000', b'v0')
    world.advance(100)
    fakes.run_sync(origin, dest)
    world.advance(100)
    del cont(origin, 'c').objects['doc']
    del cont(origin, 'z-archive').objects['003doc/1.00000']
    cont(origin, 'z-archive').objects['keep'] = fakes.Obj(b'k')
    world.advance(100)

    report = fakes.run_sync(origin, dest, container_workers=1)

    assert report.exit_code == 0, report.errors
    assert dest.names(ACCOUNT, 'c') == ['other']
    assert cont(dest, 'c').meta == {'x-versions-location': 'z-archive'}


def test_unchanged_versioned_container_gets_no_flag_posts(
        world, origin, dest):
    seed_legacy_versioned(origin)
    world.advance(100)
    fakes.run_sync(origin, dest)
    world.advance(100)
    mark = len(world.log)
    fakes.run_sync(origin, dest)
    assert [c for c in world.log[mark:] if c.method != 'LIST'] == []


def test_versioning_removed_on_origin_is_removed_on_destination(
        world, origin, dest):
    seed_legacy_versioned(origin)
    world.advance(100)
    fakes.run_sync(origin, dest)
    cont(origin, 'c').meta = {}
    world.advance(100)
    report = fakes.run_sync(origin, dest)
    assert report.exit_code == 0, report.errors
    assert cont(dest, 'c').meta == {}


def test_gone_container_with_legacy_versioning_is_deleted_in_one_run(
        world, origin, dest):
    """Deleting the objects of a destination container gone from the
    origin must not trigger its versioning either: in stack mode each
    DELETE restores an archived version and the container never empties
    in this run."""
    seed_legacy_versioned(origin)
    origin.add_object(ACCOUNT, 'z-archive', '003doc/1.00000', b'v0')
    origin.add_container(ACCOUNT, 'keep')
    origin.add_object(ACCOUNT, 'keep', 'k', b'k')
    world.advance(100)
    fakes.run_sync(origin, dest)
    world.advance(100)
    del origin.accounts[ACCOUNT].containers['c']
    del origin.accounts[ACCOUNT].containers['z-archive']
    world.advance(100)

    report = fakes.run_sync(origin, dest, container_workers=1)

    assert report.errors == []
    assert dest.names(ACCOUNT) == ['keep']
    assert report.exit_code == 0


def test_gone_container_with_new_versioning_is_deleted(world, origin, dest):
    """New-style versioning: every DELETE on an enabled container leaves
    a version (a delete marker), and a container holding versions cannot
    be deleted (§5.3, §7.1)."""
    origin.add_account(ACCOUNT)
    origin.add_container(ACCOUNT, 'c', meta={'x-versions-enabled': 'True'})
    origin.add_object(ACCOUNT, 'c', 'doc', b'v1')
    origin.add_container(ACCOUNT, 'keep')
    origin.add_object(ACCOUNT, 'keep', 'k', b'k')
    world.advance(100)
    fakes.run_sync(origin, dest)
    assert cont(dest, 'c').versions == 0     # no versions from the copy
    assert cont(dest, 'c').meta == {'x-versions-enabled': 'True'}
    del origin.accounts[ACCOUNT].containers['c']
    world.advance(100)

    report = fakes.run_sync(origin, dest)

    assert report.errors == []
    assert dest.names(ACCOUNT) == ['keep']


def test_new_style_versioning_lifted_during_writes(world, origin, dest):
    origin.add_account(ACCOUNT)
    origin.add_container(ACCOUNT, 'c', meta={'x-versions-enabled': 'True'})
    origin.add_object(ACCOUNT, 'c', 'doc', b'v1')
    world.advance(100)
    fakes.run_sync(origin, dest)
    origin.add_object(ACCOUNT, 'c', 'doc', b'v2')
    origin.add_object(ACCOUNT, 'c', 'new', b'n')
    world.advance(100)
    report = fakes.run_sync(origin, dest)
    assert report.exit_code == 0, report.errors
    assert cont(dest, 'c').versions == 0
    assert dest.obj(ACCOUNT, 'c', 'doc').body == b'v2'
    assert cont(dest, 'c').meta.get('x-versions-enabled', '').lower() == \
        'true'


def test_slo_rewritten_in_versioned_destination_archives_nothing(
        world, origin, dest):
    """Manifests are written after the rest of the account; the
    destination's versioning stays lifted until they are written."""
    seed_legacy_versioned(origin)
    origin.add_container(ACCOUNT, 'segs')
    origin.add_object(ACCOUNT, 'segs', 's1', b'one')
    origin.add_object(ACCOUNT, 'segs', 's2', b'two')

    def seg(name, data):
        return {'path': '/segs/' + name, 'etag': fakes.md5(data),
                'size_bytes': len(data)}
    origin.add_object(ACCOUNT, 'c', 'movie', slo=[seg('s1', b'one')])
    world.advance(100)
    fakes.run_sync(origin, dest)
    world.advance(100)
    origin.add_object(ACCOUNT, 'c', 'movie', slo=[seg('s1', b'one'),
                                                  seg('s2', b'two')])
    origin.add_object(ACCOUNT, 'c', 'doc', b'v2')   # a write before it
    world.advance(100)

    report = fakes.run_sync(origin, dest)

    assert report.exit_code == 0, report.errors
    assert len(dest.obj(ACCOUNT, 'c', 'movie').slo) == 2
    assert dest.obj(ACCOUNT, 'c', 'doc').body == b'v2'
    assert dest.names(ACCOUNT, 'z-archive') == []
    assert cont(dest, 'c').meta == {'x-versions-location': 'z-archive'}


# --- preserved timestamps ------------------------------------------------

def test_preserved_timestamps_make_listings_equal(world, origin, dest):
    origin.add_account(ACCOUNT)
    origin.add_container(ACCOUNT, 'c')
    origin.add_object(ACCOUNT, 'c', 'o', b'1')
    dest.honour_timestamps = True
    world.advance(0.5)          # well within settle_seconds
    fakes.run_sync(origin, dest, preserve_timestamps=True)
    assert dest.obj(ACCOUNT, 'c', 'o').timestamp == \
        origin.obj(ACCOUNT, 'c', 'o').timestamp
    mark = len(world.log)
    fakes.run_sync(origin, dest, preserve_timestamps=True)
    assert object_calls(world, mark) == []


def test_preserved_put_blocked_by_newer_tombstone_is_rewritten(
        world, origin, dest):
    """§2.2: a PUT older than the destination's tombstone answers 202 and
    writes nothing; the copy is redone with a fresh timestamp."""
    origin.add_account(ACCOUNT)
    origin.add_container(ACCOUNT, 'c')
    origin.add_object(ACCOUNT, 'c', 'o', b'1')
    dest.honour_timestamps = True
    dest.add_account(ACCOUNT)
    dest.add_container(ACCOUNT, 'c')
    world.advance(100)
    dest.tombstones[(ACCOUNT, 'c', 'o')] = world.now
    world.advance(100)

    report = fakes.run_sync(origin, dest, preserve_timestamps=True)

    assert dest.obj(ACCOUNT, 'c', 'o').body == b'1'
    assert report.counts['timestamps_not_applied'] == 1
    assert report.counts['objects_copied'] == 1
    assert report.exit_code == 0


def test_preserved_metadata_post_carries_origin_timestamp(
        world, origin, dest):
    origin.add_account(ACCOUNT)
    origin.add_container(ACCOUNT, 'c')
    obj = origin.add_object(ACCOUNT, 'c', 'o', b'1')
    dest.honour_timestamps = True
    world.advance(100)
    fakes.run_sync(origin, dest, preserve_timestamps=True)
    world.advance(100)
    obj.meta = {'content-type': 'text/plain', 'x-object-meta-k': 'v'}
    obj.timestamp = world.now
    world.advance(100)

    fakes.run_sync(origin, dest, preserve_timestamps=True)

    copy = dest.obj(ACCOUNT, 'c', 'o')
    assert (copy.meta, copy.timestamp) == (obj.meta, obj.timestamp)
    mark = len(world.log)
    fakes.run_sync(origin, dest, preserve_timestamps=True)
    assert object_calls(world, mark) == []


def test_timestamps_not_sent_unless_preserving(world, origin, dest):
    origin.add_account(ACCOUNT)
    origin.add_container(ACCOUNT, 'c')
    origin.add_object(ACCOUNT, 'c', 'o', b'1')
    world.advance(100)
    fakes.run_sync(origin, dest)
    [put] = [c for c in object_calls(world) if c.method == 'PUT']
    assert 'x-timestamp' not in put.headers


# --- storage policies ----------------------------------------------------

def test_policy_map_renames_policy_on_create_and_compare(
        world, origin, dest):
    origin.add_account(ACCOUNT)
    origin.add_container(ACCOUNT, 'c', policy='gold')
    origin.add_object(ACCOUNT, 'c', 'o', b'1')
    world.advance(100)
    report = fakes.run_sync(origin, dest, policy_map={'gold': 'standard'})
    assert report.exit_code == 0, report.errors
    assert cont(dest, 'c').policy == 'standard'
    world.advance(100)
    report = fakes.run_sync(origin, dest, policy_map={'gold': 'standard'})
    assert report.exit_code == 0, report.errors


def test_unknown_destination_policy_is_an_error_for_that_container(
        world, origin, dest):
    origin.add_account(ACCOUNT)
    origin.add_container(ACCOUNT, 'c', policy='gold')
    origin.add_container(ACCOUNT, 'd', policy='silver')
    origin.add_object(ACCOUNT, 'd', 'o', b'1')
    info = {'swift': {'policies': [{'name': 'silver', 'aliases': 'silver'},
                                   {'name': 'bronze'}]}}
    report = run(origin, dest, info=info)
    assert dest.names(ACCOUNT) == ['d']
    assert [e['scope'] for e in report.errors] == ['AUTH_a/c']


def test_policy_alias_on_destination_is_accepted(world, origin, dest):
    origin.add_account(ACCOUNT)
    origin.add_container(ACCOUNT, 'c', policy='fast')
    info = {'swift': {'policies': [{'name': 'ssd', 'aliases': 'ssd, fast'}]}}
    report = run(origin, dest, info=info)
    assert report.errors == []
    assert dest.names(ACCOUNT) == ['c']


# --- destination limits --------------------------------------------------

def test_object_name_too_long_for_destination_is_refused(
        world, origin, dest):
    origin.add_account(ACCOUNT)
    origin.add_container(ACCOUNT, 'c')
    origin.add_object(ACCOUNT, 'c', 'x' * 20, b'1')
    origin.add_object(ACCOUNT, 'c', 'short', b'2')
    world.advance(100)
    report = run(origin, dest,
                 info={'swift': {'max_object_name_length': 10}})
    assert dest.names(ACCOUNT, 'c') == ['short']
    assert [e['scope'] for e in report.errors] == ['AUTH_a/c/' + 'x' * 20]
    assert not [c for c in object_calls(world)
                if c.side == 'dest' and c.parts[2] == 'x' * 20]


def test_object_too_big_for_destination_is_refused(world, origin, dest):
    origin.add_account(ACCOUNT)
    origin.add_container(ACCOUNT, 'c')
    origin.add_object(ACCOUNT, 'c', 'big', b'x' * 100)
    world.advance(100)
    report = run(origin, dest, info={'swift': {'max_file_size': 99}})
    assert dest.names(ACCOUNT, 'c') == []
    assert report.exit_code == 1


def test_metadata_over_destination_limit_is_refused(world, origin, dest):
    origin.add_account(ACCOUNT)
    origin.add_container(ACCOUNT, 'c')
    origin.add_object(ACCOUNT, 'c', 'o', b'1',
                      meta={'x-object-meta-k': 'v' * 20})
    world.advance(100)
    report = run(origin, dest,
                 info={'swift': {'max_meta_value_length': 10}})
    assert dest.names(ACCOUNT, 'c') == []
    assert report.exit_code == 1


def test_container_name_too_long_for_destination_is_refused(
        world, origin, dest):
    origin.add_account(ACCOUNT)
    origin.add_container(ACCOUNT, 'c' * 20)
    origin.add_container(ACCOUNT, 'ok')
    report = run(origin, dest,
                 info={'swift': {'max_container_name_length': 10}})
    assert dest.names(ACCOUNT) == ['ok']
    assert [e['scope'] for e in report.errors] == ['AUTH_a/' + 'c' * 20]


# --- dry-run is a planner: its plan is the real run's writes -------------

PLAN_METHOD = {'copy': 'PUT', 'post': 'POST', 'delete': 'DELETE',
               'containers_created': 'PUT', 'containers_posted': 'POST',
               'containers_deleted': 'DELETE', 'accounts_posted': 'POST',
               'accounts_created': 'PUT'}


def _planned(report):
    out = []
    for line in report.plan_stream.getvalue().splitlines():
        item = json.loads(line)
        path = '/'.join(item[k] for k in ('account', 'container', 'object')
                        if k in item)
        out.append((PLAN_METHOD[item['action']], path))
    return sorted(out)


def _written(world, mark):
    return sorted((c.method, '/'.join(c.parts)) for c in world.log[mark:]
                  if c.side == 'dest' and
                  c.method in ('PUT', 'POST', 'DELETE'))


def _busy_origin(world, origin, dest):
    """A bit of everything: versioned and quota'd containers holding an
    SLO and a static link, a metadata change, a deletion, a container gone
    from the origin."""
    segments = [{'path': '/kept/seg', 'etag': fakes.md5(b'segment'),
                 'size_bytes': 7}]
    origin.add_account(ACCOUNT, {'x-account-meta-a': '1'})
    origin.add_container(ACCOUNT, 'arch')
    origin.add_container(ACCOUNT, 'kept', meta={
        'x-versions-location': 'arch',
        'x-container-meta-quota-count': '10'})
    origin.add_object(ACCOUNT, 'kept', 'seg', b'segment')
    origin.add_object(ACCOUNT, 'kept', 'slo', slo=segments)
    origin.add_object(ACCOUNT, 'kept', 'pin', symlink='kept/seg',
                      symlink_etag=fakes.md5(b'segment'))
    origin.add_object(ACCOUNT, 'kept', 'meta', b'm')
    origin.add_object(ACCOUNT, 'kept', 'gone', b'g')
    origin.add_container(ACCOUNT, 'dropped')
    origin.add_object(ACCOUNT, 'dropped', 'x', b'x')


@pytest.mark.parametrize('step', ['first-sync', 'changes'])
def test_dry_run_plan_is_exactly_the_real_runs_writes(world, origin, dest,
                                                      step):
    _busy_origin(world, origin, dest)
    if step == 'changes':
        world.advance(100)
        assert fakes.run_sync(origin, dest).exit_code == 0
        world.advance(100)
        origin.obj(ACCOUNT, 'kept', 'meta').meta['x-object-meta-new'] = '1'
        origin.obj(ACCOUNT, 'kept', 'meta').timestamp = world.now
        del origin.accounts[ACCOUNT].containers['kept'].objects['gone']
        del origin.accounts[ACCOUNT].containers['dropped']
        origin.accounts[ACCOUNT].meta['x-account-meta-a'] = '2'
        world.advance(100)
    mark = len(world.log)
    plan = fakes.run_sync(origin, dest, dry_run=True)
    assert _written(world, mark) == []
    mark = len(world.log)
    real = fakes.run_sync(origin, dest)
    assert real.exit_code == 0, real.errors
    written = _written(world, mark)
    assert written
    assert _planned(plan) == written
    assert plan.summary().startswith('swsync (dry run): 1 accounts, would '
                                     'copy')
    for outcome in ('objects_copied', 'slos_copied', 'symlinks_copied',
                    'objects_posted', 'objects_deleted',
                    'containers_created', 'containers_deleted'):
        assert plan.counts[outcome] == real.counts[outcome], outcome


def test_plan_lines_are_one_json_object_each(world, origin, dest):
    origin.add_account(ACCOUNT)
    origin.add_container(ACCOUNT, 'c')
    origin.add_object(ACCOUNT, 'c', 'a\nb \u65e5', b'x')
    report = fakes.run_sync(origin, dest, dry_run=True)
    lines = report.plan_stream.getvalue().splitlines()
    assert [json.loads(line) for line in lines] == [
        {'action': 'accounts_created', 'account': ACCOUNT,
         'reason': 'missing on destination'},
        {'action': 'containers_created', 'account': ACCOUNT,
         'container': 'c', 'reason': 'missing on destination'},
        {'action': 'copy', 'account': ACCOUNT, 'container': 'c',
         'object': 'a\nb \u65e5', 'reason': 'missing on destination'}]
