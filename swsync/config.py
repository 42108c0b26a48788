"""oslo.config options of swsync, with ``list_opts`` for the sample."""
import copy
import math
import os
import stat

from oslo_config import cfg

from swsync import metrics
from swsync.client.errors import ConfigError, safe_url

# --- the two clusters -------------------------------------------------------
# [origin] and [destination] (swfiller's [swift]) each say how swsync
# authenticates there: tempauth (v1.0, the default), or Keystone through a
# keystoneauth1 plugin named by auth_type, with the options every OpenStack
# service reads (keystoneauth1.loading): the plugin's own (auth_url,
# username, password, application_credential_id...; known only once
# auth_type is read, so registered after the files are parsed, see
# register_auth), the session's (TLS files, timeout: they apply to the Swift
# proxy too) and the adapter's that find the object-store endpoint in the
# catalog (region_name, valid_interfaces, endpoint_override).
SIDES = ('origin', 'destination')

# Plugins whose options the sample shows (any keystoneauth1 plugin works).
SAMPLE_PLUGINS = ('password', 'v3applicationcredential', 'token')

# The adapter options that choose the object-store endpoint. keystoneauth's
# retry and version options are left out: swsync's Swift requests do not go
# through that adapter ([sync] retries governs them).
ENDPOINT_OPTS = ('service_type', 'service_name', 'valid_interfaces',
                 'region_name', 'endpoint_override', 'interface')

# Keystone's "Default" domain, for the user and the project when no domain
# is given (swsync's default before auth_type existed).
DEFAULT_DOMAIN = 'Default'


def _auth_type_opt():
    from keystoneauth1 import loading as ks_loading
    opt, = [o for o in ks_loading.get_auth_common_conf_options()
            if o.dest == 'auth_type']
    opt.help = ('Keystone: the keystoneauth1 plugin that authenticates the '
                'reseller admin, as in every OpenStack service: password '
                '(auth_url, username, password, project_name), '
                'v3applicationcredential (auth_url, '
                'application_credential_id, application_credential_secret: '
                'no password in the file), token (a fixed token, not '
                'renewed when it expires) or any other keystoneauth1 plugin. '
                'Its options go in the same section. Unset: tempauth (v1.0: '
                'auth_url, username, password), unless auth_version = 3.')
    return opt


SELECT_OPTS = [
    cfg.StrOpt('auth_version', choices=['1', '3'],
               help='The older way to choose: 1 is tempauth, 3 is Keystone '
                    'with auth_type = v3password. Unset: 3 when auth_type '
                    'is set, 1 otherwise.'),
]

TEMPAUTH_OPTS = [
    cfg.URIOpt('auth_url', schemes=['http', 'https'],
               help='Authentication endpoint: tempauth '
                    '(http://proxy:8080/auth/v1.0) or, with auth_type, '
                    'Keystone (http://keystone:5000/v3).'),
    cfg.StrOpt('username',
               help='tempauth: a user of the .reseller_admin group, as '
                    'account:user. Keystone: a user with the ResellerAdmin '
                    'role on its project (and, for discovery, a role '
                    'allowed to list projects, e.g. admin).'),
    cfg.StrOpt('password', secret=True,
               help='Password or tempauth key. Also from the environment, '
                    'e.g. OS_ORIGIN__PASSWORD.'),
]

SIDE_OPTS = [
    cfg.URIOpt('storage_url', schemes=['http', 'https'],
               help='Override the storage URL returned by authentication '
                    '(e.g. to reach an internal proxy). Its last path '
                    'segment is replaced by each account name.'),
]

PREFIX_OPTS = [
    cfg.ListOpt('reseller_prefixes', default=['AUTH_'],
                help='Reseller prefixes of the accounts to sync, for '
                     'Keystone account discovery (account = prefix + '
                     'project id).'),
]

_SESSION_HELP = {
    'cafile': 'CA bundle (PEM) that verifies the TLS certificates of the '
              'Swift proxy and of Keystone.',
    'certfile': 'Client certificate (PEM) presented to the Swift proxy and '
                'to Keystone.',
    'keyfile': 'Private key (PEM) of certfile.',
    'insecure': 'Do not verify TLS certificates (not recommended).',
    'timeout': 'Seconds to wait for a response, or for more body bytes, '
               'from the Swift proxy or Keystone.',
}


def session_opts():
    """keystoneauth's session options; TLS files, insecure and timeout
    also apply to swsync's own requests to the Swift proxy."""
    from keystoneauth1 import loading as ks_loading
    opts = ks_loading.get_session_conf_options()
    for opt in opts:
        if opt.dest in _SESSION_HELP:
            opt.help = _SESSION_HELP[opt.dest]
        else:
            opt.help += ' (Keystone requests only.)'
        if opt.dest == 'timeout':
            opt.default = 60.0
    return opts


