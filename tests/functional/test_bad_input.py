"""Bad input gets one clear line, exit code 2, and writes nothing."""
import os
import socket
import subprocess
import time

import pytest

from tests.functional import sync_helpers as sh
from tests.functional.swiftapi import Admin


def assert_refused(run, *fragments):
    assert run.rc == 2, run
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run
    assert lines[0].startswith('swsync: error: ')
    for fragment in fragments:
        assert fragment in lines[0], run


@pytest.fixture
def base_config(origin, destination, tmp_path):
    return sh.write_config(tmp_path / 'base.conf', origin, destination,
                           ['AUTH_test'])


@pytest.fixture
def no_writes(destination):
    """Asserts, after the test, that the destination saw no write."""
    mark = destination.access_log_size()
    yield
    writes = [r for r in sh.wait_for_log(destination, mark)
              if sh.is_write(r)]
    assert writes == []


def extra(tmp_path, text):
    path = tmp_path / 'extra.conf'
    path.write_text(text)
    path.chmod(0o600)
    return ['--config-file', str(path)]


def test_missing_config_file(tmp_path, no_writes):
    run = sh.run_swsync(tmp_path / 'absent.conf', tmp_path)
    assert_refused(run, 'absent.conf')


def test_unknown_option_is_refused(base_config, tmp_path, no_writes):
    run = sh.run_swsync(base_config, tmp_path,
                        *extra(tmp_path, '[sync]\ndelete_all = true\n'))
    assert_refused(run, 'unknown option delete_all in [sync]')


def test_unknown_section_is_refused(base_config, tmp_path, no_writes):
    run = sh.run_swsync(base_config, tmp_path,
                        *extra(tmp_path, '[destinaton]\nusername = x\n'))
    assert_refused(run, 'unknown section [destinaton]')


@pytest.mark.parametrize('text,fragment', [
    ('[sync]\nobject_workers = -1\n', 'object_workers'),
    ('[sync]\ncontainer_workers = many\n', 'container_workers'),
    ('[origin]\nauth_url = 127.0.0.1:8080\n', 'auth_url'),
    ('[sync]\nmax_delete_fraction = 1.5\n', 'max_delete_fraction'),
], ids=['negative-workers', 'non-number', 'url-without-scheme',
        'fraction-over-one'])
def test_bad_values_are_refused(base_config, tmp_path, no_writes, text,
                                fragment):
    run = sh.run_swsync(base_config, tmp_path, *extra(tmp_path, text))
    assert_refused(run, 'bad value for option ' + fragment)


def test_unknown_command_line_option_is_one_line(base_config, tmp_path,
                                                 no_writes):
    """Red-team finding: argparse printed a 12-line usage block."""
    run = sh.run_swsync(base_config, tmp_path, '--delete-everything')
    assert_refused(run, 'unrecognized arguments: --delete-everything')


