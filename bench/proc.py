"""Run a benchmarked command as a child: wall time and peak RSS.

Linux carries a process's peak RSS (ru_maxrss) across fork and exec: a
child forked from the bench (which has imported Swift, ~70 MB) would
report at least the bench's size. So the command is started by a tiny
launcher (this file run as a script, with ``-S``: a bare interpreter of
a few MB) that spawns it, waits for it with ``os.wait4`` and writes its
exit code, wall time, CPU time (user + system) and ru_maxrss (KiB) to a
file.
"""
import json
import os
import subprocess
import sys
import time


class Result:
    def __init__(self, argv, rc, seconds, cpu, max_rss_kib, stdout,
                 stderr):
        self.argv = argv
        self.rc = rc
        self.seconds = seconds
        self.cpu = cpu
        self.max_rss_mb = max_rss_kib / 1024.0
        self.stdout = stdout
        self.stderr = stderr

    def check(self, what):
        if self.rc != 0:
            raise RuntimeError('%s failed (exit %s): %s\n%s' % (
                what, self.rc, ' '.join(self.argv), self.stderr[-3000:]))
        return self


def run(argv, workdir, env=None, name='child'):
    """Run ``argv`` to completion; stdout/stderr go to files in
    ``workdir``."""
    paths = {k: os.path.join(workdir, '%s.%s' % (name, k))
             for k in ('stdout', 'stderr', 'usage')}
    with open(paths['stdout'], 'w') as out, \
            open(paths['stderr'], 'w') as err:
        subprocess.run([sys.executable, '-S', os.path.abspath(__file__),
                        paths['usage']] + list(argv), stdout=out,
                       stderr=err, stdin=subprocess.DEVNULL, env=env,
                       check=True)
    with open(paths['usage']) as f:
        usage = json.load(f)
    with open(paths['stdout']) as f:
        stdout = f.read()
    with open(paths['stderr']) as f:
        stderr = f.read()
    return Result(argv, usage['rc'], usage['seconds'], usage['cpu'],
                  usage['maxrss'], stdout, stderr)


def _launch(usage_path, argv):
    started = time.monotonic()
    pid = os.posix_spawn(argv[0], argv, os.environ)
    _pid, status, usage = os.wait4(pid, 0)
    seconds = time.monotonic() - started
    with open(usage_path, 'w') as f:
        json.dump({'rc': os.waitstatus_to_exitcode(status),
                   'seconds': seconds, 'maxrss': usage.ru_maxrss,
                   'cpu': usage.ru_utime + usage.ru_stime}, f)
    return 0


if __name__ == '__main__':
    sys.exit(_launch(sys.argv[1], sys.argv[2:]))
