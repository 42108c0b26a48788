"""A fault-injecting HTTP proxy on 127.0.0.1 for functional tests.

It forwards every request to a real Swift proxy, unless a rule returns a
Fault for it. swsync is pointed at it through the ``storage_url`` option,
so authentication still goes to the real proxy. Bodies are buffered: the
tests that use it move small objects.
"""
import http.client
import http.server
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Callable, Optional


@dataclass
class Fault:
    """What to do to one request instead of (or on top of) forwarding it.

    status: answer this status without forwarding (headers may add e.g.
    Retry-After); delay: sleep first; reset_request: read half the request
    body and drop the connection; truncate: forward, then send the full
    Content-Length but only half the body and drop the connection;
    rewrite: forward and change the response body; before/after: run a
    callable before forwarding, or after the real answer arrived and
    before it is passed on (e.g. change the object on the origin while it
    is being copied).
    """
    status: Optional[int] = None
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    reset_request: bool = False
    truncate: bool = False
    rewrite: Optional[Callable[[bytes], bytes]] = None
    before: Optional[Callable[[], None]] = None
    after: Optional[Callable[[], None]] = None


class FaultProxy:
    """``rule(method, path, query) -> None | int | Fault`` decides each
    request (an int is a status to answer). ``path`` is unquoted, ``query``
    a dict of single values."""

    def __init__(self, target_port, rule=None):
        self.target_port = target_port
        self.rule = rule or (lambda method, path, query: None)
        self.injected = []
        self.forwarded = []     # (method, path) passed to the real proxy
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def _drop(self):
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

            def _handle(self):
                parsed = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(parsed.query))
                path = urllib.parse.unquote(parsed.path)
                with proxy.lock:
                    fault = proxy.rule(self.command, path, query)
                if isinstance(fault, int):
                    fault = Fault(status=fault)
                if fault is not None:
                    proxy.injected.append((self.command, path, fault))
                    if fault.delay:
                        time.sleep(fault.delay)
                length = int(self.headers.get('Content-Length') or 0)
                if fault is not None and fault.reset_request:
                    self.rfile.read(length // 2)
                    return self._drop()
                body = self.rfile.read(length) if length else b''
                if len(body) < length:
                    # The client gave up mid-body (its own timeout):
                    # forwarding the part would leave the real proxy
                    # waiting for the rest and log a 499 a minute later,
                    # in whatever run is on by then (fuzz seed 7128).
                    return self._drop()
                if fault is not None and fault.status is not None:
                    self.send_response(fault.status)
                    for k, v in fault.headers.items():
                        self.send_header(k, v)
                    self.send_header('Content-Length', '0')
                    self.end_headers()
                    return
                if fault is not None and fault.before is not None:
                    fault.before()
                proxy.forwarded.append((self.command, path))
                status, reason, headers, data = self._forward(body)
                if fault is not None and fault.after is not None:
                    fault.after()
                if fault is not None and fault.rewrite is not None:
                    data = fault.rewrite(data)
                # The real proxy's headers, its Date included (not a
                # second Date of this proxy's own).
                self.log_request(status)
                self.send_response_only(status, reason)
                if self.command == 'HEAD':
                    # A HEAD's Content-Length is the object's size, not
                    # the length of the (empty) body: it passes as is.
                    # (Replaced by 0, it made every REFRESH in a fault
                    # run a COPY: fuzz seed 7766.)
                    for k, v in headers:
                        if k.lower() not in ('connection',
                                             'transfer-encoding'):
                            self.send_header(k, v)
                    self.end_headers()
                    return
                for k, v in headers:
                    if k.lower() not in ('connection', 'transfer-encoding',
                                         'content-length'):
                        self.send_header(k, v)
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                if fault is not None and fault.truncate:
                    self.wfile.write(data[:len(data) // 2])
                    self.wfile.flush()
                    return self._drop()
                self.wfile.write(data)

            def _forward(self, body):
                conn = http.client.HTTPConnection(
                    '127.0.0.1', proxy.target_port, timeout=60)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ('connection', 'host')}
                try:
                    conn.request(self.command, self.path, body=body,
                                 headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    return resp.status, resp.reason, resp.getheaders(), data
                except OSError:
                    # the real proxy is down: what a load balancer says
                    return 503, 'Service Unavailable', [], b''
                finally:
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
