"""The ``swfiller`` command: fill a test cluster, or delete what it wrote.

    swfiller --config-file etc/swfiller.conf create -a 2 -c 3 -f 10 -s 4096
    swfiller --config-file etc/swfiller.conf delete

With tempauth (``[swift] auth_version = 1``) it writes into existing or
autocreated accounts. With Keystone (``auth_version = 3``) it first creates
the projects and users (see swfiller.keystone), and delete removes them
after their data.

Exit codes: 0 done; 1 some requests failed (the index still lists what
was written); 2 bad configuration, command line or authentication
(nothing written), with one line on stderr.
"""
import argparse
import contextlib
import dataclasses
import io
import os
import random
import sys
import time
import warnings

# eventlet is the chosen concurrency stack; its import-time deprecation
# notice is not for our users.
warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
import eventlet  # noqa: E402

PROG = 'swfiller'
DEFAULT_INDEX = 'swfiller-index.json'
USERS_HELP = ('users per account. With Keystone (auth_version = 3) each '
              'project gets this many new users with generated passwords '
              '(recorded in the index) and the [filler] '
              'keystone_operator_role; with tempauth (auth_version = 1) '
              'users cannot be created: none are, and the index records 0 '
              'users')
FEATURES = ('slo', 'dlo', 'symlinks', 'expiring', 'acls', 'versioned',
            'gzip', 'headers', 'policies')


class UsageError(Exception):
    """Bad command line or configuration: one line, exit code 2."""


def _count(text):
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(
            'must be a whole number >= 0, not %r' % text)
    return value


def _add_commands(subparsers):
    create = subparsers.add_parser(
        'create', help='write data and an index of it',
        description='Write accounts, containers and objects, and record '
                    'them in the index (JSON).')
    create.add_argument('-a', '--accounts', type=_count, default=1,
                        help='number of accounts (default %(default)s). '
                             'Tempauth: the first of [filler] accounts, or '
                             'else generated names AUTH_swfiller-<seed>-<n>. '
                             'Keystone: new projects swfiller-<seed>-<n>, '
                             'filled through their accounts '
                             'AUTH_<project id>')
    create.add_argument('-u', '--users', type=_count, default=0,
                        help=USERS_HELP)
    create.add_argument('-c', '--containers', type=_count, default=2,
                        help='containers per account (default '
                             '%(default)s), besides the _segments, '
                             '_archive and big containers features add')
    create.add_argument('-f', '--files', type=_count, default=10,
                        help='files (objects) per container (default '
                             '%(default)s)')
    create.add_argument('-s', '--max-size', type=_count, default=1024,
                        help='largest object size in bytes (default '
                             '%(default)s)')
    create.add_argument('--seed', type=_count,
                        help='same seed, same data (default: random, '
                             'printed and recorded in the index)')
    create.add_argument('--index', default=DEFAULT_INDEX,
                        help='index file to write (default %(default)s); '
                             'an existing index is only replaced after '
                             'its data was deleted')
    create.add_argument('--profile', choices=('plain', 'nasty'),
                        default='plain',
                        help='nasty turns every feature below on, and '
                             '--big-container to the listing limit + 10')
    create.add_argument('--slo', action='store_true',
                        help='static large objects (segments in '
                             '<container>_segments), one with a range')
    create.add_argument('--dlo', action='store_true',
                        help='dynamic large objects (X-Object-Manifest)')
    create.add_argument('--symlinks', action='store_true',
                        help='dynamic, static, chained, cross-account and '
                             'dangling symlinks')
    create.add_argument('--expiring', action='store_true',
                        help='objects with X-Delete-At one day ahead')
    create.add_argument('--acls', action='store_true',
                        help='container read/write ACLs and an account ACL')
    create.add_argument('--versioned', action='store_true',
                        help='one legacy versioned container per account '
                             '(X-Versions-Location) with archived versions')
    create.add_argument('--gzip', action='store_true',
                        help='objects with Content-Encoding: gzip')
    create.add_argument('--headers', action='store_true',
                        help='Content-Disposition, Content-Language, '
                             'Cache-Control, Expires, X-Robots-Tag')
    create.add_argument('--policies', action='store_true',
                        help='spread containers over [filler] '
                             'storage_policies')
    create.add_argument('--big-container', type=_count, metavar='N',
                        help='one container with N objects (more than a '
                             'listing page)')
    delete = subparsers.add_parser(
        'delete', help='delete what an index lists',
        description='Delete every object the index lists, the containers '
                    'it created, and the metadata it set; then, with '
                    'Keystone, the users and projects it created. Nothing '
                    'else.')
    delete.add_argument('--index', default=DEFAULT_INDEX,
                        help='index file to read (default %(default)s)')


