"""Start-up shared by ``swsync`` and ``swsync verify``: the parsed and
checked configuration, logging, the two authenticated clusters and the
accounts to walk, and the checks made before anything is written."""
import contextlib
import io
import logging
import uuid

from oslo_config import cfg
from oslo_log import log

from swsync import accounts as accounts_mod
from swsync import config
from swsync import discovery
from swsync import green
from swsync import known_accounts
from swsync import usage
from swsync.client import make_auth
from swsync.client.errors import AuthError, ConfigError, SyncError
from swsync.client.swift import Cluster
from swsync.cmd import common
from swsync.throttle import Throttle

LOG = logging.getLogger('swsync')


def version():
    try:
        from importlib.metadata import version as dist_version
        return dist_version('swiftsync')
    except Exception:
        return 'unknown'


def parse(argv, extra_cli_opts, description, epilog, prog):
    """The parsed configuration; raises ConfigError on bad input."""
    conf = cfg.ConfigOpts()
    config.register(conf)
    conf.register_cli_opts(list(extra_cli_opts))
    log.register_options(conf)
    # Logs go to stderr: stdout carries the dry-run plan and the summary.
    conf.set_default('use_stderr', True)
    common.set_log_defaults()
    _parse_command_line(conf, argv, prog, description, epilog)
    if not conf.config_file:
        raise ConfigError('no configuration file given: %s --config-file '
                          '/etc/swsync/swsync.conf (options: '
                          'etc/swsync.conf.sample)' % prog)
    config.register_auth(conf)
    config.check_files(conf)
    config.apply_cli_overrides(conf)
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


def _parse_command_line(conf, argv, prog, description, epilog):
    """Parse argv and the configuration files. A usage error (unknown
    option, bad value on the command line) is one line and exit 2 like
    any other configuration error: argparse prints a usage block and
    exits 2, oslo.config prints its own line and exits 1, which
    ``swsync verify`` would mean "differences"."""
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            conf(argv, project='swsync', prog=prog, version=version(),
                 default_config_files=[], description=description,
                 epilog=epilog)
    except SystemExit as exc:
        if not exc.code:        # --help, --version
            raise
        raise ConfigError(usage.command_line_error(err.getvalue()))


def setup_logging(conf, quiet=False):
    # Logs go to stderr by default; with a log file, only there (unless
    # the configuration asks for both with use_stderr).
    if conf.log_file and conf.get_location('use_stderr').location in (
            cfg.Locations.opt_default, cfg.Locations.set_default):
        conf.set_override('use_stderr', False)
    log.setup(conf, 'swsync')
    if quiet:
        logging.getLogger().setLevel(logging.ERROR)
    for path, options in config.readable_by_others(conf):
        LOG.warning('config file %s is readable by other users and holds '
                    'a secret (%s): chmod 600 it', path, ', '.join(options))


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
    logins = []
    for side in ('origin', 'destination'):
        group = conf[side]
        auth = make_auth(side, conf, side,
                         conf[config.IDENTITY_GROUPS[side]])
        sides[side] = Cluster(side, auth, group, workers,
                              retries=conf.sync.retries,
                              max_backoff=conf.sync.retry_max_backoff,
                              throttle=Throttle(
                                  group.max_requests_per_second,
                                  group.max_bytes_per_second))
        # both sides at once; an auth endpoint answering 5xx is retried
        # like any request
        logins.append(green.Started(sides[side].retrying,
                                    sides[side].auth.credentials))
    for login in logins:
        login.result()
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


def _check_timestamps_honoured(dest):
    """Probe: does the destination keep a client's X-Timestamp?

    Writes one object with an old timestamp in a probe container of the
    reseller admin's own account, reads it back, and removes both.
    """
    account = dest.own_account
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
    checks = [green.Started(_check_access, side, ok, account_names)
              for side, ok in ((origin, (200, 204)),
                               (dest, (200, 204, 404)))]
    for check in checks:
        check.result()


def _check_access(side, ok, account_names):
    """One side's part of _preflight (both sides are checked at once)."""
    own = side.own_account
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
