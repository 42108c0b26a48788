"""A seeded generator of origin operations, and the model of what exists.

``Generator`` draws operations from ``random.Random(seed)`` against an
in-memory ``Model`` of the origin, so that it only produces valid
operations (it knows which containers and objects exist, which are
SLOs, which containers are frozen by a quota...). ``Executor`` performs
one operation on the origin with ``swiftapi.Admin`` and updates the model
with what Swift accepted: a refused operation (413 from a quota, 409 from
a container that still holds versions...) changes nothing and is logged
with its status.

Operations are plain JSON-able dicts, so a sequence can be stored and
replayed as-is (``tests/functional/model_cases/*.json``) whatever the
generator has become. Values that only exist at execution time are
symbolic: ``"+86400"`` for an X-Delete-At relative to now, ``"auto"`` for
the etag a static symlink pins (read from the origin just before the
PUT).

Nothing here imports swsync.
"""
import base64
import gzip
import hashlib
import json
import random
import time
import urllib.parse

# Bump when the generator draws differently for the same seed; the
# regression seeds file records the version each seed was found with.
GENERATOR_VERSION = 1

ACCOUNTS = ('a', 'b')
CONTAINER_NAMES = ('c0', 'c1', 'c2', 'cont ü', 'c%25x', 'pics-✓')
OBJECT_NAMES = (
    'obj', 'a b', 'ünï cödé ✓', '100%', 'pct%20x', '/leading', 'trailing/',
    'double//slash', 'd1/d2/file', '%', 'emoji-\U0001F600', 'plus+amp&=;',
    "quo'te", 'x' * 120)
CONTENT_TYPES = ('application/octet-stream', 'text/plain', 'image/png',
                 'text/html; charset=utf-8', 'application/x-custom;v=1')
META_KEYS = ('Color', 'Owner', 'Pct', 'Uni', 'Long', 'Note')
META_VALUES = ('blue', 'ops', 'a%20b', 'héllo wörld', '日本', 'x' * 200,
               'semi;colon', '100%')
CONTAINER_LIMIT = 14    # objects per container (delete floor is 20)
CONTAINERS_PER_ACCOUNT = 6
DELETE_MARKER = 'application/x-deleted;swift_versions_deleted=1'


def quote(text, safe=''):
    return urllib.parse.quote(text.encode('utf-8'), safe=safe)


def md5(data):
    return hashlib.md5(data).hexdigest()


def body_of(op):
    """The bytes an object PUT sends (deterministic from the op)."""
    data = random.Random(op['fill']).randbytes(op['size'])
    if op.get('gzip'):
        data = gzip.compress(data, mtime=0)
    return data


def resolve_headers(headers):
    """Header values to send: ``+N`` X-Delete-At offsets made absolute,
    everything as UTF-8 bytes (Swift stores the raw bytes)."""
    out = {}
    for key, value in (headers or {}).items():
        if key.lower() == 'x-delete-at' and value.startswith('+'):
            value = str(int(time.time()) + int(value[1:]))
        out[key] = value.encode('utf-8')
    return out


# --- the model -----------------------------------------------------------

class Obj:
    """What the origin holds under one name (as far as the model knows)."""

    def __init__(self, kind, etag=None, size=0, content_type=None,
                 meta=None, delete_at=None, target=None, static=False,
                 manifest=None, fill=None):
        self.kind = kind            # plain, slo, dlo, symlink, unknown
        self.etag = etag
        self.size = size
        self.content_type = content_type
        self.meta = dict(meta or {})
        self.delete_at = delete_at
        self.target = target        # (acct, container, name) of a link
        self.static = static
        self.manifest = manifest    # DLO X-Object-Manifest
        self.fill = fill            # (size, fill, gzip) of a plain PUT
        self.nested = []            # (container, name) of nested SLOs

    def live(self, now=None):
        return self.delete_at is None or \
            self.delete_at > (now or time.time()) + 2


class Cont:
    def __init__(self, policy=None, meta=None):
        self.objects = {}
        self.policy = policy
        self.meta = dict(meta or {})
        self.read = None
        self.quota_count = None
        self.quota_bytes = None
        self.legacy = None           # None, 'stack' or 'history'
        self.archive = None          # archive container name (legacy)
        self.versioned = None        # None, True (on) or False (suspended)
        self.opaque = False          # Swift adds/restores names by itself

    def frozen(self, size=0):
        if self.quota_count is not None and \
                len(self.objects) + 1 > self.quota_count:
            return True
        if self.quota_bytes is not None and \
                sum(o.size for o in self.objects.values()) + size > \
                self.quota_bytes:
            return True
        return False


