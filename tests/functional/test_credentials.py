"""Credentials the OpenStack way, against the real Keystone and real Swift
clusters: keystoneauth1 plugins chosen by ``auth_type`` (an application
credential: no password in any file) and secrets taken from the
environment (``OS_<SECTION>__<OPTION>``)."""
import os
import uuid

import pytest

from tests.functional import sync_helpers as sh
from tests.functional.swiftapi import Admin, diff, snapshot


def tag():
    return uuid.uuid4().hex[:8]


def TokenAdmin(keystone, creds, cluster):
    """The independent test client, with a Keystone token."""
    return Admin.from_token(keystone.token(creds), cluster.url + '/v1')


@pytest.fixture
def sync_user(ks_project):
    """A Keystone user who may list projects (admin) and reach every
    account (ResellerAdmin)."""
    return ks_project('swsync', roles=('member', 'admin', 'ResellerAdmin'))


def app_credential(keystone, user, roles=None):
    """An application credential made by ``user`` itself (its own
    session, no admin): scoped to the user's project, with all its roles
    there unless ``roles`` names fewer. Returns (id, secret)."""
    from keystoneclient.v3 import client
    ks = client.Client(session=keystone.session(user))
    cred = ks.application_credentials.create(
        name='swsync-' + tag(), roles=roles,
        description='nightly swsync, functional test')
    return cred.id, cred.secret


def app_cred_side(auth_url, cred, region):
    cred_id, secret = cred
    return ('auth_type = v3applicationcredential\nauth_url = %s\n'
            'application_credential_id = %s\n'
            'application_credential_secret = %s\n'
            'region_name = %s\nvalid_interfaces = public\n' % (
                auth_url, cred_id, secret, region))


def password_side(creds, region):
    return ('auth_type = password\nauth_url = %(auth_url)s\n'
            'username = %(username)s\npassword = %(password)s\n'
            'user_domain_name = Default\nproject_name = %(project_name)s\n'
            'project_domain_name = Default\n' % creds +
            'region_name = %s\nvalid_interfaces = internal,public\n' % region)


def write(path, origin, destination, **sync):
    sync.setdefault('settle_seconds', sh.SETTLE)
    sync.setdefault('retries', 2)
    sync.setdefault('retry_max_backoff', 0.5)
    path.write_text('[origin]\n%s\n[destination]\n%s\n[sync]\n%s' % (
        origin, destination, ''.join('%s = %s\n' % kv
                                     for kv in sync.items())))
    path.chmod(0o600)
    return str(path)


def fill(admin, account, content, n=3):
    admin.put_container(account, 'c')
    for i in range(n):
        admin.put_object(account, 'c', 'o%d' % i, b'%s-%d' % (
            content.encode(), i), headers={'X-Object-Meta-N': str(i)})
    return account


def outputs(run, *files):
    return [run.stdout, run.stderr, repr(run.report)] + [
        f.read_text() for f in files if f.exists()]


@pytest.mark.parametrize('destination_auth', ['v3applicationcredential',
                                              'password'])
def test_application_credential_discovers_and_mirrors(
        keystone, ks_origin, ks_destination, ks_project, sync_user,
        destination_auth, tmp_path):
    """The sync user makes its own application credential (roles: member,
    admin, ResellerAdmin on its project); swsync uses it with no password
    in the file: Keystone lists the projects to it (discovery), Swift
    lets it into every account, the mirror is complete, and a rerun makes
    no object request and no write."""
    cred = app_credential(keystone, sync_user)
    o = TokenAdmin(keystone, sync_user, ks_origin)
    d = TokenAdmin(keystone, sync_user, ks_destination)
    projects = [ks_project('appcred') for _ in range(2)]
    accounts = [fill(o, p['account'], p['project_name']) for p in projects]
    names = tmp_path / 'projects.txt'
    names.write_text(''.join(p['project_name'] + '\n' for p in projects))
    dest = (app_cred_side(keystone.auth_url, cred, 'RegionTwo')
            if destination_auth == 'v3applicationcredential'
            else password_side(sync_user, 'RegionTwo'))
    config = write(tmp_path / 'appcred.conf',
                   app_cred_side(keystone.auth_url, cred, 'RegionOne'), dest,
                   account_filter_file=names)
    if destination_auth == 'v3applicationcredential':
        text = open(config).read()
        assert 'password' not in text and sync_user['password'] not in text
    log = tmp_path / 'swsync.log'
    sh.settle()
    run = sh.run_swsync(config, tmp_path, '--log-file', str(log), '--debug')
    assert run.rc == 0, run
    assert run.report['counts']['accounts'] == 2
    assert run.report['counts']['objects_copied'] == 6
    assert run.report['accounts']['projects'] >= 3
    assert diff(snapshot(o, accounts), snapshot(d, accounts)) == []
    for text in outputs(run, log):
        assert cred[1] not in text
        assert sync_user['password'] not in text
    marks = ks_origin.access_log_size(), ks_destination.access_log_size()
    sh.settle()
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    made = (sh.wait_for_log(ks_origin, marks[0]) +
            sh.wait_for_log(ks_destination, marks[1], pause=0))
    assert made and [r for r in made
                     if sh.object_level(r) or sh.is_write(r)] == []


