"""swfiller's Keystone mode without a Keystone: names, and the create and
delete logic against an in-memory keystoneclient."""
import itertools

import pytest
from keystoneauth1 import exceptions as ks_exc

from swfiller import generator as g
from swfiller import keystone as k
from swsync.client.errors import AuthError


# --- pure: names -----------------------------------------------------------
def test_names_are_a_function_of_the_seed_and_position():
    assert k.project_name(42, 0) == 'swfiller-42-0'
    assert k.user_name(42, 3, 1) == 'swfiller-42-3-user1'
    assert [k.project_name(42, n) for n in range(3)] == [
        k.project_name(42, n) for n in range(3)]


def test_names_never_collide_within_or_across_seeds():
    names = [k.project_name(s, n) for s in (1, 12, 121) for n in range(12)]
    users = [k.user_name(s, n, u) for s in (1, 12, 121) for n in range(12)
             for u in range(12)]
    assert len(set(names)) == len(names)
    assert len(set(users)) == len(users)
    assert not set(names) & set(users)


def test_passwords_are_random_not_seeded():
    passwords = {k.new_password() for _ in range(50)}
    assert len(passwords) == 50
    assert all(len(p) >= 20 for p in passwords)


def test_accounts_and_acl_grantees_follow_keystoneauth():
    assert k.account_name('AUTH_', 'abc123') == 'AUTH_abc123'
    assert k.acl_grantee('abc123') == 'abc123:*'


def test_plan_uses_keystone_grantees_and_no_account_acl():
    opts = g.Options(seed=3, accounts=2, containers=2, files=1, acls=True,
                     account_names=('AUTH_p0', 'AUTH_p1'),
                     acl_grantees=('p0:*', 'p1:*'), account_acls=False)
    plan = g.make_plan(opts)
    assert [a.name for a in plan.accounts] == ['AUTH_p0', 'AUTH_p1']
    assert all(not a.headers for a in plan.accounts)
    writes = {c.account: c.headers['x-container-write']
              for c in plan.containers if 'x-container-write' in c.headers}
    assert writes == {'AUTH_p0': 'p1:*', 'AUTH_p1': 'p0:*'}
    # Tempauth (the defaults): account names, and an account ACL.
    plan = g.make_plan(g.Options(seed=3, accounts=2, containers=2, files=1,
                                 acls=True))
    assert all('x-account-access-control' in a.headers
               for a in plan.accounts)
    assert {c.headers['x-container-write'] for c in plan.containers
            if 'x-container-write' in c.headers} == {
        'AUTH_swfiller-3-0', 'AUTH_swfiller-3-1'}


# --- an in-memory keystoneclient -----------------------------------------
class Res:
    def __init__(self, **kw):
        self.__dict__.update(kw)


class Manager:
    def __init__(self, ks, kind):
        self.ks = ks
        self.kind = kind
        self.items = {}
        self.fail = {}    # operation -> exception to raise

    def _check(self, op):
        if op in self.fail:
            raise self.fail[op]

    def list(self, name=None, domain=None):
        self._check('list')
        return [r for r in self.items.values()
                if (name is None or r.name == name) and
                (domain is None or getattr(r, 'domain_id', None) == domain)]

    def add(self, name, domain=None, **kw):
        res = Res(id='%s-%d' % (self.kind, next(self.ks.ids)), name=name,
                  domain_id=domain, **kw)
        self.items[res.id] = res
        return res

    def create(self, name, domain=None, **kw):
        self._check('create')
        self.ks.log.append(('create', self.kind, name))
        return self.add(name, domain, **kw)

    def delete(self, ident):
        self._check('delete')
        if ident not in self.items:
            raise ks_exc.NotFound()
        self.ks.log.append(('delete', self.kind,
                            self.items.pop(ident).name))

    def grant(self, role, user=None, project=None):
        self.ks.grants.append((role, user, project))


class FakeKeystone:
    def __init__(self):
        self.ids = itertools.count()
        self.log = []
        self.grants = []
        self.domains = Manager(self, 'domain')
        self.projects = Manager(self, 'project')
        self.users = Manager(self, 'user')
        self.roles = Manager(self, 'role')
        self.domains.items['default'] = Res(id='default', name='Default')
        self.member = self.roles.add('member')


def make(ks, seed=7, role='member'):
    ids = k.Identities(ks, seed, 'Default', role, username='admin')
    ids.prepare()
    return ids


def test_create_reuses_an_existing_project_without_claiming_it():
    ks = FakeKeystone()
    existing = ks.projects.add('swfiller-7-0', 'default')
    ids = make(ks)
    ids.create(2, 2)
    assert [(p['name'], p['created']) for p in ids.projects] == [
        ('swfiller-7-0', False), ('swfiller-7-1', True)]
    assert ids.projects[0]['id'] == existing.id
    assert [u['name'] for u in ids.users] == [
        'swfiller-7-0-user0', 'swfiller-7-0-user1',
        'swfiller-7-1-user0', 'swfiller-7-1-user1']
    # Every new user gets the role on its own project, and a password
    # Keystone was given.
    assert ks.grants == [(ks.member.id, u['id'], u['project_id'])
                         for u in ids.users]
    for u in ids.users:
        assert ks.users.items[u['id']].password == u['password']
        assert ks.users.items[u['id']].default_project == u['project_id']
    assert ids.role == {'id': ks.member.id, 'name': 'member',
                        'created': False}
    assert ids.accounts('AUTH_') == tuple(
        'AUTH_' + p['id'] for p in ids.projects)
    assert ids.grantees() == tuple(p['id'] + ':*' for p in ids.projects)
    record = ids.record('http://ks/v3', 'AUTH_')
    assert record['keystone'] == {
        'auth_url': 'http://ks/v3',
        'domain': {'id': 'default', 'name': 'Default'},
        'operator_role': ids.role}
    assert [p['account'] for p in record['projects']] == list(
        ids.accounts('AUTH_'))
    assert record['created'] == ids.users and record['existing'] == []