class Model:
    """The origin, as written by the executor (symbolic account keys)."""

    def __init__(self):
        self.accounts = {a: {'meta': {}, 'containers': {}}
                         for a in ACCOUNTS}

    def conts(self, acct):
        return self.accounts[acct]['containers']

    def cont(self, acct, c):
        return self.conts(acct).get(c)

    def obj(self, acct, c, o):
        cont = self.cont(acct, c)
        return cont.objects.get(o) if cont else None

    def live_objects(self, kinds=None):
        """[(acct, container, name, Obj)] of unexpired objects."""
        now = time.time()
        out = []
        for acct in ACCOUNTS:
            for c, cont in sorted(self.conts(acct).items()):
                for name, obj in sorted(cont.objects.items()):
                    if obj.live(now) and (kinds is None or obj.kind in kinds):
                        out.append((acct, c, name, obj))
        return out

    def names(self, acct):
        """{container: set(names)} as the model believes them."""
        return {c: set(cont.objects) for c, cont in
                self.conts(acct).items()}

    def present(self, acct, c, o=None, now=None):
        """Whether a name exists (and, for an object, has not expired)."""
        cont = self.cont(acct, c)
        if cont is None:
            return False
        if o is None:
            return True
        obj = cont.objects.get(o)
        return obj is not None and obj.live(now)


# --- executing operations on the origin ----------------------------------

