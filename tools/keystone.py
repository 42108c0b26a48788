#!/usr/bin/env python3
"""Start, stop and populate a real Keystone on 127.0.0.1 for tests.

Keystone (PyPI ``keystone``, SQLite, fernet tokens) is served by gunicorn.
It is large (~200 MB) and must not mix with the Swift environment, so it
lives in its own virtualenv, created on first use and reused afterwards
(``SWIFTSYNC_KEYSTONE_VENV``, default ``/tmp/swiftsync-keystone-venv``).
Each instance has a data directory (config, database, key repositories,
logs) under ``SWIFTSYNC_KEYSTONE_ROOT`` (default
``/tmp/swiftsync-keystone``) or the ``root`` given.

Identities are managed from the *caller's* environment with keystoneauth1
and python-keystoneclient (both swsync requirements), never by importing
Keystone itself.

Command line::

    python tools/keystone.py install
    python tools/keystone.py start NAME PORT [--expiration SECONDS]
                                             [--list-limit N]
    python tools/keystone.py stop NAME
    python tools/keystone.py status NAME
"""
import argparse
import fcntl
import getpass
import grp
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from saio import pid_alive, port_is_free

DEFAULT_VENV = os.environ.get('SWIFTSYNC_KEYSTONE_VENV',
                              '/tmp/swiftsync-keystone-venv')
DEFAULT_ROOT = os.environ.get('SWIFTSYNC_KEYSTONE_ROOT',
                              '/tmp/swiftsync-keystone')
# What goes into the Keystone virtualenv. Keystone 30 (2025.2) needs
# Python >= 3.11. The marker file records this spec: changing it rebuilds
# the virtualenv.
PACKAGES = ('keystone>=26,<31', 'gunicorn>=21')
MARKER = '.swiftsync-keystone-ready'

ADMIN_PASSWORD = 'adminpass'
REGION = 'RegionOne'
DOMAIN = 'Default'

# The identities of credentials(): role -> (user, password, project,
# roles on that project).
USERS = {
    'reseller': ('swsync', 'swsyncpass', 'swsync',
                 ('member', 'ResellerAdmin')),
    'user': ('tester', 'testerpass', 'test', ('member',)),
    'user2': ('tester2', 'tester2pass', 'test2', ('member',)),
}
# The service user Swift's authtoken middleware validates tokens with.
SWIFT_SERVICE = {'username': 'swift', 'password': 'swiftpass',
                 'project_name': 'service',
                 'user_domain_name': DOMAIN, 'project_domain_name': DOMAIN}

KEYSTONE_CONF = """\
[DEFAULT]
log_dir = {dir}
log_file = keystone.log
debug = {debug}
use_stderr = false
{list_limit}

[database]
connection = sqlite:///{dir}/keystone.db

[token]
provider = fernet
expiration = {expiration}
allow_expired_window = {allow_expired_window}

[fernet_tokens]
key_repository = {dir}/fernet-keys
max_active_keys = 3

[fernet_receipts]
key_repository = {dir}/fernet-keys

[credential]
key_repository = {dir}/credential-keys

[identity]
# bcrypt's default (12 rounds) costs ~0.3 s per password check: too slow
# for tests that authenticate often.
password_hash_rounds = 4

[cache]
# Without a cache each authenticated request makes ~200 SQL queries
# (~0.4 s); with it ~15 ms. The in-process dict backend is only coherent
# within one process, so it is used only with a single worker. That worker
# has one thread by default: SQLite answers "database is locked" at once
# (no wait) when two transactions of one process both try to write.
enabled = {cache}
backend = oslo_cache.dict
"""

# gunicorn's command line must not reach Keystone: the WSGI app parses
# sys.argv with oslo.config and would reject gunicorn's options.
# The app is built only once keystone-manage is done (SETUP_DONE exists):
# gunicorn is started at the same time, to import Keystone meanwhile.
SETUP_DONE = 'setup-done'
WSGI_MODULE = """\
import os
import sys
import time

os.environ['OS_KEYSTONE_CONFIG_DIR'] = {dir!r}
os.environ['OS_KEYSTONE_CONFIG_FILES'] = 'keystone.conf'
sys.argv = [sys.argv[0]]

from keystone.server.wsgi import initialize_public_application  # noqa

_deadline = time.time() + 300
while not os.path.exists(os.path.join({dir!r}, {setup_done!r})):
    if time.time() > _deadline:
        raise SystemExit('keystone-manage did not finish in 300 s')
    time.sleep(0.05)

application = initialize_public_application()
"""

