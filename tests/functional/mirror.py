"""An independent mirror checker: is the destination a copy of the origin?

Built on ``swiftapi.Admin`` only (raw requests, raw header values); it
shares no code with swsync. It walks a set of accounts on both clusters
and compares account metadata, containers (existence, metadata, ACLs,
quotas, storage policy, versioning flags) and objects: listing fields
(name, bytes, content_type and content identity), a full HEAD of every
object (``multipart-manifest=get&symlink=get``; for new-style versioned
rows the current version the row names, read with ``version-id``) and
the MD5 of the bytes a plain GET serves (undecoded).

The differences it tolerates are listed in ``TOLERATED``, and nowhere
else: every place that lets a difference pass names its entry there.
"""
import collections
import concurrent.futures
import hashlib
import json
import threading
import time
import urllib.parse


class Tolerance:
    """One documented exception of the mirror contract."""

    def __init__(self, key, doc):
        self.key, self.doc = key, doc

    def __repr__(self):
        return '%s: %s' % (self.key, self.doc)


TOLERATED = [
    Tolerance('E1', 'Timestamps (last_modified, X-Timestamp, '
                    'Last-Modified) are not compared.'),
    Tolerance('E2', 'SLO manifests compare slo_etag, bytes and the bytes '
                    'served, not their listing hash or manifest Etag; a '
                    'static symlink to an SLO compares target path, '
                    'slo_etag and symlink_bytes, not its symlink_etag / '
                    'X-Symlink-Target-Etag.'),
    Tolerance('E3', 'New-style versioning (X-Versions-Enabled): only the '
                    'current version of each object is compared; '
                    '?versions history is not carried. A symlink chain '
                    'through versioned objects that the origin refuses as '
                    'too long (409: each version link is a hop) may be '
                    'served (200) by the destination, where the current '
                    'version is the object itself. A destination container '
                    'whose versioning was switched off says '
                    'X-Versions-Enabled: False where the origin\'s says '
                    'nothing.'),
    Tolerance('E4', 'Legacy history-mode delete markers (application/'
                    'x-deleted;swift_versions_deleted=1, written in the '
                    'archive of an X-History-Location container; it may '
                    'have been unset since) are not carried.'),
    Tolerance('E5', 'An object whose X-Delete-At is at or before the '
                    'run start plus expiry_margin_seconds may be absent on '
                    'the destination, or held there as the copy of an '
                    'earlier version (a dynamic link leading to it then '
                    'answers 404 there; a static link to it answers as '
                    'for that earlier copy there: 200 where the origin\'s '
                    'answers 409 or, once expired, 404); an expired '
                    'object (origin HEAD 404 although listed) is absent '
                    'on both sides.'),
    Tolerance('E6', 'Container sync settings (X-Container-Sync-To/-Key) '
                    'are not carried.'),
    Tolerance('E7', 'A static symlink or SLO manifest that the origin '
                    'itself does not serve (a link whose target changed, '
                    '409, or was deleted, 404; a manifest whose segment was '
                    'deleted or replaced; a symlink to itself, which only '
                    'a versioned container takes) may be absent on the '
                    'destination; '
                    'a dynamic symlink leading to one then answers 404 '
                    'there.'),
]
TOLERATED_KEYS = frozenset(t.key for t in TOLERATED)

DELETE_MARKER = 'application/x-deleted;swift_versions_deleted=1'

ACCOUNT_PREFIXES = ('x-account-meta-', 'x-account-quota-')
ACCOUNT_NAMES = ('x-account-access-control',)
# E6: x-container-sync-to and x-container-sync-key are deliberately absent.
CONTAINER_PREFIXES = ('x-container-meta-',)
CONTAINER_NAMES = ('x-container-read', 'x-container-write',
                   'x-storage-policy', 'x-versions-location',
                   'x-history-location', 'x-versions-enabled')
OBJECT_PREFIXES = ('x-object-meta-',)
OBJECT_NAMES = ('content-type', 'content-encoding', 'content-disposition',
                'content-language', 'cache-control', 'expires',
                'x-robots-tag', 'x-delete-at', 'x-object-manifest',
                'x-static-large-object', 'x-symlink-target',
                'x-symlink-target-account', 'x-symlink-target-bytes')
# Compared separately (E2): a static link to an SLO pins the manifest etag
# of its own cluster.
SYMLINK_ETAG = 'x-symlink-target-etag'

