"""Counters, errors, warnings and the exit code of one run; the JSON run
report and the summary line."""
import collections
import json
import logging
import os
import tempfile
import time

from swsync.outcomes import COPIED, UNSETTLED, Outcome

LOG = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED_ITEMS = 1
EXIT_CONFIG = 2
EXIT_DELETES_WITHHELD = 3
EXIT_TIME_LIMIT = 4


class Report:
    """What one run did, failed to do, withheld, and warned about.

    Green threads only switch on I/O, so plain counters are safe.
    ``interrupted_by`` is the signal number that stopped the run, if any.
    """

    def __init__(self, dry_run=False):
        self.dry_run = dry_run
        # {index, count, run_id} of a sharded run: the shard reports of
        # one run can be told apart and checked to agree on count and id
        self.shard = None
        self.started = time.time()
        self.finished = None
        self.counts = collections.Counter()
        self.bytes_copied = 0
        self.errors = []
        self.warnings = []
        self.withheld = []
        # objects whose destination state waits for the origin to change
        # on its own (an expiry, a listing behind a HEAD): count_at()
        self.unsettled_scopes = []
        self.interrupted_by = None
        self.stopped_by_time = False
        self.config_error = None    # why the run could not start
        # What the walk announced (accounts, containers, objects, bytes),
        # for progress and ETA.
        self.totals = collections.Counter()
        self.account_successes = {}
        self.listeners = []     # f(outcome name, n): statsd counters
        # What account discovery found and could not reach (JSON report
        # ``accounts``): the names worth an operator's look.
        self.accounts = {}

    @staticmethod
    def now():
        return time.time()

    def count(self, what, n=1):
        # An Outcome is a str: it is its own counter key (no conversion
        # on this path, which runs for every listed object).
        self.counts[what] += n
        if self.listeners:
            for listener in self.listeners:
                listener(str(what), n)

    def add_bytes(self, n):
        self.bytes_copied += n

    def expect(self, **totals):
        """The walk found more work: e.g. expect(objects=10, bytes=99)."""
        self.totals.update(totals)

    def unexpect(self, **totals):
        """Work announced that the walk will not do (a container skipped
        by its change mark): the progress line's totals shrink."""
        for key, n in totals.items():
            if key in self.totals:
                self.totals[key] = max(0, self.totals[key] - n)

    def problems_under(self, scope, since):
        """Errors or withheld deletions within ``scope`` among those
        recorded after ``since`` (a mark from ``mark()``)."""
        inside = (lambda s: s == scope or s.startswith(scope + '/'))
        return any(inside(e['scope']) for e in self.errors[since[0]:]) or \
            any(inside(w['scope']) for w in self.withheld[since[1]:])

    def mark(self):
        return (len(self.errors), len(self.withheld), len(self.warnings),
                len(self.unsettled_scopes))

    def count_at(self, scope, outcome):
        """Count one object's outcome; remember the scope when it leaves
        the object for the origin to settle by itself (UNSETTLED)."""
        self.count(outcome)
        if outcome in UNSETTLED:
            self.unsettled_scopes.append(scope)

    def walk_again_under(self, scope, since):
        """Must ``scope`` be walked again rather than trusted, for what
        was recorded after ``since``: an error, a withheld deletion, a
        warning (a link or manifest the origin does not serve yet), or
        an object the origin will settle without a write (UNSETTLED)."""
        inside = (lambda s: s == scope or s.startswith(scope + '/'))
        return self.problems_under(scope, since) or \
            any(inside(w['scope']) for w in self.warnings[since[2]:]) or \
            any(inside(s) for s in self.unsettled_scopes[since[3]:])

    def account_synced(self, account, since):
        """An account walked without error or withheld deletion."""
        if not self.problems_under(account, since):
            self.account_successes[account] = time.time()

    def error(self, scope, exc):
        """Record a failed item; the run goes on."""
        self.count(Outcome.ERRORS)
        self.errors.append({'scope': scope, 'error': str(exc)})
        LOG.error('%s: %s', scope, exc)

    def warn(self, scope, message):
        """Something the operator should know that is not a failure."""
        self.count(Outcome.WARNINGS)
        self.warnings.append({'scope': scope, 'warning': str(message)})
        LOG.warning('%s: %s', scope, message)

    def account_list(self, key, account):
        """Add an account name to the ``accounts`` section's list ``key``
        (e.g. ``origin_deleted``)."""
        names = self.accounts.setdefault(key, [])
        if account not in names:
            names.append(account)

    def withhold(self, scope, reason, count):
        """Record deletions that a safety rule stopped."""
        self.count(Outcome.DELETES_WITHHELD, count)
        self.withheld.append({'scope': scope, 'reason': reason,
                              'count': count})
        LOG.warning('%s: %d deletion(s) withheld: %s (approve with '
                    '--approve-deletes %s:%d)', scope, count, reason, scope,
                    count)

    @property
    def exit_code(self):
        if self.config_error:
            return EXIT_CONFIG
        if self.interrupted_by:
            return 128 + self.interrupted_by
        if self.errors:
            return EXIT_FAILED_ITEMS
        if self.stopped_by_time:
            return EXIT_TIME_LIMIT
        if self.withheld:
            return EXIT_DELETES_WITHHELD
        return EXIT_OK

    def finish(self):
        self.finished = time.time()

    def as_dict(self):
        end = self.finished or time.time()
        return {
            'started': self.started,
            'duration_seconds': round(end - self.started, 3),
            'dry_run': self.dry_run,
            'shard': self.shard,
            'interrupted': self.interrupted_by is not None,
            'config_error': self.config_error,
            'stopped_by_time_limit': self.stopped_by_time,
            'totals': dict(sorted(self.totals.items())),
            'accounts_synced': sorted(self.account_successes),
            'counts': dict(sorted(self.counts.items())),
            'bytes_copied': self.bytes_copied,
            'errors': self.errors,
            'warnings': self.warnings,
            'deletes_withheld': self.withheld,
            'accounts': self.accounts,
            'exit_code': self.exit_code,
        }

    def write(self, path):
        write_json(path, self.as_dict())

    def summary(self):
        c = self.counts
        end = self.finished or time.time()
        copied = sum(c[str(o)] for o in COPIED)
        # Metadata POSTs that made destination objects, containers and
        # accounts match the origin.
        posted = (c['objects_posted'] + c['containers_posted'] +
                  c['accounts_posted'])
        text = ('swsync%s: %d accounts, %s %d objects (%d bytes; %d SLO '
                'manifests, %d symlinks), %d metadata updated, %d deleted, '
                '%d containers created, %d containers deleted, '
                '%d unchanged, %d errors, %d warnings, '
                '%d deletions withheld in %.1fs' % (
                    ' (dry run)' if self.dry_run else '', c['accounts'],
                    'would copy' if self.dry_run else 'copied',
                    copied, self.bytes_copied, c['slos_copied'],
                    c['symlinks_copied'], posted, c['objects_deleted'],
                    c['containers_created'], c['containers_deleted'],
                    c['objects_unchanged'], c['errors'], c['warnings'],
                    c['deletes_withheld'], end - self.started))
        if self.interrupted_by:
            text += ' (interrupted)'
        elif self.stopped_by_time:
            text += ' (stopped at max_duration)'
        return text


def write_json(path, data):
    """Write a JSON file atomically (a temporary file renamed over it): a
    reader, such as monitoring, never sees half a file."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix='.swsync-report-', dir=directory)
    try:
        with os.fdopen(fd, 'w') as f:
            json.dump(data, f, indent=2, ensure_ascii=False)
            f.write('\n')
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