DIE_WITH_PARENT_EXEC = (
    'import ctypes, os, signal, sys; '
    'ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL, 0, '
    '0, 0); os.execv(sys.argv[1], sys.argv[1:])')

# gunicorn hook: a worker whose master dies gets SIGKILL at once (by default
# an orphaned sync worker notices only at its next poll, up to timeout/2).
GUNICORN_CONF = """\
import ctypes
import signal


def post_fork(server, worker):
    ctypes.CDLL('libc.so.6', use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)
"""

# keystone-manage's own entry point (keystone.cmd.cli.main), run once per
# setup command inside one process: each keystone-manage process spends
# ~2 s importing Keystone, the commands themselves take well under 1 s.
MANAGE_SCRIPT = """\
import json
import sys

from keystone.cmd import cli
from keystone.conf import CONF

conf_file, commands = sys.argv[1], json.loads(sys.argv[2])
for args in commands:
    try:
        cli.main(argv=['keystone-manage', '--config-file', conf_file] + args)
    except BaseException as exc:
        sys.stderr.write('keystone-manage %s failed: %r\\n' % (args[0], exc))
        raise SystemExit(1)
    CONF.clear()
"""


class KeystoneError(Exception):
    """Keystone could not be installed, started or reached."""


# --- the virtualenv ---------------------------------------------------------
def _clean_env():
    """The caller's environment minus what would leak another Python in."""
    env = dict(os.environ)
    for var in ('PYTHONPATH', 'PYTHONHOME', 'VIRTUAL_ENV',
                '__PYVENV_LAUNCHER__'):
        env.pop(var, None)
    return env


def venv_ready(venv=None):
    venv = venv or DEFAULT_VENV
    try:
        with open(os.path.join(venv, MARKER)) as f:
            info = json.load(f)
    except (OSError, ValueError):
        return False
    return (info.get('packages') == list(PACKAGES) and all(
        os.access(os.path.join(venv, 'bin', exe), os.X_OK)
        for exe in ('python', 'keystone-manage', 'gunicorn')))