SYMLOOP_MAX = 2       # Swift's default: symlinks followed by one GET
SMALL = 1024 * 1024   # bodies up to this size are fetched and hashed
WORKERS = 4           # objects compared at once


def _select(headers, prefixes, names):
    return {k.lower(): v for k, v in headers.items()
            if k.lower().startswith(prefixes) or k.lower() in names}


def strip_etag(value):
    if value is None:
        return None
    return value.split(';')[0].strip().strip('"')


def version_id(row):
    """The version id a new-style versioned listing row points at."""
    query = urllib.parse.urlsplit(row.get('symlink_path', '')).query
    values = urllib.parse.parse_qs(query).get('version-id')
    return values[0] if values else None


def _true(value):
    return (value or '').lower() in ('true', '1', 'yes', 'on')


class Side:
    """What one cluster says about one object."""

    def __init__(self, admin, account, container, name, row):
        self.row = row
        self.version = version_id(row) if row.get('version_symlink') \
            else None
        params = {'multipart-manifest': 'get', 'symlink': 'get'}
        if self.version:
            params['version-id'] = self.version
        self.head = admin.req('HEAD', account, container, name,
                              params=params)
        self.status = self.head.status_code
        self.headers = {k.lower(): v for k, v in self.head.headers.items()}
        if self.version and self.status == 200:
            # Swift's object_versioning writes every header of a PUT to
            # the version but X-Delete-At/-After (non_expiry_header), which
            # stay on the link to the version (a POST's expiry too): the
            # expiry is the link's, and once the link has expired a GET
            # answers 404 while the version is still served by its id.
            link = admin.req('HEAD', account, container, name,
                             params={'symlink': 'get'})
            if link.status_code == 404:
                self.status = 404
            else:
                self.headers.pop('x-delete-at', None)
                delete_at = link.headers.get('x-delete-at')
                if delete_at:
                    self.headers['x-delete-at'] = delete_at
        self._admin = admin
        self._where = (account, container, name)
        self._served = None

    @property
    def kind(self):
        if SYMLINK_ETAG in self.headers or \
                'x-symlink-target' in self.headers:
            return 'symlink'
        if _true(self.headers.get('x-static-large-object')):
            return 'slo'
        if 'x-object-manifest' in self.headers:
            return 'dlo'
        return 'plain'

    def target_head(self):
        """Headers of a plain HEAD of this symlink's target ({} when it
        answers otherwise than 200)."""
        container, _sep, name = urllib.parse.unquote(
            self.headers.get('x-symlink-target', '')).partition('/')
        if not name:
            return {}
        account = self.headers.get('x-symlink-target-account') or \
            self._where[0]
        r = self._admin.req('HEAD', account, container, name)
        if r.status_code != 200:
            return {}
        return {k.lower(): v for k, v in r.headers.items()}

    def linked_slo_etag(self):
        """The SLO etag of this static link's target: read from the
        target, or from the link's listing row when the target is gone
        (the link was made to an SLO). None: not a link to an SLO."""
        target = self.target_head()
        if _true(target.get('x-static-large-object')):
            return strip_etag(target.get('etag'))
        if not target:
            return strip_etag(self.row.get('slo_etag'))
        return None

    def served(self):
        """(status, md5 of the undecoded body) of a plain GET, which
        follows manifests, symlinks and version pointers."""
        if self._served is None:
            r = self._admin.req('GET', *self._where, stream=True)
            status = r.status_code
            try:
                body = r.raw.read(decode_content=False) \
                    if status == 200 else b''
            except Exception as exc:
                # e.g. an SLO whose segment changed: Swift stops mid-body
                status, body = '200 then %s' % exc.__class__.__name__, b''
            finally:
                r.close()
            self._served = (status, hashlib.md5(body).hexdigest(),
                            {k.lower(): v for k, v in r.headers.items()})
        return self._served


def _links_to_itself(o):
    """Is this a symlink whose target is its own name?"""
    target = o.headers.get('x-symlink-target')
    if not target:
        return False
    container, _sep, name = urllib.parse.unquote(target).partition('/')
    account = o.headers.get('x-symlink-target-account') or o._where[0]
    return (account, container, name) == o._where


