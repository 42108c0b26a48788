"""The plan: what swfiller writes, derived from a seed and nothing else.

Pure (no I/O, no clock), so that the same seed and counts always give the
same names, sizes, metadata and bytes: tests and the index can compute any
object's MD5 without touching a cluster, and a second cluster filled with
the same seed holds the same data.

Every random choice comes from a ``random.Random`` seeded by the seed plus
the position of the thing being generated, so a larger ``-f`` extends a
container without renaming what came before.
"""
import dataclasses
import gzip
import hashlib
import json
import math
import random

from swfiller import names

# Kept below Swift's limits on purpose. The object server keeps an object's
# name, metadata and sysmeta pickled in the file's xattrs; beyond ~3.3 KB
# ext4 answers ENOSPC, the object server 507, and the proxy then shuns the
# node for 60 s. So the modelled size (stored_size) stays under
# OBJECT_BUDGET, and user metadata under OBJECT_META_BUDGET.
OBJECT_BUDGET = 2300
OBJECT_META_BUDGET = 1536
STORED_OVERHEAD = 256  # X-Timestamp, Content-Length, ETag, name, framing
CONTAINER_META_BUDGET = 3000
HEAVY_META_KEYS = 70  # http.client refuses responses with > 100 headers

SEGMENTS_SUFFIX = '_segments'
ARCHIVE_SUFFIX = '_archive'
EXPIRE_AFTER = 86400
CHUNK = 65536
EMPTY_MD5 = hashlib.md5(b'', usedforsecurity=False).hexdigest()

TEXT_TABLE = bytes((b'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ'
                    b'0123456789\n.,;') * 4)[:256]


@dataclasses.dataclass(frozen=True)
class Options:
    """What the ``create`` command line asks for."""
    seed: int
    accounts: int = 1
    users: int = 0
    containers: int = 2
    files: int = 10
    max_size: int = 1024
    account_names: tuple = ()
    account_prefix: str = 'AUTH_'
    # Who container write ACLs name for each account (default: the account
    # name, tempauth's syntax; Keystone: '<project id>:*'), and whether
    # accounts get an X-Account-Access-Control (tempauth only: Swift's
    # keystoneauth ignores it).
    acl_grantees: tuple = ()
    account_acls: bool = True
    slo: bool = False
    dlo: bool = False
    symlinks: bool = False
    expiring: bool = False
    acls: bool = False
    versioned: bool = False
    gzip: bool = False
    headers: bool = False
    big_container: int = 0
    policies: tuple = ()


@dataclasses.dataclass
class AccountPlan:
    name: str
    metadata: dict
    headers: dict


@dataclasses.dataclass
class ContainerPlan:
    """``role``: regular, segments, archive or big. ``versions`` names the
    archive container of a legacy versioned container; ``segments_of``
    the container whose large objects a segments container serves."""
    account: str
    name: str
    role: str
    policy: object
    metadata: dict
    headers: dict
    versions: object = None
    segments_of: object = None


@dataclasses.dataclass(frozen=True)
class SegmentRef:
    """A segment of a large object; ``first``/``last`` is an SLO range."""
    container: str
    name: str
    size: int
    first: object = None
    last: object = None

    @property
    def length(self):
        if self.first is None:
            return self.size
        return self.last - self.first + 1


@dataclasses.dataclass(frozen=True)
class Target:
    """A symlink target; ``account`` is None for the link's own account."""
    account: object
    container: str
    name: str
    static: bool = False


@dataclasses.dataclass
class ObjectPlan:
    """One object. ``size`` is the length of what a plain GET returns
    (through SLO, DLO and symlinks); ``headers`` are sent besides the
    metadata (wire form is made by the writer)."""
    account: str
    container: str
    name: str
    kind: str
    size: int
    content_type: str
    metadata: dict
    headers: dict
    text: bool = False
    payload: object = None          # fixed bytes (gzip objects)
    delete_after: object = None     # seconds; writer sends X-Delete-At
    segments: tuple = ()
    target: object = None
    previous_size: object = None    # versioned: an older version first

    @property
    def key(self):
        return (self.account, self.container, self.name)


