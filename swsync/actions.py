"""The writes of a run: objects copied as what they are, metadata posted,
deletions confirmed first; container and account writes.

``Actions`` does them; ``Planner`` (dry-run) has the same interface, does
the same origin reads, and records the writes it would make instead, so
a plan cannot drift from what a real run does.

Every object action is one unit of work retried as a whole: a retry reads
the origin again, so what is written is never what was read before a
backoff, and the requests inside a unit do not retry on their own (one
retry policy per request).

Origin reads use ``symlink=get`` so a symlink is read as a link, never as
its target's data, and ``multipart-manifest=get`` so a manifest is read as
a manifest (for a GET with ``format=raw``: the form a PUT accepts). A HEAD
of an SLO manifest is made without ``multipart-manifest=get``, which
would give the manifest JSON's Content-Type and Etag (and with
``format=raw`` answers 500). Rows of a new-style versioned container are
read by the ``version-id`` they point at, so the current version is read
as what it is (a user's symlink as a symlink), and their X-Delete-At
from Swift's link to that version, where Swift keeps it.
"""
import json
import logging
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from typing import IO, Any

from swsync import decide
from swsync import dest_account
from swsync import headers as hdrs
from swsync import limits as limits_mod
from swsync.client.errors import OriginChanged, SyncError, SwiftError, \
    TargetsMissing, TransportError
from swsync.client.http import Body, RawBody, Response
from swsync.decide import Decision, Headers, Row
from swsync.outcomes import Outcome
from swsync.client.swift import BODY_ERRORS, SwiftOperations
from swsync.tasks import ObjectTask

LOG = logging.getLogger(__name__)

SYMLINK_PUT_HEADERS = ('x-symlink-target', 'x-symlink-target-account',
                       'x-symlink-target-etag')
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
# An object expiring sooner than this is not POSTed (Swift refuses an
# X-Delete-At in the past).
POST_EXPIRY_MARGIN = 2.0
# Refusals of a manifest or static link whose segments or target are not
# (yet) on the destination.
TARGET_STATUSES = (400, 404, 409, 412, 422)

#: What ``refresh`` found: (outcome, None) when it is done, or
#: (None, Decision(COPY)) when the object must be copied.
Refreshed = tuple[Outcome, None] | tuple[None, Decision]


class RefusedItem(SyncError):
    """The destination cannot hold this item (a limit); not retried."""


class ReadTime:
    """When an origin answer was made (its Date, 1 s resolution) and when
    it arrived here, to tell how old what was read is at write time."""
    # Date is truncated to the second: an answer up to this much older
    # than its arrival is not stale.
    DATE_SLACK = 1.5

    def __init__(self, made: float, arrived: float) -> None:
        self.made = made
        self.arrived = arrived

    @classmethod
    def of(cls, headers: Headers) -> 'ReadTime':
        arrived = time.time()
        made = hdrs.http_date(headers.get('date'))
        return cls(arrived if made is None else made, arrived)

    def window_exceeds(self, seconds: float) -> bool:
        """Is the time from the origin's answer to now over ``seconds``?"""
        return (self.arrived - self.made > self.DATE_SLACK or
                time.time() - self.arrived > seconds)


class StreamBody:
    """Exactly ``length`` bytes of a response body, read as they come.

    Raises if the origin body ends early, so the PUT fails at once instead
    of leaving the destination waiting for bytes that never arrive.
    """

    def __init__(self, raw: RawBody, length: int,
                 on_read: Callable[[int], None] | None = None) -> None:
        self.raw = raw
        self.length = self.remaining = length
        self.on_read = on_read or (lambda n: None)

    def __len__(self) -> int:
        return self.length

    def read(self, size: int | None = -1) -> bytes:
        if self.remaining <= 0:
            return b''
        want = self.remaining if size is None or size < 0 else min(
            size, self.remaining)
        try:
            chunk = self.raw.read(want, decode_content=False)
        except BODY_ERRORS as exc:
            raise IOError('origin body broke off: %s' % exc.__class__.__name__)
        if not chunk:
            raise IOError('origin body ended %d bytes early' % self.remaining)
        self.remaining -= len(chunk)
        self.on_read(len(chunk))
        return chunk