def ensure_venv(venv=None, python=None, log=None):
    """Create the Keystone virtualenv once; reuse it afterwards.

    Safe to call from several processes at once (a lock file serialises
    them). A half-built virtualenv (no marker) is rebuilt. Returns the
    virtualenv path.
    """
    venv = os.path.abspath(venv or DEFAULT_VENV)
    if venv_ready(venv):
        return venv
    os.makedirs(os.path.dirname(venv), exist_ok=True)
    with open(venv + '.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if venv_ready(venv):
            return venv
        if os.path.exists(venv):
            shutil.rmtree(venv)
        log_path = log or venv + '-install.log'
        started = time.time()
        with open(log_path, 'w') as out:
            steps = [
                [python or sys.executable, '-m', 'venv', venv],
                [os.path.join(venv, 'bin', 'python'), '-m', 'pip',
                 'install', '--disable-pip-version-check']
                + list(PACKAGES),
            ]
            for argv in steps:
                out.write('$ %s\n' % ' '.join(argv))
                out.flush()
                rc = subprocess.call(argv, stdout=out, stderr=out,
                                     stdin=subprocess.DEVNULL,
                                     env=_clean_env())
                if rc:
                    raise KeystoneError(
                        'installing Keystone into %s failed (%s exited %d); '
                        'see %s' % (venv, argv[0], rc, log_path))
        versions = subprocess.run(
            [os.path.join(venv, 'bin', 'python'), '-c',
             'from importlib.metadata import version as v; '
             'print(v("keystone"), v("gunicorn"))'],
            capture_output=True, text=True, env=_clean_env()).stdout.split()
        with open(os.path.join(venv, MARKER), 'w') as f:
            json.dump({'packages': list(PACKAGES), 'versions': versions,
                       'install_seconds': round(time.time() - started, 1)},
                      f)
    return venv


def venv_info(venv=None):
    """The marker of a ready virtualenv: packages, versions, install time."""
    with open(os.path.join(venv or DEFAULT_VENV, MARKER)) as f:
        return json.load(f)


# --- one Keystone -----------------------------------------------------------
class Keystone:
    """One Keystone server: its files, process, URL and identities."""

    def __init__(self, name, port, root=DEFAULT_ROOT, expiration=3600,
                 allow_expired_window=10, workers=1, threads=1,
                 venv=None, admin_password=ADMIN_PASSWORD, debug=False,
                 die_with_parent=False, list_limit=None):
        """``list_limit``: Keystone's ``[DEFAULT] list_limit``: list
        answers (projects, domains...) longer than this are cut and marked
        ``truncated: true``; None leaves Keystone's default (no limit)."""
        self.name = name
        self.port = int(port)
        self.root = root
        self.dir = os.path.abspath(os.path.join(root, name))
        self.expiration = int(expiration)
        self.allow_expired_window = int(allow_expired_window)
        self.workers = int(workers)
        self.threads = int(threads)
        self.venv = os.path.abspath(venv or DEFAULT_VENV)
        self.admin_password = admin_password
        self.debug = debug
        self.list_limit = None if list_limit is None else int(list_limit)
        # Tests: gunicorn dies with the process that started it (and its
        # worker with it, see GUNICORN_CONF).
        self.die_with_parent = die_with_parent
        self._ids = {}
        self.timings = {}

    # --- addresses -------------------------------------------------------
    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.port

    @property
    def auth_url(self):
        return self.url + '/v3'

    @property
    def conf_file(self):
        return os.path.join(self.dir, 'keystone.conf')

    @property
    def log_file(self):
        return os.path.join(self.dir, 'keystone.log')

    @property
    def pid_file(self):
        return os.path.join(self.dir, 'gunicorn.pid')

    # --- setup -----------------------------------------------------------
    def _write(self, name, text):
        with open(os.path.join(self.dir, name), 'w') as f:
            f.write(text)

    def _manage(self, *commands):
        """Run keystone-manage commands (lists of arguments) in order."""
        script = os.path.join(self.dir, 'swiftsync_keystone_manage.py')
        argv = [os.path.join(self.venv, 'bin', 'python'), script,
                self.conf_file, json.dumps([list(c) for c in commands])]
        r = subprocess.run(argv, capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, env=_clean_env(),
                           cwd=self.dir, timeout=300)
        if r.returncode:
            raise KeystoneError(
                'keystone-manage failed (exit %d): %s\nsee %s' % (
                    r.returncode, (r.stderr or r.stdout).strip()[-2000:],
                    self.log_file))

    def _write_files(self):
        os.makedirs(self.dir)
        self._write('keystone.conf', KEYSTONE_CONF.format(
            dir=self.dir, expiration=self.expiration,
            allow_expired_window=self.allow_expired_window,
            debug='true' if self.debug else 'false',
            cache='true' if self.workers == 1 else 'false',
            list_limit='' if self.list_limit is None else
            'list_limit = %d' % self.list_limit))
        self._write('swiftsync_keystone_wsgi.py', WSGI_MODULE.format(
            dir=self.dir, setup_done=SETUP_DONE))
        self._write('swiftsync_keystone_manage.py', MANAGE_SCRIPT)
        self._write('gunicorn_conf.py', GUNICORN_CONF)
        with open(os.path.join(self.dir, 'keystone.json'), 'w') as f:
            json.dump({'name': self.name, 'port': self.port,
                       'expiration': self.expiration,
                       'allow_expired_window': self.allow_expired_window,
                       'workers': self.workers, 'threads': self.threads,
                       'venv': self.venv,
                       'admin_password': self.admin_password,
                       'list_limit': self.list_limit}, f)

    def _setup(self):
        """keystone-manage: database, key repositories, bootstrap."""
        owner = ['--keystone-user', getpass.getuser(),
                 '--keystone-group', grp.getgrgid(os.getgid()).gr_name]
        self._manage(['db_sync'],
                     ['fernet_setup'] + owner,
                     ['credential_setup'] + owner,
                     ['bootstrap',
                      '--bootstrap-password', self.admin_password,
                      '--bootstrap-admin-url', self.auth_url,
                      '--bootstrap-internal-url', self.auth_url,
                      '--bootstrap-public-url', self.auth_url,
                      '--bootstrap-region-id', REGION])
        self._write(SETUP_DONE, '')

    def _serve(self):
        argv = [os.path.join(self.venv, 'bin', 'gunicorn'),
                '--config', os.path.join(self.dir, 'gunicorn_conf.py'),
                '--bind', '127.0.0.1:%d' % self.port,
                '--workers', str(self.workers),
                '--threads', str(self.threads),
                '--timeout', '120',
                '--chdir', self.dir, '--pythonpath', self.dir,
                '--access-logfile', os.path.join(self.dir, 'access.log'),
                '--error-logfile', os.path.join(self.dir, 'gunicorn.log'),
                '--capture-output',
                'swiftsync_keystone_wsgi:application']
        if self.die_with_parent:
            # prctl(PR_SET_PDEATHSIG) survives exec: set it in a tiny
            # launcher rather than with preexec_fn (a fork in the caller).
            argv = [os.path.join(self.venv, 'bin', 'python'), '-c',
                    DIE_WITH_PARENT_EXEC] + argv
        log = open(os.path.join(self.dir, 'gunicorn.stderr'), 'ab')
        proc = subprocess.Popen(argv, stdout=log, stderr=log,
                                stdin=subprocess.DEVNULL, cwd=self.dir,
                                env=_clean_env(), start_new_session=True)
        log.close()
        with open(self.pid_file, 'w') as f:
            f.write(str(proc.pid))

    # --- process ---------------------------------------------------------
    def start(self, timeout=60):
        """Install if needed, set up a fresh data dir, serve, wait ready.

        gunicorn starts first and imports Keystone (~2 s) while
        keystone-manage sets the data dir up; its worker builds the WSGI
        app once the setup is done.
        """
        if self.running():
            raise KeystoneError('keystone %s already running' % self.name)
        _require_free_port(self.port)
        t0 = time.time()
        ensure_venv(self.venv)
        t1 = time.time()
        if os.path.exists(self.dir):
            shutil.rmtree(self.dir)
        self._write_files()
        self._serve()
        try:
            self._setup()
        except BaseException:
            self.stop()
            raise
        t2 = time.time()
        self.wait_ready(timeout)
        # Seconds spent: installing (0 when reused), until keystone-manage
        # is done, then until GET /v3 answers 200.
        self.timings = {'install': round(t1 - t0, 2),
                        'setup': round(t2 - t1, 2),
                        'serve': round(time.time() - t2, 2)}
        return self

    def wait_ready(self, timeout=60):
        deadline = time.time() + timeout
        while True:
            if _get_status(self.auth_url) == 200:
                return
            alive = self.running()
            if not alive or time.time() > deadline:
                self.stop()
                raise KeystoneError(
                    'keystone %s on port %d did not start (%s); see %s, '
                    '%s/gunicorn.log and %s/gunicorn.stderr' % (
                        self.name, self.port,
                        'timeout after %ds' % timeout if alive
                        else 'gunicorn exited', self.log_file, self.dir,
                        self.dir))
            time.sleep(0.1)

    def _pid(self):
        try:
            with open(self.pid_file) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def running(self):
        pid = self._pid()
        return pid is not None and pid_alive(pid)

    def stop(self):
        """Stop gunicorn and its workers (the whole process group)."""
        pid = self._pid()
        if pid is None:
            return
        for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(pid, sig)
            except OSError:
                break
            deadline = time.time() + wait
            while time.time() < deadline and _group_alive(pid):
                time.sleep(0.05)
            if not _group_alive(pid):
                break
        try:
            os.waitpid(pid, os.WNOHANG)
        except OSError:
            pass
        try:
            os.unlink(self.pid_file)
        except OSError:
            pass

    # --- identities (caller's keystoneauth1 / keystoneclient) -----------
    def admin_credentials(self):
        return self._creds('admin', self.admin_password, 'admin')

    def _creds(self, username, password, project_name, **ids):
        creds = {'auth_url': self.auth_url, 'auth_version': '3',
                 'username': username, 'password': password,
                 'project_name': project_name,
                 'user_domain_name': DOMAIN, 'project_domain_name': DOMAIN}
        creds.update(ids)
        return creds

    def session(self, creds=None):
        """A keystoneauth1 session for credentials (default: admin)."""
        from keystoneauth1 import session
        return session.Session(auth=password_auth(
            creds or self.admin_credentials()))

    def client(self):
        """A python-keystoneclient v3 client with the admin's token."""
        from keystoneclient.v3 import client
        if 'client' not in self._ids:
            self._ids['client'] = client.Client(session=self.session())
        return self._ids['client']

    def token(self, creds=None):
        """A new token for credentials (default: admin)."""
        return self.session(creds).get_token()

    def ensure_role(self, name):
        ks = self.client()
        found = ks.roles.list(name=name)
        return found[0] if found else ks.roles.create(name=name)

    def ensure_region(self, region_id):
        ks = self.client()
        if not any(r.id == region_id for r in ks.regions.list()):
            ks.regions.create(id=region_id)
        return region_id

    def ensure_domain(self, name):
        """The id of a domain (by name), created when missing."""
        if name.lower() == 'default':
            return 'default'
        ks = self.client()
        found = ks.domains.list(name=name)
        return (found[0] if found else ks.domains.create(name=name)).id

    def ensure_project(self, name, enabled=True, domain=DOMAIN):
        """A project of a domain (by name), created when missing."""
        ks = self.client()
        domain_id = self.ensure_domain(domain)
        found = ks.projects.list(name=name, domain=domain_id)
        if found:
            return found[0]
        return ks.projects.create(name=name, domain=domain_id,
                                  enabled=enabled)

    def ensure_user(self, name, password, project, roles=('member',),
                    domain=DOMAIN):
        """A user with roles on a project (both created when missing, in
        ``domain``).

        Returns credentials (see credentials()) scoped to that project.
        """
        ks = self.client()
        domain_id = self.ensure_domain(domain)
        proj = self.ensure_project(project, domain=domain)
        found = ks.users.list(name=name, domain=domain_id)
        if found:
            user = ks.users.update(found[0], password=password,
                                   enabled=True)
        else:
            user = ks.users.create(name=name, password=password,
                                   domain=domain_id,
                                   default_project=proj)
        for role in roles:
            ks.roles.grant(self.ensure_role(role), user=user, project=proj)
        creds = self._creds(name, password, proj.name, user_id=user.id,
                            project_id=proj.id, account='AUTH_' + proj.id)
        creds.update(user_domain_name=domain, project_domain_name=domain)
        return creds

    def swift_service_credentials(self):
        """The ``swift`` service user (admin on project ``service``) that
        Swift's authtoken middleware logs in with; created on first use."""
        creds = self.ensure_user(SWIFT_SERVICE['username'],
                                 SWIFT_SERVICE['password'],
                                 SWIFT_SERVICE['project_name'],
                                 roles=('admin',))
        return creds

    def register_object_store(self, proxy_url, region=REGION,
                              service_name='swift'):
        """Catalog entry of a Swift proxy: one ``object-store`` service
        (by name) with public, internal and admin endpoints
        ``<proxy_url>/v1/AUTH_%(project_id)s`` in ``region``. Endpoints
        the service already had in that region are replaced, so two
        clusters behind one Keystone need two regions."""
        ks = self.client()
        self.ensure_region(region)
        found = [s for s in ks.services.list(type='object-store')
                 if s.name == service_name]
        service = found[0] if found else ks.services.create(
            name=service_name, type='object-store',
            description='Swift test cluster')
        for ep in ks.endpoints.list(service=service, region=region):
            ks.endpoints.delete(ep)
        url = proxy_url.rstrip('/') + '/v1/AUTH_%(project_id)s'
        for interface in ('public', 'internal', 'admin'):
            ks.endpoints.create(service=service, url=url,
                                interface=interface, region=region)
        return service

    def credentials(self):
        """Credentials of the test identities, created on first use.

        Returns ``{'admin': ..., 'reseller': ..., 'user': ...,
        'user2': ...}``: the bootstrap admin; ``swsync``, a member with
        ResellerAdmin on project ``swsync``; ``tester`` and ``tester2``,
        plain members of projects ``test`` and ``test2``. Each value is a
        dict with auth_url, auth_version ('3'), username, password,
        project_name, user_domain_name, project_domain_name, user_id,
        project_id and account (``AUTH_<project_id>``).
        """
        if 'credentials' not in self._ids:
            out = {}
            admin = self.admin_credentials()
            ks = self.client()
            user = ks.users.list(name='admin', domain='default')[0]
            proj = ks.projects.list(name='admin', domain='default')[0]
            admin.update(user_id=user.id, project_id=proj.id,
                         account='AUTH_' + proj.id)
            out['admin'] = admin
            for key, (name, password, project, roles) in USERS.items():
                out[key] = self.ensure_user(name, password, project, roles)
            self._ids['credentials'] = out
        return {k: dict(v) for k, v in self._ids['credentials'].items()}


def password_auth(creds):
    """A keystoneauth1 v3 Password plugin from a credentials dict."""
    from keystoneauth1.identity import v3
    return v3.Password(
        auth_url=creds['auth_url'], username=creds['username'],
        password=creds['password'], project_name=creds['project_name'],
        user_domain_name=creds.get('user_domain_name', DOMAIN),
        project_domain_name=creds.get('project_domain_name', DOMAIN))


def load(name, root=DEFAULT_ROOT):
    """The Keystone object of an instance started earlier (by name)."""
    with open(os.path.join(root, name, 'keystone.json')) as f:
        info = json.load(f)
    return Keystone(info['name'], info['port'], root=root,
                    expiration=info['expiration'],
                    allow_expired_window=info['allow_expired_window'],
                    workers=info['workers'], threads=info['threads'],
                    venv=info['venv'],
                    admin_password=info['admin_password'],
                    list_limit=info.get('list_limit'))


def _group_alive(pgid):
    """Whether any non-zombie process of a process group remains."""
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % entry) as f:
                fields = f.read().rsplit(')', 1)[-1].split()
        except OSError:
            continue
        if fields[0] != 'Z' and int(fields[2]) == pgid:
            return True
    return False


