"""#16: Keystone mode never silently misses an account.

Each test is an operator's story against real Keystones and real Swift
clusters, about one way accounts used to be lost without a word: a
truncated project list, Keystone's endpoint looked up in Swift's region,
name mapping ignored or missing, one broken account, invisible accounts,
token renewal eating the retry budget, a destination without
account_autocreate.
"""
import time
import uuid

import pytest
import requests

from tests.functional import sync_helpers as sh
from tests.functional.faultproxy import Fault, FaultProxy
from tests.functional.swiftapi import Admin, diff, snapshot


def TokenAdmin(keystone, creds, cluster):
    """The independent test client, with a Keystone token."""
    return Admin.from_token(keystone.token(creds), cluster.url + '/v1')


def write_conf(path, origin, destination, **sync):
    """A swsync config: ``origin``/``destination`` are Keystone credentials
    (dicts as tools/keystone.py gives them) plus any extra options of the
    section (region_name, storage_url, ...); a key ``identity`` holds the
    options of the side's ``[<side>_identity]`` group."""
    lines = []
    for section, opts in (('origin', origin), ('destination', destination)):
        opts = dict(opts)
        identity = opts.pop('identity', None)
        lines.append('[%s]' % section)
        if opts.get('auth_version', '3') == '3':
            lines.append('auth_version = 3')
            for key in ('project_name', 'user_domain_name',
                        'project_domain_name', 'region_name',
                        'storage_url'):
                if opts.get(key):
                    lines.append('%s = %s' % (key, opts[key]))
        for key in ('auth_url', 'username', 'password'):
            lines.append('%s = %s' % (key, opts[key]))
        if opts.get('storage_url') and opts.get('auth_version') == '1':
            lines.append('storage_url = %s' % opts['storage_url'])
        if identity:
            lines.append('[%s_identity]' % section)
            lines += ['%s = %s' % kv for kv in identity.items()]
        lines.append('')
    sync.setdefault('settle_seconds', sh.SETTLE)
    sync.setdefault('retries', 2)
    sync.setdefault('retry_max_backoff', 0.5)
    lines.append('[sync]')
    lines += ['%s = %s' % kv for kv in sync.items()]
    path.write_text('\n'.join(lines) + '\n')
    path.chmod(0o600)
    return str(path)


def side(creds, region=None, **extra):
    opts = dict(creds, region_name=region)
    opts.update(extra)
    return opts


def tempauth_side(cluster):
    creds = dict(cluster.reseller)
    creds['auth_version'] = '1'
    return creds


def names_file(tmp_path, *lines, name='filter.txt'):
    path = tmp_path / name
    path.write_text('# #16\n' + ''.join(line + '\n' for line in lines))
    return str(path)


def tag():
    return uuid.uuid4().hex[:6]


def fill(admin, account, content, n=2):
    admin.put_container(account, 'c')
    for i in range(n):
        admin.put_object(account, 'c', 'o%d' % i, b'%s-%d' % (
            content.encode(), i))
    return account


def listed(admin, account, container='c'):
    rows = admin.listing(account, container)
    return None if rows is None else [r['name'] for r in rows]


def same(o, o_account, d, d_account):
    """Differences between an origin account and its destination copy."""
    return diff(snapshot(o, [o_account])[o_account],
                snapshot(d, [d_account])[d_account])


@pytest.fixture
def sync_user(keystone, ks_project):
    """A user of the shared Keystone who may list projects (admin) and
    reach every account (ResellerAdmin)."""
    return ks_project('swsync', roles=('member', 'admin', 'ResellerAdmin'))


@pytest.fixture
def short_sync_user(keystone_short):
    return keystone_short.ensure_user(
        'sync16-' + tag(), 'pw', 'syncers16',
        roles=('member', 'admin', 'ResellerAdmin'))


