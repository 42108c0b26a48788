#!/usr/bin/env python3
"""Start, stop and inspect complete local Swift clusters (Swift All In One).

Used by the functional tests, the demo and the benchmarks alike, so that
every feature is proven against real proxies. One cluster is a proxy,
account, container and object server plus its own memcached, all on
127.0.0.1, under one data directory, with rings built in-process.

Ports: proxy BASE, account BASE+1, container BASE+2, object BASE+3,
memcached BASE+4, more proxies BASE+5... Pick bases at least 10 apart
for clusters side by side.

Authentication is tempauth by default. With ``keystone=`` (a
``tools/keystone.py`` Keystone object or a Keystone URL) the proxy uses
keystonemiddleware's ``authtoken`` and Swift's ``keystoneauth`` instead;
keystonemiddleware must then be installed where the servers run.

Command line::

    python tools/saio.py start NAME BASE_PORT [--no-shunt-timestamp]
                               [--keystone URL [--keystone-region REGION]]
                               [--no-account-autocreate]
                               [--change-marks SECONDS] [--proxies N]
    python tools/saio.py stop NAME
    python tools/saio.py status NAME
"""
import argparse
import getpass
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_ROOT = os.environ.get('SWIFTSYNC_SAIO_ROOT', '/tmp/swiftsync-saio')
SERVERS = ('account', 'container', 'object', 'proxy')
POLICIES = ('gold', 'silver')

# Tempauth users: (account, user, key, groups). AUTH_admin holds the
# reseller admin; the others are ordinary accounts for tests.
TEMPAUTH_USERS = (
    ('admin', 'admin', 'adminpass', '.admin .reseller_admin'),
    ('test', 'tester', 'testing', '.admin'),
    ('test2', 'tester2', 'testing2', '.admin'),
    ('test3', 'tester3', 'testing3', '.admin'),
)

PIPELINE = (
    'catch_errors gatekeeper healthcheck proxy-logging cache listing_formats '
    'container_sync bulk tempurl tempauth copy container-quotas '
    'account-quotas slo dlo versioned_writes symlink proxy-logging '
    'proxy-server')

# Keystone instead of tempauth: same middlewares, same order.
KEYSTONE_PIPELINE = PIPELINE.replace(' tempauth ', ' authtoken keystoneauth ')

# The service user authtoken validates tokens with, when keystone= is a
# URL (a Keystone object provides its own, creating it if needed).
KEYSTONE_SERVICE_USER = {'username': 'swift', 'password': 'swiftpass',
                         'project_name': 'service',
                         'user_domain_name': 'Default',
                         'project_domain_name': 'Default'}

KEYSTONE_FILTERS = """
[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
www_authenticate_uri = {keystone_url}
auth_url = {keystone_url}
auth_type = password
username = {username}
password = {password}
project_name = {project_name}
user_domain_name = {user_domain_name}
project_domain_name = {project_domain_name}
interface = public
# Validated tokens are cached in the cluster's memcached, through the
# proxy's cache filter.
cache = swift.cache
delay_auth_decision = True
include_service_catalog = False

[filter:keystoneauth]
use = egg:swift#keystoneauth
operator_roles = admin, member
reseller_admin_role = ResellerAdmin
reseller_prefix = AUTH
"""

CHANGES_FILTER = """
[filter:swsync_changes]
use = egg:swiftsync#changes
min_interval = {min_interval}
"""

PROXY_CONF = """\
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = {proxy_port}
workers = 0
user = {user}
swift_dir = {etc}
log_level = INFO
log_name = proxy-server
eventlet_debug = false

[pipeline:main]
pipeline = {pipeline}

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = {account_autocreate}
allow_account_management = {allow_account_management}
node_timeout = 10
conn_timeout = 1

[filter:gatekeeper]
use = egg:swift#gatekeeper
shunt_inbound_x_timestamp = {shunt}

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:proxy-logging]
use = egg:swift#proxy_logging
access_log_facility = LOG_LOCAL1
access_log_name = proxy-access

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:{memcached_port}

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:container_sync]
use = egg:swift#container_sync

[filter:bulk]
use = egg:swift#bulk

[filter:tempurl]
use = egg:swift#tempurl

[filter:tempauth]
use = egg:swift#tempauth
token_life = {token_life}
{users}

[filter:copy]
use = egg:swift#copy

[filter:container-quotas]
use = egg:swift#container_quotas

[filter:account-quotas]
use = egg:swift#account_quotas

[filter:slo]
use = egg:swift#slo

[filter:dlo]
use = egg:swift#dlo

[filter:versioned_writes]
use = egg:swift#versioned_writes
allow_versioned_writes = true
allow_object_versioning = true

[filter:symlink]
use = egg:swift#symlink
"""