def _require_free_port(port):
    if not port_is_free(port):
        raise KeystoneError('port %d on 127.0.0.1 is in use' % port)


def _get_status(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--root', default=DEFAULT_ROOT)
    parser.add_argument('--venv', default=DEFAULT_VENV)
    sub = parser.add_subparsers(dest='cmd', required=True)
    sub.add_parser('install')
    start = sub.add_parser('start')
    start.add_argument('name')
    start.add_argument('port', type=int)
    start.add_argument('--expiration', type=int, default=3600,
                       help='token lifetime in seconds')
    start.add_argument('--list-limit', type=int,
                       help='Keystone [DEFAULT] list_limit: longer lists '
                            'are truncated')
    start.add_argument('--workers', type=int, default=1,
                       help='more than one disables the token cache')
    start.add_argument('--users', action='store_true',
                       help='also create the test identities')
    for cmd in ('stop', 'status'):
        sub.add_parser(cmd).add_argument('name')
    args = parser.parse_args(argv)
    try:
        if args.cmd == 'install':
            print(ensure_venv(args.venv))
            print(json.dumps(venv_info(args.venv)))
        elif args.cmd == 'start':
            ks = Keystone(args.name, args.port, root=args.root,
                          expiration=args.expiration, workers=args.workers,
                          venv=args.venv, list_limit=args.list_limit).start()
            print('%s up: %s (admin / %s)' % (ks.name, ks.auth_url,
                                              ks.admin_password))
            if args.users:
                print(json.dumps(ks.credentials(), indent=1))
        elif args.cmd == 'stop':
            load(args.name, args.root).stop()
        else:
            ks = load(args.name, args.root)
            up = ks.running() and _get_status(ks.auth_url) == 200
            print(json.dumps({'running': ks.running(), 'ready': up}))
            return 0 if up else 1
    except (KeystoneError, OSError) as exc:
        print('keystone: %s' % exc, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