def test_verify_bad_level_is_a_configuration_error(base_config, tmp_path,
                                                   no_writes):
    """Red-team finding: oslo.config exits 1 on a bad command-line
    value, which for swsync verify means "differences"."""
    proc = subprocess.run(sh.SWSYNC_CMD + [
        'verify', '--config-file', base_config, '--level', 'bogus'],
        capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc
    lines = proc.stderr.strip().splitlines()
    assert lines == ["swsync verify: error: argument --level: Invalid "
                     "String(choices=['listing', 'heads', 'content']) "
                     "value: bogus"], proc


@pytest.mark.parametrize('accounts', ['AUTH_test,,AUTH_x', 'AUTH_test/c'])
def test_empty_or_slashed_account_name_is_refused(base_config, tmp_path,
                                                  no_writes, accounts):
    """Red-team finding: an empty entry went to the proxy as /v1/
    (412), exit 1, instead of a configuration error."""
    run = sh.run_swsync(base_config, tmp_path, *extra(
        tmp_path, '[sync]\naccounts = %s\n' % accounts))
    assert_refused(run, '[sync] accounts: ', 'is not an account name')


@pytest.mark.parametrize('args,env,fragments', [
    (['--shard', '1/4', '--shard-count', '3'], {},
     ['--shard 1/4 conflicts with shard_count = 3']),
    (['--shard-count', '3', '--shard', '1/4'], {},
     ['--shard 1/4 conflicts with shard_count = 3']),
    (['--shard', '1/4'], {'OS_SYNC__SHARD_COUNT': '2'},
     ['--shard 1/4 conflicts with shard_count = 2']),
    (['--shard-count', '4'], {},
     ['shard_count = 4 but no shard index']),
], ids=['shard-then-count', 'count-then-shard', 'count-from-environment',
        'count-without-index'])
def test_conflicting_or_missing_shard_options_are_refused(
        base_config, tmp_path, no_writes, args, env, fragments):
    """Red-team finding (2026-12-03): these ran with exit 0, one value
    silently winning, and a count without an index made every process
    shard 0 (three quarters of a 4-shard run's work left undone)."""
    environ = {k: v for k, v in os.environ.items()
               if k != 'JOB_COMPLETION_INDEX'}
    environ.update(env)
    proc = subprocess.run(
        sh.SWSYNC_CMD + ['--config-file', base_config, '--dry-run',
                         '--run-id', 'x'] + args,
        capture_output=True, text=True, timeout=60, env=environ)
    run = sh.Run(proc, None)
    assert_refused(run, *fragments)


@pytest.mark.parametrize('text,fragments', [
    ('[sync]\nstate_container = \n', ['[sync] state_container: ']),
    ('[sync]\nstate_container = a/b\n', ["[sync] state_container: 'a/b'"]),
    ('[sync]\nchange_mark_skew = nan\n',
     ['[sync] change_mark_skew: nan is not a usable number']),
    ('[sync]\nshard_wait = inf\n',
     ['[sync] shard_wait: inf is not a usable number']),
    ('[origin]\ntimeout = inf\n',
     ['[origin] timeout: inf is not a usable number']),
], ids=['empty-state-container', 'slashed-state-container', 'nan-skew',
        'infinite-shard-wait', 'infinite-timeout'])
def test_unusable_state_container_or_number_is_refused(
        base_config, tmp_path, no_writes, text, fragments):
    """Red-team finding (2026-12-03): an empty or slashed state
    container ran with exit 0, each run failing to record its marks (a
    full walk every night); nan and inf passed oslo's min/max."""
    run = sh.run_swsync(base_config, tmp_path, *extra(tmp_path, text))
    assert_refused(run, *fragments)


def test_origin_equal_to_destination_is_refused(origin, tmp_path):
    mark = origin.access_log_size()
    config = sh.write_config(tmp_path / 'same.conf', origin, origin,
                             ['AUTH_test'])
    run = sh.run_swsync(config, tmp_path)
    assert_refused(run, 'same cluster')
    assert [r for r in sh.wait_for_log(origin, mark) if sh.is_write(r)] == []


def test_wrong_credentials(base_config, tmp_path, no_writes):
    run = sh.run_swsync(base_config, tmp_path, *extra(
        tmp_path, '[destination]\npassword = wrong\n'))
    assert_refused(run, 'destination', 'authentication refused (401)')
    assert 'wrong' not in run.stderr


def test_user_without_reseller_role(base_config, tmp_path, no_writes):
    run = sh.run_swsync(base_config, tmp_path, *extra(
        tmp_path, '[origin]\nusername = test3:tester3\n'
                  'password = testing3\n'))
    assert_refused(run, 'origin', 'may not access account AUTH_test',
                   'reseller admin')


def test_unreachable_proxy(base_config, tmp_path, no_writes):
    run = sh.run_swsync(base_config, tmp_path, *extra(
        tmp_path, '[origin]\nauth_url = http://127.0.0.1:1/auth/v1.0\n'))
    assert_refused(run, 'origin', 'cannot reach', '127.0.0.1:1')


def test_filter_file_naming_unknown_accounts(base_config, tmp_path,
                                             no_writes):
    names = tmp_path / 'filter.txt'
    names.write_text('# accounts\nAUTH_test\nAUTH_typo\n')
    run = sh.run_swsync(base_config, tmp_path, *extra(
        tmp_path, '[sync]\naccount_filter_file = %s\n' % names))
    assert_refused(run, 'unknown accounts: AUTH_typo')


def test_filter_file_with_only_comments(base_config, tmp_path, no_writes):
    """#16: a filter file without any name would sync nothing, exit 0."""
    names = tmp_path / 'filter.txt'
    names.write_text('# accounts to move, one day\n\n')
    run = sh.run_swsync(base_config, tmp_path, *extra(
        tmp_path, '[sync]\naccount_filter_file = %s\n' % names))
    assert_refused(run, 'names no account')


def test_reseller_prefixes_in_destination_is_refused(base_config, tmp_path,
                                                     no_writes):
    """#16: it was accepted and silently ignored."""
    run = sh.run_swsync(base_config, tmp_path, *extra(
        tmp_path, '[destination]\nreseller_prefixes = KEY_\n'))
    assert_refused(run, 'reseller_prefixes is an [origin] option')


@pytest.fixture
def tls_server(tmp_path):
    """A real TLS server (openssl s_server) on 127.0.0.1 with a
    self-signed certificate."""
    cert, key = tmp_path / 'cert.pem', tmp_path / 'key.pem'
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048',
                    '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
                    '-keyout', str(key), '-out', str(cert)],
                   check=True, capture_output=True)
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        ['openssl', 's_server', '-accept', '127.0.0.1:%d' % port, '-cert',
         str(cert), '-key', str(key), '-www', '-quiet'],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
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
        yield 'https://127.0.0.1:%d' % port
    finally:
        server.kill()
        server.wait()


