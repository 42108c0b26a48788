"""One run at a time per pair of clusters (cron overlap protection).

The lock is fasteners' inter-process lock (the one oslo.concurrency
uses): a POSIX record lock on a file, dropped when the process dies, so a
crashed run never leaves a stale lock behind. The holder writes its pid
into the file so that a refused run can name it. The holder must never
open and close the lock file by another descriptor: that releases a
POSIX lock.
"""
import hashlib
import os

import fasteners

from swsync.client.errors import ConfigError


SYSTEM_STATE_DIR = '/var/lib/swsync'


def default_state_dir():
    """/var/lib/swsync when it exists and is writable (a system install,
    the systemd units' StateDirectory), else the user's XDG state
    directory."""
    if os.path.isdir(SYSTEM_STATE_DIR) and os.access(SYSTEM_STATE_DIR,
                                                     os.W_OK | os.X_OK):
        return SYSTEM_STATE_DIR
    base = os.environ.get('XDG_STATE_HOME') or os.path.join(
        os.path.expanduser('~'), '.local', 'state')
    return os.path.join(base, 'swsync')


def default_path(origin_id, dest_id, state_dir=None):
    """The lock of one pair of clusters: always the same file for the
    same pair, so lock files do not pile up."""
    digest = hashlib.sha256(('%s\n%s' % (origin_id, dest_id)).encode())
    return os.path.join(state_dir or default_state_dir(),
                        'swsync-%s.lock' % digest.hexdigest()[:16])


class RunLock:
    """Held from ``acquire()`` until ``release()`` or the process ends.

    The object must be kept alive for the whole run: the lock lives as
    long as its open file.
    """

    def __init__(self, path):
        self.path = path
        self._lock = fasteners.InterProcessLock(path)

    def acquire(self):
        try:
            acquired = self._lock.acquire(blocking=False)
        except OSError as exc:
            raise ConfigError('cannot open lock file %s: %s' % (
                self.path, exc.strerror or exc))
        if not acquired:
            raise ConfigError('another swsync run (pid %s) holds %s: '
                              'refusing to start' % (self._holder(),
                                                     self.path))
        # Through the lock's own file: the lock is a POSIX record lock,
        # which closing *any* descriptor of the file would release.
        handle = self._lock.lockfile
        try:
            os.ftruncate(handle.fileno(), 0)
            os.write(handle.fileno(), b'%d\n' % os.getpid())
        except OSError:
            pass        # the lock is held; the pid is only a courtesy
        return self

    def _holder(self):
        # Only called by a process that does not hold the lock.
        try:
            with open(self.path) as f:
                return f.read().strip() or 'unknown'
        except OSError:
            return 'unknown'

    def release(self):
        if self._lock.acquired:
            self._lock.release()
