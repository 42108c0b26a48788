"""How long swsync takes from its start to its first request.

A tiny tempauth endpoint on 127.0.0.1 notes when the first request
arrives; swsync is started with a configuration pointing at it (the run
then fails on purpose: only the start-up matters). The interpreter alone
(``python -c pass``) is measured the same way for reference.
"""
import http.server
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time


class FirstRequest(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(('127.0.0.1', 0), Handler)
        self.first = None
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.server.first is None:
            self.server.first = time.monotonic()
        self.send_response(401)
        self.send_header('Content-Length', '0')
        self.end_headers()


def one(python, config):
    server = FirstRequest()
    text = open(config).read().replace('PORT', str(server.port))
    path = config + '.%d' % server.port
    with open(path, 'w') as f:
        f.write(text)
    os.chmod(path, 0o600)
    started = time.monotonic()
    subprocess.run([python, '-m', 'swsync.cli', '--config-file', path],
                   capture_output=True)
    server.shutdown()
    return server.first - started


def interpreter(python):
    started = time.monotonic()
    subprocess.run([python, '-c', 'pass'])
    return time.monotonic() - started


def measure(python=sys.executable, rounds=7):
    work = tempfile.mkdtemp(prefix='swsync-startup-')
    config = os.path.join(work, 'c.conf')
    with open(config, 'w') as f:
        f.write('[origin]\nauth_url = http://127.0.0.1:PORT/auth/v1.0\n'
                'username = a:a\npassword = p\n[destination]\n'
                'auth_url = http://127.0.0.2:PORT/auth/v1.0\n'
                'username = a:a\npassword = p\n[sync]\naccounts = AUTH_a\n'
                'lock_file = %s/lock\n' % work)
    firsts = [one(python, config) for _ in range(rounds)]
    bare = [interpreter(python) for _ in range(rounds)]
    return {'first_request_seconds': round(statistics.median(firsts), 3),
            'first_request_all': [round(x, 3) for x in firsts],
            'interpreter_seconds': round(statistics.median(bare), 3)}


if __name__ == '__main__':
    print(measure())
