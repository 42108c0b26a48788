"""swsync against a real Keystone: project discovery, ResellerAdmin,
filter file, token expiry, separate Keystones, and refusals."""
import time
import uuid

import pytest

from tests.functional import sync_helpers as sh
from tests.functional.faultproxy import Fault, FaultProxy
from tests.functional.swiftapi import Admin, diff, snapshot


def TokenAdmin(keystone, creds, cluster):
    """The independent test client, with a Keystone token."""
    return Admin.from_token(keystone.token(creds), cluster.url + '/v1')


def ks_config(path, origin_creds, origin_region, dest_creds, dest_region,
              **sync):
    lines = []
    for section, creds, region in (('origin', origin_creds, origin_region),
                                   ('destination', dest_creds,
                                    dest_region)):
        lines += ['[%s]' % section, 'auth_version = 3',
                  'auth_url = %s' % creds['auth_url'],
                  'username = %s' % creds['username'],
                  'password = %s' % creds['password'],
                  'project_name = %s' % creds['project_name'],
                  'region_name = %s' % region, '']
    sync.setdefault('settle_seconds', sh.SETTLE)
    sync.setdefault('retries', 2)
    sync.setdefault('retry_max_backoff', 0.5)
    lines.append('[sync]')
    lines += ['%s = %s' % kv for kv in sync.items()]
    path.write_text('\n'.join(lines) + '\n')
    path.chmod(0o600)
    return str(path)


@pytest.fixture
def sync_user(keystone, ks_project):
    """A Keystone user who may list projects (admin) and reach every
    account (ResellerAdmin)."""
    return ks_project('swsync', roles=('member', 'admin', 'ResellerAdmin'))


def fill_project(admin, project, n=5):
    account = 'AUTH_' + project['project_id']
    admin.put_container(account, 'c')
    for i in range(n):
        admin.put_object(account, 'c', 'o%d' % i, b'%s-%d' % (
            project['project_name'].encode(), i),
            headers={'X-Object-Meta-N': str(i)})
    admin.req('POST', account, headers={'X-Account-Meta-Owner':
                                        project['project_name']}, ok=(204,))
    return account


def test_projects_are_discovered_and_mirrored(keystone, ks_origin,
                                              ks_destination, ks_project,
                                              sync_user, tmp_path):
    o = TokenAdmin(keystone, sync_user, ks_origin)
    d = TokenAdmin(keystone, sync_user, ks_destination)
    used = [ks_project('used') for _ in range(3)]
    unused = ks_project('unused')
    accounts = [fill_project(o, p) for p in used]
    disabled = ks_project('disabled')
    accounts.append(fill_project(o, disabled))
    keystone.client().projects.update(disabled['project_id'],
                                      enabled=False)
    config = ks_config(tmp_path / 'ks.conf', sync_user, 'RegionOne',
                       sync_user, 'RegionTwo')
    sh.settle()
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    assert run.report['counts']['accounts_unused'] >= 1
    assert diff(snapshot(o, accounts), snapshot(d, accounts)) == []
    # a project that never used Swift gets no account on the destination
    unused_account = 'AUTH_' + unused['project_id']
    r = d.req('GET', unused_account, params={'format': 'json'})
    assert r.status_code in (200, 204) and not r.content.strip(b'[]')
    # rerun: listings only
    marks = ks_origin.access_log_size(), ks_destination.access_log_size()
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    requests_made = (sh.wait_for_log(ks_origin, marks[0]) +
                     sh.wait_for_log(ks_destination, marks[1], pause=0))
    assert requests_made
    assert [r for r in requests_made
            if sh.object_level(r) or sh.is_write(r)] == []


