"""One run at a time per pair of clusters (cron overlap protection)."""
import fcntl
import hashlib
import os
import tempfile

from swsync.errors import ConfigError


def default_path(origin_id, dest_id):
    digest = hashlib.sha256(('%s\n%s' % (origin_id, dest_id)).encode())
    return os.path.join(tempfile.gettempdir(),
                        'swsync-%s.lock' % digest.hexdigest()[:16])


class RunLock:
    """An exclusive, non-blocking flock held until the process ends.

    The kernel drops the lock when the process dies, so a crashed run
    never leaves a stale lock behind.
    """

    def __init__(self, path):
        self.path = path
        self._file = None

    def acquire(self):
        try:
            handle = open(self.path, 'a+')
        except OSError as exc:
            raise ConfigError('cannot open lock file %s: %s' % (
                self.path, exc.strerror))
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or 'another process'
            handle.close()
            raise ConfigError('another swsync run (pid %s) holds %s: '
                              'refusing to start' % (holder, self.path))
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle
        return self

    def release(self):
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
