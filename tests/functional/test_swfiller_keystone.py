"""swfiller in Keystone mode, against a real Keystone and a Swift behind it.

Keystone is checked through python-keystoneclient with the bootstrap
admin's own session (tools/keystone.py), Swift through raw requests with
tokens from a real POST /v3/auth/tokens: none of swfiller's code is used
to check what swfiller did.
"""
import hashlib
import json
import subprocess
import sys

import pytest
import requests

from tests.functional.swiftapi import q

SEED = 5150


# --- helpers -------------------------------------------------------------
def token_of(keystone, username, password, project_id):
    """(status, token) of a password authentication scoped to a project."""
    r = requests.post(keystone.auth_url + '/auth/tokens', timeout=30,
                      json={'auth': {
                          'identity': {'methods': ['password'], 'password': {
                              'user': {'name': username,
                                       'password': password,
                                       'domain': {'name': 'Default'}}}},
                          'scope': {'project': {'id': project_id}}}})
    return r.status_code, r.headers.get('X-Subject-Token')


def swift(cluster, token, method, account, container=None, obj=None,
          **kwargs):
    url = cluster.storage_url(q(account))
    if container is not None:
        url += '/' + q(container)
    if obj is not None:
        url += '/' + q(obj, slash=True)
    return requests.request(method, url, headers={'X-Auth-Token': token},
                            timeout=30, allow_redirects=False, **kwargs)


def write_conf(path, creds, filler=''):
    path.write_text(
        '[swift]\nauth_url = %(auth_url)s\nauth_version = 3\n'
        'username = %(username)s\npassword = %(password)s\n'
        'project_name = %(project_name)s\n'
        'user_domain_name = %(user_domain_name)s\n'
        'project_domain_name = %(project_domain_name)s\n'
        'region_name = RegionOne\n' % creds +
        '[filler]\nconcurrency = 8\n%s\n' % filler)
    return str(path)


def swfiller(conf_file, *args):
    return subprocess.run(
        [sys.executable, '-m', 'swfiller.cli', '--config-file', conf_file] +
        [str(a) for a in args],
        capture_output=True, text=True, timeout=300,
        stdin=subprocess.DEVNULL)


def error_line(result):
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith('swfiller: error: '), lines
    return lines[0]


def identities(ks):
    return ({p.id for p in ks.projects.list()},
            {u.id for u in ks.users.list()})


def project_named(ks, name):
    found = ks.projects.list(name=name, domain='default')
    return found[0] if found else None


# --- fixtures --------------------------------------------------------------
@pytest.fixture(scope='module')
def admin(keystone):
    """The bootstrap admin (Keystone admin) with ResellerAdmin on its
    project, taken away again at the end when it had to be granted."""
    creds = keystone.credentials()['admin']
    ks = keystone.client()
    role = keystone.ensure_role('ResellerAdmin')
    had = any(a.role['id'] == role.id for a in ks.role_assignments.list(
        user=creds['user_id'], project=creds['project_id']))
    if not had:
        ks.roles.grant(role, user=creds['user_id'],
                       project=creds['project_id'])
    yield creds
    if not had:
        ks.roles.revoke(role, user=creds['user_id'],
                        project=creds['project_id'])


@pytest.fixture
def conf(ks_origin, admin, tmp_path):
    return write_conf(tmp_path / 'swfiller.conf', admin)


@pytest.fixture
def admin_token(keystone, admin):
    status, token = token_of(keystone, admin['username'], admin['password'],
                             admin['project_id'])
    assert status == 201
    return token


