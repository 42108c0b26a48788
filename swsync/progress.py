"""What a long run shows while it works: a live line on a terminal, a
stats line in the log otherwise. Shared by swsync and swfiller.

On a terminal one line is redrawn (tqdm): objects examined of the total
that the account listings announce, accounts and containers done,
objects and bytes copied with the current rate, errors, and an ETA once a
total is known. Elsewhere (cron, systemd, a pipe) a line is logged every
``stats_interval`` seconds, like Swift's daemons' periodic report().
"""
import logging
import os
import sys
import time

from tqdm import tqdm

LOG = logging.getLogger(__name__)


def human(nbytes):
    """1536 -> '1.5 KiB'."""
    for unit in ('B', 'KiB', 'MiB', 'GiB', 'TiB'):
        if nbytes < 1024 or unit == 'TiB':
            return ('%d %s' if unit == 'B' else '%.1f %s') % (nbytes, unit)
        nbytes /= 1024.0


class Line:
    """One redrawn terminal line (tqdm), or nothing when ``stream`` is not
    a terminal. ``update(done, total, text)`` sets the state. Percentage
    and ETA are shown only while a total is known and not exceeded (the
    account listings' counts lag behind recent writes)."""

    KNOWN_TOTAL = ('{desc}: {n_fmt}/{total_fmt} {unit} {percentage:3.0f}%'
                   '{postfix} [{elapsed}<{remaining}]')
    UNKNOWN_TOTAL = '{desc}: {n_fmt} {unit}{postfix} [{elapsed}]'

    def __init__(self, prefix, unit, stream=None, enabled=None):
        stream = stream or sys.stderr
        if enabled is None:
            enabled = stream.isatty()
        self.enabled = enabled
        # A terminal that reports no size (a pty opened by a script) would
        # get an empty line: give it a width.
        width = None
        if enabled:
            try:
                width = os.get_terminal_size(stream.fileno()).columns
            except (OSError, ValueError, AttributeError):
                width = 0
        self._bar = tqdm(total=None, desc=prefix, unit=unit,
                         file=stream, disable=not enabled,
                         dynamic_ncols=bool(width),
                         ncols=None if width else 120,
                         nrows=None if width else 24,
                         mininterval=0.2, leave=True,
                         bar_format=self.UNKNOWN_TOTAL)

    def update(self, done, total, text):
        if not self.enabled:
            return
        if total and total >= done:
            self._bar.total = total
            self._bar.bar_format = self.KNOWN_TOTAL
        else:
            self._bar.total = None
            self._bar.bar_format = self.UNKNOWN_TOTAL
        self._bar.n = done
        self._bar.set_postfix_str(text, refresh=False)
        self._bar.refresh()

    def close(self):
        self._bar.close()


class RunProgress:
    """The live line and the periodic stats line of one swsync run, both
    read from its Report (its counts and the totals the walk announced).
    """

    def __init__(self, report, stats_interval=60.0, stream=None,
                 terminal=None, quiet=False):
        self.report = report
        self.stats_interval = stats_interval
        self.quiet = quiet
        self.line = Line('swsync', 'objects', stream,
                         enabled=False if quiet else terminal)
        self._last_stats = time.monotonic()
        self._last_bytes = (time.monotonic(), 0)
        self.rate = 0.0

    def text(self):
        r, c = self.report, self.report.counts
        copied = (c['objects_copied'] + c['slos_copied'] +
                  c['symlinks_copied'])
        return ('%d/%s accounts, %d/%s containers | copied %d (%s, %s/s), '
                '%d posted, %d deleted | %d errors' % (
                    c['accounts'], r.totals.get('accounts', '?'),
                    c['containers'], r.totals.get('containers', '?'),
                    copied, human(r.bytes_copied), human(self.rate),
                    c['objects_posted'], c['objects_deleted'],
                    c['errors']))

    def tick(self):
        """Called often (every ~0.5 s): redraw; log stats when due."""
        now = time.monotonic()
        then, before = self._last_bytes
        if now - then >= 2.0:
            self.rate = (self.report.bytes_copied - before) / (now - then)
            self._last_bytes = (now, self.report.bytes_copied)
        self.line.update(self.report.counts['objects_examined'],
                         self.report.totals.get('objects'), self.text())
        if not self.line.enabled and not self.quiet and \
                now - self._last_stats >= self.stats_interval:
            self._last_stats = now
            LOG.info('stats: %s', self.stats_line())

    def stats_line(self):
        total = self.report.totals.get('objects')
        return '%d%s objects examined, %s' % (
            self.report.counts['objects_examined'],
            '/%d' % total if total else '', self.text())

    def close(self):
        self.tick()
        self.line.close()
