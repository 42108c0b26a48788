"""N shard processes against the same two real clusters end where one
run does, with no object written twice (README, "Large clusters")."""
import collections
import json
import urllib.parse
import uuid

import pytest

from tests.functional import sync_helpers as sh
from tests.functional.swiftapi import Admin, diff, snapshot


def put_slo(admin, account, container, name, segments):
    admin.req('PUT', account, container, name, data=json.dumps(segments),
              params={'multipart-manifest': 'put'}, ok=(201,))


def fill(o, main, other):
    import hashlib
    o.put_container(main, 'big')
    for i in range(60):
        o.put_object(main, 'big', 'b%03d' % i, b'big %d' % i)
    for c in range(4):
        o.put_container(main, 'c%d' % c)
        for i in range(5):
            o.put_object(main, 'c%d' % c, 'o%d' % i, b'%d-%d' % (c, i))
    o.put_container(main, 'segs')
    data = b's' * 2000
    o.put_object(main, 'segs', 'seg', data)
    o.put_container(main, 'manifests')
    put_slo(o, main, 'manifests', 'slo', [
        {'path': '/segs/seg', 'etag': hashlib.md5(data).hexdigest(),
         'size_bytes': 2000}])
    o.put_container(other, 'shared')
    o.put_object(other, 'shared', 'doc', b'shared')
    o.put_object(main, 'c0', 'link', b'', headers={
        'X-Symlink-Target': 'shared/doc', 'X-Symlink-Target-Account': other,
        'X-Symlink-Target-Etag': hashlib.md5(b'shared').hexdigest()})


def run_shards(cfg, tmp_path, count, run_id):
    """Start ``count`` shard processes at once; wait for them all."""
    started = [sh.start_swsync(cfg, tmp_path, '--shard',
                               '%d/%d' % (i, count), '--run-id', run_id)
               for i in range(count)]
    runs = [s.wait(timeout=300) for s in started]
    if count > 1:   # each report says which shard of which run it is
        assert [r.report and r.report['shard'] for r in runs] == [
            {'index': i, 'count': count, 'run_id': run_id}
            for i in range(count)], runs
    return runs


def writes(destination, mark):
    """Successful writes per path (a PUT refused with 409 because a link's
    target is not there yet writes nothing)."""
    counts = collections.Counter()
    for rec in sh.wait_for_log(destination, mark):
        if sh.is_write(rec) and rec['status'].startswith('2'):
            path = urllib.parse.unquote(rec['path']).split('?', 1)[0]
            if 'swsync_state' not in path:
                counts[(rec['method'], path)] += 1
    return counts


def assert_written_once(done, runs):
    """Each object written once by all shards together. A second
    successful write is allowed only after a logged retry: on a loaded
    machine a PUT (an SLO manifest, whose segments the proxy HEADs) can
    outlast the client timeout and land anyway, and its retry then writes
    the same bytes again (seen once in CI with 4 shards). The retry
    warning names the request, so the retry must be of that very write."""
    assert done
    retried = [urllib.parse.unquote(line) for run in runs
               for line in run.stderr.splitlines() if ': retry ' in line]
    unexplained = {
        (method, path): n for (method, path), n in done.items()
        if n > 1 and not any('%s %s -> ' % (
            method, urllib.parse.unquote(path)) in line for line in retried)}
    assert not unexplained, (unexplained, [r.stderr[-1500:] for r in runs])


@pytest.mark.parametrize('count', [1, 2, 4])
def test_shards_end_where_one_run_does(origin, destination, tmp_path,
                                       count):
    o, d = Admin(origin), Admin(destination)
    tag = uuid.uuid4().hex[:6]
    main, other = 'AUTH_sh%s' % tag, 'AUTH_so%s' % tag
    fill(o, main, other)
    origin.run_once('container-updater')
    cfg = sh.write_config(tmp_path / 's.conf', origin, destination,
                          [main, other], split_threshold=40, split_size=15,
                          shard_wait=30)
    sh.settle()
    mark = destination.access_log_size()
    runs = run_shards(cfg, tmp_path, count, 'first-' + tag)
    assert [r.rc for r in runs] == [0] * count, runs
    assert_written_once(writes(destination, mark), runs)
    assert diff(snapshot(o, [main, other]), snapshot(d, [main, other])) \
        == []
    # changes everywhere, deletions in the big container
    for i in range(0, 60, 7):
        o.put_object(main, 'big', 'b%03d' % i, b'changed %d' % i)
    for i in (1, 30, 59):
        o.req('DELETE', main, 'big', 'b%03d' % i, ok=(204,))
    o.post_object(main, 'c3', 'o1', {'X-Object-Meta-New': 'yes'})
    sh.settle()
    mark = destination.access_log_size()
    runs = run_shards(cfg, tmp_path, count, 'second-' + tag)
    assert [r.rc for r in runs] == [0] * count, runs
    assert_written_once(writes(destination, mark), runs)
    assert diff(snapshot(o, [main, other]), snapshot(d, [main, other])) \
        == []
    if count > 1:
        # the big container was walked in name ranges by several shards
        listed = [urllib.parse.unquote(r['path'])
                  for r in sh.wait_for_log(origin, 0)]
        assert [p for p in listed
                if '%s/big?' % main in p and 'end_marker=' in p]
