"""swsync.swift.Cluster: retries, and token renewal that is not a retry."""
import types

import pytest

from swsync.errors import SwiftError
from swsync.swift import Cluster


class Auth:
    def __init__(self):
        self.invalidated = 0

    def credentials(self):
        return 'http://proxy/v1/AUTH_admin', 'token'

    def invalidate(self):
        self.invalidated += 1


def cluster(retries):
    conf = types.SimpleNamespace(insecure=False, cafile=None, timeout=5)
    return Cluster('origin', Auth(), conf, 1, retries=retries,
                   max_backoff=0)


def scripted(*outcomes):
    """fn() that raises SwiftError(status) or returns, in turn."""
    calls = []

    def fn():
        status = outcomes[len(calls)]
        calls.append(status)
        if status is not None:
            raise SwiftError('GET', '/v1/AUTH_a', status)
        return 'ok'
    return fn, calls


def test_one_401_renews_without_using_a_retry():
    """retries = 0: a token expiring mid-run must not fail a request."""
    fn, calls = scripted(401, None)
    assert cluster(retries=0).retrying(fn) == 'ok'
    assert calls == [401, None]


def test_a_second_401_in_a_row_is_a_refusal():
    fn, calls = scripted(401, 401, None)
    with pytest.raises(SwiftError) as info:
        cluster(retries=3).retrying(fn)
    assert info.value.status == 401
    assert calls == [401, 401]


def test_renewal_and_retries_add_up():
    """Each attempt may renew once; 5xx use the retry budget."""
    fn, calls = scripted(503, 401, None)
    assert cluster(retries=1).retrying(fn) == 'ok'
    fn, calls = scripted(503, 503)
    with pytest.raises(SwiftError):
        cluster(retries=1).retrying(fn)
    assert calls == [503, 503]


def test_no_retry_means_exactly_one_call():
    """retry=False: a body that cannot be sent twice; the caller retries
    (a copy is redone from a fresh GET)."""
    fn, calls = scripted(401, None)
    with pytest.raises(SwiftError):
        cluster(retries=3).retrying(fn, retry=False)
    assert calls == [401]
