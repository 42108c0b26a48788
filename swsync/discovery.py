"""Accounts of a Keystone origin: projects -> accounts, and their mapping.

Swift has no API that lists accounts; with Keystone, each project's
account is ``<reseller prefix><project id>``. Projects are listed
completely (swsync.keystone.KeystoneAPI: paged, never a truncated list),
disabled ones included: their data still exists. The pure functions
below decide; ``discover`` does the I/O.
"""
import email.utils
import logging

from swsync.errors import AuthError, ConfigError, SyncError
from swsync.keystone import KeystoneAPI, Project

LOG = logging.getLogger(__name__)

__all__ = ['Project', 'account_pairs', 'discover', 'filter_projects',
           'list_projects', 'looks_autocreated', 'unused_account']

# What an origin account's HEAD means for the run.
SYNC, UNUSED, DELETED, DENIED, FAILED = (
    'sync', 'unused', 'deleted', 'denied', 'failed')


def looks_autocreated(headers):
    """A proxy with account_autocreate answers for a nonexistent account
    with a fake empty listing whose X-Timestamp is "now" (swift
    account/utils.py FakeAccountBroker); a real account's X-Timestamp is
    its creation time."""
    try:
        created = float(headers.get('x-timestamp'))
        now = email.utils.parsedate_to_datetime(
            headers.get('date')).timestamp()
    except (TypeError, ValueError):
        return False
    return abs(now - created) < 2.0


def unused_account(headers):
    """Never used: an autocreated answer with no container."""
    return (int(headers.get('x-account-container-count') or 0) == 0 and
            looks_autocreated(headers))


def filter_projects(projects, wanted, prefixes):
    """Projects named in the filter (by project name or account name).

    A filter name that matches nothing is an error: a typo would silently
    drop a tenant from the nightly sync.
    """
    if wanted is None:
        return list(projects)
    wanted = list(dict.fromkeys(wanted))
    keep, matched = [], set()
    for p in projects:
        names = {p.name, p.id} | {prefix + p.id for prefix in prefixes}
        hits = names.intersection(wanted)
        if hits:
            keep.append(p)
            matched.update(hits)
    unknown = [w for w in wanted if w not in matched]
    if unknown:
        raise ConfigError('account_filter_file names unknown projects or '
                          'accounts: %s' % ', '.join(unknown[:5]))
    return keep


def account_pairs(projects, prefixes, dest_projects=None):
    """(origin account, destination account or None, project) triples.

    With ``dest_projects`` (separate Keystones), the destination account
    is that of the project with the same (domain, name); None when the
    destination has no such project.
    """
    by_name = None
    if dest_projects is not None:
        by_name = {(p.domain, p.name): p for p in dest_projects}
    out = []
    for p in projects:
        for prefix in prefixes:
            origin_account = prefix + p.id
            if by_name is None:
                dest_account = origin_account
            else:
                twin = by_name.get((p.domain, p.name))
                dest_account = prefix + twin.id if twin else None
            out.append((origin_account, dest_account, p))
    return out


def probe_verdict(status, headers):
    """What an origin account's HEAD status means for the run; ``status``
    None is a transport failure."""
    if status in (401, 403):
        return DENIED
    if status == 410:
        return DELETED
    if status == 404:
        return UNUSED
    if status is not None and 200 <= status < 300:
        return UNUSED if unused_account(headers) else SYNC
    return FAILED


def lacks_reseller_role(verdicts, own_account):
    """True when every probed account other than the user's own was
    refused (401/403): the role is missing, not one account broken."""
    others = {a: v for a, v in verdicts.items() if a != own_account}
    return bool(others) and all(v == DENIED for v in others.values())


def list_projects(auth, side):
    """All projects of a Keystone, disabled ones included, every page."""
    return KeystoneAPI(auth).projects()


def discover(conf, origin, dest, report):
    """Account pairs (origin, destination) for a Keystone origin.

    Accounts that were never used (no Swift account behind the project)
    are skipped: syncing them would create empty accounts. Projects with
    no twin on a separate destination Keystone, and accounts whose HEAD
    fails, are reported as errors and the others synced; 401/403 on
    every account but the user's own means it lacks the reseller role.
    """
    from swsync.accounts import read_filter_file
    prefixes = conf.origin.reseller_prefixes
    projects = list_projects(origin.auth, 'origin')
    listed = len(projects)
    wanted = None
    if conf.sync.account_filter_file:
        wanted = read_filter_file(conf.sync.account_filter_file)
    projects = filter_projects(projects, wanted, prefixes)
    dest_projects = None
    if conf.sync.map_accounts_by == 'name':
        dest_projects = list_projects(dest.auth, 'destination')
    triples = account_pairs(projects, prefixes, dest_projects)

    probes = probe_accounts(origin, [t[0] for t in triples])
    verdicts = {a: probe_verdict(status, headers)
                for a, (status, headers, _exc) in probes.items()}
    own = origin.storage_url.rstrip('/').rsplit('/', 1)[1]
    if lacks_reseller_role(verdicts, own):
        account = next(a for a in verdicts if a != own)
        raise AuthError('origin: the user may not access account %s (%s): '
                        'it needs the reseller admin role' % (
                            account, probes[account][0]))
    pairs = []
    for o_acct, d_acct, project in triples:
        status, headers, exc = probes[o_acct]
        verdict = verdicts[o_acct]
        if verdict in (UNUSED, DELETED):
            report.count('accounts_unused')
            continue
        if verdict in (DENIED, FAILED):
            report.error(o_acct, 'origin account not readable, not '
                         'synced: %s' % (exc or 'HEAD -> %s' % status))
            report.account_list('failed', o_acct)
            continue
        if d_acct is None:
            report.error(o_acct, 'project %s/%s does not exist on the '
                         'destination Keystone' % (project.domain,
                                                   project.name))
            continue
        pairs.append((o_acct, d_acct))
    report.accounts['projects'] = listed
    LOG.info('%d projects, %d accounts to sync', len(projects), len(pairs))
    return pairs


def probe_accounts(cluster, accounts, workers=16):
    """HEAD each account: {account: (status or None, headers, error)}.
    Failures are values: one broken account must not stop the others."""
    import eventlet

    def probe(account):
        try:
            resp = cluster.request('HEAD', cluster.path(account), ok=(
                200, 201, 202, 203, 204, 401, 403, 404, 410))
        except SyncError as exc:
            return account, getattr(exc, 'status', None), {}, exc
        except Exception as exc:    # a bug: keep it one line, say so
            LOG.exception('probing account %s', account)
            return account, None, {}, 'internal error: %r' % exc
        headers = {k.lower(): v for k, v in resp.headers.items()}
        return account, resp.status_code, headers, None
    pool = eventlet.GreenPool(workers)
    return {a: (status, headers, exc)
            for a, status, headers, exc in pool.imap(probe, accounts)}
