"""Object actions: copy each kind as what it is, POST metadata, delete.

Origin reads use ``?multipart-manifest=get&format=raw`` so an SLO is read
as its manifest (in the form a PUT accepts) and a DLO as its zero-byte
manifest, and ``symlink=get`` so a symlink is read as a link, never as its
target's data. Objects of a new-style versioned container are listed as
version symlinks; they are read without ``symlink=get`` so their current
version is copied as plain data.
"""
import logging
import time

from swsync import headers as hdrs
from swsync import limits as limits_mod
from swsync.decide import strip_etag
from swsync.errors import SwiftError, SyncError, TargetsMissing

LOG = logging.getLogger(__name__)

SYMLINK_PUT_HEADERS = ('x-symlink-target', 'x-symlink-target-account',
                       'x-symlink-target-etag')
MAX_MANIFEST_BYTES = 16 * 1024 * 1024


class RefusedItem(SyncError):
    """The destination cannot hold this item (a limit); not retried."""


class StreamBody:
    """Exactly ``length`` bytes of a response body, read as they come.

    Raises if the origin body ends early, so the PUT fails at once instead
    of leaving the destination waiting for bytes that never arrive.
    """

    def __init__(self, raw, length):
        self.raw = raw
        self.length = self.remaining = length

    def __len__(self):
        return self.length

    def read(self, size=-1):
        if self.remaining <= 0:
            return b''
        want = self.remaining if size is None or size < 0 else min(
            size, self.remaining)
        chunk = self.raw.read(want, decode_content=False)
        if not chunk:
            raise IOError('origin body ended %d bytes early' % self.remaining)
        self.remaining -= len(chunk)
        return chunk


def origin_query(row):
    query = {'multipart-manifest': 'get', 'format': 'raw'}
    if not (row or {}).get('version_symlink'):
        query['symlink'] = 'get'
    return query


def _true(value):
    return (value or '').lower() in ('true', '1', 'yes', 'on')


