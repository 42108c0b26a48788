"""One run's use of the origin's change marks (``marks`` has the rules,
``state.MarkStore`` keeps what complete syncs saw, on the destination).

The engine asks ``check`` before listing a container: skip it, or walk it
with the mark read now. After the walk it calls ``walked``; marks are
written at the end of the run (``save``), only for containers with no
error and no withheld deletion in the whole run, deferred writes (SLO
manifests, static links) included, no warning (a link or manifest the
origin does not serve yet) and no object left for the origin to settle
by itself (``outcomes.UNSETTLED``: an expiry the origin's expirer will
carry out, which no proxy sees). A container walked without that success
(or in a stopped run) loses its recorded mark, so that the next run
walks it again whatever its full-walk day.
"""
import logging
import time

from swsync import headers, marks

LOG = logging.getLogger(__name__)


class RunMarks:
    def __init__(self, origin, store, report, min_interval, skew,
                 full_walk_days, day=None):
        self.origin = origin
        self.store = store
        self.report = report
        self.min_interval = min_interval
        self.skew = skew
        self.full_walk_days = full_walk_days
        self.day = int(time.time() // 86400) if day is None else day
        # account -> {container: (mark, listing date, since)}
        self._walked = {}

    def check(self, account, container, dest_exists):
        """(skip, mark): the mark is read before the listing, always (a
        full walk records it too)."""
        mark = self.origin.change_mark(account, container)
        skip = False
        if dest_exists:
            due = marks.full_walk_due(account, container,
                                      self.full_walk_days, self.day)
            recorded = self.store.recorded(account).get(container)
            skip = marks.can_skip(recorded, mark, due)
        if not skip:
            # forgotten at the end unless ``walked`` says it went well
            self._walked.setdefault(account, {})[container] = \
                (None, None, None)
        return skip, mark

    def walked(self, account, container, mark, listing_headers, since):
        """A container was walked whole, its listing read completely."""
        date = headers.http_date((listing_headers or {}).get('date'))
        self._walked.setdefault(account, {})[container] = \
            (mark, date, since)

    def save(self, account, record=True):
        """Record (or forget) the marks of ``account``'s walked
        containers (only forget: ``record`` False, after a stop)."""
        changes = {}
        for container, (mark, date, since) in \
                self._walked.pop(account, {}).items():
            ok = record and since is not None and \
                marks.recordable(mark, date, self.min_interval, self.skew) \
                and not self.report.walk_again_under(
                    '%s/%s' % (account, container), since)
            changes[container] = mark if ok else None
        if changes:
            self.store.update(account, changes)

    def save_all(self, record=True):
        for account in sorted(self._walked):
            failure = None
            try:
                self.save(account, record)
            except Exception as exc:    # only costs walks next time
                failure = exc
            if failure is not None:     # logged out of the except block
                self.report.warn(account, 'change marks not recorded: %s'
                                 % failure)