def test_tls_verification_is_on_by_default(base_config, tmp_path,
                                           no_writes, tls_server):
    run = sh.run_swsync(base_config, tmp_path, *extra(
        tmp_path, '[origin]\nauth_url = %s/auth/v1.0\n' % tls_server))
    assert_refused(run, 'origin', 'cannot reach', 'CERTIFICATE_VERIFY')


def test_second_run_refuses_while_one_holds_the_lock(origin, destination,
                                                     tmp_path, no_writes):
    from swsync.lock import RunLock
    lock_path = str(tmp_path / 'run.lock')
    config = sh.write_config(tmp_path / 'l.conf', origin, destination,
                             ['AUTH_test'], lock_file=lock_path)
    held = RunLock(lock_path).acquire()
    try:
        run = sh.run_swsync(config, tmp_path)
    finally:
        held.release()
    assert_refused(run, 'another swsync run', str(os.getpid()))
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run


def test_secrets_never_reach_outputs(origin, destination, tmp_path):
    """Passwords, tokens and temp-URL keys stay out of logs and reports,
    even at debug level."""
    o = Admin(origin)
    o.req('POST', 'AUTH_test2', headers={
        'X-Account-Meta-Temp-URL-Key': 'tempurl-secret-zz9'}, ok=(204,))
    log_file = tmp_path / 'swsync.log'
    config = sh.write_config(tmp_path / 's.conf', origin, destination,
                             ['AUTH_test2'])
    run = sh.run_swsync(config, tmp_path, '--debug', '--log-file',
                        str(log_file))
    assert run.rc == 0, run
    tokens = {Admin(origin).token, Admin(destination).token}
    outputs = [run.stdout, run.stderr, log_file.read_text(),
               repr(run.report)]
    for text in outputs:
        assert 'adminpass' not in text
        assert 'tempurl-secret-zz9' not in text
        assert 'AUTH_tk' not in text
        for token in tokens:
            assert token not in text


def test_world_readable_config_gets_a_warning(origin, destination,
                                              tmp_path):
    config = sh.write_config(tmp_path / 'w.conf', origin, destination,
                             ['AUTH_test'])
    os.chmod(config, 0o644)
    run = sh.run_swsync(config, tmp_path)
    assert run.rc == 0, run
    assert 'readable by other users' in run.stderr