@pytest.mark.parametrize('case', ['deleted', 'without-reseller-role'])
def test_application_credential_refusals_are_one_line_and_exit_2(
        keystone, ks_origin, ks_destination, ks_project, sync_user, case,
        tmp_path):
    """A deleted credential is refused by Keystone; one made without the
    ResellerAdmin role among its roles cannot reach other accounts. One
    line each, exit 2, no secret, nothing written."""
    roles = None
    if case == 'without-reseller-role':
        roles = [{'name': 'member'}, {'name': 'admin'}]
    cred = app_credential(keystone, sync_user, roles=roles)
    if case == 'deleted':
        from keystoneclient.v3 import client
        client.Client(session=keystone.session(sync_user)) \
            .application_credentials.delete(cred[0])
        fragment = 'does not know application credential %s (404)' % (
            cred[0])
    else:
        victim = ks_project('victim')
        fill(TokenAdmin(keystone, sync_user, ks_origin), victim['account'],
             'victim')
        fragment = 'it needs the reseller admin role'
    names = tmp_path / 'projects.txt'
    names.write_text(sync_user['project_name'] + '\n' + (
        victim['project_name'] + '\n' if case != 'deleted' else ''))
    config = write(tmp_path / 'bad.conf',
                   app_cred_side(keystone.auth_url, cred, 'RegionOne'),
                   password_side(sync_user, 'RegionTwo'),
                   account_filter_file=names)
    mark = ks_destination.access_log_size()
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 2, run
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], run
    assert cred[1] not in run.stderr + run.stdout
    assert [r for r in sh.wait_for_log(ks_destination, mark)
            if sh.is_write(r)] == []


def test_passwords_from_the_environment(origin, destination, tmp_path):
    """No password in the file: OS_ORIGIN__PASSWORD and
    OS_DESTINATION__PASSWORD (oslo.config's environment form) give them;
    the run mirrors the account and no output shows a password. The file
    holds no secret, so its being readable earns no warning."""
    o, d = Admin(origin), Admin(destination)
    account = 'AUTH_env-' + tag()
    fill(o, account, 'env')
    config = sh.write_config(tmp_path / 'env.conf', origin, destination,
                             [account])
    text = open(config).read()
    secrets = {origin.reseller['password'], destination.reseller['password']}
    for secret in secrets:
        text = text.replace('password = %s\n' % secret, '')
    assert 'password' not in text
    with open(config, 'w') as f:
        f.write(text)
    os.chmod(config, 0o644)
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 2, run
    assert run.stderr.strip() == 'swsync: error: [origin] password is ' \
                                 'required'
    log = tmp_path / 'env.log'
    sh.settle()
    run = sh.run_swsync(config, tmp_path, '--debug', '--log-file', str(log),
                        env={'OS_ORIGIN__PASSWORD':
                             origin.reseller['password'],
                             'OS_DESTINATION__PASSWORD':
                             destination.reseller['password']})
    assert run.rc == 0, run
    assert run.report['counts']['objects_copied'] == 3
    assert diff(snapshot(o, [account]), snapshot(d, [account])) == []
    for output in outputs(run, log):
        assert 'readable by other users' not in output
        for secret in secrets:
            assert secret not in output


@pytest.fixture
def tls_server_wanting_a_client_certificate(tmp_path):
    """openssl s_server on 127.0.0.1 that completes the TLS handshake
    only with a client certificate it trusts (then answers any request
    200 with a status page). Yields (url, server CA file, client cert,
    client key)."""
    import socket
    import subprocess
    import time

    def selfsigned(name, subject, extra=()):
        cert, key = tmp_path / (name + '.pem'), tmp_path / (name + '.key')
        subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048',
                        '-nodes', '-days', '1', '-subj', subject,
                        '-keyout', str(key), '-out', str(cert)] +
                       list(extra), check=True, capture_output=True)
        return cert, key
    server_cert, server_key = selfsigned(
        'server', '/CN=127.0.0.1', ['-addext', 'subjectAltName=IP:127.0.0.1'])
    client_cert, client_key = selfsigned('client', '/CN=swsync')
    from tests.functional.conftest import BASE_PORT
    port = BASE_PORT + 190      # past every cluster and Keystone
    server = subprocess.Popen(
        ['openssl', 's_server', '-accept', '127.0.0.1:%d' % port,
         '-cert', str(server_cert), '-key', str(server_key), '-Verify', '1',
         '-verify_return_error', '-CAfile', str(client_cert), '-www',
         '-quiet'], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 10
        while True:
            try:
                socket.create_connection(('127.0.0.1', port), 0.2).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        yield ('https://127.0.0.1:%d' % port, server_cert, client_cert,
               client_key)
    finally:
        server.kill()
        server.wait()


def test_client_certificate_is_presented_to_the_proxy(
        tls_server_wanting_a_client_certificate, tmp_path):
    """certfile and keyfile (keystoneauth's session options) reach the
    Swift proxy too: without them the TLS handshake is refused; with them
    it succeeds, and the server (not a Swift proxy) gives no token."""
    url, ca, cert, key = tls_server_wanting_a_client_certificate
    origin = ('auth_url = %s/auth/v1.0\nusername = admin:admin\n'
              'password = p\ncafile = %s\n' % (url, ca))
    destination = ('auth_url = http://127.0.0.1:1/auth/v1.0\n'
                   'username = admin:admin\npassword = p\n')
    config = write(tmp_path / 'tls.conf', origin, destination,
                   accounts='AUTH_test')
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 2, run
    assert 'origin: cannot reach %s' % url in run.stderr, run
    config = write(tmp_path / 'tls.conf', origin + 'certfile = %s\n'
                   'keyfile = %s\n' % (cert, key), destination,
                   accounts='AUTH_test')
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 2, run
    lines = run.stderr.strip().splitlines()
    assert lines == ['swsync: error: origin: %s/auth/v1.0 returned no '
                     'storage URL or token' % url], run
