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
                           die_with_parent=True, **kwargs)
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


# the change-marks middleware's min_interval on marked_origin (seconds)
MARK_INTERVAL = 1


@pytest.fixture(scope='session')
def marked_origin(saio_root):
    """An origin whose proxies (two, sharing memcache) run swsync's
    change-marks middleware."""
    cluster = _start('marked-origin', 110, saio_root,
                     change_marks=MARK_INTERVAL, proxies=2)
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


# --- Keystone ---------------------------------------------------------------
# A real Keystone (tools/keystone.py: its own virtualenv, installed on first
# use, SQLite, fernet tokens, gunicorn) and Swift clusters whose proxies
# authenticate with it (authtoken + keystoneauth instead of tempauth).
#
# Ports: keystone BASE_PORT+30, keystone_short BASE_PORT+31; clusters
# ks_origin BASE_PORT+40, ks_destination +50, ks_short +60.
#
# ks_origin and ks_destination trust the same Keystone, so a project has the
# same account name (AUTH_<project id>) on both. Keystone's catalog lists
# ks_origin as the object-store endpoint of region RegionOne and
# ks_destination as that of RegionTwo: one Keystone cannot tell two proxies
# of the same region apart. keystone_short and ks_short are a second,
# separate Keystone (other project ids) with short-lived tokens.

import uuid  # noqa: E402

import keystone as ks_tool  # noqa: E402

KS_SHORT_EXPIRATION = 20


def _start_keystone(name, offset, root, **kwargs):
    server = ks_tool.Keystone(name, BASE_PORT + offset, root=str(root),
                              die_with_parent=True, **kwargs)
    atexit.register(server.stop)
    return server.start()


@pytest.fixture(scope='session')
def keystone_root(tmp_path_factory):
    return tmp_path_factory.mktemp('keystone')


@pytest.fixture(scope='session')
def keystone(keystone_root):
    """One Keystone; its test identities exist (see ks_credentials)."""
    server = _start_keystone('keystone', 30, keystone_root)
    server.credentials()
    yield server
    server.stop()


@pytest.fixture(scope='session')
def ks_origin(saio_root, keystone):
    cluster = _start('ks-origin', 40, saio_root, keystone=keystone,
                     keystone_region='RegionOne')
    yield cluster
    cluster.stop()


@pytest.fixture(scope='session')
def ks_destination(saio_root, keystone):
    cluster = _start('ks-destination', 50, saio_root, keystone=keystone,
                     keystone_region='RegionTwo')
    yield cluster
    cluster.stop()


@pytest.fixture
def ks_credentials(keystone):
    """Credentials of the shared Keystone's identities (a fresh copy).

    ``{'admin': ..., 'reseller': ..., 'user': ..., 'user2': ...}``; each a
    dict with auth_url, auth_version ('3'), username, password,
    project_name, user_domain_name, project_domain_name, user_id,
    project_id and account (AUTH_<project_id>). 'reseller' is user swsync
    with ResellerAdmin on project swsync; 'user' and 'user2' are plain
    members of projects test and test2.
    """
    return keystone.credentials()


@pytest.fixture
def ks_project(keystone):
    """Factory: a new project with a member user, for a test of its own.

    ``ks_project()`` or ``ks_project(roles=('member', 'ResellerAdmin'))``
    returns credentials in the ks_credentials format.
    """
    def make(prefix='p', roles=('member',)):
        name = '%s-%s' % (prefix, uuid.uuid4().hex[:10])
        return keystone.ensure_user(name + '-user', name + '-pass', name,
                                    roles=roles)
    return make


@pytest.fixture(scope='session')
def keystone_short(keystone_root):
    """A second, separate Keystone whose tokens last KS_SHORT_EXPIRATION
    seconds."""
    server = _start_keystone('keystone-short', 31, keystone_root,
                             expiration=KS_SHORT_EXPIRATION,
                             allow_expired_window=5)
    server.credentials()
    yield server
    server.stop()


@pytest.fixture(scope='session')
def ks_short(saio_root, keystone_short):
    cluster = _start('ks-short', 60, saio_root, keystone=keystone_short)
    yield cluster
    cluster.stop()


# --- #16: Keystone layouts that used to lose accounts silently ---------------
# Ports: keystone_limited BASE_PORT+32; clusters ks_region_a +70,
# ks_short_b +80, ksl_origin +90, ks_noauto +100.
#
# ks_region_a trusts the shared Keystone but is the object-store of region
# RegionA, where Keystone has no identity endpoint (its own endpoints are in
# RegionOne); ks_short_b is the same for keystone_short (region RegionB).
# keystone_limited answers lists of at most KS_LIST_LIMIT entries
# ([DEFAULT] list_limit), ksl_origin trusts it. ks_noauto trusts the shared
# Keystone (region RegionC) and has account_autocreate = false.

KS_LIST_LIMIT = 10


@pytest.fixture(scope='session')
def ks_region_a(saio_root, keystone):
    cluster = _start('ks-region-a', 70, saio_root, keystone=keystone,
                     keystone_region='RegionA')
    yield cluster
    cluster.stop()


@pytest.fixture(scope='session')
def ks_short_b(saio_root, keystone_short):
    cluster = _start('ks-short-b', 80, saio_root, keystone=keystone_short,
                     keystone_region='RegionB')
    yield cluster
    cluster.stop()


@pytest.fixture(scope='session')
def keystone_limited(keystone_root):
    """A separate Keystone whose list answers stop at KS_LIST_LIMIT."""
    server = _start_keystone('keystone-limited', 32, keystone_root,
                             list_limit=KS_LIST_LIMIT)
    server.credentials()
    yield server
    server.stop()


@pytest.fixture(scope='session')
def ksl_origin(saio_root, keystone_limited):
    cluster = _start('ksl-origin', 90, saio_root, keystone=keystone_limited)
    yield cluster
    cluster.stop()


@pytest.fixture(scope='session')
def ks_noauto(saio_root, keystone):
    cluster = _start('ks-noauto', 100, saio_root, keystone=keystone,
                     keystone_region='RegionC', account_autocreate=False)
    yield cluster
    cluster.stop()
