"""Keystone mode: the projects swfiller fills and the users that own them.

With ``[swift] auth_version = 3`` the configured user is a Keystone admin
(it creates projects, users and role assignments) that also holds the
ResellerAdmin role (it writes into the accounts of those projects).
``create -a N -u U`` makes N projects named ``swfiller-<seed>-<n>`` and U
users per project named ``swfiller-<seed>-<n>-user<u>``, each with a
generated password and the operator role on its project, then fills the
account ``<reseller prefix><project id>`` of each project.

A project or user that already exists under such a name is not modified
(its data is still written, as into any existing account) and is recorded
with ``created: false``, so that ``delete`` removes only what ``create``
made. The operator role is created when missing but never deleted: other
users may hold it, and deleting a role removes all its assignments.

Names are pure functions of the seed (unit-tested); passwords are random.

The index gains ``keystone`` (auth_url, domain, operator_role with
``created``), ``projects`` (id, name, domain, domain_id, account,
created) and, in ``users``, ``created`` (id, name, password, project_id,
...) and ``existing`` (users left alone). It holds passwords: it is
written with mode 0600, like every index.
"""
import logging
import secrets
import time
import warnings

warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
import eventlet  # noqa: E402

from swsync import listing  # noqa: E402
from swsync.client.errors import AuthError, SyncError  # noqa: E402

LOG = logging.getLogger(__name__)

PASSWORD_BYTES = 18


class IdentityError(SyncError):
    """A Keystone request failed; ``str()`` is one line, secret-free."""


# --- pure: names ---------------------------------------------------------
def project_name(seed, n):
    """The name of the ``n``-th project (from 0) of a seed."""
    return 'swfiller-%d-%d' % (seed, n)


def user_name(seed, n, u):
    """The name of the ``u``-th user (from 0) of the ``n``-th project.
    Keystone user names are unique per domain, so the project is part of
    it."""
    return '%s-user%d' % (project_name(seed, n), u)


def new_password():
    """A random password (never derived from the seed, which is printed
    and recorded)."""
    return secrets.token_urlsafe(PASSWORD_BYTES)


def account_name(prefix, project_id):
    """The Swift account of a project, as Swift's keystoneauth names it."""
    return '%s%s' % (prefix, project_id)


def acl_grantee(project_id):
    """Every user of a project, in keystoneauth's container ACL syntax."""
    return '%s:*' % project_id


# --- Keystone I/O --------------------------------------------------------
def client(auth, conf):
    """A python-keystoneclient v3 client on the session of ``auth`` (a
    swsync.client.keystone.KeystoneAuth). Identity requests go to ``auth_url``:
    the address the admin just authenticated at, whatever the catalog's
    identity endpoints are."""
    from keystoneclient.v3 import client as v3
    return v3.Client(session=auth.session, endpoint_override=conf.auth_url)


def _describe(exc, what, username):
    """One line for a keystoneauth1/keystoneclient exception; ``username``
    says who asked (``describe_credentials``: "user admin")."""
    from keystoneauth1 import exceptions as ks_exc
    if isinstance(exc, ks_exc.Forbidden):
        return ('Keystone refused to %s (403): %s needs the admin '
                'role' % (what, username))
    if isinstance(exc, ks_exc.Unauthorized):
        return 'Keystone refused to %s (401) for %s' % (what, username)
    if isinstance(exc, ks_exc.ConnectFailure):
        return 'cannot reach Keystone to %s' % what
    status = getattr(exc, 'http_status', None)
    if status:
        return 'Keystone failed to %s (%s %s)' % (
            what, status, exc.__class__.__name__)
    return 'Keystone failed to %s (%s)' % (what, exc.__class__.__name__)


def _call(what, username, fn, *args, **kwargs):
    from keystoneauth1 import exceptions as ks_exc
    try:
        return fn(*args, **kwargs)
    except ks_exc.ClientException as exc:
        raise IdentityError(_describe(exc, what, username))


