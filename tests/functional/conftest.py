"""Real Swift clusters for the functional tests.

Two independent clusters (origin, destination) are started once per test
session on 127.0.0.1 and stopped at the end, even when tests fail.
"""
import atexit
import os
import sys

import pytest

TOOLS = os.path.join(os.path.dirname(__file__), '..', '..', 'tools')
sys.path.insert(0, os.path.abspath(TOOLS))

import saio  # noqa: E402

BASE_PORT = int(os.environ.get('SWIFTSYNC_TEST_BASE_PORT', '18100'))


def _start(name, offset, root, **kwargs):
    cluster = saio.Cluster(name, BASE_PORT + offset, root=str(root),
                           **kwargs)
    atexit.register(cluster.stop)
    return cluster.start()


@pytest.fixture(scope='session')
def saio_root(tmp_path_factory):
    return tmp_path_factory.mktemp('saio')


@pytest.fixture(scope='session')
def origin(saio_root):
    cluster = _start('origin', 0, saio_root)
    yield cluster
    cluster.stop()


@pytest.fixture(scope='session')
def destination(saio_root):
    cluster = _start('destination', 10, saio_root)
    yield cluster
    cluster.stop()


TIGHT_CONSTRAINTS = {'max_file_size': 1024 * 1024,
                     'max_object_name_length': 200}


@pytest.fixture(scope='session')
def destination_unshunted(saio_root):
    """A destination whose gatekeeper lets clients set X-Timestamp, and
    whose limits are tighter than the origin's (TIGHT_CONSTRAINTS)."""
    cluster = _start('dest-unshunted', 20, saio_root, shunt_timestamp=False,
                     constraints=TIGHT_CONSTRAINTS)
    yield cluster
    cluster.stop()
