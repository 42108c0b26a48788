"""The Keystone the tests rely on is real, and Swift really trusts it."""
import datetime
import time
import uuid

import requests


def _token(keystone, creds):
    """(token, token body) from a real POST /v3/auth/tokens."""
    r = requests.post(keystone.auth_url + '/auth/tokens', json={'auth': {
        'identity': {'methods': ['password'], 'password': {'user': {
            'name': creds['username'], 'password': creds['password'],
            'domain': {'name': creds['user_domain_name']}}}},
        'scope': {'project': {
            'name': creds['project_name'],
            'domain': {'name': creds['project_domain_name']}}}}},
        timeout=30)
    assert r.status_code == 201, r.text
    return r.headers['X-Subject-Token'], r.json()['token']


def _swift(cluster, token, method, account, *path, data=None):
    url = '/'.join([cluster.storage_url(account)] + list(path))
    return requests.request(method, url, data=data, timeout=30,
                            headers={'X-Auth-Token': token})


def _name(prefix):
    return '%s-%s' % (prefix, uuid.uuid4().hex[:8])


def test_keystone_issues_scoped_fernet_tokens(keystone, ks_credentials,
                                              ks_origin, ks_destination):
    creds = ks_credentials['reseller']
    token, body = _token(keystone, creds)
    assert token.startswith('gAAAAA')  # a fernet token
    assert body['project']['id'] == creds['project_id']
    assert {'ResellerAdmin', 'member'} <= {r['name'] for r in body['roles']}
    # The catalog: each cluster is the object-store of its own region.
    urls = {(e['region'], e['interface']): e['url']
            for s in body['catalog'] if s['type'] == 'object-store'
            for e in s['endpoints']}
    for cluster, region in ((ks_origin, 'RegionOne'),
                            (ks_destination, 'RegionTwo')):
        for interface in ('public', 'internal', 'admin'):
            assert urls[region, interface] == cluster.storage_url(
                creds['account'])
    # The same lookup through keystoneauth, as swsync does it.
    sess = keystone.session(creds)
    assert sess.get_endpoint(service_type='object-store',
                             interface='internal',
                             region_name='RegionTwo') == (
        ks_destination.storage_url(creds['account']))
    # Keystone itself validates the token (as the service user would).
    admin_token, _ = _token(keystone, ks_credentials['admin'])
    r = requests.get(keystone.auth_url + '/auth/tokens', timeout=30,
                     headers={'X-Auth-Token': admin_token,
                              'X-Subject-Token': token})
    assert r.status_code == 200
    assert r.json()['token']['user']['name'] == 'swsync'


def test_proxy_rejects_missing_and_forged_tokens(ks_origin, ks_credentials):
    account = ks_credentials['user']['account']
    r = requests.get(ks_origin.storage_url(account), timeout=30)
    assert r.status_code == 401
    assert 'Keystone uri=' in r.headers['WWW-Authenticate']
    r = _swift(ks_origin, 'gAAAAABforged', 'GET', account)
    assert r.status_code == 401


def test_reseller_admin_reaches_other_projects_accounts(
        keystone, ks_origin, ks_credentials):
    reseller = ks_credentials['reseller']
    owner = ks_credentials['user2']
    token, _ = _token(keystone, reseller)
    account = owner['account']
    assert owner['project_id'] != reseller['project_id']
    container = _name('ks-harness')
    assert _swift(ks_origin, token, 'PUT', account,
                  container).status_code in (201, 202)
    assert _swift(ks_origin, token, 'PUT', account, container, 'hello',
                  data=b'world').status_code == 201
    r = _swift(ks_origin, token, 'GET', account, container, 'hello')
    assert (r.status_code, r.content) == (200, b'world')
    # The project's own user sees what the reseller admin wrote.
    owner_token, _ = _token(keystone, owner)
    r = _swift(ks_origin, owner_token, 'GET', account, container)
    assert (r.status_code, r.text.split()) == (200, ['hello'])


def test_ordinary_user_cannot_reach_other_accounts(keystone, ks_origin,
                                                   ks_credentials):
    token, _ = _token(keystone, ks_credentials['user'])
    other = ks_credentials['user2']['account']
    assert _swift(ks_origin, token, 'GET', other).status_code == 403
    assert _swift(ks_origin, token, 'PUT', other,
                  _name('nope')).status_code == 403
    # ...but owns its own account (operator role 'member').
    own = ks_credentials['user']['account']
    assert _swift(ks_origin, token, 'GET', own).status_code in (200, 204)


