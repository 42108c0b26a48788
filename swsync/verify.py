"""``swsync verify``: is the destination a mirror of the origin?

Read-only: it never writes. It shares the walk with sync (the listings,
the march) but not the decision: its comparison is its own, written from
what a client can observe, so a bug in ``decide`` cannot hide from it.

Levels (each includes the previous one):

* ``listing``: containers and objects present on both sides, with the
  same content as listings show it and the same content type;
* ``heads``: account and container metadata, and every object's own
  headers (HEAD) compared by allow-list;
* ``content``: the bytes: plain objects streamed on both sides and their
  MD5s compared (with each other and with the listing), SLO manifests
  compared segment by segment.

It tolerates exactly the documented exceptions (README, "What is
carried, and what is not"), named in ``EXCEPTIONS``; everything else is a
difference, one line each.
"""
import hashlib
import json
import logging
import time
import urllib.parse

from swsync import actions
from swsync import green
from swsync import listing
from swsync.client.errors import SyncError, TransportError
from swsync.client.swift import BODY_ERRORS
from swsync.scope import ContainerScope
from swsync.tasks import attempt

LOG = logging.getLogger(__name__)

LEVELS = ('listing', 'heads', 'content')

EXCEPTIONS = {
    'timestamps': 'timestamps are not compared (not preserved by default)',
    'slo-manifest-etag': "an SLO manifest's own etag differs per cluster; "
                         "a static link to an SLO pins its own cluster's",
    'versions-history': 'new-style versioning: the current version only',
    'delete-markers': 'legacy history-mode delete markers are not carried',
    'expiring': 'objects expiring within the margin or expired are not '
                'carried',
    'sync-settings': 'container sync settings are not carried',
    'broken-on-origin': 'a static link or SLO manifest its origin does not '
                        'serve (target changed or deleted, segment deleted) '
                        'cannot be written',
}

MD5_EMPTY = hashlib.md5(b'', usedforsecurity=False).hexdigest()
OBJECT_HEADERS = (
    'content-type', 'content-encoding', 'content-disposition',
    'content-language', 'cache-control', 'expires', 'x-robots-tag',
    'x-delete-at', 'x-object-manifest', 'x-static-large-object',
    'x-symlink-target', 'x-symlink-target-account', 'x-symlink-target-etag')
CONTAINER_HEADERS = (
    'x-container-read', 'x-container-write', 'x-versions-location',
    'x-history-location', 'x-versions-enabled', 'x-storage-policy',
    'x-container-rfc-compliant-etags')
ACCOUNT_HEADERS = ('x-account-access-control', 'x-account-quota-bytes',
                   'x-account-quota-count', 'x-account-rfc-compliant-etags')


def _etag(value):
    return (value or '').split(';')[0].strip().strip('"')


def _versioned(row):
    return bool(row.get('version_symlink'))


def _version_id(row):
    query = urllib.parse.urlsplit(row.get('symlink_path') or '').query
    return urllib.parse.parse_qs(query).get('version-id', [None])[0]


def listed_content(row):
    """What a listing row says the object serves, in comparable terms."""
    if 'symlink_path' in row and not _versioned(row):
        if 'slo_etag' in row:      # pins its own cluster's manifest etag
            return ('link', row['symlink_path'], _etag(row['slo_etag']),
                    row.get('symlink_bytes'))
        return ('link', row['symlink_path'], _etag(row.get('symlink_etag')))
    if 'slo_etag' in row:
        return ('slo', _etag(row['slo_etag']), row.get('bytes'))
    return ('data', _etag(row.get('hash')), row.get('bytes'))


def _served(row):
    """For a versioned row: what the destination copy must serve."""
    if 'symlink_path' in row and not _versioned(row):
        if 'symlink_etag' in row:
            return ('data', _etag(row['symlink_etag']),
                    row.get('symlink_bytes'))
        return ('data', MD5_EMPTY, 0)
    return listed_content(row)