BACKEND_CONF = """\
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = {port}
workers = 0
user = {user}
swift_dir = {etc}
devices = {devices}
mount_check = false
disable_fallocate = true
recon_cache_path = {run}
log_level = INFO
log_name = {server}-server

[pipeline:main]
pipeline = healthcheck {server}-server

[filter:healthcheck]
use = egg:swift#healthcheck

[app:{server}-server]
use = egg:swift#{server}

[{server}-replicator]

[{server}-auditor]
"""

EXTRA_BACKEND = {
    'container': '\n[container-updater]\ninterval = 1\n',
    'object': ('\n[object-updater]\n\n[object-expirer]\ninterval = 1\n'
               'dequeue_from_legacy = true\n'
               'internal_client_conf_path = {etc}/internal-client.conf\n'),
}

INTERNAL_CLIENT_CONF = """\
[DEFAULT]
swift_dir = {etc}
user = {user}

[pipeline:main]
pipeline = catch_errors proxy-logging cache symlink proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:{memcached_port}

[filter:proxy-logging]
use = egg:swift#proxy_logging

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:symlink]
use = egg:swift#symlink
"""

SWIFT_CONF = """\
[swift-hash]
swift_hash_path_suffix = {name}-suffix
swift_hash_path_prefix = {name}-prefix

[storage-policy:0]
name = gold
default = yes

[storage-policy:1]
name = silver

[swift-constraints]
container_listing_limit = {listing_limit}
account_listing_limit = {listing_limit}
{constraints}
"""


class ClusterError(Exception):
    """A cluster could not be started or reached."""


