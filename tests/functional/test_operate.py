"""Operating swsync: what a long run shows, how it stops, how it is
checked and scheduled. Against real clusters and real receivers: a
pseudo-terminal, a UDP socket for statsd, Prometheus' own text parser,
systemd's own unit checker.
"""
import fcntl
import json
import os
import pty
import re
import select
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import termios
import time
import uuid

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.functional import sync_helpers as sh
from tests.functional.faultproxy import Fault, FaultProxy
from tests.functional.swiftapi import Admin

ROOT = os.path.join(os.path.dirname(__file__), '..', '..')


def filled(origin, prefix, containers=2, objects=6, size=100):
    o = Admin(origin)
    account = 'AUTH_%s%s' % (prefix, uuid.uuid4().hex[:8])
    for c in range(containers):
        o.put_container(account, 'c%d' % c)
        for i in range(objects):
            o.put_object(account, 'c%d' % c, 'o%02d' % i, b'x' * size)
    origin.run_once('container-updater')     # account listing counts
    return account


def config(tmp_path, origin, destination, account, name='s.conf', **kw):
    return sh.write_config(tmp_path / name, origin, destination, [account],
                           **kw)


# --- see ------------------------------------------------------------------

def run_in_pty(args, timeout=120):
    """Run a command with a real pseudo-terminal as stdout and stderr;
    returns (exit code, everything it wrote)."""
    master, slave = pty.openpty()
    # a terminal of 200 columns, as an operator's would have a size
    fcntl.ioctl(slave, termios.TIOCSWINSZ,
                struct.pack('HHHH', 50, 200, 0, 0))
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=slave,
                            stderr=slave, close_fds=True)
    os.close(slave)
    out = b''
    deadline = time.time() + timeout
    while time.time() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None:
            break
    proc.wait(timeout=10)
    os.close(master)
    return proc.returncode, out.decode('utf-8', 'replace')


def test_progress_line_on_a_terminal(origin, destination, tmp_path):
    account = filled(origin, 'tty', containers=2, objects=8)
    cfg = config(tmp_path, origin, destination, account)
    rc, out = run_in_pty(sh.SWSYNC_CMD + ['--config-file', cfg])
    assert rc == 0, out
    frames = [f for f in re.split(r'[\r\n]', out) if f.startswith('swsync:')]
    live = [f for f in frames if ' objects ' in f and '%' in f]
    assert live, out
    assert re.search(r'swsync: 16/16 objects 100%, 1/1 accounts, '
                     r'2/2 containers \| copied 16 ', live[-1]), live[-1]
    assert 'copied 16 objects (1600 bytes' in out     # the summary


def test_stats_line_in_the_log_when_not_on_a_terminal(
        origin, destination, tmp_path):
    account = filled(origin, 'st', containers=1, objects=6)

    def slow(method, path, query):
        if method == 'PUT' and path.count('/') >= 4:
            return Fault(delay=0.5)
        return None
    with FaultProxy(destination.proxy_port, slow) as proxy:
        cfg = config(tmp_path, origin, destination, account,
                     object_workers=1, DEFAULT={'stats_interval': 1},
                     destination_storage_url=proxy.url + '/v1/AUTH_admin')
        run = sh.run_swsync(cfg, tmp_path)
    assert run.rc == 0, run
    stats = [line for line in run.stderr.splitlines() if 'stats: ' in line]
    assert len(stats) >= 2, run
    assert re.search(r'stats: \d+/6 objects examined, 0/1 accounts',
                     stats[0]), stats
    assert '\r' not in run.stderr


def test_quiet_prints_nothing_on_success_but_errors(origin, destination,
                                                    tmp_path):
    account = filled(origin, 'qu', containers=1, objects=2)
    cfg = config(tmp_path, origin, destination, account)
    run = sh.run_swsync(cfg, tmp_path, '--quiet')
    assert (run.rc, run.stdout, run.stderr) == (0, '', '')
    Admin(origin).put_object(account, 'c0', 'bad', b'x' * 10)

    def refuse(method, path, query):
        return 503 if method == 'PUT' and path.endswith('/bad') else None
    with FaultProxy(destination.proxy_port, refuse) as proxy:
        cfg = config(tmp_path, origin, destination, account, 'q2.conf',
                     retries=0,
                     destination_storage_url=proxy.url + '/v1/AUTH_admin')
        run = sh.run_swsync(cfg, tmp_path, '--quiet')
    assert run.rc == 1
    assert 'c0/bad' in run.stderr and 'ERROR' in run.stderr
    assert 'copied' in run.stdout     # the summary of a failed run