class ObjectActions:
    """Copy, post and delete single objects between two clusters."""

    def __init__(self, origin, dest, report, extra_headers=(),
                 expiry_margin=60.0, preserve_timestamps=False,
                 dest_limits=None):
        self.origin = origin
        self.dest = dest
        self.report = report
        self.extra_headers = tuple(h.lower() for h in extra_headers)
        self.expiry_margin = expiry_margin
        self.preserve_timestamps = preserve_timestamps
        self.dest_limits = dest_limits or limits_mod.from_info({})

    def _expires_soon(self, headers):
        value = headers.get('x-delete-at')
        if not value:
            return False
        try:
            return float(value) <= time.time() + self.expiry_margin
        except ValueError:
            return False

    def _metadata(self, headers, preserve):
        """The allow-listed headers to write, plus the origin timestamp
        in preserving mode."""
        meta = hdrs.object_metadata(headers, self.extra_headers)
        if preserve and headers.get('x-timestamp'):
            meta['x-timestamp'] = headers['x-timestamp']
        return meta

    # --- copy ------------------------------------------------------------
    def copy(self, account, container, name, row=None):
        """Copy one object as what it is: plain (streamed), SLO manifest,
        DLO manifest or symlink. A failed attempt is retried from a fresh
        GET (a PUT body cannot be rewound)."""
        outcome, length = self.origin.retrying(
            lambda: self._copy_once(account, container, name, row))
        self.report.count(outcome)
        self.report.bytes_copied += length

    def _copy_once(self, account, container, name, row, timestamps=None):
        preserve = self.preserve_timestamps if timestamps is None \
            else timestamps
        o_path = self.origin.path(account, container, name)
        d_path = self.dest.path(account, container, name)
        with self.origin.stream('GET', o_path, query=origin_query(row),
                                ok=(200, 404)) as resp:
            if resp.status_code == 404:
                # Listed but gone: deleted meanwhile, or expired and not
                # yet reaped. Neither copied nor a reason to delete.
                return 'objects_vanished', 0
            headers = hdrs.wire_headers(resp.headers.items())
            if self._expires_soon(headers):
                return 'objects_expiring', 0
            put = self._metadata(headers, preserve)
            length = int(headers.get('content-length') or 0)
            problem = limits_mod.object_problem(
                name, (row or {}).get('bytes', length), put,
                self.dest_limits)
            if problem:
                raise RefusedItem(problem)
            query = None
            if _true(headers.get('x-static-large-object')):
                outcome, body = 'slos_copied', self._manifest(resp, length)
                query = {'multipart-manifest': 'put'}
                slo_etag = strip_etag((row or {}).get('slo_etag'))
                if slo_etag:
                    put['etag'] = slo_etag
                length = 0
            elif 'x-symlink-target' in headers and not (
                    row or {}).get('version_symlink'):
                outcome, body = 'symlinks_copied', b''
                put.update({k: headers[k] for k in SYMLINK_PUT_HEADERS
                            if k in headers})
                target = put.get('x-symlink-target-account')
                if target:
                    put['x-symlink-target-account'] = \
                        self.dest.account_map.get(target, target)
            else:
                outcome = 'objects_copied'
                put['etag'] = strip_etag(headers.get('etag', ''))
                body = StreamBody(resp.raw, length) if length else b''
            try:
                resp_put = self.dest.request('PUT', d_path, query=query,
                                             headers=put, data=body,
                                             retry=False, ok=(201, 202))
            except SwiftError as exc:
                if outcome == 'objects_copied' or exc.status not in (
                        400, 404, 409, 412, 422):
                    raise
                raise TargetsMissing(exc.method, exc.path, exc.status,
                                     exc.reason)
        if resp_put.status_code == 202 and preserve:
            # The destination holds a newer timestamp (e.g. a tombstone):
            # nothing was written. Write again with a fresh timestamp.
            self.report.count('timestamps_not_applied')
            return self._copy_once(account, container, name, row,
                                   timestamps=False)
        return outcome, length

    @staticmethod
    def _manifest(resp, length):
        if length > MAX_MANIFEST_BYTES:
            raise SyncError('SLO manifest of %d bytes is too large' % length)
        return resp.raw.read(decode_content=False)

    # --- post ------------------------------------------------------------
    def post(self, account, container, name, row=None):
        """Give the destination object the origin's full metadata set.

        An object POST replaces all user metadata and allowed headers, so
        the whole allow-listed set is sent, read from an origin HEAD.
        Redirects are not followed: a POST to a symlink answers 307 and has
        already been applied to the link itself.
        """
        o_path = self.origin.path(account, container, name)
        resp = self.origin.request('HEAD', o_path, query=origin_query(row),
                                   ok=(200, 404))
        if resp.status_code == 404:
            self.report.count('objects_vanished')
            return
        headers = hdrs.wire_headers(resp.headers.items())
        if self._expires_soon(headers):
            self.report.count('objects_expiring')
            return
        meta = self._metadata(headers, self.preserve_timestamps)
        problem = limits_mod.metadata_problem(meta, self.dest_limits,
                                              'x-object-meta-')
        if problem:
            raise RefusedItem(problem)
        d_path = self.dest.path(account, container, name)
        try:
            self.dest.request('POST', d_path, headers=meta, ok=(202, 307))
        except SwiftError as exc:
            if not (exc.status == 409 and 'x-timestamp' in meta):
                raise
            # Preserving mode: the destination already has a newer or
            # equal timestamp; apply the metadata with a fresh one.
            del meta['x-timestamp']
            self.dest.request('POST', d_path, headers=meta, ok=(202, 307))
            self.report.count('timestamps_not_applied')
        self.report.count('objects_posted')

    # --- delete ----------------------------------------------------------
    def delete(self, account, container, name, row=None):
        """Delete on the destination only after the origin confirms 404.

        Listings lag and read one replica; ``X-Newest`` asks every origin
        replica, so an object that still exists anywhere is kept. A plain
        DELETE (never ``multipart-manifest=delete``) removes an SLO
        manifest but not its segments, which may still be referenced.
        """
        o_path = self.origin.path(account, container, name)
        resp = self.origin.request('HEAD', o_path, query={
            'multipart-manifest': 'get', 'symlink': 'get'},
            headers={'x-newest': 'true'}, ok=(200, 404))
        if resp.status_code != 404:
            self.report.count('deletes_skipped_origin_exists')
            return
        self.dest.request('DELETE', self.dest.path(account, container, name),
                          ok=(204, 404))
        self.report.count('objects_deleted')
