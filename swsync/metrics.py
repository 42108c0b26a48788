"""Metrics a monitoring system can take: statsd and a Prometheus textfile.

statsd uses Swift's own option names and semantics (``log_statsd_host``,
``log_statsd_port``, ``log_statsd_default_sample_rate``,
``log_statsd_metric_prefix``; metric names are ``<prefix>.swsync.<name>``
as Swift's are ``<prefix>.<server>.<name>``): a counter per outcome as it
happens (``swsync.objects_copied``, ``swsync.errors``...), and a timing
per request kind (``swsync.origin.GET.timing``, in milliseconds).

The Prometheus textfile is for node_exporter's textfile collector: the
last run's start, end, duration, exit code and outcomes, and each
account's last successful sync, written atomically at every stats
interval and at the end (the previous file's per-account timestamps are
carried over for accounts that did not succeed this time).
"""
import logging
import os

from oslo_config import cfg

LOG = logging.getLogger(__name__)

OPTS = [
    cfg.HostAddressOpt('log_statsd_host',
                       help='statsd host to send metrics to (as in Swift); '
                            'empty: no statsd.'),
    cfg.PortOpt('log_statsd_port', default=8125, help='statsd UDP port.'),
    cfg.FloatOpt('log_statsd_default_sample_rate', default=1.0, min=0.0,
                 max=1.0,
                 help='Fraction of statsd events sent (as in Swift).'),
    cfg.StrOpt('log_statsd_metric_prefix', default='',
               help='Prefix of every statsd metric name (as in Swift); '
                    'names are <prefix>.swsync.<metric>.'),
    cfg.StrOpt('prometheus_textfile',
               help='Write Prometheus metrics of the run to this file '
                    '(atomically, at every stats interval and at the end), '
                    'for node_exporter\'s textfile collector. The name must '
                    'end in .prom.'),
    cfg.FloatOpt('stats_interval', default=60.0, min=1.0,
                 help='Seconds between two stats lines in the log (when '
                      'not on a terminal) and two writes of the Prometheus '
                      'textfile.'),
]


class Statsd:
    """Counters per outcome and timings per request kind, over UDP."""

    def __init__(self, host, port=8125, prefix='', sample_rate=1.0):
        import statsd
        name = '.'.join(p for p in (prefix.strip('.'), 'swsync') if p)
        self.client = statsd.StatsClient(host, port, prefix=name)
        self.rate = sample_rate

    def count(self, what, n=1):
        self.client.incr(str(what), n, rate=self.rate)

    def request(self, side, method, seconds):
        self.client.timing('%s.%s.timing' % (side, method), seconds * 1000.0,
                           rate=self.rate)


def from_conf(conf):
    """The statsd client the configuration asks for, or None."""
    if not conf.log_statsd_host:
        return None
    return Statsd(conf.log_statsd_host, conf.log_statsd_port,
                  conf.log_statsd_metric_prefix,
                  conf.log_statsd_default_sample_rate)


def _previous_successes(path):
    """Per-account last-success timestamps from the previous textfile."""
    from prometheus_client.parser import text_string_to_metric_families
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return {}
    found = {}
    try:
        for family in text_string_to_metric_families(text):
            if family.name == 'swsync_account_last_success_timestamp_seconds':
                for sample in family.samples:
                    found[sample.labels['account']] = sample.value
    except ValueError:
        LOG.warning('%s is not a Prometheus textfile; starting afresh', path)
    return found


class Textfile:
    """The Prometheus textfile of a run."""

    def __init__(self, path):
        self.path = path
        self.successes = _previous_successes(path)

    def write(self, report, running):
        from prometheus_client import CollectorRegistry, Gauge
        from prometheus_client import write_to_textfile
        registry = CollectorRegistry()

        def gauge(name, doc, value, **labels):
            g = Gauge(name, doc, list(labels), registry=registry)
            (g.labels(**labels) if labels else g).set(value)
            return g

        gauge('swsync_run_in_progress', '1 while a run works, 0 after it',
              1 if running else 0)
        gauge('swsync_last_run_start_timestamp_seconds',
              'When the last run started', report.started)
        if not running:
            gauge('swsync_last_run_end_timestamp_seconds',
                  'When the last run ended', report.finished or 0)
            gauge('swsync_last_run_exit_code', 'Exit code of the last run',
                  report.exit_code)
        gauge('swsync_last_run_duration_seconds', 'Duration of the last run',
              (report.finished or report.now()) - report.started)
        outcomes = Gauge('swsync_last_run_outcomes',
                         'Counts of the last run, by outcome', ['outcome'],
                         registry=registry)
        for name, value in sorted(report.counts.items()):
            outcomes.labels(outcome=name).set(value)
        gauge('swsync_last_run_bytes_copied', 'Bytes copied by the last run',
              report.bytes_copied)
        gauge('swsync_last_run_errors', 'Items that failed in the last run',
              len(report.errors))
        gauge('swsync_last_run_deletes_withheld',
              'Deletions withheld by the safety rules in the last run',
              sum(w['count'] for w in report.withheld))
        self.successes.update(report.account_successes)
        last = Gauge('swsync_account_last_success_timestamp_seconds',
                     'When each account was last synced without error',
                     ['account'], registry=registry)
        for account, when in sorted(self.successes.items()):
            last.labels(account=account).set(when)
        directory = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(directory, exist_ok=True)
        write_to_textfile(self.path, registry)