def test_logs_deletions_and_created_containers_once(origin, destination,
                                                    tmp_path):
    account = filled(origin, 'lg', containers=1, objects=3)
    cfg = config(tmp_path, origin, destination, account)
    run = sh.run_swsync(cfg, tmp_path)
    assert run.rc == 0, run
    assert run.stderr.count('created container %s/c0' % account) == 1
    Admin(origin).req('DELETE', account, 'c0', 'o01', ok=(204,))
    sh.settle()
    run = sh.run_swsync(cfg, tmp_path)
    assert run.rc == 0, run
    assert run.stderr.count('deleted %s/c0/o01' % account) == 1
    run = sh.run_swsync(cfg, tmp_path, '--debug')
    assert re.search(r'DEBUG swsync\.\S+ .*', run.stderr)


def statsd_socket():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(('127.0.0.1', 0))
    sock.settimeout(0.5)
    return sock


def test_statsd_counters_and_timings(origin, destination, tmp_path):
    account = filled(origin, 'sd', containers=1, objects=4)
    sock = statsd_socket()
    cfg = config(tmp_path, origin, destination, account, DEFAULT={
        'log_statsd_host': '127.0.0.1',
        'log_statsd_port': sock.getsockname()[1],
        'log_statsd_metric_prefix': 'site'})
    run = sh.run_swsync(cfg, tmp_path)
    assert run.rc == 0, run
    lines = []
    while True:
        try:
            lines.append(sock.recv(4096).decode())
        except socket.timeout:
            break
    counts = {}
    for line in lines:
        name, rest = line.split(':', 1)
        value, kind = rest.split('|')[:2]
        if kind == 'c':
            counts[name] = counts.get(name, 0) + int(value)
    assert counts['site.swsync.objects_copied'] == 4
    assert counts['site.swsync.containers_created'] == 1
    assert any(line.startswith('site.swsync.origin.GET.timing:') and
               line.endswith('|ms') for line in lines)
    assert any(line.startswith('site.swsync.destination.PUT.timing:')
               for line in lines)


def test_prometheus_textfile(origin, destination, tmp_path):
    account = filled(origin, 'pr', containers=1, objects=3)
    path = tmp_path / 'swsync.prom'
    cfg = config(tmp_path, origin, destination, account,
                 DEFAULT={'prometheus_textfile': path})
    started = time.time()
    run = sh.run_swsync(cfg, tmp_path)
    assert run.rc == 0, run
    families = {f.name: f for f in
                text_string_to_metric_families(path.read_text())}
    value = (lambda name: families[name].samples[0].value)
    assert value('swsync_run_in_progress') == 0
    assert value('swsync_last_run_exit_code') == 0
    assert started - 1 <= value('swsync_last_run_start_timestamp_seconds') \
        <= value('swsync_last_run_end_timestamp_seconds') <= time.time()
    outcomes = {s.labels['outcome']: s.value
                for s in families['swsync_last_run_outcomes'].samples}
    assert outcomes['objects_copied'] == 3
    success = {s.labels['account']: s.value for s in families[
        'swsync_account_last_success_timestamp_seconds'].samples}
    assert list(success) == [account]


def test_dry_run_summary_counts_what_would_be_done(origin, destination,
                                                   tmp_path):
    account = filled(origin, 'dr', containers=2, objects=3, size=10)
    cfg = config(tmp_path, origin, destination, account)
    run = sh.run_swsync(cfg, tmp_path, '--dry-run')
    assert run.rc == 0, run
    summary = run.stderr.strip().splitlines()[-1]
    assert summary.startswith('swsync (dry run): 1 accounts, would copy 6 '
                              'objects (60 bytes'), summary
    assert len(run.stdout.splitlines()) == 2 + 6   # the plan


# --- stop -----------------------------------------------------------------