def parse_args(argv):
    """Parsed configuration (oslo.config), or UsageError with one line.

    argparse prints usage and exits on a bad command line; its message is
    caught here so that the user gets one line like every other error.
    """
    from oslo_config import cfg
    from oslo_log import log

    from swfiller import config
    from swsync import config as swsync_config
    from swsync import usage
    from swsync.client.errors import ConfigError

    conf = cfg.ConfigOpts()
    config.register(conf)
    conf.register_cli_opt(cfg.SubCommandOpt(
        'command', title='commands', handler=_add_commands,
        help='create or delete'))
    log.register_options(conf)
    log.set_defaults(default_log_levels=[
        'swiftclient=WARN', 'urllib3=WARN', 'requests=WARN',
        'eventlet=WARN', 'iso8601=WARN', 'stevedore=WARN',
        'oslo_config=WARN'])
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            conf(argv, project=PROG, prog=PROG, default_config_files=[])
    except cfg.Error as exc:
        raise UsageError(_one_line(exc))
    except SystemExit as exc:
        if not exc.code:  # --help
            raise
        message = usage.command_line_error(err.getvalue())
        if message.endswith('required: command'):
            message = 'a command is required: create or delete'
        raise UsageError(message)
    try:
        swsync_config.register_auth(conf, ['swift'])
        swsync_config.validate_side(conf, 'swift')
    except (cfg.Error, ConfigError) as exc:
        raise UsageError(_one_line(exc))
    _validate(conf)
    return conf


def _keystone(conf):
    return conf.swift.auth_version == '3'


def _validate(conf):
    cmd = conf.command
    if cmd.name == 'create':
        names = conf.filler.accounts
        if names and _keystone(conf):
            raise UsageError('[filler] accounts is for tempauth: with '
                             'Keystone swfiller creates its own projects')
        if names and cmd.accounts > len(names):
            raise UsageError('-a %d but [filler] accounts lists %d' % (
                cmd.accounts, len(names)))


def _one_line(exc):
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else exc.__class__.__name__


def _die(message):
    print('%s: error: %s' % (PROG, message), file=sys.stderr)
    return 2


def main(argv=None):
    # Green sockets before requests/urllib3 open any connection.
    eventlet.monkey_patch()
    from oslo_log import log

    from swsync.client.errors import SyncError

    argv = sys.argv[1:] if argv is None else argv
    try:
        conf = parse_args(argv)
    except UsageError as exc:
        return _die(exc)
    log.setup(conf, PROG)
    try:
        cluster = _cluster(conf)
        if conf.command.name == 'create':
            return _create(conf, cluster)
        return _delete(conf, cluster)
    except (UsageError, SyncError) as exc:  # before anything is written
        return _die(_one_line(exc))
    except KeyboardInterrupt:
        # create has still written the index of what it did.
        print('%s: interrupted' % PROG, file=sys.stderr)
        return 130


def _cluster(conf):
    from swsync.client import make_auth
    from swsync.client.swift import Cluster
    cluster = Cluster('swift', make_auth('swift', conf, 'swift'), conf.swift,
                      conf.filler.concurrency + 2,
                      retries=conf.filler.retries,
                      max_backoff=conf.filler.retry_max_backoff)
    cluster.auth.credentials()
    return cluster


def _preflight(cluster, account):
    """The user must reach other accounts (reseller admin) before
    anything is written."""
    from swsync.client.errors import AuthError, SyncError
    try:
        cluster.request('HEAD', cluster.path(account), ok=(200, 204, 404),
                        retry=False)
    except SyncError as exc:
        if getattr(exc, 'status', None) in (401, 403):
            raise AuthError('the user may not access account %s (%s): it '
                            'needs the reseller admin role' % (
                                account, exc.status))
        raise AuthError('cannot access account %s: %s' % (account, exc))


def _info_limits(info):
    swift = info.get('swift', {})
    limit = int(swift.get('container_listing_limit', 10000))
    policies = [p['name'] for p in swift.get('policies', []) if 'name' in p]
    return limit, policies