def compare_rows(origin, dest):
    """Why two listing rows of one name differ, or None."""
    if _versioned(origin) and not _versioned(dest):
        same = listed_content(origin)[1:] == _served(dest)[1:] or (
            'slo_etag' in origin and listed_content(origin) ==
            listed_content(dest))
    else:
        same = listed_content(origin) == listed_content(dest)
    if not same:
        return 'content differs (origin %s, destination %s)' % (
            listed_content(origin), listed_content(dest))
    if origin.get('content_type') != dest.get('content_type'):
        return 'content type differs (%r, %r)' % (
            origin.get('content_type'), dest.get('content_type'))
    return None


def _select(headers, names, prefix):
    return {k: v for k, v in headers.items()
            if k in names or k.startswith(prefix)}


def _secret(key):
    """Temp-URL keys (account and container, -2 too) sign URLs that
    anyone may then use: a difference names them, never their values."""
    return 'temp-url-key' in key or 'sync-key' in key


def _shown(key, value):
    if value is None or not _secret(key):
        return repr(value)
    return '<secret>'


def compare_headers(origin, dest, names, prefix):
    """Differences between two allow-listed header sets."""
    o, d = _select(origin, names, prefix), _select(dest, names, prefix)
    out = []
    for key in sorted(set(o) | set(d)):
        if o.get(key) != d.get(key):
            out.append('%s differs (%s, %s)' % (
                key, _shown(key, o.get(key)), _shown(key, d.get(key))))
    return out


