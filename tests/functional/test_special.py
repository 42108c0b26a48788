"""Swift's special objects survive the trip as what they are.

SLOs (segments elsewhere, nested, ranged), DLOs, dynamic, static and
cross-account symlinks, expiring objects, legacy and new-style versioned
containers, a second storage policy, exact timestamps, and destination
limits. Checked on two real clusters with an independent client.
"""
import hashlib
import json
import time
import uuid

import pytest

from tests.functional import sync_helpers as sh
from tests.functional.swiftapi import Admin, diff, snapshot

MIB = 1024 * 1024


def md5(data):
    return hashlib.md5(data).hexdigest()


def put_slo(admin, account, container, name, segments, headers=None):
    h = {'Content-Type': 'application/x-special'}
    h.update(headers or {})
    admin.req('PUT', account, container, name, data=json.dumps(segments),
              params={'multipart-manifest': 'put'}, headers=h, ok=(201,))


def fill_special(o, account, target_account):
    seg_a, seg_b = b'A' * MIB, b'B' * (MIB // 2)
    o.put_container(account, 'segments')
    o.put_container(account, 'objects')
    o.put_object(account, 'segments', 'a', seg_a)
    o.put_object(account, 'segments', 'b', seg_b)
    put_slo(o, account, 'objects', 'slo', [
        {'path': '/segments/a', 'etag': md5(seg_a), 'size_bytes': MIB},
        {'path': '/segments/b', 'etag': md5(seg_b), 'size_bytes': MIB // 2,
         'range': '10-1009'}], headers={'X-Object-Meta-Kind': 'slo'})
    # nested: an SLO whose segment is the SLO above, plus inline data
    put_slo(o, account, 'objects', 'slo-nested', [
        {'path': '/objects/slo'},
        {'data': 'aGVsbG8='}])
    o.put_object(account, 'segments', 'dlo/001', b'x' * 1000)
    o.put_object(account, 'segments', 'dlo/002', b'y' * 10)
    o.put_object(account, 'objects', 'dlo', b'', headers={
        'X-Object-Manifest': 'segments/dlo/',
        'X-Object-Meta-Kind': 'dlo'})
    o.put_object(account, 'objects', 'target', b'target bytes')
    o.put_object(account, 'objects', 'link', b'', headers={
        'X-Symlink-Target': 'objects/target',
        'X-Object-Meta-Kind': 'dynamic link'})
    o.put_object(account, 'objects', 'static-link', b'', headers={
        'X-Symlink-Target': 'objects/target',
        'X-Symlink-Target-Etag': md5(b'target bytes')})
    o.put_container(target_account, 'shared')
    o.put_object(target_account, 'shared', 'far', b'far away')
    o.put_object(account, 'objects', 'cross-account-link', b'', headers={
        'X-Symlink-Target': 'shared/far',
        'X-Symlink-Target-Account': target_account})
    o.put_object(account, 'objects', 'expires-tomorrow', b'e', headers={
        'X-Delete-At': str(int(time.time()) + 86400)})
    # legacy versioning (stack mode) with an archive container
    o.put_container(account, 'archive')
    o.put_container(account, 'legacy', headers={
        'X-Versions-Location': 'archive'})
    o.put_object(account, 'legacy', 'doc', b'version 1')
    o.put_object(account, 'legacy', 'doc', b'version 2')
    # new-style versioning
    o.put_container(account, 'versioned', headers={
        'X-Versions-Enabled': 'true'})
    o.put_object(account, 'versioned', 'v', b'first')
    o.put_object(account, 'versioned', 'v', b'second!')
    o.put_container(account, 'in-silver', headers={
        'X-Storage-Policy': 'silver'})
    o.put_object(account, 'in-silver', 'x', b'silver data')


@pytest.fixture(scope='module')
def special(origin, destination, tmp_path_factory):
    tmp = tmp_path_factory.mktemp('special')
    o, d = Admin(origin), Admin(destination)
    suffix = uuid.uuid4().hex[:6]
    account, target = 'AUTH_sp' + suffix, 'AUTH_tg' + suffix
    fill_special(o, account, target)
    # One object expires within the margin: not copied. One expires
    # before the run: listed, but 404 (not reaped): not copied, no error.
    expires_soon_at = int(time.time()) + 8
    o.put_object(account, 'objects', 'expires-soon', b's', headers={
        'X-Delete-At': str(expires_soon_at)})
    o.put_object(account, 'objects', 'expired', b'x', headers={
        'X-Delete-At': str(int(time.time()) + 2)})
    config = sh.write_config(tmp / 'swsync.conf', origin, destination,
                             [target, account], expiry_margin_seconds=60)
    time.sleep(3)
    run = sh.run_swsync(config, tmp)
    return {'o': o, 'd': d, 'account': account, 'target': target,
            'accounts': [target, account], 'run': run, 'config': config,
            'tmp': tmp, 'expires_soon_at': expires_soon_at}


def _without_expiring(snap, account):
    objects = snap[account]['containers']['objects']['objects']
    for name in ('expires-soon', 'expired'):
        objects.pop(name, None)
    return snap


def test_special_objects_arrive_as_what_they_are(special):
    run, o, d = special['run'], special['o'], special['d']
    account = special['account']
    assert run.rc == 0, run
    counts = run.report['counts']
    assert counts['slos_copied'] == 2
    assert counts['symlinks_copied'] == 3
    assert counts['objects_expiring'] == 1
    assert counts['objects_vanished'] == 1
    snap_o = _without_expiring(snapshot(o, special['accounts']), account)
    snap_d = snapshot(d, special['accounts'])
    assert diff(snap_o, snap_d) == []
    dest_objects = snap_d[account]['containers']['objects']['objects']
    assert 'expires-soon' not in dest_objects
    assert 'expired' not in dest_objects
    for name in ('slo', 'slo-nested'):
        assert dest_objects[name]['headers']['x-static-large-object'] == \
            'True'
    assert dest_objects['dlo']['headers']['x-object-manifest'] == \
        'segments/dlo/'
    assert dest_objects['link']['headers']['x-symlink-target'] == \
        'objects/target'
    assert dest_objects['static-link']['headers'][
        'x-symlink-target-etag'] == md5(b'target bytes')
    assert dest_objects['cross-account-link']['headers'][
        'x-symlink-target-account'] == special['target']
    assert d.req('HEAD', account, 'in-silver').headers[
        'x-storage-policy'] == 'silver'


def test_destination_serves_the_same_bytes(special):
    o, d, account = special['o'], special['d'], special['account']
    for name in ('slo', 'slo-nested', 'dlo', 'link', 'static-link',
                 'cross-account-link', 'expires-tomorrow'):
        assert o.get_object(account, 'objects', name)[1] == \
            d.get_object(account, 'objects', name)[1], name
    assert d.get_object(account, 'versioned', 'v')[1] == b'second!'
    assert d.get_object(account, 'legacy', 'doc')[1] == b'version 2'


def test_no_segment_is_stored_twice(special, destination):
    """Manifests are manifests: the destination stores the segment bytes
    once (in the segment container) and the manifests hold none."""
    d, account = special['d'], special['account']
    destination.run_once('container-updater')
    used = {c['name']: c['bytes'] for c in d.listing(account)}
    listed = {r['name']: r['bytes']
              for r in d.listing(account, 'segments')}
    assert used['segments'] == sum(listed.values())
    for name in ('slo', 'slo-nested', 'dlo'):
        r = d.req('GET', account, 'objects', name,
                  params={'multipart-manifest': 'get'}, ok=(200,))
        assert len(r.content) < 2000   # a manifest, not the data


def test_versioned_containers_get_no_extra_versions(special):
    o, d, account = special['o'], special['d'], special['account']
    assert d.req('HEAD', account, 'legacy').headers[
        'x-versions-location'] == 'archive'
    assert d.req('HEAD', account, 'versioned').headers[
        'x-versions-enabled'] == 'True'
    # An overwrite and a delete on the origin; swsync's own writes must
    # not add archive entries or restore old versions on the destination.
    o.put_object(account, 'legacy', 'doc', b'version 3')
    o.put_object(account, 'legacy', 'other', b'o')
    o.req('DELETE', account, 'legacy', 'other', ok=(204,))
    o.put_object(account, 'versioned', 'v', b'third')
    sh.settle()
    run = sh.run_swsync(special['config'], special['tmp'])
    assert run.rc == 0, run
    for container in ('legacy', 'archive', 'versioned'):
        names_o = [r['name'] for r in o.listing(account, container)]
        names_d = [r['name'] for r in d.listing(account, container)]
        assert names_o == names_d, container
    assert d.get_object(account, 'legacy', 'doc')[1] == b'version 3'
    assert d.get_object(account, 'versioned', 'v')[1] == b'third'
    assert d.req('HEAD', account, 'legacy').headers[
        'x-versions-location'] == 'archive'
    assert d.req('HEAD', account, 'versioned').headers[
        'x-versions-enabled'] == 'True'


def test_rerun_issues_no_object_request(special, origin, destination):
    """Once the origin's expirer has reaped expired objects (they stay
    listed until then, and each run tries them), a rerun is quiet."""
    time.sleep(max(0, special['expires_soon_at'] + 1 - time.time()))
    origin.run_once('object-expirer')
    names = [r['name'] for r in special['o'].listing(special['account'],
                                                     'objects')]
    assert 'expired' not in names and 'expires-soon' not in names
    sh.settle()
    sh.run_swsync(special['config'], special['tmp'])   # settle last writes
    marks = origin.access_log_size(), destination.access_log_size()
    run = sh.run_swsync(special['config'], special['tmp'])
    assert run.rc == 0, run
    requests = (sh.wait_for_log(origin, marks[0]) +
                sh.wait_for_log(destination, marks[1], pause=0))
    assert requests
    assert [r for r in requests if sh.object_level(r) or sh.is_write(r)
            ] == []


def test_slo_with_missing_segment_is_a_warning_not_written(
        origin, destination, tmp_path):
    """The origin cannot serve it either: a documented exception (README,
    7), reported as a warning, never written half-way."""
    o, d = Admin(origin), Admin(destination)
    account = 'AUTH_br' + uuid.uuid4().hex[:6]
    o.put_container(account, 'c')
    o.put_object(account, 'c', 'seg', b's' * 100)
    put_slo(o, account, 'c', 'broken', [
        {'path': '/c/seg', 'etag': md5(b's' * 100), 'size_bytes': 100}])
    o.req('DELETE', account, 'c', 'seg', ok=(204,))
    config = sh.write_config(tmp_path / 'a.conf', origin, destination,
                             [account])
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    assert [w['scope'] for w in run.report['warnings']] == [
        account + '/c/broken']
    assert 'segment' in run.report['warnings'][0]['warning']
    assert d.req('HEAD', account, 'c', 'broken',
                 params={'multipart-manifest': 'get'}).status_code == 404


def test_missing_storage_policy_is_a_clear_container_error(
        origin, destination, tmp_path):
    o, d = Admin(origin), Admin(destination)
    account = 'AUTH_pol' + uuid.uuid4().hex[:6]
    o.put_container(account, 'silvery', headers={
        'X-Storage-Policy': 'silver'})
    o.put_object(account, 'silvery', 'x', b'1')
    o.put_container(account, 'plain')
    o.put_object(account, 'plain', 'y', b'2')
    config = sh.write_config(tmp_path / 'a.conf', origin, destination,
                             [account], policy_map='silver:bronze')
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 1, run
    [error] = run.report['errors']
    assert error['scope'] == account + '/silvery'
    assert 'storage policy bronze does not exist' in error['error']
    assert d.listing(account, 'silvery') is None
    assert [r['name'] for r in d.listing(account, 'plain')] == ['y']
    # policy_map to an existing policy works
    config = sh.write_config(tmp_path / 'b.conf', origin, destination,
                             [account], policy_map='silver:gold')
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    assert d.req('HEAD', account, 'silvery').headers[
        'x-storage-policy'] == 'gold'
    # and a policy that differs from the existing destination container
    config = sh.write_config(tmp_path / 'c.conf', origin, destination,
                             [account])
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 1, run
    assert 'storage policy differs' in run.report['errors'][0]['error']
    assert 'delete the destination container' in \
        run.report['errors'][0]['error']
    # one line per error, without Python class names (red-team finding)
    [line] = [line for line in run.stderr.splitlines() if 'ERROR' in line]
    assert 'Error:' not in line and 'swsync.' not in line.split(' [-] ')[1]


def test_preserved_timestamps_make_listings_identical(
        origin, destination_unshunted, tmp_path):
    o, d = Admin(origin), Admin(destination_unshunted)
    account = 'AUTH_ts' + uuid.uuid4().hex[:6]
    o.put_container(account, 'c')
    for i in range(5):
        o.put_object(account, 'c', 'o%d' % i, b'%d' % i)
    o.post_object(account, 'c', 'o1', {'X-Object-Meta-Later': 'yes'})
    config = sh.write_config(tmp_path / 'a.conf', origin,
                             destination_unshunted, [account],
                             preserve_timestamps='true')
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    assert o.listing(account, 'c') == d.listing(account, 'c')
    # a metadata-only change keeps them identical
    o.post_object(account, 'c', 'o2', {'X-Object-Meta-New': '1'})
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    assert run.report['counts']['objects_posted'] == 1
    assert o.listing(account, 'c') == d.listing(account, 'c')


def test_preserve_timestamps_refused_when_destination_ignores_them(
        origin, destination, tmp_path):
    config = sh.write_config(tmp_path / 'a.conf', origin, destination,
                             ['AUTH_test'], preserve_timestamps='true')
    mark = destination.access_log_size()
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 2, run
    assert 'ignores X-Timestamp' in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    writes = [r for r in sh.wait_for_log(destination, mark)
              if sh.is_write(r) and 'AUTH_test/' in r['path']]
    assert writes == []


def test_items_beyond_destination_limits_are_reported(
        origin, destination_unshunted, tmp_path):
    o, d = Admin(origin), Admin(destination_unshunted)
    account = 'AUTH_lim' + uuid.uuid4().hex[:6]
    o.put_container(account, 'c')
    o.put_object(account, 'c', 'n' * 300, b'long name')
    o.put_object(account, 'c', 'big', b'b' * (2 * MIB))
    o.put_object(account, 'c', 'fine', b'ok')
    config = sh.write_config(tmp_path / 'a.conf', origin,
                             destination_unshunted, [account])
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 1, run
    errors = {e['scope'].rsplit('/', 1)[1]: e['error']
              for e in run.report['errors']}
    assert 'max_object_name_length 200' in errors['n' * 300]
    assert 'max_file_size 1048576' in errors['big']
    assert [r['name'] for r in d.listing(account, 'c')] == ['fine']


def test_slo_copies_with_settle_seconds_zero(origin, destination, tmp_path):
    """settle_seconds = 0 rechecks the origin after every copy: an SLO,
    read as its manifest and HEADed as the large object, has two etags,
    and every first copy of one was taken for a change on the origin
    (exit 1; red-team finding F4 of the change-marks pass)."""
    o = Admin(origin)
    account = 'AUTH_s0%s' % uuid.uuid4().hex[:8]
    o.put_container(account, 'seg')
    o.put_container(account, 'c')
    o.put_object(account, 'seg', 's1', b'1' * 1000)
    put_slo(o, account, 'c', 'big', [
        {'path': '/seg/s1', 'etag': md5(b'1' * 1000), 'size_bytes': 1000}])
    sh.settle()
    cfg = sh.write_config(tmp_path / 's.conf', origin, destination,
                          [account], settle_seconds=0)
    run = sh.run_swsync(cfg, tmp_path)
    assert run.rc == 0, run.stderr
    assert run.report['counts']['slos_copied'] == 1
    assert diff(snapshot(o, [account]),
                snapshot(Admin(destination), [account])) == []