def test_clusters_behind_one_keystone_are_independent(
        keystone, ks_origin, ks_destination, ks_project):
    creds = ks_project('indep')
    token, _ = _token(keystone, creds)
    container = _name('indep')
    account = creds['account']
    assert _swift(ks_origin, token, 'PUT', account,
                  container).status_code in (201, 202)
    assert _swift(ks_origin, token, 'PUT', account, container, 'x',
                  data=b'1').status_code == 201
    # Same token, same account name on the other cluster: nothing there.
    r = _swift(ks_destination, token, 'GET', account, container)
    assert r.status_code == 404
    r = _swift(ks_origin, token, 'GET', account, container)
    assert (r.status_code, r.text.split()) == (200, ['x'])


def test_token_expires_after_its_lifetime(keystone, keystone_short,
                                          ks_short):
    creds = keystone_short.credentials()['reseller']
    # A separate Keystone: its projects are not the shared Keystone's.
    assert creds['project_id'] != keystone.credentials()['reseller'][
        'project_id']
    token, body = _token(keystone_short, creds)
    issued = _parse(body['issued_at'])
    expires = _parse(body['expires_at'])
    assert keystone_short.expiration <= 30
    assert (expires - issued).total_seconds() == keystone_short.expiration
    account = keystone_short.credentials()['user']['account']
    container = _name('expiry')
    assert _swift(ks_short, token, 'PUT', account,
                  container).status_code in (201, 202)
    # The proxy's authtoken has the token cached by now; expiry must still
    # be enforced.
    assert _swift(ks_short, token, 'GET', account,
                  container).status_code in (200, 204)
    time.sleep(max(0.0, (expires - _now()).total_seconds()) + 1.5)
    assert _swift(ks_short, token, 'GET', account,
                  container).status_code == 401
    # A new token works again.
    fresh, _ = _token(keystone_short, creds)
    assert _swift(ks_short, fresh, 'GET', account,
                  container).status_code in (200, 204)


def _parse(stamp):
    return datetime.datetime.strptime(
        stamp, '%Y-%m-%dT%H:%M:%S.%fZ').replace(tzinfo=datetime.timezone.utc)


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


# --- #16: the layouts the Keystone discovery tests rely on -------------------
def test_list_limit_truncates_and_pages_by_marker(keystone_limited):
    """Keystone with [DEFAULT] list_limit cuts GET /v3/projects and says so
    (truncated: true); this Keystone pages by marker (the last id)."""
    from tests.functional.conftest import KS_LIST_LIMIT
    for i in range(KS_LIST_LIMIT + 2):
        keystone_limited.ensure_project('harness-limit-%02d' % i)
    token, _ = _token(keystone_limited,
                      keystone_limited.credentials()['admin'])
    url = keystone_limited.auth_url + '/projects'
    body = requests.get(url, headers={'X-Auth-Token': token},
                        timeout=30).json()
    assert body['truncated'] is True
    first = [p['id'] for p in body['projects']]
    assert len(first) == KS_LIST_LIMIT
    body = requests.get(url, params={'marker': first[-1]}, timeout=30,
                        headers={'X-Auth-Token': token}).json()
    page = [p['id'] for p in body['projects']]
    assert page and not set(page) & set(first)
    assert min(page) > first[-1]


def test_keystone_identity_endpoint_is_not_in_swift_region(
        keystone, ks_region_a, ks_credentials):
    """ks_region_a is the object-store of RegionA; Keystone's own
    endpoints are in RegionOne only."""
    _, body = _token(keystone, ks_credentials['reseller'])
    regions = {s['type']: {e['region'] for e in s['endpoints']}
               for s in body['catalog']}
    assert regions['identity'] == {'RegionOne'}
    assert 'RegionA' in regions['object-store']


def test_cluster_without_account_autocreate(keystone, ks_noauto,
                                            ks_credentials, ks_project):
    """account_autocreate = false: a missing account answers 404 and takes
    no container until a reseller admin PUTs it."""
    token, _ = _token(keystone, ks_credentials['reseller'])
    account = ks_project('noauto')['account']
    assert _swift(ks_noauto, token, 'HEAD', account).status_code == 404
    assert _swift(ks_noauto, token, 'PUT', account,
                  'c').status_code == 404
    assert _swift(ks_noauto, token, 'PUT', account).status_code == 201
    assert _swift(ks_noauto, token, 'PUT', account,
                  'c').status_code == 201
