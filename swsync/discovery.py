"""Which accounts a run syncs, and which destination account each goes to.

Swift has no API that lists accounts. With a Keystone origin and no
``[sync] accounts``, discovery finds them:

1. every project of the origin Keystone, read completely (paged; a list
   Keystone truncates without paging is an error, never a short list),
   disabled projects included (their data still exists);
2. one account per project and origin reseller prefix,
   ``<prefix><project id>``;
3. only those the filter file names, when there is one (an account name
   selects that account, a project id, name or ``domain/name`` every
   account of the project);
4. each mapped to its destination account (below);
5. HEAD on the origin: an account that answers as never used (404, or
   an autocreated empty answer) is skipped; one deleted (410) is skipped
   and reported when its destination copy still holds containers; one
   that fails is reported (exit 1) and the others are synced; 401/403 on
   every account but the user's own means the user lacks the reseller
   role (exit 2).

``[sync] extra_accounts`` are synced in addition (accounts of deleted
projects, other prefixes). With ``[sync] known_accounts_file``, the
accounts earlier runs synced that Keystone no longer lists (project
deleted) are probed too: synced with a warning while they hold data,
reported when gone from the origin while a destination copy remains
(swsync.known_accounts). ``[sync] accounts`` replaces discovery.

Mapping: ``map_accounts_by = id`` keeps the account name; it needs both
clusters to trust Keystones that share project ids, which is checked
(separate Keystones are refused). ``name``: the destination account is
``<same prefix><id of the destination project with the same domain and
name>``; an origin project without such a twin is reported.

The pure functions decide; ``plan``, ``discover`` and the helpers below
them do the I/O.
"""
import logging
from dataclasses import dataclass
from typing import Optional

from swsync.client.errors import AuthError, ConfigError, SyncError, \
    safe_url
from swsync.client.keystone import KeystoneAPI, Project
from swsync.headers import http_date

LOG = logging.getLogger(__name__)

__all__ = ['Project', 'plan', 'looks_autocreated', 'unused_account']

# What an origin account's HEAD means for the run.
SYNC, UNUSED, DELETED, DENIED, FAILED = (
    'sync', 'unused', 'deleted', 'denied', 'failed')


@dataclass(frozen=True)
class Candidate:
    """One origin account and the project it belongs to (None: not a
    project's account, e.g. an extra account)."""
    account: str
    project: Optional[Project] = None


# --- pure decisions ---------------------------------------------------------
def looks_autocreated(headers):
    """A proxy with account_autocreate answers for a nonexistent account
    with a fake empty listing whose X-Timestamp is "now" (swift
    account/utils.py FakeAccountBroker); a real account's X-Timestamp is
    its creation time."""
    now = http_date(headers.get('date'))
    try:
        created = float(headers.get('x-timestamp'))
    except (TypeError, ValueError):
        return False
    return now is not None and abs(now - created) < 2.0


def unused_account(headers):
    """Never used: an autocreated answer with no container."""
    return (int(headers.get('x-account-container-count') or 0) == 0 and
            looks_autocreated(headers))


def candidates(projects, prefixes):
    """One candidate account per project and reseller prefix."""
    return [Candidate(prefix + p.id, p) for p in projects
            for prefix in prefixes]


def filter_names(candidate):
    """The filter-file lines that select a candidate."""
    p = candidate.project
    names = {candidate.account}
    if p is not None:
        names |= {p.id, p.name, '%s/%s' % (p.domain, p.name)}
    return names


def filter_candidates(cands, wanted):
    """Candidates named in the filter file.

    A line is an account name (that account only, so ``AUTH_<id>`` does
    not select ``SERVICE_<id>``), a project id, a project name, or
    ``domain/name`` (every account of that project). A bare name selects
    the projects of that name in every domain. A line that matches
    nothing is an error: a typo would silently drop a tenant from the
    nightly sync; a file without any name is an error too.
    """
    if wanted is None:
        return list(cands)
    wanted = list(dict.fromkeys(wanted))
    if not wanted:
        raise ConfigError('account_filter_file names no account or project '
                          '(only blank lines and comments): nothing would '
                          'be synced')
    keep, matched = [], set()
    for c in cands:
        hits = filter_names(c).intersection(wanted)
        if hits:
            keep.append(c)
            matched.update(hits)
    unknown = [w for w in wanted if w not in matched]
    if unknown:
        raise ConfigError('account_filter_file names unknown projects or '
                          'accounts: %s' % ', '.join(unknown[:5]))
    return keep


def split_account(account, prefixes):
    """(prefix, project id) of a Keystone account name, or None. The
    longest matching prefix wins (``''`` matches everything)."""
    for prefix in sorted(prefixes, key=len, reverse=True):
        if account.startswith(prefix) and len(account) > len(prefix):
            return prefix, account[len(prefix):]
    return None


