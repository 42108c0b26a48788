"""In-memory Swift clusters for driving swsync.engine without a network.

A ``FakeCluster`` offers what ``Syncer`` and ``Actions`` use from
``swsync.client.swift.Cluster`` (``path``, ``list_page``, ``request``,
``stream``, ``retrying``) and models the Swift behaviour the rules depend on
(doc/swift-api-for-sync.md): JSON listings sorted by UTF-8 bytes and paged by
``marker``/``limit``; account/container POST merging with empty values
removing keys; object POST replacing metadata; Etag verification on PUT;
SLO manifests (``?multipart-manifest=get|put``) and symlinks
(``?symlink=get``, POST answering 307); 409 on deleting a non-empty
container. Every request is recorded, in one log shared by both sides.

Tests can also make a listing lag (objects or containers that exist but
are not listed, or listed but gone) and make requests or pages fail.
"""
import contextlib
import datetime
import hashlib
import io
import json
import urllib.parse

from oslo_config import cfg

from swsync import config
from swsync.engine import Syncer
from swsync.client.errors import SwiftError
from swsync.report import Report
from swsync.client.swift import SwiftOperations
from swsync.throttle import Throttle

MD5_EMPTY = hashlib.md5(b'').hexdigest()
EPOCH = datetime.datetime(1970, 1, 1)
START = 1714557600.0      # 2024-05-01T10:00:00Z

OBJECT_ALLOWED = ('content-disposition', 'content-encoding', 'x-delete-at',
                  'x-object-manifest', 'cache-control', 'content-language',
                  'expires', 'x-robots-tag')
CONTAINER_NAMES = ('x-container-read', 'x-container-write',
                   'x-versions-location', 'x-history-location',
                   'x-versions-enabled')
SLO_KEYS = {'path', 'etag', 'size_bytes', 'range', 'data'}


def md5(data):
    return hashlib.md5(data).hexdigest()


def isoformat(ts):
    """A listing ``last_modified``."""
    dt = EPOCH + datetime.timedelta(microseconds=round(ts * 1e6))
    return dt.strftime('%Y-%m-%dT%H:%M:%S.%f')


def wire_case(name):
    """Header names as a proxy sends them (the engine must lower-case)."""
    return '-'.join(p.capitalize() for p in name.split('-'))


def slo_etag(segments):
    return md5(''.join(s['etag'] for s in segments).encode('ascii'))


class World:
    """The clock and the request log shared by both clusters."""

    def __init__(self, now=START):
        self.now = now
        self.log = []

    def advance(self, seconds):
        self.now += seconds


class Call:
    def __init__(self, side, method, path, query, headers, marker=None):
        self.side = side
        self.method = method
        self.path = path
        self.query = dict(query or {})
        self.headers = {k.lower(): v for k, v in (headers or {}).items()}
        self.marker = marker

    @property
    def parts(self):
        return FakeCluster.split(self.path)

    @property
    def level(self):
        return ('account', 'container', 'object')[len(self.parts) - 1]

    def __repr__(self):
        return '<%s %s %s %r>' % (self.side, self.method, self.path,
                                  self.query)


class Obj:
    def __init__(self, body=b'', meta=None, timestamp=START, slo=None,
                 symlink=None, symlink_account=None, symlink_etag=None):
        self.body = body
        self.meta = dict(meta or {})
        self.meta.setdefault('content-type', 'application/octet-stream')
        self.timestamp = timestamp
        self.slo = slo                  # segments in PUT format
        self.slo_stored = None          # manifest JSON as stored
        self.symlink = symlink          # 'container/object'
        self.symlink_account = symlink_account
        self.symlink_etag = symlink_etag
        self.version_symlink = False    # new-style versioning's link
        self.legacy = False             # SLO listed without slo_etag
        self.unlisted = False           # exists, not (yet) in the listing
        self.ghost = False              # in the listing, gone (404)

    @property
    def kind(self):
        if self.symlink is not None:
            return 'symlink'
        if self.slo is not None:
            return 'slo'
        return 'plain'

    @property
    def etag(self):
        return md5(self.slo_stored if self.slo is not None else self.body)

    @property
    def size(self):
        if self.slo is not None:
            return sum(s['size_bytes'] for s in self.slo)
        return len(self.body)