_ENDPOINT_HELP = {
    'service_type': 'Keystone: catalog service type of the Swift '
                    'endpoint.',
    'service_name': 'Keystone: catalog service name of the Swift endpoint '
                    '(when several object-store services exist).',
    'valid_interfaces': 'Keystone: catalog interfaces of the object-store '
                        '(Swift) endpoint, in order of preference (public, '
                        'internal, admin). Unset: public.',
    'region_name': 'Keystone: region of the object-store (Swift) endpoint; '
                   'not used to find Keystone\'s own (identity) endpoint, '
                   'see [origin_identity] and [destination_identity].',
    'endpoint_override': 'Keystone: storage URL to use instead of the '
                         'catalog\'s object-store endpoint (like '
                         'storage_url); its last path segment is replaced '
                         'by each account name.',
}


def endpoint_opts():
    """keystoneauth's adapter options that find the object-store
    endpoint (ENDPOINT_OPTS), with swsync's defaults."""
    from keystoneauth1 import loading as ks_loading
    opts = [o for o in ks_loading.get_adapter_conf_options(
        include_deprecated=True) if o.dest in ENDPOINT_OPTS]
    for opt in opts:
        if opt.dest in _ENDPOINT_HELP:
            opt.help = _ENDPOINT_HELP[opt.dest]
        if opt.dest == 'service_type':
            opt.default = 'object-store'
    return opts


def plugin_opts(auth_type, group='origin'):
    """The options of a keystoneauth1 plugin (ConfigError if unknown, or
    if it cannot give a reseller admin a token: no auth_url)."""
    from importlib.metadata import entry_points

    from keystoneauth1 import loading as ks_loading
    if auth_type == 'v1password':
        raise ConfigError('[%s] auth_type = v1password: for tempauth leave '
                          'auth_type unset (swsync authenticates with '
                          'tempauth itself)' % group)
    # The names are read without loading the plugins: stevedore logs a line
    # for an unknown name, and for plugins whose extras are missing.
    names = {e.name for e in entry_points(
        group=ks_loading.PLUGIN_NAMESPACE)}
    if auth_type not in names:
        raise ConfigError('[%s] auth_type = %s: no such keystoneauth1 '
                          'plugin (e.g. password, v3applicationcredential, '
                          'token)' % (group, auth_type))
    opts = ks_loading.get_auth_plugin_conf_options(auth_type)
    if 'auth_url' not in {o.dest for o in opts}:
        raise ConfigError('[%s] auth_type = %s cannot authenticate a '
                          'reseller admin with Keystone (no auth_url): use '
                          'password, v3applicationcredential or token' % (
                              group, auth_type))
    return opts


def side_opts(prefixes=True):
    """Every option a side may hold, for the sample: tempauth's and the
    SAMPLE_PLUGINS' (one entry per name), the session's, the endpoint's."""
    from keystoneauth1 import loading as ks_loading
    opts = [_auth_type_opt()] + copy.deepcopy(SELECT_OPTS + TEMPAUTH_OPTS)
    seen = {o.dest for o in opts}
    for name in SAMPLE_PLUGINS:
        for opt in ks_loading.get_auth_plugin_conf_options(name):
            if opt.dest not in seen:
                if opt.dest in ('user_domain_name', 'project_domain_name'):
                    opt.default = DEFAULT_DOMAIN
                opts.append(opt)
                seen.add(opt.dest)
    opts += session_opts() + endpoint_opts() + copy.deepcopy(SIDE_OPTS)
    if prefixes:
        opts += copy.deepcopy(PREFIX_OPTS)
    return opts


def register_side(conf, group, prefixes=True):
    """What a side holds whatever its authentication: auth_type (with
    keystoneauth's auth_section, which swsync refuses), auth_version, the
    session's options, storage_url."""
    from keystoneauth1 import loading as ks_loading
    ks_loading.register_auth_conf_options(conf, group)
    conf.register_opts(SELECT_OPTS + session_opts() + SIDE_OPTS +
                       (PREFIX_OPTS if prefixes else []), group=group)


