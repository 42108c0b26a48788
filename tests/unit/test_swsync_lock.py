"""The run lock: held for the whole run, the holder named when refused."""
import os
import subprocess
import sys
import textwrap

import pytest

from swsync.client.errors import ConfigError
from swsync.lock import RunLock

HOLD = textwrap.dedent('''
    import sys, time
    from swsync.lock import RunLock
    lock = RunLock(sys.argv[1]).acquire()
    print('held', flush=True)
    sys.stdin.read()
''')


def test_a_second_process_is_refused_and_told_the_holder(tmp_path):
    path = str(tmp_path / 'run.lock')
    holder = subprocess.Popen([sys.executable, '-c', HOLD, path],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == 'held'
        with pytest.raises(ConfigError) as exc:
            RunLock(path).acquire()
        assert 'pid %d' % holder.pid in str(exc.value)
        # refusing (which read the pid file) did not release it
        with pytest.raises(ConfigError):
            RunLock(path).acquire()
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
    RunLock(path).acquire().release()


def test_released_when_the_holder_dies(tmp_path):
    path = str(tmp_path / 'run.lock')
    subprocess.run([sys.executable, '-c', HOLD, path], input='',
                   text=True, capture_output=True, check=True)
    lock = RunLock(path).acquire()
    with open(path) as f:
        assert f.read().strip() == str(os.getpid())
    lock.release()


def test_unwritable_lock_file_is_a_config_error(tmp_path):
    (tmp_path / 'a-file').write_text('')
    with pytest.raises(ConfigError) as exc:
        RunLock(str(tmp_path / 'a-file' / 'x.lock')).acquire()
    assert 'lock file' in str(exc.value)


def test_default_lock_is_one_file_per_pair_in_the_state_dir(
        tmp_path, monkeypatch):
    from swsync import lock
    monkeypatch.setattr(lock, 'SYSTEM_STATE_DIR', str(tmp_path / 'none'))
    monkeypatch.setenv('XDG_STATE_HOME', str(tmp_path / 'state'))
    a = lock.default_path(('http://o', None), ('http://d', None))
    assert a == lock.default_path(('http://o', None), ('http://d', None))
    assert a.startswith(str(tmp_path / 'state' / 'swsync') + os.sep)
    assert a != lock.default_path(('http://o', None), ('http://e', None))
    system = tmp_path / 'system'
    system.mkdir()
    monkeypatch.setattr(lock, 'SYSTEM_STATE_DIR', str(system))
    assert lock.default_path(('o',), ('d',)).startswith(str(system))
    assert lock.default_path(('o',), ('d',), str(tmp_path / 'x')).startswith(
        str(tmp_path / 'x'))
    RunLock(a).acquire().release()          # its directory is created


HOLD_RUN = textwrap.dedent('''
    import sys
    from swsync.lock import RunLocks
    from swsync.shards import Shard
    index, count = map(int, sys.argv[2].split('/'))
    locks = RunLocks(sys.argv[1], Shard(index, count)).acquire()
    print('held', flush=True)
    sys.stdin.read()
''')


class Holder:
    """A real process holding a run's locks (``I/N``) until closed."""

    def __init__(self, path, shard):
        self.proc = subprocess.Popen(
            [sys.executable, '-c', HOLD_RUN, path, shard],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == 'held'

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def _refused(path, index, count):
    from swsync.lock import RunLocks
    from swsync.shards import Shard
    with pytest.raises(ConfigError) as exc:
        RunLocks(path, Shard(index, count)).acquire()
    return str(exc.value)


def test_shards_share_a_host_but_not_with_an_unsharded_run(tmp_path):
    """Red-team finding: an unsharded run, and shards of another run,
    started while shards worked on the same clusters (each shard had a
    lock of its own); and shards could not share one lock_file."""
    from swsync.lock import RunLocks
    from swsync.shards import Shard
    path = str(tmp_path / 'pair.lock')
    shards = [Holder(path, '0/2'), Holder(path, '1/2')]
    try:
        assert 'the shards of a sharded run' in _refused(path, 0, 1)
        # the same shard index again, of this run or of another count
        assert 'pid %d' % shards[0].proc.pid in _refused(path, 0, 2)
        assert 'pid %d' % shards[1].proc.pid in _refused(path, 1, 3)
    finally:
        for holder in shards:
            holder.close()
    single = Holder(path, '0/1')
    try:
        assert 'pid %d' % single.proc.pid in _refused(path, 1, 2)
        assert 'pid %d' % single.proc.pid in _refused(path, 0, 1)
    finally:
        single.close()
    RunLocks(path, Shard(0, 1)).acquire().release()
    RunLocks(path, Shard(1, 2)).acquire().release()


def test_an_operators_lock_file_in_a_missing_directory_is_refused(
        tmp_path):
    """Red-team finding: lock_file = /nonexistent/dir/lock created the
    directories and ran. Refused before any connection (the clusters
    here do not exist)."""
    conf = tmp_path / 'swsync.conf'
    conf.write_text(textwrap.dedent('''
        [origin]
        auth_url = http://127.0.0.1:9/auth/v1.0
        username = a:b
        password = x
        [destination]
        auth_url = http://127.0.0.2:9/auth/v1.0
        username = a:b
        password = x
        [sync]
        accounts = AUTH_a
        lock_file = %s
    ''' % (tmp_path / 'typo' / 'run.lock')))
    conf.chmod(0o600)
    proc = subprocess.run([sys.executable, '-m', 'swsync.cli',
                           '--config-file', str(conf)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc
    assert proc.stderr.strip().splitlines() == [
        'swsync: error: lock_file %s: directory %s does not exist' % (
            tmp_path / 'typo' / 'run.lock', tmp_path / 'typo')], proc
    assert not (tmp_path / 'typo').exists()
