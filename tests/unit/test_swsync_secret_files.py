"""The "readable by other users" warning names the files that hold a
secret, and the options that hold it; files without one are left alone."""
import pytest

from swsync import config
from swsync.cmd import startup

TEMPAUTH = ('[origin]\nauth_url = http://o:8080/auth/v1.0\n'
            'username = admin:admin\n%s'
            '[destination]\nauth_url = http://d:8080/auth/v1.0\n'
            'username = admin:admin\n%s'
            '[sync]\naccounts = AUTH_a\n')
APP_CRED = ('[origin]\nauth_type = v3applicationcredential\n'
            'auth_url = http://ks:5000/v3\napplication_credential_id = a1\n'
            '%s'
            '[destination]\nauth_type = token\nauth_url = http://ks:5000/v3\n'
            'project_name = p\nregion_name = Two\n%s')


def write(tmp_path, name, text, mode):
    path = tmp_path / name
    path.write_text(text)
    path.chmod(mode)
    return str(path)


def loose(*paths):
    argv = []
    for path in paths:
        argv += ['--config-file', path]
    return config.readable_by_others(startup.parse(argv, [], 'd', 'e',
                                                   'swsync'))


@pytest.mark.parametrize('mode', [0o644, 0o640, 0o604])
def test_readable_file_with_passwords_is_named_with_its_options(
        tmp_path, mode):
    path = write(tmp_path, 'a.conf', TEMPAUTH % ('password = x\n',
                                                 'password = y\n'), mode)
    assert loose(path) == [(path, ['[origin] password',
                                   '[destination] password'])]


def test_private_file_gets_no_warning(tmp_path):
    path = write(tmp_path, 'a.conf', TEMPAUTH % ('password = x\n',
                                                 'password = y\n'), 0o600)
    assert loose(path) == []


def test_keystoneauth_secrets_count_too(tmp_path):
    path = write(tmp_path, 'a.conf', APP_CRED % (
        'application_credential_secret = s\n', 'token = t\n'), 0o644)
    assert loose(path) == [(path, [
        '[origin] application_credential_secret', '[destination] token'])]


def test_only_the_file_holding_the_secret_is_named(tmp_path):
    """Options in a readable file, secrets in a private one or in the
    environment: no warning for the readable one."""
    main = write(tmp_path, 'main.conf', APP_CRED % ('', ''), 0o644)
    secrets = write(tmp_path, 'secrets.conf',
                    '[origin]\napplication_credential_secret = s\n'
                    '[destination]\ntoken = t\n', 0o600)
    assert loose(main, secrets) == []
    secrets = write(tmp_path, 'secrets.conf',
                    '[origin]\napplication_credential_secret = s\n', 0o640)
    assert loose(main, secrets, write(
        tmp_path, 'token.conf', '[destination]\ntoken = t\n', 0o600)) == [
        (secrets, ['[origin] application_credential_secret'])]


def test_secrets_from_the_environment_leave_the_file_alone(
        tmp_path, monkeypatch):
    monkeypatch.setenv('OS_ORIGIN__PASSWORD', 'x')
    monkeypatch.setenv('OS_DESTINATION__PASSWORD', 'y')
    path = write(tmp_path, 'a.conf', TEMPAUTH % ('', ''), 0o644)
    assert loose(path) == []