def register_auth(conf, groups=SIDES):
    """Once the files are read: each side's authentication options, which
    depend on its auth_type (tempauth's, or the keystoneauth1 plugin's and
    the object-store endpoint's). Also makes auth_version say which it is
    (1 or 3) when the files leave it unset."""
    for group in groups:
        side = conf[group]
        if side.auth_section:
            # Elsewhere swsync reads [<side>] auth_url (same-Keystone
            # checks, the lock's name): the options stay in the section.
            raise ConfigError('[%s] auth_section is not supported: put the '
                              'Keystone options in [%s] itself' % (
                                  group, group))
        auth_type, version = side.auth_type, side.auth_version
        if auth_type and version == '1':
            raise ConfigError('[%s] auth_version = 1 (tempauth) contradicts '
                              'auth_type = %s (Keystone): remove '
                              'auth_version' % (group, auth_type))
        if version == '3' and not auth_type:
            auth_type = 'v3password'    # what auth_version = 3 always was
            conf.set_default('auth_type', auth_type, group)
        conf.set_default('auth_version', '3' if auth_type else '1', group)
        if not auth_type:
            conf.register_opts(TEMPAUTH_OPTS, group=group)
            continue
        opts = plugin_opts(auth_type, group)
        conf.register_opts(opts, group=group)
        conf.register_opts(endpoint_opts(), group=group)
        names = {o.dest for o in opts}
        if any(side.get(n) for n in ('default_domain_id',
                                     'default_domain_name') if n in names):
            continue
        for name in ('user_domain_name', 'project_domain_name'):
            if name in names:
                conf.set_default(name, DEFAULT_DOMAIN, group)


# Keystone's own API (project listing, name mapping) is reached through a
# keystoneauth adapter per side, in its own group, so that its endpoint is
# chosen apart from the object-store's: Keystone's endpoints often live in
# another region (or interface) than Swift's.
IDENTITY_GROUPS = {'origin': 'origin_identity',
                   'destination': 'destination_identity'}
IDENTITY_DEFAULTS = {'service_type': 'identity',
                     'valid_interfaces': ['public'],
                     'version': '3'}


# Rate limits of one side, so a migration can run beside production
# traffic (swsync/throttle.py).
THROTTLE_OPTS = [
    cfg.FloatOpt('max_requests_per_second', default=0.0, min=0.0,
                 help='Most requests per second swsync sends to this '
                      'cluster (all its green threads together); 0: no '
                      'limit.'),
    cfg.FloatOpt('max_bytes_per_second', default=0.0, min=0.0,
                 help='Most bytes per second of object data swsync reads '
                      'from (origin) or writes to (destination) this '
                      'cluster, listings included; 0: no limit.'),
]


def identity_opts():
    """keystoneauth's adapter options with swsync's defaults: the
    identity service, public interface, any region, API v3."""
    from keystoneauth1 import loading as ks_loading
    opts = ks_loading.get_adapter_conf_options(include_deprecated=False)
    for opt in opts:
        if opt.dest in IDENTITY_DEFAULTS:
            opt.default = IDENTITY_DEFAULTS[opt.dest]
        if opt.dest == 'region_name':
            opt.help = ('Region of Keystone\'s identity endpoint, used to '
                        'read projects (discovery, map_accounts_by, the '
                        'check that both Keystones share project ids). '
                        'Unset: any region; the object-store region '
                        '(region_name in the side\'s own group) is not '
                        'used here.')
    return opts