# --- tests -----------------------------------------------------------------
def test_create_then_delete_projects_users_and_data(keystone, ks_origin, conf,
                                                    admin_token, tmp_path):
    ks = keystone.client()
    # A project with the first generated name exists already: swfiller
    # fills it but must neither claim nor delete it.
    existing = keystone.ensure_project('swfiller-%d-0' % SEED)
    before = identities(ks)
    index = str(tmp_path / 'index.json')

    result = swfiller(conf, 'create', '--index', index, '--seed', SEED,
                      '-a', 3, '-u', 2, '-c', 2, '-f', 3, '-s', 2000,
                      '--acls', '--slo')
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert 'Keystone: 3 projects (2 new), 6 new users with role member' in (
        result.stdout)
    with open(index, encoding='utf-8') as f:
        doc = json.load(f)

    # The index: projects, users, and accounts that are the projects'.
    assert doc['keystone']['auth_url'] == keystone.auth_url
    assert doc['keystone']['operator_role']['name'] == 'member'
    assert doc['keystone']['operator_role']['created'] is False
    projects = doc['projects']
    assert [p['name'] for p in projects] == [
        'swfiller-%d-%d' % (SEED, n) for n in range(3)]
    assert [p['created'] for p in projects] == [False, True, True]
    assert projects[0]['id'] == existing.id
    assert {p['domain'] for p in projects} == {'Default'}
    assert [a['name'] for a in doc['accounts']] == [
        'AUTH_' + p['id'] for p in projects]
    assert [p['account'] for p in projects] == [
        a['name'] for a in doc['accounts']]
    users = doc['users']['created']
    assert doc['users']['requested'] == 2
    assert doc['users']['existing'] == []
    assert [u['name'] for u in users] == [
        'swfiller-%d-%d-user%d' % (SEED, n, u)
        for n in range(3) for u in range(2)]
    assert [u['project_id'] for u in users] == [
        p['id'] for p in projects for _ in range(2)]
    assert len({u['password'] for u in users}) == 6
    # Keystone's account ACLs do not exist; container write ACLs name the
    # next project's users.
    assert all(not a['headers'] for a in doc['accounts'])
    writable = [c for c in doc['accounts'][0]['containers']
                if 'x-container-write' in c['headers']]
    assert writable and writable[0]['headers']['x-container-write'] == (
        projects[1]['id'] + ':*')

    # Keystone: the projects and users exist, each user with the operator
    # role on its project (and nothing else).
    member = ks.roles.list(name='member')[0]
    for p in projects:
        assert ks.projects.get(p['id']).name == p['name']
    for u in users:
        user = ks.users.get(u['id'])
        assert (user.name, user.domain_id) == (u['name'], 'default')
        assigned = ks.role_assignments.list(user=u['id'])
        assert [(a.role['id'], a.scope['project']['id'])
                for a in assigned] == [(member.id, u['project_id'])]

    # Swift: each user, with its own password and token, reads its own
    # account: the containers and the bytes the index lists.
    accounts = {a['name']: a for a in doc['accounts']}
    for u in users:
        status, token = token_of(keystone, u['name'], u['password'],
                                 u['project_id'])
        assert status == 201, u['name']
        acct = accounts['AUTH_' + u['project_id']]
        r = swift(ks_origin, token, 'GET', acct['name'],
                  params={'format': 'json'})
        assert r.status_code == 200, (u['name'], r.status_code)
        assert sorted(c['name'] for c in r.json()) == sorted(
            c['name'] for c in acct['containers'])
        cont = acct['containers'][0]
        obj = [o for o in cont['objects'] if o['kind'] == 'plain'][-1]
        r = swift(ks_origin, token, 'GET', acct['name'], cont['name'],
                  obj['name'])
        assert r.status_code == 200
        assert hashlib.md5(r.content).hexdigest() == obj['md5']
    # ...and not the others' accounts.
    status, token = token_of(keystone, users[0]['name'],
                             users[0]['password'], users[0]['project_id'])
    assert swift(ks_origin, token, 'GET', projects[1]['account']
                 ).status_code == 403
    # The write ACL works for the next project's users.
    status, token = token_of(keystone, users[2]['name'],
                             users[2]['password'], users[2]['project_id'])
    where = (projects[0]['account'], writable[0]['name'], 'acl probe')
    assert swift(ks_origin, token, 'PUT', *where,
                 data=b'x').status_code == 201
    assert swift(ks_origin, token, 'DELETE', *where).status_code == 204

    # delete: data, then the users and projects swfiller created; the
    # project that existed before stays, as does everything else.
    result = swfiller(conf, 'delete', '--index', index)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert 'Keystone: deleted 6 users and 2 projects; kept 0' in (
        result.stdout)
    for acct in doc['accounts']:
        r = swift(ks_origin, admin_token, 'GET', acct['name'],
                  params={'format': 'json'})
        assert r.status_code in (200, 204, 404)
        assert (r.json() if r.status_code == 200 else []) == []
    assert identities(ks) == before
    assert ks.projects.get(existing.id).name == existing.name
    for u in users:
        assert token_of(keystone, u['name'], u['password'],
                        u['project_id'])[0] == 401
    with open(index, encoding='utf-8') as f:
        assert json.load(f)['deleted']

    # Deleting again finds nothing left to delete, and deletes nothing
    # else.
    result = swfiller(conf, 'delete', '--index', index)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert identities(ks) == before


