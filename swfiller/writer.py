"""Writes a plan to one cluster: all the I/O of ``create``.

Order matters to Swift: containers before their objects; segments and
symlink targets before the SLO manifests and static symlinks that Swift
checks at PUT time; the first version of an object before the overwrite
that makes legacy versioning archive it. Within a phase, requests run
concurrently in an eventlet GreenPool.

Every outcome is recorded (``results``) so that the index lists what was
written even when some requests failed or the run was interrupted.
"""
import logging
import time
import warnings

warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
import eventlet  # noqa: E402

from swsync import listing  # noqa: E402
from swsync.client.errors import SyncError  # noqa: E402

from swfiller import index as index_mod  # noqa: E402

LOG = logging.getLogger(__name__)

# Bodies up to this size are sent from memory; larger ones are streamed.
BUFFER_LIMIT = 1 << 20
# container PUTs answered 404 (the account being autocreated) tried again
CONTAINER_PUT_TRIES = 3


def wire(value):
    """Header value as Swift stores it: UTF-8 bytes, as a latin-1 str
    (what swsync.swift sends byte for byte)."""
    return str(value).encode('utf-8').decode('latin-1')


def encode_headers(*dicts):
    """Text metadata dicts -> one dict of wire values (``wire``)."""
    out = {}
    for d in dicts:
        out.update((k, wire(v)) for k, v in d.items())
    return out


def short(*names):
    """A path for messages: long names are cut (the index has them)."""
    return '/'.join(n if len(n) <= 60 else n[:57] + '...' for n in names)


def cause(exc):
    """What went wrong, without the (quoted, possibly huge) path."""
    status = getattr(exc, 'status', None)
    if status is not None:
        return '%s %s' % (status, getattr(exc, 'reason', '') or '')
    return str(getattr(exc, 'cause', None) or exc)


def phases(plan):
    """Object writes in dependency order: a list of phases, each a list of
    (step, object) with step 'previous' (older version) or 'object'."""
    first, second = [], []
    for obj in plan.objects:
        if obj.kind in ('plain', 'segment'):
            if obj.previous_size is not None:
                first.append(('previous', obj))
                second.append(('object', obj))
            else:
                first.append(('object', obj))
        else:
            second.append(('object', obj))
    return [first, second]


def version_of(archived_name):
    """The object name in a legacy archive name ``<3 hex len><name>/<ts>``
    (the length counts UTF-8 bytes)."""
    raw = archived_name.encode('utf-8')
    length = int(raw[:3], 16)
    return raw[3:3 + length].decode('utf-8')


class _Stream:
    """A file-like body of known length (requests sends Content-Length)."""

    def __init__(self, chunks, size):
        self._chunks = iter(chunks)
        self._buf = b''
        self._size = size

    def __len__(self):
        return self._size

    def __iter__(self):
        return self

    def __next__(self):
        data = self.read(65536)
        if not data:
            raise StopIteration
        return data

    def read(self, n=-1):
        while n < 0 or len(self._buf) < n:
            try:
                self._buf += next(self._chunks)
            except StopIteration:
                break
        if n < 0:
            n = len(self._buf)
        data, self._buf = self._buf[:n], self._buf[n:]
        return data


def body(chunks, size):
    """A request body: bytes when small, a stream otherwise."""
    if size <= BUFFER_LIMIT:
        return b''.join(chunks)
    return _Stream(chunks, size)


