"""Tempauth (v1.0) for the bench tools: a token and the base ``/v1`` URL.

The bench talks to Swift with plain ``requests`` rather than swsync's
code, so that the reference numbers do not share swsync's overheads.
"""
import urllib.parse

import requests


def v1_auth(auth_url, user, key, timeout=30):
    """(base URL ending in /v1, token) of a tempauth user.

    The base URL is the storage URL without its account: the reseller
    admin's token is valid for every account under it.
    """
    resp = requests.get(auth_url, headers={'X-Auth-User': user,
                                           'X-Auth-Key': key},
                        timeout=timeout)
    resp.raise_for_status()
    storage_url = resp.headers['X-Storage-Url']
    return storage_url.rstrip('/').rsplit('/', 1)[0], \
        resp.headers['X-Auth-Token']


def object_path(account, container, name=None):
    """``/account/container[/object]``, quoted, to append to /v1."""
    path = '/%s/%s' % (urllib.parse.quote(account, safe=''),
                       urllib.parse.quote(container, safe=''))
    if name is not None:
        path += '/' + urllib.parse.quote(name, safe='/')
    return path
