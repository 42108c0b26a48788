"""A fake Swift that only lists: enough API for swsync to walk one account
holding one container of N objects, generated on the fly.

Memory use of the listing and merge path must not grow with the size of a
container. A real cluster cannot hold a million objects on this machine
in a reasonable time, and the listings are all that path reads, so two
of these (origin and destination) stand in. Destination rows are dated a
day after origin rows with the same etag and size: every object is
'unchanged' and swsync must not make a single object request, which the
server counts.

Speaks: tempauth ``GET /auth/v1.0``; ``GET /info``; ``HEAD``/``GET`` of
the account (JSON listing of one container, or of many: ``containers``);
``HEAD``/``GET`` of a container (JSON listing with ``limit`` and
``marker``).

Usage: python listing_server.py PORT OBJECTS origin|destination
"""
import http.server
import json
import sys
import threading
import urllib.parse

ACCOUNT = 'AUTH_bench'
CONTAINER = 'bench'
OBJECT_SIZE = 1024
STAMPS = {'origin': '2020-01-01T00:00:00.000000',
          'destination': '2020-01-02T00:00:00.000000'}
CREATED = '1577836800.00000'
ROW = ('{"name": "obj-%%09d", "hash": "%%032x", "bytes": %d, '
       '"content_type": "application/octet-stream", '
       '"last_modified": "%s"}')
MAX_LIMIT = 10000


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def _send(self, status, body=b'', headers=None, head=False):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if body and not head:
            self.wfile.write(body)

    def do_HEAD(self):
        self._route(head=True)

    def do_GET(self):
        self._route(head=False)

    def _other(self):
        self.server.count('other')
        length = int(self.headers.get('Content-Length') or 0)
        if length:
            self.rfile.read(length)
        self._send(405)

    do_PUT = do_POST = do_DELETE = _other

    def _route(self, head):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        parts = urllib.parse.unquote(url.path).split('/')
        server = self.server
        if url.path == '/auth/v1.0':
            server.count('auth')
            return self._send(200, headers={
                'X-Storage-Url': '%s/v1/AUTH_admin' % server.url,
                'X-Auth-Token': 'AUTH_tkbench',
                'X-Storage-Token': 'AUTH_tkbench'})
        if url.path == '/info':
            server.count('info')
            return self._send(200, json.dumps({'swift': {
                'container_listing_limit': MAX_LIMIT,
                'account_listing_limit': MAX_LIMIT,
                'policies': [{'name': 'gold', 'default': True}]}}).encode(),
                {'Content-Type': 'application/json'}, head)
        if len(parts) == 3 and parts[1] == 'v1':
            server.count('account')
            marker = query.get('marker', '')
            limit = min(int(query.get('limit') or MAX_LIMIT), MAX_LIMIT)
            rows = [{'name': name, 'count': server.objects,
                     'bytes': server.objects * OBJECT_SIZE,
                     'last_modified': server.stamp}
                    for name in server.containers if name > marker][:limit]
            total = server.objects * len(server.containers)
            return self._listing(rows and json.dumps(rows).encode(), {
                'X-Account-Container-Count': str(len(server.containers)),
                'X-Account-Object-Count': str(total),
                'X-Account-Bytes-Used': str(total * OBJECT_SIZE),
            }, head)
        if len(parts) == 4 and parts[1] == 'v1' and \
                parts[3] in server.container_set:
            server.count('container')
            return self._listing(server.page(query), {
                'X-Container-Object-Count': str(server.objects),
                'X-Container-Bytes-Used': str(
                    server.objects * OBJECT_SIZE),
                'X-Storage-Policy': 'gold'}, head)
        if len(parts) >= 5:
            server.count('object')
        else:
            server.count('other')
        self._send(404, head=head)

    def _listing(self, body, headers, head):
        headers.update({'X-Timestamp': CREATED, 'X-Put-Timestamp': CREATED,
                        'Content-Type': 'application/json; charset=utf-8'})
        if body:
            return self._send(200, body, headers, head)
        return self._send(204, b'', headers, head)


class ListingServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, objects, side, port=0, containers=1):
        """``containers`` of ``objects`` each: one is named CONTAINER,
        more are CONTAINER-00000, -00001..."""
        super().__init__(('127.0.0.1', port), Handler)
        self.objects = objects
        self.containers = [CONTAINER] if containers == 1 else [
            '%s-%05d' % (CONTAINER, i) for i in range(containers)]
        self.container_set = frozenset(self.containers)
        self.stamp = STAMPS[side]
        self.row = ROW % (OBJECT_SIZE, self.stamp)
        self.url = 'http://127.0.0.1:%d' % self.server_address[1]
        self.counts = {}
        self._lock = threading.Lock()
        self._thread = None

    def count(self, kind):
        with self._lock:
            self.counts[kind] = self.counts.get(kind, 0) + 1

    def page(self, query):
        """JSON rows after ``marker``, at most ``limit``; b'' at the end."""
        marker = query.get('marker', '')
        start = int(marker[4:]) + 1 if marker.startswith('obj-') else 0
        limit = min(int(query.get('limit') or MAX_LIMIT), MAX_LIMIT)
        end = min(start + limit, self.objects)
        if start >= end:
            return b''
        row = self.row
        return ('[' + ','.join(row % (i, i * 2654435761) for i in range(
            start, end)) + ']').encode()

    def start(self):
        self._thread = threading.Thread(target=self.serve_forever,
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self.shutdown()
        self.server_close()


def main(argv):
    port, objects, side = int(argv[1]), int(argv[2]), argv[3]
    server = ListingServer(objects, side, port)
    print('listing %s (%d objects) at %s' % (side, objects, server.url))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