def test_a_project_holding_other_data_is_kept(keystone, ks_origin, conf,
                                              tmp_path):
    ks = keystone.client()
    before = identities(ks)
    index = str(tmp_path / 'index.json')
    result = swfiller(conf, 'create', '--index', index, '--seed', SEED + 1,
                      '-a', 1, '-u', 1, '-c', 1, '-f', 2)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    with open(index, encoding='utf-8') as f:
        doc = json.load(f)
    user, project = doc['users']['created'][0], doc['projects'][0]
    status, token = token_of(keystone, user['name'], user['password'],
                             project['id'])
    assert status == 201
    # The project's user writes a container of its own.
    assert swift(ks_origin, token, 'PUT', project['account'],
                 'mine').status_code == 201
    assert swift(ks_origin, token, 'PUT', project['account'], 'mine', 'o',
                 data=b'kept').status_code == 201

    result = swfiller(conf, 'delete', '--index', index)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert ('deleted 0 users and 0 projects; kept 1 project(s) whose '
            'account holds other containers') in result.stdout
    # swfiller's container is gone; the user's data, user and project stay.
    r = swift(ks_origin, token, 'GET', project['account'],
              params={'format': 'json'})
    assert [c['name'] for c in r.json()] == ['mine']
    assert swift(ks_origin, token, 'GET', project['account'], 'mine',
                 'o').content == b'kept'
    assert ks.users.get(user['id']).name == user['name']

    # Clean up what the test itself made, then swfiller deletes the rest.
    assert swift(ks_origin, token, 'DELETE', project['account'], 'mine',
                 'o').status_code == 204
    assert swift(ks_origin, token, 'DELETE', project['account'],
                 'mine').status_code == 204
    result = swfiller(conf, 'delete', '--index', index)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert 'deleted 1 users and 1 projects; kept 0' in result.stdout
    assert identities(ks) == before


def test_wrong_keystone_password_is_one_line(keystone, ks_origin, admin,
                                             tmp_path):
    creds = dict(admin, password='not-the-password')
    conf = write_conf(tmp_path / 'bad.conf', creds)
    index = tmp_path / 'index.json'
    result = swfiller(conf, 'create', '--index', index, '--seed', SEED + 2,
                      '-a', 1, '-u', 1)
    assert result.returncode == 2
    line = error_line(result)
    assert 'Keystone refused the credentials of user admin' in line
    assert 'not-the-password' not in result.stderr + result.stdout
    assert not index.exists()
    assert project_named(keystone.client(), 'swfiller-%d-0' % (
        SEED + 2)) is None


def test_a_user_who_is_no_keystone_admin_creates_nothing(
        keystone, ks_origin, ks_credentials, tmp_path):
    # swsync has ResellerAdmin (it may write anywhere) but may not create
    # projects.
    conf = write_conf(tmp_path / 'reseller.conf', ks_credentials['reseller'])
    index = tmp_path / 'index.json'
    result = swfiller(conf, 'create', '--index', index, '--seed', SEED + 3,
                      '-a', 1, '-u', 1)
    assert result.returncode == 2
    assert 'needs the admin role' in error_line(result)
    assert not index.exists()
    assert project_named(keystone.client(), 'swfiller-%d-0' % (
        SEED + 3)) is None


def test_a_keystone_admin_without_reseller_admin_creates_nothing(
        keystone, ks_origin, ks_project, tmp_path):
    creds = ks_project('ksadmin', roles=('admin',))
    conf = write_conf(tmp_path / 'noreseller.conf', creds)
    index = tmp_path / 'index.json'
    result = swfiller(conf, 'create', '--index', index, '--seed', SEED + 4,
                      '-a', 1)
    assert result.returncode == 2
    assert 'reseller admin role' in error_line(result)
    assert not index.exists()
    assert project_named(keystone.client(), 'swfiller-%d-0' % (
        SEED + 4)) is None