def test_max_duration_stops_cleanly_and_the_next_run_continues(
        origin, destination, tmp_path):
    account = filled(origin, 'md', containers=1, objects=20)

    def slow(method, path, query):
        if method == 'PUT' and path.count('/') >= 4:
            return Fault(delay=0.4)
        return None
    with FaultProxy(destination.proxy_port, slow) as proxy:
        cfg = config(tmp_path, origin, destination, account,
                     object_workers=1, max_duration=2,
                     destination_storage_url=proxy.url + '/v1/AUTH_admin')
        run = sh.run_swsync(cfg, tmp_path)
    assert run.rc == 4, run
    assert run.report['stopped_by_time_limit'] is True
    copied = run.report['counts'].get('objects_copied', 0)
    assert 0 < copied < 20
    run = sh.run_swsync(config(tmp_path, origin, destination, account,
                               'next.conf'), tmp_path)
    assert run.rc == 0, run
    assert run.report['counts']['objects_copied'] == 20 - copied


def test_max_duration_counts_the_start_up(origin, destination, tmp_path):
    """The window is the operator's: a start-up slower than max_duration
    (here the destination's access check) ends the run with nothing
    started, exit 4; the next run copies everything."""
    account = filled(origin, 'mu', containers=1, objects=5)

    def slow_start(method, path, query):
        if method == 'HEAD' and path.rstrip('/').count('/') == 2:
            return Fault(delay=3)
        return None
    with FaultProxy(destination.proxy_port, slow_start) as proxy:
        cfg = config(tmp_path, origin, destination, account, max_duration=1,
                     destination_storage_url=proxy.url + '/v1/AUTH_admin')
        run = sh.run_swsync(cfg, tmp_path)
    assert run.rc == 4, run
    assert run.report['stopped_by_time_limit'] is True
    assert run.report['counts'].get('objects_copied', 0) == 0
    run = sh.run_swsync(config(tmp_path, origin, destination, account,
                               'next.conf'), tmp_path)
    assert run.rc == 0, run
    assert run.report['counts']['objects_copied'] == 5


def test_a_cluster_that_is_down_stops_the_run(origin, destination,
                                              tmp_path):
    account = filled(origin, 'dn', containers=3, objects=10)

    def down(method, path, query):
        if path.count('/') >= 3:   # containers and objects: all refused
            return Fault(reset_request=True)
        return None
    with FaultProxy(destination.proxy_port, down) as proxy:
        cfg = config(tmp_path, origin, destination, account,
                     max_consecutive_failures=5, retries=3,
                     retry_max_backoff=0.1,
                     destination_storage_url=proxy.url + '/v1/AUTH_admin')
        started = time.time()
        run = sh.run_swsync(cfg, tmp_path)
    assert run.rc == 1, run
    assert time.time() - started < 30
    assert any(e['scope'] == 'destination' and 'in a row' in e['error']
               for e in run.report['errors']), run.report['errors']


# --- verify ---------------------------------------------------------------

@pytest.mark.parametrize('level', ['listing', 'heads', 'content'])
def test_verify_levels(origin, destination, tmp_path, level):
    account = filled(origin, 'vf', containers=1, objects=3)
    cfg = config(tmp_path, origin, destination, account)
    assert sh.run_swsync(cfg, tmp_path).rc == 0
    report = tmp_path / 'verify.json'
    mark = destination.access_log_size()
    verify = subprocess.run(
        sh.SWSYNC_CMD + ['verify', '--config-file', cfg, '--level', level,
                         '--report', str(report)],
        capture_output=True, text=True, timeout=120)
    assert verify.returncode == 0, verify
    assert verify.stdout == ''
    assert json.loads(report.read_text())['objects_compared'] == 3
    d = Admin(destination)
    d.post_object(account, 'c0', 'o00', {'X-Object-Meta-Drift': 'yes'})
    d.req('DELETE', account, 'c0', 'o01', ok=(204,))
    verify = subprocess.run(
        sh.SWSYNC_CMD + ['verify', '--config-file', cfg, '--level', level,
                         '--report', str(report)],
        capture_output=True, text=True, timeout=120)
    assert verify.returncode == 1, verify
    lines = verify.stdout.splitlines()
    assert '%s/c0/o01: missing on the destination' % account in lines
    drift = [line for line in lines if 'x-object-meta-drift' in line]
    assert len(drift) == (0 if level == 'listing' else 1)
    assert len(json.loads(report.read_text())['differences']) == len(lines)
    writes = [r for r in sh.wait_for_log(destination, mark)
              if sh.is_write(r)]
    assert len(writes) == 2     # this test's own POST and DELETE


