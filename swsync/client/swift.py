"""Requests to one Swift cluster: URLs, connections, retries, re-auth.

HTTP goes through ``client.http`` (a requests session with TLS and timeout
handling). Not python-swiftclient's higher-level functions: they
URL-unquote response header values and follow redirects (a POST to a
symlink answers 307 and would be repeated on the target). Here redirects
are off and headers stay as sent on the wire.

Each green thread borrows a connection from a pool, so keep-alive
connections are reused and never shared by two requests at once.
"""
import contextlib
import json
import logging
import re
import time
import urllib.parse
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import eventlet.pools
import requests
import tenacity
import urllib3

from swsync import headers as hdrs
from swsync.client.auth import CachedAuth
from swsync.client.http import Body, Connection, Response
from swsync.throttle import Throttle
from swsync.client.errors import AuthUnavailable, ListingLimitTooHigh, \
    SwiftError, TransportError, describe_transport

if TYPE_CHECKING:
    from oslo_config import cfg     # no type hints: Any for mypy

LOG = logging.getLogger(__name__)

T = TypeVar('T')
#: Wire headers, lower-case names (``swsync.headers``).
Headers = dict[str, str]
#: A query string's parameters.
Query = Mapping[str, str]
#: A row of a JSON listing.
Row = dict[str, Any]

RETRY_STATUSES = frozenset((408, 429, 498, 499, 500, 502, 503, 504, 507))
# A 401 is answered by authenticating again, which is not a retry: it does
# not spend the retry budget; but a second 401 in a row (a token refused
# right after it was issued) is a refusal.
MAX_REAUTH = 1
# What breaking off a response body raises (urllib3 and requests).
BODY_ERRORS = (requests.RequestException, urllib3.exceptions.HTTPError,
               OSError)


def quote_name(name: str, keep_slash: bool = False) -> str:
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


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, (TransportError, AuthUnavailable)):
        return True
    return isinstance(exc, SwiftError) and (
        exc.status in RETRY_STATUSES or exc.status == 401)