SYNC_OPTS = [
    cfg.ListOpt('accounts', default=[],
                help='Account names to sync (e.g. AUTH_test). Empty with a '
                     'Keystone origin: every project.'),
    cfg.StrOpt('account_filter_file',
               help='File with one name per line (# comments and blank '
                    'lines ignored); only those are synced. A line is an '
                    'account name (that account only), or with Keystone '
                    'discovery a project id, a project name (in every '
                    'domain) or domain/name (every account of that '
                    'project). A name that matches nothing, or a file '
                    'without names, is refused.'),
    cfg.ListOpt('extra_accounts', default=[],
                help='Accounts synced in addition to the discovered (or '
                     'listed) ones: ACCOUNT, or ORIGIN_ACCOUNT:'
                     'DESTINATION_ACCOUNT. For what discovery cannot see: '
                     'accounts of deleted Keystone projects, of other '
                     'reseller prefixes or auth systems. Without a '
                     'destination the account keeps its name '
                     '(map_accounts_by = id) or is mapped by its project\'s '
                     'name (name).'),
    cfg.StrOpt('known_accounts_file',
               help='Keystone discovery: JSON file where swsync records the '
                    'accounts it synced (written after each run). On later '
                    'runs an account recorded there whose project Keystone '
                    'no longer lists is still synced while its origin '
                    'account holds data, with a warning, and one gone from '
                    'the origin is reported while its destination copy '
                    'remains. Unset: no memory; such accounts are not '
                    'seen.'),
    cfg.ListOpt('include_containers', default=[],
                help='Only containers matching one of these glob patterns '
                     'are synced: "photos*" (in every account) or '
                     '"AUTH_test/photos*". Others are not listed, written '
                     'or deleted.'),
    cfg.ListOpt('exclude_containers', default=[],
                help='Containers matching one of these glob patterns '
                     '("*_segments", "AUTH_test/tmp*") are not synced: '
                     'not listed, not written, never deleted on the '
                     'destination.'),
    cfg.StrOpt('map_accounts_by', default='id', choices=['id', 'name'],
               help='Keystone: "id" when both clusters trust the same '
                    'Keystone (or replicated ones), so an account keeps its '
                    'name; checked at start-up: separate Keystones (the '
                    'destination Keystone does not know the origin\'s '
                    'project ids) are refused. "name" when they have '
                    'separate Keystones: the destination account is that '
                    'of the project with the same domain and name, also '
                    'for [sync] accounts and extra_accounts. ID-based ACLs '
                    'cannot be carried across separate Keystones.'),
    cfg.IntOpt('account_workers', default=4, min=1, max=64,
               help='Accounts walked at once (their containers share '
                    'container_workers).'),
    cfg.IntOpt('container_workers', default=4, min=1, max=256,
               help='Containers walked at once.'),
    cfg.IntOpt('object_workers', default=16, min=1, max=1024,
               help='Object copies, posts and deletes run at once.'),
    cfg.IntOpt('listing_limit', default=10000, min=1,
               help='Names per listing page, lowered to what both '
                    'clusters allow (/info).'),
    cfg.FloatOpt('settle_seconds', default=2.0, min=0.0,
                 help='An object whose destination copy was written less '
                      'than this many seconds after its last origin change '
                      'gets its metadata checked again. Covers clock skew '
                      'between the clusters and in-flight writes.'),
    cfg.BoolOpt('delete', default=True,
                help='Delete destination objects and containers that are '
                     'gone from the origin (after an origin HEAD confirms '
                     '404).'),
    cfg.IntOpt('max_deletes', default=10000, min=0,
               help='Most objects and containers deleted in one run; '
                    'beyond it deletions stop and the exit code is 3. '
                    '0 means no limit.'),
    cfg.FloatOpt('max_delete_fraction', default=0.5, min=0.0, max=1.0,
                 help='Most fraction of a destination container deleted in '
                      'one run (applies to containers holding at least '
                      'delete_fraction_floor objects).'),
    cfg.IntOpt('delete_fraction_floor', default=20, min=0,
               help='Containers with fewer destination objects are not '
                    'held to max_delete_fraction.'),
    cfg.BoolOpt('allow_mass_delete', default=False,
                help='Lift max_deletes and max_delete_fraction and delete '
                     'even when an origin listing turned empty.'),
    cfg.IntOpt('retries', default=5, min=0,
               help='Retries of a request on 5xx, 429, timeouts and '
                    'connection errors, with exponential backoff.'),
    cfg.FloatOpt('retry_max_backoff', default=30.0, min=0.0,
                 help='Longest wait between two retries, in seconds.'),
    cfg.DictOpt('policy_map', default={},
                help='Destination storage policy for an origin policy, as '
                     'origin:destination pairs (e.g. gold:standard). '
                     'Unmapped policies keep their name.'),
    cfg.FloatOpt('expiry_margin_seconds', default=60.0, min=0.0,
                 help='Objects whose X-Delete-At falls within this many '
                      'seconds are not copied: they would expire during '
                      'or right after the copy.'),
    cfg.BoolOpt('preserve_timestamps', default=False,
                help='Send the origin X-Timestamp with every PUT and POST '
                     'so both listings carry the same last_modified. Needs '
                     'a destination proxy with [filter:gatekeeper] '
                     'shunt_inbound_x_timestamp = false; checked at '
                     'start-up.'),
    cfg.StrOpt('state_dir',
               help='Directory of swsync\'s own files (the run lock). '
                    'Default: /var/lib/swsync when it exists and is '
                    'writable (the systemd units create it), otherwise '
                    '$XDG_STATE_HOME/swsync (~/.local/state/swsync).'),
    cfg.StrOpt('lock_file',
               help='Lock held for the whole run, so that two runs on the '
                    'same clusters (a cron overlap) cannot interleave; the '
                    'second one refuses to start. The shards of one run '
                    'share it (each also holds <lock_file>.shard-<i>). '
                    'Its directory must exist. Default: a file in '
                    'state_dir named after both clusters (one per pair, '
                    'reused by every run).'),
    cfg.FloatOpt('shutdown_timeout', default=30.0, min=0.0,
                 help='On SIGINT or SIGTERM, seconds that requests in '
                      'flight get to finish before they are abandoned; '
                      'then lifted destination settings are restored and '
                      'the report is written.'),
    cfg.ListOpt('extra_object_headers', default=[],
                help='Object headers to copy besides the X-Object-Meta-* '
                     'headers, Content-Type and the object server\'s '
                     'default allowed_headers.'),
]