class Identities:
    """Creates the projects and users of one ``create`` and records them.

    ``prepare()`` only reads (domain, role, existing projects) and raises
    AuthError before anything is created; ``create()`` then records every
    project and user as soon as Keystone made it, so that the index lists
    them even when a later request fails.
    """

    def __init__(self, ks, seed, domain_name, role_name, username=None):
        self.ks = ks
        self.seed = seed
        self.domain_name = domain_name
        self.role_name = role_name
        self.username = username
        self.domain = None
        self.role = None
        self.projects = []
        self.users = []
        self.existing_users = []

    def _call(self, what, fn, *args, **kwargs):
        return _call(what, self.username, fn, *args, **kwargs)

    def prepare(self):
        """Look up the domain and the role: checks the admin rights before
        anything is created (AuthError, exit code 2, on refusal)."""
        try:
            domains = self._call('look up domain %s' % self.domain_name,
                                 self.ks.domains.list, name=self.domain_name)
            if not domains:
                raise AuthError('Keystone has no domain named %s' %
                                self.domain_name)
            dom = domains[0]
            self.domain = {'id': dom.id, 'name': dom.name}
            self._call('list projects', self.ks.projects.list,
                       name=project_name(self.seed, 0), domain=dom.id)
            roles = self._call('look up role %s' % self.role_name,
                               self.ks.roles.list, name=self.role_name)
        except IdentityError as exc:
            raise AuthError(str(exc))
        if roles:
            self.role = {'id': roles[0].id, 'name': roles[0].name,
                         'created': False}

    def create(self, projects, users):
        """``projects`` projects with ``users`` users each; the role is
        created first when missing (and users are to be made)."""
        if self.role is None and projects and users:
            role = self._find_or_create(
                'role %s' % self.role_name,
                lambda: self.ks.roles.list(name=self.role_name),
                lambda: self.ks.roles.create(name=self.role_name))
            self.role = {'id': role[0].id, 'name': role[0].name,
                         'created': role[1]}
        domain_id = self.domain['id']
        for n in range(projects):
            name = project_name(self.seed, n)
            project, created = self._find_or_create(
                'project %s' % name,
                lambda: self.ks.projects.list(name=name, domain=domain_id),
                lambda: self.ks.projects.create(
                    name=name, domain=domain_id,
                    description='swfiller seed %d' % self.seed))
            self.projects.append({
                'id': project.id, 'name': project.name,
                'domain': self.domain['name'], 'domain_id': domain_id,
                'created': created})
            for u in range(users):
                self._user(project, user_name(self.seed, n, u))

    def _user(self, project, name):
        domain_id = self.domain['id']
        password = new_password()
        user, created = self._find_or_create(
            'user %s' % name,
            lambda: self.ks.users.list(name=name, domain=domain_id),
            lambda: self.ks.users.create(
                name=name, domain=domain_id, password=password,
                default_project=project.id,
                description='swfiller seed %d' % self.seed))
        if not created:
            # Its password is unknown and it is not ours to change.
            LOG.warning('user %s already exists: left as it is (no new '
                        'password, no role)', name)
            self.existing_users.append({'id': user.id, 'name': user.name,
                                        'project_id': project.id})
            return
        entry = {'id': user.id, 'name': user.name, 'password': password,
                 'domain': self.domain['name'], 'domain_id': domain_id,
                 'project_id': project.id, 'project': project.name,
                 'role': self.role['name']}
        self.users.append(entry)
        self._call('grant role %s to user %s' % (self.role['name'], name),
                   self.ks.roles.grant, self.role['id'], user=user.id,
                   project=project.id)

    def _find_or_create(self, what, find, make):
        """(resource, created): an existing one is reused as it is."""
        from keystoneauth1 import exceptions as ks_exc
        found = self._call('look up %s' % what, find)
        if found:
            return found[0], False
        try:
            return make(), True
        except ks_exc.Conflict:
            # Someone made it between our look-up and our create.
            found = self._call('look up %s' % what, find)
            if found:
                return found[0], False
            raise IdentityError('Keystone refused to create %s (409)' %
                                what)
        except ks_exc.ClientException as exc:
            raise IdentityError(_describe(exc, 'create %s' % what,
                                          self.username))

    # --- for the plan and the index --------------------------------------
    def accounts(self, prefix):
        return tuple(account_name(prefix, p['id']) for p in self.projects)

    def grantees(self):
        return tuple(acl_grantee(p['id']) for p in self.projects)

    def record(self, auth_url, prefix):
        """The index fields: ``keystone``, ``projects`` and the created
        ``users``."""
        projects = [dict(p, account=account_name(prefix, p['id']))
                    for p in self.projects]
        return {'keystone': {'auth_url': auth_url, 'domain': self.domain,
                             'operator_role': self.role},
                'projects': projects,
                'created': list(self.users),
                'existing': list(self.existing_users)}