class Verifier:
    """One read-only comparison of the two clusters."""

    def __init__(self, origin, dest, level='listing', workers=16,
                 listing_limit=10000, policy_map=None, expiry_margin=60.0,
                 out=None, scope=None):
        assert level in LEVELS
        self.origin, self.dest = origin, dest
        self.level = LEVELS.index(level)
        self.pool = green.Pool(workers)
        self.limit = listing_limit
        self.policy_map = dict(policy_map or {})
        self.expiry_margin = expiry_margin
        self.out = out
        self.differences = []
        self.errors = []
        self.compared = 0
        self.tolerated = {}
        # the containers sync covers (include/exclude_containers, its own
        # state container): the others are none of the mirror's business
        self.scope = scope or ContainerScope()

    # --- results ---------------------------------------------------------
    def differ(self, scope, reason):
        self.differences.append({'scope': scope, 'difference': reason})
        if self.out is not None:
            self.out.write('%s: %s\n' % (scope, reason))
            self.out.flush()

    def tolerate(self, exception):
        self.tolerated[exception] = self.tolerated.get(exception, 0) + 1

    @property
    def exit_code(self):
        if self.differences or self.errors:
            return 1
        return 0

    # --- the walk ---------------------------------------------------------
    def _open(self, side, account, container=None):
        return listing.open_listing(side, side.path(account, container),
                                    self.limit, missing_ok=True)

    def run(self, accounts):
        for account in accounts:
            try:
                self.account(account)
            except SyncError as exc:
                self.errors.append({'scope': account, 'error': str(exc)})
                self.differ(account, 'could not be compared: %s' % exc)

    def account(self, account):
        o_headers, o_rows = self._open(self.origin, account)
        d_headers, d_rows = self._open(self.dest, account)
        if o_headers is not None and self.level >= 1:
            for reason in compare_headers(o_headers, d_headers or {},
                                          ACCOUNT_HEADERS,
                                          'x-account-meta-'):
                self.differ(account, reason)
        group = green.TaskGroup(self.pool)

        def covered(callback):
            def visit(o, *rest):
                if self.scope.covers(account, o['name']):
                    callback(o, *rest)
            return visit
        result = listing.march(o_rows, d_rows, _Visitor(
            covered(lambda o: self.differ(
                '%s/%s' % (account, o['name']),
                'container missing on the destination')),
            covered(lambda o, d: group.spawn(self._container_guarded,
                                             account, o['name']))))
        group.wait()
        if result.error:
            raise result.error
        for row in result.dest_only:
            if not self.scope.covers(account, row['name']):
                continue
            self.differ('%s/%s' % (account, row['name']),
                        'container only on the destination')

    def _container_guarded(self, account, container):
        scope = '%s/%s' % (account, container)
        _result, failure = attempt(scope, self.container, account, container)
        if failure is not None:
            self._failed(scope, failure)

    def container(self, account, container):
        scope = '%s/%s' % (account, container)
        o_headers, o_rows = self._open(self.origin, account, container)
        d_headers, d_rows = self._open(self.dest, account, container)
        if o_headers is None or d_headers is None:
            if o_headers is not None:
                self.differ(scope, 'container missing on the destination')
            return
        if self.level >= 1:
            o_meta = dict(o_headers)
            policy = o_meta.get('x-storage-policy')
            if policy:
                o_meta['x-storage-policy'] = self.policy_map.get(policy,
                                                                 policy)
            for reason in compare_headers(o_meta, d_headers,
                                          CONTAINER_HEADERS,
                                          'x-container-meta-'):
                self.differ(scope, reason)
        group = green.TaskGroup(self.pool)

        def origin_only(o):
            group.spawn(self._guarded, self._origin_only, account, container,
                        o)

        def both(o, d):
            self.compared += 1
            reason = compare_rows(o, d)
            if reason:
                self.differ('%s/%s' % (scope, o['name']), reason)
            elif self.level >= 1:
                group.spawn(self._guarded, self._object, account, container,
                            o, d)
        result = listing.march(o_rows, d_rows, _Visitor(origin_only, both))
        for row in result.dest_only:
            group.spawn(self._guarded, self._dest_only, account, container,
                        row)
        group.wait()
        if result.error:
            raise result.error

    def _guarded(self, fn, account, container, *rows):
        scope = '%s/%s/%s' % (account, container, rows[0]['name'])
        _result, failure = attempt(scope, fn, account, container, *rows)
        if failure is not None:     # a bug too: never a silent pass
            self._failed(scope, failure)

    def _failed(self, scope, exc):
        self.errors.append({'scope': scope, 'error': str(exc)})
        self.differ(scope, 'could not be compared: %s' % exc)

    # --- objects -------------------------------------------------------------
    def _head(self, side, account, container, row, follow=False):
        query = {}
        if _versioned(row):
            query['version-id'] = _version_id(row)
        if not follow:
            query['symlink'] = 'get'
            if 'slo_etag' not in row or _versioned(row):
                query['multipart-manifest'] = 'get'
        headers = side.head_object(account, container, row['name'],
                                   query=query)
        if follow:
            return headers
        # A versioned object's expiry is on Swift's link to its version.
        return actions.version_link_expiry(side, account, container,
                                           row['name'], row, headers,
                                           retry=True)

    def _origin_only(self, account, container, row):
        scope = '%s/%s/%s' % (account, container, row['name'])
        if (row.get('content_type') or '').startswith(
                'application/x-deleted'):
            return self.tolerate('delete-markers')
        headers = self._head(self.origin, account, container, row)
        if headers is None:
            return self.tolerate('expiring')      # listed, expired
        delete_at = headers.get('x-delete-at')
        if delete_at and float(delete_at) <= time.time() + \
                self.expiry_margin:
            return self.tolerate('expiring')
        if self._broken_on_origin(account, container, row, headers):
            return self.tolerate('broken-on-origin')
        self.differ(scope, 'missing on the destination')

    def _broken_on_origin(self, account, container, row, headers):
        """A static link whose target the origin cannot serve (changed:
        409; deleted: 404), or an SLO manifest with a segment gone or
        changed."""
        if 'x-symlink-target-etag' in headers:
            try:
                return self._head(self.origin, account, container, row,
                                  follow=True) is None
            except SyncError as exc:
                if getattr(exc, 'status', None) == 409:
                    return True
                raise
        if headers.get('x-static-large-object', '').lower() == 'true':
            return actions.segments_unservable(
                self.origin, account,
                self._segments(self.origin, account, container, row))
        return False

    def _dest_only(self, account, container, row):
        if self._head(self.dest, account, container, row) is None:
            return self.tolerate('expiring')      # expired, not reaped
        self.differ('%s/%s/%s' % (account, container, row['name']),
                    'only on the destination')

    def _object(self, account, container, o_row, d_row):
        scope = '%s/%s/%s' % (account, container, o_row['name'])
        o_head = self._head(self.origin, account, container, o_row)
        d_head = self._head(self.dest, account, container, d_row)
        if o_head is None or d_head is None:
            if o_head is not None:
                self.differ(scope, 'listed on the destination but gone')
            return
        o_meta, d_meta = dict(o_head), dict(d_head)
        if 'slo_etag' in o_row and 'x-symlink-target' in o_head:
            o_meta.pop('x-symlink-target-etag', None)
            d_meta.pop('x-symlink-target-etag', None)
        if 'x-symlink-target-account' in o_meta:
            target = o_meta['x-symlink-target-account']
            o_meta['x-symlink-target-account'] = self.dest.account_map.get(
                target, target)
        for reason in compare_headers(o_meta, d_meta, OBJECT_HEADERS,
                                      'x-object-meta-'):
            self.differ(scope, reason)
        if self.level >= 2:
            self._content(account, container, o_row, d_row, o_head, scope)

    def _content(self, account, container, o_row, d_row, o_head, scope):
        if 'x-symlink-target' in o_head:
            return
        if o_head.get('x-static-large-object', '').lower() == 'true':
            o_segments = self._segments(self.origin, account, container,
                                        o_row)
            d_segments = self._segments(self.dest, account, container, d_row)
            if o_segments != d_segments:
                self.differ(scope, 'SLO segments differ')
            return
        o_md5 = self._md5(self.origin, account, container, o_row)
        d_md5 = self._md5(self.dest, account, container, d_row)
        if o_md5 != d_md5:
            self.differ(scope, 'bytes differ (md5 %s, %s)' % (o_md5, d_md5))
        elif d_md5 != _etag(d_row.get('hash')) and not _versioned(d_row):
            self.differ(scope, 'destination bytes do not match its etag')

    def _read(self, side, account, container, row, query):
        """(md5, raw manifest or b'') of a body, or None on 404. The GET
        and the reading of its body are retried together: a body that
        broke off is read again (it escaped as a traceback)."""
        if _versioned(row):
            query['version-id'] = _version_id(row)
        return side.retrying(lambda: self._read_once(
            side, account, container, row['name'], query))

    @staticmethod
    def _read_once(side, account, container, name, query):
        with side.get_object(account, container, name, query=query,
                             retry=False) as resp:
            if resp is None:
                return None
            digest, chunks = hashlib.md5(usedforsecurity=False), []
            try:
                while True:
                    chunk = resp.raw.read(65536, decode_content=False)
                    if not chunk:
                        break
                    digest.update(chunk)
                    if query.get('format') == 'raw':
                        chunks.append(chunk)
            except BODY_ERRORS as exc:
                raise TransportError('GET', side.path(
                    account, container, name), 'body broke off: %s' %
                    exc.__class__.__name__)
            return digest.hexdigest(), b''.join(chunks)

    def _md5(self, side, account, container, row):
        got = self._read(side, account, container, row,
                         {'multipart-manifest': 'get', 'symlink': 'get'})
        return got and got[0]

    def _segments(self, side, account, container, row):
        got = self._read(side, account, container, row, {
            'multipart-manifest': 'get', 'format': 'raw', 'symlink': 'get'})
        return got and json.loads(got[1])

    def as_dict(self):
        return {'level': LEVELS[self.level],
                'objects_compared': self.compared,
                'differences': self.differences,
                'errors': self.errors,
                'tolerated': self.tolerated,
                'exceptions': EXCEPTIONS,
                'exit_code': self.exit_code}


class _Visitor:
    def __init__(self, origin_only, both):
        self.origin_only = origin_only
        self.both = both
