"""Walk accounts, containers and objects; feed actions to green pools.

Deletion discipline: a destination item is deleted only when the origin
listing of its scope was read completely and without error, the origin
listing is not suspiciously empty, the run's limits allow it, and an
origin HEAD confirms 404. Deletes run after the copies of their scope.
"""
import logging

import eventlet
import eventlet.event

from swsync import decide
from swsync import dest_account
from swsync import headers as hdrs
from swsync import limits as limits_mod
from swsync import listing
from swsync.actions import ObjectActions
from swsync.discovery import looks_autocreated
from swsync.errors import SwiftError, SyncError, TargetsMissing

LOG = logging.getLogger(__name__)


def _needs_targets_first(row):
    """SLO manifests and static symlinks: the destination checks their
    segments or target when they are written."""
    kind = decide.object_kind(row)
    return kind == decide.SLO or (kind == decide.SYMLINK and
                                  'symlink_etag' in row)


class TaskGroup:
    """Tasks spawned into a shared pool that one caller waits for.

    The pool bounds concurrency across all containers; spawning blocks
    while it is full, which paces the listing to the transfers.
    """

    def __init__(self, pool):
        self.pool = pool
        self.pending = 0
        self._idle = None

    def spawn(self, fn, *args):
        self.pending += 1
        self.pool.spawn(fn, *args).link(self._done)

    def _done(self, _gt):
        self.pending -= 1
        if self.pending == 0 and self._idle is not None:
            self._idle.send()

    def wait(self):
        while self.pending:
            self._idle = eventlet.event.Event()
            self._idle.wait()
        self._idle = None


class DeleteBudget:
    """The run-wide cap on deletions (``max_deletes``; 0: no cap)."""

    def __init__(self, max_deletes):
        self.remaining = max_deletes or None

    def take(self, n):
        if self.remaining is None:
            return True
        if n > self.remaining:
            return False
        self.remaining -= n
        return True


VERSIONING_HEADERS = ('x-versions-location', 'x-history-location',
                      'x-versions-enabled')


def _versioning(meta):
    """The versioning flags that are set (non-empty, not 'false')."""
    return {k: v for k, v in meta.items() if k in VERSIONING_HEADERS and
            v and v.lower() != 'false'}


class VersioningGuard:
    """Keeps a destination container from versioning swsync's own writes.

    With legacy versioning an overwrite archives the old copy and a DELETE
    in stack mode *restores* the previous version; with new-style
    versioning every write makes a version. So the flags are lifted before
    the first write of a run and set to the origin's values after the
    last one. A run that writes nothing touches nothing.
    """

    def __init__(self, dest, path, origin_flags, dest_flags, dry_run):
        self.dest = dest
        self.path = path
        self.origin_flags = origin_flags
        self.current = dict(dest_flags)
        self.dry_run = dry_run
        self.suspended = False
        self.deferred_writes = False

    def before_write(self):
        if self.suspended or self.dry_run or not self.current:
            return
        lift = {k: ('false' if k == 'x-versions-enabled' else '')
                for k in self.current}
        self.dest.request('POST', self.path, headers=lift)
        self.current = {}
        self.suspended = True

    def finish(self):
        """Make the destination flags equal to the origin's."""
        if self.dry_run or self.current == self.origin_flags:
            return False
        update = {k: ('false' if k == 'x-versions-enabled' else '')
                  for k in self.current if k not in self.origin_flags}
        update.update(self.origin_flags)
        self.dest.request('POST', self.path, headers=update)
        self.current = dict(self.origin_flags)
        return True