def test_filter_file_limits_the_run_to_listed_projects(
        keystone, ks_origin, ks_destination, ks_project, sync_user,
        tmp_path):
    o = TokenAdmin(keystone, sync_user, ks_origin)
    d = TokenAdmin(keystone, sync_user, ks_destination)
    wanted, other = ks_project('wanted'), ks_project('other')
    wanted_account = fill_project(o, wanted)
    other_account = fill_project(o, other)
    names = tmp_path / 'projects.txt'
    names.write_text('# only this one\n%s\n' % wanted['project_name'])
    config = ks_config(tmp_path / 'ks.conf', sync_user, 'RegionOne',
                       sync_user, 'RegionTwo', account_filter_file=names)
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    assert run.report['counts']['accounts'] == 1
    assert [r['name'] for r in d.listing(wanted_account, 'c')] == [
        'o%d' % i for i in range(5)]
    assert d.listing(other_account, 'c') is None
    names.write_text('%s\nno-such-project\n' % wanted['project_name'])
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 2, run
    assert 'no-such-project' in run.stderr


def test_run_outlives_its_token(keystone_short, ks_short, destination,
                                tmp_path):
    """Tokens of this Keystone last 20 s; the run takes longer, gets 401
    when its token expires, authenticates again and finishes."""
    from tests.functional.conftest import KS_SHORT_EXPIRATION
    user = keystone_short.ensure_user(
        'sync-' + uuid.uuid4().hex[:6], 'pw', 'syncers',
        roles=('member', 'admin', 'ResellerAdmin'))
    data_project = keystone_short.ensure_user(
        'data-' + uuid.uuid4().hex[:6], 'pw', 'data-' + uuid.uuid4().hex[:6])
    o = TokenAdmin(keystone_short, user, ks_short)
    account = 'AUTH_' + data_project['project_id']
    o.put_container(account, 'c')
    count = 60
    for i in range(count):
        o.put_object(account, 'c', 'o%03d' % i, b'x' * 100)
    dest = destination.reseller
    config = tmp_path / 'short.conf'
    config.write_text(
        '[origin]\nauth_version = 3\nauth_url = %s\nusername = %s\n'
        'password = pw\nproject_name = syncers\nstorage_url = %%s\n'
        '[destination]\nauth_url = %s\nusername = %s\npassword = %s\n'
        '[sync]\naccounts = %s\nobject_workers = 2\nretries = 3\n'
        'retry_max_backoff = 0.5\nsettle_seconds = 1\n' % (
            user['auth_url'], user['username'], dest['auth_url'],
            dest['username'], dest['password'], account))

    def slow_gets(method, path, query):
        if method == 'GET' and path.count('/') >= 4:
            return Fault(delay=0.8)     # 60 GETs / 2 workers: ~24 s
        return None
    mark = ks_short.access_log_size()
    with FaultProxy(ks_short.proxy_port, slow_gets) as proxy:
        config.write_text(config.read_text() % (proxy.url + '/v1/AUTH_x'))
        config.chmod(0o600)
        started = time.time()
        run = sh.run_swsync(str(config), tmp_path)
        elapsed = time.time() - started
    assert run.rc == 0, run
    assert elapsed > KS_SHORT_EXPIRATION
    assert run.report['counts']['objects_copied'] == count
    rejected = [r for r in sh.wait_for_log(ks_short, mark)
                if r['status'] == '401']
    assert rejected, 'the token never expired during the run'
    assert len(Admin(destination).listing(account, 'c')) == count


def test_separate_keystones_map_projects_by_name(
        keystone, ks_origin, sync_user, ks_project, keystone_short,
        ks_short, tmp_path):
    """Origin and destination trust different Keystones: the destination
    account is that of the project with the same domain and name."""
    o = TokenAdmin(keystone, sync_user, ks_origin)
    project = ks_project('twin')
    account = fill_project(o, project)
    twin = keystone_short.ensure_user('twin-user', 'pw',
                                      project['project_name'])
    dest_user = keystone_short.ensure_user(
        'sync2-' + uuid.uuid4().hex[:6], 'pw', 'syncers2',
        roles=('member', 'admin', 'ResellerAdmin'))
    names = tmp_path / 'only.txt'
    names.write_text(project['project_name'] + '\n')
    config = ks_config(tmp_path / 'two.conf', sync_user, 'RegionOne',
                       dest_user, 'RegionOne', map_accounts_by='name',
                       account_filter_file=names)
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    d = TokenAdmin(keystone_short, dest_user, ks_short)
    dest_account = 'AUTH_' + twin['project_id']
    assert dest_account != account
    assert [r['name'] for r in d.listing(dest_account, 'c')] == [
        'o%d' % i for i in range(5)]
    assert d.req('HEAD', dest_account).headers['x-account-meta-owner'] == \
        project['project_name']