class Executor:
    """Performs operations on the origin and keeps the model in step."""

    def __init__(self, admin, account_names, model):
        self.admin = admin
        self.names = account_names     # {'a': 'AUTH_...', 'b': ...}
        self.model = model

    def apply(self, op):
        """Run one operation; returns a short outcome (statuses)."""
        fn = getattr(self, 'do_' + op['op'])
        outcome = fn(op)
        for acct, c in self._touched_containers(op):
            cont = self.model.cont(acct, c)
            if cont is not None and cont.opaque:
                self.refresh(acct, c)
        return outcome

    def _touched_containers(self, op):
        if 'c' not in op:
            return []
        out = [(op['acct'], op['c'])]
        cont = self.model.cont(op['acct'], op['c'])
        if cont is not None and cont.archive:
            out.append((op['acct'], cont.archive))
        return out

    def refresh(self, acct, c):
        """Take a container's names from the origin listing (containers
        where Swift itself archives, restores or hides versions)."""
        cont = self.model.cont(acct, c)
        rows = self.admin.listing(self.names[acct], c)
        if rows is None:
            del self.model.conts(acct)[c]
            return
        objects = {}
        for row in rows:
            old = cont.objects.get(row['name'])
            etag = row.get('slo_etag') or row['hash']
            if old is not None and old.etag == etag:
                objects[row['name']] = old
                continue
            kind = 'unknown'
            if row.get('content_type') == DELETE_MARKER:
                kind = 'marker'
            objects[row['name']] = Obj(kind, etag=etag, size=row['bytes'],
                                       content_type=row['content_type'])
        cont.objects = objects

    def _req(self, method, acct, c=None, o=None, **kw):
        return self.admin.req(method, self.names[acct], c, o, **kw)

    def _put_obj(self, acct, c, o, data, headers, params=None):
        return self._req('PUT', acct, c, o, data=data, params=params,
                         headers=resolve_headers(headers)).status_code

    def _new_obj(self, acct, c, o, obj):
        cont = self.model.cont(acct, c)
        if cont is not None:
            cont.objects[o] = obj

    @staticmethod
    def _delete_at(headers):
        for key, value in (headers or {}).items():
            if key.lower() == 'x-delete-at':
                return time.time() + int(value[1:]) \
                    if value.startswith('+') else float(value)
            if key.lower() == 'x-delete-after':
                return time.time() + int(value)
        return None

    @staticmethod
    def _meta(headers):
        return {k.lower(): v for k, v in (headers or {}).items()
                if k.lower().startswith('x-object-meta-')}

    def do_put(self, op):
        data = body_of(op)
        status = self._put_obj(op['acct'], op['c'], op['o'], data,
                               op.get('headers'))
        if status == 201:
            h = op.get('headers', {})
            self._new_obj(op['acct'], op['c'], op['o'], Obj(
                'plain', etag=md5(data), size=len(data),
                content_type=h.get('Content-Type'), meta=self._meta(h),
                delete_at=self._delete_at(h),
                fill=(op['size'], op['fill'], bool(op.get('gzip')))))
        return status

    def do_post(self, op):
        h = op.get('headers', {})
        status = self._req('POST', op['acct'], op['c'], op['o'],
                           headers=resolve_headers(h)).status_code
        obj = self.model.obj(op['acct'], op['c'], op['o'])
        if status in (202, 307) and obj is not None:
            obj.meta = self._meta(h)
            obj.delete_at = self._delete_at(h)
            if 'Content-Type' in h:
                obj.content_type = h['Content-Type']
            if obj.kind == 'dlo' and 'X-Object-Manifest' not in h:
                obj.kind, obj.manifest = 'plain', None
        elif status == 404 and obj is not None and not obj.live():
            pass    # expired meanwhile: still listed until reaped
        return status

    def do_delete(self, op):
        status = self._req('DELETE', op['acct'], op['c'], op['o']
                           ).status_code
        cont = self.model.cont(op['acct'], op['c'])
        if status in (204, 404) and cont is not None:
            obj = cont.objects.get(op['o'])
            if status == 204 or obj is None or obj.live():
                cont.objects.pop(op['o'], None)
        return status

    def _ensure_container(self, acct, c):
        if self.model.cont(acct, c) is None:
            status = self._req('PUT', acct, c).status_code
            if status in (201, 202):
                self.model.conts(acct)[c] = Cont()

    def do_slo(self, op):
        acct, segc = op['acct'], op['segc']
        self._ensure_container(acct, segc)
        manifest, statuses = [], []
        for seg in op['segs']:
            if 'new' in seg:
                new = seg['new']
                data = body_of(new)
                status = self._put_obj(acct, segc, new['name'], data,
                                       {'Content-Type': 'application/x-seg'})
                statuses.append(status)
                if status == 201:
                    self._new_obj(acct, segc, new['name'], Obj(
                        'plain', etag=md5(data), size=len(data),
                        content_type='application/x-seg'))
                entry = {'path': '/%s/%s' % (segc, new['name']),
                         'etag': md5(data), 'size_bytes': len(data)}
                if 'range' in seg:
                    entry['range'] = seg['range']
                manifest.append(entry)
            elif 'data' in seg:
                manifest.append({'data': base64.b64encode(
                    seg['data'].encode('utf-8')).decode('ascii')})
            else:
                manifest.append({'path': '/%s/%s' % tuple(seg['nested'])})
        r = self._req('PUT', acct, op['c'], op['o'],
                      data=json.dumps(manifest).encode('utf-8'),
                      params={'multipart-manifest': 'put'},
                      headers=resolve_headers(op.get('headers')))
        if r.status_code == 201:
            h = op.get('headers', {})
            obj = Obj('slo', etag=r.headers.get('etag'),
                      size=op.get('size') or 0,
                      content_type=h.get('Content-Type'), meta=self._meta(h),
                      delete_at=self._delete_at(h))
            obj.nested = [tuple(seg['nested']) for seg in op['segs']
                          if 'nested' in seg]
            self._new_obj(acct, op['c'], op['o'], obj)
        return statuses + [r.status_code]

    def do_dlo(self, op):
        acct, segc = op['acct'], op['segc']
        self._ensure_container(acct, segc)
        statuses = []
        for seg in op['segs']:
            data = body_of(seg)
            status = self._put_obj(acct, segc, seg['name'], data,
                                   {'Content-Type': 'application/x-seg'})
            statuses.append(status)
            if status == 201:
                self._new_obj(acct, segc, seg['name'], Obj(
                    'plain', etag=md5(data), size=len(data),
                    content_type='application/x-seg'))
        h = dict(op.get('headers', {}))
        h['X-Object-Manifest'] = '%s/%s' % (quote(segc), quote(op['prefix']))
        status = self._put_obj(acct, op['c'], op['o'], b'', h)
        if status == 201:
            self._new_obj(acct, op['c'], op['o'], Obj(
                'dlo', etag=md5(b''), size=0,
                content_type=h.get('Content-Type'), meta=self._meta(h),
                manifest=h['X-Object-Manifest'],
                delete_at=self._delete_at(h)))
        return statuses + [status]

    def do_symlink(self, op):
        h = dict(op.get('headers', {}))
        tacct, tc, to = op['target']
        h['X-Symlink-Target'] = quote('%s/%s' % (tc, to), safe='/')
        if tacct != op['acct']:
            h['X-Symlink-Target-Account'] = self.names[tacct]
        if op.get('static'):
            r = self._req('HEAD', tacct, tc, to, params={
                'multipart-manifest': 'get', 'symlink': 'get'})
            if r.status_code != 200:
                return 'target %s' % r.status_code
            h['X-Symlink-Target-Etag'] = r.headers['etag'].strip('"')
        status = self._put_obj(op['acct'], op['c'], op['o'], b'', h)
        if status == 201:
            self._new_obj(op['acct'], op['c'], op['o'], Obj(
                'symlink', etag=md5(b''), size=0,
                content_type=h.get('Content-Type', 'application/symlink'),
                meta=self._meta(h), target=(tacct, tc, to),
                static=bool(op.get('static')),
                delete_at=self._delete_at(h)))
        return status

    def do_cput(self, op):
        h = op.get('headers', {})
        status = self._req('PUT', op['acct'], op['c'],
                           headers=resolve_headers(h)).status_code
        if status in (201, 202) and self.model.cont(op['acct'], op['c']) \
                is None:
            cont = Cont(policy=h.get('X-Storage-Policy'))
            self._apply_container_headers(cont, h)
            if h.get('X-Versions-Enabled') == 'true':
                cont.versioned, cont.opaque = True, True
            self.model.conts(op['acct'])[op['c']] = cont
        return status

    def do_cdelete(self, op):
        status = self._req('DELETE', op['acct'], op['c']).status_code
        if status in (204, 404):
            self.model.conts(op['acct']).pop(op['c'], None)
        return status

    def do_cpost(self, op):
        h = op.get('headers', {})
        status = self._req('POST', op['acct'], op['c'],
                           headers=resolve_headers(h)).status_code
        cont = self.model.cont(op['acct'], op['c'])
        if status == 204 and cont is not None:
            self._apply_container_headers(cont, h)
        return status

    @staticmethod
    def _apply_container_headers(cont, headers):
        for key, value in headers.items():
            k = key.lower()
            if k == 'x-container-meta-quota-count':
                cont.quota_count = int(value) if value else None
            elif k == 'x-container-meta-quota-bytes':
                cont.quota_bytes = int(value) if value else None
            elif k == 'x-container-read':
                cont.read = value or None
            if k.startswith('x-container-meta-'):
                if value:
                    cont.meta[k] = value
                else:
                    cont.meta.pop(k, None)

    def do_legacy(self, op):
        acct, c = op['acct'], op['c']
        cont = self.model.cont(acct, c)
        statuses = []
        if op['mode'] == 'off':
            h = {'X-Remove-Versions-Location': '1',
                 'X-Remove-History-Location': '1'}
        else:
            self._ensure_container(acct, op['archive'])
            header = {'stack': 'X-Versions-Location',
                      'history': 'X-History-Location'}[op['mode']]
            other = {'stack': 'X-Remove-History-Location',
                     'history': 'X-Remove-Versions-Location'}[op['mode']]
            h = {header: quote(op['archive']), other: '1'}
        status = self._req('POST', acct, c,
                           headers=resolve_headers(h)).status_code
        statuses.append(status)
        if status == 204 and cont is not None:
            cont.opaque = True
            if op['mode'] == 'off':
                cont.legacy = None
            else:
                cont.legacy, cont.archive = op['mode'], op['archive']
                archive = self.model.cont(acct, op['archive'])
                if archive is not None:
                    archive.opaque = True
        return statuses

    def do_versioning(self, op):
        value = 'true' if op['enabled'] else 'false'
        status = self._req('POST', op['acct'], op['c'], headers={
            'X-Versions-Enabled': value}).status_code
        cont = self.model.cont(op['acct'], op['c'])
        if status == 204 and cont is not None:
            cont.versioned = op['enabled']
            cont.opaque = True
        return status

    def do_apost(self, op):
        h = op.get('headers', {})
        status = self._req('POST', op['acct'],
                           headers=resolve_headers(h)).status_code
        if status == 204:
            meta = self.model.accounts[op['acct']]['meta']
            for k, v in h.items():
                if v:
                    meta[k.lower()] = v
                else:
                    meta.pop(k.lower(), None)
        return status