DAEMON_OPTS = [
    cfg.IntOpt('interval', default=3600, min=1,
               help='Daemon mode (--daemon): seconds between the starts of '
                    'two passes (a pass longer than this is followed by the '
                    'next one at once; passes never overlap).'),
]

RUN_LIMIT_OPTS = [
    cfg.IntOpt('max_duration', default=0, min=0,
               help='Stop cleanly this many seconds after the pass started '
                    '(start-up included; 0: no limit), e.g. to keep a '
                    'migration within a nightly window: '
                    'in-flight requests finish, lifted settings are '
                    'restored, the report is written and the exit code is '
                    '4. The next run continues at listing cost.'),
    cfg.IntOpt('max_consecutive_failures', default=10, min=0,
               help='After this many connection failures in a row against '
                    'one cluster (refused, reset, timed out), the run stops '
                    'cleanly with exit code 1 instead of retrying every '
                    'item for minutes. 0: never.'),
]

SHARD_OPTS = [
    cfg.IntOpt('shard_count', default=1, min=1,
               help='Split a run over this many processes (shards), on one '
                    'host or many, with no coordinator: each walks every '
                    'account listing and does its own part (see README, '
                    '"Large clusters"). Also --shard I/N.'),
    cfg.IntOpt('shard_index', min=0,
               help='This process\'s shard, 0 to shard_count - 1. Default: '
                    'the JOB_COMPLETION_INDEX environment variable '
                    '(Kubernetes Indexed Jobs); with shard_count > 1 one '
                    'of them is required.'),
    cfg.StrOpt('run_id',
               help='The same identifier for every shard of one run (all '
                    'shards must split big containers the same way); '
                    'required with shard_count > 1. Default: the '
                    'SWSYNC_RUN_ID environment variable.'),
    cfg.IntOpt('split_threshold', default=1000000, min=2,
               help='A container walked whole whose origin listing has at '
                    'least this many objects is split into name ranges for '
                    'the next sharded runs.'),
    cfg.IntOpt('split_size', default=250000, min=1,
               help='Objects per name range of a split container.'),
    cfg.StrOpt('state_container', default='swsync_state',
               help='Container, in the destination reseller admin\'s own '
                    'account, where sharded runs keep the name ranges of '
                    'split containers. Never synced or deleted by swsync.'),
    cfg.BoolOpt('change_marks', default=True,
                help='Use the origin\'s change marks when its proxies run '
                     'swsync\'s middleware (egg:swiftsync#changes, '
                     'advertised in /info): a container whose mark is the '
                     'one its last complete sync saw is not listed (README, '
                     '"Large clusters"). swsync verify never uses them.'),
    cfg.BoolOpt('assume_change_marks', default=False,
                help='Ask for change marks even when the origin\'s /info '
                     'does not advertise the middleware (a proxy that hides '
                     '/info). A container whose HEAD carries no mark is '
                     'listed as usual.'),
    cfg.FloatOpt('change_mark_interval', default=60.0, min=0.0,
                 help='The middleware\'s min_interval, when /info does not '
                      'say it. Must not be below the proxies\' setting.'),
    cfg.FloatOpt('change_mark_skew', default=5.0, min=0.0,
                 help='Seconds of clock difference allowed between the '
                      'origin\'s proxies when deciding whether a walk may '
                      'record the mark it saw.'),
    cfg.IntOpt('full_walk_days', default=7, min=1,
               help='With change marks, still list every container at '
                    'least once in this many days (each container on its '
                    'own day, by name): the safety net for writes that do '
                    'not pass a marking proxy. 1: every night.'),
    cfg.FloatOpt('shard_wait', default=120.0, min=0.0,
                 help='A sharded run: SLO manifests and static links whose '
                      'segments or targets are another shard\'s to copy are '
                      'tried again for this many seconds at the end.'),
]

# Command-line options of both commands (sync and verify).
CLI_OPTS = [
    cfg.StrOpt('report', help='Write a JSON run report to this file '
                              '(atomically).'),
    cfg.ListOpt('accounts', dest='cli_accounts', metavar='ACCOUNT,...',
                help='Sync (or verify) these accounts, for this run, instead '
                     'of [sync] accounts or Keystone discovery.'),
    cfg.StrOpt('object-workers', dest='cli_object_workers', metavar='N',
               help='[sync] object_workers for this run.'),
    cfg.BoolOpt('quiet', default=False,
                help='Print nothing when all went well (for cron): no '
                     'progress, no stats, no summary; errors still go to '
                     'stderr.'),
]

