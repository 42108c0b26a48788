"""Run the real swsync command against test clusters, and read the logs."""
import json
import os
import subprocess
import sys
import time
import urllib.parse

SETTLE = 1.0


def write_config(path, origin, destination, accounts, **sync_options):
    """A swsync config file for two test clusters (reseller admins);
    ``DEFAULT={...}`` sets options of [DEFAULT]."""
    origin_extra = sync_options.pop('origin_storage_url', None)
    dest_extra = sync_options.pop('destination_storage_url', None)
    timeout = sync_options.pop('timeout', None)
    origin_auth_url = sync_options.pop('origin_auth_url', None)
    sync_options.setdefault('settle_seconds', SETTLE)
    sync_options.setdefault('retries', 2)
    sync_options.setdefault('retry_max_backoff', 0.5)
    defaults = sync_options.pop('DEFAULT', {})
    lines = ['[DEFAULT]'] + ['%s = %s' % kv for kv in defaults.items()] + \
        ['']
    for section, cluster, storage_url in (
            ('origin', origin, origin_extra),
            ('destination', destination, dest_extra)):
        creds = cluster.reseller
        lines += ['[%s]' % section,
                  'auth_url = %s' % (
                      origin_auth_url if section == 'origin' and
                      origin_auth_url else creds['auth_url']),
                  'username = %s' % creds['username'],
                  'password = %s' % creds['password']]
        if storage_url:
            lines.append('storage_url = %s' % storage_url)
        if timeout is not None:
            lines.append('timeout = %s' % timeout)
        lines.append('')
    lines += ['[sync]', 'accounts = %s' % ','.join(accounts)]
    lines += ['%s = %s' % kv for kv in sync_options.items()]
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    os.chmod(path, 0o600)
    return str(path)


class Run:
    def __init__(self, proc, report):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.report = report

    def __repr__(self):
        return 'Run(rc=%s, stdout=%r, stderr=%r)' % (
            self.rc, self.stdout[-2000:], self.stderr[-3000:])


SWSYNC_CMD = [sys.executable, '-m', 'swsync.cli']


def _load_report(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def run_swsync(config, tmp_path, *args, timeout=300, env=None):
    """``env``: variables added to the environment of the run."""
    report = os.path.join(str(tmp_path), 'report-%f.json' % time.time())
    proc = subprocess.run(
        SWSYNC_CMD + ['--config-file', str(config), '--report', report] +
        list(args), capture_output=True, text=True, timeout=timeout,
        stdin=subprocess.DEVNULL,
        env=None if env is None else dict(os.environ, **env))
    return Run(proc, _load_report(report))


class Started:
    """A swsync run in the background (to signal it, or to overlap it)."""

    def __init__(self, config, tmp_path, args):
        self.report = os.path.join(str(tmp_path),
                                   'report-%f.json' % time.time())
        self.proc = subprocess.Popen(
            SWSYNC_CMD + ['--config-file', str(config), '--report',
                          self.report] + list(args),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            stdin=subprocess.DEVNULL)

    def wait(self, timeout=300):
        stdout, stderr = self.proc.communicate(timeout=timeout)
        done = subprocess.CompletedProcess(self.proc.args,
                                           self.proc.returncode, stdout,
                                           stderr)
        return Run(done, _load_report(self.report))


def start_swsync(config, tmp_path, *args):
    return Started(config, tmp_path, args)


def object_level(rec):
    """True for a request on an object (/v1/account/container/object)."""
    path = urllib.parse.unquote(rec['path']).split('?', 1)[0]
    return path.startswith('/v1/') and len(path.split('/')) >= 5


def is_write(rec):
    return rec['method'] in ('PUT', 'POST', 'DELETE', 'COPY')


def settle():
    """Let the origin's last writes age past swsync's settle window."""
    time.sleep(SETTLE + 0.2)


def wait_for_log(cluster, mark, pause=0.5):
    """Proxy access lines are written after the response; give them a
    moment, then return what was logged since ``mark``."""
    time.sleep(pause)
    return cluster.requests_since(mark)