def test_verify_reads_a_broken_body_again(origin, destination, tmp_path):
    """``--level content`` reads every body: one that breaks off is read
    again, not a traceback (found while fixing marked fuzz seed 3501)."""
    account = filled(origin, 'vb', containers=1, objects=3)
    cfg = config(tmp_path, origin, destination, account)
    assert sh.run_swsync(cfg, tmp_path).rc == 0
    broken = []

    def truncate_once(method, path, query):
        if method == 'GET' and path.endswith('/c0/o01') and not broken:
            broken.append(path)
            return Fault(truncate=True)
        return None
    with FaultProxy(destination.proxy_port, truncate_once) as proxy:
        via = config(tmp_path, origin, destination, account, 'via.conf',
                     destination_storage_url=proxy.url + '/v1/AUTH_admin')
        verify = subprocess.run(
            sh.SWSYNC_CMD + ['verify', '--config-file', via, '--level',
                             'content'],
            capture_output=True, text=True, timeout=120)
    assert broken
    assert verify.returncode == 0, verify
    assert 'Traceback' not in verify.stderr


# --- schedule -------------------------------------------------------------

def test_daemon_runs_passes_until_sigterm_and_holds_the_lock(
        origin, destination, tmp_path):
    account = filled(origin, 'dm', containers=1, objects=2)
    cfg = config(tmp_path, origin, destination, account,
                 DEFAULT={'interval': 2})
    daemon = sh.start_swsync(cfg, tmp_path, '--daemon')
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            if os.path.exists(daemon.report):
                break
            time.sleep(0.2)
        Admin(origin).put_object(account, 'c0', 'later', b'later')
        second = sh.run_swsync(cfg, tmp_path)
        assert second.rc == 2 and 'another swsync run' in second.stderr
        deadline = time.time() + 60
        while time.time() < deadline and not Admin(destination).req(
                'HEAD', account, 'c0', 'later').ok:
            time.sleep(0.5)
        daemon.proc.send_signal(signal.SIGTERM)
        done = daemon.wait(timeout=60)
    finally:
        if daemon.proc.poll() is None:
            daemon.proc.kill()
    assert done.rc == 143, done
    assert 'Traceback' not in done.stderr
    assert done.stderr.count('next pass in') >= 1
    assert Admin(destination).get_object(account, 'c0', 'later')[1] == \
        b'later'


def unit_files():
    return sorted(os.path.join(ROOT, 'etc', 'systemd', n)
                  for n in os.listdir(os.path.join(ROOT, 'etc', 'systemd')))


def exec_start(path):
    """The command a unit runs (a shard instance's as swsync@0 would)."""
    text = open(path).read().replace('\\\n', ' ')
    match = re.search(r'^ExecStart=(.*)$', text, re.M)
    if not match:
        return None
    argv = shlex.split(match.group(1).replace('%i', '0'))
    if argv[:2] == ['/bin/sh', '-c']:       # the run id from the date
        argv = shlex.split(argv[2].replace('"$(date -u +%%F)"',
                                           '2026-01-01'))[1:]
    return argv


def test_systemd_units_are_valid(tmp_path):
    """systemd's own checker, with ExecStart pointing at this swsync."""
    swsync = shutil.which('swsync') or os.path.join(
        os.path.dirname(sys.executable), 'swsync')
    names = []
    for path in unit_files():
        text = open(path).read().replace('/usr/bin/swsync', swsync)
        # a template unit is checked as one of its instances
        copy = tmp_path / os.path.basename(path).replace('@.', '@0.')
        copy.write_text(text)
        names.append(str(copy))
    result = subprocess.run(['systemd-analyze', 'verify'] + names,
                            capture_output=True, text=True)
    problems = [line for line in (result.stdout + result.stderr).splitlines()
                if line.strip() and 'swsync' in line and
                'Failed to put bus name' not in line and
                'No such file or directory' not in line]
    assert problems == [], result
    calendar = subprocess.run(['systemd-analyze', 'calendar',
                               '*-*-* 01:30:00'], capture_output=True,
                              text=True)
    assert calendar.returncode == 0


