#!/usr/bin/env python3
"""Write listing rows straight into a local cluster's container database.

The nightly-run bench needs containers of 100,000 listed objects on both
sides. Writing them as objects through a proxy takes this machine about
ten minutes per container and side; what a nightly run reads of them is
only their listing. So this writes the rows a 0-byte object PUT would
leave in the container database (name, timestamp, size 0, the empty MD5,
a content type), with Swift's own ``ContainerBroker.merge_items``, the
call container replication ends in. The proxy then lists them like any
others; the objects themselves do not exist (a GET would answer 404),
which a listing-only run and ``swsync verify --level listing`` never see.

The same rows with the same timestamp written on both clusters make a
container that swsync finds in sync by listing it (same timestamp,
same etag and size). Run with the cluster's Python (Swift installed), in
a child process: Swift must read the cluster's ``swift.conf`` before it
is imported anywhere (``saio_server.prepare``).

Usage: container_rows.py CLUSTER_DIR ACCOUNT CONTAINER COUNT TIMESTAMP
Rows are named ``o0000000``...; prints the container's object count.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'tools'))

import saio_server  # noqa: E402

MD5_EMPTY = 'd41d8cd98f00b204e9800998ecf8427e'
BATCH = 10000


def row_name(i):
    return 'o%07d' % i


def database_of(cluster_dir, account, container):
    """The container's database file on the cluster's only device (the
    rings have one replica)."""
    from swift.common.ring import Ring
    from swift.common.utils import hash_path, storage_directory
    ring = Ring(os.path.join(cluster_dir, 'etc'), ring_name='container')
    part, nodes = ring.get_nodes(account, container)
    digest = hash_path(account, container)
    return os.path.join(cluster_dir, 'srv', 'node', nodes[0]['device'],
                        storage_directory('containers', part, digest),
                        digest + '.db')


def write_rows(cluster_dir, account, container, count, timestamp):
    """Merge ``count`` rows into an existing container (created through
    the proxy first); returns its object count afterwards."""
    from swift.common.utils import Timestamp
    from swift.container.backend import ContainerBroker
    path = database_of(cluster_dir, account, container)
    if not os.path.exists(path):
        raise SystemExit('no database for %s/%s: create the container '
                         'first' % (account, container))
    broker = ContainerBroker(path, account=account, container=container)
    policy = broker.get_info()['storage_policy_index']
    created = Timestamp(timestamp).internal
    for start in range(0, count, BATCH):
        broker.merge_items([
            {'name': row_name(i), 'created_at': created, 'size': 0,
             'content_type': 'application/octet-stream',
             'etag': MD5_EMPTY, 'deleted': 0,
             'storage_policy_index': policy}
            for i in range(start, min(start + BATCH, count))])
    return broker.get_info()['object_count']


def main(argv):
    if len(argv) != 6:
        raise SystemExit(__doc__.strip().splitlines()[-2])
    cluster_dir, account, container, count, timestamp = argv[1:]
    saio_server.prepare(cluster_dir, 'rows')
    print(write_rows(cluster_dir, account, container, int(count),
                     float(timestamp)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
