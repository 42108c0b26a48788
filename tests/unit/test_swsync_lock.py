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