# --- drawing operations ----------------------------------------------------

# Features a generator can be told to leave out (SWIFTSYNC_MODEL_AVOID),
# to look past a known divergence for others. Regression seeds and the
# budget use none.
AVOIDABLE = {
    'quota': 'container quotas (Quota-Count/-Bytes)',
    'slo-post': 'metadata POSTs on SLO manifests',
    'slo-link': 'static symlinks to SLO manifests',
    'history': 'legacy history mode (X-History-Location)',
    'version-links': 'user symlinks in new-style versioned containers',
    'last-delete': 'deleting the last object of a container or the last '
                   'container of an account',
    'ct-params': 'content types with parameters',
    'versions-off': 'suspending new-style versioning (X-Versions-Enabled: '
                    'false)',
    'short-expiry': 'X-Delete-After of a few seconds',
    'static-targets': 'overwriting or deleting the target of a static link '
                      'or an SLO nested in another',
    'cross-static': 'static symlinks to another account',
    'preflight-faults': 'faults on account HEADs (fault runs)',
}


class Generator:
    """Draws the next valid operation from the model, with weights."""

    WEIGHTS = (
        ('put_new', 14), ('overwrite', 10), ('post', 10), ('delete', 7),
        ('slo', 5), ('dlo', 3), ('symlink', 6), ('symlink_ct', 2),
        ('cput', 4), ('cdelete', 2), ('cpost', 4), ('quota', 2),
        ('legacy', 2), ('versioning', 3), ('apost', 2),
    )
    RACE_WEIGHTS = (('put_new', 4), ('overwrite', 4), ('post', 3),
                    ('delete', 3))

    def __init__(self, rng, model, avoid=()):
        self.rng = rng
        self.model = model
        self.counter = 0
        self.avoid = frozenset(avoid)
        unknown = self.avoid - set(AVOIDABLE)
        if unknown:
            raise ValueError('unknown feature(s) to avoid: %s' % ', '.join(
                sorted(unknown)))

    # helpers
    def _n(self):
        self.counter += 1
        return self.counter

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def chance(self, p):
        return self.rng.random() < p

    def _weighted(self, weights):
        total = sum(w for _, w in weights)
        roll = self.rng.uniform(0, total)
        for name, w in weights:
            roll -= w
            if roll <= 0:
                return name
        return weights[-1][0]

    def _data_containers(self, acct=None, room=1, race=False):
        out = []
        for a in ACCOUNTS if acct is None else (acct,):
            for c, cont in sorted(self.model.conts(a).items()):
                if c.endswith('_segments') or c.endswith('-arch'):
                    continue
                if race and (cont.opaque or cont.quota_count is not None or
                             cont.quota_bytes is not None):
                    continue
                if len(cont.objects) + room <= CONTAINER_LIMIT:
                    out.append((a, c))
        return out

    def _objects(self, kinds=None, race=False):
        out = []
        for acct, c, name, obj in self.model.live_objects(kinds):
            if c.endswith('_segments') or c.endswith('-arch'):
                continue
            cont = self.model.cont(acct, c)
            if race and (cont.opaque or cont.quota_count is not None or
                         cont.quota_bytes is not None):
                continue
            out.append((acct, c, name, obj))
        return out

    def object_name(self):
        base = self.pick(OBJECT_NAMES)
        if self.chance(0.4):
            return '%s-%d' % (base, self._n())
        return base

    def metadata(self, budget=1200):
        meta, size = {}, 0
        for _ in range(self.rng.randrange(0, 4)):
            key, value = self.pick(META_KEYS), self.pick(META_VALUES)
            if size + len(key) + len(value.encode('utf-8')) > budget:
                break
            size += len(key) + len(value.encode('utf-8'))
            meta['X-Object-Meta-' + key] = value
        return meta

    def object_headers(self):
        h = self.metadata()
        h['Content-Type'] = self.pick(CONTENT_TYPES)
        if 'ct-params' in self.avoid:
            h['Content-Type'] = h['Content-Type'].split(';')[0]
        if self.chance(0.2):
            h['Content-Disposition'] = self.pick((
                'attachment; filename="f ü.txt"', 'inline'))
        if self.chance(0.1):
            h['Content-Language'] = 'fr'
        if self.chance(0.1):
            h['Cache-Control'] = 'no-cache'
        if self.chance(0.05):
            h['Expires'] = 'Wed, 21 Oct 2037 07:28:00 GMT'
        if self.chance(0.05):
            h['X-Robots-Tag'] = 'noindex'
        roll = self.rng.random()
        if roll < 0.08:
            h['X-Delete-At'] = '+%d' % (86400 + self.rng.randrange(1000))
        elif roll < 0.12:
            h['X-Delete-After'] = str(self.pick((4, 8, 86400)))
            if 'short-expiry' in self.avoid:
                h['X-Delete-After'] = '86400'
        return h

    # the draw
    def next_op(self, race=False):
        weights = self.RACE_WEIGHTS if race else self.WEIGHTS
        for _ in range(50):
            kind = self._weighted(weights)
            op = getattr(self, 'op_' + kind)(race)
            if op is not None:
                return op
        if race:
            return None
        return self.op_cput(False) or {'op': 'apost', 'acct': 'a',
                                       'headers': {'X-Account-Meta-N': '1'}}

    def op_put_new(self, race):
        places = [(a, c) for a, c in self._data_containers(race=race)
                  if not self.model.cont(a, c).frozen()]
        if not places:
            return None
        acct, c = self.pick(places)
        name = self.object_name()
        size = self.pick((0, 1, 10, 100, 1000, 3000, 20000)) \
            if self.chance(0.9) else 0
        op = {'op': 'put', 'acct': acct, 'c': c, 'o': name, 'size': size,
              'fill': self.rng.randrange(1 << 30),
              'gzip': self.chance(0.1) and size > 0,
              'headers': self.object_headers()}
        if op['gzip']:
            op['headers']['Content-Encoding'] = 'gzip'
        return op

    def _static_targets(self):
        if 'static-targets' not in self.avoid:
            return set()
        pinned = {tuple(obj.target) for _a, _c, _n, obj in
                  self.model.live_objects(('symlink',)) if obj.static}
        for acct, _c, _n, obj in self.model.live_objects(('slo',)):
            pinned.update((acct, c, o) for c, o in obj.nested)
        return pinned

    def op_overwrite(self, race):
        pinned = self._static_targets()
        objs = [t for t in self._objects(('plain', 'unknown'), race=race)
                if not self.model.cont(t[0], t[1]).frozen(20000) and
                t[:3] not in pinned]
        if not objs:
            return None
        acct, c, name, obj = self.pick(objs)
        variants = ['content', 'empty', 'gzip']
        if obj.fill is not None:
            variants.append('meta')
        variant = self.pick(variants)
        op = {'op': 'put', 'acct': acct, 'c': c, 'o': name,
              'size': self.pick((10, 100, 3000)),
              'fill': self.rng.randrange(1 << 30),
              'gzip': variant == 'gzip', 'headers': self.object_headers()}
        if variant == 'content':       # same size, other bytes
            op['size'] = max(obj.size, 1)
        elif variant == 'empty':
            op['size'] = 0
        elif variant == 'meta':        # same bytes, other metadata
            op['size'], op['fill'], op['gzip'] = obj.fill
        if op['gzip']:
            op['headers']['Content-Encoding'] = 'gzip'
        return op

    def op_post(self, race):
        kinds = ('plain', 'dlo', 'slo', 'symlink', 'unknown')
        if 'slo-post' in self.avoid:
            kinds = ('plain', 'dlo', 'symlink')
        objs = self._objects(kinds, race=race)
        if not objs:
            return None
        acct, c, name, obj = self.pick(objs)
        h = self.object_headers()
        if self.chance(0.3):
            h.pop('Content-Type')
        if obj.kind == 'dlo' and self.chance(0.8):
            h['X-Object-Manifest'] = obj.manifest
        if obj.kind == 'symlink':
            h.pop('X-Delete-After', None)
        return {'op': 'post', 'acct': acct, 'c': c, 'o': name,
                'headers': h}

    def op_delete(self, race):
        pinned = self._static_targets()
        objs = [t for t in self._objects(race=race) if t[:3] not in pinned]
        if 'last-delete' in self.avoid:
            objs = [t for t in objs
                    if len(self.model.cont(t[0], t[1]).objects) > 1]
        if not objs:
            return None
        acct, c, name, _obj = self.pick(objs)
        return {'op': 'delete', 'acct': acct, 'c': c, 'o': name}

    def _segments(self, acct, c, need):
        segc = c + '_segments'
        cont = self.model.cont(acct, segc)
        if cont is not None and len(cont.objects) + need > CONTAINER_LIMIT:
            return None
        if cont is None and len(self.model.conts(acct)) >= \
                CONTAINERS_PER_ACCOUNT + 2:
            return None
        return segc

    def op_slo(self, race):
        places = self._data_containers()
        if not places:
            return None
        acct, c = self.pick(places)
        nsegs = self.rng.randrange(1, 4)
        segc = self._segments(acct, c, nsegs)
        if segc is None:
            return None
        segs, size = [], 0
        for i in range(nsegs):
            seg_size = self.pick((1, 50, 1000, 5000))
            seg = {'new': {'name': 'seg-%d-%d' % (self._n(), i),
                           'size': seg_size,
                           'fill': self.rng.randrange(1 << 30)}}
            if seg_size > 10 and self.chance(0.3):
                seg['range'] = '2-%d' % (seg_size // 2)
                size += seg_size // 2 - 1
            else:
                size += seg_size
            segs.append(seg)
        if self.chance(0.3):
            segs.append({'data': 'inline ü data'})
            size += len('inline ü data'.encode('utf-8'))
        nested = [(a, cc, n) for a, cc, n, _o in
                  self._objects(('slo',)) if a == acct]
        if nested and self.chance(0.4):
            _a, cc, n = self.pick(nested)
            segs.insert(self.rng.randrange(len(segs) + 1),
                        {'nested': [cc, n]})
            size = None
        return {'op': 'slo', 'acct': acct, 'c': c, 'o': self.object_name(),
                'segc': segc, 'segs': segs, 'size': size,
                'headers': self.object_headers()}

    def op_dlo(self, race):
        places = self._data_containers()
        if not places:
            return None
        acct, c = self.pick(places)
        nsegs = self.rng.randrange(1, 3)
        segc = self._segments(acct, c, nsegs)
        if segc is None:
            return None
        prefix = 'dlo%d/' % self._n()
        segs = [{'name': '%s%03d' % (prefix, i),
                 'size': self.pick((1, 100, 2000)),
                 'fill': self.rng.randrange(1 << 30)} for i in range(nsegs)]
        return {'op': 'dlo', 'acct': acct, 'c': c, 'o': self.object_name(),
                'segc': segc, 'prefix': prefix, 'segs': segs,
                'headers': self.object_headers()}

    def op_symlink(self, race):
        places = self._data_containers()
        if not places:
            return None
        acct, c = self.pick(places)
        if 'version-links' in self.avoid and \
                self.model.cont(acct, c).versioned is not None:
            return None
        variant = self.pick(('dynamic', 'static', 'static-slo', 'cross',
                             'dangling'))
        if variant == 'static-slo' and 'slo-link' in self.avoid:
            return None
        kinds = {'static': ('plain',), 'static-slo': ('slo',)}.get(
            variant, ('plain', 'slo', 'dlo', 'symlink'))
        if variant == 'cross' and 'slo-link' in self.avoid:
            kinds = ('plain', 'dlo', 'symlink')
        targets = [t for t in self._objects(kinds)
                   if (t[0] != acct) == (variant == 'cross')]
        if variant == 'dangling':
            target = [acct, self.pick([c] + [cc for cc in
                                             self.model.conts(acct)]),
                      'nowhere-%d' % self._n()]
        elif not targets:
            return None
        else:
            target = list(self.pick(targets)[:3])
        h = {'Content-Type': self.pick(('application/symlink',
                                        'text/plain'))}
        h.update(self.metadata(400))
        static = variant.startswith('static') or (
            variant == 'cross' and self.chance(0.3))
        if static and variant == 'cross' and 'cross-static' in self.avoid:
            static = False
        return {'op': 'symlink', 'acct': acct, 'c': c,
                'o': self.object_name(), 'target': target,
                'static': static, 'headers': h}

    def op_symlink_ct(self, race):
        links = self._objects(('symlink',))
        if not links:
            return None
        acct, c, name, _obj = self.pick(links)
        h = {'Content-Type': self.pick(CONTENT_TYPES)}
        if 'ct-params' in self.avoid:
            h['Content-Type'] = h['Content-Type'].split(';')[0]
        h.update(self.metadata(400))
        return {'op': 'post', 'acct': acct, 'c': c, 'o': name, 'headers': h}

    def op_cput(self, race):
        acct = self.pick(ACCOUNTS)
        free = [c for c in CONTAINER_NAMES if c not in self.model.conts(acct)]
        if not free or len(self.model.conts(acct)) >= CONTAINERS_PER_ACCOUNT:
            return None
        h = {}
        if self.chance(0.3):
            h['X-Storage-Policy'] = 'silver'
        if self.chance(0.3):
            h['X-Container-Meta-' + self.pick(META_KEYS)] = \
                self.pick(META_VALUES)
        if self.chance(0.2):
            h['X-Container-Read'] = '.r:*'
        if self.chance(0.1) and 'quota' not in self.avoid:
            h['X-Container-Meta-Quota-Count'] = str(self.pick((5, 10)))
        if self.chance(0.1):
            h['X-Container-Meta-Temp-URL-Key'] = 'secret'
        if self.chance(0.1):
            h['X-Versions-Enabled'] = 'true'
        return {'op': 'cput', 'acct': acct, 'c': self.pick(free),
                'headers': h}

    def op_cdelete(self, race):
        empty = [(a, c) for a in ACCOUNTS
                 for c, cont in sorted(self.model.conts(a).items())
                 if not cont.objects and (
                     'last-delete' not in self.avoid or
                     len(self.model.conts(a)) > 1)]
        if not empty:
            return None
        acct, c = self.pick(empty)
        return {'op': 'cdelete', 'acct': acct, 'c': c}

    def _any_container(self):
        conts = [(a, c) for a in ACCOUNTS
                 for c in sorted(self.model.conts(a))]
        return self.pick(conts) if conts else None

    def op_cpost(self, race):
        place = self._any_container()
        if place is None:
            return None
        acct, c = place
        cont = self.model.cont(acct, c)
        h = {}
        roll = self.rng.random()
        if roll < 0.5:
            h['X-Container-Meta-' + self.pick(META_KEYS)] = \
                self.pick(META_VALUES)
        elif roll < 0.7 and cont.meta:
            h[self.pick(sorted(cont.meta))] = ''
        elif roll < 0.85:
            h['X-Container-Read'] = '' if cont.read else self.pick((
                '.r:*', '.r:*,.rlistings'))
        else:
            h['X-Container-Write'] = self.pick(('AUTH_test2', ''))
        return {'op': 'cpost', 'acct': acct, 'c': c, 'headers': h}

    def op_quota(self, race):
        place = self._any_container()
        if place is None or 'quota' in self.avoid:
            return None
        acct, c = place
        cont = self.model.cont(acct, c)
        count = len(cont.objects)
        used = sum(o.size for o in cont.objects.values())
        variant = self.pick(('freeze', 'count', 'bytes', 'remove'))
        if variant == 'freeze':
            h = {'X-Container-Meta-Quota-Count': '0' if self.chance(0.5)
                 else str(count)}
        elif variant == 'count':
            h = {'X-Container-Meta-Quota-Count': str(count + 3)}
        elif variant == 'bytes':
            h = {'X-Container-Meta-Quota-Bytes': str(used + self.pick(
                (0, 5000, 100000)))}
        else:
            h = {'X-Container-Meta-Quota-Count': '',
                 'X-Container-Meta-Quota-Bytes': ''}
        return {'op': 'cpost', 'acct': acct, 'c': c, 'headers': h}

    def op_legacy(self, race):
        places = [(a, c) for a, c in self._data_containers(room=0)
                  if self.model.cont(a, c).versioned is None]
        if not places:
            return None
        acct, c = self.pick(places)
        cont = self.model.cont(acct, c)
        if cont.legacy and self.chance(0.5):
            mode = 'off'
        else:
            mode = self.pick(('stack', 'history'))
            if 'history' in self.avoid:
                mode = 'stack'
        if mode != 'off' and cont.archive is None and \
                len(self.model.conts(acct)) >= CONTAINERS_PER_ACCOUNT + 2:
            return None
        return {'op': 'legacy', 'acct': acct, 'c': c, 'mode': mode,
                'archive': cont.archive or '%s-arch' % c}

    def op_versioning(self, race):
        places = [(a, c) for a, c in self._data_containers(room=0)
                  if not self.model.cont(a, c).legacy]
        if not places:
            return None
        acct, c = self.pick(places)
        cont = self.model.cont(acct, c)
        if cont.versioned and 'versions-off' in self.avoid:
            return None
        return {'op': 'versioning', 'acct': acct, 'c': c,
                'enabled': not cont.versioned}

    def op_apost(self, race):
        acct = self.pick(ACCOUNTS)
        meta = self.model.accounts[acct]['meta']
        if meta and self.chance(0.3):
            h = {self.pick(sorted(meta)): ''}
        else:
            h = {'X-Account-Meta-' + self.pick(META_KEYS):
                 self.pick(META_VALUES)}
            if self.chance(0.1):
                h['X-Account-Meta-Temp-URL-Key'] = 'acct-secret'
        return {'op': 'apost', 'acct': acct, 'headers': h}
