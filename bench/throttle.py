"""Does a rate limit hold? max_requests_per_second and
max_bytes_per_second measured against what swsync actually sent.

Requests: a no-op over C containers of two fake clusters
(``listing_server``), with ``max_requests_per_second`` on the origin; the
origin's own request count over the run's duration is the rate.

Bytes: a first sync of N objects of S MiB between two real clusters
(``tools/saio.py``), with ``max_bytes_per_second`` on the destination;
bytes copied over the run's duration is the rate. The bucket allows one
second of burst, so the steady rate leaves that second's bytes out:
(bytes - limit) / duration.

Target: within 10 % of the limit.
"""
import os
import sys
import tempfile

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'tools'))

import listing_server  # noqa: E402
import saio  # noqa: E402
import swsync_run  # noqa: E402

MIB = 1024 * 1024


def _config(path, origin, dest, account, origin_extra='', dest_extra='',
            **options):
    swsync_run.write_config(path, origin, dest, [account], **options)
    with open(path) as f:
        text = f.read()
    text = text.replace('[destination]', origin_extra + '\n[destination]', 1)
    text = text.replace('[sync]', dest_extra + '\n[sync]', 1)
    with open(path, 'w') as f:
        f.write(text)
    return path


def requests_rate(limit=50.0, containers=600, work=None):
    work = work or tempfile.mkdtemp(prefix='swsync-rps-')
    servers = [listing_server.ListingServer(1, s,
                                            containers=containers).start()
               for s in ('origin', 'destination')]
    try:
        creds = [{'auth_url': s.url + '/auth/v1.0', 'user': 'admin:admin',
                  'key': 'fake'} for s in servers]
        config = _config(os.path.join(work, 'rps.conf'), creds[0], creds[1],
                         listing_server.ACCOUNT,
                         origin_extra='max_requests_per_second = %s' % limit,
                         settle_seconds=1, container_workers=8)
        run = swsync_run.run(config, work, 'rps')
        sent = sum(servers[0].counts.values()) - servers[0].counts.get(
            'auth', 0)
    finally:
        for s in servers:
            s.stop()
    rate = sent / run.seconds
    steady = (sent - limit) / run.seconds
    return {'limit': limit, 'requests': sent,
            'run_seconds': run.seconds, 'rate': round(rate, 1),
            'steady_rate': round(steady, 1),
            'steady_ratio': round(steady / limit, 3),
            'pass': abs(steady / limit - 1) <= 0.10}


def bytes_rate(limit_mib=4.0, count=24, size_mib=2, base_port=18750,
               work=None):
    work = work or tempfile.mkdtemp(prefix='swsync-bps-')
    clusters = [saio.Cluster(name, base_port + 10 * i,
                             root=os.path.join(work, 'saio'),
                             listing_limit=10000).start()
                for i, name in enumerate(('bps-origin', 'bps-dest'))]
    try:
        account = 'AUTH_bps'
        o = clusters[0]
        r = requests.get(o.auth_url, headers={'X-Auth-User': 'admin:admin',
                                              'X-Auth-Key': 'adminpass'})
        token = r.headers['x-auth-token']
        base = o.url + '/v1/' + account
        requests.put(base + '/c', headers={'X-Auth-Token': token})
        for i in range(count):
            requests.put('%s/c/o%03d' % (base, i), data=os.urandom(
                size_mib * MIB), headers={'X-Auth-Token': token})
        creds = [{'auth_url': c.auth_url, 'user': 'admin:admin',
                  'key': 'adminpass'} for c in clusters]
        limit = limit_mib * MIB
        config = _config(os.path.join(work, 'bps.conf'), creds[0], creds[1],
                         account,
                         dest_extra='max_bytes_per_second = %d' % limit,
                         settle_seconds=1)
        run = swsync_run.run(config, work, 'bps')
    finally:
        for c in clusters:
            c.stop()
    copied = run.bytes
    steady = (copied - limit) / run.seconds
    return {'limit_mib_s': limit_mib, 'bytes': copied,
            'run_seconds': run.seconds,
            'rate_mib_s': round(copied / run.seconds / MIB, 2),
            'steady_rate_mib_s': round(steady / MIB, 2),
            'steady_ratio': round(steady / limit, 3),
            'pass': abs(steady / limit - 1) <= 0.10}


if __name__ == '__main__':
    import json
    print(json.dumps({'requests': requests_rate(), 'bytes': bytes_rate()},
                     indent=1))
