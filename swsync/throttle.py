"""Rate limits per cluster: requests per second and bytes per second.

A migration often runs beside production traffic; ``max_requests_per_
second`` and ``max_bytes_per_second`` (per side) keep swsync under a
budget. A token bucket: it refills at the rate, holds at most one second
of it (a burst), and a green thread that takes more than is there sleeps
until the debt is paid. Waiting is a green sleep, so other green threads
run meanwhile; the bucket is shared by all of a side's green threads
(they switch only on I/O or sleep, so no lock is needed).

A small hand-written bucket rather than a library: the ones on PyPI
either block with thread locks and ``time.sleep`` (fine only because
eventlet patches them) or need a storage backend; this one is 30 lines
that sleep the eventlet way.
"""
import time
import weakref

from swsync import green

# Every Throttle of this process, for lift_all() (a signal during
# start-up, before the run's clients are known to the runner).
_ALL = weakref.WeakSet()


def lift_all():
    """Lift every rate limit of the process (see Throttle.lift)."""
    for throttle in list(_ALL):
        throttle.lift()


class TokenBucket:
    """``rate`` units per second; ``take(n)`` waits until n are spent."""

    SLICE = 1.0
    lifted = False

    def __init__(self, rate, clock=time.monotonic, sleep=green.sleep):
        self.rate = float(rate)
        self.capacity = self.rate          # one second of burst
        self.tokens = self.capacity
        self.clock = clock
        self.sleep = sleep
        self.stamp = clock()

    def take(self, n=1):
        """Spend ``n`` units (more than the capacity is allowed: it is a
        debt paid by waiting)."""
        now = self.clock()
        self.tokens = min(self.capacity,
                          self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        self.tokens -= n
        if self.tokens < 0:
            self._wait(now + -self.tokens / self.rate)

    def _wait(self, until):
        """Sleep until ``until`` in slices of at most a second, so that
        ``lifted`` ends the wait: a debt at a low rate (bytes of a big
        listing page at a few bytes per second) can be hours, longer than
        the shutdown_timeout a stopping run gives what is in flight."""
        while not self.lifted:
            left = until - self.clock()
            if left <= 0:
                return
            self.sleep(min(left, self.SLICE))


class Throttle:
    """A side's limits; either may be None (no limit)."""

    def __init__(self, requests_per_second=0, bytes_per_second=0):
        self.requests = TokenBucket(requests_per_second) \
            if requests_per_second else None
        self.bytes = TokenBucket(bytes_per_second) \
            if bytes_per_second else None
        _ALL.add(self)

    def lift(self):
        """No more waiting, now or later: a stopping run whose in-flight
        requests had their shutdown_timeout must restore lifted settings
        and write its report now, not when the rate allows."""
        for bucket in (self.requests, self.bytes):
            if bucket is not None:
                bucket.lifted = True

    def request(self):
        if self.requests is not None:
            self.requests.take(1)

    def transferred(self, nbytes):
        if self.bytes is not None and nbytes:
            self.bytes.take(nbytes)