def test_scheduled_command_lines_parse(origin, destination, tmp_path):
    """The command lines of the systemd units and the cron example are
    ones swsync accepts (with a real configuration in place of theirs)."""
    cfg = config(tmp_path, origin, destination, 'AUTH_test')
    commands = [exec_start(p) for p in unit_files()]
    cron = [line for line in open(os.path.join(ROOT, 'etc', 'cron.d',
                                               'swsync'))
            if line.strip() and not line.startswith(('#', 'MAILTO'))]
    commands += [shlex.split(line)[6:] for line in cron]
    for argv in filter(None, commands):
        assert argv[0] == '/usr/bin/swsync'
        args = [cfg if a == '/etc/swsync/swsync.conf' else a
                for a in argv[1:]]
        args = [str(tmp_path / 'r.json') if a.startswith('/var/lib')
                else a for a in args]
        help_run = subprocess.run(sh.SWSYNC_CMD + args + ['--help'],
                                  capture_output=True, text=True)
        assert help_run.returncode == 0, (argv, help_run.stderr)


def test_version_and_help():
    version = subprocess.run(sh.SWSYNC_CMD + ['--version'],
                             capture_output=True, text=True)
    assert version.returncode == 0
    assert re.match(r'\d+\.\d+', (version.stdout or version.stderr).strip())
    helped = subprocess.run(sh.SWSYNC_CMD + ['--help'], capture_output=True,
                            text=True)
    assert 'exit codes: 0 the destination mirrors the origin' in \
        helped.stdout
    assert 'swsync.conf.sample' in helped.stdout
    nothing = subprocess.run(sh.SWSYNC_CMD, capture_output=True, text=True)
    assert nothing.returncode == 2
    assert 'no configuration file given' in nothing.stderr


def test_hidden_info_and_a_smaller_listing_limit_are_adopted(
        origin, destination, tmp_path):
    """Both proxies hide /info; the clusters allow 100 names per page and
    swsync asks for 10000: each side's 412 "Maximum limit is 100" is
    adopted, and a 130-object container is complete on both sides."""
    account = filled(origin, 'li', containers=1, objects=130, size=1)

    def hide_info(method, path, query):
        return 404 if path == '/info' else None
    with FaultProxy(origin.proxy_port, hide_info) as op, \
            FaultProxy(destination.proxy_port, hide_info) as dp:
        cfg = config(tmp_path, origin, destination, account,
                     listing_limit=10000,
                     origin_storage_url=op.url + '/v1/AUTH_admin',
                     destination_storage_url=dp.url + '/v1/AUTH_admin')
        run = sh.run_swsync(cfg, tmp_path)
        assert run.rc == 0, run
        assert run.report['counts']['objects_copied'] == 130
        rerun = sh.run_swsync(cfg, tmp_path)
    assert rerun.rc == 0, rerun
    assert rerun.report['counts']['objects_unchanged'] == 130
    assert len(Admin(destination).listing(account, 'c0')) == 130


def test_progress_line_on_a_terminal_without_a_size(origin, destination,
                                                    tmp_path):
    """A pty opened by a script reports 0 columns: the line still shows
    (red-team finding: nothing at all under `script`)."""
    account = filled(origin, 'ns', containers=1, objects=3)
    cfg = config(tmp_path, origin, destination, account)
    master, slave = pty.openpty()
    proc = subprocess.Popen(sh.SWSYNC_CMD + ['--config-file', cfg],
                            stdin=subprocess.DEVNULL, stdout=slave,
                            stderr=slave, close_fds=True)
    os.close(slave)
    out = b''
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    assert proc.wait(timeout=60) == 0
    os.close(master)
    frames = re.split(r'[\r\n]', out.decode())
    assert any(re.match(r'swsync: 3/3 objects 100%', f) for f in frames), \
        out


def test_a_signal_during_start_up_still_gives_a_report(origin, destination,
                                                       tmp_path):
    """Red-team finding: SIGTERM in the first second killed the process
    with no report and no summary."""
    account = filled(origin, 'es', containers=1, objects=2)
    cfg = config(tmp_path, origin, destination, account)
    for delay in (0.3, 0.8):
        run = sh.start_swsync(cfg, tmp_path)
        time.sleep(delay)
        run.proc.send_signal(signal.SIGTERM)
        done = run.wait(timeout=60)
        if done.rc == 0:
            continue        # it finished first: nothing to check
        assert done.rc == 143, done
        assert done.report is not None and done.report['interrupted'], done
        assert 'Traceback' not in done.stderr


