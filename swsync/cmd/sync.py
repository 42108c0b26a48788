"""The ``swsync`` command: configuration, start-up checks, one pass or a
daemon, signals, progress, metrics and exit codes. ``swsync verify``
compares without writing (``swsync.cmd.verify``).
"""
import logging
import os
import signal
import sys
import time
import uuid

from oslo_config import cfg
from oslo_log import log

from swsync import accounts as accounts_mod
from swsync import config
from swsync import discovery
from swsync import green
from swsync import known_accounts
from swsync import lock as lock_mod
from swsync import metrics
from swsync.auth import make_auth
from swsync.cmd import common
from swsync.engine import Syncer
from swsync.errors import AuthError, ConfigError, SwiftError, SyncError
from swsync.progress import RunProgress
from swsync.report import Report
from swsync.safety import parse_approvals
from swsync.swift import Cluster

LOG = logging.getLogger('swsync')
PROG = 'swsync'

DESCRIPTION = ('Mirror every account, container and object of an origin '
               'Swift cluster onto a destination cluster, as a reseller '
               'admin: copy what is missing or changed, delete what is gone '
               '(within safety rules). "swsync verify --help": compare '
               'without writing.')
EPILOG = ('exit codes: 0 the destination mirrors the origin; 1 some items '
          'failed (see the report); 2 configuration or authentication '
          'error, nothing written; 3 deletions withheld by a safety rule '
          '(--approve-deletes); 4 stopped at max_duration; 130/143 stopped '
          'by SIGINT/SIGTERM. Options: the sample configuration '
          'etc/swsync.conf.sample (installed under '
          '<prefix>/etc/swiftsync/).')


def version():
    try:
        from importlib.metadata import version as dist_version
        return dist_version('swiftsync')
    except Exception:
        return 'unknown'


def parse(argv, extra_cli_opts=(), description=DESCRIPTION, epilog=EPILOG,
          prog=PROG):
    """The parsed configuration; raises ConfigError on bad input."""
    conf = cfg.ConfigOpts()
    config.register(conf)
    conf.register_cli_opts(list(extra_cli_opts))
    log.register_options(conf)
    # Logs go to stderr: stdout carries the dry-run plan and the summary.
    conf.set_default('use_stderr', True)
    common.set_log_defaults()
    conf(argv, project='swsync', prog=prog, version=version(),
         default_config_files=[], description=description, epilog=epilog)
    if not conf.config_file:
        raise ConfigError('no configuration file given: %s --config-file '
                          '/etc/swsync/swsync.conf (options: '
                          'etc/swsync.conf.sample)' % prog)
    config.check_files(conf)
    config.validate(conf)
    for path, what in ((conf.report, 'report'), (conf.log_file, 'log file'),
                       (conf.prometheus_textfile, 'prometheus_textfile')):
        problem = common.writable_file(path, what)
        if problem:
            raise ConfigError(problem)
    if conf.prometheus_textfile and \
            not conf.prometheus_textfile.endswith('.prom'):
        raise ConfigError('prometheus_textfile must end in .prom (what '
                          'node_exporter\'s textfile collector reads)')
    return conf


def setup_logging(conf, quiet=False):
    log.setup(conf, 'swsync')
    if quiet:
        logging.getLogger().setLevel(logging.ERROR)
    for path in config.readable_by_others(conf):
        LOG.warning('config file %s is readable by other users and holds '
                    'a password: chmod 600 it', path)


def connect(conf, report, dry_run):
    """(origin, destination, account names): authenticated clusters and
    the accounts to walk (listed, or discovered in Keystone)."""
    discover = conf.origin.auth_version == '3' and not conf.sync.accounts
    account_names = [] if discover else accounts_mod.accounts_to_sync(
        conf.sync)
    known = None
    if discover and conf.sync.known_accounts_file:
        known = known_accounts.load(conf.sync.known_accounts_file)
    workers = (conf.sync.object_workers + 2 * conf.sync.container_workers +
               2)
    sides = {}
    for side in ('origin', 'destination'):
        group = conf[side]
        auth = make_auth(side, group, conf[config.IDENTITY_GROUPS[side]])
        sides[side] = Cluster(side, auth, group, workers,
                              retries=conf.sync.retries,
                              max_backoff=conf.sync.retry_max_backoff)
        sides[side].auth.credentials()
    origin, dest = sides['origin'], sides['destination']
    if origin.base_url == dest.base_url:
        raise ConfigError('origin and destination storage URLs are the '
                          'same (%s): refusing to sync a cluster onto '
                          'itself' % origin.base_url)
    pairs = discovery.plan(conf, origin, dest, report,
                           None if discover else account_names, known)
    dest.account_map = {o: d for o, d in pairs if o != d}
    account_names = [o for o, _d in pairs]
    _preflight(origin, dest, account_names)
    if conf.sync.preserve_timestamps and not dry_run:
        _check_timestamps_honoured(dest)
    return origin, dest, account_names, known


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ['verify']:
        from swsync.cmd import verify
        return verify.main(argv[1:])
    try:
        conf = parse(argv, config.SYNC_CLI_OPTS)
        approvals = parse_approvals(conf.approve_deletes)
        if conf.daemon and conf.dry_run:
            raise ConfigError('--daemon and --dry-run do not go together')
        run_lock = None
        if not conf.dry_run:
            # Held until the process ends: keep the object alive.
            run_lock = lock_mod.RunLock(
                conf.sync.lock_file or lock_mod.default_path(
                    (conf.origin.auth_url, conf.origin.storage_url),
                    (conf.destination.auth_url,
                     conf.destination.storage_url))).acquire()
    except (cfg.Error, ConfigError, ValueError) as exc:
        return common.die(PROG, common.one_line(exc))
    except SystemExit as exc:  # argparse: --help, --version, usage error
        return exc.code if isinstance(exc.code, int) else 2
    setup_logging(conf, conf.quiet)
    runner = Runner(conf, approvals)
    signal.signal(signal.SIGINT, runner.on_signal)
    signal.signal(signal.SIGTERM, runner.on_signal)
    try:
        if conf.daemon:
            return runner.forever()
        return runner.once()
    finally:
        del run_lock


