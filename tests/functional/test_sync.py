"""swsync mirrors accounts, containers and objects between two real clusters.

The story an operator lives: fill the origin, sync, change the origin in
every way Swift allows, sync again, and compare both clusters with an
independent walk (tests/functional/swiftapi.py, no swsync code).
"""
import gzip
import time
import uuid

import pytest

from tests.functional import sync_helpers as sh
from tests.functional.swiftapi import Admin, diff, snapshot


def unique(prefix):
    return '%s-%s' % (prefix, uuid.uuid4().hex[:6])


def latin1(text):
    """A header value carrying UTF-8 bytes (how requests sends str)."""
    return text.encode('utf-8').decode('latin-1')


ODD_NAMES = ['a b', '%', '100%25', 'what?', '#hash', 'plus+sign', 'amp&=;',
             'd1/d2/file', 'd1/', '/leading', 'ünï/cødé 日本',
             'emoji-\U0001F600', "quote'\"", 'x' * 1000]


def fill_origin(admin, account, big_count):
    """Accounts, containers and objects of every plain kind."""
    admin.req('POST', account, headers={
        'X-Account-Meta-Color': 'blue',
        'X-Account-Meta-Temp-URL-Key': 'secret-key-1',
        'X-Account-Meta-Uni': latin1('héllo wörld'),
        'X-Account-Meta-Gone': 'remove-me-later'}, ok=(204,))
    admin.put_container(account, 'plain', headers={
        'X-Container-Meta-Owner': 'ops', 'X-Container-Meta-Pct': 'a%20b',
        'X-Container-Read': '.r:*,.rlistings'})
    admin.put_container(account, 'silver ü', headers={
        'X-Storage-Policy': 'silver',
        'X-Container-Write': 'AUTH_test2',
        'X-Container-Meta-Quota-Count': '100000'})
    admin.put_container(account, 'big')
    admin.put_container(account, 'doomed')
    for name in ODD_NAMES:
        admin.put_object(account, 'plain', name, name.encode('utf-8'),
                         headers={'X-Object-Meta-Name': latin1(name[:50]),
                                  'Content-Type': 'text/plain'})
    admin.put_object(account, 'plain', 'empty', b'')
    admin.put_object(account, 'plain', 'gz', gzip.compress(b'z' * 5000),
                     headers={'Content-Encoding': 'gzip',
                              'Content-Type': 'text/plain',
                              'Content-Disposition': 'attachment; '
                                                     'filename="z.txt"'})
    admin.put_object(account, 'plain', 'expiring', b'later', headers={
        'X-Delete-At': str(int(time.time()) + 86400),
        'Cache-Control': 'no-cache', 'Content-Language': 'fr'})
    admin.put_object(account, 'plain', 'meta', b'm', headers={
        'X-Object-Meta-Pct': 'a%20b%zz', 'X-Object-Meta-Uni': latin1('日本'),
        'X-Object-Meta-Drop': 'later'})
    admin.put_object(account, 'silver ü', 'in-silver', b's' * 333)
    for i in range(big_count):
        admin.put_object(account, 'big', 'obj-%05d' % i, b'%d' % i)
    for i in range(3):
        admin.put_object(account, 'doomed', 'd%d' % i, b'd')


@pytest.fixture(scope='module')
def synced(origin, destination, tmp_path_factory):
    """Origin filled and synced once; yields what the tests need."""
    tmp = tmp_path_factory.mktemp('sync')
    o, d = Admin(origin), Admin(destination)
    accounts = ['AUTH_test', 'AUTH_test2']
    fill_origin(o, 'AUTH_test', origin.listing_limit * 2 + 17)
    o.req('POST', 'AUTH_test2', headers={'X-Account-Meta-Solo': '1'},
          ok=(204,))
    o.put_container('AUTH_test2', 'only')
    o.put_object('AUTH_test2', 'only', 'one', b'1')
    config = sh.write_config(tmp / 'swsync.conf', origin, destination,
                             accounts, object_workers=8)
    sh.settle()
    first = sh.run_swsync(config, tmp)
    return {'o': o, 'd': d, 'accounts': accounts, 'config': config,
            'tmp': tmp, 'first': first}


def test_first_run_makes_destination_identical(synced):
    run = synced['first']
    assert run.rc == 0, run
    assert run.report['counts']['objects_copied'] > 2 * 100
    assert run.report['errors'] == []
    differences = diff(snapshot(synced['o'], synced['accounts']),
                       snapshot(synced['d'], synced['accounts']))
    assert differences == []


