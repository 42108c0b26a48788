"""The ``swsync`` command: configuration, start-up checks, one pass or a
daemon, signals, progress, metrics and exit codes. ``swsync verify``
compares without writing (``swsync.cmd.verify``).
"""
import logging
import os
import signal
import sys
import time

from oslo_config import cfg

from swsync import config
from swsync import green
from swsync import known_accounts
from swsync import lock as lock_mod
from swsync import metrics
from swsync import throttle
from swsync.cmd import EARLY_SIGNALS
from swsync.cmd import common
from swsync.cmd import startup
from swsync.engine import Syncer
from swsync.partition import Partition
from swsync.shards import Shard
from swsync.state import RangeStore
from swsync.client.errors import AuthError, AuthUnavailable, ConfigError, \
    SwiftError, SyncError
from swsync.progress import RunProgress
from swsync.report import Report
from swsync.safety import parse_approvals

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


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ['verify']:
        from swsync.cmd import verify
        return verify.main(argv[1:])
    try:
        conf = startup.parse(argv, config.SYNC_CLI_OPTS, DESCRIPTION, EPILOG,
                             PROG)
        approvals = parse_approvals(conf.approve_deletes)
        shard, run_id = config.shard(conf)
        if conf.daemon and conf.dry_run:
            raise ConfigError('--daemon and --dry-run do not go together')
        run_lock = None
        if not conf.dry_run:
            # Held until the process ends: keep the object alive. One run
            # per pair of clusters; the shards of one run may share a
            # host, one process per shard index (swsync.lock).
            # an operator's lock_file: its directory must exist (a typo
            # would otherwise create directories)
            problem = common.writable_file(conf.sync.lock_file, 'lock_file')
            if problem:
                raise ConfigError(problem)
            run_lock = lock_mod.RunLocks(
                conf.sync.lock_file or lock_mod.default_path(
                    (conf.origin.auth_url, conf.origin.storage_url),
                    (conf.destination.auth_url,
                     conf.destination.storage_url, 0, 1),
                    conf.sync.state_dir), shard).acquire()
    except (cfg.Error, ConfigError, ValueError) as exc:
        return common.die(PROG, common.one_line(exc))
    except SystemExit as exc:  # argparse: --help, --version, usage error
        return exc.code if isinstance(exc.code, int) else 2
    startup.setup_logging(conf, conf.quiet)
    runner = Runner(conf, approvals, shard, run_id)
    signal.signal(signal.SIGINT, runner.on_signal)
    signal.signal(signal.SIGTERM, runner.on_signal)
    if EARLY_SIGNALS:       # received during start-up (swsync.cmd)
        runner.on_signal(EARLY_SIGNALS[0], None)
    try:
        if conf.daemon:
            return runner.forever()
        return runner.once()
    finally:
        # The run is over and its report written. Python's finalization
        # puts SIG_DFL back for signals that have a Python handler (not
        # for ignored ones): a SIGTERM arriving while the interpreter
        # shuts down killed a finished run (exit -15 instead of 0).
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)
        del run_lock


class Runner:
    """One pass, or passes every ``interval`` seconds (daemon mode), with
    what an operator sees of them and how they stop."""

    def __init__(self, conf, approvals, shard=None, run_id=None):
        self.conf = conf
        self.approvals = approvals
        self.shard = shard or Shard()
        self.run_id = run_id
        self.statsd = metrics.from_conf(conf)
        self.textfile = metrics.Textfile(conf.prometheus_textfile) \
            if conf.prometheus_textfile else None
        self.signalled = None
        self.starting = None    # the start-up task, while it runs
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
        else:
            # start-up has written nothing: it stops at once (not from
            # inside the signal handler), and no rate limit may hold a
            # later stop (a low max_requests_per_second would)
            green.call_after(0, self._abandon_start_up)
            green.call_after(self.conf.sync.shutdown_timeout,
                             throttle.lift_all)

    def _abandon_start_up(self):
        """Stop the start-up where it waits (an authentication or a
        Keystone that does not answer would hold a stop, or overrun
        max_duration, for a whole request timeout and then exit 2 with
        no report): it reads, and its timestamp probe cleans up after
        itself."""
        if self.starting is not None:
            self.starting.kill()

    def _stop_syncer(self):
        self.syncer.stop()
        green.call_after(self.conf.sync.shutdown_timeout,
                         self.syncer.kill_in_flight)

    def _time_is_up(self):
        """max_duration counts from the start of the pass, start-up (the
        authentication, Keystone discovery, access checks) included: it
        is the operator's window. Time up during start-up: the run then
        starts nothing."""
        LOG.warning('max_duration (%ds) reached: stopping cleanly; the next '
                    'run continues at listing cost',
                    self.conf.sync.max_duration)
        self.report.stopped_by_time = True
        if self.syncer is not None:
            self._stop_syncer()
        else:
            self._abandon_start_up()

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
        if self.shard.sharded:
            report.shard = {'index': self.shard.index,
                            'count': self.shard.count,
                            'run_id': self.run_id}
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
        if self.signalled is not None:
            return          # stopped before it started: the report says so
        deadline = None
        if conf.sync.max_duration:
            deadline = green.call_after(conf.sync.max_duration,
                                        self._time_is_up)
        try:
            self._connect_and_run(report, dry_run)
        finally:
            if deadline is not None:
                deadline.cancel()

    def _connect_and_run(self, report, dry_run):
        conf = self.conf
        self.starting = green.Started(startup.connect, conf, report,
                                      dry_run)
        try:
            origin, dest, accounts, known = self.starting.result()
        except green.Killed:
            LOG.warning('stopped during start-up: nothing was written')
            return
        except AuthUnavailable as exc:
            # a cluster that is down, not a configuration to fix: exit 1
            report.error('start-up', common.one_line(exc))
            return
        except (AuthError, ConfigError, SyncError) as exc:
            print('%s: error: %s' % (PROG, common.one_line(exc)),
                  file=sys.stderr)
            report.config_error = common.one_line(exc)
            return
        finally:
            self.starting = None
        for side in (origin, dest):
            side.max_consecutive_failures = \
                conf.sync.max_consecutive_failures
            side.on_down = self._side_down
            if self.statsd:
                side.observers.append(self.statsd.request)
        store = None
        if self.shard.sharded:
            store = RangeStore(dest, conf.sync.state_container, self.run_id)
        partition = Partition(self.shard, store, conf.sync.split_threshold,
                              conf.sync.split_size)
        syncer = self.syncer = Syncer(
            conf, origin, dest, report, dry_run=dry_run,
            approvals=self.approvals, plan_stream=sys.stdout,
            partition=partition)
        dest_info = green.Started(dest.info)    # both at once
        syncer.apply_limits(origin.info(), dest_info.result())
        if self.signalled is not None or report.stopped_by_time:
            syncer.stop()
        try:
            syncer.run(accounts)
        except SwiftError as exc:
            report.error('run', exc)
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


if __name__ == '__main__':
    sys.exit(main())