# --- 1. a truncated project list -------------------------------------------
def test_discovery_reads_every_page_of_a_truncating_keystone(
        keystone_limited, ksl_origin, destination, tmp_path):
    """Keystone answers at most 10 projects per list; 30 projects in three
    domains, half of them holding data: every one of those is mirrored,
    and a filter file may name a project Keystone lists last, by
    domain/name when the same name exists in two domains."""
    from tests.functional.conftest import KS_LIST_LIMIT
    ks = keystone_limited
    t = tag()
    user = ks.ensure_user('swsync-' + t, 'pw', 'syncers-' + t,
                          roles=('member', 'admin', 'ResellerAdmin'))
    o = TokenAdmin(ks, user, ksl_origin)
    d = Admin(destination)
    domains = ['Default', 'dom-a-' + t, 'dom-b-' + t]
    filled = {}
    for i in range(30):
        domain = domains[i % 3]
        name = 'twin-' + t if i in (0, 2) else 'lim-%s-%02d' % (t, i)
        project = ks.ensure_project(name, domain=domain)
        if i % 2 == 0:
            filled[domain, name] = fill(o, 'AUTH_' + project.id,
                                        '%s/%s' % (domain, name))
    # Keystone does truncate: more projects exist than one answer holds.
    admin_token = ks.token()
    first_page = requests.get(ks.auth_url + '/projects', timeout=30,
                              headers={'X-Auth-Token': admin_token}).json()
    assert first_page['truncated'] is True
    assert len(first_page['projects']) == KS_LIST_LIMIT
    sh.settle()
    config = write_conf(tmp_path / 'lim.conf', side(user, 'RegionOne'),
                        tempauth_side(destination))
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    missed = [a for a in filled.values() if same(o, a, d, a)]
    assert missed == [], '%d of %d accounts not mirrored' % (
        len(missed), len(filled))
    assert run.report['accounts']['projects'] >= 30 + len(domains)
    # A filter file naming the project Keystone lists last, and one of two
    # same-named projects by domain/name.
    on_first_page = {p['id'] for p in first_page['projects']}
    # (not one of the twins: when a twin's id came last, the test asked
    # for it and then found it mirrored: a CI failure, ~1 run in 35)
    last_key = max((k for k in filled if k[1] != 'twin-' + t),
                   key=lambda k: filled[k])
    last = filled[last_key]
    assert last[len('AUTH_'):] not in on_first_page
    twin_b = filled['dom-b-' + t, 'twin-' + t]
    twin_default = filled['Default', 'twin-' + t]
    for account in (last, twin_b, twin_default):
        o.put_object(account, 'c', 'late', b'late')
    names = names_file(tmp_path, '%s/%s' % last_key, 'dom-b-%s/twin-%s' % (
        t, t))
    config = write_conf(tmp_path / 'lim2.conf', side(user, 'RegionOne'),
                        tempauth_side(destination),
                        account_filter_file=names)
    sh.settle()
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    assert run.report['counts']['accounts'] == len({last, twin_b})
    assert 'late' in listed(d, last)
    assert 'late' in listed(d, twin_b)
    assert 'late' not in listed(d, twin_default)


# --- 2. Keystone's endpoint is not in Swift's region ------------------------
def test_discovery_finds_keystone_outside_the_swift_region(
        keystone, ks_region_a, ks_destination, ks_project, sync_user,
        tmp_path):
    """Swift is the object-store of RegionA; Keystone's own endpoints are
    in RegionOne. Discovery still lists the projects."""
    o = TokenAdmin(keystone, sync_user, ks_region_a)
    d = TokenAdmin(keystone, sync_user, ks_destination)
    project = ks_project('regiona')
    account = fill(o, project['account'], 'region-a')
    config = write_conf(tmp_path / 'ra.conf', side(sync_user, 'RegionA'),
                        side(sync_user, 'RegionTwo'),
                        account_filter_file=names_file(
                            tmp_path, project['project_name']))
    sh.settle()
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    assert same(o, account, d, account) == []


