"""Fitting an operator's hands: container scope, per-run command-line
overrides, rate limits. Against real clusters."""
import time
import uuid

from tests.functional import sync_helpers as sh
from tests.functional.swiftapi import Admin


def account_with(origin, prefix, containers, objects=2, size=10):
    o = Admin(origin)
    account = 'AUTH_%s%s' % (prefix, uuid.uuid4().hex[:8])
    for c in containers:
        o.put_container(account, c)
        for i in range(objects):
            o.put_object(account, c, 'o%d' % i, b'x' * size)
    return account


def test_excluded_containers_are_not_listed_written_or_deleted(
        origin, destination, tmp_path):
    account = account_with(origin, 'sc', ['photos', 'tmp-1',
                                          'movie_segments', 'logs'])
    d = Admin(destination)
    d.put_container(account, 'tmp-old')
    d.put_object(account, 'tmp-old', 'keep', b'dest only')
    config = sh.write_config(
        tmp_path / 'scope.conf', origin, destination, [account],
        exclude_containers='tmp*,*_segments',
        include_containers='photos,logs,tmp*,movie_segments')
    mark = origin.access_log_size()
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    assert sorted(c['name'] for c in d.listing(account)) == [
        'logs', 'photos', 'tmp-old']
    assert [r['name'] for r in d.listing(account, 'tmp-old')] == ['keep']
    listed = {r['path'].split('?')[0].rsplit('/', 1)[-1]
              for r in sh.wait_for_log(origin, mark)
              if r['method'] == 'GET' and r['path'].count('/') == 4}
    assert listed & {'tmp-1', 'movie_segments'} == set()
    assert run.report['counts']['containers_out_of_scope'] == 2


def test_command_line_overrides_for_one_run(origin, destination, tmp_path):
    wanted = account_with(origin, 'cw', ['c'], objects=3)
    other = account_with(origin, 'co', ['c'])
    config = sh.write_config(tmp_path / 'o.conf', origin, destination,
                             [other])
    run = sh.run_swsync(config, tmp_path, '--accounts', wanted,
                        '--object-workers', '1')
    assert run.rc == 0, run
    d = Admin(destination)
    assert len(d.listing(wanted, 'c')) == 3
    assert d.listing(other, 'c') is None
    for i in range(3):
        Admin(origin).req('DELETE', wanted, 'c', 'o%d' % i, ok=(204,))
    sh.settle()
    run = sh.run_swsync(config, tmp_path, '--accounts', wanted,
                        '--max-deletes', '2')
    assert run.rc == 3, run
    assert 'max_deletes' in run.report['deletes_withheld'][0]['reason']
    run = sh.run_swsync(config, tmp_path, '--accounts', wanted,
                        '--max-deletes', 'many')
    assert run.rc == 2 and len(run.stderr.strip().splitlines()) == 1


def test_byte_rate_limit_holds(origin, destination, tmp_path):
    """6 MiB through a 2 MiB/s limit: the first 2 MiB may pass at once
    (one second of burst), the other 4 MiB take at least 2 s, where the
    clusters alone copy it in a fraction of that. (The bound was 2.5 s,
    counting on half a second of start-up: a CI run started faster.)"""
    account = account_with(origin, 'rl', ['c'], objects=6, size=1024 * 1024)
    config = sh.write_config(tmp_path / 'r.conf', origin, destination,
                             [account])
    with open(config) as f:
        text = f.read().replace('[destination]',
                                'max_bytes_per_second = 2097152\n\n'
                                '[destination]', 1)
    with open(config, 'w') as f:
        f.write(text)
    started = time.time()
    run = sh.run_swsync(config, tmp_path)
    elapsed = time.time() - started
    assert run.rc == 0, run
    assert run.report['bytes_copied'] == 6 * 1024 * 1024
    assert elapsed >= 2.0, elapsed
