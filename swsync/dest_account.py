"""A destination account exists before swsync writes into it.

A proxy with ``account_autocreate = true`` creates an account on its
first write (and answers for a missing one as if it were empty). Without
it, a write into a missing account answers 404: the account must be
created first, with a PUT by a reseller admin, which the proxy allows
only with ``allow_account_management = true``.
"""
from swsync.client.errors import SyncError

WHY = {
    405: 'the destination proxy does not allow account creation '
         '(allow_account_management = false): create the account there, or '
         'enable account_autocreate',
    403: 'the destination user may not create accounts (it needs the '
         'reseller admin role)',
    401: 'the destination refused the token',
}


def ensure_account(cluster, account, dry_run=False):
    """Make sure ``account`` (an origin account name, mapped through
    ``cluster.account_map``) exists on ``cluster``; True when it had to
    be created (or would be, in a dry run).

    HEAD first: 2xx (a real account, or an autocreate proxy's stand-in)
    needs nothing. 404: PUT it as the reseller admin. Raises SyncError
    with the exact reason when the account cannot be created.
    """
    path = cluster.path(account)
    account = cluster.account_map.get(account, account)
    head = cluster.request('HEAD', path, ok=(200, 204, 404, 410))
    if head.status_code == 410:
        raise SyncError('destination account %s was deleted (410) and '
                        'cannot be written into until the account reaper '
                        'has removed it' % account)
    if head.status_code != 404:
        return False
    if dry_run:
        return True
    resp = cluster.request('PUT', path, ok=(201, 202, 401, 403, 405))
    if resp.status_code in (201, 202):
        return True
    raise SyncError('destination account %s does not exist and cannot be '
                    'created (PUT -> %d): %s' % (
                        account, resp.status_code, WHY[resp.status_code]))
