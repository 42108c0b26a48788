"""The clusters the other tests rely on are real, separate and observable."""
import os
import socket
import subprocess
import time
import uuid

from tests.functional.faultproxy import FaultProxy
from tests.functional.swiftapi import Admin
from tests.functional.sync_helpers import object_level, run_swsync, \
    wait_for_log, write_config

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'bench')


def test_reseller_admin_reaches_other_accounts(origin):
    admin = Admin(origin)
    name = 'harness-%s' % uuid.uuid4().hex[:8]
    admin.put_container('AUTH_test2', name)
    admin.put_object('AUTH_test2', name, 'hello', b'world')
    assert [c['name'] for c in admin.listing('AUTH_test2')].count(name) == 1
    _headers, body = admin.get_object('AUTH_test2', name, 'hello')
    assert body == b'world'
    # The account's own user sees what the reseller admin wrote.
    user = Admin(origin, 'test2')
    assert user.listing('AUTH_test2', name)[0]['name'] == 'hello'


def test_ordinary_user_cannot_reach_other_accounts(origin):
    user = Admin(origin, 'test3')
    r = user.req('GET', 'AUTH_test2')
    assert r.status_code == 403


def test_clusters_are_independent(origin, destination):
    o, d = Admin(origin), Admin(destination)
    name = 'indep-%s' % uuid.uuid4().hex[:8]
    o.put_container('AUTH_test', name)
    o.put_object('AUTH_test', name, 'x', b'1')
    assert d.listing('AUTH_test', name) is None
    assert o.listing('AUTH_test', name)[0]['name'] == 'x'


def test_paging_beyond_listing_limit(origin):
    admin = Admin(origin)
    name = 'paging-%s' % uuid.uuid4().hex[:8]
    admin.put_container('AUTH_test3', name)
    for i in range(origin.listing_limit + 7):
        admin.put_object('AUTH_test3', name, 'o%04d' % i, b'')
    first = admin.req('GET', 'AUTH_test3', name,
                      params={'format': 'json'}).json()
    assert len(first) == origin.listing_limit
    too_big = admin.req('GET', 'AUTH_test3', name, params={
        'format': 'json', 'limit': str(origin.listing_limit + 1)})
    assert too_big.status_code == 412
    rows = admin.listing('AUTH_test3', name)
    assert [r['name'] for r in rows] == [
        'o%04d' % i for i in range(origin.listing_limit + 7)]


def test_access_log_counts_client_requests(origin):
    admin = Admin(origin)
    name = 'log-%s' % uuid.uuid4().hex[:8]
    admin.put_container('AUTH_test', name)
    time.sleep(0.2)
    mark = origin.access_log_size()
    for i in range(3):
        admin.put_object('AUTH_test', name, 'o%d' % i, b'x')
    admin.req('HEAD', 'AUTH_test', name, 'o1', ok=(200,))
    deadline = time.time() + 5
    while True:
        reqs = origin.requests_since(mark)
        if len(reqs) >= 4 or time.time() > deadline:
            break
        time.sleep(0.05)
    assert [(r['method'], r['status']) for r in reqs] == [
        ('PUT', '201')] * 3 + [('HEAD', '200')]
    assert all(name in r['path'] for r in reqs)


def test_container_updater_runs_once(origin):
    admin = Admin(origin)
    name = 'upd-%s' % uuid.uuid4().hex[:8]
    admin.put_container('AUTH_test3', name)
    admin.put_object('AUTH_test3', name, 'o', b'12345')
    origin.run_once('container-updater')
    row = [c for c in admin.listing('AUTH_test3') if c['name'] == name][0]
    assert (row['count'], row['bytes']) == (1, 5)


def test_fault_proxy_drops_a_request_whose_client_left_mid_body(origin):
    """A client that gives up while sending a body (swsync's own timeout)
    must not have the part forwarded: the real proxy would wait a minute
    for the rest and log a 499 in whatever run is on by then (fuzz seed
    7128 blamed a quiet rerun for one)."""
    admin = Admin(origin)
    name = 'half-%s' % uuid.uuid4().hex[:8]
    admin.put_container('AUTH_test', name)
    token = admin.token
    with FaultProxy(origin.proxy_port) as fp:
        with socket.create_connection(('127.0.0.1', fp.port)) as sock:
            sock.sendall(('PUT /v1/AUTH_test/%s/half HTTP/1.1\r\n'
                          'Host: x\r\nX-Auth-Token: %s\r\n'
                          'Content-Length: 1000\r\n\r\n' % (name, token)
                          ).encode() + b'x' * 10)
        time.sleep(1)
        with socket.create_connection(('127.0.0.1', fp.port)) as sock:
            sock.sendall(('PUT /v1/AUTH_test/%s/whole HTTP/1.1\r\n'
                          'Host: x\r\nX-Auth-Token: %s\r\n'
                          'Content-Length: 10\r\nConnection: close\r\n'
                          '\r\n' % (name, token)).encode() + b'x' * 10)
            answer = sock.recv(100)
        assert answer.startswith(b'HTTP/1.1 201'), answer
        assert fp.forwarded == [('PUT', '/v1/AUTH_test/%s/whole' % name)]


def test_fault_proxy_passes_a_heads_content_length(origin):
    """Through the proxy, a HEAD tells the object's size as the real
    proxy does (fuzz seed 7766: it said 0, so swsync took every object
    it refreshed in a fault run as changed and copied it again)."""
    admin = Admin(origin)
    name = 'head-%s' % uuid.uuid4().hex[:8]
    admin.put_container('AUTH_test', name)
    admin.put_object('AUTH_test', name, 'o', b'x' * 125)
    with FaultProxy(origin.proxy_port, lambda *a: None) as proxy:
        via = Admin.from_token(admin.token, proxy.url + '/v1')
        head = via.req('HEAD', 'AUTH_test', name, 'o')
        get = via.req('GET', 'AUTH_test', name, 'o')
    assert head.status_code == 200
    assert head.headers['Content-Length'] == '125'
    assert get.content == b'x' * 125


def test_bench_listing_rows_stand_in_for_objects(origin, destination,
                                                 tmp_path):
    """bench/container_rows.py (the nightly bench's large containers):
    the rows it writes are listed by the real proxies, past the listing
    limit, and the same rows on both sides are a container swsync finds
    in sync by its listing, without a single object request."""
    account = 'AUTH_rows%s' % uuid.uuid4().hex[:6]
    count = origin.listing_limit * 2 + 3
    stamp = time.time() - 60
    for cluster in (origin, destination):
        Admin(cluster).put_container(account, 'big')
        out = subprocess.run(
            [cluster.python, os.path.join(BENCH, 'container_rows.py'),
             cluster.dir, account, 'big', str(count), repr(stamp)],
            capture_output=True, text=True, timeout=120)
        assert (out.returncode, out.stdout.strip()) == (0, str(count)), \
            out.stderr[-2000:]
    rows = Admin(origin).listing(account, 'big')
    assert [r['name'] for r in rows] == [
        'o%07d' % i for i in range(count)]
    assert rows == Admin(destination).listing(account, 'big')
    assert {(r['bytes'], r['hash']) for r in rows} == {
        (0, 'd41d8cd98f00b204e9800998ecf8427e')}
    config = write_config(tmp_path / 'rows.conf', origin, destination,
                          [account])
    marks = [c.access_log_size() for c in (origin, destination)]
    run = run_swsync(config, tmp_path)
    assert run.rc == 0, run
    assert run.report['counts']['objects_unchanged'] == count
    for cluster, mark in zip((origin, destination), marks):
        assert not [r for r in wait_for_log(cluster, mark)
                    if object_level(r)]