def test_copied_bytes_are_identical_including_gzip(synced):
    o, d = synced['o'], synced['d']
    for name in ('gz', 'x' * 1000, 'ünï/cødé 日本', 'empty'):
        oh, ob = o.get_object('AUTH_test', 'plain', name)
        dh, db = d.get_object('AUTH_test', 'plain', name)
        assert ob == db
        assert oh['etag'] == dh['etag']
    assert d.req('HEAD', 'AUTH_test', 'silver ü').headers[
        'x-storage-policy'] == 'silver'


def test_rerun_issues_no_object_request_and_no_write(synced, origin,
                                                     destination):
    marks = origin.access_log_size(), destination.access_log_size()
    run = sh.run_swsync(synced['config'], synced['tmp'])
    assert run.rc == 0, run
    requests = (sh.wait_for_log(origin, marks[0]) +
                sh.wait_for_log(destination, marks[1], pause=0))
    assert requests, 'the access logs recorded nothing'
    assert [r for r in requests if sh.object_level(r)] == []
    assert [r for r in requests if sh.is_write(r)] == []
    assert run.report['counts'].get('objects_copied', 0) == 0
    assert run.report['counts'].get('objects_posted', 0) == 0


def test_changes_on_origin_are_mirrored(synced, origin, destination):
    o, d, accounts = synced['o'], synced['d'], synced['accounts']
    # content overwrite, metadata-only and content-type-only POSTs
    o.put_object('AUTH_test', 'plain', 'a b', b'new content')
    o.post_object('AUTH_test', 'plain', 'meta', {
        'X-Object-Meta-Pct': 'changed', 'X-Object-Meta-New': 'yes'})
    o.post_object('AUTH_test', 'plain', '%', {'Content-Type': 'image/png',
                                              'X-Object-Meta-Name': '%'})
    # deletions of an object and of a whole container, a new object
    o.req('DELETE', 'AUTH_test', 'plain', 'what?', ok=(204,))
    for i in range(3):
        o.req('DELETE', 'AUTH_test', 'doomed', 'd%d' % i, ok=(204,))
    o.req('DELETE', 'AUTH_test', 'doomed', ok=(204,))
    o.put_object('AUTH_test', 'big', 'zz-new', b'new')
    # account and container metadata: change, add, remove
    o.req('POST', 'AUTH_test', headers={
        'X-Account-Meta-Color': 'red', 'X-Remove-Account-Meta-Gone': 'x',
        'X-Account-Meta-Temp-URL-Key': 'secret-key-2'}, ok=(204,))
    o.req('POST', 'AUTH_test', 'plain', headers={
        'X-Remove-Container-Meta-Owner': 'x', 'X-Container-Meta-New': 'n',
        'X-Remove-Container-Read': 'x'}, ok=(204,))
    sh.settle()
    run = sh.run_swsync(synced['config'], synced['tmp'])
    assert run.rc == 0, run
    counts = run.report['counts']
    assert counts['objects_copied'] == 2   # 'a b' and 'zz-new'
    assert counts['objects_posted'] == 2   # 'meta' and '%'
    assert counts['objects_deleted'] == 1 + 3
    assert counts['containers_deleted'] == 1
    assert diff(snapshot(o, accounts), snapshot(d, accounts)) == []
    assert d.req('HEAD', 'AUTH_test', 'doomed').status_code == 404
    # and then it is quiet again
    marks = origin.access_log_size(), destination.access_log_size()
    sh.settle()
    run = sh.run_swsync(synced['config'], synced['tmp'])
    assert run.rc == 0, run
    requests = (sh.wait_for_log(origin, marks[0]) +
                sh.wait_for_log(destination, marks[1], pause=0))
    assert [r for r in requests if sh.object_level(r) or sh.is_write(r)
            ] == []


def test_dry_run_writes_nothing_and_prints_the_plan(synced, origin,
                                                    destination):
    o = synced['o']
    o.put_object('AUTH_test2', 'only', 'planned', b'p')
    sh.settle()
    mark = destination.access_log_size()
    run = sh.run_swsync(synced['config'], synced['tmp'], '--dry-run')
    assert run.rc == 0, run
    plan = [line for line in run.stdout.splitlines() if line.strip()]
    assert '"object": "planned"' in plan[0] and '"action": "copy"' in plan[0]
    assert len(plan) == 1
    assert [r for r in sh.wait_for_log(destination, mark)
            if sh.is_write(r)] == []