class SwiftOperations:
    """Named Swift operations, in the spirit of Swift's InternalClient.

    Built on ``path``, ``request`` and ``stream`` (which ``Cluster``
    implements over HTTP, and the unit tests' fake clusters in memory), so
    that the engine and the actions never spell an HTTP verb or a status.
    Header dicts are lower-case wire headers. ``retry=False`` is for
    requests made inside a unit of work that is retried as a whole.
    """
    # What a subclass has and implements (declared for mypy only).
    side: str
    throttle: Throttle
    account_map: dict[str, str]

    if TYPE_CHECKING:
        @property
        def storage_url(self) -> str:
            raise NotImplementedError

    @property
    def own_account(self) -> str:
        """The authenticated user's own account (where swsync keeps its
        state, and which tells nothing of the reseller role)."""
        return own_account(self.storage_url)

    if TYPE_CHECKING:
        def path(self, account: str, container: str | None = None,
                 obj: str | None = None) -> str:
            raise NotImplementedError

        def request(self, method: str, path: str,
                    query: Query | None = None,
                    headers: Mapping[str, str] | None = None,
                    data: Body | None = None,
                    ok: Collection[int] | None = None,
                    retry: bool = True) -> Response:
            raise NotImplementedError

        def stream(self, method: str, path: str, query: Query | None = None,
                   headers: Mapping[str, str] | None = None,
                   data: Body | None = None,
                   ok: Collection[int] | None = None,
                   retry: bool = True
                   ) -> contextlib.AbstractContextManager[Response]:
            raise NotImplementedError

        def retrying(self, fn: Callable[[], T], retry: bool = True) -> T:
            raise NotImplementedError

    # --- accounts ------------------------------------------------------
    def head_account(self, account: str,
                     retry: bool = True) -> Headers | None:
        """The account's headers, or None when it answers 404 or 410."""
        resp = self.request('HEAD', self.path(account), retry=retry,
                            ok=(200, 204, 404, 410))
        if resp.status_code in (404, 410):
            return None
        return hdrs.from_response(resp.headers.items())

    def post_account(self, account: str,
                     headers: Mapping[str, str]) -> None:
        self.request('POST', self.path(account), headers=headers,
                     ok=(200, 202, 204))

    # --- containers ----------------------------------------------------
    def head_container(self, account: str, container: str,
                       newest: bool = False) -> Headers | None:
        """The container's headers, or None when it does not exist."""
        resp = self.request('HEAD', self.path(account, container),
                            headers={'x-newest': 'true'} if newest else None,
                            ok=(200, 204, 404))
        if resp.status_code == 404:
            return None
        return hdrs.from_response(resp.headers.items())

    def change_mark(self, account: str, container: str) -> str | None:
        """The container's change mark as the origin's change-marks
        middleware gives it (the newest of all replicas, ``none`` or
        ``unknown``), or None without the middleware or the container."""
        resp = self.request('HEAD', self.path(account, container),
                            headers={'x-swsync-change-mark': 'newest'},
                            ok=(200, 204, 404))
        if resp.status_code == 404:
            return None
        return resp.headers.get('x-swsync-change-mark')

    def put_container(self, account: str, container: str,
                      headers: Mapping[str, str]) -> None:
        self.request('PUT', self.path(account, container), headers=headers,
                     ok=(201, 202))

    def post_container(self, account: str, container: str,
                       headers: Mapping[str, str]) -> None:
        self.request('POST', self.path(account, container), headers=headers,
                     ok=(200, 202, 204))

    def delete_container(self, account: str, container: str) -> bool:
        """True when the container is gone; False when it is not empty
        (409: its objects' deletions have not reached the container
        listing yet)."""
        resp = self.request('DELETE', self.path(account, container),
                            ok=(204, 404, 409))
        return resp.status_code != 409

    # --- objects -------------------------------------------------------
    def head_object(self, account: str, container: str, name: str,
                    query: Query | None = None, newest: bool = False,
                    retry: bool = True) -> Headers | None:
        """The object's headers, or None when it answers 404."""
        resp = self.request('HEAD', self.path(account, container, name),
                            query=query, retry=retry, ok=(200, 404),
                            headers={'x-newest': 'true'} if newest else None)
        if resp.status_code == 404:
            return None
        return hdrs.from_response(resp.headers.items())

    def get_object(self, account: str, container: str, name: str,
                   query: Query | None = None, retry: bool = True
                   ) -> contextlib.AbstractContextManager[Response | None]:
        """A context manager giving the streamed response, or None when
        the object answers 404."""
        return _optional(self.stream(
            'GET', self.path(account, container, name), query=query,
            retry=retry, ok=(200, 404)))

    def read_object(self, account: str, container: str, name: str,
                    query: Query | None = None) -> bytes | None:
        """A small object's whole body (swsync's state documents), or
        None when it answers 404. The request and the reading of its body
        are retried together: a body that broke off is read again, where
        a retried request alone would leave the broken read to the caller
        (a traceback, marked fuzz seed 3501)."""
        path = self.path(account, container, name)

        def once() -> bytes | None:
            with self.get_object(account, container, name, query=query,
                                 retry=False) as resp:
                if resp is None:
                    return None
                try:
                    body: bytes = resp.raw.read(decode_content=False)
                except BODY_ERRORS as exc:
                    raise TransportError('GET', path, 'body broke off: %s'
                                         % exc.__class__.__name__)
                return body
        return self.retrying(once)

    def put_object(self, account: str, container: str, name: str,
                   headers: Mapping[str, str], body: Body,
                   query: Query | None = None, retry: bool = True) -> int:
        """The status: 201, or 202 when a preserved X-Timestamp was older
        than what the destination holds (nothing written)."""
        resp = self.request('PUT', self.path(account, container, name),
                            query=query, headers=headers, data=body,
                            retry=retry, ok=(201, 202))
        return resp.status_code

    def post_object(self, account: str, container: str, name: str,
                    headers: Mapping[str, str], retry: bool = True) -> None:
        """POST metadata. Redirects are not followed: a POST to a symlink
        answers 307 and has been applied to the link itself."""
        self.request('POST', self.path(account, container, name),
                     headers=headers, retry=retry, ok=(202, 307))

    def delete_object(self, account: str, container: str, name: str,
                      retry: bool = True) -> None:
        self.request('DELETE', self.path(account, container, name),
                     retry=retry, ok=(204, 404))


@contextlib.contextmanager
def _optional(stream: contextlib.AbstractContextManager[Response]
              ) -> Iterator[Response | None]:
    with stream as resp:
        yield None if resp.status_code == 404 else resp


