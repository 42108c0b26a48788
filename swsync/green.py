"""The concurrency swsync needs, behind one small interface.

swsync is I/O-bound and uses eventlet green threads. Everything the walk,
the actions and the engine need from eventlet is here (bounded pools, a
group of tasks to wait for, a lock, sleep, a timer), so that a threads
backend could replace eventlet later without touching them. Monkey
patching happens once, in ``swsync.cmd``.
"""
import eventlet
import eventlet.event
import eventlet.semaphore
from eventlet.support import greenlets


def sleep(seconds):
    eventlet.sleep(seconds)


# What waiting on a task that was stopped with ``.kill()`` raises.
Killed = greenlets.GreenletExit


def spawn(fn, *args):
    """A background task; ``.wait()`` returns its result, ``.kill()``
    stops it."""
    return eventlet.spawn(fn, *args)


class Started:
    """``fn(*args)`` running in a green thread of its own while the caller
    goes on; ``result()`` waits for it and returns its value or raises
    its exception in the caller (an exception left to end a green thread
    is also printed by eventlet's hub, as a traceback). ``kill()`` stops
    it: ``result()`` then raises ``Killed``."""

    def __init__(self, fn, *args):
        self._thread = eventlet.spawn(self._run, fn, args)

    @staticmethod
    def _run(fn, args):
        try:
            return True, fn(*args)
        except Exception as exc:
            return False, exc

    def result(self):
        done, value = self._thread.wait()
        if done:
            return value
        raise value

    def kill(self):
        self._thread.kill()


def call_after(seconds, fn, *args):
    """Run ``fn`` once after ``seconds``; ``.cancel()`` prevents it."""
    return eventlet.spawn_after(seconds, fn, *args)


Lock = eventlet.semaphore.Semaphore


class Pool:
    """At most ``size`` tasks at once; spawning waits while it is full,
    which paces a listing walk to the transfers it feeds."""

    def __init__(self, size):
        self._pool = eventlet.GreenPool(size)

    def spawn(self, fn, *args):
        return self._pool.spawn(fn, *args)

    def kill_all(self):
        """Stop every running task (the shutdown timeout expired)."""
        for thread in list(self._pool.coroutines_running):
            thread.kill()

    @property
    def running(self):
        return self._pool.running()


class TaskGroup:
    """Tasks spawned into a shared pool that one caller waits for."""

    def __init__(self, pool):
        self.pool = pool
        self.pending = 0
        self._idle = None

    def spawn(self, fn, *args):
        self.pending += 1
        self.pool.spawn(fn, *args).link(self._done)

    def _done(self, _thread):
        self.pending -= 1
        if self.pending == 0 and self._idle is not None:
            self._idle.send()

    def wait(self):
        while self.pending:
            self._idle = eventlet.event.Event()
            self._idle.wait()
        self._idle = None