SYNC_CLI_OPTS = [
    cfg.BoolOpt('dry-run', default=False,
                help='Write nothing; print one JSON line per write a real '
                     'run would make, and what it would copy.'),
    cfg.MultiStrOpt('approve-deletes', default=[], metavar='SCOPE:COUNT',
                    help='Approve, for this run, up to COUNT deletions that '
                         'the safety rules withheld in SCOPE (an account, '
                         'or account/container, as the report names it). '
                         'Repeatable.'),
    cfg.StrOpt('max-deletes', dest='cli_max_deletes', metavar='N',
               help='[sync] max_deletes for this run.'),
    cfg.StrOpt('shard', metavar='I/N',
               help='Run shard I of N (shard_index, shard_count).'),
    cfg.StrOpt('shard-index', dest='cli_shard_index', metavar='I',
               help='[sync] shard_index for this run.'),
    cfg.StrOpt('shard-count', dest='cli_shard_count', metavar='N',
               help='[sync] shard_count for this run.'),
    cfg.StrOpt('run-id', dest='cli_run_id', metavar='ID',
               help='[sync] run_id for this run.'),
    cfg.BoolOpt('daemon', default=False,
                help='Run a pass every [DEFAULT] interval seconds until '
                     'SIGTERM, instead of one pass.'),
]


def list_opts():
    """For oslo-config-generator (etc/swsync-config-generator.conf)."""
    return [('origin', side_opts() + copy.deepcopy(THROTTLE_OPTS)),
            ('destination', side_opts(prefixes=False) +
             copy.deepcopy(THROTTLE_OPTS)),
            ('origin_identity', identity_opts()),
            ('destination_identity', identity_opts()),
            ('sync', copy.deepcopy(SYNC_OPTS + RUN_LIMIT_OPTS +
                                   SHARD_OPTS)),
            ('DEFAULT', copy.deepcopy(DAEMON_OPTS + metrics.OPTS))]


def register(conf):
    """The options known before the files are read; register_auth adds
    each side's authentication options after."""
    register_side(conf, 'origin')
    # [destination] has no reseller_prefixes (see MISPLACED).
    register_side(conf, 'destination', prefixes=False)
    for side in SIDES:
        conf.register_opts(THROTTLE_OPTS, group=side)
    for group in IDENTITY_GROUPS.values():
        conf.register_opts(identity_opts(), group=group)
    conf.register_opts(SYNC_OPTS + RUN_LIMIT_OPTS + SHARD_OPTS,
                       group='sync')
    conf.register_opts(DAEMON_OPTS + metrics.OPTS)
    conf.register_cli_opts(CLI_OPTS)


CLI_OVERRIDES = {'cli_accounts': 'accounts',
                 'cli_object_workers': 'object_workers',
                 'cli_max_deletes': 'max_deletes',
                 'cli_run_id': 'run_id',
                 'cli_shard_index': 'shard_index',
                 'cli_shard_count': 'shard_count'}


def apply_cli_overrides(conf):
    """Command-line values of per-run knobs replace the file's [sync]
    values (so an operator need not edit the file for one run), checked
    like the file's would be."""
    for cli_name, name in CLI_OVERRIDES.items():
        value = getattr(conf, cli_name, None)
        if value is None:
            continue
        if name not in ('accounts', 'run_id'):
            opt = conf._get_opt_info(name, 'sync')['opt']
            try:
                value = opt.type(value)
            except ValueError:
                raise ConfigError('bad value for --%s: %r is not %s' % (
                    name.replace('_', '-'), value, opt.type))
        conf.set_override(name, value, group='sync')