class Runner:
    """One pass, or passes every ``interval`` seconds (daemon mode), with
    what an operator sees of them and how they stop."""

    def __init__(self, conf, approvals):
        self.conf = conf
        self.approvals = approvals
        self.statsd = metrics.from_conf(conf)
        self.textfile = metrics.Textfile(conf.prometheus_textfile) \
            if conf.prometheus_textfile else None
        self.signalled = None
        self.syncer = None
        self.report = None

    # --- signals ---------------------------------------------------------
    def on_signal(self, signum, _frame):
        """SIGINT/SIGTERM: stop cleanly (no new work, in-flight requests
        get shutdown_timeout seconds, lifted settings restored, report
        written); a second signal exits at once."""
        if self.signalled is not None:
            os._exit(128 + signum)
        self.signalled = signum
        if self.report is not None:
            self.report.interrupted_by = signum
        LOG.warning('%s received: finishing in-flight requests (at most '
                    '%ds), restoring lifted settings, writing the report; '
                    'a second signal exits at once',
                    signal.Signals(signum).name,
                    self.conf.sync.shutdown_timeout)
        if self.syncer is not None:
            self._stop_syncer()

    def _stop_syncer(self):
        self.syncer.stop()
        green.call_after(self.conf.sync.shutdown_timeout,
                         self.syncer.kill_in_flight)

    def _time_is_up(self):
        LOG.warning('max_duration (%ds) reached: stopping cleanly; the next '
                    'run continues at listing cost',
                    self.conf.sync.max_duration)
        self.report.stopped_by_time = True
        self._stop_syncer()

    def _side_down(self, side, failures):
        self.report.error(side, '%d connection failures in a row: the '
                                'cluster looks down, the run stops' %
                          failures)
        self._stop_syncer()

    # --- passes ----------------------------------------------------------
    def once(self):
        report = self.pass_()
        return report.exit_code

    def forever(self):
        """Swift daemons' run_forever: a pass, then sleep what remains of
        ``interval``; never two passes at once (one process, one lock)."""
        interval = self.conf.interval
        LOG.info('daemon mode: a pass every %ds', interval)
        exit_code = 0
        while self.signalled is None:
            started = time.time()
            report = self.pass_()
            exit_code = report.exit_code
            if self.signalled is not None:
                break
            pause = max(0.0, interval - (time.time() - started))
            LOG.info('next pass in %ds (exit code of this pass: %d)',
                     pause, exit_code)
            while pause > 0 and self.signalled is None:
                green.sleep(min(pause, 1.0))
                pause -= 1.0
        return 128 + self.signalled if self.signalled else exit_code

    def pass_(self):
        conf = self.conf
        dry_run = conf.dry_run
        report = self.report = Report(dry_run=dry_run)
        if self.signalled is not None:
            report.interrupted_by = self.signalled
        if self.statsd:
            report.listeners.append(self.statsd.count)
        progress = RunProgress(report, conf.stats_interval,
                               quiet=conf.quiet)
        ticker = green.spawn(self._tick, progress)
        try:
            self._pass(report, dry_run)
        finally:
            ticker.kill()
            report.finish()
            progress.close()
            if not (report.config_error and not conf.daemon):
                self._write_outputs(report)
        if report.config_error and not conf.daemon:
            return report       # one line on stderr says it all
        quiet = conf.quiet and report.exit_code == 0
        if not quiet:
            print(report.summary(),
                  file=sys.stderr if dry_run else sys.stdout)
        if report.interrupted_by:
            LOG.warning('stopped by signal %d; the next run continues '
                        'where this one stopped', report.interrupted_by)
        self.syncer = None
        return report

    def _pass(self, report, dry_run):
        conf = self.conf
        try:
            origin, dest, accounts, known = connect(conf, report, dry_run)
        except (AuthError, ConfigError, SyncError) as exc:
            print('%s: error: %s' % (PROG, common.one_line(exc)),
                  file=sys.stderr)
            report.config_error = common.one_line(exc)
            return
        for side in (origin, dest):
            side.max_consecutive_failures = \
                conf.sync.max_consecutive_failures
            side.on_down = self._side_down
            if self.statsd:
                side.observers.append(self.statsd.request)
        syncer = self.syncer = Syncer(
            conf, origin, dest, report, dry_run=dry_run,
            approvals=self.approvals, plan_stream=sys.stdout)
        syncer.apply_limits(origin.info(), dest.info())
        if self.signalled is not None:
            syncer.stop()
        deadline = None
        if conf.sync.max_duration:
            deadline = green.call_after(conf.sync.max_duration,
                                        self._time_is_up)
        try:
            syncer.run(accounts)
        except SwiftError as exc:
            report.error('run', exc)
        finally:
            if deadline is not None:
                deadline.cancel()
        if known is not None and not dry_run:
            try:
                known_accounts.save(conf.sync.known_accounts_file, known)
            except ConfigError as exc:
                report.error('known_accounts_file', exc)

    def _tick(self, progress):
        last_textfile = time.monotonic()
        while True:
            green.sleep(0.5)
            progress.tick()
            if self.textfile and time.monotonic() - last_textfile >= \
                    self.conf.stats_interval:
                last_textfile = time.monotonic()
                self._write_textfile(self.report, running=True)

    def _write_outputs(self, report):
        if self.conf.report:
            try:
                report.write(self.conf.report)
            except OSError as exc:
                LOG.error('cannot write the report %s: %s',
                          self.conf.report, exc.strerror or exc)
        self._write_textfile(report, running=False)

    def _write_textfile(self, report, running):
        if not self.textfile:
            return
        try:
            self.textfile.write(report, running)
        except OSError as exc:
            LOG.error('cannot write %s: %s', self.conf.prometheus_textfile,
                      exc.strerror or exc)