class Writer:
    """Executes a plan; ``results`` feeds swfiller.index.build."""

    def __init__(self, cluster, plan, concurrency, listing_limit=10000,
                 now=None):
        self.cluster = cluster
        self.plan = plan
        self.concurrency = concurrency
        self.listing_limit = listing_limit
        self.now = int(now if now is not None else time.time())
        self.results = {'accounts': {}, 'containers': {}, 'objects': {},
                        'versions': {}}
        self.errors = []
        self.bytes = 0
        self.writes = 0

    def steps(self):
        return sum(len(p) for p in phases(self.plan))

    def run(self, progress):
        self._map(self._container, self.plan.containers)
        self._map(self._account, self.plan.accounts)
        before = self._archives(existing_only=True)
        for phase in phases(self.plan):
            self._map(lambda step: self._object(step, progress), phase)
        self._record_versions(before)
        return self.results

    def _map(self, fn, items):
        pool = eventlet.GreenPool(self.concurrency)
        for _ in pool.imap(fn, items):
            pass

    def _fail(self, what, exc):
        message = '%s: %s' % (what, cause(exc))
        self.errors.append(message)
        LOG.error('%s', message)

    # --- containers and accounts -----------------------------------------
    def _container(self, cont):
        c = self.cluster
        key = (cont.account, cont.name)
        path = c.path(*key)
        res = self.results['containers'][key] = {
            'created': False, 'written': False, 'policy': cont.policy}
        try:
            head = c.request('HEAD', path, ok=(200, 204, 404))
        except SyncError as exc:
            return self._fail('container %s' % short(*key), exc)
        headers = encode_headers(cont.metadata, cont.headers)
        if head.status_code == 404:
            res['created'] = True
            if cont.policy:
                headers['x-storage-policy'] = cont.policy
        else:
            # The policy of an existing container cannot change (409).
            res['policy'] = head.headers.get('x-storage-policy')
        try:
            for attempt in range(CONTAINER_PUT_TRIES):
                # 404: the account is being autocreated by another of our
                # container PUTs (a brand-new Keystone project's account;
                # seen in CI): it exists a moment later
                resp = c.request('PUT', path, headers=headers,
                                 ok=(201, 202, 204, 404))
                if resp.status_code != 404:
                    break
                time.sleep(0.5 * (attempt + 1))
            else:
                c.request('PUT', path, headers=headers, ok=(201, 202, 204))
        except SyncError as exc:
            return self._fail('container %s' % short(*key), exc)
        res['written'] = True

    def _account(self, acct):
        c = self.cluster
        headers = encode_headers(acct.metadata, acct.headers)
        try:
            if headers:
                c.request('POST', c.path(acct.name), headers=headers)
        except SyncError as exc:
            self.results['accounts'][acct.name] = False
            return self._fail('account %s' % acct.name, exc)
        self.results['accounts'][acct.name] = True

    # --- objects -----------------------------------------------------------
    def _object(self, step, progress):
        kind, obj = step
        plan, c = self.plan, self.cluster
        path = c.path(obj.account, obj.container, obj.name)
        query = None
        res = self.results['objects'].setdefault(obj.key, {'written': False})
        if kind == 'previous':
            headers = {'content-type': 'application/octet-stream',
                       'etag': plan.previous_md5(obj)}
            size = obj.previous_size

            def make_body():
                return body(plan.previous_chunks(obj), size)
        else:
            headers = encode_headers(obj.metadata, obj.headers,
                                     {'content-type': obj.content_type})
            if obj.delete_after:
                res['delete_at'] = self.now + obj.delete_after
                headers['x-delete-at'] = str(res['delete_at'])
            if obj.kind in ('plain', 'segment'):
                headers['etag'] = plan.md5(obj)
                size = obj.size

                def make_body():
                    return body(plan.chunks(obj), size)
            elif obj.kind == 'slo':
                query = {'multipart-manifest': 'put'}
                headers['etag'] = plan.etag(obj)
                manifest = plan.slo_manifest(obj)
                size = len(manifest)

                def make_body():
                    return manifest
            else:  # dlo manifest, symlink: empty body
                size = 0

                def make_body():
                    return b''
        try:
            c.retrying(lambda: c.request('PUT', path, query=query,
                                         headers=headers, data=make_body(),
                                         ok=(201,), retry=False))
        except SyncError as exc:
            res['written'] = False
            self._fail('PUT %s' % short(*obj.key), exc)
            progress.add(0, failed=True)
            return
        if kind == 'object':
            res['written'] = True
        self.writes += 1
        self.bytes += size
        progress.add(size)

    # --- legacy versioning -----------------------------------------------
    def _archives(self, existing_only=False):
        """Listing rows of each archive container, by container key."""
        out = {}
        for cont in self.plan.containers:
            if cont.role != 'archive':
                continue
            key = (cont.account, cont.name)
            res = self.results['containers'].get(key, {})
            if existing_only and res.get('created'):
                out[key] = {}
                continue
            try:
                out[key] = {r['name']: r for r in self._listing(*key)}
            except SyncError as exc:
                self._fail('listing %s' % short(*key), exc)
                out[key] = None
        return out

    def _listing(self, account, container):
        _headers, rows = listing.open_listing(
            self.cluster, self.cluster.path(account, container),
            self.listing_limit)
        yield from rows

    def _record_versions(self, before):
        """Archived versions our overwrites created: listed after the run,
        minus what the archive held before it."""
        after = self._archives()
        for key, rows in after.items():
            if rows is None or before.get(key) is None:
                continue
            self.results['versions'][key] = [
                index_mod.version_entry(row, version_of(row['name']))
                for name, row in sorted(rows.items())
                if name not in before[key]]
