"""HTTP to one Swift proxy, on a requests session.

swsync needs little from an HTTP client: keep-alive connections, TLS
options, a timeout, no redirects followed (a POST to a symlink answers 307
and must not be repeated on its target), bodies read undecoded, header
values kept as the wire sends them. python-swiftclient's HTTPConnection
and get_auth_1_0 did that much, but importing swiftclient imports
python-keystoneclient's v2 and v3 clients (about a third of a second of
start-up) whatever the auth system; this module is that much, on
requests, which swiftclient itself uses.
"""
import urllib.parse
from collections.abc import Mapping
from typing import Protocol, TypedDict

import requests


class Reader(Protocol):
    """A request body read as it is sent (``actions.StreamBody``)."""

    def read(self, size: int = ...) -> bytes:
        ...


#: A request body: bytes, or a file-like object.
Body = bytes | Reader


class RawBody(Protocol):
    """A response body read undecoded, as it comes (urllib3's
    HTTPResponse, ``requests.Response.raw``)."""

    def read(self, amt: int | None = ...,
             decode_content: bool | None = ...) -> bytes:
        ...


class Response(Protocol):
    """What swsync uses of a response: a ``requests.Response``, or the
    unit tests' fakes. Header names are case-insensitive on a real one."""
    status_code: int
    reason: str
    headers: Mapping[str, str]
    content: bytes
    raw: RawBody

    def close(self) -> None:
        ...


class _RequestsArgs(TypedDict, total=False):
    """The keyword arguments of every ``Session.request``."""
    timeout: float | None
    verify: bool | str
    allow_redirects: bool
    stream: bool
    cert: str | tuple[str, str]


class Connection:
    """One keep-alive session to the proxy at ``base_url``; ``request``
    takes a path (with its query) under that host."""

    def __init__(self, base_url: str, timeout: float | None = None,
                 insecure: bool = False, cacert: str | None = None,
                 cert: str | None = None, cert_key: str | None = None,
                 user_agent: str = 'swsync') -> None:
        parsed = urllib.parse.urlsplit(base_url)
        self.origin = '%s://%s' % (parsed.scheme, parsed.netloc)
        self.session = requests.Session()
        self.requests_args: _RequestsArgs = {
            'timeout': timeout,
            'verify': False if insecure else (cacert or True),
            'allow_redirects': False,
            'stream': True,
        }
        if cert:
            self.requests_args['cert'] = (cert, cert_key) if cert_key \
                else cert
        self.session.headers['User-Agent'] = user_agent

    def request(self, method: str, path: str, data: Body | None = None,
                headers: Mapping[str, str | bytes] | None = None
                ) -> requests.Response:
        return self.session.request(method, self.origin + path, data=data,
                                    headers=headers, **self.requests_args)

    def close(self) -> None:
        self.session.close()


class AuthRefused(Exception):
    """The auth endpoint answered with an error status."""

    def __init__(self, status: int) -> None:
        super().__init__('authentication refused (%s)' % status)
        self.status = status


def tempauth_v1(auth_url: str, user: str, key: str,
                timeout: float | None = None, insecure: bool = False,
                cacert: str | None = None, cert: str | None = None,
                cert_key: str | None = None
                ) -> tuple[str | None, str | None]:
    """(storage URL, token) from a v1.0 auth endpoint (tempauth, swauth):
    a GET with X-Auth-User and X-Auth-Key. Raises AuthRefused on an error
    status, requests exceptions when the endpoint cannot be reached."""
    client_cert: str | tuple[str, str] | None = None
    if cert:
        client_cert = (cert, cert_key) if cert_key else cert
    resp = requests.get(auth_url, timeout=timeout, allow_redirects=False,
                        verify=False if insecure else (cacert or True),
                        cert=client_cert,
                        headers={'X-Auth-User': user, 'X-Auth-Key': key,
                                 'User-Agent': 'swsync'})
    try:
        if resp.status_code < 200 or resp.status_code >= 300:
            raise AuthRefused(resp.status_code)
        return (resp.headers.get('x-storage-url'),
                resp.headers.get('x-auth-token'))
    finally:
        resp.close()
