"""Each side's authentication options, read the OpenStack way: tempauth by
default, or a keystoneauth1 plugin (``auth_type``) with keystoneauth's own
plugin, session and endpoint options; older configurations still read."""
import pytest
from oslo_config import cfg

from swsync import config
from swsync.client import make_auth
from swsync.client.auth import TempAuth
from swsync.client.errors import ConfigError
from swsync.cmd import startup

TEMPAUTH = ('auth_url = http://%s:8080/auth/v1.0\nusername = admin:admin\n'
            'password = secret\n')
KEYSTONE = ('auth_type = password\nauth_url = http://ks:5000/v3\n'
            'username = swsync\npassword = secret\nproject_name = admin\n')
APP_CRED = ('auth_type = v3applicationcredential\n'
            'auth_url = http://ks:5000/v3\n'
            'application_credential_id = 0123abcd\n'
            'application_credential_secret = s3cr3t\n')


def parse(tmp_path, origin, destination=None, sync='accounts = AUTH_a\n'):
    path = tmp_path / 'swsync.conf'
    if destination is None:
        destination = TEMPAUTH % 'dest'
    path.write_text('[origin]\n%s\n[destination]\n%s\n[sync]\n%s' % (
        origin, destination, sync))
    return startup.parse(['--config-file', str(path)], [], 'd', 'e',
                         'swsync')


def auth(conf, side='origin'):
    return make_auth(side, conf, side, conf[config.IDENTITY_GROUPS[side]])


def test_tempauth_stays_the_default(tmp_path):
    conf = parse(tmp_path, TEMPAUTH % 'origin')
    assert conf.origin.auth_type is None
    assert conf.origin.auth_version == '1'
    assert isinstance(auth(conf), TempAuth)


def test_auth_version_3_still_means_the_v3_password_plugin(tmp_path):
    """The configuration of swsync 0.2 (auth_version = 3, interface)."""
    conf = parse(tmp_path, 'auth_version = 3\nauth_url = http://ks:5000/v3\n'
                           'username = swsync\npassword = secret\n'
                           'project_name = admin\nregion_name = RegionA\n'
                           'interface = internal\n')
    assert conf.origin.auth_type == 'v3password'
    ks = auth(conf)
    plugin = ks.session.auth
    method = plugin.auth_methods[0]
    assert type(plugin).__module__ == 'keystoneauth1.identity.v3.password'
    assert (method.username, method.user_domain_name, plugin.project_name,
            plugin.project_domain_name) == (
        'swsync', 'Default', 'admin', 'Default')
    assert (ks.endpoint.service_type, ks.endpoint.interface,
            ks.endpoint.region_name) == ('object-store', 'internal',
                                         'RegionA')


def test_auth_type_alone_selects_keystone(tmp_path):
    conf = parse(tmp_path, KEYSTONE + 'valid_interfaces = internal,public\n'
                 'region_name = RegionA\n', sync='')
    assert conf.origin.auth_version == '3'
    ks = auth(conf)
    assert ks.endpoint.interface == ['internal', 'public']
    assert ks.who == 'user swsync'


def test_application_credential(tmp_path):
    conf = parse(tmp_path, APP_CRED + 'region_name = RegionA\n')
    ks = auth(conf)
    method = ks.session.auth.auth_methods[0]
    assert (method.application_credential_id,
            method.application_credential_secret) == ('0123abcd', 's3cr3t')
    assert ks.who == 'application credential 0123abcd'
    assert 's3cr3t' not in ks.who


def test_secret_from_the_environment(tmp_path, monkeypatch):
    """oslo.config reads OS_<GROUP>__<OPTION>; it wins over the file."""
    monkeypatch.setenv('OS_ORIGIN__APPLICATION_CREDENTIAL_SECRET', 'env')
    monkeypatch.setenv('OS_DESTINATION__PASSWORD', 'envpass')
    conf = parse(tmp_path, APP_CRED.replace(
        'application_credential_secret = s3cr3t\n', ''),
        destination=(TEMPAUTH % 'dest').replace('password = secret\n', ''))
    method = auth(conf).session.auth.auth_methods[0]
    assert method.application_credential_secret == 'env'
    assert auth(conf, 'destination').conf.password == 'envpass'