def test_name_mapping_finds_keystone_outside_the_swift_region(
        keystone, ks_origin, ks_project, sync_user, keystone_short,
        ks_short_b, short_sync_user, tmp_path):
    """map_accounts_by = name lists the destination Keystone's projects;
    the destination Swift is in RegionB, that Keystone in RegionOne."""
    o = TokenAdmin(keystone, sync_user, ks_origin)
    project = ks_project('regionb')
    account = fill(o, project['account'], 'region-b')
    twin = keystone_short.ensure_project(project['project_name'])
    config = write_conf(tmp_path / 'rb.conf', side(sync_user, 'RegionOne'),
                        side(short_sync_user, 'RegionB'),
                        map_accounts_by='name',
                        account_filter_file=names_file(
                            tmp_path, project['project_name']))
    sh.settle()
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    d = TokenAdmin(keystone_short, short_sync_user, ks_short_b)
    assert same(o, account, d, 'AUTH_' + twin.id) == []


# --- 3. and 4. mapping across separate Keystones ----------------------------
def test_name_mapping_applies_to_listed_accounts(
        keystone, ks_origin, ks_project, sync_user, keystone_short,
        ks_short, short_sync_user, tmp_path):
    """[sync] accounts names the origin account; with map_accounts_by =
    name its data goes to the destination project of the same name."""
    o = TokenAdmin(keystone, sync_user, ks_origin)
    project = ks_project('listed')
    account = fill(o, project['account'], 'listed')
    twin = keystone_short.ensure_project(project['project_name'])
    config = write_conf(tmp_path / 'ln.conf', side(sync_user, 'RegionOne'),
                        side(short_sync_user, 'RegionOne'),
                        map_accounts_by='name', accounts=account)
    sh.settle()
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    d = TokenAdmin(keystone_short, short_sync_user, ks_short)
    assert same(o, account, d, 'AUTH_' + twin.id) == []
    # nothing in the account of the origin's id, which no project owns
    assert listed(d, account) is None


def test_separate_keystones_are_refused_with_id_mapping(
        keystone, ks_origin, ks_project, sync_user, ks_short,
        short_sync_user, tmp_path):
    """The destination trusts another Keystone and map_accounts_by is left
    at id: refused with one line, nothing written."""
    o = TokenAdmin(keystone, sync_user, ks_origin)
    project = ks_project('separate')
    fill(o, project['account'], 'separate')
    config = write_conf(tmp_path / 'sep.conf', side(sync_user, 'RegionOne'),
                        side(short_sync_user, 'RegionOne'),
                        account_filter_file=names_file(
                            tmp_path, project['project_name']))
    mark = ks_short.access_log_size()
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 2, run
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run
    assert 'separate Keystones' in lines[0]
    assert 'map_accounts_by = name' in lines[0]
    assert [r for r in sh.wait_for_log(ks_short, mark)
            if sh.is_write(r)] == []


# --- 5. one broken account --------------------------------------------------
def broken_account_proxy(cluster, account):
    def rule(method, path, query):
        if path.startswith('/v1/%s' % account):
            return Fault(status=503)
        return None
    return FaultProxy(cluster.proxy_port, rule)


@pytest.mark.parametrize('how', ['discovered', 'listed'])
def test_one_broken_origin_account_does_not_stop_the_others(
        keystone, ks_origin, ks_destination, ks_project, sync_user, how,
        tmp_path):
    """One origin account answers 503 to everything: it is reported (exit
    1, with its cause) and the other accounts are synced - whether it was
    discovered or is the first of [sync] accounts (the access check probes
    it first)."""
    o = TokenAdmin(keystone, sync_user, ks_origin)
    d = TokenAdmin(keystone, sync_user, ks_destination)
    projects = [ks_project('broken%d' % i) for i in range(3)]
    accounts = [fill(o, p['account'], 'b%d' % i)
                for i, p in enumerate(projects)]
    broken = accounts[1]
    sync = {}
    if how == 'discovered':
        sync['account_filter_file'] = names_file(
            tmp_path, *[p['project_name'] for p in projects])
    else:
        sync['accounts'] = ','.join([broken] + accounts[:1] + accounts[2:])
    sh.settle()
    with broken_account_proxy(ks_origin, broken) as proxy:
        config = write_conf(
            tmp_path / 'broken.conf',
            side(sync_user, 'RegionOne', storage_url=proxy.url + '/v1/x'),
            side(sync_user, 'RegionTwo'), **sync)
        run = sh.run_swsync(config, tmp_path)
    assert run.rc == 1, run
    assert 'Traceback' not in run.stderr
    errors = [e for e in run.report['errors'] if e['scope'] == broken]
    assert errors and '503' in errors[0]['error'], run.report['errors']
    assert {e['scope'] for e in run.report['errors']} == {broken}
    for account in accounts:
        if account != broken:
            assert same(o, account, d, account) == [], account
    assert listed(d, broken) is None