def test_failed_origin_listing_page_deletes_nothing(origin, destination,
                                                    tmp_path):
    """A 503 on one origin listing page must not look like deletions."""
    from tests.functional.faultproxy import FaultProxy
    o, d = Admin(origin), Admin(destination)
    account, container = 'AUTH_test3', unique('paged')
    o.put_container(account, container)
    names = ['o%04d' % i for i in range(origin.listing_limit * 3)]
    for name in names:
        o.put_object(account, container, name, b'x')
    config = sh.write_config(tmp_path / 'a.conf', origin, destination,
                             [account])
    sh.settle()
    assert sh.run_swsync(config, tmp_path).rc == 0
    # Objects of the last page vanish on the origin...
    gone = names[-20:]
    for name in gone:
        o.req('DELETE', account, container, name, ok=(204,))

    # ...and the origin fails the second listing page, every time.
    def second_page_fails(method, path, query):
        if (method == 'GET' and path.endswith('/' + container) and
                query.get('marker') == names[origin.listing_limit - 1]):
            return 503
        return None

    with FaultProxy(origin.proxy_port, second_page_fails) as proxy:
        faulty = sh.write_config(
            tmp_path / 'b.conf', origin, destination, [account],
            origin_storage_url=proxy.url + '/v1/AUTH_admin')
        run = sh.run_swsync(faulty, tmp_path)
        assert proxy.injected, 'the fault was never injected'
    assert run.rc == 1, run
    assert any('listing' in e['error'] for e in run.report['errors'])
    assert run.report['counts'].get('objects_deleted', 0) == 0
    remaining = {r['name'] for r in d.listing(account, container)}
    assert set(gone) <= remaining
    # Once the origin answers again, the next run deletes them.
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    assert run.report['counts']['objects_deleted'] == len(gone)
    assert {r['name'] for r in d.listing(account, container)} == set(
        names[:-20])


def test_suddenly_empty_origin_container_deletes_nothing(origin,
                                                         destination,
                                                         tmp_path):
    """At least delete_fraction_floor (20) objects: an origin listing that
    turns empty is suspect. (Smaller scopes rely on the origin HEAD of each
    object: see test_small_emptied_container_converges.)"""
    o, d = Admin(origin), Admin(destination)
    account, container = 'AUTH_test3', unique('emptied')
    o.put_container(account, container)
    for i in range(25):
        o.put_object(account, container, 'o%02d' % i, b'x')
    config = sh.write_config(tmp_path / 'a.conf', origin, destination,
                             [account])
    sh.settle()
    assert sh.run_swsync(config, tmp_path).rc == 0
    for i in range(25):
        o.req('DELETE', account, container, 'o%02d' % i, ok=(204,))
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 3, run
    assert len(d.listing(account, container)) == 25
    run = sh.run_swsync(config, tmp_path, '--config-file',
                        _override(tmp_path, 'allow_mass_delete = true'))
    assert run.rc == 0, run
    assert d.listing(account, container) == []


def test_small_emptied_container_converges(origin, destination, tmp_path):
    """The last objects of a small container deleted on the origin are
    deleted on the destination (each one confirmed by an origin HEAD)."""
    o, d = Admin(origin), Admin(destination)
    account, container = 'AUTH_test3', unique('small')
    o.put_container(account, container)
    for i in range(3):
        o.put_object(account, container, 'o%d' % i, b'x')
    config = sh.write_config(tmp_path / 'a.conf', origin, destination,
                             [account])
    sh.settle()
    assert sh.run_swsync(config, tmp_path).rc == 0
    for i in range(3):
        o.req('DELETE', account, container, 'o%d' % i, ok=(204,))
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    assert run.report['counts']['objects_deleted'] == 3
    assert d.listing(account, container) == []


def _override(tmp_path, line):
    path = tmp_path / 'override.conf'
    path.write_text('[sync]\n%s\n' % line)
    path.chmod(0o600)
    return str(path)


def test_deletion_limit_stops_deletes_with_exit_3(origin, destination,
                                                  tmp_path):
    o, d = Admin(origin), Admin(destination)
    account, container = 'AUTH_test3', unique('limit')
    o.put_container(account, container)
    for i in range(30):
        o.put_object(account, container, 'o%02d' % i, b'x')
    config = sh.write_config(tmp_path / 'a.conf', origin, destination,
                             [account], max_deletes=5)
    sh.settle()
    assert sh.run_swsync(config, tmp_path).rc == 0
    for i in range(10):
        o.req('DELETE', account, container, 'o%02d' % i, ok=(204,))
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 3, run
    assert 'max_deletes' in run.report['deletes_withheld'][0]['reason']
    assert len(d.listing(account, container)) == 30