class IdentityDeleter:
    """Deletes the users, then the projects, that an index marks created.

    A project is kept (with its users) when its account still holds
    containers: data swfiller did not write, or could not delete, stays
    reachable by its owners instead of being orphaned.
    """

    def __init__(self, ks, doc, cluster=None, username=None,
                 listing_limit=10000, attempts=6, wait=0.25):
        self.ks = ks
        self.listing_limit = listing_limit
        self.doc = doc
        self.cluster = cluster
        self.username = username
        self.attempts = attempts
        self.wait = wait
        self.errors = []
        self.users_deleted = 0
        self.projects_deleted = 0
        self.kept = []

    def _fail(self, message):
        self.errors.append(message)
        LOG.error('%s', message)

    def check(self):
        """Read-only: the user may manage projects (AuthError if not)."""
        projects = self.doc.get('projects', [])
        if not projects:
            return
        try:
            _call('list projects', self.username, self.ks.projects.list,
                  name=projects[0]['name'], domain=projects[0]['domain_id'])
        except IdentityError as exc:
            raise AuthError(str(exc))

    def run(self):
        projects = [p for p in self.doc.get('projects', []) if p['created']]
        keep = set()
        pool = eventlet.GreenPool(8)
        lefts = list(pool.imap(self._containers_left, projects))
        for project, left in zip(projects, lefts):
            if left is None:  # cannot tell: keep (the error is recorded)
                keep.add(project['id'])
            elif left:
                keep.add(project['id'])
                self.kept.append((project['name'], left))
                LOG.warning('kept project %s and its users: its account %s '
                            'still holds %d container(s)', project['name'],
                            project['account'], left)
        for user in self.doc.get('users', {}).get('created', []):
            if user['project_id'] in keep:
                continue
            if self._delete(self.ks.users.delete, 'user', user):
                self.users_deleted += 1
        for project in projects:
            if project['id'] in keep:
                continue
            if self._delete(self.ks.projects.delete, 'project', project):
                self.projects_deleted += 1

    def _delete(self, fn, kind, entry):
        from keystoneauth1 import exceptions as ks_exc
        try:
            fn(entry['id'])
        except ks_exc.NotFound:
            return True  # already gone (an earlier delete)
        except ks_exc.ClientException as exc:
            self._fail('%s %s: %s' % (kind, entry['name'], _describe(
                exc, 'delete %s %s' % (kind, entry['name']),
                self.username)))
            return False
        return True

    def _containers_left(self, project):
        """Containers still in the project's account, after a few looks
        when only containers just deleted are listed (account listings
        lag container deletes)."""
        if self.cluster is None:
            return 0
        ours = set()
        for acct in self.doc.get('accounts', []):
            if acct['name'] == project['account']:
                ours = {c['name'] for c in acct['containers']
                        if c['created']}
        path = self.cluster.path(project['account'])
        for attempt in range(self.attempts):
            try:
                names = self._listing(path)
            except SyncError as exc:
                self._fail('listing account %s: %s' % (project['account'],
                                                       exc))
                return None
            if not names or set(names) - ours:
                return len(names)
            time.sleep(self.wait * (attempt + 1))
        return 0  # only containers whose DELETE succeeded

    def _listing(self, path):
        _headers, rows = listing.open_listing(
            self.cluster, path, self.listing_limit, missing_ok=True)
        return [r['name'] for r in rows]