class Cluster:
    """One local Swift cluster: its files, processes, URLs and logs."""

    def __init__(self, name, base_port, root=DEFAULT_ROOT,
                 shunt_timestamp=True, listing_limit=100, token_life=86400,
                 constraints=None, python=None, keystone=None,
                 keystone_region='RegionOne', keystone_service_user=None,
                 die_with_parent=False, account_autocreate=True,
                 allow_account_management=True, change_marks=None,
                 proxies=1):
        """``account_autocreate``: the proxy answers for an account that
        does not exist as if it were empty and creates it on the first
        write (Keystone deployments need it unless accounts are created
        beforehand); off, such an account answers 404 until a reseller
        admin PUTs it, which ``allow_account_management`` permits.

        ``keystone``: None (tempauth), a Keystone URL such as
        ``http://127.0.0.1:5000``, or a ``tools/keystone.py`` Keystone.
        With a Keystone object, start() creates the service user and
        registers this proxy as the object-store endpoint of
        ``keystone_region``; with a URL both are the caller's job
        (``keystone_service_user`` defaults to KEYSTONE_SERVICE_USER).

        ``change_marks``: None, or the ``min_interval`` (seconds) of
        swsync's change-marks middleware, then put in the proxy's pipeline
        just before the last proxy-logging (swiftsync must be installed
        where the servers run).

        ``proxies``: how many proxy servers (1 to 5) share the cluster's
        rings and memcache, as in production: the first on BASE, the
        others (``proxy2``...) on BASE+5...; each has its own access log
        (``log/proxy2-access.log``)."""
        if not 1 <= int(proxies) <= 5:
            raise ClusterError('proxies: 1 to 5')
        self.proxies = int(proxies)
        self.name = name
        self.base_port = int(base_port)
        self.dir = os.path.join(root, name)
        self.shunt_timestamp = shunt_timestamp
        self.listing_limit = listing_limit
        self.token_life = token_life
        self.constraints = dict(constraints or {})
        self.python = python or sys.executable
        # Tests: servers die with the process that started them, so a
        # killed test run leaves no cluster behind.
        self.die_with_parent = die_with_parent
        self.keystone = keystone
        self.keystone_region = keystone_region
        self.keystone_service_user = keystone_service_user
        self.account_autocreate = account_autocreate
        self.allow_account_management = allow_account_management
        self.change_marks = change_marks

    # --- authentication ------------------------------------------------
    @property
    def keystone_url(self):
        """Keystone's base URL, or None with tempauth."""
        if self.keystone is None:
            return None
        return getattr(self.keystone, 'url', self.keystone).rstrip('/')

    def _require_tempauth(self):
        if self.keystone is not None:
            raise ClusterError(
                'cluster %s authenticates with Keystone (%s): take '
                'credentials from the Keystone, not from tempauth' % (
                    self.name, self.keystone_url))

    # --- addresses and credentials -------------------------------------
    @property
    def proxy_port(self):
        return self.base_port

    @property
    def servers(self):
        """The cluster's server processes (memcached apart)."""
        return SERVERS + tuple('proxy%d' % k
                               for k in range(2, self.proxies + 1))

    def proxy_port_of(self, k):
        """The port of proxy ``k`` (1: the first, ``proxy_port``)."""
        return self.proxy_port if k == 1 else self.base_port + 3 + k

    def proxy_url(self, k):
        """The URL of proxy ``k`` (1: the first, ``url``)."""
        return 'http://127.0.0.1:%d' % self.proxy_port_of(k)

    def port_of(self, server):
        """The port ``server`` (proxy, proxyN, account, ...) listens on."""
        backends = {'account': 1, 'container': 2, 'object': 3}
        if server in backends:
            return self.base_port + backends[server]
        return self.proxy_port_of(int(server[len('proxy'):] or 1))

    def access_log_of(self, k):
        """The access log of proxy ``k``."""
        return os.path.join(self.dir, 'log', 'proxy%s-access.log' % (
            '' if k == 1 else k))

    @property
    def memcached_port(self):
        return self.base_port + 4

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.proxy_port

    @property
    def auth_url(self):
        """tempauth's URL, or Keystone's ``/v3`` URL for a Keystone
        cluster."""
        if self.keystone is not None:
            return self.keystone_url + '/v3'
        return self.url + '/auth/v1.0'

    @property
    def storage_url_template(self):
        """The object-store endpoint as registered in Keystone."""
        return self.url + '/v1/AUTH_%(project_id)s'

    def storage_url(self, account):
        """Storage URL of an account name such as ``AUTH_test``."""
        return '%s/v1/%s' % (self.url, account)

    @property
    def reseller(self):
        """Credentials of the reseller admin (``.reseller_admin``)."""
        return self.user('admin')

    def user(self, account):
        self._require_tempauth()
        for acct, user, key, _groups in TEMPAUTH_USERS:
            if acct == account:
                return {'auth_url': self.auth_url,
                        'username': '%s:%s' % (acct, user), 'password': key,
                        'account': 'AUTH_' + acct}
        raise KeyError(account)

    @property
    def accounts(self):
        """The ordinary (non reseller) tempauth accounts."""
        self._require_tempauth()
        return ['AUTH_' + u[0] for u in TEMPAUTH_USERS if u[0] != 'admin']

    @property
    def access_log(self):
        return os.path.join(self.dir, 'log', 'proxy-access.log')

    # --- files -------------------------------------------------------------
    def _write(self, path, text):
        with open(path, 'w') as f:
            f.write(text)

    def _write_configs(self):
        etc = os.path.join(self.dir, 'etc')
        devices = os.path.join(self.dir, 'srv', 'node')
        for d in (etc, os.path.join(devices, 'd1'),
                  os.path.join(self.dir, 'log'),
                  os.path.join(self.dir, 'run')):
            os.makedirs(d, exist_ok=True)
        common = {'user': getpass.getuser(), 'etc': etc, 'devices': devices,
                  'run': os.path.join(self.dir, 'run'),
                  'name': self.name, 'memcached_port': self.memcached_port}
        users = '\n'.join(
            'user_%s_%s = %s %s' % u for u in TEMPAUTH_USERS)
        constraints = '\n'.join('%s = %s' % kv
                                for kv in sorted(self.constraints.items()))
        self._write(os.path.join(etc, 'swift.conf'), SWIFT_CONF.format(
            listing_limit=self.listing_limit, constraints=constraints,
            **common))
        pipeline = PIPELINE if self.keystone is None else KEYSTONE_PIPELINE
        if self.change_marks is not None:
            pipeline = pipeline.replace(
                ' proxy-logging proxy-server',
                ' swsync_changes proxy-logging proxy-server')
        proxy_conf = PROXY_CONF.format(
            proxy_port=self.proxy_port, users=users, pipeline=pipeline,
            shunt='true' if self.shunt_timestamp else 'false',
            account_autocreate=str(bool(self.account_autocreate)).lower(),
            allow_account_management=str(
                bool(self.allow_account_management)).lower(),
            token_life=self.token_life, **common)
        if self.change_marks is not None:
            proxy_conf += CHANGES_FILTER.format(
                min_interval=self.change_marks)
        if self.keystone is not None:
            proxy_conf += KEYSTONE_FILTERS.format(
                keystone_url=self.keystone_url, **self._service_user())
        self._write(os.path.join(etc, 'proxy-server.conf'), proxy_conf)
        for k in range(2, self.proxies + 1):
            self._write(os.path.join(etc, 'proxy%d-server.conf' % k),
                        proxy_conf.replace(
                            'bind_port = %d\n' % self.proxy_port,
                            'bind_port = %d\n' % self.proxy_port_of(k),
                            1))
        self._write(os.path.join(etc, 'internal-client.conf'),
                    INTERNAL_CLIENT_CONF.format(**common))
        for offset, server in enumerate(('account', 'container', 'object'),
                                        start=1):
            text = BACKEND_CONF.format(port=self.base_port + offset,
                                       server=server, **common)
            text += EXTRA_BACKEND.get(server, '').format(**common)
            self._write(os.path.join(etc, '%s-server.conf' % server), text)
        self._build_rings(etc)

    def _service_user(self):
        if self.keystone_service_user is None:
            if hasattr(self.keystone, 'swift_service_credentials'):
                self.keystone_service_user = (
                    self.keystone.swift_service_credentials())
            else:
                self.keystone_service_user = dict(KEYSTONE_SERVICE_USER)
        keys = ('username', 'password', 'project_name', 'user_domain_name',
                'project_domain_name')
        return {k: self.keystone_service_user.get(
            k, KEYSTONE_SERVICE_USER[k]) for k in keys}

    def _build_rings(self, etc):
        """Rings with Swift's RingBuilder (~0.5 s; the swift-ring-builder
        command line takes ~9 s), in a child process: importing swift
        here would import eventlet's green socketserver, which turns the
        stdlib http.server threads of this process green."""
        launcher = os.path.join(HERE, 'saio_server.py')
        subprocess.run([self.python, launcher, self.dir, 'rings',
                        str(self.base_port)], check=True,
                       stdin=subprocess.DEVNULL, timeout=120)

    # --- processes -----------------------------------------------------
    def _pid_file(self, server):
        return os.path.join(self.dir, 'run', '%s.pid' % server)

    def _spawn(self, server, argv):
        log = open(os.path.join(self.dir, 'log', '%s.stderr' % server), 'ab')
        proc = subprocess.Popen(argv, stdout=log, stderr=log,
                                stdin=subprocess.DEVNULL,
                                start_new_session=True,
                                preexec_fn=_die_with_parent
                                if self.die_with_parent else None)
        log.close()
        self._write(self._pid_file(server), str(proc.pid))
        return proc

    def start(self, timeout=30):
        """Start memcached and the four servers; wait for /healthcheck."""
        if self.running():
            raise ClusterError('cluster %s already running' % self.name)
        for port in range(self.base_port, self.base_port + 4 +
                          self.proxies):
            _require_free_port(port)
        if os.path.exists(self.dir):
            shutil.rmtree(self.dir)
        if self.keystone is not None:
            _require_keystonemiddleware(self.python)
        self._write_configs()
        memcached = shutil.which('memcached')
        if not memcached:
            raise ClusterError('memcached not found: run tools/install-deps')
        self._spawn('memcached', [memcached, '-l', '127.0.0.1', '-U', '0',
                                  '-p', str(self.memcached_port), '-m', '64',
                                  '-u', getpass.getuser()])
        launcher = os.path.join(HERE, 'saio_server.py')
        for server in self.servers:
            self._spawn(server, [self.python, launcher, self.dir, server])
        self._write(os.path.join(self.dir, 'cluster.json'), json.dumps({
            'name': self.name, 'base_port': self.base_port,
            'shunt_timestamp': self.shunt_timestamp,
            'listing_limit': self.listing_limit,
            'constraints': self.constraints,
            'token_life': self.token_life,
            'keystone': self.keystone_url,
            'keystone_region': self.keystone_region,
            'keystone_service_user': self.keystone_service_user,
            'account_autocreate': self.account_autocreate,
            'allow_account_management': self.allow_account_management,
            'change_marks': self.change_marks, 'proxies': self.proxies}))
        self.wait_healthy(timeout)
        if hasattr(self.keystone, 'register_object_store'):
            self.keystone.register_object_store(
                self.url, region=self.keystone_region)
        return self

    def wait_healthy(self, timeout=30):
        deadline = time.time() + timeout
        ports = [self.port_of(server) for server in self.servers]
        while True:
            if all(_healthy(p) for p in ports):
                return
            dead = [s for s in self.servers if not self._alive(s)]
            if dead or time.time() > deadline:
                self.stop()
                raise ClusterError(
                    'cluster %s did not start (%s); see %s/log' % (
                        self.name, 'dead: ' + ','.join(dead) if dead
                        else 'timeout', self.dir))
            time.sleep(0.1)

    def _pid(self, server):
        try:
            with open(self._pid_file(server)) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def _alive(self, server):
        pid = self._pid(server)
        return pid is not None and pid_alive(pid)

    def running(self):
        return any(self._alive(s) for s in self.servers + ('memcached',))

    def status(self):
        return {s: self._alive(s) for s in self.servers + ('memcached',)}

    def stop_server(self, server):
        """Kill one server (e.g. the proxy, to inject a fault)."""
        pid = self._pid(server)
        if pid is None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(pid, sig)
            except OSError:
                break
            for _ in range(50):
                if not self._alive(server):
                    break
                time.sleep(0.02)
            else:
                continue
            break
        try:
            os.waitpid(pid, os.WNOHANG)
        except OSError:
            pass
        try:
            os.unlink(self._pid_file(server))
        except OSError:
            pass

    def start_server(self, server):
        """Restart one server stopped by stop_server."""
        launcher = os.path.join(HERE, 'saio_server.py')
        self._spawn(server, [self.python, launcher, self.dir, server])
        port = self.port_of(server)
        deadline = time.time() + 30
        while not _healthy(port):
            if time.time() > deadline:
                raise ClusterError('%s of %s did not restart' % (
                    server, self.name))
            time.sleep(0.1)

    def stop(self):
        proxies = tuple(s for s in self.servers if s.startswith('proxy'))
        for server in proxies + SERVERS[:3] + ('memcached',):
            self.stop_server(server)

    def run_once(self, daemon):
        """Run a background daemon once: container-updater, object-expirer.

        The expirer skips its task account while the account's container
        count is 0, and only the container-updater updates that count, so
        the updater runs first.
        """
        launcher = os.path.join(HERE, 'saio_server.py')
        if daemon == 'object-expirer':
            self.run_once('container-updater')
        subprocess.run([self.python, launcher, self.dir, daemon],
                       check=True, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=120)

    # --- access log ----------------------------------------------------
    def access_log_size(self):
        """A mark to pass to requests_since()."""
        try:
            return os.path.getsize(self.access_log)
        except OSError:
            return 0

    def requests_since(self, mark=0):
        """Client requests logged by the proxy after a mark.

        Returns dicts with method, path (still quoted), status and source;
        internal sub-requests made by middlewares (source != '-') are left
        out, so the list is what clients sent.
        """
        out = []
        try:
            with open(self.access_log, 'rb') as f:
                f.seek(mark)
                data = f.read()
        except OSError:
            return out
        for line in data.decode('utf-8', 'replace').splitlines():
            rec = parse_access_line(line)
            if rec and rec['source'] == '-':
                out.append(rec)
        return out