def read_query(row: Row | None, head: bool = False) -> dict[str, str]:
    """The query that reads an origin object as what it is."""
    query: dict[str, str] = {}
    row = row or {}
    if decide.is_versioned(row):
        vid = decide.version_id(row)
        if vid is None:         # cannot name the version: follow Swift's
            return {'multipart-manifest': 'get'} if not head else {}
        query['version-id'] = vid
    query['symlink'] = 'get'
    if not head:
        query.update({'multipart-manifest': 'get', 'format': 'raw'})
    elif 'slo_etag' not in row:
        query['multipart-manifest'] = 'get'
    return query


def version_link_expiry(ops: SwiftOperations, account: str, container: str,
                        name: str, row: Row | None,
                        headers: Headers | None, retry: bool = False
                        ) -> dict[str, str] | None:
    """The headers of a versioned row read by its ``version-id``, with the
    expiry of Swift's link to the current version; None when that link
    is gone (expired and not yet reaped, or deleted meanwhile).

    Swift's object_versioning writes every header of a PUT to the version
    but X-Delete-At/-After, which stay on the link in the user's
    container (a POST's expiry too): a read by ``version-id`` shows no
    expiry, and once the link expires the object answers 404 while its
    version is still served. Other rows, and headers that are None, are
    returned as they are."""
    if headers is None or not decide.is_versioned(row or {}) or \
            decide.version_id(row or {}) is None:
        return None if headers is None else dict(headers)
    link = ops.head_object(account, container, name,
                           query={'symlink': 'get'}, retry=retry)
    if link is None:
        return None
    out = {k: v for k, v in headers.items() if k != 'x-delete-at'}
    if link.get('x-delete-at'):
        out['x-delete-at'] = link['x-delete-at']
    return out


MAX_NESTING = 10    # Swift's default max_manifest_depth


def segments_unservable(origin: SwiftOperations, account: str,
                        segments: Any, depth: int = 0) -> bool:
    """Does an SLO manifest (its raw segment list) name a segment that the
    origin no longer has as the manifest recorded it: gone, answering an
    error (a static link whose target changed), or of another size or
    etag (replaced), or a nested manifest with such a segment? Swift
    refuses such a manifest on write (it reads each segment as this does,
    following links and manifests), and cannot serve it either.

    A segment's ``path`` holds names, not quoted ones.
    """
    for segment in segments if isinstance(segments, list) else []:
        path = segment.get('path') if isinstance(segment, dict) else None
        if not path:
            continue
        container, _sep, obj = path.lstrip('/').partition('/')
        try:
            headers = origin.head_object(account, container, obj)
        except SwiftError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                return True
            raise
        if headers is None:
            return True
        size, etag = segment.get('size_bytes'), segment.get('etag')
        if size is not None and \
                str(size) != headers.get('content-length', str(size)):
            return True
        if etag and decide.strip_etag(etag) != decide.strip_etag(
                headers.get('etag', '')):
            return True
        if _true(headers.get('x-static-large-object')) and \
                depth < MAX_NESTING and \
                segments_unservable(origin, account, _raw_manifest(
                    origin, account, container, obj), depth + 1):
            return True
    return False


def _raw_manifest(origin: SwiftOperations, account: str, container: str,
                  name: str) -> Any:
    """An origin SLO's raw segment list (None when unreadable)."""
    with origin.get_object(account, container, name, query={
            'multipart-manifest': 'get', 'format': 'raw'}) as resp:
        if resp is None:
            return None
        try:
            return json.loads(resp.raw.read(decode_content=False))
        except (ValueError, *BODY_ERRORS):
            return None


def _true(value: str | None) -> bool:
    return (value or '').lower() in ('true', '1', 'yes', 'on')


