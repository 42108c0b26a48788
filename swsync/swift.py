"""Requests to one Swift cluster: URLs, connections, retries, re-auth.

Uses python-swiftclient's HTTPConnection (a requests session with its TLS
and timeout handling) but not its higher-level functions, because those
URL-unquote response header values and follow redirects (a POST to a
symlink answers 307 and would be repeated on the target). Here redirects
are off and headers stay as sent on the wire.

Each green thread borrows a connection from a pool, so keep-alive
connections are reused and never shared by two requests at once.
"""
import contextlib
import json
import logging
import urllib.parse

import eventlet.pools
import requests
import tenacity
from swiftclient.client import HTTPConnection

from swsync import headers as hdrs
from swsync.errors import SwiftError, TransportError, describe_transport

LOG = logging.getLogger(__name__)

RETRY_STATUSES = frozenset((408, 429, 498, 499, 500, 502, 503, 504, 507))


def quote_name(name, keep_slash=False):
    """URL-quote a name as UTF-8.

    ``.`` and ``..`` path segments are sent as %2E so that no HTTP library
    on the way removes them as dot segments.
    """
    quoted = urllib.parse.quote(name.encode('utf-8'),
                                safe='/' if keep_slash else '')
    if keep_slash:
        parts = quoted.split('/')
        return '/'.join(p.replace('.', '%2E') if p in ('.', '..') else p
                        for p in parts)
    return quoted.replace('.', '%2E') if quoted in ('.', '..') else quoted


def _retryable(exc):
    if isinstance(exc, TransportError):
        return True
    # 401 is not here: token renewal (_renewing) is not a retry, and a
    # 401 right after a fresh authentication is a refusal.
    return isinstance(exc, SwiftError) and exc.status in RETRY_STATUSES


def _renewing(fn):
    """``fn``, called once more after a 401 (#16).

    A 401 means the token expired or was revoked; _check has already
    forgotten it, so calling ``fn`` again authenticates anew. That is
    token renewal, not a retry: it does not count against ``retries``
    (with retries = 0 a token expiring mid-run must not fail requests).
    Only one renewal per call: a second 401 is a real refusal.
    """
    def call():
        try:
            return fn()
        except SwiftError as exc:
            if exc.status != 401:
                raise
            LOG.info('token refused (401): authenticating again')
        return fn()
    return call