def _check_timestamps_honoured(dest):
    """Probe: does the destination keep a client's X-Timestamp?

    Writes one object with an old timestamp in a probe container of the
    reseller admin's own account, reads it back, and removes both.
    """
    account = dest.storage_url.rstrip('/').rsplit('/', 1)[1]
    container = 'swsync-timestamp-probe'
    obj = 'probe-%s' % uuid.uuid4().hex
    probe_ts = '1000000000.00000'
    c_path = dest.path(account, container)
    o_path = dest.path(account, container, obj)
    dest.request('PUT', c_path, ok=(201, 202))
    try:
        dest.request('PUT', o_path, data=b'', ok=(201, 202),
                     headers={'x-timestamp': probe_ts})
        resp = dest.request('HEAD', o_path, ok=(200, 404))
        honoured = resp.headers.get('x-timestamp') == probe_ts
    finally:
        dest.request('DELETE', o_path, ok=(204, 404))
        dest.request('DELETE', c_path, ok=(204, 404, 409))
    if not honoured:
        raise ConfigError('preserve_timestamps: the destination ignores '
                          'X-Timestamp (its gatekeeper has '
                          'shunt_inbound_x_timestamp = true); refusing the '
                          'mode')


PREFLIGHT_PROBES = 3


def _preflight(origin, dest, account_names):
    """Check that the reseller admin may read and write other accounts
    before anything is written: a user without the reseller role gets
    401/403 here, and the run stops with exit code 2.

    Accounts the user does not own are probed (its own account would not
    tell whether it has the role), up to PREFLIGHT_PROBES of them until
    one answers: one broken account (a 5xx, a timeout) says nothing about
    the role, so it is not fatal here; its own sync reports it.
    """
    if not account_names:
        return
    for side, ok in ((origin, (200, 204)), (dest, (200, 204, 404))):
        own = side.storage_url.rstrip('/').rsplit('/', 1)[1]
        others = [a for a in account_names
                  if side.account_map.get(a, a) != own]
        probes = (others or account_names)[:PREFLIGHT_PROBES]
        denied = []
        for probe in probes:
            try:
                side.request('HEAD', side.path(probe), ok=ok, retry=False)
                break
            except SyncError as exc:
                status = getattr(exc, 'status', None)
                if status not in (401, 403):
                    LOG.warning('%s: account %s did not answer the access '
                                'check: %s', side.side, probe, exc)
                    continue
                denied.append((probe, status))
        else:
            if denied and len(denied) == len(probes):
                probe, status = denied[0]
                raise AuthError('%s: the user may not access account %s '
                                '(%s): it needs the reseller admin role' % (
                                    side.side, probe, status))


if __name__ == '__main__':
    sys.exit(main())