class Plan:
    """Accounts, containers and objects to write, plus their content."""

    def __init__(self, options):
        self.options = options
        self.accounts = []
        self.containers = []
        self.objects = []
        self._by_key = {}
        self._md5 = {}

    def add(self, obj):
        assert obj.key not in self._by_key, obj.key
        self.objects.append(obj)
        self._by_key[obj.key] = obj
        return obj

    def find(self, account, container, name):
        return self._by_key.get((account, container, name))

    def resolve(self, obj, hops=3):
        """The object a plain GET of ``obj`` returns, or None (dangling)."""
        while obj is not None and obj.kind == 'symlink' and hops:
            t = obj.target
            obj = self.find(t.account or obj.account, t.container, t.name)
            hops -= 1
        return obj

    # --- content ---------------------------------------------------------
    def chunks(self, obj):
        """The bytes a plain GET of ``obj`` returns, in chunks."""
        if obj.kind in ('plain', 'segment'):
            if obj.payload is not None:
                yield obj.payload
            else:
                yield from random_bytes(content_key(self.options.seed, obj),
                                        obj.size, obj.text)
        elif obj.kind in ('slo', 'dlo'):
            for seg in obj.segments:
                part = self.find(obj.account, seg.container, seg.name)
                if seg.first is None:
                    yield from self.chunks(part)
                else:
                    yield from _slice(self.chunks(part), seg.first,
                                      seg.last + 1)
        elif obj.kind == 'symlink':
            target = self.resolve(obj)
            if target is not None:
                yield from self.chunks(target)

    def previous_chunks(self, obj):
        """The older version written first into a versioned container."""
        return random_bytes(content_key(self.options.seed, obj) + '#v1',
                            obj.previous_size or 0, False)

    def md5(self, obj):
        """MD5 of what a GET returns; None for a dangling symlink."""
        if obj.key not in self._md5:
            if obj.kind == 'symlink' and self.resolve(obj) is None:
                self._md5[obj.key] = None
            else:
                h = hashlib.md5(usedforsecurity=False)
                for chunk in self.chunks(obj):
                    h.update(chunk)
                self._md5[obj.key] = h.hexdigest()
        return self._md5[obj.key]

    def previous_md5(self, obj):
        h = hashlib.md5(usedforsecurity=False)
        for chunk in self.previous_chunks(obj):
            h.update(chunk)
        return h.hexdigest()

    def etag(self, obj):
        """The ``hash`` a container listing shows (``slo_etag`` for an
        SLO, whose listing hash is the stored manifest's and differs by
        cluster)."""
        if obj.kind in ('plain', 'segment'):
            return self.md5(obj)
        if obj.kind == 'slo':
            h = hashlib.md5(usedforsecurity=False)
            for seg in obj.segments:
                seg_md5 = self.md5(self.find(obj.account, seg.container,
                                             seg.name))
                if seg.first is None:
                    h.update(seg_md5.encode('ascii'))
                else:
                    h.update(('%s:%d-%d;' % (seg_md5, seg.first, seg.last)
                              ).encode('ascii'))
            return h.hexdigest()
        return EMPTY_MD5

    def listing_bytes(self, obj):
        """The ``bytes`` a container listing shows."""
        return obj.size if obj.kind in ('plain', 'segment', 'slo') else 0

    def slo_manifest(self, obj):
        """The ``?multipart-manifest=put`` body of an SLO."""
        out = []
        for seg in obj.segments:
            part = self.find(obj.account, seg.container, seg.name)
            entry = {'path': '/%s/%s' % (seg.container, seg.name),
                     'etag': self.md5(part), 'size_bytes': seg.size}
            if seg.first is not None:
                entry['range'] = '%d-%d' % (seg.first, seg.last)
            out.append(entry)
        return json.dumps(out).encode('utf-8')


