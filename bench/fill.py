"""The bench data on the origin: its layout, contents, fill and changes.

Small objects go in with the bulk middleware's extract-archive (one tar
per container): the proxy then writes them one after another without a
client round trip each, which fills thousands of objects several times
faster than single PUTs. Large objects are streamed from a generator
(never held in memory) with their Content-Length and Etag.
"""
import concurrent.futures
import hashlib
import io
import json
import random
import tarfile

import requests

from auth import object_path

SMALL_ACCOUNTS = tuple('AUTH_bench%d' % i for i in range(4))
CONTAINERS = tuple('c%d' % i for i in range(5))
LARGE_ACCOUNT = 'AUTH_benchlarge'
LARGE_CONTAINER = 'large'
SMALL_SIZE = 1024
MIB = 1024 * 1024


def small_layout(count):
    """(account, container, name) of ``count`` small objects, spread over
    4 accounts x 5 containers."""
    slots = [(a, c) for a in SMALL_ACCOUNTS for c in CONTAINERS]
    per, extra = divmod(count, len(slots))
    out = []
    for i, (account, container) in enumerate(slots):
        for j in range(per + (i < extra)):
            out.append((account, container, 'obj-%06d' % j))
    return out


def large_layout(count):
    return [(LARGE_ACCOUNT, LARGE_CONTAINER, 'big-%d' % i)
            for i in range(count)]


def small_body(account, container, name, version=1):
    """1 KiB, different for every object and every version."""
    seed = ('%s/%s/%s/%d' % (account, container, name, version)).encode()
    return hashlib.sha256(seed).digest() * (SMALL_SIZE // 32)


class PatternBody:
    """``size`` deterministic bytes, produced as they are read.

    Each MiB is a shared random block whose first 16 bytes are the MD5 of
    (seed, MiB index), so every object and every MiB differs.
    """

    _block = random.Random(7).randbytes(MIB)

    def __init__(self, size, seed):
        self.size = size
        self.seed = seed.encode()
        self.pos = 0

    def __len__(self):
        return self.size

    def read(self, n=-1):
        if self.pos >= self.size:
            return b''
        if n is None or n < 0:
            n = self.size - self.pos
        n = min(n, self.size - self.pos, MIB - self.pos % MIB)
        offset = self.pos % MIB
        if offset >= 16:
            chunk = self._block[offset:offset + n]
        else:
            head = hashlib.md5(self.seed + b'%d' % (self.pos // MIB))
            chunk = (head.digest() +
                     self._block[16:offset + n])[offset:offset + n]
        self.pos += n
        return chunk

    def md5(self):
        digest = hashlib.md5()
        copy = PatternBody(self.size, self.seed.decode())
        while True:
            chunk = copy.read(MIB)
            if not chunk:
                return digest.hexdigest()
            digest.update(chunk)


def _tar(objects, version=1):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w') as tar:
        for account, container, name in objects:
            data = small_body(account, container, name, version)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1700000000
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _extract(session, base, token, account, container, objects):
    resp = session.put(base + object_path(account, container),
                       params={'extract-archive': 'tar'},
                       data=_tar(objects),
                       headers={'X-Auth-Token': token,
                                'Accept': 'application/json'},
                       timeout=600)
    resp.raise_for_status()
    result = json.loads(resp.content)
    if result.get('Errors') or \
            result.get('Number Files Created') != len(objects):
        raise RuntimeError('extract-archive into %s/%s: %s' % (
            account, container, result))


def put_large(session, base, token, account, container, name, size):
    body = PatternBody(size, '%s/%s/%s' % (account, container, name))
    resp = session.put(base + object_path(account, container, name),
                       data=body, timeout=600,
                       headers={'X-Auth-Token': token,
                                'Etag': body.md5(),
                                'Content-Type': 'application/octet-stream'})
    if resp.status_code != 201:
        raise RuntimeError('PUT %s/%s/%s: %s' % (account, container, name,
                                                 resp.status_code))


def _container(session, base, token, account, container):
    resp = session.put(base + object_path(account, container),
                       headers={'X-Auth-Token': token}, timeout=60)
    if resp.status_code not in (201, 202):
        raise RuntimeError('PUT %s/%s: %s' % (account, container,
                                              resp.status_code))


def fill(base, token, small, large, large_size, threads=8):
    """Write the small objects (by container, as tars) and the large
    ones, ``threads`` requests at a time."""
    by_container = {}
    for account, container, name in small:
        by_container.setdefault((account, container), []).append(
            (account, container, name))
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_maxsize=threads)
    session.mount('http://', adapter)
    for account, container in {(a, c) for a, c, _n in large}:
        _container(session, base, token, account, container)
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        jobs = [pool.submit(_extract, session, base, token, a, c, objs)
                for (a, c), objs in sorted(by_container.items())]
        jobs += [pool.submit(put_large, session, base, token, a, c, n,
                             large_size) for a, c, n in large]
        for job in jobs:
            job.result()


def change(base, token, small, fraction=0.01, version=2):
    """Change ``fraction`` of the small objects, spread evenly: half get
    new content (PUT), half new metadata only (POST); ``version`` makes
    each call's changes new. Returns (puts, posts)."""
    count = max(2, round(len(small) * fraction))
    step = max(1, len(small) // count)
    chosen = small[::step][:count]
    session = requests.Session()
    puts = posts = 0
    for i, (account, container, name) in enumerate(chosen):
        url = base + object_path(account, container, name)
        if i % 2 == 0:
            resp = session.put(url, data=small_body(account, container,
                                                    name, version),
                               headers={'X-Auth-Token': token})
            puts += resp.status_code == 201
        else:
            resp = session.post(url, headers={
                'X-Auth-Token': token,
                'X-Object-Meta-Bench': 'changed %d' % version})
            posts += resp.status_code == 202
        if resp.status_code not in (201, 202):
            raise RuntimeError('%s %s/%s/%s: %s' % (
                resp.request.method, account, container, name,
                resp.status_code))
    return puts, posts