def shard(conf, environ=os.environ):
    """This process's ``shards.Shard`` and the run id: from --shard, the
    [sync] options, or the environment (Kubernetes Indexed Jobs set
    JOB_COMPLETION_INDEX)."""
    from swsync import shards
    count_set = conf.get_location('shard_count', 'sync').location != \
        cfg.Locations.opt_default
    if getattr(conf, 'shard', None):
        shard = shards.parse(conf.shard)
        index = conf.sync.shard_index
        conflicts = []
        if count_set and conf.sync.shard_count != shard.count:
            conflicts.append('shard_count = %d' % conf.sync.shard_count)
        if index is not None and index != shard.index:
            conflicts.append('shard_index = %d' % index)
        if conflicts:
            raise ConfigError(
                '--shard %s conflicts with %s (from the command line, the '
                'environment or a file): give one' % (
                    conf.shard, ', '.join(conflicts)))
    else:
        index = conf.sync.shard_index
        if index is None:
            text = environ.get('JOB_COMPLETION_INDEX')
            if text is None:
                if conf.sync.shard_count > 1:
                    # every process would be shard 0: the others' work
                    # left undone, with exit 0
                    raise ConfigError(
                        'shard_count = %d but no shard index: --shard I/N, '
                        '--shard-index, [sync] shard_index or '
                        'JOB_COMPLETION_INDEX' % conf.sync.shard_count)
                text = '0'
            if not text.isdigit():
                raise ConfigError('JOB_COMPLETION_INDEX %r is not a shard '
                                  'index' % text)
            index = int(text)
        shard = shards.Shard(index, conf.sync.shard_count)
    run_id = conf.sync.run_id or environ.get('SWSYNC_RUN_ID')
    if shard.sharded and not run_id:
        raise ConfigError('a sharded run needs a run id shared by all its '
                          'shards: [sync] run_id, --run-id, or the '
                          'SWSYNC_RUN_ID environment variable (e.g. the '
                          'date, or the Kubernetes Job\'s uid)')
    return shard, run_id


# Keystone plugins and what each needs besides keystoneauth's required
# options: (plugin option present, one of these options must be set).
NEEDS = [
    ('password', ('password',)),
    ('password', ('username', 'user_id')),
    ('token', ('token',)),
    ('application_credential_secret',
     ('application_credential_id', 'application_credential_name')),
]


def validate_side(conf, group):
    """The options a side needs to authenticate, without any request.
    Shared with swfiller ([swift])."""
    side = conf[group]
    if side.auth_type is None:
        for name in ('auth_url', 'username', 'password'):
            if not side[name]:
                raise ConfigError('[%s] %s is required' % (group, name))
    else:
        how = 'with auth_type = %s' % side.auth_type
        if conf.get_location('auth_type', group).location == \
                cfg.Locations.set_default:
            how = 'with auth_version = 3'       # register_auth's default
        _validate_keystone(group, side, how)
    if side.timeout is not None and side.timeout <= 0:
        raise ConfigError('[%s] timeout must be more than 0 seconds' % group)


def _validate_keystone(group, side, how):
    from swsync.client.keystone import endpoint_kwargs
    opts = plugin_opts(side.auth_type, group)
    names = {o.dest for o in opts}
    for opt in opts:
        if opt.required and not side[opt.dest]:
            raise ConfigError('[%s] %s is required %s' % (
                group, opt.dest, how))
    for present, one_of in NEEDS:
        if present in names and not any(side[n] for n in one_of):
            raise ConfigError('[%s] %s is required %s' % (
                group, ' (or '.join(one_of) + ')' * (len(one_of) - 1),
                how))
    if 'application_credential_name' in names and \
            side.application_credential_name and not (
                side.application_credential_id or side.username or
                side.user_id):
        raise ConfigError('[%s] application_credential_name needs username '
                          '(or user_id): names are unique per user' % group)
    if 'application_credential_secret' not in names and \
            'project_name' in names and not (
                side.project_name or side.project_id or side.trust_id):
        raise ConfigError('[%s] project_name (or project_id) is required %s: '
                          'the reseller admin needs a project-scoped token'
                          % (group, how))
    if side.storage_url and side.endpoint_override:
        raise ConfigError('[%s] storage_url and endpoint_override both '
                          'replace the catalog\'s storage URL: keep one'
                          % group)
    try:
        endpoint_kwargs(side)
    except TypeError as exc:
        raise ConfigError('[%s] %s' % (group, exc))


def where(side):
    """What tells two clusters apart in a side's options."""
    values = dict(side.items())
    return (values.get('auth_url'), values.get('storage_url'),
            values.get('endpoint_override'), values.get('region_name'),
            values.get('service_name'), tuple(
                values.get('valid_interfaces') or
                [values.get('interface') or 'public']))


def check_values(conf):
    """Read every option once. oslo.config checks a file's value (type,
    min, max) only when the option is first read: an out-of-range value
    read late (``[DEFAULT] stats_interval = 0``, read when the pass
    starts) was a traceback in the middle of a run instead of exit 2."""
    for name in list(conf):
        value = conf[name]
        if isinstance(value, cfg.ConfigOpts.GroupAttr):
            for option in list(value):
                _finite(name, option, value[option])
        else:
            _finite('DEFAULT', name, value)


