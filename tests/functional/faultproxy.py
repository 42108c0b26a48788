"""A fault-injecting HTTP proxy on 127.0.0.1 for functional tests.

It forwards every request to a real Swift proxy, unless a rule decides to
answer with an error instead. swsync is pointed at it through the
``storage_url`` option, so authentication still goes to the real proxy.
"""
import http.client
import http.server
import threading
import urllib.parse


class FaultProxy:
    """``rule(method, path, query) -> None | status`` decides each request.

    ``path`` is unquoted, ``query`` is a dict of single values.
    """

    def __init__(self, target_port, rule=None):
        self.target_port = target_port
        self.rule = rule or (lambda method, path, query: None)
        self.injected = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def _handle(self):
                parsed = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(parsed.query))
                path = urllib.parse.unquote(parsed.path)
                status = proxy.rule(self.command, path, query)
                length = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(length) if length else b''
                if status is not None:
                    proxy.injected.append((self.command, path, status))
                    self.send_response(status)
                    self.send_header('Content-Length', '0')
                    self.end_headers()
                    return
                conn = http.client.HTTPConnection('127.0.0.1',
                                                  proxy.target_port,
                                                  timeout=60)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ('connection', 'host')}
                conn.request(self.command, self.path, body=body,
                             headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status, resp.reason)
                for k, v in resp.getheaders():
                    if k.lower() not in ('connection', 'transfer-encoding',
                                         'content-length'):
                        self.send_header(k, v)
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                if self.command != 'HEAD':
                    self.wfile.write(data)
                conn.close()

            do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = _handle

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0),
                                                      Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.port

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
