"""Accounts of a Keystone origin: projects -> accounts, and their mapping.

Swift has no API that lists accounts; with Keystone, each project's
account is ``<reseller prefix><project id>``. Projects are listed
completely (swsync.keystone.KeystoneAPI: paged, never a truncated list),
disabled ones included: their data still exists. The pure functions
below decide; ``discover`` does the I/O.
"""
import email.utils
import logging

from swsync.errors import AuthError, ConfigError
from swsync.keystone import KeystoneAPI, Project

LOG = logging.getLogger(__name__)

__all__ = ['Project', 'account_pairs', 'discover', 'filter_projects',
           'list_projects', 'looks_autocreated', 'unused_account']


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


def list_projects(auth, side):
    """All projects of a Keystone, disabled ones included, every page."""
    return KeystoneAPI(auth).projects()


def discover(conf, origin, dest, report):
    """Account pairs (origin, destination) for a Keystone origin.

    Accounts that were never used (no Swift account behind the project)
    are skipped: syncing them would create empty accounts. Projects with
    no twin on a separate destination Keystone are reported as errors.
    """
    import eventlet

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

    def probe(triple):
        resp = origin.request('HEAD', origin.path(triple[0]),
                              ok=(200, 204, 401, 403, 404, 410))
        return triple, resp.status_code, resp.headers
    pairs = []
    pool = eventlet.GreenPool(16)
    for triple, status, headers in pool.imap(probe, triples):
        o_acct, d_acct, project = triple
        if status in (401, 403):
            raise AuthError('origin: the user may not access account %s '
                            '(%d): it needs the reseller admin role' % (
                                o_acct, status))
        if status in (404, 410) or unused_account(
                {k.lower(): v for k, v in headers.items()}):
            report.count('accounts_unused')
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