class Syncer:
    """One run: the destination made to mirror the origin."""

    def __init__(self, conf, origin, dest, report, dry_run=False):
        self.conf = conf.sync
        self.origin = origin
        self.dest = dest
        self.report = report
        self.dry_run = dry_run
        self.limit = conf.sync.listing_limit
        self.object_pool = eventlet.GreenPool(self.conf.object_workers)
        self.container_pool = eventlet.GreenPool(self.conf.container_workers)
        self.budget = DeleteBudget(
            0 if self.conf.allow_mass_delete else self.conf.max_deletes)
        self.policy_map = dict(self.conf.policy_map or {})
        self.dest_policies = None
        self.dest_limits = limits_mod.from_info({})
        self.actions = ObjectActions(
            origin, dest, report, self.conf.extra_object_headers,
            expiry_margin=self.conf.expiry_margin_seconds,
            preserve_timestamps=self.conf.preserve_timestamps)

    def apply_limits(self, origin_info, dest_info):
        """Take what both clusters accept from their /info: page size,
        the destination's constraints and storage policies."""
        self.dest_limits = self.actions.dest_limits = limits_mod.from_info(
            dest_info)
        policies = dest_info.get('swift', {}).get('policies')
        if policies:
            names = set()
            for policy in policies:
                names.add(policy['name'])
                names.update(a.strip() for a in
                             policy.get('aliases', '').split(',') if a)
            self.dest_policies = names
        for info in (origin_info, dest_info):
            limit = info.get('swift', {}).get('container_listing_limit')
            if limit:
                self.limit = min(self.limit, int(limit))
            limit = info.get('swift', {}).get('account_listing_limit')
            if limit:
                self.limit = min(self.limit, int(limit))

    # --- accounts --------------------------------------------------------
    def run(self, accounts):
        for account in accounts:
            try:
                self.sync_account(account)
            except SyncError as exc:
                self.report.error(account, exc)
            self.report.count('accounts')

    def _open(self, side, path, missing_ok=False):
        pages = listing.iter_pages(
            lambda marker, limit: side.list_page(path, marker, limit,
                                                 missing_ok=missing_ok),
            self.limit)
        headers, first = next(pages)
        # The first page is read now (its headers carry the metadata);
        # the generator must not keep it alive once it has been walked.
        held = [first]
        del first

        def rows():
            yield from held.pop()
            for _headers, page in pages:
                yield from page
        return headers, rows()

    def sync_account(self, account):
        o_headers, o_rows = self._open(self.origin,
                                       self.origin.path(account))
        d_headers, d_rows = self._open(self.dest, self.dest.path(account),
                                       missing_ok=True)
        # #16: without account_autocreate the destination account must be
        # created before the first write into it (swsync/dest_account.py).
        if d_headers is None and dest_account.ensure_account(
                self.dest, account, self.dry_run):
            self.report.count('accounts_created')
        update = hdrs.metadata_update(hdrs.account_metadata(o_headers),
                                      hdrs.account_metadata(d_headers or {}))
        if update:
            self._write('accounts_posted', 'account metadata differs',
                        account, fn=lambda: self.dest.request(
                            'POST', self.dest.path(account), headers=update))

        group = TaskGroup(self.container_pool)
        doomed = []
        deferred = []
        origin_count = dest_count = 0
        complete = True
        try:
            for o, d in listing.merge_by_name(o_rows, d_rows):
                origin_count += o is not None
                dest_count += d is not None
                if o is None:
                    doomed.append(d['name'])
                else:
                    group.spawn(self._guarded, account, o['name'],
                                self.sync_container, account, o['name'],
                                d is not None, deferred)
        except SyncError as exc:
            complete = False
            self.report.error(account, 'container listing incomplete, no '
                              'container deleted: %s' % exc)
        group.wait()
        self.copy_deferred(account, deferred)
        if complete and doomed and self.conf.delete:
            if origin_count == 0 and looks_autocreated(o_headers):
                self.report.withhold(account, 'the origin account looks '
                                     'nonexistent (an autocreated empty '
                                     'listing): no container deleted',
                                     len(doomed))
            elif self._deletes_allowed(account, len(doomed), origin_count,
                                       dest_count):
                for name in doomed:
                    self._guarded(account, name, self.delete_container,
                                  account, name)

    def _guarded(self, account, name, fn, *args):
        """Run a per-container task; its failure is reported, not fatal."""
        try:
            fn(*args)
        except SyncError as exc:
            self.report.error('%s/%s' % (account, name), exc)
        except Exception as exc:  # a bug: keep the run going, say so
            LOG.exception('unexpected error in %s/%s', account, name)
            self.report.error('%s/%s' % (account, name),
                              'internal error: %r' % exc)

    def _write(self, action, reason, account, container=None, obj=None,
               fn=None):
        """Do a write, or in dry-run mode only print it."""
        if self.dry_run:
            self.report.plan(action, reason, account, container, obj)
            return
        fn()
        self.report.count(action)

    def _deletes_allowed(self, scope, n, origin_count, dest_count,
                         origin_gone=False):
        """Safety checks before deleting ``n`` of ``dest_count`` items.

        ``origin_gone``: the whole scope is confirmed absent on the origin
        (a container that answered 404), so emptiness is expected.
        """
        conf = self.conf
        if not (conf.allow_mass_delete or origin_gone):
            if origin_count == 0 and dest_count > 0:
                self.report.withhold(scope, 'origin listing is empty but '
                                     'the destination is not', n)
                return False
            if (dest_count >= conf.delete_fraction_floor and
                    n > conf.max_delete_fraction * dest_count):
                self.report.withhold(scope, '%d of %d would be deleted, '
                                     'over max_delete_fraction %.2f' % (
                                         n, dest_count,
                                         conf.max_delete_fraction), n)
                return False
        if not self.budget.take(n):
            self.report.withhold(scope, 'over max_deletes for this run', n)
            return False
        return True

    # --- containers ------------------------------------------------------
    def sync_container(self, account, container, dest_exists,
                       deferred=None):
        scope = '%s/%s' % (account, container)
        problem = limits_mod.container_problem(container, self.dest_limits)
        if problem:
            raise SyncError(problem)
        o_path = self.origin.path(account, container)
        d_path = self.dest.path(account, container)
        o_headers, o_rows = self._open(self.origin, o_path, missing_ok=True)
        if o_headers is None:
            self.report.count('containers_vanished')
            return
        d_headers, d_rows = (None, iter(()))
        if dest_exists:
            d_headers, d_rows = self._open(self.dest, d_path,
                                           missing_ok=True)
        o_meta = hdrs.container_metadata(o_headers)
        o_flags = _versioning(o_meta)
        o_meta = {k: v for k, v in o_meta.items()
                  if k not in VERSIONING_HEADERS}
        policy = self._dest_policy(o_headers.get('x-storage-policy'))
        if d_headers is None:
            put = dict(o_meta)
            if policy:
                put['x-storage-policy'] = policy
            self._write('containers_created', 'missing on destination',
                        account, container, fn=lambda: self.dest.request(
                            'PUT', d_path, headers=put, ok=(201, 202)))
            d_flags = {}
        else:
            d_policy = d_headers.get('x-storage-policy')
            if policy and d_policy and policy != d_policy:
                raise SyncError('storage policy differs: %s on origin%s, %s '
                                'on destination' % (
                                    o_headers.get('x-storage-policy'),
                                    ' (mapped to %s)' % policy
                                    if policy != o_headers.get(
                                        'x-storage-policy') else '',
                                    d_policy))
            d_meta = hdrs.container_metadata(d_headers)
            d_flags = _versioning(d_meta)
            update = hdrs.metadata_update(
                o_meta, {k: v for k, v in d_meta.items()
                         if k not in VERSIONING_HEADERS})
            if update:
                self._write('containers_posted', 'container metadata differs',
                            account, container, fn=lambda: self.dest.request(
                                'POST', d_path, headers=update))
        guard = VersioningGuard(self.dest, d_path, o_flags, d_flags,
                                self.dry_run)
        self.sync_objects(scope, account, container, o_rows, d_rows,
                          guard=guard, deferred=deferred)
        if not guard.deferred_writes:
            self._finish_versioning(account, container, guard)
        self.report.count('containers')

    def _finish_versioning(self, account, container, guard):
        if self.dry_run:
            if guard.current != guard.origin_flags:
                self.report.plan('containers_posted', 'versioning flags',
                                 account, container)
            return
        if guard.finish():
            self.report.count('containers_versioning_set')

    def _dest_policy(self, origin_policy):
        """The destination policy for an origin policy name (policy_map),
        or a clear error when the destination does not have it."""
        if not origin_policy:
            return None
        policy = self.policy_map.get(origin_policy, origin_policy)
        if self.dest_policies is not None and policy not in \
                self.dest_policies:
            raise SyncError('storage policy %s does not exist on the '
                            'destination (set policy_map to map it)' % policy)
        return policy

    def sync_objects(self, scope, account, container, o_rows, d_rows,
                     origin_gone=False, guard=None, deferred=None):
        """Merge one container's listings and act; True when every
        deletion it found was carried out (or there was none)."""
        group = TaskGroup(self.object_pool)
        doomed = []
        origin_count = dest_count = 0
        complete = True
        settle = self.conf.settle_seconds
        try:
            for o, d in listing.merge_by_name(o_rows, d_rows):
                origin_count += o is not None
                dest_count += d is not None
                decision = decide.decide_object(o, d, settle)
                if decision.action == decide.SKIP:
                    self.report.count('objects_unchanged')
                elif decision.action == decide.DELETE:
                    doomed.append(d['name'])
                elif (deferred is not None and decision.action == decide.COPY
                      and _needs_targets_first(o)):
                    deferred.append((container, o['name'], o, guard))
                    if guard is not None:
                        guard.deferred_writes = True
                    if self.dry_run:
                        self.report.plan(decision.action, decision.reason,
                                         account, container, o['name'])
                elif decision.action == decide.CHECK:
                    if self.dry_run:
                        self.report.plan(decision.action, decision.reason,
                                         account, container, o['name'])
                    else:
                        group.spawn(self._object_guarded, self._check_legacy,
                                    account, container, o['name'],
                                    (o, d, guard))
                else:
                    self._object_task(group, decision, account, container,
                                      o['name'], o, guard, deferred)
        except SyncError as exc:
            complete = False
            self.report.error(scope, 'object listing incomplete, no object '
                              'deleted: %s' % exc)
        group.wait()
        if not doomed:
            return complete
        if not (complete and self.conf.delete and self._deletes_allowed(
                scope, len(doomed), origin_count, dest_count, origin_gone)):
            return False
        for name in doomed:
            self._object_task(
                group, decide.Decision(decide.DELETE,
                                       'not in origin listing'),
                account, container, name, None, guard)
        group.wait()
        return True

    def _object_task(self, group, decision, account, container, name,
                     row=None, guard=None, deferred=None):
        if self.dry_run:
            self.report.plan(decision.action, decision.reason, account,
                             container, name)
            return
        if guard is not None:
            guard.before_write()
        if decision.action == decide.COPY:
            group.spawn(self._object_guarded, self._copy_or_defer, account,
                        container, name, (row, guard, deferred))
            return
        fn = {decide.POST: self.actions.post,
              decide.DELETE: self.actions.delete}[decision.action]
        group.spawn(self._object_guarded, fn, account, container, name, row)

    def _copy_or_defer(self, account, container, name, args):
        """Copy; a manifest or static link that the listing did not reveal
        as one (Swift < 2.19 manifests) and whose segments or target are
        not on the destination yet goes to the account's second phase."""
        row, guard, deferred = args
        try:
            self.actions.copy(account, container, name, row)
        except TargetsMissing:
            if deferred is None:
                raise
            deferred.append((container, name, row, guard))
            if guard is not None:
                guard.deferred_writes = True

    def _object_guarded(self, fn, account, container, name, row=None):
        try:
            fn(account, container, name, row)
        except SyncError as exc:
            self.report.error('%s/%s/%s' % (account, container, name), exc)
        except Exception as exc:
            LOG.exception('unexpected error on %s/%s/%s', account, container,
                          name)
            self.report.error('%s/%s/%s' % (account, container, name),
                              'internal error: %r' % exc)

    def copy_deferred(self, account, deferred):
        """Write SLO manifests and static symlinks after everything else
        in the account, so their segments and targets exist first.

        A manifest can reference another (nested SLO) or a link another
        link, so items that fail are tried again while a pass makes
        progress. What still fails is reported: a manifest whose segments
        are missing on the origin is never written half-way.
        """
        if self.dry_run or not deferred:
            return
        pending, failed = deferred, []
        while pending:
            failed = []
            group = TaskGroup(self.object_pool)
            for item in pending:
                guard = item[3]
                if guard is not None:
                    guard.before_write()
                group.spawn(self._deferred_copy, account, item, failed)
            group.wait()
            if len(failed) == len(pending):
                break   # no progress: what is left cannot be written
            pending = [item for item, _exc in failed]
        for (container, name, _row, _guard), exc in failed:
            self.report.error('%s/%s/%s' % (account, container, name),
                              'not written (segments or link target '
                              'missing?): %s' % exc)
        guards = {id(item[3]): item for item in deferred if item[3]}
        for container, _name, _row, guard in guards.values():
            self._finish_versioning(account, container, guard)

    def _deferred_copy(self, account, item, failed):
        container, name, row, _guard = item
        try:
            self.actions.copy(account, container, name, row)
        except SwiftError as exc:
            if exc.status in (400, 404, 409, 412, 422):
                failed.append((item, exc))
            else:
                self.report.error('%s/%s/%s' % (account, container, name),
                                  exc)
        except SyncError as exc:
            self.report.error('%s/%s/%s' % (account, container, name), exc)

    def _check_legacy(self, account, container, name, rows):
        """An origin row without slo_etag facing a destination SLO: HEAD
        the origin; a manifest's Etag there is its SLO etag."""
        origin, dest, guard = rows
        resp = self.origin.request(
            'HEAD', self.origin.path(account, container, name),
            ok=(200, 404))
        if resp.status_code == 404:
            self.report.count('objects_vanished')
            return
        headers = hdrs.wire_headers(resp.headers.items())
        etag = decide.strip_etag(headers.get('etag'))
        size = int(headers.get('content-length') or -1)
        decision = decide.Decision(decide.COPY, 'legacy manifest differs')
        if etag == decide.strip_etag(dest.get('slo_etag')) and \
                size == dest.get('bytes'):
            decision = decide.decide_object(
                dict(origin, slo_etag=etag, bytes=size), dest,
                self.conf.settle_seconds)
        if decision.action == decide.SKIP:
            self.report.count('objects_unchanged')
            return
        if guard is not None:
            guard.before_write()
        if decision.action == decide.POST:
            self.actions.post(account, container, name, origin)
        else:
            self.actions.copy(account, container, name, origin)

    def delete_container(self, account, container):
        """Empty and delete a destination container gone from the origin.

        The origin account listing is stale and read from one replica, so
        an origin HEAD must answer 404 first.
        """
        resp = self.origin.request('HEAD', self.origin.path(account,
                                                            container),
                                   ok=(204, 200, 404))
        if resp.status_code != 404:
            self.report.count('container_deletes_skipped_origin_exists')
            return
        d_path = self.dest.path(account, container)
        d_headers, d_rows = self._open(self.dest, d_path, missing_ok=True)
        if d_headers is None:
            return
        # Lift versioning first, or each DELETE would restore an archived
        # version (legacy stack mode) or leave a delete marker.
        guard = VersioningGuard(
            self.dest, d_path, {},
            _versioning(hdrs.container_metadata(d_headers)), self.dry_run)
        if not self.sync_objects('%s/%s' % (account, container), account,
                                 container, iter(()), d_rows,
                                 origin_gone=True, guard=guard):
            return
        guard.before_write()
        self._write('containers_deleted', 'gone from origin', account,
                    container, fn=lambda: self._delete_container(d_path))

    def _delete_container(self, d_path):
        resp = self.dest.request('DELETE', d_path, ok=(204, 404, 409))
        if resp.status_code == 409:
            # Not empty yet: object deletes failed, or the destination's
            # container listing lags them. The next run tries again.
            raise SyncError('destination container not empty yet (409); '
                            'the next run retries')
