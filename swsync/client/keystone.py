"""Keystone: the reseller admin's token and Keystone's own API.

The side's group ([origin], [destination]; swfiller's [swift]) is read with
keystoneauth1's loading helpers, as OpenStack services read theirs: the
auth plugin named by ``auth_type`` (password, v3applicationcredential,
token...), the session (TLS files, timeout) and the object-store endpoint
(``region_name``, ``valid_interfaces``, ``endpoint_override``; see
``swsync.config``).

Two endpoints are chosen apart: the object-store (Swift) endpoint with
those options, and Keystone's identity endpoint (project listing, name
mapping) with a keystoneauth adapter configured in ``[origin_identity]`` /
``[destination_identity]`` (``config.identity_opts``): Keystone's
endpoints often live in another region than Swift's.
"""
import logging
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, overload

from swsync.client.auth import CachedAuth, Credentials
from swsync.client.errors import AuthError, AuthUnavailable, ConfigError, \
    safe_url

if TYPE_CHECKING:
    # Neither library has type hints: for mypy these are Any.
    from keystoneauth1 import adapter
    from oslo_config import cfg

LOG = logging.getLogger(__name__)

#: A JSON object of Keystone's API (a project or domain reference, a
#: response body).
Ref = dict[str, Any]

# keystoneauth's adapter options that choose the object-store endpoint
# (swsync.config.ENDPOINT_OPTS registers them).
ENDPOINT_OPTS = ('service_type', 'service_name', 'valid_interfaces',
                 'region_name', 'endpoint_override', 'interface')


@dataclass(frozen=True)
class Project:
    id: str
    name: str
    domain: str    # domain name (or id when the name is unknown)


class KeystoneRefused(AuthError):
    """Keystone answered 403 to a read of its projects or domains."""


def endpoint_kwargs(group: 'cfg.ConfigOpts.GroupAttr') -> dict[str, object]:
    """keystoneauth1 Adapter arguments for the object-store endpoint,
    checked by keystoneauth's own process_conf_options (TypeError: e.g.
    interface and valid_interfaces both set, an unknown interface)."""
    from keystoneauth1.loading import adapter as adapter_loading
    from keystoneauth1.loading import get_adapter_conf_options
    view = types.SimpleNamespace(**{o.dest: None for o in
                                    get_adapter_conf_options()})
    for name in ENDPOINT_OPTS:
        setattr(view, name, group[name])
    kwargs: dict[str, object] = {}
    adapter_loading.process_conf_options(view, kwargs)
    return {k: v for k, v in kwargs.items() if v is not None}


def _value(group: 'cfg.ConfigOpts.GroupAttr', name: str) -> object:
    try:
        return group[name]
    except (KeyError, AttributeError):     # not an option of this plugin
        return None


def describe_credentials(group: 'cfg.ConfigOpts.GroupAttr') -> str:
    """Who authenticates, for messages: never a secret."""
    app_id = _value(group, 'application_credential_id')
    app_name = _value(group, 'application_credential_name')
    user = _value(group, 'username') or _value(group, 'user_id')
    if app_id:
        return 'application credential %s' % app_id
    if app_name:
        return 'application credential %s of user %s' % (app_name, user)
    if user:
        return 'user %s' % user
    if _value(group, 'token'):
        return 'the configured token'
    return 'auth_type %s' % group.auth_type