# --- 6. accounts discovery cannot see ---------------------------------------
def test_deleted_origin_account_with_a_copy_is_reported(
        keystone, ks_origin, ks_destination, ks_project, sync_user,
        tmp_path):
    """An origin account deleted after it was mirrored answers 410: its
    destination copy is kept (swsync never deletes accounts) and the run
    says so, instead of skipping it as 'unused'."""
    o = TokenAdmin(keystone, sync_user, ks_origin)
    d = TokenAdmin(keystone, sync_user, ks_destination)
    project = ks_project('gone')
    account = fill(o, project['account'], 'gone')
    config = write_conf(tmp_path / 'gone.conf', side(sync_user, 'RegionOne'),
                        side(sync_user, 'RegionTwo'),
                        account_filter_file=names_file(
                            tmp_path, project['project_name']))
    sh.settle()
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    assert listed(d, account) == ['o0', 'o1']
    o.req('DELETE', account, ok=(204,))
    assert o.req('HEAD', account).status_code == 410
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    warnings = [w for w in run.report.get('warnings', [])
                if w['scope'] == account]
    assert warnings and '410' in warnings[0]['warning'], run.report
    assert run.report['accounts']['origin_deleted'] == [account]
    assert 'WARNING' in run.stderr and account in run.stderr
    assert listed(d, account) == ['o0', 'o1']


def test_extra_accounts_sync_what_discovery_cannot_see(
        keystone, ks_origin, ks_destination, ks_project, sync_user,
        tmp_path):
    """A project deleted before its account was ever mirrored: Keystone no
    longer lists it, so discovery cannot find its data. extra_accounts
    names it, and discovery goes on for the rest."""
    o = TokenAdmin(keystone, sync_user, ks_origin)
    d = TokenAdmin(keystone, sync_user, ks_destination)
    orphan = ks_project('orphan')
    orphan_account = fill(o, orphan['account'], 'orphan')
    keystone.client().projects.delete(orphan['project_id'])
    live = ks_project('live')
    live_account = fill(o, live['account'], 'live')
    sync = dict(account_filter_file=names_file(tmp_path,
                                               live['project_name']))
    sh.settle()
    run = sh.run_swsync(write_conf(tmp_path / 'a.conf',
                                   side(sync_user, 'RegionOne'),
                                   side(sync_user, 'RegionTwo'), **sync),
                        tmp_path)
    assert run.rc == 0, run
    assert listed(d, orphan_account) is None      # invisible to discovery
    run = sh.run_swsync(write_conf(tmp_path / 'b.conf',
                                   side(sync_user, 'RegionOne'),
                                   side(sync_user, 'RegionTwo'),
                                   extra_accounts=orphan_account, **sync),
                        tmp_path)
    assert run.rc == 0, run
    assert run.report['accounts']['extra'] == [orphan_account]
    assert run.report['counts']['accounts'] == 2
    for account in (orphan_account, live_account):
        assert same(o, account, d, account) == [], account


