"""Keystone v3 authentication and project discovery for reseller admins."""
import logging

from swsync.auth import CachedAuth
from swsync.errors import AuthError

LOG = logging.getLogger(__name__)


class KeystoneAuth(CachedAuth):
    """A keystoneauth1 session: token plus the object-store endpoint."""

    def __init__(self, side, conf):
        from keystoneauth1 import session
        from keystoneauth1.identity import v3
        super().__init__(side, conf)
        auth = v3.Password(auth_url=conf.auth_url, username=conf.username,
                           password=conf.password,
                           project_name=conf.project_name,
                           user_domain_name=conf.user_domain_name,
                           project_domain_name=conf.project_domain_name)
        verify = False if conf.insecure else (conf.cafile or True)
        self.session = session.Session(auth=auth, verify=verify,
                                       timeout=conf.timeout)

    def invalidate(self):
        super().invalidate()
        self.session.invalidate()

    def _authenticate(self):
        from keystoneauth1 import exceptions as ks_exc
        conf = self.conf
        try:
            token = self.session.get_token()
            url = conf.storage_url or self.session.get_endpoint(
                service_type='object-store', interface=conf.interface,
                region_name=conf.region_name)
        except ks_exc.Unauthorized:
            raise AuthError('%s: Keystone refused the credentials of user '
                            '%s at %s' % (self.side, conf.username,
                                          conf.auth_url))
        except ks_exc.ConnectFailure:
            raise AuthError('%s: cannot reach Keystone at %s' % (
                self.side, conf.auth_url))
        except ks_exc.EndpointNotFound:
            raise AuthError('%s: no object-store endpoint (%s) in the '
                            'catalog' % (self.side, conf.interface))
        except ks_exc.ClientException as exc:
            raise AuthError('%s: Keystone error at %s: %s' % (
                self.side, conf.auth_url, exc.__class__.__name__))
        if not url or not token:
            raise AuthError('%s: Keystone gave no token or endpoint' %
                            self.side)
        return url, token