def test_explicit_domains_win_over_the_default(tmp_path):
    conf = parse(tmp_path, KEYSTONE + 'user_domain_id = d1\n'
                 'project_domain_name = Other\n', sync='')
    plugin = auth(conf).session.auth
    assert (plugin._user_domain_id, plugin._project_domain_name) == (
        'd1', 'Other')
    conf = parse(tmp_path, KEYSTONE + 'default_domain_name = Other\n',
                 sync='')
    plugin = auth(conf).session.auth
    assert plugin._user_domain_name is None       # default_domain_name
    assert plugin._default_domain_name == 'Other'  # applies, not Default


def test_session_options_reach_keystone_and_the_proxy(tmp_path):
    conf = parse(tmp_path, KEYSTONE + 'cafile = /ca.pem\n'
                 'certfile = /c.pem\nkeyfile = /k.pem\ntimeout = 7\n',
                 sync='')
    session = auth(conf).session
    assert session.verify == '/ca.pem'
    assert session.cert == ('/c.pem', '/k.pem')
    assert session.timeout == 7.0
    conf = parse(tmp_path, TEMPAUTH % 'o' + 'insecure = true\n')
    assert (conf.origin.insecure, conf.origin.timeout) == (True, 60.0)


@pytest.mark.parametrize('origin, message', [
    (APP_CRED + 'password = x\n',
     'password in [origin] is not an option of auth_type = '
     'v3applicationcredential'),
    (TEMPAUTH % 'o' + 'project_name = x\n',
     'project_name in [origin] is a Keystone option, but [origin] uses '
     'tempauth: set auth_type'),
    ('auth_type = nope\n', '[origin] auth_type = nope: no such '
     'keystoneauth1 plugin'),
    ('auth_type = none\n', '[origin] auth_type = none cannot authenticate'),
    ('auth_type = v1password\n', 'for tempauth leave auth_type unset'),
    (KEYSTONE + 'auth_version = 1\n', '[origin] auth_version = 1 (tempauth) '
     'contradicts auth_type = password'),
    (KEYSTONE + 'auth_section = ks\n', '[origin] auth_section is not '
     'supported'),
    (APP_CRED.replace('application_credential_secret = s3cr3t\n', ''),
     '[origin] application_credential_secret is required with auth_type = '
     'v3applicationcredential'),
    (APP_CRED.replace('application_credential_id = 0123abcd\n', ''),
     '[origin] application_credential_id (or application_credential_name) '
     'is required'),
    (APP_CRED.replace('application_credential_id = 0123abcd\n',
                      'application_credential_name = nightly\n'),
     '[origin] application_credential_name needs username'),
    (KEYSTONE.replace('project_name = admin\n', ''),
     '[origin] project_name (or project_id) is required with auth_type = '
     'password'),
    (KEYSTONE.replace('password = secret\n', ''),
     '[origin] password is required with auth_type = password'),
    (KEYSTONE.replace('auth_url = http://ks:5000/v3\n', ''),
     '[origin] auth_url is required'),
    ('auth_type = token\nauth_url = http://ks:5000/v3\nproject_name = a\n',
     '[origin] token is required with auth_type = token'),
    (KEYSTONE + 'interface = internal\nvalid_interfaces = public\n',
     'interface and valid_interfaces are mutually exclusive'),
    (KEYSTONE + 'valid_interfaces = inner\n',
     "'inner' is not a valid value for valid_interfaces"),
    (KEYSTONE + 'storage_url = http://p/v1/AUTH_x\n'
     'endpoint_override = http://p/v1/AUTH_x\n',
     'storage_url and endpoint_override both'),
    (KEYSTONE + 'timeout = 0\n', '[origin] timeout must be more than 0'),
], ids=['other-plugins-option', 'keystone-option-with-tempauth',
        'unknown-plugin', 'plugin-without-auth-url', 'v1password',
        'auth-version-contradicts', 'auth-section', 'no-secret',
        'no-credential-id', 'credential-name-without-user', 'no-project',
        'no-password', 'no-auth-url', 'no-token', 'both-interfaces',
        'bad-interface', 'two-storage-urls', 'zero-timeout'])