def broken_on_origin(o):
    """E7: the origin cannot serve this static link or SLO manifest, or
    this link to itself (Swift refuses one, 400, but in a versioned
    container, where the link is written as a version: fuzz seed 7348)."""
    if SYMLINK_ETAG in o.headers:
        return o.served()[0] in (404, 409)
    if _links_to_itself(o):
        return o.served()[0] == 409
    if (o.headers.get('x-static-large-object') or '').lower() == 'true':
        return o.served()[0] != 200
    return False


class MirrorChecker:
    """Compare ``accounts`` on two clusters.

    ``run_start`` and ``expiry_margin`` are those of the swsync run whose
    result is checked (E5). After ``check()``: ``tolerated`` counts the
    exceptions applied, ``exempt`` holds the (account, container, object)
    names covered by E5 or E7 (a quiet rerun may still touch them), and
    ``compared`` counts the objects compared.
    """

    def __init__(self, origin, destination, accounts, run_start,
                 expiry_margin=60.0):
        self.o, self.d = origin, destination
        self.accounts = list(accounts)
        self.deadline = run_start + expiry_margin
        self.tolerated = collections.Counter()
        self.exempt = set()
        self.compared = 0
        self.diffs = []
        self._lock = threading.Lock()

    def tolerate(self, key, where=None):
        assert key in TOLERATED_KEYS, key
        with self._lock:
            self.tolerated[key] += 1
            if where is not None and key in ('E5', 'E7'):
                self.exempt.add(where)

    def exempt_broken(self, o, where):
        """An object under E7 is tried again by every run (its link target
        or its manifest's segments are read too): exempt from I3."""
        names = {where}
        if SYMLINK_ETAG in o.headers:
            # a static link to an SLO: its target is read on both sides
            container, _sep, name = urllib.parse.unquote(
                o.headers.get('x-symlink-target', '')).partition('/')
            names.add((o.headers.get('x-symlink-target-account') or
                       where[0], container, name))
        elif o.kind == 'slo':
            self._segment_names(where[0], where[1:], names)
        with self._lock:
            self.exempt.update(names)

    def _segment_names(self, account, path, names, depth=0):
        """The segments an origin SLO lists, and theirs when nested (a
        segment's path holds names, not quoted ones)."""
        r = self.o.req('GET', account, *path, params={
            'multipart-manifest': 'get', 'format': 'raw'})
        try:
            segments = r.json() if r.status_code == 200 else []
        except ValueError:
            segments = []
        for seg in segments if isinstance(segments, list) else []:
            container, _sep, name = (seg.get('path') or '').lstrip(
                '/').partition('/')
            if name and (account, container, name) not in names:
                names.add((account, container, name))
                if depth < 10:
                    self._segment_names(account, (container, name), names,
                                        depth + 1)

    def diff(self, where, text):
        with self._lock:
            self.diffs.append('%s: %s' % ('/'.join(where), text))

    def check(self):
        with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
            self._pool = pool
            for account in self.accounts:
                self._account(account)
        return sorted(self.diffs)

    # --- accounts and containers -----------------------------------------
    def _account(self, account):
        heads = [a.req('HEAD', account, ok=(200, 204, 404))
                 for a in (self.o, self.d)]
        meta = [_select(h.headers, ACCOUNT_PREFIXES, ACCOUNT_NAMES)
                if h.status_code != 404 else {} for h in heads]
        self._compare_dicts((account,), 'account header', *meta)
        names = set()
        for admin in (self.o, self.d):
            names.update(c['name'] for c in admin.listing(account) or [])
        conts = {}
        for name in sorted(names):
            heads = [a.req('HEAD', account, name, ok=(200, 204, 404))
                     for a in (self.o, self.d)]
            if heads[0].status_code == 404 and heads[1].status_code == 404:
                continue
            if heads[1].status_code == 404:
                self.diff((account, name), 'container missing on '
                          'destination')
                continue
            if heads[0].status_code == 404:
                self.diff((account, name), 'container only on destination')
                continue
            conts[name] = [_select(h.headers, CONTAINER_PREFIXES,
                                   CONTAINER_NAMES) for h in heads]
            o_meta, d_meta = conts[name]
            if 'x-versions-enabled' not in o_meta and (d_meta.get(
                    'x-versions-enabled') or '').lower() == 'false':
                # E3: Swift cannot take new-style versioning off a
                # container, only suspend it; the origin's, deleted and
                # created again without it, has none (fuzz seed 7431).
                d_meta = {k: v for k, v in d_meta.items()
                          if k != 'x-versions-enabled'}
                conts[name] = [o_meta, d_meta]
                self.tolerate('E3')
            self._compare_dicts((account, name), 'container header',
                                *conts[name])
        for name in sorted(conts):
            self._container(account, name)

    def _compare_dicts(self, where, what, o, d):
        for key in sorted(set(o) | set(d)):
            if o.get(key) != d.get(key):
                self.diff(where, '%s %s: origin %r, destination %r' % (
                    what, key, o.get(key), d.get(key)))

    def _container(self, account, container):
        o_rows = {r['name']: r for r in
                  self.o.listing(account, container) or []}
        d_rows = {r['name']: r for r in
                  self.d.listing(account, container) or []}
        jobs = [self._pool.submit(self._object, (account, container, name),
                                  o_rows.get(name), d_rows.get(name))
                for name in sorted(set(o_rows) | set(d_rows))]
        for job in jobs:
            job.result()

    # --- objects ---------------------------------------------------------
    def _object(self, where, o_row, d_row):
        o = d = None
        if o_row is not None:
            o = Side(self.o, *where, o_row)
            if o.status == 404:
                # E5: listed but expired (not reaped): absent on both
                # sides, whatever the destination holds.
                self.tolerate('E5', where)
                return
        if o is not None:
            delete_at = o.headers.get('x-delete-at')
            if delete_at and float(delete_at) <= time.time() + 2:
                # E5: expires while it is being compared: as expired.
                self.tolerate('E5', where)
                return
            # A quiet rerun may still touch these (I3 exemptions).
            if delete_at and float(delete_at) <= self.deadline:
                with self._lock:
                    self.exempt.add(where)
                # E5: not copied, so the destination may hold the copy of
                # an earlier version (an overwrite that expires within the
                # margin), until the origin reaps it (fuzz seed 7103).
                self.tolerate('E5', where)
                return
            elif broken_on_origin(o):
                self.exempt_broken(o, where)
        if d_row is not None:
            d = Side(self.d, *where, d_row)
            if d.status == 404:
                d = None
        if o is None and d is None:
            return
        if d is None:
            self._missing(where, o,
                          dest_listed=d_row is not None)
            return
        if o is None:
            self.diff(where, 'object only on destination')
            return
        with self._lock:
            self.compared += 1
        if o.status != d.status:
            self.diff(where, 'HEAD status: origin %s, destination %s' % (
                o.status, d.status))
            return
        self.tolerate('E1')
        if o_row.get('version_symlink') or d_row.get('version_symlink'):
            self.tolerate('E3')
        self._listing(where, o, d)
        self._headers(where, o, d)
        self._served(where, o, d)

    def _missing(self, where, o, dest_listed):
        delete_at = o.headers.get('x-delete-at')
        if delete_at and float(delete_at) <= self.deadline:
            self.tolerate('E5', where)
            return
        # E4 by content type, in any container: Swift answers a client
        # PUT of this content type 400, so only legacy history mode
        # writes one, in the archive, and it stays there when the
        # container's X-History-Location is removed or moved later.
        if o.row.get('content_type') == DELETE_MARKER:
            self.tolerate('E4')
            return
        if broken_on_origin(o):
            self.tolerate('E7', where)
            return
        self.diff(where, 'object missing on destination%s (origin: %s)' % (
            ' (listed there, but HEAD 404)' if dest_listed else '',
            describe(o)))

    def _listing(self, where, o, d):
        o_row, d_row = o.row, d.row
        if o_row.get('version_symlink') or d_row.get('version_symlink'):
            # E3: a version pointer's row shows the content type without
            # its parameters; the current version's own Content-Type is
            # compared from its HEAD and from the GET instead.
            pass
        elif o_row.get('content_type') != d_row.get('content_type'):
            self.diff(where, 'listing content_type: origin %r, destination '
                      '%r' % (o_row.get('content_type'),
                              d_row.get('content_type')))
        ids = [identity(s) for s in (o, d)]
        if None not in ids and ids[0] != ids[1]:
            if ids[0][0] == 'slo' or ids[1][0] == 'slo':
                self.tolerate('E2')
            self.diff(where, 'listing identity: origin %r, destination %r'
                      % tuple(ids))
        elif ids[0] and ids[0][0] in ('slo', 'symlink-slo'):
            self.tolerate('E2')

    def _headers(self, where, o, d):
        ho = _select(o.headers, OBJECT_PREFIXES, OBJECT_NAMES)
        hd = _select(d.headers, OBJECT_PREFIXES, OBJECT_NAMES)
        self._compare_dicts(where, 'object header', ho, hd)
        if o.kind != 'slo' and d.kind != 'slo' and \
                strip_etag(o.headers.get('etag')) != \
                strip_etag(d.headers.get('etag')):
            self.diff(where, 'Etag: origin %r, destination %r' % (
                o.headers.get('etag'), d.headers.get('etag')))
        elif o.kind == 'slo':
            self.tolerate('E2')
        e_o, e_d = o.headers.get(SYMLINK_ETAG), d.headers.get(SYMLINK_ETAG)
        if e_o == e_d:
            return
        if e_o and e_d:
            # E2: a static link to an SLO pins its own cluster's manifest
            # etag; compare what it points at instead (the SLO etag), read
            # from the target itself: a GET through the link can fail on
            # both sides alike (Swift looks the segments of an SLO in
            # another account up in the link's account: 409).
            eo, ed = o.linked_slo_etag(), d.linked_slo_etag()
            if eo and ed:
                self.tolerate('E2')
                if eo != ed:
                    self.diff(where, 'static link to SLO: target slo etag'
                              ' origin %r, destination %r' % (eo, ed))
                return
            if broken_on_origin(o) and d.served()[0] == o.served()[0]:
                # E2 and E7: a link to an SLO since replaced, broken alike
                # on both sides, each pinning its own cluster's manifest
                # etag (fuzz seed 7450)
                self.tolerate('E2')
                return
        self.diff(where, 'object header %s: origin %r, destination %r' % (
            SYMLINK_ETAG, e_o, e_d))

    def _served(self, where, o, d):
        if max(o.row.get('bytes', 0), d.row.get('bytes', 0)) > SMALL:
            return
        so, sd = o.served(), d.served()
        if so[0] != sd[0] and sd[0] == 404 and self._leads_to_broken(o):
            # E7: the link is carried, what it leads to is not.
            self.tolerate('E7')
        elif so[0] != sd[0] and sd[0] == 404 and \
                self._leads_to_expiring(o):
            # E5: the link is carried, the object it leads to expires
            # within the margin and was not copied (fuzz seed 7090).
            self.tolerate('E5', where)
        elif so[0] != sd[0] and SYMLINK_ETAG in o.headers and \
                self._leads_to_expiring(o, through_static=True):
            # E5: a static link whose target was overwritten with content
            # expiring within the margin: the origin's link no longer
            # matches it (409), the destination's still matches the
            # previous copy it keeps (200) (fuzz seed 7959).
            self.tolerate('E5', where)
        elif (so[0], sd[0]) == (404, 200) and self._leads_to_unreaped(o):
            # E5: the object the link leads to expired on the origin and
            # is not reaped yet; the destination keeps its previous copy
            # (an overwrite expiring within the margin, fuzz seed 7409).
            self.tolerate('E5', where)
        elif (so[0], sd[0]) == (409, 200) and self._long_by_versions(o):
            # E3: the version links made the origin's chain too long.
            self.tolerate('E3')
        elif so[0] != sd[0]:
            self.diff(where, 'GET status: origin %s, destination %s' % (
                so[0], sd[0]))
        elif so[0] == 200 and (so[1] != sd[1] or so[2].get(
                'content-type') != sd[2].get('content-type')) and \
                self._leads_to_expiring(o):
            # E5: the link is carried; the object it leads to was
            # overwritten with content expiring within the margin, and
            # the destination keeps (and serves) its previous copy
            # (fuzz seed 7409).
            self.tolerate('E5', where)
        elif so[1] != sd[1]:
            self.diff(where, 'GET body md5: origin %s, destination %s' % (
                so[1], sd[1]))
        elif so[0] == 200 and so[2].get('content-type') != \
                sd[2].get('content-type'):
            self.diff(where, 'GET Content-Type: origin %r, destination %r'
                      % (so[2].get('content-type'),
                         sd[2].get('content-type')))

    def _leads_to_unreaped(self, side):
        """E5: is this origin link's target (a static link's too, fuzz
        seed 7959) still listed on the origin while it answers 404
        (expired, not reaped yet)?"""
        if side.kind != 'symlink':
            return False
        container, _sep, name = urllib.parse.unquote(
            side.headers['x-symlink-target']).partition('/')
        account = side.headers.get('x-symlink-target-account') or \
            side._where[0]
        if self.o.req('HEAD', account, container, name,
                      ok=None).status_code != 404:
            return False
        r = self.o.req('GET', account, container, params={
            'format': 'json', 'prefix': name, 'limit': 1}, ok=None)
        rows = json.loads(r.content) if r.status_code == 200 else []
        return bool(rows) and rows[0].get('name') == name

    def _follow(self, side):
        """One hop of an origin symlink: (the target read as Side, whether
        it is a versioned object, read as its current version)."""
        container, _sep, name = urllib.parse.unquote(
            side.headers['x-symlink-target']).partition('/')
        account = side.headers.get('x-symlink-target-account') or \
            side._where[0]
        target = Side(self.o, account, container, name, {})
        link = target.headers.get('x-symlink-target', '')
        if 'x-object-version-id' in target.headers and \
                '?version-id=' in link:
            # the current version of a versioned object: as itself
            return Side(self.o, account, container, name, {
                'version_symlink': True, 'symlink_path': link}), True
        return target, False

    def _long_by_versions(self, side):
        """E3: does this origin symlink chain pass through a versioned
        object (a version link, one more hop) while its own links are no
        more than SYMLOOP_MAX?"""
        links, versions = 0, side.version is not None
        while side.kind == 'symlink' and links <= SYMLOOP_MAX:
            links += 1
            side, through_version = self._follow(side)
            versions = versions or through_version
            if side.status != 200:
                return False
        return versions and links <= SYMLOOP_MAX

    def _leads_to_broken(self, side, hops=4):
        """E7: does this origin symlink lead (through dynamic links) to a
        static link or an SLO manifest that the origin cannot serve?"""
        return self._leads_to(side, broken_on_origin, hops)

    def _leads_to_expiring(self, side, hops=4, through_static=False):
        """E5: does this origin symlink lead (through dynamic links, and
        static ones if through_static) to an object whose X-Delete-At is
        at or before the run start plus the expiry margin (not copied, so
        absent on the destination or held as an earlier copy)?"""
        def expiring(target):
            delete_at = target.headers.get('x-delete-at')
            return bool(delete_at) and float(delete_at) <= self.deadline
        return self._leads_to(side, expiring, hops, through_static)

    def _leads_to(self, side, test, hops, through_static=False):
        """Does this origin symlink lead through dynamic links (and
        static ones if through_static) to an object (read as Side, a
        versioned one as its current version) for which test(side) is
        true?"""
        for _hop in range(hops):
            if side.kind != 'symlink' or (
                    SYMLINK_ETAG in side.headers and not through_static):
                return False
            side, _through_version = self._follow(side)
            if side.status != 200:
                return False
            if test(side):
                return True
        return False


