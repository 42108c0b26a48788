"""Authentication of the reseller admin on one cluster.

Both kinds give a token and the admin's own storage URL; every account is
reached by swapping that URL's last segment for the account name. Errors
become AuthError with one line that names the side and the cause, never
the password or the token.
"""
import logging
import threading
from typing import TYPE_CHECKING

from swsync.client.http import AuthRefused, tempauth_v1

from swsync.client.errors import AuthError, AuthUnavailable, \
    describe_transport, safe_url, scrub_url

if TYPE_CHECKING:
    # oslo.config has no type hints: for mypy these are Any. A side's
    # group (``cfg.ConfigOpts.GroupAttr``) has its options as attributes.
    from oslo_config import cfg

LOG = logging.getLogger(__name__)

#: (storage URL, token)
Credentials = tuple[str, str]


class CachedAuth:
    """Keeps (storage URL, token) until a 401 invalidates it.

    A token is reused for the whole run; when it expires (or is revoked)
    the proxy answers 401, the request layer calls invalidate() and
    retries, and the next credentials() call authenticates again.
    """

    def __init__(self, side: str, conf: 'cfg.ConfigOpts.GroupAttr') -> None:
        self.side = side
        self.conf = conf
        self._lock = threading.Lock()
        self._creds: Credentials | None = None

    def credentials(self) -> Credentials:
        """(storage_url, token), authenticating on first use."""
        with self._lock:
            if self._creds is None:
                self._creds = self._authenticate()
            return self._creds

    def invalidate(self) -> None:
        """Forget the token (after a 401) so the next call re-authenticates."""
        with self._lock:
            self._creds = None

    def _authenticate(self) -> Credentials:
        raise NotImplementedError


class TempAuth(CachedAuth):
    """Tempauth/swauth (v1.0): GET auth_url with X-Auth-User/X-Auth-Key."""

    def _authenticate(self) -> Credentials:
        conf = self.conf
        try:
            url, token = tempauth_v1(
                conf.auth_url, conf.username, conf.password,
                insecure=conf.insecure, cacert=conf.cafile,
                cert=conf.certfile, cert_key=conf.keyfile,
                timeout=conf.timeout)
        except AuthRefused as exc:
            if exc.status in (401, 403):
                raise AuthError('%s: authentication refused (%s) by %s for '
                                'user %s' % (self.side, exc.status,
                                             safe_url(conf.auth_url),
                                             conf.username))
            error = AuthUnavailable if exc.status >= 500 else AuthError
            raise error('%s: authentication failed (%s) at %s' % (
                self.side, exc.status, safe_url(conf.auth_url)))
        except Exception as exc:  # connection refused, DNS, TLS...
            raise AuthError('%s: cannot reach %s: %s' % (
                self.side, safe_url(conf.auth_url),
                scrub_url(describe_transport(exc), conf.auth_url)))
        if conf.storage_url:
            url = conf.storage_url
        if not url or not token:
            raise AuthError('%s: %s returned no storage URL or token' % (
                self.side, safe_url(conf.auth_url)))
        LOG.debug('%s: authenticated as %s', self.side, conf.username)
        return url, token