class Container:
    def __init__(self, meta=None, policy='gold', timestamp=START):
        self.meta = dict(meta or {})
        self.policy = policy
        self.objects = {}
        self.unlisted = False
        self.timestamp = timestamp
        self.versions = 0       # hidden versions (X-Versions-Enabled)


class Account:
    def __init__(self, meta=None):
        self.meta = dict(meta or {})
        self.containers = {}


class FakeResponse:
    def __init__(self, status, headers=None, body=b''):
        self.status_code = status
        self.headers = {wire_case(k): v for k, v in (headers or {}).items()}
        self.content = body
        self.reason = ''
        self.raw = FakeRaw(body)

    def close(self):
        pass


class FakeRaw:
    def __init__(self, body):
        self._buf = io.BytesIO(body)

    def read(self, amt=None, decode_content=True):
        return self._buf.read(-1 if amt is None else amt)


class FakeCluster(SwiftOperations):
    def __init__(self, side, world):
        self.throttle = Throttle()
        self.storage_url = 'http://%s.example/v1/AUTH_admin' % side
        self.side = side
        self.world = world
        self.account_map = {}     # origin account -> this side's
        self.accounts = {}
        self.fail_pages = {}      # (path, marker) -> status
        self.fail_requests = {}   # (method, path) -> status
        self.head_status = {}     # path -> status forced on HEAD
        # False: the gatekeeper shunts a client's X-Timestamp (default)
        self.honour_timestamps = False
        self.tombstones = {}      # (account, container, name) -> time

    # --- seeding (not logged) ----------------------------------------
    def add_account(self, account, meta=None):
        return self.accounts.setdefault(account, Account(meta))

    def add_container(self, account, container, meta=None, policy='gold'):
        acct = self.add_account(account)
        acct.containers[container] = Container(meta, policy, self.world.now)
        return acct.containers[container]

    def add_versioned_object(self, account, container, name, body,
                             link_meta):
        """An object of a new-style versioned container as Swift keeps it
        (doc/swift-api-for-sync.md §5.3): its data as version v1 in the
        hidden container, listed in ``container`` as a static link with
        ``version_symlink``; ``link_meta`` is the link's (the expiry stays
        there). The containers must exist; returns the link."""
        hidden = '\x00versions\x00' + container
        self.add_object(account, hidden, name + '/v1', body,
                        meta={'content-type': 'text/plain'})
        link = self.add_object(account, container, name,
                               symlink=hidden + '/' + name + '/v1',
                               symlink_etag=md5(body), meta=link_meta)
        link.version_symlink = True
        return link

    def add_object(self, account, container, name, body=b'', meta=None,
                   **kw):
        cont = self.accounts[account].containers[container]
        obj = Obj(body, meta, self.world.now, **kw)
        if obj.slo is not None:
            obj.slo_stored = self._store_manifest(obj.slo)
        cont.objects[name] = obj
        return obj

    def obj(self, account, container, name):
        return self.accounts[account].containers[container].objects[name]

    def names(self, account, container=None):
        acct = self.accounts.get(account)
        if acct is None:
            return None
        if container is None:
            return sorted(acct.containers)
        cont = acct.containers.get(container)
        return None if cont is None else sorted(cont.objects)

    def _store_manifest(self, segments):
        """The stored manifest: its segment ``last_modified`` is this
        cluster's, so its hash differs between clusters (§4.4)."""
        stored = []
        for seg in segments:
            row = {'name': seg['path'], 'hash': seg['etag'],
                   'bytes': seg['size_bytes'],
                   'content_type': 'application/octet-stream',
                   'last_modified': isoformat(self.world.now)}
            stored.append(row)
        return json.dumps(stored, sort_keys=True).encode('utf-8')

    # --- the Cluster interface -----------------------------------------
    def path(self, account, container=None, obj=None):
        path = '/v1/' + urllib.parse.quote(account, safe='')
        if container is not None:
            path += '/' + urllib.parse.quote(container, safe='')
            if obj is not None:
                path += '/' + urllib.parse.quote(obj, safe='/')
        return path

    @staticmethod
    def split(path):
        assert path.startswith('/v1/'), path
        parts = path[len('/v1/'):].split('/', 2)
        return [urllib.parse.unquote(p) for p in parts]

    def retrying(self, fn, retry=True):
        """No retry here, but every call counts (tests of the retry
        units)."""
        self.retry_units = getattr(self, 'retry_units', 0) + 1
        return fn()

    def _log(self, method, path, query=None, headers=None, marker=None):
        call = Call(self.side, method, path, query, headers, marker)
        self.world.log.append(call)
        return call

    @property
    def calls(self):
        return [c for c in self.world.log if c.side == self.side]

    def list_page(self, path, marker, limit, missing_ok=False,
                  end_marker=None):
        self._log('LIST', path, {'marker': marker, 'limit': limit,
                                 'end_marker': end_marker}, marker=marker)
        status = self.fail_pages.get((path, marker))
        if status:
            raise SwiftError('GET', path, status)
        parts = self.split(path)
        acct = self.accounts.get(parts[0])
        if len(parts) == 1:
            if acct is None:
                return self._missing(path, missing_ok)
            headers = self._account_headers(acct)
            rows = [self._container_row(n, c)
                    for n, c in acct.containers.items() if not c.unlisted]
        else:
            cont = acct and acct.containers.get(parts[1])
            if cont is None:
                return self._missing(path, missing_ok)
            headers = self._container_headers(cont)
            rows = [self._object_row(n, o) for n, o in cont.objects.items()
                    if not o.unlisted]
        rows.sort(key=lambda r: r['name'].encode('utf-8'))
        rows = [r for r in rows
                if r['name'].encode('utf-8') > marker.encode('utf-8')]
        if end_marker is not None:
            rows = [r for r in rows if r['name'].encode('utf-8') <
                    end_marker.encode('utf-8')]
        return headers, rows[:limit]

    def _missing(self, path, missing_ok):
        if missing_ok:
            return None, []
        raise SwiftError('GET', path, 404)

    def request(self, method, path, query=None, headers=None, data=None,
                ok=None, retry=True):
        call = self._log(method, path, query, headers)
        body = _read_all(data)
        resp = self._handle(call, body)
        return self._check(method, path, resp, ok)

    @contextlib.contextmanager
    def stream(self, method, path, query=None, headers=None, data=None,
               ok=None, retry=True):
        yield self.request(method, path, query, headers, data, ok, retry)

    @staticmethod
    def _check(method, path, resp, ok):
        status = resp.status_code
        if (200 <= status < 300) if ok is None else status in ok:
            return resp
        raise SwiftError(method, path, status)

    # --- request handling ----------------------------------------------
    def _handle(self, call, body):
        forced = self.fail_requests.get((call.method, call.path))
        if forced:
            return FakeResponse(forced)
        if call.method == 'HEAD' and call.path in self.head_status:
            return FakeResponse(self.head_status[call.path])
        parts = call.parts
        handler = getattr(self, '_%s_%s' % (
            call.method.lower(), ('account', 'container',
                                  'object')[len(parts) - 1]))
        return handler(call, body, *parts)

    # accounts
    def _account_headers(self, acct):
        h = dict(acct.meta)
        h.update({
            'x-account-container-count': str(len(acct.containers)),
            'x-account-object-count': str(sum(
                len(c.objects) for c in acct.containers.values())),
            'x-account-bytes-used': '0',
            'x-timestamp': '%.5f' % START,
            'x-trans-id': 'tx-%s' % self.side,
            'content-type': 'application/json; charset=utf-8',
        })
        return h

    def _head_account(self, call, body, account):
        acct = self.accounts.get(account)
        if acct is None:
            return FakeResponse(404)
        return FakeResponse(204, self._account_headers(acct))

    def _put_account(self, call, body, account):
        if account in self.accounts:
            return FakeResponse(202)
        self.add_account(account)
        return FakeResponse(201)

    def _post_account(self, call, body, account):
        acct = self.add_account(account)        # account_autocreate
        _merge(acct.meta, call.headers, ('x-account-meta-',),
               ('x-account-access-control',))
        return FakeResponse(204)

    # containers
    def _container_row(self, name, cont):
        return {'name': name, 'count': len(cont.objects),
                'bytes': sum(o.size for o in cont.objects.values()),
                'last_modified': isoformat(cont.timestamp)}

    def _container_headers(self, cont):
        h = dict(cont.meta)
        h.update({
            'x-storage-policy': cont.policy,
            'x-container-object-count': str(len(cont.objects)),
            'x-container-bytes-used': str(sum(
                o.size for o in cont.objects.values())),
            'x-timestamp': '%.5f' % cont.timestamp,
            'x-trans-id': 'tx-%s' % self.side,
            'content-type': 'application/json; charset=utf-8',
        })
        return h

    def _container(self, account, container):
        acct = self.accounts.get(account)
        return acct and acct.containers.get(container)

    def _head_container(self, call, body, account, container):
        cont = self._container(account, container)
        if cont is None:
            return FakeResponse(404)
        return FakeResponse(204, self._container_headers(cont))

    def _put_container(self, call, body, account, container):
        cont = self._container(account, container)
        policy = call.headers.get('x-storage-policy')
        if cont is not None:
            if policy and policy != cont.policy:
                return FakeResponse(409)
            status = 202
        else:
            cont = self.add_container(account, container,
                                      policy=policy or 'gold')
            status = 201
        _merge(cont.meta, call.headers, ('x-container-meta-',),
               CONTAINER_NAMES)
        return FakeResponse(status)

    def _post_container(self, call, body, account, container):
        cont = self._container(account, container)
        if cont is None:
            return FakeResponse(404)
        _merge(cont.meta, call.headers, ('x-container-meta-',),
               CONTAINER_NAMES)
        return FakeResponse(204)

    def _delete_container(self, call, body, account, container):
        cont = self._container(account, container)
        if cont is None:
            return FakeResponse(404)
        if cont.objects or cont.versions:
            return FakeResponse(409)
        del self.accounts[account].containers[container]
        return FakeResponse(204)

    # objects
    def _object_row(self, name, obj):
        row = {'name': name, 'hash': obj.etag, 'bytes': obj.size,
               'content_type': obj.meta['content-type'],
               'last_modified': isoformat(obj.timestamp)}
        if obj.kind == 'slo' and not obj.legacy:
            row['slo_etag'] = '"%s"' % slo_etag(obj.slo)
        if obj.kind == 'symlink':
            account = obj.symlink_account or self._account_of(obj)
            row['hash'] = MD5_EMPTY
            row['symlink_path'] = '/v1/%s/%s' % (account, obj.symlink)
            if obj.symlink_etag:
                row['symlink_etag'] = obj.symlink_etag
            if obj.version_symlink:
                # listed with its target's hash and bytes (§5.3)
                target = self._find(account, *obj.symlink.split('/', 1))
                row.update({'version_symlink': True, 'hash': target.etag,
                            'bytes': target.size,
                            'content_type': target.meta['content-type']})
                row['symlink_path'] += '?version-id=1'
        return row

    def _account_of(self, obj):
        for name, acct in self.accounts.items():
            for cont in acct.containers.values():
                if any(o is obj for o in cont.objects.values()):
                    return name

    def _find(self, account, container, name):
        cont = self._container(account, container)
        obj = cont and cont.objects.get(name)
        if obj is None or obj.ghost:
            return None
        return obj

    def _resolve(self, call, account, container, name):
        """The object a GET/HEAD reads: symlinks are followed unless
        ``symlink=get``."""
        obj = self._find(account, container, name)
        if obj is not None and obj.version_symlink and \
                'version-id' in call.query:
            # new-style versioning: the version the pointer names
            obj = self._find(account, *obj.symlink.split('/', 1))
        while (obj is not None and obj.kind == 'symlink' and
               call.query.get('symlink') != 'get'):
            account = obj.symlink_account or account
            container, name = obj.symlink.split('/', 1)
            obj = self._find(account, container, name)
        return obj

    def _object_response(self, call, obj, with_body):
        headers = dict(obj.meta)
        body = obj.body
        etag = obj.etag
        if obj.kind == 'slo':
            if call.query.get('multipart-manifest') == 'get':
                if call.query.get('format') == 'raw':
                    body = json.dumps(obj.slo).encode('utf-8')
                else:
                    body = obj.slo_stored
                    headers['content-type'] = (
                        'application/json; charset=utf-8')
                etag = md5(body)
                headers['x-static-large-object'] = 'True'
            else:
                etag = '"%s"' % slo_etag(obj.slo)
                body = b'\0' * obj.size
                headers['x-static-large-object'] = 'True'
                headers['x-manifest-etag'] = obj.etag
        if obj.kind == 'symlink':
            headers['x-symlink-target'] = obj.symlink
            if obj.symlink_account:
                headers['x-symlink-target-account'] = obj.symlink_account
            if obj.symlink_etag:
                headers['x-symlink-target-etag'] = obj.symlink_etag
                headers['x-symlink-target-bytes'] = '1'
            etag = MD5_EMPTY
        headers.update({
            'etag': etag,
            'content-length': str(len(body)),
            'x-timestamp': '%.5f' % obj.timestamp,
            'last-modified': 'Wed, 01 May 2024 10:00:00 GMT',
            'x-trans-id': 'tx-%s' % self.side,
            'accept-ranges': 'bytes',
        })
        return FakeResponse(200, headers, body if with_body else b'')

    def _head_object(self, call, body, account, container, name):
        obj = self._resolve(call, account, container, name)
        if obj is None:
            return FakeResponse(404)
        return self._object_response(call, obj, False)

    def _get_object(self, call, body, account, container, name):
        obj = self._resolve(call, account, container, name)
        if obj is None:
            return FakeResponse(404)
        return self._object_response(call, obj, True)

    def _put_object(self, call, body, account, container, name):
        cont = self._container(account, container)
        if cont is None:
            return FakeResponse(404)
        h = call.headers
        timestamp = self.world.now
        if self.honour_timestamps and 'x-timestamp' in h:
            timestamp = float(h['x-timestamp'])
            old = cont.objects.get(name)
            newest = max(old.timestamp if old else 0,
                         self.tombstones.get((account, container, name), 0))
            if newest >= timestamp:
                return FakeResponse(202)    # not written (§2.2)
        meta = _object_meta(h)
        if 'x-delete-at' in meta and float(meta['x-delete-at']) <= \
                self.world.now:
            return FakeResponse(400)
        if 'content-type' not in meta:
            meta['content-type'] = 'application/octet-stream'
        kw = {}
        if call.query.get('multipart-manifest') == 'put':
            try:
                segments = json.loads(body)
            except ValueError:
                return FakeResponse(400)
            if not isinstance(segments, list) or any(
                    set(s) - SLO_KEYS or not SLO_KEYS & set(s)
                    for s in segments):
                return FakeResponse(400)    # extraneous keys
            for seg in segments:
                if not self._segment_ok(account, seg):
                    return FakeResponse(400)
            if 'etag' in h and h['etag'].strip('"') != slo_etag(segments):
                return FakeResponse(422)
            kw['slo'] = segments
            body = b''
        elif 'x-static-large-object' in h:
            return FakeResponse(400)        # reserved header
        elif 'x-symlink-target' in h:
            if body:
                return FakeResponse(400)
            kw['symlink'] = h['x-symlink-target']
            kw['symlink_account'] = h.get('x-symlink-target-account')
            kw['symlink_etag'] = h.get('x-symlink-target-etag')
            if kw['symlink_etag']:
                target = self._find(kw['symlink_account'] or account,
                                    *kw['symlink'].split('/', 1))
                if target is None or target.etag != kw['symlink_etag']:
                    return FakeResponse(409)
        elif 'etag' in h and h['etag'].strip('"') != md5(body):
            return FakeResponse(422)
        self._before_overwrite(account, cont, name)
        obj = Obj(body, meta, timestamp, **kw)
        if obj.slo is not None:
            obj.slo_stored = self._store_manifest(obj.slo)
        cont.objects[name] = obj
        return FakeResponse(201, {'etag': obj.etag})

    def _segment_ok(self, account, seg):
        """SLO PUT: every segment must exist with its etag and size."""
        if 'data' in seg:
            return True
        container, name = seg['path'].lstrip('/').split('/', 1)
        target = self._find(account, container, name)
        if target is None:
            return False
        etag = target.etag if target.kind != 'slo' else slo_etag(target.slo)
        return (seg.get('etag') in (None, etag) and
                seg.get('size_bytes') in (None, target.size))

    # versioning: legacy stack mode and new-style, as far as swsync's
    # writes are concerned
    @staticmethod
    def _versions_enabled(cont):
        return cont.meta.get('x-versions-enabled', '').lower() == 'true'

    def _before_overwrite(self, account, cont, name):
        if self._versions_enabled(cont):
            cont.versions += 1
        location = cont.meta.get('x-versions-location')
        old = cont.objects.get(name)
        archive = location and self._container(account, location)
        if old is not None and archive is not None:
            archive.objects['%03x%s/%.5f' % (len(name), name,
                                             old.timestamp)] = old

    def _after_delete(self, account, cont, name):
        if self._versions_enabled(cont):
            cont.versions += 1              # a delete marker
        location = cont.meta.get('x-versions-location')
        archive = location and self._container(account, location)
        if archive is None:
            return
        prefix = '%03x%s/' % (len(name), name)
        versions = sorted(n for n in archive.objects if n.startswith(prefix))
        if versions:                        # stack mode restores
            cont.objects[name] = archive.objects.pop(versions[-1])

    def _post_object(self, call, body, account, container, name):
        obj = self._find(account, container, name)
        if obj is None:
            return FakeResponse(404)
        if 'x-symlink-target' in call.headers:
            return FakeResponse(400)
        meta = _object_meta(call.headers)
        if 'x-delete-at' in meta and float(meta['x-delete-at']) <= \
                self.world.now:
            return FakeResponse(400)
        timestamp = self.world.now
        if self.honour_timestamps and 'x-timestamp' in call.headers:
            timestamp = float(call.headers['x-timestamp'])
            if timestamp <= obj.timestamp:
                return FakeResponse(409)
        meta.setdefault('content-type', obj.meta['content-type'])
        obj.meta = meta                     # a POST replaces
        obj.timestamp = timestamp
        if obj.kind == 'symlink':
            # applied to the symlink itself, answered with a redirect
            return FakeResponse(307, {'location': '/v1/%s/%s' % (
                obj.symlink_account or account, obj.symlink)})
        return FakeResponse(202)

    def _delete_object(self, call, body, account, container, name):
        cont = self._container(account, container)
        if cont is None or name not in cont.objects:
            return FakeResponse(404)
        del cont.objects[name]
        self.tombstones[(account, container, name)] = self.world.now
        self._after_delete(account, cont, name)
        return FakeResponse(204)