def identity(side):
    """Content identity from a listing row (None when the row cannot
    tell: a version pointer to a user symlink, compared by its HEAD)."""
    row = side.row
    slo_etag = strip_etag(row.get('slo_etag'))
    if row.get('version_symlink'):
        if side.kind == 'symlink':
            return None
        if slo_etag:
            return ('slo', slo_etag, row.get('bytes'))
        return ('data', row.get('hash'), row.get('bytes'))
    if 'symlink_path' in row:
        if slo_etag:   # E2: static link to an SLO
            return ('symlink-slo', row['symlink_path'], slo_etag,
                    row.get('symlink_bytes'))
        return ('symlink', row['symlink_path'], row.get('symlink_etag'),
                row.get('symlink_bytes'))
    if slo_etag:
        return ('slo', slo_etag, row.get('bytes'))
    return ('data', row.get('hash'), row.get('bytes'))


def describe(side):
    keys = ('content-type', 'x-symlink-target', 'x-static-large-object',
            'x-object-manifest', 'x-delete-at')
    return ', '.join('%s=%s' % (k, side.headers[k]) for k in keys
                     if k in side.headers) or 'status %s' % side.status


def check_mirror(origin, destination, accounts, run_start,
                 expiry_margin=60.0):
    """Differences between the two clusters (a list of strings), and the
    checker (for its ``tolerated`` and ``exempt``)."""
    checker = MirrorChecker(origin, destination, accounts, run_start,
                            expiry_margin)
    return checker.check(), checker
