"""Where one object decision goes: counted, deferred, or run in a pool.

The listing walk (``visitors.ObjectVisitor``) and the second look of a
refresh both route decisions here, so a decision reached either way takes
the same path: a manifest or static link found late waits for its
segments or target exactly like one the listing revealed.
"""
import dataclasses
import logging

from swsync import decide
from swsync.client.errors import TargetsMissing
from swsync.outcomes import Outcome
from swsync.tasks import guarded

LOG = logging.getLogger(__name__)


class Dispatcher:
    """``actions``: the writes (real or planned); ``deferred``: the
    run's ``DeferredWrites``."""

    def __init__(self, actions, report, deferred):
        self.actions = actions
        self.report = report
        self.deferred = deferred

    def dispatch(self, task, group, deferred):
        """Route one decision. ``deferred``: the account's list of writes
        that wait for their segments or targets (None: nothing waits,
        e.g. while a container gone from the origin is emptied)."""
        action = task.decision.action
        LOG.debug('%s %s: %s', action, task.scope, task.decision.reason)
        if action == decide.SKIP:
            self.report.count(Outcome.OBJECTS_UNCHANGED)
        elif action == decide.IGNORE:
            self.report.count(Outcome.DELETE_MARKERS_IGNORED)
        elif action == decide.COPY and deferred is not None and \
                task.needs_targets_first:
            self.deferred.defer(task, deferred)
        elif action == decide.COPY:
            group.spawn(guarded, self.report, task.scope, self.copy, task,
                        deferred)
        elif action == decide.REFRESH:
            group.spawn(guarded, self.report, task.scope, self.refresh,
                        task, deferred)
        else:
            raise ValueError('no dispatch for %r' % (task.decision,))

    def copy(self, task, deferred):
        try:
            outcome, size = self.actions.copy(task)
        except TargetsMissing:
            # A manifest or static link the listing did not reveal as one
            # (Swift < 2.19 manifests, links in versioned containers):
            # its segments or target are not on the destination yet.
            if deferred is None:
                raise
            self.deferred.defer(task, deferred)
            return
        self.report.count_at(task.scope, outcome)
        self.report.add_bytes(size)

    def refresh(self, task, deferred):
        outcome, decision = self.actions.refresh(task)
        if decision is None:
            self.report.count_at(task.scope, outcome)
            return
        # The origin is another kind or content than the listing showed:
        # copy it, through the same route as a listing decision.
        self.copy(dataclasses.replace(task, decision=decision), deferred)

    def delete(self, task):
        self.report.count_at(task.scope, self.actions.delete(task))