class KeystoneAuth(CachedAuth):
    """A keystoneauth1 session: token plus the object-store endpoint; an
    adapter to Keystone's own API (``identity``).

    ``conf`` is the ConfigOpts, ``group`` the side's section: keystoneauth
    loads the plugin and the session from it
    (``load_auth_from_conf_options``, ``load_session_from_conf_options``).
    """

    def __init__(self, side: str, conf: 'cfg.ConfigOpts', group: str,
                 identity_conf: 'cfg.ConfigOpts.GroupAttr | None' = None
                 ) -> None:
        from keystoneauth1 import adapter
        from keystoneauth1 import exceptions as ks_exc
        from keystoneauth1 import loading as ks_loading
        super().__init__(side, conf[group])
        self.who = describe_credentials(self.conf)
        try:
            auth = ks_loading.load_auth_from_conf_options(conf, group)
            self.session = ks_loading.load_session_from_conf_options(
                conf, group, auth=auth)
            self.endpoint = adapter.Adapter(self.session,
                                            **endpoint_kwargs(self.conf))
        except (ks_exc.ClientException, TypeError, ValueError) as exc:
            raise ConfigError('[%s] auth_type = %s: %s' % (
                group, self.conf.auth_type, exc))
        self.identity_conf = identity_conf
        self._identity: adapter.Adapter | None = None

    def invalidate(self) -> None:
        super().invalidate()
        self.session.invalidate()

    def _authenticate(self) -> Credentials:
        from keystoneauth1 import exceptions as ks_exc
        conf = self.conf
        try:
            token = self.session.get_token()
            url = conf.storage_url or self.endpoint.get_endpoint()
            if not url and token:
                raise AuthError(self._no_object_store())
        except ks_exc.Unauthorized:
            raise AuthError('%s: Keystone refused the credentials of %s at '
                            '%s' % (self.side, self.who,
                                    safe_url(conf.auth_url)))
        except ks_exc.NotFound:
            # Keystone 404s an application credential it does not have.
            raise AuthError('%s: Keystone at %s does not know %s (404): '
                            'deleted, or a wrong auth_url' % (
                                self.side, safe_url(conf.auth_url), self.who))
        except ks_exc.ConnectFailure:
            raise AuthError('%s: cannot reach Keystone at %s' % (
                self.side, safe_url(conf.auth_url)))
        except ks_exc.EndpointNotFound:
            raise AuthError(self._no_object_store())
        except ks_exc.HttpServerError as exc:
            raise AuthUnavailable('%s: Keystone error at %s: %s (%s)' % (
                self.side, safe_url(conf.auth_url), exc.__class__.__name__,
                exc.http_status))
        except ks_exc.ClientException as exc:
            raise AuthError('%s: Keystone error at %s: %s' % (
                self.side, safe_url(conf.auth_url), exc.__class__.__name__))
        if not url or not token:
            raise AuthError('%s: Keystone gave no token or endpoint' %
                            self.side)
        return url, token

    def _no_object_store(self) -> str:
        """One line naming what was asked and what the catalog offers."""
        ep = self.endpoint
        interfaces = ep.interface or 'public'
        if not isinstance(interfaces, str):
            interfaces = '/'.join(interfaces)
        wanted = 'interface %s, region %s' % (interfaces,
                                              ep.region_name or 'any')
        try:
            catalog = self.session.auth.get_access(
                self.session).service_catalog
            found = catalog.get_endpoints_data(
                service_type=ep.service_type).get(ep.service_type, [])
            offered = sorted({'%s/%s' % (e.region_name or '-', e.interface)
                              for e in found})
        except Exception:   # the catalog is only an aid to the message
            offered = []
        return ('%s: no %s endpoint (%s) in the catalog; it has: %s (set '
                '[%s] region_name and valid_interfaces)' % (
                    self.side, ep.service_type, wanted,
                    ', '.join(offered) or 'none', self.side))

    # --- Keystone's own API ----------------------------------------------
    @property
    def identity(self) -> 'adapter.Adapter':
        """A keystoneauth1 Adapter to the identity service, chosen with
        the side's identity group (region, interfaces, override)."""
        if self._identity is None:
            from keystoneauth1 import adapter
            from keystoneauth1.loading import adapter as adapter_loading
            kwargs: dict[str, object] = {}
            if self.identity_conf is not None:
                try:
                    adapter_loading.process_conf_options(self.identity_conf,
                                                         kwargs)
                except TypeError as exc:
                    raise ConfigError('[%s_identity] %s' % (self.side, exc))
            else:
                kwargs = {'service_type': 'identity', 'interface': 'public',
                          'version': '3'}
            self._identity = adapter.Adapter(self.session, **kwargs)
        return self._identity

    def project_id(self) -> str:
        """The id of the project the token is scoped to."""
        self.credentials()
        return self.session.get_project_id()