def _options(conf, cluster, listing_limit, cluster_policies):
    from swfiller.generator import Options
    cmd = conf.command
    nasty = cmd.profile == 'nasty'
    flags = {f: nasty or bool(getattr(cmd, f)) for f in FEATURES}
    policies = ()
    if flags.pop('policies'):
        policies = tuple(conf.filler.storage_policies or cluster_policies)
        unknown = [p for p in policies
                   if cluster_policies and p not in cluster_policies]
        if unknown:
            raise UsageError('storage policy %s is not on the cluster (it '
                             'has %s)' % (', '.join(unknown),
                                          ', '.join(cluster_policies)))
    big = cmd.big_container
    if big is None:
        big = listing_limit + 10 if nasty else 0
    seed = cmd.seed
    if seed is None:
        seed = random.SystemRandom().randrange(1000000)
    prefixes = conf.swift.reseller_prefixes or ['AUTH_']
    return Options(seed=seed, accounts=cmd.accounts, users=cmd.users,
                   containers=cmd.containers, files=cmd.files,
                   max_size=cmd.max_size,
                   account_names=tuple(conf.filler.accounts),
                   account_prefix=prefixes[0], big_container=big,
                   policies=policies, **flags)


def _check_index_free(path):
    """Never overwrite the only record of data still on a cluster."""
    from swfiller import index
    directory = os.path.dirname(os.path.abspath(path))
    if not os.access(directory, os.W_OK):
        raise UsageError('cannot write the index into %s' % directory)
    if not os.path.exists(path):
        return
    try:
        doc = index.read(path)
    except index.BadIndex:
        raise UsageError('%s exists and is not a swfiller index: choose '
                         'another --index' % path)
    if not doc.get('deleted'):
        raise UsageError('index %s exists and its data was not deleted: '
                         'run delete first or choose another --index' %
                         path)


def _create(conf, cluster):
    from swfiller import index
    from swfiller.generator import make_plan
    from swfiller.progress import Progress, human
    from swfiller.writer import Writer

    cmd = conf.command
    _check_index_free(cmd.index)
    listing_limit, cluster_policies = _info_limits(cluster.info())
    options = _options(conf, cluster, listing_limit, cluster_policies)
    started = time.time()
    identities = None
    if _keystone(conf):
        identities, options = _create_identities(conf, cluster, options,
                                                 started)
        if identities is None:
            return 1
    plan = make_plan(options)
    if plan.accounts and identities is None:
        _preflight(cluster, plan.accounts[0].name)
    if cmd.users and identities is None:
        print('%s: note: tempauth cannot create users; 0 users created '
              '(-u %d ignored)' % (PROG, cmd.users), file=sys.stderr)
    writer = Writer(cluster, plan, conf.filler.concurrency,
                    listing_limit=listing_limit)
    progress = Progress('create', writer.steps())
    try:
        writer.run(progress)
    finally:
        progress.finish()
        index.write(cmd.index, _index_doc(conf, cluster, plan, writer.results,
                                          options, started, writer.errors,
                                          identities))
    elapsed = progress.elapsed()
    print('%s: seed %d: %d accounts, %d containers, %d objects, %s in '
          '%.1f s (%.1f objects/s), %d failed; index %s' % (
              PROG, options.seed, len(plan.accounts), len(plan.containers),
              writer.writes, human(writer.bytes), elapsed,
              writer.writes / elapsed, len(writer.errors), cmd.index))
    if identities is not None:
        print('%s: Keystone: %d projects (%d new), %d new users with role '
              '%s' % (PROG, len(identities.projects),
                      sum(p['created'] for p in identities.projects),
                      len(identities.users),
                      conf.filler.keystone_operator_role))
    return 1 if writer.errors else 0


def _create_identities(conf, cluster, options, started):
    """Keystone mode: the projects and users to fill, and the options that
    point the plan at their accounts. Rights are checked before anything
    is created (exit code 2); when Keystone fails half-way, the index of
    what was created is written and (None, options) returned."""
    from swfiller import index
    from swfiller import keystone
    from swfiller.generator import make_plan

    # The account of a project that does not exist: only a reseller admin
    # may look at it.
    _preflight(cluster, '%sswfiller-%d-preflight' % (options.account_prefix,
                                                     options.seed))
    identities = keystone.Identities(
        keystone.client(cluster.auth, conf.swift), options.seed,
        conf.filler.keystone_domain, conf.filler.keystone_operator_role,
        username=cluster.auth.who)
    identities.prepare()
    try:
        identities.create(options.accounts, options.users)
    except BaseException as exc:
        failed = isinstance(exc, keystone.IdentityError)
        empty = dataclasses.replace(options, accounts=0, account_names=())
        index.write(conf.command.index, _index_doc(
            conf, cluster, make_plan(empty), None, empty, started,
            [str(exc)] if failed else [], identities))
        if not failed:
            raise
        print('%s: error: %s; index %s lists the %d project(s) and %d '
              'user(s) created: run delete' % (
                  PROG, exc, conf.command.index, len(identities.projects),
                  len(identities.users)), file=sys.stderr)
        return None, options
    prefix = options.account_prefix
    return identities, dataclasses.replace(
        options, account_names=identities.accounts(prefix),
        acl_grantees=identities.grantees(), account_acls=False)


