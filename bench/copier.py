"""The limit: a plain concurrent GET -> PUT copier, no decisions.

It is given the object list, so it does no listing and no comparison:
what it reaches is the ceiling the two clusters (and this machine) allow
for a copy at that concurrency. Bodies are streamed from the origin GET
into the destination PUT (never held whole in memory), with the origin's
Content-Length, Etag, Content-Type and user metadata.

Usage: python copier.py SPEC.json  (prints a JSON result on stdout)
SPEC: {"origin": {"auth_url", "user", "key"}, "destination": {...},
       "workers": 16, "objects": [[account, container, name], ...]}
"""
import eventlet
eventlet.monkey_patch()

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import requests  # noqa: E402

from auth import object_path, v1_auth  # noqa: E402
# The body adapter only (exact length, no decoding); no decision logic.
from swsync.actions import StreamBody  # noqa: E402


def _session(workers):
    session = requests.Session()
    session.mount('http://', requests.adapters.HTTPAdapter(
        pool_maxsize=workers, pool_block=True))
    return session


class Copier:
    def __init__(self, spec):
        self.workers = spec['workers']
        self.src, self.dst = _session(self.workers), _session(self.workers)
        self.src_base, self.src_token = v1_auth(**spec['origin'])
        self.dst_base, self.dst_token = v1_auth(**spec['destination'])
        self.bytes = 0

    def container(self, account, container):
        """Create a destination container. On a fresh cluster the first
        PUTs also autocreate the account, and the proxy may answer 404
        while its cache still says the account is missing: retried."""
        for attempt in range(10):
            resp = self.dst.put(self.dst_base + object_path(account,
                                                            container),
                                headers={'X-Auth-Token': self.dst_token})
            if resp.status_code in (201, 202):
                return
            if resp.status_code != 404:
                break
            eventlet.sleep(0.2 * (attempt + 1))
        raise RuntimeError('PUT container %s/%s: %s' % (
            account, container, resp.status_code))

    def copy(self, account, container, name):
        path = object_path(account, container, name)
        with self.src.get(self.src_base + path, stream=True,
                          headers={'X-Auth-Token': self.src_token}) as got:
            if got.status_code != 200:
                raise RuntimeError('GET %s: %s' % (path, got.status_code))
            length = int(got.headers['Content-Length'])
            headers = {k: v for k, v in got.headers.items()
                       if k.lower().startswith('x-object-meta-')}
            headers.update({
                'X-Auth-Token': self.dst_token,
                'Content-Length': str(length),
                'Etag': got.headers['Etag'].strip('"'),
                'Content-Type': got.headers['Content-Type']})
            put = self.dst.put(self.dst_base + path, headers=headers,
                               data=StreamBody(got.raw, length))
            put.close()
        if put.status_code != 201:
            raise RuntimeError('PUT %s: %s' % (path, put.status_code))
        self.bytes += length


def run(spec):
    """Copy every listed object; returns counts and the elapsed time
    (authentication included, interpreter start-up not)."""
    started = time.time()
    copier = Copier(spec)
    objects = [tuple(o) for o in spec['objects']]
    for account, container in sorted({(a, c) for a, c, _n in objects}):
        copier.container(account, container)
    pool = eventlet.GreenPool(copier.workers)
    errors = []

    def one(obj):
        try:
            copier.copy(*obj)
        except Exception as exc:
            errors.append('%s/%s/%s: %s' % (obj + (exc,)))
    for obj in objects:
        pool.spawn(one, obj)
    pool.waitall()
    return {'objects': len(objects) - len(errors), 'bytes': copier.bytes,
            'seconds': time.time() - started, 'errors': errors[:10]}


def main(argv):
    with open(argv[1]) as f:
        spec = json.load(f)
    result = run(spec)
    print(json.dumps(result))
    return 1 if result['errors'] else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