# --- deterministic randomness -------------------------------------------
def rng_for(seed, *parts):
    """A Random for one position in the plan (str seeds hash with SHA-512,
    independent of PYTHONHASHSEED)."""
    return random.Random('swfiller/%s/%s' % (
        seed, '/'.join(str(p) for p in parts)))


def content_key(seed, obj):
    return '%s\x00%s\x00%s\x00%s' % (seed, obj.account, obj.container,
                                     obj.name)


def random_bytes(key, size, text=False):
    """``size`` pseudo-random bytes from ``key``, in fixed-size chunks so
    that the stream never depends on who reads it."""
    rng = random.Random(key)
    left = size
    while left > 0:
        n = min(left, CHUNK)
        data = rng.randbytes(n)
        yield data.translate(TEXT_TABLE) if text else data
        left -= n


def _slice(chunks, start, end):
    pos = 0
    for chunk in chunks:
        lo, hi = max(start - pos, 0), min(end - pos, len(chunk))
        if lo < hi:
            yield chunk[lo:hi]
        pos += len(chunk)
        if pos >= end:
            return


def stored_size(obj):
    """About the size of the pickled metadata the object server keeps for
    ``obj``, calibrated on Swift 2.38: symlink targets are kept twice, as
    sysmeta and in the listing's etag override."""
    path = '/%s/%s/%s' % (obj.account, obj.container, obj.name)
    size = STORED_OVERHEAD + names.utf8_len(path) + len(obj.content_type)
    size += sum(8 + len(k) + names.stored_len(v)
                for k, v in obj.metadata.items())
    for key, value in obj.headers.items():
        n = 8 + len(key) + names.stored_len(value)
        size += 2 * n + 40 if key.startswith('x-symlink-target') else n
    if 'x-symlink-target-etag' in obj.headers:
        size += 100  # target bytes, kept twice too
    if obj.kind == 'slo':
        size += 300  # SLO etag and size sysmeta, listing override
    return size


def _object_metadata(rng, obj):
    room = min(OBJECT_META_BUDGET, OBJECT_BUDGET - stored_size(obj))
    obj.metadata = names.metadata(rng, 'x-object-meta-', 10, max(room, 0),
                                  0.15, cost=names.stored_cost)


# --- sizes ---------------------------------------------------------------
def random_size(rng, max_size):
    """Log-uniform in [0, max_size]: many small objects, some large."""
    if max_size <= 0:
        return 0
    size = int(math.exp(rng.uniform(0, math.log(max_size + 2)))) - 1
    return max(0, min(max_size, size))


def _split(rng, total, parts):
    """``parts`` sizes of at least 1 byte summing to ``total``."""
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    edges = [0] + cuts + [total]
    return [b - a for a, b in zip(edges, edges[1:])]


def _gzip_payload(rng, max_size):
    """Real gzip bytes (mtime 0, so deterministic) no larger than
    ``max_size``; None when even an empty gzip stream would not fit."""
    length = rng.randint(0, min(max_size * 4, 256 * 1024))
    while True:
        raw = b''.join(random_bytes('gz%r' % rng.random(), length, True))
        data = gzip.compress(raw, mtime=0)
        if len(data) <= max_size:
            return data
        if length == 0:
            return None
        length //= 2


# --- the plan --------------------------------------------------------------
def make_plan(options):
    """Accounts, containers and objects for ``options`` (pure)."""
    plan = Plan(options)
    seed = options.seed
    if options.account_names:
        accounts = list(options.account_names)[:options.accounts]
    else:
        accounts = ['%sswfiller-%d-%d' % (options.account_prefix, seed, n)
                    for n in range(options.accounts)]
    grantees = list(options.acl_grantees) or accounts
    regular = {}
    taken_containers = {}
    for ai, account in enumerate(accounts):
        rng = rng_for(seed, 'account', ai)
        headers = {}
        if options.acls and options.account_acls:
            other = accounts[(ai + 1) % len(accounts)]
            # The form tempauth stores and returns (acl.format_acl).
            headers['x-account-access-control'] = json.dumps(
                {'read-only': [other]}, separators=(',', ':'),
                sort_keys=True)
        plan.accounts.append(AccountPlan(
            account,
            names.metadata(rng, 'x-account-meta-', 8, 2000, min_keys=1),
            headers))
        taken = taken_containers[account] = set()
        regular[account] = _containers(plan, rng, ai, account, taken,
                                       grantees)
    for ai, account in enumerate(accounts):
        for ci, cont in enumerate(regular[account]):
            _plain_objects(plan, ai, ci, cont)
    for ai, account in enumerate(accounts):
        for ci, cont in enumerate(regular[account]):
            _specials(plan, ai, ci, cont, regular, accounts,
                      taken_containers[account])
        if ai == 0 and options.big_container:
            _big_container(plan, account, taken_containers[account])
    return plan


