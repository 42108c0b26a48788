"""Counters, errors and the exit code of one run; the JSON run report."""
import collections
import json
import logging
import sys
import time

LOG = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED_ITEMS = 1
EXIT_CONFIG = 2
EXIT_DELETES_WITHHELD = 3


class Report:
    """What one run did, failed to do, and withheld.

    Green threads only switch on I/O, so plain counters are safe.
    """

    def __init__(self, plan_stream=None):
        self.started = time.time()
        self.finished = None
        self.counts = collections.Counter()
        self.bytes_copied = 0
        self.errors = []
        self.withheld = []
        self.warnings = []
        # What account discovery found and could not reach (JSON report
        # ``accounts``): counts and the names worth an operator's look.
        self.accounts = {}
        self.plan_stream = plan_stream

    def count(self, what, n=1):
        self.counts[what] += n

    def error(self, scope, exc):
        """Record a failed item; the run goes on."""
        self.counts['errors'] += 1
        self.errors.append({'scope': scope, 'error': str(exc)})
        LOG.error('%s: %s', scope, exc)

    def warn(self, scope, message):
        """Record something an operator should know that is not a failed
        item (the exit code does not change)."""
        self.counts['warnings'] += 1
        self.warnings.append({'scope': scope, 'warning': str(message)})
        LOG.warning('%s: %s', scope, message)

    def account_list(self, key, account):
        """Add an account name to the ``accounts`` section's list
        ``key`` (e.g. ``origin_deleted``)."""
        self.accounts.setdefault(key, [])
        if account not in self.accounts[key]:
            self.accounts[key].append(account)

    def withhold(self, scope, reason, count):
        """Record deletions that a safety limit stopped."""
        self.counts['deletes_withheld'] += count
        self.withheld.append({'scope': scope, 'reason': reason,
                              'count': count})
        LOG.warning('%s: %d deletion(s) withheld: %s', scope, count, reason)

    def plan(self, action, reason, account, container=None, obj=None):
        """In dry-run mode, one JSON line per action that would be taken."""
        self.count('planned_' + action)
        line = {'action': action, 'account': account}
        if container is not None:
            line['container'] = container
        if obj is not None:
            line['object'] = obj
        line['reason'] = reason
        stream = self.plan_stream or sys.stdout
        stream.write(json.dumps(line, ensure_ascii=False) + '\n')
        stream.flush()

    @property
    def exit_code(self):
        if self.errors:
            return EXIT_FAILED_ITEMS
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
            'counts': dict(sorted(self.counts.items())),
            'bytes_copied': self.bytes_copied,
            'errors': self.errors,
            'deletes_withheld': self.withheld,
            'warnings': self.warnings,
            'accounts': self.accounts,
            'exit_code': self.exit_code,
        }

    def write(self, path):
        with open(path, 'w') as f:
            json.dump(self.as_dict(), f, indent=2, ensure_ascii=False)
            f.write('\n')

    def summary(self):
        c = self.counts
        end = self.finished or time.time()
        # Metadata POSTs that made destination objects, containers and
        # accounts match the origin.
        posted = (c['objects_posted'] + c['containers_posted'] +
                  c['accounts_posted'])
        return ('swsync: %d accounts, %d copied (%d bytes), %d metadata '
                'updated, %d deleted, %d containers created, %d unchanged, '
                '%d errors, %d deletions withheld, %d warnings in %.1fs' % (
                    c['accounts'], c['objects_copied'], self.bytes_copied,
                    posted, c['objects_deleted'], c['containers_created'],
                    c['objects_unchanged'], c['errors'],
                    c['deletes_withheld'], c['warnings'],
                    end - self.started))
