"""client/http.py against a real HTTP server on 127.0.0.1: tempauth v1.0
and the keep-alive connection (no redirect followed, body undecoded).

The server runs in a child process: once any test has imported swsync.cmd,
eventlet has patched threading and sockets in this process, and a server
thread here would never get to answer a blocking client (the suite hung).
"""
import gzip
import http.server
import subprocess
import sys
import types

import pytest

from swsync.client.http import AuthRefused, Connection, tempauth_v1
from swsync.client.swift import Cluster


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    doc_reads = 0

    def log_message(self, *args):
        pass

    def _send(self, status, headers=(), body=b''):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == '/auth/v1.0':
            if self.headers.get('X-Auth-Key') != 'secret':
                return self._send(401)
            return self._send(200, [
                ('X-Storage-Url', 'http://127.0.0.1/v1/AUTH_admin'),
                ('X-Auth-Token', 'AUTH_tk1'),
                ('User-Seen', self.headers.get('User-Agent'))])
        if self.path == '/v1/gz':
            return self._send(200, [('Content-Encoding', 'gzip')],
                              gzip.compress(b'payload'))
        if self.path == '/v1/AUTH_admin/state/doc':
            # the first answer breaks off mid-body, the next is whole
            Handler.doc_reads += 1
            if Handler.doc_reads == 1:
                self.send_response(200)
                self.send_header('Content-Length', '20')
                self.end_headers()
                self.wfile.write(b'{"marks": ')
                self.wfile.flush()
                self.close_connection = True
                return None
            return self._send(200, body=b'{"marks": {"c": "1"}}')
        return self._send(404)

    def do_POST(self):
        self._send(307, [('Location', '/v1/target')])


def serve():
    """Child process: print the port, then serve until killed."""
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


@pytest.fixture
def server():
    child = subprocess.Popen([sys.executable, __file__],
                             stdout=subprocess.PIPE, text=True)
    try:
        port = int(child.stdout.readline())
        yield 'http://127.0.0.1:%d' % port
    finally:
        child.kill()
        child.wait()


def test_tempauth_gives_storage_url_and_token(server):
    assert tempauth_v1(server + '/auth/v1.0', 'a:a', 'secret',
                       timeout=5, cert=None) == (
        'http://127.0.0.1/v1/AUTH_admin', 'AUTH_tk1')


def test_tempauth_refusal_carries_its_status(server):
    with pytest.raises(AuthRefused) as exc:
        tempauth_v1(server + '/auth/v1.0', 'a:a', 'wrong', timeout=5)
    assert exc.value.status == 401


def test_connection_keeps_bodies_undecoded_and_redirects_unfollowed(server):
    conn = Connection(server + '/v1/AUTH_admin', timeout=5)
    resp = conn.request('GET', '/v1/gz')
    assert resp.raw.read(decode_content=False) == gzip.compress(b'payload')
    resp = conn.request('POST', '/v1/link', headers={'X-Object-Meta-A': 'b'})
    assert resp.status_code == 307
    conn.close()


class Auth:
    def __init__(self, url):
        self.url = url

    def credentials(self):
        return self.url + '/v1/AUTH_admin', 'AUTH_tk1'

    def invalidate(self):
        pass


def test_read_object_reads_a_broken_body_again(server):
    """A state document whose body broke off is read again (marked fuzz
    seed 3501: the broken read escaped as a traceback)."""
    conf = types.SimpleNamespace(insecure=False, cafile=None, timeout=5)
    dest = Cluster('destination', Auth(server), conf, workers=1, retries=2,
                   max_backoff=0.0)
    assert dest.read_object('AUTH_admin', 'state', 'doc') == \
        b'{"marks": {"c": "1"}}'
    assert dest.read_object('AUTH_admin', 'state', 'missing') is None


if __name__ == '__main__':
    serve()