def _slow_auth(seconds):
    """A fault proxy rule: the authentication answers after ``seconds``
    (a Keystone or auth endpoint that hangs)."""
    def rule(method, path, query):
        if path.startswith('/auth/'):
            return Fault(delay=seconds)
        return None
    return rule


def test_a_signal_while_authentication_hangs_stops_at_once(
        origin, destination, tmp_path):
    """Red-team finding: SIGTERM while the origin's authentication hung
    waited for the whole request timeout, then exited 2 with no report."""
    account = filled(origin, 'ah', containers=1, objects=2)
    with FaultProxy(origin.proxy_port, _slow_auth(40)) as proxy:
        cfg = config(tmp_path, origin, destination, account,
                     origin_auth_url=proxy.url + '/auth/v1.0')
        run = sh.start_swsync(cfg, tmp_path)
        time.sleep(1.5)
        signalled = time.monotonic()
        run.proc.send_signal(signal.SIGTERM)
        done = run.wait(timeout=90)
        took = time.monotonic() - signalled
    assert done.rc == 143, done
    assert took < 10, took
    assert done.report is not None and done.report['interrupted'], done
    assert done.report['counts'].get('objects_copied', 0) == 0
    assert 'Traceback' not in done.stderr


def test_max_duration_stops_a_hanging_authentication(origin, destination,
                                                     tmp_path):
    """Red-team finding: max_duration reached while the authentication
    hung logged 'stopping cleanly' and then waited for the request
    timeout, exit 2 and no report, instead of exit 4."""
    account = filled(origin, 'am', containers=1, objects=2)
    with FaultProxy(origin.proxy_port, _slow_auth(40)) as proxy:
        cfg = config(tmp_path, origin, destination, account,
                     max_duration=2,
                     origin_auth_url=proxy.url + '/auth/v1.0')
        started = time.monotonic()
        run = sh.run_swsync(cfg, tmp_path)
        took = time.monotonic() - started
    assert run.rc == 4, run
    assert took < 12, took
    assert run.report['stopped_by_time_limit'] is True
    assert 'Traceback' not in run.stderr


def test_an_auth_endpoint_answering_503_is_retried_then_a_failure(
        origin, destination, tmp_path):
    """Red-team finding: an auth endpoint answering 503 (its memcached
    down) was 'authentication failed', exit 2 (configuration) at once. It
    is a cluster that is down: retried like any request (one 503 costs
    nothing), then exit 1 with the cause in the report."""
    account = filled(origin, 'au', containers=1, objects=2)
    answers = []

    def once(method, path, query):
        if path.startswith('/auth/') and not answers:
            answers.append(path)
            return 503
        return None
    with FaultProxy(origin.proxy_port, once) as proxy:
        run = sh.run_swsync(config(tmp_path, origin, destination, account,
                                   origin_auth_url=proxy.url + '/auth/v1.0'),
                            tmp_path)
    assert run.rc == 0, run
    assert run.report['counts']['objects_copied'] == 2
    assert 'retry 1' in run.stderr

    def always(method, path, query):
        return 503 if path.startswith('/auth/') else None
    with FaultProxy(origin.proxy_port, always) as proxy:
        run = sh.run_swsync(config(tmp_path, origin, destination, account,
                                   'down.conf',
                                   origin_auth_url=proxy.url + '/auth/v1.0'),
                            tmp_path)
    assert run.rc == 1, run
    assert any('authentication failed (503)' in e['error']
               for e in run.report['errors']), run.report
    assert 'Traceback' not in run.stderr


def test_log_file_gets_the_logs_and_stderr_stays_quiet(origin, destination,
                                                       tmp_path):
    account = filled(origin, 'lf', containers=1, objects=2)
    cfg = config(tmp_path, origin, destination, account)
    log_file = tmp_path / 'swsync.log'
    run = sh.run_swsync(cfg, tmp_path, '--log-file', str(log_file))
    assert run.rc == 0, run
    assert 'created container' in log_file.read_text()
    assert run.stderr == ''