@pytest.mark.parametrize('case', ['wrong-password', 'no-reseller-role',
                                  'unreachable', 'wrong-region'])
def test_keystone_refusals_are_one_line_and_exit_2(
        keystone, ks_origin, ks_destination, ks_project, sync_user, case,
        tmp_path):
    origin_creds = dict(sync_user)
    fragment = {'wrong-password': 'refused the credentials',
                'no-reseller-role': 'reseller admin role',
                'unreachable': 'cannot reach Keystone',
                # #16: the error names the region asked for and those the
                # catalog offers
                'wrong-region': 'region RegionX) in the catalog; it has: '
                                'RegionOne/admin'}[case]
    origin_region = 'RegionX' if case == 'wrong-region' else 'RegionOne'
    if case == 'wrong-password':
        origin_creds['password'] = 'wrong'
    elif case == 'no-reseller-role':
        origin_creds = ks_project('plain', roles=('member', 'admin'))
        victim = ks_project('victim')
        fill_project(TokenAdmin(keystone, sync_user, ks_origin), victim)
    elif case == 'unreachable':
        origin_creds['auth_url'] = 'http://127.0.0.1:1/v3'
    config = ks_config(tmp_path / 'bad.conf', origin_creds, origin_region,
                       sync_user, 'RegionTwo')
    mark = ks_destination.access_log_size()
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 2, run
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], run
    assert 'wrong' not in run.stderr
    assert [r for r in sh.wait_for_log(ks_destination, mark)
            if sh.is_write(r)] == []


def test_swfiller_projects_are_discovered_and_mirrored(
        keystone, ks_origin, ks_destination, sync_user, tmp_path):
    """The issue's story: swfiller creates Keystone projects, users and
    nasty data; swsync discovers those projects, mirrors them, and a rerun
    makes no object request."""
    import json
    import random
    import subprocess
    import sys
    seed = random.randrange(10 ** 6)
    filler_conf = tmp_path / 'swfiller.conf'
    filler_conf.write_text(
        '[swift]\nauth_url = %(auth_url)s\nauth_version = 3\n'
        'username = %(username)s\npassword = %(password)s\n'
        'project_name = %(project_name)s\nregion_name = RegionOne\n'
        % sync_user)
    filler_conf.chmod(0o600)
    index = tmp_path / 'index.json'
    subprocess.run([sys.executable, '-m', 'swfiller.cli', '--config-file',
                    str(filler_conf), 'create', '-a', '2', '-u', '1', '-c',
                    '2', '-f', '8', '-s', '4000', '--seed', str(seed),
                    '--profile', 'nasty', '--index', str(index)],
                   check=True, capture_output=True, timeout=300)
    projects = json.loads(index.read_text())['projects']
    accounts = [p['account'] for p in projects]
    names = tmp_path / 'projects.txt'
    names.write_text(''.join(p['name'] + '\n' for p in projects))
    config = ks_config(tmp_path / 'ks.conf', sync_user, 'RegionOne',
                       sync_user, 'RegionTwo', account_filter_file=names)
    sh.settle()
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    assert run.report['counts']['accounts'] == len(accounts) == 2
    o = TokenAdmin(keystone, sync_user, ks_origin)
    d = TokenAdmin(keystone, sync_user, ks_destination)
    assert diff(snapshot(o, accounts), snapshot(d, accounts)) == []
    marks = ks_origin.access_log_size(), ks_destination.access_log_size()
    sh.settle()
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    made = (sh.wait_for_log(ks_origin, marks[0]) +
            sh.wait_for_log(ks_destination, marks[1], pause=0))
    assert made and [r for r in made
                     if sh.object_level(r) or sh.is_write(r)] == []
