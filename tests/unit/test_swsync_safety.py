"""When deletions may go: the rules of swsync.safety, table-driven."""
import pytest

from swsync import safety
from swsync.client.errors import ConfigError


def policy(**kw):
    args = dict(max_deletes=100, max_fraction=0.5, floor=20,
                allow_mass=False, approvals=None)
    args.update(kw)
    return safety.DeletePolicy(args.pop('max_deletes'),
                               args.pop('max_fraction'), args.pop('floor'),
                               args.pop('allow_mass'), args.pop('approvals'))


# (policy options, (n, origin_count, dest_count), verdict options, allowed)
CASES = [
    pytest.param({}, (1, 5, 6), {}, True, id='small-change-allowed'),
    pytest.param({}, (3, 0, 3), {}, True,
                 id='small-scope-emptied-allowed-below-floor'),
    pytest.param({}, (20, 0, 20), {}, False,
                 id='emptied-at-floor-withheld'),
    pytest.param({}, (11, 9, 20), {}, False, id='over-half-withheld'),
    pytest.param({}, (10, 10, 20), {}, True, id='exactly-half-allowed'),
    pytest.param({}, (20, 0, 20), {'origin_gone': True}, False,
                 id='big-container-gone-from-origin-withheld'),
    pytest.param({}, (19, 0, 19), {'origin_gone': True}, True,
                 id='small-container-gone-from-origin-allowed'),
    pytest.param({'approvals': {'s': 20}}, (20, 0, 20),
                 {'origin_gone': True}, True,
                 id='approval-names-the-gone-container'),
    pytest.param({'allow_mass': True}, (20, 0, 20), {}, True,
                 id='allow-mass-lifts-rules'),
    pytest.param({'allow_mass': True}, (1, 0, 1), {'account_missing': True},
                 False, id='missing-account-withheld-even-allow-mass'),
    pytest.param({'max_deletes': 2}, (3, 5, 8), {}, False,
                 id='over-budget-withheld'),
    pytest.param({'max_deletes': 0}, (15, 15, 30), {}, True,
                 id='budget-0-means-no-cap'),
    pytest.param({'approvals': {'s': 20}}, (20, 0, 20), {}, True,
                 id='approval-waives-emptiness'),
    pytest.param({'approvals': {'s': 19}}, (20, 0, 20), {}, False,
                 id='approval-below-count-waives-nothing'),
    pytest.param({'approvals': {'other': 99}}, (20, 0, 20), {}, False,
                 id='approval-of-another-scope-waives-nothing'),
    pytest.param({'approvals': {'s': 1}}, (1, 0, 1),
                 {'account_missing': True}, True,
                 id='approval-waives-missing-account'),
    pytest.param({'max_deletes': 1, 'approvals': {'s': 5}}, (5, 5, 10), {},
                 True, id='approval-waives-budget'),
]


@pytest.mark.parametrize('options,counts,kw,allowed', CASES)
def test_verdict(options, counts, kw, allowed):
    verdict = policy(**options).verdict('s', *counts, **kw)
    assert verdict.allowed is allowed
    assert bool(verdict.reason) or allowed


def test_budget_is_spent_across_scopes_but_not_by_approvals():
    p = policy(max_deletes=3, approvals={'a': 10})
    assert p.verdict('a', 10, 10, 20).allowed
    assert p.verdict('b', 2, 5, 7).allowed
    assert not p.verdict('c', 2, 5, 7).allowed
    assert p.verdict('d', 1, 5, 6).allowed


def test_withheld_reason_mentions_a_too_small_approval():
    verdict = policy(approvals={'s': 3}).verdict('s', 20, 0, 20)
    assert 'approved for 3 only' in verdict.reason


def test_unused_approvals_are_those_never_consulted():
    p = policy(approvals={'a': 1, 'b': 1, 'c': 1})
    p.verdict('a', 1, 1, 2)
    p.verdict('b', 5, 5, 10)
    assert p.unused_approvals() == ['c']


@pytest.mark.parametrize('values,expected', [
    (['AUTH_a:3'], {'AUTH_a': 3}),
    (['AUTH_a/c:d:12', 'AUTH_b/x:0'], {'AUTH_a/c:d': 12, 'AUTH_b/x': 0}),
    ([], {}),
])
def test_parse_approvals(values, expected):
    assert safety.parse_approvals(values) == expected


@pytest.mark.parametrize('value', ['AUTH_a', 'AUTH_a:', ':3', 'AUTH_a:x',
                                   'AUTH_a:-1'])
def test_parse_approvals_refuses_what_is_not_scope_count(value):
    with pytest.raises(ConfigError) as exc:
        safety.parse_approvals([value])
    assert 'SCOPE:COUNT' in str(exc.value)


def test_an_approval_does_not_cover_the_scopes_inside_it():
    """Red-team finding: approving one container deletion of an account
    deleted the 50 objects inside it, past every rule."""
    p = policy(approvals={'AUTH_a': 1})
    assert p.verdict('AUTH_a', 1, 0, 1, account_missing=True).allowed
    verdict = p.verdict('AUTH_a/photos', 50, 0, 50, origin_gone=True)
    assert not verdict.allowed
    assert 'approval of AUTH_a does not cover' in verdict.reason
    assert p.unused_approvals() == []
