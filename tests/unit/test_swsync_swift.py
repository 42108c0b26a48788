"""The retry policy of one request (or one unit of work), Retry-After,
and the named operations' status handling."""
import email.utils
import types

import pytest

from swsync.client.errors import SwiftError, TransportError
from swsync.client.swift import Cluster, parse_retry_after


class Auth:
    def __init__(self):
        self.invalidated = 0

    def credentials(self):
        return 'http://127.0.0.1:1/v1/AUTH_admin', 'token'

    def invalidate(self):
        self.invalidated += 1


def cluster(retries):
    conf = types.SimpleNamespace(insecure=False, cafile=None, timeout=5)
    c = Cluster('origin', Auth(), conf, workers=1, retries=retries,
                max_backoff=0.0)
    return c


def failing(*errors):
    """fn raising ``errors`` in turn, then returning 'ok'."""
    calls = []

    def fn():
        calls.append(1)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return 'ok'
    return fn, calls


def e(status, side=None):
    err = SwiftError('GET', '/v1/a', status)
    err.side = side
    return err


@pytest.mark.parametrize('retries,errors,result,attempts', [
    pytest.param(2, [e(503), e(503)], 'ok', 3, id='two-retries-suffice'),
    pytest.param(2, [e(503)] * 3, 503, 3, id='budget-spent'),
    pytest.param(0, [e(401)], 'ok', 2, id='reauth-is-not-a-retry'),
    pytest.param(0, [e(401), e(401)], 401, 2,
                 id='second-401-in-a-row-is-a-refusal'),
    pytest.param(3, [e(401), e(503), e(401), e(503)], 'ok', 5,
                 id='a-401-after-other-errors-renews-again'),
    pytest.param(0, [e(401, 'origin'), e(401, 'destination')], 'ok', 3,
                 id='each-side-of-a-unit-renews-once'),
    pytest.param(0, [e(401, 'origin'), e(401, 'destination'),
                     e(401, 'destination')], 401, 3,
                 id='one-side-refused-twice'),
    pytest.param(1, [e(401), e(503), e(401)], 'ok', 4,
                 id='reauths-and-retries-counted-apart'),
    pytest.param(3, [e(404)], 404, 1, id='not-found-not-retried'),
    pytest.param(1, [TransportError('GET', '/v1/a', 'reset')], 'ok', 2,
                 id='transport-error-retried'),
])
def test_retrying(retries, errors, result, attempts):
    fn, calls = failing(*errors)
    c = cluster(retries)
    if isinstance(result, int):
        with pytest.raises(SwiftError) as exc:
            c.retrying(fn)
        assert exc.value.status == result
    else:
        assert c.retrying(fn) == result
    assert len(calls) == attempts


def test_a_retry_names_the_side_whose_request_failed(caplog):
    """A unit of work retries under the origin's policy; a destination
    PUT that failed is logged as the destination's (it read "origin:
    retry 1 after: PUT ..." in fuzz seed 7766's log)."""
    fn, _calls = failing(e(503, 'destination'), e(503))
    with caplog.at_level('WARNING', logger='swsync.client.swift'):
        assert cluster(2).retrying(fn) == 'ok'
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0].startswith('destination: retry 1 after: GET')
    assert lines[1].startswith('origin: retry 2 after: GET')


def test_retry_false_tries_once():
    fn, calls = failing(e(503))
    with pytest.raises(SwiftError):
        cluster(5).retrying(fn, retry=False)
    assert len(calls) == 1


def test_retry_after_seconds_and_http_date():
    assert parse_retry_after('3') == 3.0
    assert parse_retry_after('-4') == 0.0
    now = 1700000000.0
    date = email.utils.formatdate(now + 7, usegmt=True)
    assert parse_retry_after(date, now=now) == pytest.approx(7.0)
    assert parse_retry_after(email.utils.formatdate(now - 60, usegmt=True),
                             now=now) == 0.0
    assert parse_retry_after('soon') is None
    assert parse_retry_after(None) is None