class Cluster:
    """One side (origin or destination) as seen by the reseller admin."""

    def __init__(self, side, auth, conf, workers, retries=5,
                 max_backoff=30.0):
        self.side = side
        self.auth = auth
        self.conf = conf
        self.retries = retries
        self.max_backoff = max_backoff
        self._pool = eventlet.pools.Pool(max_size=workers,
                                         create=self._new_connection)
        # Origin account name -> this cluster's account name, when they
        # differ (separate Keystones map projects by name).
        self.account_map = {}

    # --- URLs ----------------------------------------------------------
    @property
    def storage_url(self):
        return self.auth.credentials()[0]

    @property
    def base_url(self):
        """Reseller storage URL without its account (``.../v1``)."""
        return self.storage_url.rstrip('/').rsplit('/', 1)[0]

    def path(self, account, container=None, obj=None):
        account = self.account_map.get(account, account)
        parsed = urllib.parse.urlparse(self.base_url)
        path = '%s/%s' % (parsed.path, quote_name(account))
        if container is not None:
            path += '/' + quote_name(container)
            if obj is not None:
                path += '/' + quote_name(obj, keep_slash=True)
        return path

    def _new_connection(self):
        conn = HTTPConnection(self.base_url, insecure=self.conf.insecure,
                              cacert=self.conf.cafile,
                              timeout=self.conf.timeout,
                              default_user_agent='swsync')
        conn.requests_args['allow_redirects'] = False
        return conn

    # --- requests ------------------------------------------------------
    def _send(self, conn, method, path, query, headers, data):
        token = self.auth.credentials()[1]
        send_headers = hdrs.to_request(headers or {})
        send_headers['x-auth-token'] = token.encode('latin-1')
        full = path + ('?' + urllib.parse.urlencode(query) if query else '')
        try:
            return conn.request(method, full, data=data,
                                headers=send_headers)
        except requests.RequestException as exc:
            raise TransportError(method, path, _describe(exc))
        except OSError as exc:
            raise TransportError(method, path, _describe(exc))

    def _check(self, method, path, resp, ok):
        status = resp.status_code
        if (200 <= status < 300) if ok is None else status in ok:
            return resp
        reason = resp.reason or ''
        try:
            resp.close()
        except Exception:
            pass
        err = SwiftError(method, path, status, reason)
        err.retry_after = _retry_after(resp)
        if status == 401:
            self.auth.invalidate()
        raise err

    def request(self, method, path, query=None, headers=None, data=None,
                ok=None, retry=True):
        """One request, body read (not streamed); returns the response.

        ``ok`` lists statuses that are not errors (default: any 2xx). A
        status outside it raises SwiftError after retries.
        """
        def attempt():
            with self._pool.item() as conn:
                resp = self._send(conn, method, path, query, headers, data)
                try:
                    resp._content = resp.raw.read(decode_content=False)
                finally:
                    resp.close()
                return self._check(method, path, resp, ok)
        return self.retrying(attempt, retry)

    @contextlib.contextmanager
    def stream(self, method, path, query=None, headers=None, data=None,
               ok=None, retry=True):
        """A request whose response body is read by the caller
        (``resp.raw.read``, undecoded); the connection is held until the
        block ends."""
        with self._pool.item() as conn:
            def attempt():
                resp = self._send(conn, method, path, query, headers, data)
                return self._check(method, path, resp, ok)
            resp = self.retrying(attempt, retry)
            try:
                yield resp
            finally:
                resp.close()

    def retrying(self, fn, retry=True):
        """Call ``fn`` with this side's retry policy (tenacity); a 401
        renews the token once without counting as a retry (_renewing).

        ``retry=False``: exactly one call, no renewal either (a request
        whose body cannot be sent twice; its caller retries).
        """
        if not retry:
            return fn()
        fn = _renewing(fn)
        retryer = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.retries + 1),
            wait=self._wait,
            retry=tenacity.retry_if_exception(_retryable),
            before_sleep=self._log_retry,
            reraise=True)
        return retryer(fn)

    def _wait(self, state):
        exc = state.outcome.exception()
        backoff = tenacity.wait_exponential_jitter(
            initial=0.5, max=self.max_backoff)(state)
        retry_after = getattr(exc, 'retry_after', None) or 0
        return min(max(backoff, retry_after), self.max_backoff)

    def _log_retry(self, state):
        LOG.warning('%s: retry %d after: %s', self.side, state.attempt_number,
                    state.outcome.exception())

    # --- Swift operations ----------------------------------------------
    def info(self):
        """The /info document, or {} when the proxy does not publish it."""
        parsed = urllib.parse.urlparse(self.base_url)
        try:
            with self._pool.item() as conn:
                resp = conn.request('GET', parsed.path.rsplit('/v1', 1)[0] +
                                    '/info', headers={})
                body = resp.content
                resp.close()
            if resp.status_code == 200:
                return json.loads(body)
        except (requests.RequestException, OSError, ValueError):
            pass
        return {}

    def list_page(self, path, marker, limit, missing_ok=False):
        """One JSON listing page: (wire headers, rows). A 404 gives
        (None, []) when ``missing_ok``."""
        ok = (200, 204, 404) if missing_ok else (200, 204)
        resp = self.request('GET', path, ok=ok, query={
            'format': 'json', 'limit': str(limit), 'marker': marker})
        if resp.status_code == 404:
            return None, []
        headers = hdrs.wire_headers(resp.headers.items())
        if resp.status_code == 204 or not resp.content:
            return headers, []
        try:
            return headers, json.loads(resp.content)
        except ValueError:
            raise SwiftError('GET', path, resp.status_code,
                             'listing is not JSON')


def _retry_after(resp):
    value = resp.headers.get('retry-after')
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _describe(exc):
    """One line for a transport exception (no URL query, no headers)."""
    return '%s: %s' % (exc.__class__.__name__, describe_transport(exc))