def parse_access_line(line):
    """Parse one proxy-logging line (fields are space separated).

    Format (swift.common.middleware.proxy_logging, default template):
    client_ip remote_addr datetime method path protocol status_int referer
    user_agent auth_token bytes_recvd bytes_sent client_etag transaction_id
    headers request_time source log_info start_time end_time policy_index
    """
    parts = line.split()
    try:
        idx = next(i for i, p in enumerate(parts)
                   if p in ('GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'COPY',
                            'OPTIONS'))
    except StopIteration:
        return None
    fields = parts[idx:]
    if len(fields) < 14:
        return None
    return {'method': fields[0], 'path': fields[1], 'status': fields[3],
            'source': fields[13]}


def _require_keystonemiddleware(python):
    r = subprocess.run([python, '-c', 'import keystonemiddleware.auth_token'],
                       capture_output=True, text=True,
                       stdin=subprocess.DEVNULL)
    if r.returncode:
        raise ClusterError(
            'keystonemiddleware is not importable by %s (needed by a Swift '
            'proxy behind Keystone): pip install keystonemiddleware\n%s' % (
                python, r.stderr.strip()[-500:]))


def pid_alive(pid):
    """Whether a process runs; a zombie counts as dead."""
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().split(')')[-1].split()[0] != 'Z'
    except OSError:
        return False


