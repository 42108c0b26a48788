"""Counters of one swfiller run and its progress line (the terminal line
is swsync's, drawn by tqdm: one maintained implementation for both
commands)."""
import sys
import threading
import time

from swsync.progress import Line, human

__all__ = ['Progress', 'human']


class Progress:
    """Objects and bytes done; redraws one stderr line when it is a tty
    (a log file or a pipe gets no carriage returns)."""

    def __init__(self, verb, total, stream=None, interval=0.2):
        self.verb = verb
        self.total = total
        stream = stream or sys.stderr
        self.line = Line('swfiller: %s' % verb, 'objects', stream)
        self.done = 0
        self.bytes = 0
        self.failed = 0
        self.started = time.monotonic()
        self._lock = threading.Lock()

    def add(self, nbytes=0, failed=False):
        with self._lock:
            self.done += 1
            self.bytes += nbytes
            self.failed += failed
        self._draw()

    def elapsed(self):
        return max(time.monotonic() - self.started, 1e-6)

    def rate(self):
        return self.done / self.elapsed()

    def _draw(self):
        self.line.update(self.done, self.total, '%s, %.1f objects/s%s' % (
            human(self.bytes), self.rate(),
            ', %d failed' % self.failed if self.failed else ''))

    def finish(self):
        self._draw()
        self.line.close()