def test_bad_authentication_options_are_one_line(tmp_path, origin,
                                                 message):
    with pytest.raises(ConfigError) as err:
        parse(tmp_path, origin, sync='')
    assert message in str(err.value)
    assert '\n' not in str(err.value)
    assert 's3cr3t' not in str(err.value)


def test_two_regions_of_one_keystone_are_two_clusters(tmp_path):
    parse(tmp_path, APP_CRED + 'region_name = RegionOne\n',
          APP_CRED + 'region_name = RegionTwo\n', sync='')
    with pytest.raises(ConfigError, match='same cluster'):
        parse(tmp_path, APP_CRED + 'region_name = RegionOne\n',
              APP_CRED + 'region_name = RegionOne\n', sync='')


def test_sample_lists_the_keystoneauth_options_of_both_sides():
    groups = dict(config.list_opts())
    for side in ('origin', 'destination'):
        names = [o.dest for o in groups[side]]
        assert len(names) == len(set(names))
        assert {'auth_type', 'auth_version', 'auth_url', 'username',
                'password', 'project_name', 'user_domain_name',
                'application_credential_id', 'application_credential_secret',
                'token', 'cafile', 'certfile', 'keyfile', 'insecure',
                'timeout', 'collect_timing', 'split_loggers', 'service_type',
                'valid_interfaces', 'region_name', 'endpoint_override',
                'storage_url'} <= set(names)
        assert 'auth_section' not in names
        secret = {o.dest for o in groups[side] if o.secret}
        assert {'password', 'application_credential_secret',
                'token'} <= secret
    assert 'reseller_prefixes' in [o.dest for o in groups['origin']]
    assert 'reseller_prefixes' not in [o.dest for o in
                                       groups['destination']]


def test_client_certificate_on_the_proxy_connections(tmp_path):
    from swsync.client.swift import Cluster
    conf = parse(tmp_path, TEMPAUTH % 'o' + 'certfile = /c.pem\n'
                 'keyfile = /k.pem\ncafile = /ca.pem\n')
    cluster = Cluster('origin', None, conf.origin, 1)
    cluster.auth = type('Fixed', (), {'credentials': lambda self: (
        'https://o:8080/v1/AUTH_admin', 'tk')})()
    conn = cluster._new_connection()
    assert conn.requests_args['cert'] == ('/c.pem', '/k.pem')
    assert conn.requests_args['verify'] == '/ca.pem'


def test_same_cluster_refusal_names_no_url_credential(tmp_path):
    """Red-team finding: "origin and destination are the same cluster"
    printed the whole auth_url, user:password@ included."""
    url = 'auth_url = http://u:S3cr3t@proxy:8080/auth/v1.0\n' \
        'username = admin:admin\npassword = secret\n'
    with pytest.raises(ConfigError) as caught:
        config.validate(parse(tmp_path, url, url))
    assert 'S3cr3t' not in str(caught.value)
    assert 'same cluster' in str(caught.value)


@pytest.mark.parametrize('value', ['nan', 'NaN'])
def test_a_nan_rate_limit_is_refused(tmp_path, value):
    """Red-team finding: max_bytes_per_second = nan passed oslo's min=0
    and turned the limit silently off."""
    origin = TEMPAUTH % 'origin' + 'max_bytes_per_second = %s\n' % value
    with pytest.raises(ConfigError):
        config.validate(parse(tmp_path, origin))


@pytest.mark.parametrize('section, line', [
    ('DEFAULT', 'stats_interval = 0'),
    ('DEFAULT', 'interval = -5'),
    ('sync', 'split_size = 0'),
])
def test_every_bad_value_is_refused_at_start_up(tmp_path, section, line):
    """Red-team finding: oslo.config checks a value when it is first
    read; [DEFAULT] stats_interval = 0 passed start-up and was a
    traceback (ConfigFileValueError) when the pass began."""
    path = tmp_path / 'swsync.conf'
    path.write_text('[DEFAULT]\n%s\n[origin]\n%s\n[destination]\n%s\n'
                    '[sync]\naccounts = AUTH_a\n%s\n' % (
                        line if section == 'DEFAULT' else '',
                        TEMPAUTH % 'origin', TEMPAUTH % 'dest',
                        line if section == 'sync' else ''))
    with pytest.raises(cfg.ConfigFileValueError):
        startup.parse(['--config-file', str(path)], [], 'd', 'e', 'swsync')