def test_known_accounts_keep_a_deleted_projects_account_in_sync(
        keystone, ks_origin, ks_destination, ks_project, sync_user,
        tmp_path):
    """A project deleted after its account was mirrored: Keystone no longer
    lists it, but its data lives on. With known_accounts_file the account
    stays in sync (with a warning); once the origin account is deleted,
    the destination copy left behind is reported."""
    o = TokenAdmin(keystone, sync_user, ks_origin)
    d = TokenAdmin(keystone, sync_user, ks_destination)
    project = ks_project('known')
    account = fill(o, project['account'], 'known')
    known = tmp_path / 'known.json'
    config = write_conf(tmp_path / 'k.conf', side(sync_user, 'RegionOne'),
                        side(sync_user, 'RegionTwo'),
                        known_accounts_file=known,
                        account_filter_file=names_file(
                            tmp_path, project['project_name']))
    sh.settle()
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    assert account in known.read_text()
    keystone.client().projects.delete(project['project_id'])
    o.put_object(account, 'c', 'after', b'written after the project died')
    sh.settle()
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    assert same(o, account, d, account) == []
    assert run.report['accounts']['unlisted_known'] == [account]
    assert [w['scope'] for w in run.report['warnings']] == [account]
    assert 'no longer listed' in run.report['warnings'][0]['warning']
    o.req('DELETE', account, ok=(204,))
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    assert run.report['accounts']['origin_deleted'] == [account]
    assert '410' in run.report['warnings'][0]['warning']
    assert listed(d, account) == ['after', 'o0', 'o1']


# --- 7. token renewal is not a retry ----------------------------------------
def test_token_renewal_does_not_use_the_retry_budget(
        keystone_short, ks_short, ks_short_b, tmp_path):
    """retries = 0 and tokens that last 20 s on both sides, in a run of
    ~25 s: each side's first request after expiry gets 401, swsync
    authenticates again and nothing fails."""
    from tests.functional.conftest import KS_SHORT_EXPIRATION
    user = keystone_short.ensure_user(
        'renew-' + tag(), 'pw', 'syncers-renew',
        roles=('member', 'admin', 'ResellerAdmin'))
    data = keystone_short.ensure_project('renew-data-' + tag())
    account = 'AUTH_' + data.id
    o = TokenAdmin(keystone_short, user, ks_short)
    o.put_container(account, 'c')
    count = 60
    for i in range(count):
        o.put_object(account, 'c', 'o%03d' % i, b'x' * 100)

    def slow_gets(method, path, query):
        if method == 'GET' and path.count('/') >= 4:
            return Fault(delay=0.8)     # 60 GETs / 2 workers: ~24 s
        return None
    marks = ks_short.access_log_size(), ks_short_b.access_log_size()
    sh.settle()
    with FaultProxy(ks_short.proxy_port, slow_gets) as proxy:
        config = write_conf(
            tmp_path / 'renew.conf',
            side(user, 'RegionOne', storage_url=proxy.url + '/v1/x'),
            side(user, 'RegionB'), accounts=account, object_workers=2,
            retries=0)
        started = time.time()
        run = sh.run_swsync(config, tmp_path)
        elapsed = time.time() - started
    assert elapsed > KS_SHORT_EXPIRATION
    assert run.rc == 0, run
    assert run.report['counts']['objects_copied'] == count
    for cluster, mark in zip((ks_short, ks_short_b), marks):
        rejected = [r for r in sh.wait_for_log(cluster, mark)
                    if r['status'] == '401']
        assert rejected, 'no token expired on %s' % cluster.name
    d = TokenAdmin(keystone_short, user, ks_short_b)
    assert len(listed(d, account)) == count


# --- 8. a destination without account_autocreate -----------------------------
def test_destination_account_is_created_without_autocreate(
        keystone, ks_origin, ks_noauto, ks_project, sync_user, tmp_path):
    o = TokenAdmin(keystone, sync_user, ks_origin)
    d = TokenAdmin(keystone, sync_user, ks_noauto)
    project = ks_project('noauto')
    account = fill(o, project['account'], 'noauto')
    o.req('POST', account, headers={'X-Account-Meta-Owner': 'noauto'},
          ok=(204,))
    assert d.req('HEAD', account).status_code == 404
    config = write_conf(tmp_path / 'na.conf', side(sync_user, 'RegionOne'),
                        side(sync_user, 'RegionC'),
                        account_filter_file=names_file(
                            tmp_path, project['project_name']))
    sh.settle()
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    assert run.report['counts']['accounts_created'] == 1
    assert same(o, account, d, account) == []
    mark = ks_noauto.access_log_size()
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    assert 'accounts_created' not in run.report['counts']
    assert [r for r in sh.wait_for_log(ks_noauto, mark)
            if sh.is_write(r)] == []
