"""Red-team findings (second round) against real clusters: swsync's own
state container, verify's scope, and stopping under a low rate limit."""
import signal
import subprocess
import time
import uuid

from tests.functional import sync_helpers as sh
from tests.functional.swiftapi import Admin


def verify(cfg):
    return subprocess.run(
        sh.SWSYNC_CMD + ['verify', '--config-file', str(cfg)],
        capture_output=True, text=True, timeout=120,
        stdin=subprocess.DEVNULL)


def test_syncing_the_admin_account_keeps_the_state_container(
        origin, destination, tmp_path):
    """Finding: with the reseller admin's own account among the accounts
    (Keystone discovery always finds it), an unsharded run deleted the
    destination's ``swsync_state`` container, ranges.json included, as
    "gone from the origin" (README: never synced or deleted); verify
    reported it as a difference."""
    o, d = Admin(origin), Admin(destination)
    admin = destination.reseller['account']
    # the default state container, which other tests' sharded runs share:
    # left as it is when there (the run must not delete it anyway)
    container = 'swsync_state'
    if d.req('HEAD', admin, container, 'ranges.json').status_code == 404:
        d.put_container(admin, container)
        d.put_object(admin, container, 'ranges.json',
                     b'{"run_id": "x", "ranges": {}, "previous": {}}')
    mine = 'mine%s' % uuid.uuid4().hex[:6]
    o.put_container(admin, mine)
    o.put_object(admin, mine, 'obj', b'data')
    cfg = sh.write_config(tmp_path / 'a.conf', origin, destination, [admin])
    sh.settle()
    run = sh.run_swsync(cfg, tmp_path)
    assert run.rc == 0, run
    assert d.req('HEAD', admin, container, 'ranges.json').status_code \
        == 200, run
    assert d.req('HEAD', admin, mine, 'obj').status_code == 200
    checked = verify(cfg)
    assert checked.returncode == 0, (checked.stdout, checked.stderr)


def test_verify_covers_what_sync_covers(origin, destination, tmp_path):
    """Finding: ``swsync verify`` ignored include/exclude_containers, so
    every run with exclude_containers was followed by a verify that
    failed on the excluded containers."""
    o = Admin(origin)
    account = 'AUTH_rv%s' % uuid.uuid4().hex[:6]
    for c in ('keep', 'tmp_skip'):
        o.put_container(account, c)
        o.put_object(account, c, 'obj', b'x')
    origin.run_once('container-updater')
    cfg = sh.write_config(tmp_path / 'v.conf', origin, destination,
                          [account], exclude_containers='tmp_*')
    sh.settle()
    run = sh.run_swsync(cfg, tmp_path)
    assert run.rc == 0, run
    checked = verify(cfg)
    assert checked.returncode == 0, (checked.stdout, checked.stderr)
    # what is in scope is still compared
    o.put_object(account, 'keep', 'new', b'y')
    checked = verify(cfg)
    assert checked.returncode == 1 and 'keep/new' in checked.stdout, \
        (checked.stdout, checked.stderr)


def test_sigterm_under_a_low_byte_rate_stops_within_shutdown_timeout(
        origin, destination, tmp_path):
    """Finding: with max_bytes_per_second = 0.5 on the origin the main
    green thread waited minutes to "pay" for an account listing; SIGTERM
    said "at most 5s" and the process stayed until a second signal."""
    o = Admin(origin)
    account = 'AUTH_rt%s' % uuid.uuid4().hex[:6]
    o.put_container(account, 'c')
    o.put_object(account, 'c', 'obj', b'x' * 100)
    origin.run_once('container-updater')
    cfg = tmp_path / 't.conf'
    sh.write_config(cfg, origin, destination, [account],
                    shutdown_timeout=3)
    cfg.write_text(cfg.read_text().replace(
        '[destination]', 'max_bytes_per_second = 0.5\n\n[destination]'))
    sh.settle()
    started = sh.start_swsync(cfg, tmp_path)
    time.sleep(3)
    signalled = time.monotonic()
    started.proc.send_signal(signal.SIGTERM)
    try:
        run = started.wait(timeout=30)
    finally:
        if started.proc.poll() is None:
            started.proc.kill()
            started.proc.wait()
    assert run.rc == 143, run
    assert time.monotonic() - signalled < 15, run
    assert run.report['interrupted'] is True
