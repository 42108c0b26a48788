"""swfiller's command line and configuration (no cluster needed)."""
import pytest

from swfiller import cli
from swfiller import config


def conf_file(tmp_path, extra='', filler=''):
    path = tmp_path / 'swfiller.conf'
    path.write_text('[swift]\nauth_url = http://127.0.0.1:8080/auth/v1.0\n'
                    'username = admin:admin\npassword = secret\n%s\n'
                    '[filler]\n%s\n' % (extra, filler))
    return str(path)


def parse(tmp_path, *args, **kw):
    return cli.parse_args(['--config-file', conf_file(tmp_path, **kw)] +
                          list(args))


def test_create_takes_the_original_tools_counts(tmp_path):
    conf = parse(tmp_path, 'create', '-a', '3', '-u', '2', '-c', '4', '-f',
                 '5', '-s', '6', '--seed', '7', '--index', 'x.json')
    cmd = conf.command
    assert (cmd.name, cmd.accounts, cmd.users, cmd.containers, cmd.files,
            cmd.max_size, cmd.seed, cmd.index) == (
        'create', 3, 2, 4, 5, 6, 7, 'x.json')
    assert conf.swift.username == 'admin:admin'
    assert conf.filler.concurrency == 16


def test_delete_takes_an_index(tmp_path):
    conf = parse(tmp_path, 'delete', '--index', 'i.json')
    assert (conf.command.name, conf.command.index) == ('delete', 'i.json')


@pytest.mark.parametrize('args, message', [
    (['create', '-s', '-1'], "must be a whole number >= 0, not '-1'"),
    (['create', '-f', 'many'], 'must be a whole number'),
    (['create', '--bogus'], 'unrecognized arguments: --bogus'),
    (['launch'], "invalid choice: 'launch'"),
])
def test_bad_command_lines_give_one_message(tmp_path, args, message):
    with pytest.raises(cli.UsageError) as err:
        parse(tmp_path, *args)
    assert message in str(err.value)
    assert '\n' not in str(err.value)


def test_missing_config_file_is_one_message(tmp_path):
    with pytest.raises(cli.UsageError) as err:
        cli.parse_args(['--config-file', str(tmp_path / 'no.conf'),
                        'delete'])
    assert 'no.conf' in str(err.value)


def test_keystone_mode_needs_a_project(tmp_path):
    with pytest.raises(cli.UsageError) as err:
        parse(tmp_path, 'create', extra='auth_version = 3')
    assert str(err.value) == ('[swift] project_name (or project_id) is '
                              'required with auth_version = 3: the reseller '
                              'admin needs a project-scoped token')


def test_keystone_mode_options(tmp_path):
    conf = parse(tmp_path, 'create', '-a', '2', '-u', '3',
                 extra='auth_version = 3\nproject_name = admin')
    assert (conf.command.accounts, conf.command.users) == (2, 3)
    assert conf.filler.keystone_operator_role == 'member'
    assert conf.filler.keystone_domain == 'Default'
    conf = parse(tmp_path, 'delete',
                 extra='auth_version = 3\nproject_name = admin',
                 filler='keystone_operator_role = swiftoperator')
    assert conf.filler.keystone_operator_role == 'swiftoperator'


def test_keystone_mode_refuses_configured_accounts(tmp_path):
    with pytest.raises(cli.UsageError) as err:
        parse(tmp_path, 'create', filler='accounts = AUTH_a',
              extra='auth_version = 3\nproject_name = admin')
    assert str(err.value) == ('[filler] accounts is for tempauth: with '
                              'Keystone swfiller creates its own projects')


def test_missing_credentials_are_named(tmp_path):
    path = tmp_path / 'c.conf'
    path.write_text('[swift]\nauth_url = http://h:1/auth/v1.0\n')
    with pytest.raises(cli.UsageError) as err:
        cli.parse_args(['--config-file', str(path), 'delete'])
    assert str(err.value) == '[swift] username is required'


def test_more_accounts_than_configured_is_refused(tmp_path):
    with pytest.raises(cli.UsageError) as err:
        parse(tmp_path, 'create', '-a', '3',
              filler='accounts = AUTH_a,AUTH_b')
    assert str(err.value) == '-a 3 but [filler] accounts lists 2'


def test_help_says_tempauth_creates_no_users(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        parse(tmp_path, 'create', '--help')
    assert exit_.value.code == 0
    out = ' '.join(capsys.readouterr().out.split())
    assert 'users cannot be created' in out
    assert 'index records 0 users' in out
    assert 'With Keystone (auth_version = 3) each project gets' in out


def test_nasty_profile_turns_every_feature_on(tmp_path):
    conf = parse(tmp_path, 'create', '--profile', 'nasty', '--seed', '1',
                 filler='storage_policies = gold,silver')
    opts = cli._options(conf, None, 100, ['gold', 'silver'])
    assert all(getattr(opts, f) for f in cli.FEATURES if f != 'policies')
    assert opts.policies == ('gold', 'silver')
    assert opts.big_container == 110
    plain = cli._options(parse(tmp_path, 'create', '--seed', '1'), None,
                         100, ['gold', 'silver'])
    assert not any(getattr(plain, f) for f in cli.FEATURES
                   if f != 'policies')
    assert (plain.policies, plain.big_container) == ((), 0)


def test_policies_default_to_the_clusters_and_must_exist(tmp_path):
    conf = parse(tmp_path, 'create', '--policies', '--seed', '1')
    assert cli._options(conf, None, 100, ['gold', 'silver']).policies == (
        'gold', 'silver')
    conf = parse(tmp_path, 'create', '--policies', '--seed', '1',
                 filler='storage_policies = bronze')
    with pytest.raises(cli.UsageError) as err:
        cli._options(conf, None, 100, ['gold', 'silver'])
    assert 'bronze' in str(err.value)


def test_an_index_with_data_still_on_the_cluster_is_never_replaced(tmp_path):
    from swfiller import index
    path = str(tmp_path / 'i.json')
    cli._check_index_free(path)  # absent: fine
    doc = {'format': index.FORMAT, 'version': index.VERSION, 'accounts': []}
    index.write(path, doc)
    with pytest.raises(cli.UsageError):
        cli._check_index_free(path)
    doc['deleted'] = '2024-01-01T00:00:00Z'
    index.write(path, doc)
    cli._check_index_free(path)


def test_list_opts_offers_the_swift_and_filler_groups():
    groups = dict(config.list_opts())
    assert {'auth_url', 'auth_version', 'username', 'password'} <= {
        o.name for o in groups['swift']}
    assert {'accounts', 'concurrency', 'storage_policies'} <= {
        o.name for o in groups['filler']}
