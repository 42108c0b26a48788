"""swsync as its users run it: a config file and ``python -m swsync.cli``.

Besides the wall time of the whole process, the JSON report gives the
run's own duration (from configuration to the end, interpreter start-up
and imports excluded) and what it did.
"""
import json
import os
import sys

import proc


def write_config(path, origin, destination, accounts, **options):
    """``origin``/``destination``: dicts with auth_url, user, key."""
    lines = []
    for section, side in (('origin', origin), ('destination', destination)):
        lines += ['[%s]' % section, 'auth_url = %s' % side['auth_url'],
                  'username = %s' % side['user'],
                  'password = %s' % side['key'], '']
    lines += ['[sync]', 'accounts = %s' % ','.join(accounts)]
    lines += ['%s = %s' % kv for kv in sorted(options.items())]
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    os.chmod(path, 0o600)
    return path


class SwsyncRun:
    def __init__(self, result, report):
        self.wall = result.seconds
        self.cpu = result.cpu
        self.max_rss_mb = result.max_rss_mb
        self.report = report
        self.seconds = report['duration_seconds']
        self.counts = report['counts']
        self.bytes = report['bytes_copied']

    def as_dict(self):
        return {'wall_seconds': round(self.wall, 3),
                'run_seconds': self.seconds,
                'startup_seconds': round(self.wall - self.seconds, 3),
                'cpu_seconds': round(self.cpu, 2),
                'max_rss_mb': round(self.max_rss_mb, 1),
                'counts': self.counts, 'bytes': self.bytes}


def run(config, workdir, name, env=None):
    report_path = os.path.join(workdir, name + '.report.json')
    result = proc.run([sys.executable, '-m', 'swsync.cli', '--config-file',
                       config, '--report', report_path], workdir, env=env,
                      name=name)
    result.check('swsync (%s)' % name)
    with open(report_path) as f:
        return SwsyncRun(result, json.load(f))
