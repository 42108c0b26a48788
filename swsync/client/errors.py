"""Errors as values: each has a cause that the report and exit code use."""
import urllib.parse


class SyncError(Exception):
    """Base class; ``str()`` is a one-line, secret-free description."""


class ConfigError(SyncError):
    """Bad configuration or command line: exit code 2, nothing written."""


class AuthError(SyncError):
    """Authentication or authorization failed: exit code 2."""


class AuthUnavailable(AuthError):
    """The authentication endpoint answered a server error (5xx): the
    cluster is unavailable, not misconfigured; retried like any request,
    then exit code 1 (a cluster went down), not 2."""


def short_path(path: str, limit: int = 300) -> str:
    """A path short enough for one log line (names can be 1 KB of UTF-8,
    three times that quoted)."""
    if len(path) <= limit:
        return path
    return '%s...%s' % (path[:limit // 2], path[-limit // 3:])


def safe_url(url: str | None) -> str:
    """``url`` as a message may show it: without ``user:password@``, query
    and fragment, where an auth URL can carry a credential
    (``http://admin:secret@proxy/auth/v1.0``, ``...?key=secret``)."""
    try:
        parts = urllib.parse.urlsplit(url or '')
    except ValueError:
        return '<unparsable URL>'
    netloc = parts.netloc.rpartition('@')[2]
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, '',
                                    ''))


def scrub_url(text: str, url: str | None) -> str:
    """``text`` (an exception's message, which libraries fill with the URL
    they were given) without the secret-bearing parts of ``url``."""
    if url and url in text:
        text = text.replace(url, safe_url(url))
    try:
        parts = urllib.parse.urlsplit(url or '')
    except ValueError:
        return text
    secrets = [parts.netloc.rpartition('@')[0], parts.query, parts.fragment]
    for secret in sorted(filter(None, secrets), key=len, reverse=True):
        text = text.replace(secret, '***')
    return text


def describe_transport(exc: BaseException) -> str:
    """One short line for a connection-level exception."""
    text = str(exc)
    for marker, meaning in (
            ('CERTIFICATE_VERIFY_FAILED',
             'TLS certificate verification failed '
             '(CERTIFICATE_VERIFY_FAILED)'),
            ('Connection refused', 'connection refused'),
            ('ECONNREFUSED', 'connection refused'),
            ('Name or service not known', 'host name not resolved'),
            ('timed out', 'timed out'),
            ('Connection reset', 'connection reset'),
            ('RemoteDisconnected', 'connection closed by the server')):
        if marker in text:
            return meaning
    first = text.splitlines()[0] if text else exc.__class__.__name__
    return first if len(first) <= 160 else first[:160] + '...'


class SwiftError(SyncError):
    """A Swift request answered with an unexpected status.

    Holds no token and no header values, so it is safe to log.
    ``Cluster`` sets ``retry_after`` (seconds, from Retry-After) and
    ``side`` on the errors it raises; these class defaults are what the
    retry policy's ``getattr(exc, ..., None)`` read on the others.
    """
    retry_after: float | None = None
    side: str | None = None

    def __init__(self, method: str, path: str, status: int,
                 reason: str = '') -> None:
        self.method = method
        self.path = path
        self.status = status
        self.reason = reason
        super().__init__('%s %s -> %s %s' % (method, short_path(path),
                                             status, reason))


class ListingLimitTooHigh(SwiftError):
    """A listing page was asked with a larger ``limit`` than the cluster
    allows (412 "Maximum limit is N"); ``maximum`` is N."""

    def __init__(self, method: str, path: str, status: int,
                 reason: str = '', maximum: int | None = None) -> None:
        super().__init__(method, path, status, reason)
        self.maximum = maximum


class TargetsMissing(SwiftError):
    """The destination refused an SLO manifest or a static symlink because
    a segment or the target is not there (yet)."""


class TransportError(SyncError):
    """The proxy could not be reached or the connection broke."""

    def __init__(self, method: str, path: str, cause: str) -> None:
        self.method = method
        self.path = path
        self.cause = cause
        super().__init__('%s %s -> %s' % (method, short_path(path), cause))


class ListingError(SyncError):
    """A listing could not be read completely; no deletions may follow."""


class OriginChanged(TransportError):
    """The origin object changed while it was being copied: the unit of
    work is done again (retried like a broken connection)."""