def map_by_name(cands, prefixes, dest_projects):
    """(candidate, destination account or None, reason) for separate
    Keystones: the account of the destination project with the same
    domain and name, under the same prefix."""
    twins = {(p.domain, p.name): p for p in dest_projects}
    out = []
    for c in cands:
        split = split_account(c.account, prefixes)
        if c.project is None or split is None:
            out.append((c, None, 'not the account of an origin project '
                        '(<reseller prefix><project id>): cannot map it by '
                        'name; name its destination in extra_accounts as '
                        'ORIGIN:DESTINATION'))
            continue
        twin = twins.get((c.project.domain, c.project.name))
        if twin is None:
            where = '%s/%s' % (c.project.domain, c.project.name)
            out.append((c, None, 'project %s does not exist on the '
                        'destination Keystone' % where))
            continue
        out.append((c, split[0] + twin.id, None))
    return out


def parse_extra(entries):
    """``[sync] extra_accounts`` entries: (origin, destination or None)."""
    out = []
    for entry in entries:
        origin, sep, dest = entry.strip().partition(':')
        origin, dest = origin.strip(), dest.strip()
        if not origin or (sep and not dest) or ':' in dest:
            raise ConfigError('[sync] extra_accounts: %r is not ACCOUNT or '
                              'ORIGIN_ACCOUNT:DESTINATION_ACCOUNT' % entry)
        out.append((origin, dest or None))
    return out


def probe_verdict(status, headers):
    """What an origin account's HEAD status means (see the module
    docstring); ``status`` None is a transport failure."""
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


# --- I/O --------------------------------------------------------------------
def plan(conf, origin, dest, report, names=None, known=None):
    """(origin account, destination account) pairs of this run.

    ``names``: the accounts given by ``[sync] accounts`` (and the filter
    file), or None to discover them (Keystone origin). ``known``: see
    discover().
    """
    sync = conf.sync
    extra = parse_extra(sync.extra_accounts)
    keystone_both = (conf.origin.auth_version == '3' and
                     conf.destination.auth_version == '3')
    by_name = sync.map_accounts_by == 'name'
    if keystone_both and not by_name:
        check_shared_project_ids(conf, origin, dest, report)
    origin_api = dest_projects = None
    if conf.origin.auth_version == '3':
        origin_api = KeystoneAPI(origin.auth)
    if by_name:
        dest_projects = KeystoneAPI(dest.auth).projects()
    if names is None:
        pairs = discover(conf, origin, dest, report, origin_api,
                         dest_projects, known)
    else:
        pairs = _named_pairs(conf, report, [(n, None) for n in names],
                             origin_api, dest_projects)
    seen = {o for o, _d in pairs}
    extra = [(o, d) for o, d in extra if o not in seen]
    if extra:
        pairs += _named_pairs(conf, report, extra, origin_api,
                              dest_projects)
        report.accounts['extra'] = [o for o, _d in extra]
    return pairs


def _named_pairs(conf, report, named, origin_api, dest_projects):
    """Pairs for accounts given by name (``accounts``, ``extra_accounts``):
    the same name, an explicit destination, or mapped by name."""
    if dest_projects is None:
        return [(o, d or o) for o, d in named]
    prefixes = conf.origin.reseller_prefixes
    by_id = {p.id: p for p in origin_api.projects()}
    pairs, todo = [], []
    for o, d in named:
        if d:
            pairs.append((o, d))
            continue
        split = split_account(o, prefixes)
        todo.append(Candidate(o, by_id.get(split[1]) if split else None))
    for c, d_acct, why in map_by_name(todo, prefixes, dest_projects):
        if d_acct is None:
            report.error(c.account, why)
        else:
            pairs.append((c.account, d_acct))
    return pairs


def check_shared_project_ids(conf, origin, dest, report):
    """With ``map_accounts_by = id`` both clusters must trust Keystones
    that share project ids (one Keystone, or replicated ones); otherwise
    every account would be written where no destination project owns it.

    Same auth_url: the same Keystone. Otherwise the destination Keystone
    is asked whether it knows the origin user's project id (or, when it
    refuses to say, the origin Keystone about the destination's).
    """
    if conf.origin.auth_url.rstrip('/') == \
            conf.destination.auth_url.rstrip('/'):
        return
    known = KeystoneAPI(dest.auth).knows_project(origin.auth.project_id())
    if known is None:
        known = KeystoneAPI(origin.auth).knows_project(
            dest.auth.project_id())
    if known is None:
        report.warn('keystone', 'cannot check that the origin and '
                    'destination Keystones share project ids (both refuse '
                    'to read projects): with map_accounts_by = id the '
                    'destination accounts keep the origin project ids')
    elif not known:
        raise ConfigError(
            'the destination Keystone (%s) does not know the origin\'s '
            'project ids: the clusters trust separate Keystones, and with '
            'map_accounts_by = id the data would go into accounts no '
            'destination project owns; set [sync] map_accounts_by = name'
            % safe_url(conf.destination.auth_url))