def test_a_missing_role_is_created_and_an_existing_user_left_alone():
    ks = FakeKeystone()
    other = ks.users.add('swfiller-7-0-user1', 'default', password='theirs')
    ids = make(ks, role='swiftoperator')
    assert ids.role is None  # nothing created by prepare()
    ids.create(1, 2)
    assert ids.role['created'] is True
    assert ('create', 'role', 'swiftoperator') in ks.log
    assert [u['name'] for u in ids.users] == ['swfiller-7-0-user0']
    assert ids.existing_users == [{'id': other.id,
                                   'name': 'swfiller-7-0-user1',
                                   'project_id': ids.projects[0]['id']}]
    assert other.password == 'theirs'
    assert all(user != other.id for _r, user, _p in ks.grants)


def test_no_admin_rights_fail_before_anything_is_created():
    ks = FakeKeystone()
    ks.projects.fail['list'] = ks_exc.Forbidden()
    with pytest.raises(AuthError) as err:
        make(ks)
    assert 'needs the admin role' in str(err.value)
    assert '\n' not in str(err.value)
    assert ks.log == []


def test_a_failure_half_way_keeps_the_record_of_what_was_made():
    ks = FakeKeystone()
    ids = make(ks)
    ks.users.fail['create'] = ks_exc.ServiceUnavailable()
    with pytest.raises(k.IdentityError) as err:
        ids.create(2, 1)
    assert 'create user swfiller-7-0-user0' in str(err.value)
    assert [p['name'] for p in ids.projects] == ['swfiller-7-0']
    assert ids.users == []


def index_doc(ids):
    record = ids.record('http://ks/v3', 'AUTH_')
    return {'projects': record['projects'],
            'users': {'created': record['created']},
            'accounts': [{'name': p['account'], 'containers': [
                {'name': 'c', 'created': True}]} for p in record['projects']]}


def test_delete_removes_only_the_users_and_projects_it_created():
    ks = FakeKeystone()
    ks.projects.add('swfiller-7-0', 'default')
    bystander = ks.projects.add('elsewhere', 'default')
    ids = make(ks)
    ids.create(2, 1)
    doc = index_doc(ids)
    ks.log.clear()
    deleter = k.IdentityDeleter(ks, doc)
    deleter.check()
    deleter.run()
    assert ks.log == [('delete', 'user', 'swfiller-7-0-user0'),
                      ('delete', 'user', 'swfiller-7-1-user0'),
                      ('delete', 'project', 'swfiller-7-1')]
    assert sorted(p.name for p in ks.projects.items.values()) == [
        'elsewhere', 'swfiller-7-0']
    assert bystander.id in ks.projects.items
    assert (deleter.users_deleted, deleter.projects_deleted) == (2, 1)
    # Again: all already gone, which is no error.
    again = k.IdentityDeleter(ks, doc)
    again.run()
    assert (again.errors, again.users_deleted, again.projects_deleted) == (
        [], 2, 1)


class Listing:
    """What IdentityDeleter uses of a swsync Cluster: account listings."""

    def __init__(self, pages):
        self.pages = pages  # account -> list of container-name lists

    def path(self, account):
        return account

    def list_page(self, path, marker, limit, missing_ok=False):
        seen = self.pages[path]
        names = seen.pop(0) if len(seen) > 1 else seen[0]
        return {}, [{'name': n} for n in names if n > marker]


def test_a_project_whose_account_holds_other_containers_is_kept():
    ks = FakeKeystone()
    ids = make(ks)
    ids.create(2, 1)
    doc = index_doc(ids)
    a0, a1 = (p['account'] for p in doc['projects'])
    # a0: someone else's container; a1: the deleted 'c' still listed once.
    cluster = Listing({a0: [['c', 'theirs']], a1: [['c'], []]})
    deleter = k.IdentityDeleter(ks, doc, cluster, wait=0)
    deleter.run()
    assert deleter.kept == [('swfiller-7-0', 2)]
    assert [p.name for p in ks.projects.items.values()] == ['swfiller-7-0']
    assert [u.name for u in ks.users.items.values()] == [
        'swfiller-7-0-user0']
    assert deleter.errors == []


def test_a_keystone_error_on_delete_is_reported_and_the_rest_goes_on():
    ks = FakeKeystone()
    ids = make(ks)
    ids.create(1, 1)
    ks.users.fail['delete'] = ks_exc.Forbidden()
    deleter = k.IdentityDeleter(ks, index_doc(ids))
    deleter.run()
    assert len(deleter.errors) == 1
    assert deleter.errors[0].startswith('user swfiller-7-0-user0: ')
    assert deleter.projects_deleted == 1


def test_no_users_no_role_created():
    ks = FakeKeystone()
    ids = make(ks, role='swiftoperator')
    ids.create(1, 0)
    assert ks.log == [('create', 'project', 'swfiller-7-0')]
    assert ids.role is None and ids.users == []
