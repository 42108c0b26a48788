"""The walk: accounts, then their containers, then their objects.

Each level marches the origin and destination listings in lock step
(``listing.march``), decides per row (``decide``), and feeds the actions
(``actions``: real, or the dry-run planner) through green pools. What is
on the destination only is deleted after the walk of its scope, when
``safety`` allows it. Destination settings that would get in the way of
the writes are lifted and restored by ``lifts``.

Order of writes, so the destination accepts each one: within an account,
everything else first, then SLO manifests and static symlinks, whose
segments and targets must exist (``deferred``).
"""
import logging

from swsync import decide
from swsync import green
from swsync import headers as hdrs
from swsync import lifts
from swsync import limits as limits_mod
from swsync import listing
from swsync import safety
from swsync.changes import RunMarks
from swsync.actions import Actions, Planner
from swsync.deferred import DeferredWrites
from swsync.dispatch import Dispatcher
from swsync.partition import WHOLE, Partition
from swsync.policies import StoragePolicies
from swsync.scope import ContainerScope, state_container
from swsync.state import MarkStore
from swsync.discovery import unused_account
from swsync.client.errors import SyncError
from swsync.outcomes import Outcome
from swsync.tasks import ObjectTask, guarded
from swsync.visitors import (ContainerVisitor, ObjectVisitor,
                             announce_account)

LOG = logging.getLogger(__name__)

CONTAINER_DELETE_TRIES = 3


