"""The ``swsync`` command: configuration, start-up checks, exit codes.

Exit codes: 0 all went through; 1 some items failed; 2 configuration or
authentication error (nothing written); 3 a deletion limit withheld
deletions; 128 + N stopped by signal N (130 SIGINT, 143 SIGTERM).
"""
import logging
import os
import re
import signal
import sys
import warnings

# eventlet is the chosen concurrency stack; its import-time deprecation
# notice is not for our users.
warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
import eventlet  # noqa: E402


LOG = logging.getLogger('swsync')


def _die(message):
    print('swsync: error: %s' % message, file=sys.stderr)
    return 2


def _one_line(exc):
    lines = str(exc).strip().splitlines()
    line = lines[0] if lines else exc.__class__.__name__
    # oslo.config: "Value for option X from LocationInfo(...) is not
    # valid: why" -> "bad value for X: why"
    match = re.match(r'Value for option (\S+) from .*? is not valid: (.*)',
                     line)
    if match:
        name, why = match.groups()
        if 'required but missing' in why:
            why = 'not a valid http(s) URL'
        return 'bad value for option %s: %s' % (name, why)
    return line


def main(argv=None):
    # Green sockets before requests/urllib3 open any connection.
    eventlet.monkey_patch()
    from oslo_config import cfg
    from oslo_log import log

    from swsync import accounts as accounts_mod
    from swsync import config
    from swsync import discovery
    from swsync import known_accounts
    from swsync.auth import make_auth
    from swsync import lock as lock_mod
    from swsync import green
    from swsync.engine import Syncer
    from swsync.errors import AuthError, ConfigError, SwiftError, SyncError
    from swsync.lock import RunLock
    from swsync.report import Report
    from swsync.safety import parse_approvals
    from swsync.swift import Cluster

    argv = sys.argv[1:] if argv is None else argv
    conf = cfg.ConfigOpts()
    config.register(conf)
    log.register_options(conf)
    # Logs go to stderr: stdout carries the dry-run plan and the summary.
    conf.set_default('use_stderr', True)
    log.set_defaults(default_log_levels=[
        'swiftclient=WARN', 'urllib3=WARN', 'requests=WARN',
        'keystoneauth=WARN', 'keystoneclient=WARN', 'eventlet=WARN',
        'iso8601=WARN', 'stevedore=WARN', 'oslo_config=WARN'])
    try:
        conf(argv, project='swsync', default_config_files=[])
        config.check_files(conf)
        config.validate(conf)
        discover = conf.origin.auth_version == '3' and not conf.sync.accounts
        account_names = [] if discover else accounts_mod.accounts_to_sync(
            conf.sync)
        known = None
        if discover and conf.sync.known_accounts_file:
            known = known_accounts.load(conf.sync.known_accounts_file)
        report_path = conf.report
        approvals = parse_approvals(conf.approve_deletes)
        run_lock = None
        if not conf.dry_run:
            # Held until the process ends: keep the object alive.
            run_lock = RunLock(conf.sync.lock_file or lock_mod.default_path(
                (conf.origin.auth_url, conf.origin.storage_url),
                (conf.destination.auth_url, conf.destination.storage_url))
            ).acquire()
    except (cfg.Error, ConfigError, ValueError) as exc:
        return _die(_one_line(exc))
    except SystemExit as exc:  # argparse: --help or a usage error
        return exc.code if isinstance(exc.code, int) else 2
    log.setup(conf, 'swsync')
    for path in config.readable_by_others(conf):
        LOG.warning('config file %s is readable by other users and holds '
                    'passwords: chmod 600 it', path)
    dry_run = conf.dry_run
    report = Report(dry_run=dry_run)

    workers = (conf.sync.object_workers + 2 * conf.sync.container_workers +
               2)
    sides = {}
    try:
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
    except (AuthError, ConfigError) as exc:
        return _die(_one_line(exc))
    except SyncError as exc:
        return _die(_one_line(exc))

    syncer = Syncer(conf, origin, dest, report, dry_run=dry_run,
                    approvals=approvals, plan_stream=sys.stdout)
    syncer.apply_limits(origin.info(), dest.info())
    _stop_on_signals(syncer, report, conf.sync.shutdown_timeout, green)
    try:
        syncer.run(account_names)
    except SwiftError as exc:
        report.error('run', exc)
    if known is not None and not dry_run:
        try:
            known_accounts.save(conf.sync.known_accounts_file, known)
        except ConfigError as exc:
            report.error('known_accounts_file', exc)
    report.finish()
    if report_path:
        report.write(report_path)
    print(report.summary(), file=sys.stderr if dry_run else sys.stdout)
    if report.interrupted_by:
        LOG.warning('stopped by signal %d; the next run continues where '
                    'this one stopped', report.interrupted_by)
    del run_lock
    return report.exit_code


def _stop_on_signals(syncer, report, timeout, green):
    """SIGINT and SIGTERM stop the run cleanly: no new work, in-flight
    requests get ``timeout`` seconds, lifted destination settings are
    restored and the report is written (exit 128 + signal). A second
    signal exits at once."""
    def on_signal(signum, _frame):
        if report.interrupted_by is not None:
            os._exit(128 + signum)
        report.interrupted_by = signum
        LOG.warning('%s received: finishing in-flight requests (at most '
                    '%ds), restoring lifted settings, writing the report; '
                    'a second signal exits at once',
                    signal.Signals(signum).name, timeout)
        syncer.stop()
        green.call_after(timeout, syncer.kill_in_flight)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)


def _check_timestamps_honoured(dest):
    """Probe: does the destination keep a client's X-Timestamp?

    Writes one object with an old timestamp in a probe container of the
    reseller admin's own account, reads it back, and removes both.
    """
    import uuid

    from swsync.errors import ConfigError
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
    from swsync.errors import AuthError, SyncError
    if not account_names:
        return
    for side, ok in ((origin, (200, 204)), (dest, (200, 204, 404))):
        own = side.storage_url.rstrip('/').rsplit('/', 1)[1]
        others = [a for a in account_names
                  if side.account_map.get(a, a) != own]
        denied = []
        for probe in (others or account_names)[:PREFLIGHT_PROBES]:
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
            if denied and len(denied) == len(
                    (others or account_names)[:PREFLIGHT_PROBES]):
                probe, status = denied[0]
                raise AuthError('%s: the user may not access account %s '
                                '(%s): it needs the reseller admin role' % (
                                    side.side, probe, status))


if __name__ == '__main__':
    sys.exit(main())