def _die_with_parent():
    """In the child before exec: get SIGKILL when the parent dies
    (Linux prctl PR_SET_PDEATHSIG)."""
    import ctypes
    libc = ctypes.CDLL('libc.so.6', use_errno=True)
    libc.prctl(1, signal.SIGKILL, 0, 0, 0)


def port_is_free(port):
    """Whether nothing listens on 127.0.0.1:port."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(('127.0.0.1', port))
        except OSError:
            return False
    return True


def _require_free_port(port):
    if not port_is_free(port):
        raise ClusterError('port %d on 127.0.0.1 is in use' % port)


def _healthy(port):
    try:
        with urllib.request.urlopen(
                'http://127.0.0.1:%d/healthcheck' % port, timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


def load(name, root=DEFAULT_ROOT):
    """The Cluster object of a cluster started earlier (by name)."""
    with open(os.path.join(root, name, 'cluster.json')) as f:
        info = json.load(f)
    return Cluster(info['name'], info['base_port'], root=root,
                   shunt_timestamp=info['shunt_timestamp'],
                   listing_limit=info['listing_limit'],
                   constraints=info.get('constraints'),
                   token_life=info['token_life'],
                   keystone=info.get('keystone'),
                   keystone_region=info.get('keystone_region', 'RegionOne'),
                   keystone_service_user=info.get('keystone_service_user'),
                   account_autocreate=info.get('account_autocreate', True),
                   allow_account_management=info.get(
                       'allow_account_management', True),
                   change_marks=info.get('change_marks'),
                   proxies=info.get('proxies', 1))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--root', default=DEFAULT_ROOT)
    sub = parser.add_subparsers(dest='cmd', required=True)
    start = sub.add_parser('start')
    start.add_argument('name')
    start.add_argument('base_port', type=int)
    start.add_argument('--no-shunt-timestamp', action='store_true',
                       help='let clients set X-Timestamp')
    start.add_argument('--listing-limit', type=int, default=100)
    start.add_argument('--keystone', metavar='URL',
                       help='authenticate with this Keystone instead of '
                            'tempauth (its service user swift/swiftpass in '
                            'project service must exist)')
    start.add_argument('--keystone-region', default='RegionOne')
    start.add_argument('--no-account-autocreate', action='store_true',
                       help='accounts answer 404 until a reseller admin '
                            'creates them with a PUT')
    start.add_argument('--change-marks', type=float, metavar='SECONDS',
                       help="run swsync's change-marks middleware with this "
                            'min_interval')
    start.add_argument('--proxies', type=int, default=1,
                       help='proxy servers sharing the rings and memcache '
                            '(1 to 5; the second on BASE+5, ...)')
    for cmd in ('stop', 'status'):
        sub.add_parser(cmd).add_argument('name')
    args = parser.parse_args(argv)
    try:
        if args.cmd == 'start':
            c = Cluster(args.name, args.base_port, root=args.root,
                        shunt_timestamp=not args.no_shunt_timestamp,
                        listing_limit=args.listing_limit,
                        keystone=args.keystone,
                        keystone_region=args.keystone_region,
                        account_autocreate=not args.no_account_autocreate,
                        change_marks=args.change_marks,
                        proxies=args.proxies).start()
            if c.keystone is None:
                print('%s up: %s (reseller admin:admin / adminpass)' % (
                    c.name, c.auth_url))
            else:
                print('%s up: %s (Keystone %s)' % (c.name, c.url,
                                                   c.auth_url))
        elif args.cmd == 'stop':
            load(args.name, args.root).stop()
        else:
            status = load(args.name, args.root).status()
            print(json.dumps(status))
            return 0 if all(status.values()) else 1
    except (ClusterError, OSError) as exc:
        print('saio: %s' % exc, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
