"""The peer tool: ``rclone sync`` between the same Swift accounts.

rclone has no notion of a reseller walking many accounts, so each
account is one pair of remotes (origin, destination), defined on the fly
with RCLONE_CONFIG_* environment variables (tempauth v1, the reseller
admin, and the account's storage URL), and synced by its own process;
accounts run one after another, as swsync walks them.
"""
import os
import shutil
import subprocess

import proc

BINARY = shutil.which('rclone') or '/usr/bin/rclone'


def version():
    out = subprocess.run([BINARY, 'version'], capture_output=True,
                         text=True).stdout
    return out.splitlines()[0] if out else 'unknown'


def _remote(env, name, side, account):
    prefix = 'RCLONE_CONFIG_%s_' % name.upper()
    env.update({prefix + 'TYPE': 'swift',
                prefix + 'AUTH': side['auth_url'],
                prefix + 'USER': side['user'],
                prefix + 'KEY': side['key'],
                prefix + 'AUTH_VERSION': '1',
                prefix + 'STORAGE_URL': '%s/%s' % (side['v1_url'],
                                                   account)})


def sync(origin, destination, accounts, flags, workdir, name):
    """``rclone sync`` each account; ``origin``/``destination`` are dicts
    with auth_url, user, key, v1_url. Returns (wall seconds, CPU seconds,
    peak RSS MB of the largest process)."""
    env = dict(os.environ)
    env['RCLONE_CONFIG'] = os.path.join(workdir, 'rclone.conf')
    open(env['RCLONE_CONFIG'], 'a').close()
    seconds = cpu = rss = 0.0
    for i, account in enumerate(accounts):
        _remote(env, 'o%d' % i, origin, account)
        _remote(env, 'd%d' % i, destination, account)
        argv = [BINARY, 'sync', 'o%d:' % i, 'd%d:' % i, '-q'] + list(flags)
        result = proc.run(argv, workdir, env=env, name='%s-%d' % (name, i))
        result.check('rclone (%s, %s)' % (name, account))
        seconds += result.seconds
        cpu += result.cpu
        rss = max(rss, result.max_rss_mb)
    return seconds, cpu, rss