def _index_doc(conf, cluster, plan, results, options, started, errors,
               identities):
    from swfiller import index
    info = {'seed': options.seed,
            'created_at': _iso(started),
            'storage_url_base': cluster.base_url,
            'options': _jsonable(options),
            'errors': errors}
    if identities is None:
        info['users'] = {'requested': options.users, 'created': [],
                         'note': 'tempauth cannot create users'}
    else:
        record = identities.record(conf.swift.auth_url,
                                   options.account_prefix)
        info['keystone'] = record['keystone']
        info['projects'] = record['projects']
        info['users'] = {'requested': options.users,
                         'created': record['created'],
                         'existing': record['existing']}
    results = results or {'accounts': {}, 'containers': {}, 'objects': {},
                          'versions': {}}
    return index.build(plan, results, info)


def _delete(conf, cluster):
    from swfiller import index
    from swfiller.deleter import Deleter
    from swfiller.progress import Progress

    path = conf.command.index
    try:
        doc = index.read(path)
    except index.BadIndex as exc:
        raise UsageError(str(exc))
    if doc.get('storage_url_base') != cluster.base_url:
        raise UsageError('index %s was written for %s, not %s' % (
            path, doc.get('storage_url_base'), cluster.base_url))
    identities = _identity_deleter(conf, cluster, doc, path)
    info = cluster.info()
    listing_limit, _policies = _info_limits(info)
    if identities is not None:
        identities.listing_limit = int(info.get('swift', {}).get(
            'account_listing_limit', 10000))
    deleter = Deleter(cluster, doc, conf.filler.concurrency,
                      listing_limit=listing_limit)
    progress = Progress('delete', deleter.total())
    try:
        deleter.run(progress)
    finally:
        progress.finish()
    elapsed = progress.elapsed()
    kept = len(deleter.containers_kept)
    print('%s: deleted %d objects (%d already gone), %d containers in '
          '%.1f s (%.1f objects/s); kept %d container(s) holding other '
          'objects; %d failed' % (
              PROG, deleter.deleted, deleter.missing,
              deleter.containers_deleted, elapsed,
              (deleter.deleted + deleter.missing) / elapsed, kept,
              len(deleter.errors)))
    if deleter.errors:
        if identities is not None:
            print('%s: Keystone users and projects kept until their data is '
                  'deleted' % PROG, file=sys.stderr)
        return 1
    if identities is not None:
        identities.run()
        print('%s: Keystone: deleted %d users and %d projects; kept %d '
              'project(s) whose account holds other containers; %d '
              'failed' % (PROG, identities.users_deleted,
                          identities.projects_deleted,
                          len(identities.kept), len(identities.errors)))
        if identities.errors:
            return 1
    doc['deleted'] = _iso(time.time())
    index.write(path, doc)
    return 0


def _identity_deleter(conf, cluster, doc, path):
    """Keystone indexes: the deleter of their users and projects, after a
    check (before anything is deleted) that the index is for this Keystone
    and that the user may manage identities."""
    from swfiller import keystone
    record = doc.get('keystone')
    if record is None:
        return None
    if not _keystone(conf):
        raise UsageError('index %s was written with Keystone (%s): set '
                         '[swift] auth_version = 3' % (
                             path, record.get('auth_url')))
    if record.get('auth_url') != conf.swift.auth_url:
        raise UsageError('index %s was written for Keystone %s, not %s' % (
            path, record.get('auth_url'), conf.swift.auth_url))
    ks = keystone.client(cluster.auth, conf.swift)
    deleter = keystone.IdentityDeleter(ks, doc, cluster,
                                       username=cluster.auth.who)
    deleter.check()
    return deleter


def _iso(ts):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(ts))


def _jsonable(options):
    out = dataclasses.asdict(options)
    for key in ('account_names', 'policies', 'acl_grantees'):
        out[key] = list(out[key])
    return out


if __name__ == '__main__':
    sys.exit(main())
