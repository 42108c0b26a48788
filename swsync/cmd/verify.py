"""``swsync verify``: does the destination mirror the origin? Read-only.

Exit codes: 0 it does (within the documented exceptions); 1 differences
(one line each on stdout, all in the JSON report); 2 configuration or
authentication error.
"""
import logging
import sys
import time

from oslo_config import cfg

from swsync.cmd import common
from swsync.cmd import startup
from swsync.client.errors import ConfigError, SyncError
from swsync.report import Report, write_json
from swsync.scope import ContainerScope, state_container
from swsync.verify import LEVELS, Verifier

LOG = logging.getLogger('swsync')
PROG = 'swsync verify'

VERIFY_CLI_OPTS = [
    cfg.StrOpt('level', default='listing', choices=LEVELS,
               help='listing: names and listed content; heads: also every '
                    'account, container and object\'s metadata (a HEAD '
                    'each); content: also the bytes of plain objects '
                    '(streamed on both sides) and the segments of SLO '
                    'manifests.'),
]

DESCRIPTION = ('Compare the destination with the origin without writing '
               'anything: exit 0 when it mirrors the origin, 1 with one '
               'line per difference. Same configuration file as swsync.')
EPILOG = ('exit codes: 0 the destination mirrors the origin (within the '
          'documented exceptions); 1 differences, listed on stdout and in '
          'the report; 2 configuration or authentication error.')


def main(argv):
    try:
        conf = startup.parse(argv, VERIFY_CLI_OPTS, DESCRIPTION, EPILOG,
                             PROG)
    except (cfg.Error, ConfigError, ValueError) as exc:
        return common.die(PROG, common.one_line(exc))
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    startup.setup_logging(conf, conf.quiet)
    report = Report()
    started = time.time()
    try:
        origin, dest, accounts, _known = startup.connect(
            conf, report, dry_run=True)
    except SyncError as exc:
        return common.die(PROG, common.one_line(exc))
    verifier = Verifier(origin, dest, level=conf.level,
                        workers=conf.sync.object_workers,
                        listing_limit=conf.sync.listing_limit,
                        policy_map=conf.sync.policy_map,
                        expiry_margin=conf.sync.expiry_margin_seconds,
                        out=sys.stdout,
                        scope=ContainerScope(
                            conf.sync.include_containers,
                            conf.sync.exclude_containers,
                            state_container(dest.own_account,
                                            conf.sync.state_container)))
    verifier.run(accounts)
    result = verifier.as_dict()
    result.update({'started': started,
                   'duration_seconds': round(time.time() - started, 3),
                   'accounts': accounts,
                   'discovery': {'errors': report.errors,
                                 'warnings': report.warnings}})
    exit_code = verifier.exit_code or (1 if report.errors else 0)
    result['exit_code'] = exit_code
    if conf.report:
        write_json(conf.report, result)
    if not (conf.quiet and exit_code == 0):
        print('swsync verify (%s): %d accounts, %d objects compared, '
              '%d differences, %d errors in %.1fs' % (
                  conf.level, len(accounts), verifier.compared,
                  len(verifier.differences), len(verifier.errors),
                  time.time() - started), file=sys.stderr)
    return exit_code