class Actions:
    """Objects, containers and accounts written on the destination."""

    def __init__(self, origin: SwiftOperations, dest: SwiftOperations,
                 extra_headers: Iterable[str] = (),
                 expiry_margin: float = 60.0,
                 preserve_timestamps: bool = False,
                 dest_limits: Mapping[str, int] | None = None,
                 settle: float = 2.0,
                 count: Callable[[Outcome], None] | None = None) -> None:
        self.count = count or (lambda outcome: None)
        self.origin = origin
        self.dest = dest
        self.extra_headers = tuple(h.lower() for h in extra_headers)
        self.expiry_margin = expiry_margin
        self.preserve_timestamps = preserve_timestamps
        self.dest_limits = dest_limits or limits_mod.from_info({})
        self.settle = settle

    # --- helpers ---------------------------------------------------------
    def _count_transfer(self, nbytes: int) -> None:
        """Object bytes read from the origin and written to the
        destination count against both sides' byte rates."""
        self.origin.throttle.transferred(nbytes)
        self.dest.throttle.transferred(nbytes)

    def _expires_soon(self, headers: Headers,
                      margin: float | None = None) -> bool:
        """Does the object expire within ``margin`` (the copy margin by
        default)? Such an object is not copied: it would expire during or
        right after the copy."""
        value = headers.get('x-delete-at')
        if not value:
            return False
        margin = self.expiry_margin if margin is None else margin
        try:
            return float(value) <= time.time() + margin
        except ValueError:
            return False

    def _metadata(self, headers: Headers, preserve: bool) -> dict[str, str]:
        """The allow-listed headers to write, plus the origin timestamp
        in preserving mode."""
        meta = hdrs.object_metadata(headers, self.extra_headers)
        if preserve and headers.get('x-timestamp'):
            meta['x-timestamp'] = headers['x-timestamp']
        return meta

    @staticmethod
    def _before_write(task: ObjectTask) -> None:
        """Lift the container's settings (versioning, quotas), once."""
        if task.settings is not None:
            task.settings.before_write()

    def _check_not_changed(self, task: ObjectTask, headers: Headers,
                           read: ReadTime, preserve: bool) -> None:
        """Close the race of the timestamp rule.

        A write gets the destination's clock; the next run trusts it when
        it is more than ``settle`` newer than the origin's last change. If
        the origin changed after swsync read it and before the write,
        that trust would be misplaced forever. With a prompt read and
        write the window is far below ``settle``; when it was not (the
        origin's answer was stale on arrival, or the write was slow), the
        origin is read again and a change redoes the unit (retried).
        """
        if preserve or not read.window_exceeds(self.settle / 2.0):
            return
        now = self.head_origin(task)
        if now is None:
            return      # deleted meanwhile: the next run deletes the copy
        # An SLO was read as its manifest (multipart-manifest=get: the
        # etag of the manifest's JSON) and is HEADed as the large object
        # (the etag of its segments' etags): only the timestamp compares
        # (with settle_seconds = 0 every SLO copy failed on this).
        slo = _true(headers.get('x-static-large-object'))
        if (now.get('x-timestamp'), None if slo else now.get('etag')) != (
                headers.get('x-timestamp'),
                None if slo else headers.get('etag')):
            raise OriginChanged('GET', task.name, 'the origin object changed '
                                'while it was copied: copying it again')

    def head_origin(self, task: ObjectTask) -> dict[str, str] | None:
        """The origin object's own headers (None: 404), read as what it
        is; an SLO is read again without ``multipart-manifest=get`` when
        the listing did not tell."""
        query = read_query(task.origin, head=True)
        if 'slo_etag' in (task.dest or {}):
            # Most likely a manifest listed without slo_etag (Swift <
            # 2.19): one HEAD without multipart-manifest=get tells.
            query.pop('multipart-manifest', None)
        headers = self.origin.head_object(task.account, task.container,
                                          task.name, query=query,
                                          retry=False)
        if headers is not None and 'multipart-manifest' in query and \
                _true(headers.get('x-static-large-object')):
            query.pop('multipart-manifest')
            headers = self.origin.head_object(
                task.account, task.container, task.name, query=query,
                retry=False)
        return version_link_expiry(self.origin, task.account,
                                   task.container, task.name, task.origin,
                                   headers)

    # --- copy ------------------------------------------------------------
    def copy(self, task: ObjectTask) -> tuple[Outcome, int]:
        """Copy one object as what it is: plain (streamed), SLO manifest,
        DLO manifest or symlink. Returns (outcome, bytes)."""
        return self.origin.retrying(lambda: self._copy_once(task))

    def _copy_once(self, task: ObjectTask, preserve: bool | None = None
                   ) -> tuple[Outcome, int]:
        preserve = self.preserve_timestamps if preserve is None else preserve
        with self.origin.get_object(task.account, task.container, task.name,
                                    query=read_query(task.origin),
                                    retry=False) as resp:
            if resp is None:
                # Listed but gone: deleted meanwhile, or expired and not
                # yet reaped. Neither copied nor a reason to delete.
                return Outcome.OBJECTS_VANISHED, 0
            found = version_link_expiry(
                self.origin, task.account, task.container, task.name,
                task.origin, hdrs.from_response(resp.headers.items()))
            if found is None:
                # The version is there, its link expired or deleted.
                return Outcome.OBJECTS_VANISHED, 0
            headers = found
            read = ReadTime.of(headers)
            if self._expires_soon(headers):
                return Outcome.OBJECTS_EXPIRING, 0
            put = self._metadata(headers, preserve)
            length = int(headers.get('content-length') or 0)
            problem = limits_mod.object_problem(
                task.name, (task.origin or {}).get('bytes', length), put,
                self.dest_limits)
            if problem:
                raise RefusedItem(problem)
            kind = decide.head_kind(headers)
            query: dict[str, str] | None = None
            body: Body
            if kind == decide.SLO:
                outcome, body = Outcome.SLOS_COPIED, self._manifest(
                    resp, length, task)
                query = {'multipart-manifest': 'put'}
                slo_etag = decide.strip_etag(
                    (task.origin or {}).get('slo_etag'))
                if slo_etag:
                    put['etag'] = slo_etag
                length = 0
            elif kind == decide.SYMLINK:
                outcome, body = Outcome.SYMLINKS_COPIED, b''
                put.update(self._symlink_headers(task, headers))
            else:
                outcome = Outcome.OBJECTS_COPIED
                put['etag'] = decide.strip_etag(headers.get('etag', ''))
                body = StreamBody(resp.raw, length,
                                  self._count_transfer) if length else b''
            self._before_write(task)
            try:
                status = self.dest.put_object(
                    task.account, task.container, task.name, put, body,
                    query=query, retry=False)
            except SwiftError as exc:
                if kind == decide.PLAIN or exc.status not in TARGET_STATUSES:
                    raise
                raise TargetsMissing(exc.method, exc.path, exc.status,
                                     exc.reason)
            except IOError as exc:
                raise TransportError('GET', task.name, str(exc))
        if status == 202 and preserve:
            # The destination holds a newer timestamp (e.g. a tombstone):
            # nothing was written. Write again with a fresh timestamp.
            self.count(Outcome.TIMESTAMPS_NOT_APPLIED)
            return self._copy_once(task, preserve=False)
        self._check_not_changed(task, headers, read, preserve)
        return outcome, length

    @staticmethod
    def _manifest(resp: Response, length: int, task: ObjectTask) -> bytes:
        if length > MAX_MANIFEST_BYTES:
            raise RefusedItem('SLO manifest of %d bytes is too large'
                              % length)
        try:
            return resp.raw.read(decode_content=False)
        except BODY_ERRORS as exc:
            raise TransportError('GET', task.name, 'manifest body broke '
                                 'off: %s' % exc.__class__.__name__)

    def _symlink_headers(self, task: ObjectTask,
                         headers: Headers) -> dict[str, str]:
        """X-Symlink-* for the destination link: the target account is
        mapped, and a static link to an SLO pins the destination
        manifest's own etag (its manifest lists the destination segments'
        timestamps, so its etag differs from the origin's)."""
        out = {k: headers[k] for k in SYMLINK_PUT_HEADERS if k in headers}
        target_account = out.get('x-symlink-target-account')
        if target_account:
            out['x-symlink-target-account'] = self.dest.account_map.get(
                target_account, target_account)
        slo_etag = (task.origin or {}).get('slo_etag')
        if 'x-symlink-target-etag' in out and slo_etag:
            out['x-symlink-target-etag'] = self._dest_manifest_etag(
                task, headers, slo_etag)
        return out

    def _dest_manifest_etag(self, task: ObjectTask, headers: Headers,
                            slo_etag: str) -> str:
        container, _sep, obj = headers['x-symlink-target'].partition('/')
        account = headers.get('x-symlink-target-account') or task.account
        target = self.dest.head_object(
            account, urllib.parse.unquote(container),
            urllib.parse.unquote(obj), query={'symlink': 'get'},
            retry=False)
        path = self.dest.path(task.account, task.container, task.name)
        if target is None:
            raise TargetsMissing('PUT', path, 409, 'link target missing')
        if decide.strip_etag(target.get('etag')) != decide.strip_etag(
                slo_etag) or 'x-manifest-etag' not in target:
            raise TargetsMissing('PUT', path, 409, 'link target differs')
        return target['x-manifest-etag']

    def link_broken_on_origin(self, task: ObjectTask) -> bool:
        """Does the origin itself fail to serve this static link (its
        target changed since the link was made, 409, or was deleted)?
        Such a link cannot be written on the destination."""
        query = {k: v for k, v in read_query(task.origin, head=True).items()
                 if k == 'version-id'}
        try:
            followed = self.origin.head_object(
                task.account, task.container, task.name, query=query)
        except SwiftError as exc:
            return exc.status == 409
        if followed is not None:
            return False
        # 404 following the link: the target is gone if the link is there
        return self.head_origin(task) is not None

    def manifest_broken_on_origin(self, task: ObjectTask) -> bool:
        """Does the origin SLO manifest reference a segment that is gone
        from the origin or changed there (the origin cannot serve it
        either)? Such a manifest cannot be written on the destination."""
        with self.origin.get_object(task.account, task.container, task.name,
                                    query=read_query(task.origin)) as resp:
            if resp is None:
                return False
            try:
                segments = json.loads(resp.raw.read(decode_content=False))
            except (ValueError, *BODY_ERRORS):
                return False
        return segments_unservable(self.origin, task.account, segments)

    # --- refresh ---------------------------------------------------------
    def refresh(self, task: ObjectTask) -> Refreshed:
        """Read the origin object and act on what it is now: (outcome,
        None), or (None, Decision(COPY)) when it must be copied."""
        return self.origin.retrying(lambda: self._refresh_once(task))

    def _refresh_once(self, task: ObjectTask) -> Refreshed:
        headers = self.head_origin(task)
        if headers is None:
            # Listed but 404: expired and not yet reaped (the listing keeps
            # the row until the expirer reaps it), or deleted meanwhile.
            # The copy made earlier has no expiry to expire by (a POST made
            # the origin expire, or it expired within the POST margin):
            # left, the destination would serve it until the origin's
            # expirer runs. It goes once the origin confirms the 404.
            return self._delete_once(task), None
        read = ReadTime.of(headers)
        # A POST is quick: an object that now expires soon still gets its
        # metadata, X-Delete-At included, so the copy expires with it.
        if self._expires_soon(headers, margin=POST_EXPIRY_MARGIN):
            # Too late to post one that Swift would still take: gone on
            # the origin in an instant, and from the destination with it.
            return self._expire_copy(task, headers), None
        origin_link = None
        if 'x-symlink-target' in headers:
            mapped = dict(headers)
            target_account = headers.get('x-symlink-target-account') or \
                task.account
            mapped['x-symlink-target-account'] = self.dest.account_map.get(
                target_account, target_account)
            origin_link = decide.link_path(mapped, task.account)
        # Only a REFRESH decision is refreshed, and decide_object makes it
        # for a name in both listings only: both rows are there.
        assert task.origin is not None and task.dest is not None
        decision = decide.after_refresh(headers, task.origin, task.dest,
                                        self.settle, origin_link)
        if decision.action == decide.SKIP:
            return Outcome.OBJECTS_UNCHANGED, None
        if decision.action == decide.COPY:
            return None, decision
        meta = self._metadata(headers, self.preserve_timestamps)
        problem = limits_mod.metadata_problem(meta, self.dest_limits,
                                              'x-object-meta-')
        if problem:
            raise RefusedItem(problem)
        self._before_write(task)
        try:
            self.write_object_metadata(task, meta, decision.reason)
        except SwiftError as exc:
            if exc.status == 400 and 'x-delete-at' in meta and \
                    self._expires_soon(headers):
                # Expired meanwhile: the copy goes as the origin's did.
                return self._expire_copy(task, headers), None
            if not (exc.status == 409 and 'x-timestamp' in meta):
                raise
            # Preserving mode: the destination already has a newer or
            # equal timestamp; apply the metadata with a fresh one.
            del meta['x-timestamp']
            self.write_object_metadata(task, meta, decision.reason)
            self.count(Outcome.TIMESTAMPS_NOT_APPLIED)
        self._check_not_changed(task, headers, read,
                                self.preserve_timestamps)
        return Outcome.OBJECTS_POSTED, None

    def _expire_copy(self, task: ObjectTask, headers: Headers) -> Outcome:
        """The origin object expires now (X-Delete-At within the POST
        margin or past): the destination's copy, made before that expiry
        was set, is deleted once the origin answers 404 (after waiting out
        the few seconds left, at most POST_EXPIRY_MARGIN); if the origin
        still serves it then, it is left, counted as expiring."""
        try:
            left = float(headers.get('x-delete-at') or 0) - time.time()
        except ValueError:
            left = 0.0
        if 0 < left <= POST_EXPIRY_MARGIN:
            time.sleep(left + 0.2)
        outcome = self._delete_once(task)
        if outcome == Outcome.DELETES_SKIPPED_ORIGIN_EXISTS:
            return Outcome.OBJECTS_EXPIRING
        return outcome

    # --- delete ----------------------------------------------------------
    def delete(self, task: ObjectTask) -> Outcome:
        """Delete on the destination only after the origin confirms 404.

        Listings lag and read one replica; ``X-Newest`` asks every origin
        replica, so an object that still exists anywhere is kept. A plain
        DELETE (never ``multipart-manifest=delete``) removes an SLO
        manifest but not its segments, which may still be referenced.
        """
        return self.origin.retrying(lambda: self._delete_once(task))

    def _delete_once(self, task: ObjectTask) -> Outcome:
        if self.origin.head_object(
                task.account, task.container, task.name,
                query={'multipart-manifest': 'get', 'symlink': 'get'},
                newest=True, retry=False) is not None:
            return Outcome.DELETES_SKIPPED_ORIGIN_EXISTS
        self._before_write(task)
        self.delete_object(task)
        return Outcome.OBJECTS_DELETED

    def delete_unservable(self, task: ObjectTask) -> Outcome:
        """Delete the destination's copy of a name whose origin object is
        a static link or manifest the origin itself does not serve
        (README exception 7): that copy is of an older object, which
        the origin replaced (fuzz seed 7301)."""
        self._before_write(task)
        self.delete_object(task)
        return Outcome.OBJECTS_DELETED

    # --- the destination writes (what Planner records instead) -----------
    def write_object_metadata(self, task: ObjectTask,
                              headers: Mapping[str, str],
                              reason: str) -> None:
        self.dest.post_object(task.account, task.container, task.name,
                              headers, retry=False)
        LOG.debug('posted metadata of %s/%s/%s (%s)', task.account,
                  task.container, task.name, reason)

    def delete_object(self, task: ObjectTask) -> None:
        self.dest.delete_object(task.account, task.container, task.name,
                                retry=False)
        LOG.info('deleted %s/%s/%s (gone from the origin)',
                 self._on_dest(task.account), task.container, task.name)

    def _on_dest(self, account: str) -> str:
        """The destination's name of an origin account (``extra_accounts``
        maps some), for the log lines of destination writes."""
        return getattr(self.dest, 'account_map', {}).get(account, account)

    def create_container(self, account: str, container: str,
                         headers: Mapping[str, str], reason: str) -> None:
        self.dest.put_container(account, container, headers)
        LOG.info('created container %s/%s', self._on_dest(account),
                 container)

    def post_container(self, account: str, container: str,
                       headers: Mapping[str, str], reason: str) -> None:
        self.dest.post_container(account, container, headers)
        LOG.debug('posted %s/%s: %s', account, container, reason)

    def delete_container(self, account: str, container: str) -> bool:
        """True when gone, False when not empty yet."""
        gone = self.dest.delete_container(account, container)
        if gone:
            LOG.info('deleted container %s/%s (gone from the origin)',
                     self._on_dest(account), container)
        return gone

    def post_account(self, account: str, headers: Mapping[str, str],
                     reason: str) -> None:
        self.dest.post_account(account, headers)
        LOG.debug('posted account %s: %s', account, reason)

    def ensure_account(self, account: str) -> bool:
        """Create the destination account if it is missing (a proxy
        without account_autocreate); True when it was created."""
        created = dest_account.ensure_account(self.dest, account)
        if created:
            LOG.info('created destination account %s',
                     self._on_dest(account))
        return created


