"""One run at a time per pair of clusters (cron overlap protection).

The lock is fasteners' inter-process reader-writer lock (fasteners is
what oslo.concurrency uses): a POSIX record lock on a file, dropped when
the process dies, so a crashed run never leaves a stale lock behind.

An unsharded run holds the pair's lock file exclusively. The shards of a
sharded run may share a host: each holds the pair's file shared (so no
unsharded run starts while a shard works, and no shard while one runs)
and its own index's file (``<lock>.shard-<i>``) exclusively (so the same
shard does not run twice). Across hosts the scheduler keeps runs apart
(README, "Splitting a run over N processes").

The holder writes its pid into the file it holds exclusively so that a
refused run can name it. The holder must never open and close a lock
file by another descriptor: that releases a POSIX lock.
"""
import hashlib
import os
import threading

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
    """Held from ``acquire()`` until ``release()`` or the process ends;
    ``shared``: held alongside other shared holders (the shards of a run),
    never with an exclusive one.

    The object must be kept alive for the whole run: the lock lives as
    long as its open file.
    """

    def __init__(self, path, shared=False):
        self.path = path
        self.shared = shared
        self._lock = fasteners.InterProcessReaderWriterLock(path)
        self._held = False

    def acquire(self):
        try:
            if self.shared:
                acquired = self._lock.acquire_read_lock(blocking=False)
            else:
                acquired = self._lock.acquire_write_lock(blocking=False)
        except (OSError, threading.ThreadError) as exc:
            raise ConfigError('cannot open lock file %s: %s' % (
                self.path, getattr(exc, 'strerror', None) or exc))
        if not acquired:
            raise ConfigError('another swsync run (%s) holds %s: refusing '
                              'to start' % (self._holder(), self.path))
        self._held = True
        if self.shared:
            return self
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
        """Who holds it, as far as one can tell: the pid written by an
        exclusive holder if that process lives, else the shards of a
        sharded run (shared holders write nothing)."""
        # Only called by a process that does not hold this file.
        try:
            with open(self.path) as f:
                pid = int(f.read().strip() or 0)
        except (OSError, ValueError):
            pid = 0
        if pid and _alive(pid):
            return 'pid %d' % pid
        return 'the shards of a sharded run'

    def release(self):
        if not self._held:
            return
        self._held = False
        if self.shared:
            self._lock.release_read_lock()
        else:
            self._lock.release_write_lock()


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunLocks:
    """The locks of one run (see the module's docstring), held together
    until the process ends."""

    def __init__(self, pair_path, shard=None):
        sharded = shard is not None and shard.count > 1
        self.locks = [RunLock(pair_path, shared=sharded)]
        if sharded:
            self.locks.append(RunLock('%s.shard-%d' % (pair_path,
                                                       shard.index)))

    def acquire(self):
        held = []
        try:
            for lock in self.locks:
                held.append(lock.acquire())
        except ConfigError:
            for lock in held:
                lock.release()
            raise
        return self

    def release(self):
        for lock in reversed(self.locks):
            lock.release()