class Syncer:
    """One run: the destination made to mirror the origin."""

    def __init__(self, conf, origin, dest, report, dry_run=False,
                 approvals=None, plan_stream=None, partition=None):
        self.conf = conf.sync
        self.origin = origin
        self.dest = dest
        self.report = report
        self.limit = self.conf.listing_limit
        self.object_pool = green.Pool(self.conf.object_workers)
        self.container_pool = green.Pool(self.conf.container_workers)
        self.account_pool = green.Pool(self.conf.account_workers)
        self.policy = safety.DeletePolicy(
            self.conf.max_deletes, self.conf.max_delete_fraction,
            self.conf.delete_fraction_floor, self.conf.allow_mass_delete,
            approvals)
        self.policies = StoragePolicies(self.conf.policy_map, {})
        self.restorer = lifts.Restorer()
        kwargs = dict(extra_headers=self.conf.extra_object_headers,
                      expiry_margin=self.conf.expiry_margin_seconds,
                      preserve_timestamps=self.conf.preserve_timestamps,
                      settle=self.conf.settle_seconds, count=report.count)
        if dry_run:
            self.actions = Planner(origin, dest, stream=plan_stream,
                                   **kwargs)
        else:
            self.actions = Actions(origin, dest, **kwargs)
        self.partition = partition or Partition()
        self.scope = ContainerScope(self.conf.include_containers,
                                    self.conf.exclude_containers,
                                    self._state_container(dest))
        self.dry_run = dry_run
        self.marks = None       # RunMarks, when the origin has them
        self.stopping = False
        self.deferred = DeferredWrites(
            self.actions, report, self.object_pool, lambda: self.stopping,
            patience=self.conf.shard_wait if self.partition.sharded else 0)
        self.dispatcher = Dispatcher(self.actions, report, self.deferred)

    def _state_container(self, dest):
        """swsync's own state is out of every run's scope, sharded or
        not, so that a run syncing the reseller admin's account never
        deletes it (an unsharded run between two sharded ones
        included)."""
        store = self.partition.store
        if store is not None:
            return [(store.account, store.container)]
        return state_container(dest.own_account, self.conf.state_container)

    def apply_limits(self, origin_info, dest_info):
        """Take what both clusters accept from their /info: page size,
        the destination's constraints and storage policies."""
        self.actions.dest_limits = limits_mod.from_info(dest_info)
        self.policies = StoragePolicies(self.conf.policy_map, dest_info)
        self.limit = limits_mod.listing_limit(self.limit, origin_info,
                                              dest_info)
        advert = origin_info.get('swsync_changes')
        if self.conf.change_marks and (
                isinstance(advert, dict) or self.conf.assume_change_marks):
            interval = (advert or {}).get('min_interval')
            if not isinstance(interval, (int, float)):
                interval = self.conf.change_mark_interval
            self.marks = RunMarks(
                self.origin,
                MarkStore(self.dest, self.conf.state_container),
                self.report, interval, self.conf.change_mark_skew,
                self.conf.full_walk_days)

    # --- stopping --------------------------------------------------------
    def stop(self):
        """Take no new work; what runs finishes (signal, time limit)."""
        self.stopping = True

    def kill_in_flight(self):
        """The shutdown timeout expired: abandon what still runs, and stop
        the rate limits' waits (the main green thread may be waiting to
        pay for an account listing; restoring settings must not wait)."""
        for side in (self.origin, self.dest):
            throttle = getattr(side, 'throttle', None)
            if throttle is not None:
                throttle.lift()
        self.account_pool.kill_all()
        self.object_pool.kill_all()
        self.container_pool.kill_all()

    def _check_stop(self):
        if self.stopping:
            raise listing.Stopped()

    # --- the run ---------------------------------------------------------
    def run(self, accounts):
        self.report.expect(accounts=len(accounts))
        finished = False
        try:
            walks = green.TaskGroup(self.account_pool)
            for account in accounts:
                if self.stopping:
                    break
                walks.spawn(self._walk_account, account)
            walks.wait()
            self.deferred.write_end_of_run()
            finished = not self.stopping
        finally:
            if self.marks is not None and not self.dry_run:
                # after a stop or a fatal error too: forget what was
                # walked, so the next run walks it again
                self.marks.save_all(record=finished)
            self.restorer.restore_all(self.report.error)
            for scope in self.policy.unused_approvals():
                self.report.warn(scope, 'approved deletions were not '
                                 'needed: nothing of this scope was '
                                 'withheld')

    def _walk_account(self, account):
        """One account, alongside up to account_workers - 1 others (a run
        over many small accounts is otherwise a chain of round trips)."""
        since = self.report.mark()
        guarded(self.report, account, self.sync_account, account)
        self.report.count(Outcome.ACCOUNTS)
        if not self.stopping:
            self.report.account_synced(account, since)

    def _open(self, side, account, container=None, name_range=None):
        return listing.open_listing(side, side.path(account, container),
                                    self.limit, missing_ok=True,
                                    name_range=name_range)

    def _open_both(self, account, container=None, name_range=None,
                   dest=True):
        """(origin headers, origin rows, destination listing): both
        sides' first pages read at once, a round trip less per account or
        container. The destination's (headers, rows) come from
        ``.result()`` of the third value, None when ``dest`` is false;
        the caller ``.kill()``s it when it needs it no more."""
        d_listing = green.Started(self._open, self.dest, account, container,
                                  name_range) if dest else None
        try:
            o_headers, o_rows = self._open(self.origin, account, container,
                                           name_range)
        except BaseException:
            if d_listing is not None:
                d_listing.kill()
            raise
        return o_headers, o_rows, d_listing

    # --- accounts --------------------------------------------------------
    def sync_account(self, account):
        o_headers, o_rows, d_listing = self._open_both(account)
        # A proxy with account_autocreate answers for any name: an empty
        # listing made "now", without metadata (an account just created
        # by a POST has its metadata).
        missing = o_headers is None or (
            unused_account(o_headers) and
            not hdrs.account_metadata(o_headers) and
            self._answered_by_autocreate(account, o_headers))
        d_headers, d_rows = d_listing.result()
        owner = self.partition.owns_account(account)
        if missing:
            o_rows = iter(())
        else:
            # Without account_autocreate the destination account must be
            # created before the first write into it (by any shard: it
            # is idempotent, and they all write into it).
            if d_headers is None and self.actions.ensure_account(account):
                self.report.count(Outcome.ACCOUNTS_CREATED)
        if not missing and owner:
            update = hdrs.metadata_update(
                hdrs.account_metadata(o_headers),
                hdrs.account_metadata(d_headers or {}))
            if update:
                self.actions.post_account(account, update,
                                          'account metadata differs')
                self.report.count(Outcome.ACCOUNTS_POSTED)
        group = green.TaskGroup(self.container_pool)
        deferred = []
        # the progress line's totals, whole, when the run covers all
        announced = not missing and not self.partition.sharded and \
            self.scope.covers_whole(account) and \
            announce_account(self.report, o_headers)
        visitor = ContainerVisitor(self, account, group, deferred,
                                   announced)
        result = listing.march(o_rows, d_rows, visitor)
        group.wait()
        # Out of scope (exclude_containers...): never deleted either.
        result.dest_only = [r for r in result.dest_only
                            if self.scope.covers(account, r['name'])]
        if result.error:
            self.report.error(account, 'container listing incomplete, no '
                              'container deleted: %s' % result.error)
        self.deferred.write(deferred)
        if not owner:
            return      # the account's own work is another shard's
        if missing and not result.dest_only:
            self.report.warn(account, 'the account does not exist on the '
                             'origin: nothing to sync (a typo in '
                             '[sync] accounts?)')
            self.report.count(Outcome.ACCOUNTS_MISSING_ON_ORIGIN)
            return
        if self._deletes_allowed(account, result, account_missing=missing):
            for row in result.dest_only:
                if self.stopping:
                    break
                guarded(self.report, '%s/%s' % (account, row['name']),
                        self.delete_container, account, row['name'])

    def _answered_by_autocreate(self, account, first):
        """A second look at an account that looks autocreated (empty, its
        X-Timestamp about "now"): Swift's fake answer is made anew for
        each request, a real account keeps its creation time. A real
        account emptied within two seconds of its creation looked
        nonexistent to one run and real to the next (model case 0007,
        flaky in CI)."""
        again = self.origin.head_account(account)
        return again is None or \
            again.get('x-timestamp') != first.get('x-timestamp')

    def _deletes_allowed(self, scope, result, origin_gone=False,
                         account_missing=False):
        """May the walk's destination-only items be deleted now?"""
        if not result.dest_only or not result.complete or \
                not self.conf.delete:
            return False
        n = len(result.dest_only)
        verdict = self.policy.verdict(scope, n, result.origin_count,
                                      result.dest_count, origin_gone,
                                      account_missing)
        if not verdict.allowed:
            self.report.withhold(scope, verdict.reason, n)
            return False
        if verdict.approved:
            LOG.warning('%s: %d deletion(s) approved on the command line '
                        '(%s)', scope, n, verdict.reason)
        return True

    # --- containers ------------------------------------------------------
    def sync_container(self, account, container, dest_exists, deferred,
                       name_range=WHOLE, listed=0):
        """One container, or one name range of it (a sharded run).
        ``listed``: its object count in the account listing."""
        problem = limits_mod.container_problem(container,
                                               self.actions.dest_limits)
        if problem:
            raise SyncError(problem)
        since = self.report.mark()
        mark = None
        if self.marks is not None and name_range == WHOLE:
            skip, mark = self.marks.check(account, container, dest_exists)
            if skip:
                self.report.count(Outcome.CONTAINERS_UNCHANGED)
                self.report.count(Outcome.CONTAINERS)
                self.report.unexpect(objects=listed)
                return
        o_headers, o_rows, d_listing = self._open_both(
            account, container, name_range, dest=dest_exists)
        if o_headers is None:
            if d_listing is not None:
                d_listing.kill()
            self.report.count(Outcome.CONTAINERS_VANISHED)
            return
        d_headers, d_rows = (None, iter(()))
        if d_listing is not None:
            d_headers, d_rows = d_listing.result()
        o_settings, o_meta = lifts.split(hdrs.container_metadata(o_headers))
        if name_range != WHOLE and lifts.restricting(o_settings):
            raise SyncError('a split container cannot have versioning or '
                            'quota settings (they are lifted and restored '
                            'around writes, which ranges written by several '
                            'shards would race): remove its ranges from the '
                            'state container to walk it whole')
        policy = self.policies.for_origin(o_headers.get('x-storage-policy'))
        if d_headers is None:
            create = dict(o_meta)
            if policy:
                create['x-storage-policy'] = policy
            self.actions.create_container(account, container, create,
                                          'missing on destination')
            self.report.count(Outcome.CONTAINERS_CREATED)
            d_settings = {}
        else:
            self.policies.check(policy, o_headers, d_headers)
            d_settings, d_meta = lifts.split(
                hdrs.container_metadata(d_headers))
            update = hdrs.metadata_update(o_meta, d_meta)
            if update:
                self.actions.post_container(account, container, update,
                                            'container metadata differs')
                self.report.count(Outcome.CONTAINERS_POSTED)
        settings = lifts.ContainerSettings(self.actions, self.restorer,
                                           account, container, o_settings,
                                           d_settings)
        collector = None
        if not lifts.restricting(o_settings):
            collector = self.partition.collector(name_range)
        complete = self.sync_objects(account, container, o_rows, d_rows,
                                     settings, deferred, collector=collector)
        if settings.finish():
            self.report.count(Outcome.CONTAINER_SETTINGS_SET)
        self.report.count(Outcome.CONTAINERS)
        if complete and not self.report.problems_under(
                '%s/%s' % (account, container), since):
            self.partition.maybe_record(account, container, collector)
            if mark is not None:
                self.marks.walked(account, container, mark, o_headers,
                                  since)

    def delete_container(self, account, container):
        """Empty and delete a destination container gone from the origin.

        The origin account listing is stale and read from one replica, so
        an origin HEAD must answer 404 first. Settings that would turn the
        object deletions into restores or versions are lifted first, and
        put back if the container stays.
        """
        if self.origin.head_container(account, container,
                                      newest=True) is not None:
            self.report.count(Outcome.CONTAINER_DELETES_SKIPPED_ORIGIN_EXISTS)
            return
        d_headers, d_rows = self._open(self.dest, account, container)
        if d_headers is None:
            return
        current, _meta = lifts.split(hdrs.container_metadata(d_headers))
        settings = lifts.ContainerSettings(self.actions, self.restorer,
                                           account, container, current,
                                           current)
        if not self.sync_objects(account, container, iter(()), d_rows,
                                 settings, None, origin_gone=True):
            settings.finish()
            return
        settings.before_write()
        for attempt in range(CONTAINER_DELETE_TRIES):
            if self.actions.delete_container(account, container):
                self.restorer.untrack(settings)
                self.report.count(Outcome.CONTAINERS_DELETED)
                return
            green.sleep(1.0 + attempt)
        settings.finish()
        raise SyncError('destination container not empty yet (409); the '
                        'next run retries')

    # --- objects ---------------------------------------------------------
    def sync_objects(self, account, container, o_rows, d_rows, settings,
                     deferred, origin_gone=False, collector=None):
        """March one container's listings and act; True when its
        deletions (if any) were carried out."""
        scope = '%s/%s' % (account, container)
        group = green.TaskGroup(self.object_pool)
        visitor = ObjectVisitor(self, account, container, settings, group,
                                deferred, collector)
        result = listing.march(o_rows, d_rows, visitor)
        group.wait()
        if result.error:
            self.report.error(scope, 'object listing incomplete, no object '
                              'deleted: %s' % result.error)
        if not result.dest_only:
            return result.complete
        if not self._deletes_allowed(scope, result, origin_gone):
            return False
        for row in result.dest_only:
            if self.stopping:
                return False
            task = ObjectTask(account, container, row['name'], None, row,
                              decide.Decision(decide.DELETE,
                                              'not in origin listing'),
                              settings)
            group.spawn(guarded, self.report, task.scope,
                        self.dispatcher.delete, task)
        group.wait()
        return not self.stopping