class KeystoneAPI:
    """Projects and domains of one side's Keystone, read completely.

    Keystone cuts a list at its ``list_limit`` (or, since it pages,
    ``max_db_limit``) and marks the answer ``truncated`` - or, when no
    list_limit is set, does not mark it at all. So every list is read by
    ``marker`` until Keystone has nothing new to give; a Keystone that
    truncates but ignores the marker (before it learnt to page) cannot be
    listed completely, and that is an error, never a short list.
    """

    def __init__(self, auth: KeystoneAuth) -> None:
        self.auth = auth
        self.side = auth.side
        self._domains: dict[str, str] = {}

    @overload
    def _get(self, what: str, path: str,
             params: Mapping[str, str] | None = None,
             missing_ok: Literal[False] = False) -> Ref:
        ...

    @overload
    def _get(self, what: str, path: str,
             params: Mapping[str, str] | None = None, *,
             missing_ok: bool) -> Ref | None:
        ...

    def _get(self, what: str, path: str,
             params: Mapping[str, str] | None = None,
             missing_ok: bool = False) -> Ref | None:
        """The JSON body of a GET; None for a 404 when ``missing_ok``."""
        from keystoneauth1 import exceptions as ks_exc
        try:
            resp = self.auth.identity.get(path, params=params or {},
                                          raise_exc=False)
        except ks_exc.EndpointNotFound:
            raise AuthError(self._no_identity())
        except ks_exc.ConnectFailure:
            raise AuthError('%s: cannot reach Keystone\'s identity endpoint '
                            'to %s' % (self.side, what))
        except ks_exc.Unauthorized:
            raise AuthError('%s: Keystone refused the credentials of %s' % (
                self.side, self.auth.who))
        except ks_exc.ClientException as exc:
            raise AuthError('%s: Keystone error while trying to %s: %s' % (
                self.side, what, exc.__class__.__name__))
        if resp.status_code == 404 and missing_ok:
            return None
        if resp.status_code == 403:
            raise KeystoneRefused(
                '%s: Keystone refused to %s (403): the user needs a role '
                'allowed to read projects (identity:list_projects, e.g. '
                'admin), or set [sync] accounts' % (self.side, what))
        if resp.status_code != 200:
            raise AuthError('%s: Keystone answered %d to %s' % (
                self.side, resp.status_code, what))
        try:
            return resp.json()
        except ValueError:
            raise AuthError('%s: Keystone answered no JSON to %s' % (
                self.side, what))

    def _no_identity(self) -> str:
        conf = self.auth.identity_conf
        interfaces = getattr(conf, 'valid_interfaces', None) or ['public']
        region = getattr(conf, 'region_name', None) or 'any'
        return ('%s: no identity endpoint (interface %s, region %s) in the '
                'catalog (set [%s_identity] region_name, valid_interfaces '
                'or endpoint_override)' % (
                    self.side, '/'.join(interfaces), region, self.side))

    def projects(self) -> list[Project]:
        """Every project (disabled ones included), as Project values."""
        def fetch(marker: str | None) -> tuple[list[Ref], bool]:
            params = {'marker': marker} if marker else {}
            body = self._get('list projects', '/projects', params)
            return body.get('projects') or [], bool(body.get('truncated'))
        refs = collect(fetch, self.side)
        return [Project(r['id'], r['name'], self.domain_name(r['domain_id']))
                for r in refs if not r.get('is_domain')]

    def project(self, project_id: str) -> Project | None:
        """One project by id, or None when Keystone does not know it."""
        body = self._get('read project %s' % project_id,
                         '/projects/%s' % project_id, missing_ok=True)
        if body is None:
            return None
        ref = body['project']
        return Project(ref['id'], ref['name'],
                       self.domain_name(ref['domain_id']))

    def knows_project(self, project_id: str) -> bool | None:
        """Whether Keystone knows a project id: True, False, or None when
        it refuses to say (403)."""
        try:
            return self.project(project_id) is not None
        except KeystoneRefused:
            return None

    def domain_name(self, domain_id: str) -> str:
        if domain_id not in self._domains:
            body = self._get('read domain %s' % domain_id,
                             '/domains/%s' % domain_id, missing_ok=True)
            self._domains[domain_id] = (body['domain']['name'] if body
                                        else domain_id)
        return self._domains[domain_id]


def collect(fetch: Callable[[str | None], tuple[list[Ref], bool]],
            side: str) -> list[Ref]:
    """Every item of a Keystone list, read page by page.

    ``fetch(marker)`` returns (items, truncated). Keystone since 2025.2
    pages by ``marker`` (the last id), sorted by id, and may cut a page
    without saying so (``max_db_limit``); older ones ignore the marker and
    answer the first page again. So: ask again with the last id until a
    page is empty (the end) or brings back what was already read (the
    marker was ignored: complete only if the answer was not truncated).
    """
    items: list[Ref] = []
    seen: set[str] = set()
    marker: str | None = None
    truncated = False
    while True:
        page, page_truncated = fetch(marker)
        new = [i for i in page if i['id'] not in seen]
        if marker is not None and len(new) < len(page):
            if truncated:
                raise ConfigError(
                    '%s: Keystone truncates its list at %d entries (its '
                    'list_limit) and does not page: swsync cannot see every '
                    'project; raise Keystone\'s [resource] list_limit, or '
                    'name the accounts in [sync] accounts' % (
                        side, len(page)))
            return items
        if not page:
            return items
        items.extend(new)
        seen.update(i['id'] for i in new)
        truncated = page_truncated
        marker = page[-1]['id']
