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

import requests


class Connection:
    """One keep-alive session to the proxy at ``base_url``; ``request``
    takes a path (with its query) under that host."""

    def __init__(self, base_url, timeout=None, insecure=False, cacert=None,
                 cert=None, cert_key=None, user_agent='swsync'):
        parsed = urllib.parse.urlsplit(base_url)
        self.origin = '%s://%s' % (parsed.scheme, parsed.netloc)
        self.session = requests.Session()
        self.requests_args = {
            'timeout': timeout,
            'verify': False if insecure else (cacert or True),
            'allow_redirects': False,
            'stream': True,
        }
        if cert:
            self.requests_args['cert'] = (cert, cert_key) if cert_key \
                else cert
        self.session.headers['User-Agent'] = user_agent

    def request(self, method, path, data=None, headers=None):
        return self.session.request(method, self.origin + path, data=data,
                                    headers=headers, **self.requests_args)

    def close(self):
        self.session.close()


class AuthRefused(Exception):
    """The auth endpoint answered with an error status."""

    def __init__(self, status):
        super().__init__('authentication refused (%s)' % status)
        self.status = status


def tempauth_v1(auth_url, user, key, timeout=None, insecure=False,
                cacert=None, cert=None, cert_key=None):
    """(storage URL, token) from a v1.0 auth endpoint (tempauth, swauth):
    a GET with X-Auth-User and X-Auth-Key. Raises AuthRefused on an error
    status, requests exceptions when the endpoint cannot be reached."""
    client_cert = None
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