class Planner(Actions):
    """Dry-run: the same decisions and origin reads, no destination write;
    one JSON line per write that a real run would make."""

    def __init__(self, *args: Any, stream: IO[str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stream = stream

    def _plan(self, action: str, reason: str, account: str,
              container: str | None = None, obj: str | None = None) -> None:
        line = {'action': action, 'account': account}
        if container is not None:
            line['container'] = container
        if obj is not None:
            line['object'] = obj
        line['reason'] = reason
        # A dry run is always given its plan stream (engine: cmd.sync
        # passes stdout).
        assert self.stream is not None
        self.stream.write(json.dumps(line, ensure_ascii=False) + '\n')
        self.stream.flush()

    def copy(self, task: ObjectTask) -> tuple[Outcome, int]:
        row = task.origin or {}
        kind = decide.object_kind(row)
        if decide.is_versioned(row):
            kind = decide.SLO if 'slo_etag' in row else decide.PLAIN
        outcome = {decide.SLO: Outcome.SLOS_COPIED,
                   decide.SYMLINK: Outcome.SYMLINKS_COPIED}.get(
                       kind, Outcome.OBJECTS_COPIED)
        self._before_write(task)
        self._plan('copy', task.decision.reason, task.account,
                   task.container, task.name)
        return outcome, 0 if kind == decide.SLO else row.get('bytes', 0)

    def write_object_metadata(self, task: ObjectTask,
                              headers: Mapping[str, str],
                              reason: str) -> None:
        self._plan('post', reason, task.account, task.container, task.name)

    def delete_object(self, task: ObjectTask) -> None:
        self._plan('delete', 'gone from the origin', task.account,
                   task.container, task.name)

    def create_container(self, account: str, container: str,
                         headers: Mapping[str, str], reason: str) -> None:
        self._plan('containers_created', reason, account, container)

    def post_container(self, account: str, container: str,
                       headers: Mapping[str, str], reason: str) -> None:
        self._plan('containers_posted', reason, account, container)

    def delete_container(self, account: str, container: str) -> bool:
        self._plan('containers_deleted', 'gone from the origin', account,
                   container)
        return True

    def post_account(self, account: str, headers: Mapping[str, str],
                     reason: str) -> None:
        self._plan('accounts_posted', reason, account)

    def ensure_account(self, account: str) -> bool:
        if not dest_account.ensure_account(self.dest, account, dry_run=True):
            return False
        self._plan('accounts_created', 'missing on destination', account)
        return True
