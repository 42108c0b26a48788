"""Object actions: streamed copy, metadata POST, confirmed delete.

Each origin read uses ``?multipart-manifest=get`` so a DLO manifest is
read as itself, not as the concatenation of its segments.
"""
import logging
import time

from swsync import headers as hdrs
from swsync.decide import strip_etag

LOG = logging.getLogger(__name__)

MANIFEST_GET = {'multipart-manifest': 'get'}


class StreamBody:
    """Exactly ``length`` bytes of a response body, read as they come.

    Raises if the origin body ends early, so the PUT fails at once instead
    of leaving the destination waiting for bytes that never arrive.
    """

    def __init__(self, raw, length):
        self.raw = raw
        self.length = self.remaining = length

    def __len__(self):
        return self.length

    def read(self, size=-1):
        if self.remaining <= 0:
            return b''
        want = self.remaining if size is None or size < 0 else min(
            size, self.remaining)
        chunk = self.raw.read(want, decode_content=False)
        if not chunk:
            raise IOError('origin body ended %d bytes early' % self.remaining)
        self.remaining -= len(chunk)
        return chunk


class ObjectActions:
    """Copy, post and delete single objects between two clusters."""

    def __init__(self, origin, dest, report, extra_headers=(),
                 expiry_margin=60.0):
        self.origin = origin
        self.dest = dest
        self.report = report
        self.extra_headers = tuple(h.lower() for h in extra_headers)
        self.expiry_margin = expiry_margin

    def _expires_soon(self, headers):
        value = headers.get('x-delete-at')
        if not value:
            return False
        try:
            return float(value) <= time.time() + self.expiry_margin
        except ValueError:
            return False

    def copy(self, account, container, name):
        """GET from the origin, stream into a PUT on the destination.

        The destination checks the body against the origin Etag (422 on a
        mismatch), so a truncated or corrupted copy is never stored. A
        failed attempt is retried from a fresh GET (a PUT body cannot be
        rewound).
        """
        o_path = self.origin.path(account, container, name)
        d_path = self.dest.path(account, container, name)

        def attempt():
            with self.origin.stream('GET', o_path, query=MANIFEST_GET,
                                    ok=(200, 404)) as resp:
                if resp.status_code == 404:
                    return 'objects_vanished', 0
                headers = hdrs.wire_headers(resp.headers.items())
                if self._expires_soon(headers):
                    return 'objects_expiring', 0
                put_headers = hdrs.object_metadata(headers,
                                                   self.extra_headers)
                put_headers['etag'] = strip_etag(headers.get('etag', ''))
                length = int(headers.get('content-length', 0))
                body = StreamBody(resp.raw, length) if length else b''
                self.dest.request('PUT', d_path, headers=put_headers,
                                  data=body, retry=False, ok=(201,))
                return 'objects_copied', length

        outcome, length = self.origin.retrying(attempt)
        self.report.count(outcome)
        self.report.bytes_copied += length

    def post(self, account, container, name):
        """Give the destination object the origin's full metadata set.

        An object POST replaces all user metadata and allowed headers, so
        the whole allow-listed set is sent, read from an origin HEAD.
        """
        o_path = self.origin.path(account, container, name)
        resp = self.origin.request('HEAD', o_path, query=MANIFEST_GET,
                                   ok=(200, 404))
        if resp.status_code == 404:
            self.report.count('objects_vanished')
            return
        headers = hdrs.wire_headers(resp.headers.items())
        if self._expires_soon(headers):
            self.report.count('objects_expiring')
            return
        meta = hdrs.object_metadata(headers, self.extra_headers)
        self.dest.request('POST', self.dest.path(account, container, name),
                          headers=meta, ok=(202,))
        self.report.count('objects_posted')

    def delete(self, account, container, name):
        """Delete on the destination only after the origin confirms 404.

        Listings lag and read one replica; ``X-Newest`` asks every origin
        replica, so an object that still exists anywhere is kept.
        """
        o_path = self.origin.path(account, container, name)
        resp = self.origin.request('HEAD', o_path, query=MANIFEST_GET,
                                   headers={'x-newest': 'true'},
                                   ok=(200, 404))
        if resp.status_code != 404:
            self.report.count('deletes_skipped_origin_exists')
            return
        self.dest.request('DELETE', self.dest.path(account, container, name),
                          ok=(204, 404))
        self.report.count('objects_deleted')