def _finite(group, name, value):
    """oslo.config's FloatOpt takes "nan" and "inf", and its min/max let
    them through (nan < 0 is false). No option of swsync means anything
    by them: a NaN limit or skew silently switches a check off, an
    infinite timeout is a traceback in the socket layer."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError('[%s] %s: %r is not a usable number' % (
            group, name, value))


def validate(conf):
    """Check what oslo.config cannot: required and related options."""
    check_values(conf)
    for side in SIDES:
        validate_side(conf, side)
    state = conf.sync.state_container
    if not state.strip() or '/' in state:
        # a PUT of "" or "a/b" fails every run: marks and ranges would
        # never be recorded, each night a full walk, with exit 0
        raise ConfigError('[sync] state_container: %r is not a container '
                          'name' % state)
    bad = [name for name in conf.sync.accounts
           if not name.strip() or '/' in name]
    if bad:
        # an empty name would list the reseller's own URL (/v1/: 412)
        raise ConfigError('[sync] accounts: %r is not an account name '
                          '(empty, or with a "/"; names are separated by '
                          'commas)' % bad[0])
    if where(conf.origin) == where(conf.destination):
        raise ConfigError('origin and destination are the same cluster '
                          '(%s): refusing to sync a cluster onto itself'
                          % safe_url(conf.origin.auth_url))
    if conf.sync.map_accounts_by == 'name' and (
            conf.origin.auth_version != '3' or
            conf.destination.auth_version != '3'):
        raise ConfigError('[sync] map_accounts_by = name needs Keystone '
                          '(auth_type) on both sides')
    if conf.origin.auth_version == '1' and not (
            conf.sync.accounts or conf.sync.account_filter_file):
        raise ConfigError('[sync] accounts (or account_filter_file) is '
                          'required with a tempauth origin: tempauth cannot '
                          'list its accounts')


GROUPS = ('origin', 'destination', 'origin_identity', 'destination_identity',
          'sync')

# Options in a section where they have no effect: a line that explains.
MISPLACED = {
    ('destination', 'reseller_prefixes'):
        'reseller_prefixes is an [origin] option: destination accounts keep '
        'the prefix of their origin account; remove it from [destination]',
}


def check_files(conf, groups=GROUPS):
    """Refuse what oslo.config lets pass: unknown sections and options (a
    typo would silently fall back to a default, e.g. ``delete = true``),
    and read every value now so a bad one fails before anything is
    written."""
    known = {g: set(conf[g].keys()) for g in groups}
    known['DEFAULT'] = set(conf.keys()) - set(groups)
    for path in conf.config_file or []:
        sections = {}
        cfg.ConfigParser(path, sections).parse()
        for section, options in sections.items():
            if section not in known:
                raise ConfigError('%s: unknown section [%s]' % (path,
                                                                section))
            for name in options:
                if (section, name) in MISPLACED:
                    raise ConfigError('%s: %s' % (
                        path, MISPLACED[section, name]))
                if name not in known[section]:
                    raise ConfigError('%s: %s' % (path, _unknown(
                        conf, section, name)))
    for group in groups:
        for name in known[group]:
            conf[group][name]


def _unknown(conf, section, name):
    """Why an option is unknown, naming the auth_type when it belongs to
    another way of authenticating."""
    if section in SIDES and name in {o.dest for o in side_opts()}:
        auth_type = conf[section].auth_type
        if auth_type is None:
            return ('%s in [%s] is a Keystone option, but [%s] uses '
                    'tempauth: set auth_type (e.g. password) or remove it'
                    % (name, section, section))
        return '%s in [%s] is not an option of auth_type = %s' % (
            name, section, auth_type)
    return 'unknown option %s in [%s]' % (name, section)


def secret_options(conf, groups=SIDES):
    """(section, option) pairs whose value is a secret: the options
    registered as secret (tempauth's password, the keystoneauth1 plugin's
    password, application_credential_secret, token...)."""
    found = set()
    for group in groups:
        auth_type = conf[group].auth_type
        opts = TEMPAUTH_OPTS if auth_type is None else plugin_opts(
            auth_type, group)
        found.update((group, o.dest) for o in opts if o.secret)
    return found


def readable_by_others(conf):
    """[(path, ['[section] option', ...])]: config files that other users
    may read and that hold a secret, with the options that hold one."""
    secret = secret_options(conf)
    loose = []
    for path in conf.config_file or []:
        try:
            mode = os.stat(path).st_mode
        except OSError:
            continue
        if not mode & (stat.S_IRGRP | stat.S_IROTH):
            continue
        sections = {}
        try:
            cfg.ConfigParser(path, sections).parse()
        except (OSError, cfg.ParseError):
            continue
        held = ['[%s] %s' % (section, name)
                for section, options in sections.items()
                for name, values in options.items()
                if (section, name.replace('-', '_')) in secret and
                any(v.strip() for v in values)]
        if held:
            loose.append((path, held))
    return loose
