"""Keystone's own endpoint is chosen apart from Swift's (#16.2)."""
import pytest
from oslo_config import cfg

from swsync import config
from swsync.client.errors import ConfigError
from swsync.client.keystone import KeystoneAuth


def load(tmp_path, text=''):
    path = tmp_path / 'swsync.conf'
    path.write_text(
        '[origin]\nauth_version = 3\nauth_url = http://ks:5000/v3\n'
        'username = u\npassword = p\nproject_name = admin\n'
        'region_name = RegionA\ninterface = internal\n' + text)
    conf = cfg.ConfigOpts()
    config.register(conf)
    conf(['--config-file', str(path)], default_config_files=[])
    config.register_auth(conf)
    config.check_files(conf)
    return conf


def identity(conf):
    return KeystoneAuth('origin', conf, 'origin',
                        conf[config.IDENTITY_GROUPS['origin']]).identity


def test_identity_defaults_ignore_the_object_store_region(tmp_path):
    adapter = identity(load(tmp_path))
    assert adapter.service_type == 'identity'
    assert adapter.region_name is None          # any region, not RegionA
    assert adapter.interface == ['public']      # not the object-store's
    assert adapter.version == '3'


def test_identity_group_sets_region_and_interfaces(tmp_path):
    adapter = identity(load(tmp_path, '[origin_identity]\n'
                                      'region_name = RegionOne\n'
                                      'valid_interfaces = internal,public\n'
                                      'endpoint_override = http://k/v3\n'))
    assert adapter.region_name == 'RegionOne'
    assert adapter.interface == ['internal', 'public']
    assert adapter.endpoint_override == 'http://k/v3'


def test_bad_identity_interface_is_a_config_error(tmp_path):
    conf = load(tmp_path, '[origin_identity]\nvalid_interfaces = inner\n')
    with pytest.raises(ConfigError, match=r'\[origin_identity\].*inner'):
        identity(conf)


def test_sample_lists_both_identity_groups():
    groups = dict(config.list_opts())
    for group in ('origin_identity', 'destination_identity'):
        names = {o.dest for o in groups[group]}
        assert {'region_name', 'valid_interfaces',
                'endpoint_override'} <= names