class Cluster(SwiftOperations):
    """One side (origin or destination) as seen by the reseller admin."""

    def __init__(self, side: str, auth: CachedAuth,
                 conf: 'cfg.ConfigOpts.GroupAttr', workers: int,
                 retries: int = 5, max_backoff: float = 30.0,
                 throttle: Throttle | None = None) -> None:
        self.side = side
        self.throttle = throttle or Throttle()
        self.auth = auth
        self.conf = conf
        self.retries = retries
        self.max_backoff = max_backoff
        self._pool = eventlet.pools.Pool(max_size=workers,
                                         create=self._new_connection)
        # Origin account name -> this cluster's account name, when they
        # differ (separate Keystones map projects by name).
        self.account_map = {}
        # f(side, method, seconds) for every request (statsd timings)
        self.observers: list[Callable[[str, str, float], None]] = []
        # After this many connection-level failures in a row, on_down()
        # is called once (the run stops instead of retrying for minutes).
        self.max_consecutive_failures = 0
        self.on_down: Callable[[str, int], None] | None = None
        self.down = False       # then requests are no longer retried
        self._failures_in_a_row = 0

    # --- URLs ----------------------------------------------------------
    @property
    def storage_url(self) -> str:
        return self.auth.credentials()[0]

    @property
    def base_url(self) -> str:
        """Reseller storage URL without its account (``.../v1``)."""
        return self.storage_url.rstrip('/').rsplit('/', 1)[0]

    def path(self, account: str, container: str | None = None,
             obj: str | None = None) -> str:
        account = self.account_map.get(account, account)
        parsed = urllib.parse.urlparse(self.base_url)
        path = '%s/%s' % (parsed.path, quote_name(account))
        if container is not None:
            path += '/' + quote_name(container)
            if obj is not None:
                path += '/' + quote_name(obj, keep_slash=True)
        return path

    def _new_connection(self) -> Connection:
        return Connection(self.base_url, timeout=self.conf.timeout,
                          insecure=self.conf.insecure,
                          cacert=self.conf.cafile,
                          cert=getattr(self.conf, 'certfile', None),
                          cert_key=getattr(self.conf, 'keyfile', None))

    # --- requests ------------------------------------------------------
    def _send(self, conn: Connection, method: str, path: str,
              query: Query | None, headers: Mapping[str, str] | None,
              data: Body | None) -> requests.Response:
        token = self.auth.credentials()[1]
        send_headers = hdrs.to_request(headers or {})
        send_headers['x-auth-token'] = token.encode('latin-1')
        full = path + ('?' + urllib.parse.urlencode(query) if query else '')
        self.throttle.request()
        started = time.monotonic()
        try:
            resp = conn.request(method, full, data=data,
                                headers=send_headers)
        except (requests.RequestException, OSError) as exc:
            self._connection_failed()
            raise TransportError(method, path, _describe(exc))
        self._failures_in_a_row = 0
        for observer in self.observers:
            observer(self.side, method, time.monotonic() - started)
        return resp

    def _connection_failed(self) -> None:
        self._failures_in_a_row += 1
        limit = self.max_consecutive_failures
        if limit and self._failures_in_a_row == limit:
            self.down = True
            if self.on_down:
                self.on_down(self.side, limit)

    def _check(self, method: str, path: str, resp: requests.Response,
               ok: Collection[int] | None) -> requests.Response:
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
        err.side = self.side
        if status == 401:
            self.auth.invalidate()
        raise err

    def request(self, method: str, path: str, query: Query | None = None,
                headers: Mapping[str, str] | None = None,
                data: Body | None = None, ok: Collection[int] | None = None,
                retry: bool = True) -> Response:
        """One request, body read (not streamed); returns the response.

        ``ok`` lists statuses that are not errors (default: any 2xx). A
        status outside it raises SwiftError after retries.
        """
        def attempt() -> requests.Response:
            with self._pool.item() as conn:
                resp = self._send(conn, method, path, query, headers, data)
                try:
                    resp._content = resp.raw.read(decode_content=False)
                    self.throttle.transferred(len(resp._content))
                except BODY_ERRORS as exc:
                    raise TransportError(method, path, _describe(exc))
                finally:
                    resp.close()
                return self._check(method, path, resp, ok)
        return self.retrying(attempt, retry)

    @contextlib.contextmanager
    def stream(self, method: str, path: str, query: Query | None = None,
               headers: Mapping[str, str] | None = None,
               data: Body | None = None, ok: Collection[int] | None = None,
               retry: bool = True) -> Iterator[Response]:
        """A request whose response body is read by the caller
        (``resp.raw.read``, undecoded); the connection is held until the
        block ends."""
        with self._pool.item() as conn:
            def attempt() -> requests.Response:
                resp = self._send(conn, method, path, query, headers, data)
                return self._check(method, path, resp, ok)
            resp = self.retrying(attempt, retry)
            try:
                yield resp
            finally:
                resp.close()

    def retrying(self, fn: Callable[[], T], retry: bool = True) -> T:
        """Call ``fn`` with this side's retry policy (tenacity).

        One policy per request: ``fn`` is either one request, or one unit
        of work (read the origin, write the destination) whose inner
        requests do not retry on their own, so that each attempt re-reads
        what it writes and retries never multiply.
        """
        if not retry:
            return fn()
        # A unit of work talks to both sides: each side's token may expire
        # once in it, so 401s in a row are counted per side.
        reauths = [0]
        in_a_row: dict[str | None, int] = {}

        def stop(state: tenacity.RetryCallState) -> bool:
            if self.down:
                return True     # the cluster looks down: fail fast
            exc = state.outcome.exception()
            if isinstance(exc, SwiftError) and exc.status == 401:
                reauths[0] += 1
                side = getattr(exc, 'side', None)
                in_a_row[side] = in_a_row.get(side, 0) + 1
                return in_a_row[side] > MAX_REAUTH
            in_a_row.clear()
            return state.attempt_number - reauths[0] > self.retries
        retryer = tenacity.Retrying(
            stop=stop,
            wait=self._wait,
            retry=tenacity.retry_if_exception(_retryable),
            before_sleep=self._log_retry,
            reraise=True)
        return retryer(fn)

    def _wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception()
        if isinstance(exc, SwiftError) and exc.status == 401:
            return 0
        backoff = (tenacity.wait_exponential(multiplier=0.5,
                                             max=self.max_backoff) +
                   tenacity.wait_random(0, 0.5))(state)
        retry_after = getattr(exc, 'retry_after', None) or 0
        return min(max(backoff, retry_after), self.max_backoff)

    def _log_retry(self, state: tenacity.RetryCallState) -> None:
        """One line per retry, naming the side whose request failed: a
        unit of work (read the origin, write the destination) retries
        under the origin's policy, whatever side refused."""
        exc = state.outcome.exception()
        LOG.warning('%s: retry %d after: %s',
                    getattr(exc, 'side', None) or self.side,
                    state.attempt_number, exc)

    # --- Swift operations ----------------------------------------------
    def info(self) -> dict[str, Any]:
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

    def list_page(self, path: str, marker: str, limit: int,
                  missing_ok: bool = False, end_marker: str | None = None
                  ) -> tuple[Headers | None, list[Row]]:
        """One JSON listing page: (wire headers, rows). A 404 gives
        (None, []) when ``missing_ok``."""
        ok = (200, 204, 404, 412) if missing_ok else (200, 204, 412)
        query = {'format': 'json', 'limit': str(limit), 'marker': marker}
        if end_marker is not None:
            query['end_marker'] = end_marker
        resp = self.request('GET', path, ok=ok, query=query)
        if resp.status_code == 412:
            # "Maximum limit is N": this cluster allows smaller pages than
            # asked (its /info may be hidden); the walk asks again.
            match = re.search(rb'Maximum limit is (\d+)', resp.content)
            if not match:
                raise SwiftError('GET', path, 412, resp.reason)
            raise ListingLimitTooHigh('GET', path, 412,
                                      'Maximum limit is %s' % int(
                                          match.group(1)),
                                      maximum=int(match.group(1)))
        if resp.status_code == 404:
            return None, []
        headers = hdrs.from_response(resp.headers.items())
        if resp.status_code == 204 or not resp.content:
            return headers, []
        try:
            return headers, json.loads(resp.content)
        except ValueError:
            raise SwiftError('GET', path, resp.status_code,
                             'listing is not JSON')


def _retry_after(resp: requests.Response) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or
    an HTTP date (RFC 9110 allows both)."""
    return parse_retry_after(resp.headers.get('retry-after'))


def parse_retry_after(value: str | None,
                      now: float | None = None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    when = hdrs.http_date(value)
    if when is None:
        return None
    return max(0.0, when - (time.time() if now is None else now))


def own_account(storage_url: str) -> str:
    """The account of a storage URL (its last path part)."""
    return storage_url.rstrip('/').rsplit('/', 1)[1]


def _describe(exc: BaseException) -> str:
    """One line for a transport exception (no URL query, no headers)."""
    return '%s: %s' % (exc.__class__.__name__, describe_transport(exc))