def _policy(rng, options, offset=None):
    if not options.policies:
        return None
    if offset is None:
        return rng.choice(options.policies)
    return options.policies[offset % len(options.policies)]


def _containers(plan, rng, ai, account, taken, grantees):
    options = plan.options
    out = []
    style_offset = rng.randrange(len(names.CONTAINER_STYLES))
    policy_offset = rng.randrange(max(len(options.policies), 1))
    heavy = rng.randrange(options.containers) if options.containers else -1
    for ci in range(options.containers):
        crng = rng_for(options.seed, 'container', ai, ci)
        styles = names.CONTAINER_STYLES
        style = styles[(ci + style_offset) % len(styles)]
        name = names.unique(names.container_name(crng, style), taken,
                            names.LONG_CONTAINER_NAME)
        if ci == heavy:
            meta = names.metadata(crng, 'x-container-meta-',
                                  HEAVY_META_KEYS, names.MAX_META_OVERALL - 96,
                                  0.0, min_keys=HEAVY_META_KEYS // 2)
        else:
            meta = names.metadata(crng, 'x-container-meta-', 10,
                                  CONTAINER_META_BUDGET, 0.2)
        headers = {}
        if options.acls:
            if ci % 2 == 0:
                headers['x-container-read'] = '.r:*,.rlistings'
            else:
                headers['x-container-write'] = grantees[
                    (ai + 1) % len(grantees)]
        cont = ContainerPlan(account, name, 'regular',
                             _policy(crng, options, ci + policy_offset),
                             meta, headers)
        plan.containers.append(cont)
        out.append(cont)
    if options.versioned and out:
        cont = out[-1]
        archive = names.unique(cont.name + ARCHIVE_SUFFIX, taken,
                               names.MAX_CONTAINER_NAME)
        cont.versions = archive
        cont.headers['x-versions-location'] = names.quote(archive)
        plan.containers.append(ContainerPlan(
            account, archive, 'archive', _policy(rng, options), {}, {}))
    return out


def _content_type(rng):
    return rng.choice(names.CONTENT_TYPES)


def _plain_objects(plan, ai, ci, cont):
    options = plan.options
    rng = rng_for(options.seed, 'objects', ai, ci)
    files = options.files
    offset = rng.randrange(len(names.OBJECT_STYLES))
    picks = rng.sample(range(files), files) or [-1]
    special = {k: picks[i % len(picks)] for i, k in enumerate(
        ('empty', 'max', 'gzip', 'headers', 'expiring'))}
    taken = set()
    for fi in range(files):
        orng = rng_for(options.seed, 'object', ai, ci, fi)
        style = names.OBJECT_STYLES[(fi + offset) % len(names.OBJECT_STYLES)]
        name = names.unique(names.object_name(orng, style), taken,
                            names.LONG_OBJECT_NAME)
        content_type, text = _content_type(orng)
        size = random_size(orng, options.max_size)
        if fi == special['max']:
            size = options.max_size
        if fi == special['empty'] or name.endswith('/'):
            size = 0
        if name.endswith('/'):
            content_type, text = 'application/directory', False
        obj = ObjectPlan(cont.account, cont.name, name, 'plain', size,
                         content_type, {}, {}, text=text)
        if options.gzip and fi == special['gzip'] and size:
            payload = _gzip_payload(orng, options.max_size)
            if payload is not None:
                obj.payload, obj.size = payload, len(payload)
                obj.content_type, obj.text = 'text/plain; charset=utf-8', True
                obj.headers['content-encoding'] = 'gzip'
        if options.headers and fi == special['headers']:
            obj.headers.update({
                'content-disposition': orng.choice(names.DISPOSITIONS),
                'content-language': orng.choice(('fr', 'ja', 'en-GB')),
                'cache-control': 'max-age=3600, must-revalidate',
                'expires': 'Wed, 21 Oct 2037 07:28:00 GMT',
                'x-robots-tag': 'noindex'})
        if options.expiring and fi == special['expiring']:
            obj.delete_after = EXPIRE_AFTER
        if cont.versions:
            obj.previous_size = random_size(orng, options.max_size)
        _object_metadata(orng, obj)
        plan.add(obj)


def _segments_container(plan, cont, taken):
    """``<c>_segments``, created with the first large object of ``c``."""
    for c in plan.containers:
        if c.account == cont.account and c.segments_of == cont.name:
            return c.name
    rng = rng_for(plan.options.seed, 'segments', cont.account, cont.name)
    name = names.unique(cont.name + SEGMENTS_SUFFIX, taken,
                        names.MAX_CONTAINER_NAME)
    plan.containers.append(ContainerPlan(
        cont.account, name, 'segments', _policy(rng, plan.options),
        names.metadata(rng, 'x-container-meta-', 2, 300), {},
        segments_of=cont.name))
    return name


def _short_name(rng, taken, prefix=''):
    name = names.object_name(rng, rng.choice(names.SHORT_STYLES))
    return names.unique(prefix + name, taken, 200)


def _token(rng):
    """A segment prefix: short, no '/', may hold Unicode and spaces."""
    return '%s %s-%04x' % (rng.choice(names.WORDS),
                           rng.choice(names.UNICODE),
                           rng.getrandbits(16))


def _specials(plan, ai, ci, cont, regular, accounts, taken_containers):
    options = plan.options
    rng = rng_for(options.seed, 'specials', ai, ci)
    taken = {o.name for o in plan.objects
             if o.account == cont.account and o.container == cont.name}
    if options.slo and options.max_size >= 1:
        _slo(plan, rng, cont, taken, taken_containers, ranged=ci % 2 == 1)
    if options.dlo:
        _dlo(plan, rng, cont, taken, taken_containers)
    if options.symlinks:
        _symlinks(plan, rng, ai, cont, taken, regular, accounts)


def _segment_objects(plan, cont, seg_cont, prefix, sizes):
    refs = []
    for i, size in enumerate(sizes):
        seg = ObjectPlan(cont.account, seg_cont, '%s%08d' % (prefix, i),
                         'segment', size, 'application/octet-stream', {}, {})
        plan.add(seg)
        refs.append(SegmentRef(seg_cont, seg.name, size))
    return refs


def _slo(plan, rng, cont, taken, taken_containers, ranged):
    seg_cont = _segments_container(plan, cont, taken_containers)
    total = rng.randint(1, plan.options.max_size)
    parts = min(rng.randint(2, 4), total)
    sizes = _split(rng, total, parts)
    refs = _segment_objects(plan, cont, seg_cont, '%s/slo/' % _token(rng),
                            sizes)
    if ranged and refs[0].size >= 2:
        first = refs[0]
        refs[0] = SegmentRef(first.container, first.name, first.size,
                             1, first.size - 1)
    content_type, text = _content_type(rng)
    obj = ObjectPlan(cont.account, cont.name, _short_name(rng, taken, 'slo '),
                     'slo', sum(r.length for r in refs), content_type, {}, {},
                     segments=tuple(refs))
    _object_metadata(rng, obj)
    plan.add(obj)


def _dlo(plan, rng, cont, taken, taken_containers):
    seg_cont = _segments_container(plan, cont, taken_containers)
    prefix = '%s/dlo/' % _token(rng)
    sizes = [random_size(rng, max(plan.options.max_size // 3, 0))
             for _ in range(rng.randint(1, 3))]
    refs = _segment_objects(plan, cont, seg_cont, prefix, sizes)
    content_type, _text = _content_type(rng)
    obj = ObjectPlan(cont.account, cont.name, _short_name(rng, taken, 'dlo '),
                     'dlo', sum(sizes), content_type, {},
                     {'x-object-manifest': '%s/%s' % (
                         names.quote(seg_cont), names.quote(prefix))},
                     segments=tuple(refs))
    _object_metadata(rng, obj)
    plan.add(obj)


def _link_candidates(plan, account, container):
    """Symlink targets: plain objects that are neither expiring nor
    overwritten (a static link checks its target's etag at PUT time)."""
    return [o for o in plan.objects
            if o.account == account and o.container == container and
            o.kind == 'plain' and names.linkable(o.name) and
            not o.delete_after and o.previous_size is None]


def _symlink(plan, rng, cont, taken, label, target):
    headers = {'x-symlink-target': '%s/%s' % (
        names.quote(target.container), names.quote(target.name))}
    if target.account is not None:
        headers['x-symlink-target-account'] = names.quote(target.account)
    if target.static:
        dest = plan.find(target.account or cont.account, target.container,
                         target.name)
        headers['x-symlink-target-etag'] = plan.md5(dest)
    resolved = plan.resolve(ObjectPlan(
        cont.account, cont.name, '', 'symlink', 0, '', {}, {},
        target=target))
    obj = ObjectPlan(cont.account, cont.name,
                     _short_name(rng, taken, label + ' '), 'symlink',
                     resolved.size if resolved else 0,
                     rng.choice(('application/symlink', 'text/plain')),
                     {}, headers, target=target)
    if stored_size(obj) > OBJECT_BUDGET:
        return None  # long names on both ends: the link would not fit
    _object_metadata(rng, obj)
    return plan.add(obj)


def _symlinks(plan, rng, ai, cont, taken, regular, accounts):
    local = _link_candidates(plan, cont.account, cont.name)
    dangling = Target(None, cont.name, 'missing/%s' % _token(rng))
    _symlink(plan, rng, cont, taken, 'dangling', dangling)
    if local:
        dynamic = _symlink(plan, rng, cont, taken, 'link',
                           Target(None, cont.name, rng.choice(local).name))
        _symlink(plan, rng, cont, taken, 'static',
                 Target(None, cont.name, rng.choice(local).name, True))
        if dynamic is not None:
            _symlink(plan, rng, cont, taken, 'chain',
                     Target(None, cont.name, dynamic.name))
    other = accounts[(ai + 1) % len(accounts)]
    for ocont in regular[other]:
        remote = _link_candidates(plan, other, ocont.name)
        if remote:
            target = Target(other, ocont.name, rng.choice(remote).name)
            _symlink(plan, rng, cont, taken, 'cross', target)
            break


def _big_container(plan, account, taken):
    """More objects than one listing page holds."""
    options = plan.options
    rng = rng_for(options.seed, 'big', account)
    name = names.unique('big %s %s' % (rng.choice(names.WORDS),
                                       rng.choice(names.UNICODE)),
                        taken, names.LONG_CONTAINER_NAME)
    plan.containers.append(ContainerPlan(
        account, name, 'big', _policy(rng, options),
        names.metadata(rng, 'x-container-meta-', 3, 500), {}))
    max_size = min(options.max_size, 512)
    styles = ('plain', 'unicode', 'space', 'dirs', 'special')
    for i in range(options.big_container):
        orng = rng_for(options.seed, 'big-object', account, i)
        base = names.object_name(orng, styles[i % len(styles)])
        plan.add(ObjectPlan(account, name, '%s.%06d' % (base, i), 'plain',
                            random_size(orng, max_size),
                            'application/octet-stream', {}, {}))