def _object_meta(headers):
    return {k: v for k, v in headers.items()
            if k == 'content-type' or k in OBJECT_ALLOWED or
            k.startswith('x-object-meta-')}


def _merge(meta, headers, prefixes, names):
    """Account/container POST: sent keys change, empty values remove."""
    for k, v in headers.items():
        if k.startswith(prefixes) or k in names:
            if v == '':
                meta.pop(k, None)
            else:
                meta[k] = v


def _read_all(data):
    if data is None:
        return b''
    if isinstance(data, bytes):
        return data
    chunks = []
    while True:
        chunk = data.read(65536)
        if not chunk:
            break
        chunks.append(chunk)
    return b''.join(chunks)


# --- configuration and runs -------------------------------------------

def make_conf(**overrides):
    conf = cfg.ConfigOpts()
    config.register(conf)
    conf([], default_config_files=[])
    settings = {'listing_limit': 3, 'container_workers': 2,
                'object_workers': 4}
    settings.update(overrides)
    for key, value in settings.items():
        conf.set_override(key, value, group='sync')
    return conf


def run_sync(origin, dest, accounts=('AUTH_a',), dry_run=False,
             approvals=None, **conf):
    """One swsync run between two fake clusters; returns the Report (its
    dry-run plan lines are in ``report.plan_stream``)."""
    report = Report(dry_run=dry_run)
    report.plan_stream = io.StringIO()
    syncer = Syncer(make_conf(**conf), origin, dest, report,
                    dry_run=dry_run, approvals=approvals,
                    plan_stream=report.plan_stream)
    syncer.run(list(accounts))
    report.finish()
    return report
