"""Counters of one run, a progress line for terminals, the summary."""
import sys
import threading
import time


class Progress:
    """Objects and bytes done; redraws one stderr line when it is a tty
    (a log file or a pipe gets no carriage returns)."""

    def __init__(self, verb, total, stream=None, interval=0.2):
        self.verb = verb
        self.total = total
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty()
        self.interval = interval
        self.done = 0
        self.bytes = 0
        self.failed = 0
        self.started = time.monotonic()
        self._shown = 0.0
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

    def _draw(self, final=False):
        if not self.interactive:
            return
        now = time.monotonic()
        if not final and now - self._shown < self.interval:
            return
        self._shown = now
        self.stream.write('\rswfiller: %s %d/%d objects, %s, %.1f objects/s'
                          '%s\x1b[K' % (self.verb, self.done, self.total,
                                        human(self.bytes), self.rate(),
                                        ', %d failed' % self.failed
                                        if self.failed else ''))
        self.stream.flush()

    def finish(self):
        if self.interactive:
            self._draw(final=True)
            self.stream.write('\n')
            self.stream.flush()


def human(nbytes):
    for unit in ('B', 'KiB', 'MiB', 'GiB'):
        if nbytes < 1024 or unit == 'GiB':
            return ('%d %s' if unit == 'B' else '%.1f %s') % (nbytes, unit)
        nbytes /= 1024.0