def discover(conf, origin, dest, report, origin_api, dest_projects=None,
             known=None):
    """Account pairs of a Keystone origin (see the module docstring).

    ``known``: the accounts earlier runs synced (known_accounts.load), or
    None; those Keystone no longer lists are probed too, and the dict is
    updated in place with this run's accounts (for known_accounts.save).
    """
    from swsync.accounts import read_filter_file
    prefixes = conf.origin.reseller_prefixes
    projects = origin_api.projects()
    wanted = None
    if conf.sync.account_filter_file:
        wanted = read_filter_file(conf.sync.account_filter_file)
    listed = candidates(projects, prefixes)
    remembered = {a: d for a, (d, _p) in (known or {}).items()}
    for c in listed:
        remembered.pop(c.account, None)
    orphans = [Candidate(a, known[a][1]) for a in remembered]
    cands = filter_candidates(listed + orphans, wanted)
    fresh = [c for c in cands if c.account not in remembered]
    if dest_projects is None:
        mapped = [(c, c.account, None) for c in fresh]
    else:
        mapped = map_by_name(fresh, prefixes, dest_projects)
    mapped += [(c, remembered[c.account], None) for c in cands
               if c.account in remembered]
    probes = probe_accounts(origin, [c.account for c in cands])
    verdicts = {a: probe_verdict(status, headers)
                for a, (status, headers, _exc) in probes.items()}
    own = origin.own_account
    if lacks_reseller_role(verdicts, own):
        account = next(a for a in verdicts if a != own)
        raise AuthError('origin: the user may not access account %s (%s): '
                        'it needs the reseller admin role' % (
                            account, probes[account][0]))
    pairs, forget = [], []
    for c, d_acct, why in mapped:
        status, headers, exc = probes[c.account]
        verdict = verdicts[c.account]
        orphan = c.account in remembered
        if verdict == UNUSED and not orphan:
            report.count('accounts_unused')
        elif verdict in (UNUSED, DELETED):
            if not _origin_gone(dest, report, c.account, d_acct,
                                status) and orphan:
                forget.append(c.account)
        elif verdict in (DENIED, FAILED):
            report.error(c.account, 'origin account not readable, not '
                         'synced: %s' % (exc or 'HEAD -> %s' % status))
            report.account_list('failed', c.account)
        elif d_acct is None:
            report.error(c.account, why)
            report.account_list('unmapped', c.account)
        else:
            if orphan:
                report.warn(c.account, 'its project (%s) is no longer '
                            'listed by Keystone; synced because an earlier '
                            'run synced it (known_accounts_file)' % (
                                _project_label(c.project)))
                report.account_list('unlisted_known', c.account)
            pairs.append((c.account, d_acct))
    if known is not None:
        for c, d_acct, _why in mapped:
            if (c.account, d_acct) in pairs:
                known[c.account] = (d_acct, c.project)
        for account in forget:
            known.pop(account, None)
    report.accounts.update({'projects': len(projects),
                            'candidates': len(cands),
                            'unused': report.counts['accounts_unused']})
    LOG.info('%d projects, %d accounts to sync', len(projects), len(pairs))
    return pairs


def _project_label(project):
    if project is None:
        return 'unknown project'
    return '%s/%s, id %s' % (project.domain, project.name, project.id)


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


def _origin_gone(dest, report, account, d_acct, status):
    """An origin account answered 410 (deleted), or an account an earlier
    run synced answers as never created (404 or autocreate's stand-in).
    swsync never deletes an account, so a destination copy that still
    holds containers stays: say so, every run, until an operator removes
    it. True while such a copy exists."""
    if status == 410:
        report.count('accounts_origin_deleted')
        report.account_list('origin_deleted', account)
        what = 'origin account deleted (410)'
    else:
        report.account_list('origin_gone', account)
        what = 'origin account gone (%s)' % status
    if d_acct is None:
        return False
    failure = None
    try:
        resp = dest.request('HEAD', dest.path(d_acct),
                            ok=(200, 204, 404, 410))
    except SyncError as exc:
        failure = exc
    if failure is not None:     # logged out of the except block
        report.warn(account, '%s; its destination copy %s could not be '
                    'checked: %s' % (what, d_acct, failure))
        return True
    held = int(resp.headers.get('x-account-container-count') or 0)
    if resp.status_code in (200, 204) and held:
        report.warn(account, '%s but its destination copy %s still holds '
                    '%d container(s): swsync never deletes accounts; remove '
                    'it if the project is gone for good' % (
                        what, d_acct, held))
        return True
    return False
