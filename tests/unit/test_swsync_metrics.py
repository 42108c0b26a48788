"""Metrics against their real receivers: a UDP socket for statsd, the
Prometheus text parser for the textfile."""
import socket

from prometheus_client.parser import text_string_to_metric_families

from swsync import metrics
from swsync.report import Report


def udp_receiver():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(('127.0.0.1', 0))
    sock.settimeout(2)
    return sock


def received(sock, n):
    return sorted(sock.recv(1024).decode() for _ in range(n))


def test_statsd_counters_and_timings_use_swift_names():
    sock = udp_receiver()
    port = sock.getsockname()[1]
    client = metrics.Statsd('127.0.0.1', port, prefix='site1')
    report = Report()
    report.listeners.append(client.count)
    report.count('objects_copied', 3)
    report.error('AUTH_a/c/o', 'boom')
    client.request('origin', 'GET', 0.25)
    errors, copied, timing = received(sock, 3)
    assert (errors, copied) == ('site1.swsync.errors:1|c',
                                'site1.swsync.objects_copied:3|c')
    name, value = timing.split(':')
    assert name == 'site1.swsync.origin.GET.timing'
    assert value.endswith('|ms') and float(value[:-3]) == 250.0


def test_statsd_sample_rate_is_sent_as_swift_does():
    sock = udp_receiver()
    client = metrics.Statsd('127.0.0.1', sock.getsockname()[1],
                            sample_rate=0.999999)
    sent = None
    for _ in range(50):     # sampled: almost always sent
        client.count('objects_posted')
        try:
            sent = sock.recv(1024).decode()
            break
        except socket.timeout:
            continue
    assert sent == 'swsync.objects_posted:1|c|@0.999999'


def families(path):
    with open(path) as f:
        return {fam.name: fam for fam in
                text_string_to_metric_families(f.read())}


def test_textfile_parses_and_carries_last_success_per_account(tmp_path):
    path = str(tmp_path / 'swsync.prom')
    first = Report()
    first.count('objects_copied', 5)
    first.account_successes = {'AUTH_a': 1000.0, 'AUTH_b': 1000.0}
    first.finish()
    metrics.Textfile(path).write(first, running=False)
    second = Report()
    second.error('AUTH_b/c', 'failed')
    second.account_successes = {'AUTH_a': 2000.0}
    textfile = metrics.Textfile(path)
    textfile.write(second, running=True)
    fam = families(path)
    assert fam['swsync_run_in_progress'].samples[0].value == 1
    assert 'swsync_last_run_exit_code' not in fam     # still running
    second.finish()
    textfile.write(second, running=False)
    fam = families(path)
    last = {s.labels['account']: s.value for s in
            fam['swsync_account_last_success_timestamp_seconds'].samples}
    assert last == {'AUTH_a': 2000.0, 'AUTH_b': 1000.0}
    assert fam['swsync_last_run_exit_code'].samples[0].value == 1
    assert fam['swsync_last_run_errors'].samples[0].value == 1
    outcomes = {s.labels['outcome']: s.value
                for s in fam['swsync_last_run_outcomes'].samples}
    assert outcomes['errors'] == 1
    assert fam['swsync_run_in_progress'].samples[0].value == 0
    assert [p.name for p in tmp_path.iterdir()] == ['swsync.prom']


def test_a_corrupt_previous_textfile_is_replaced(tmp_path):
    path = tmp_path / 'swsync.prom'
    path.write_text('this is { not prometheus\n')
    report = Report()
    report.finish()
    metrics.Textfile(str(path)).write(report, running=False)
    assert 'swsync_last_run_exit_code' in families(str(path))
