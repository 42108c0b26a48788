"""Keystone account discovery: filtering, prefixes, name mapping, probes."""
import email.utils
import time

import pytest

from swsync import discovery as dsc
from swsync.discovery import (Candidate, Project, candidates,
                              filter_candidates, lacks_reseller_role,
                              looks_autocreated, map_by_name, parse_extra,
                              probe_verdict, split_account, unused_account)
from swsync.client.errors import ConfigError

P1 = Project('id1', 'alpha', 'Default')
P2 = Project('id2', 'beta', 'Default')
P3 = Project('id3', 'alpha', 'other')


def accounts(cands):
    return [c.account for c in cands]


def test_one_candidate_per_prefix_and_project():
    assert accounts(candidates([P1, P2], ['AUTH_', 'SERVICE_'])) == [
        'AUTH_id1', 'SERVICE_id1', 'AUTH_id2', 'SERVICE_id2']


def test_no_filter_keeps_every_candidate():
    cands = candidates([P1, P2], ['AUTH_'])
    assert filter_candidates(cands, None) == cands


@pytest.mark.parametrize('line,expected', [
    ('beta', ['AUTH_id2', 'SERVICE_id2']),
    ('id2', ['AUTH_id2', 'SERVICE_id2']),
    ('Default/beta', ['AUTH_id2', 'SERVICE_id2']),
    # an account name selects that account only, not its sibling prefix
    ('AUTH_id2', ['AUTH_id2']),
    ('SERVICE_id2', ['SERVICE_id2']),
    # a bare name selects that name in every domain...
    ('alpha', ['AUTH_id1', 'SERVICE_id1', 'AUTH_id3', 'SERVICE_id3']),
    # ...domain/name only the project of that domain
    ('other/alpha', ['AUTH_id3', 'SERVICE_id3']),
    ('Default/alpha', ['AUTH_id1', 'SERVICE_id1']),
], ids=['name', 'project-id', 'domain-name', 'auth-account',
        'service-account', 'name-in-two-domains', 'domain-qualified',
        'default-domain-qualified'])
def test_filter_lines(line, expected):
    cands = candidates([P1, P2, P3], ['AUTH_', 'SERVICE_'])
    assert accounts(filter_candidates(cands, [line])) == expected


def test_filter_naming_unknown_project_is_an_error():
    cands = candidates([P1, P2], ['AUTH_'])
    with pytest.raises(ConfigError, match='gamma'):
        filter_candidates(cands, ['alpha', 'gamma'])
    with pytest.raises(ConfigError, match='nowhere/alpha'):
        filter_candidates(cands, ['nowhere/alpha'])


def test_filter_without_any_name_is_an_error():
    """A comments-only filter file would sync nothing with exit 0."""
    with pytest.raises(ConfigError, match='names no account'):
        filter_candidates(candidates([P1], ['AUTH_']), [])


@pytest.mark.parametrize('account,expected', [
    ('AUTH_abc', ('AUTH_', 'abc')),
    ('SERVICE_abc', ('SERVICE_', 'abc')),
    ('AUTH_', None),
    ('OTHER_abc', None),
])
def test_split_account(account, expected):
    assert split_account(account, ['AUTH_', 'SERVICE_']) == expected


def test_split_account_prefers_the_longest_prefix():
    assert split_account('AUTH_X_1', ['AUTH_', 'AUTH_X_']) == ('AUTH_X_',
                                                               '1')


def test_separate_keystones_map_by_domain_and_name():
    dest = [Project('x9', 'alpha', 'Default'),
            Project('y9', 'beta', 'Default')]
    cands = candidates([P1, P3], ['AUTH_', 'SERVICE_']) + [
        Candidate('AUTH_orphan')]
    out = [(c.account, d, why) for c, d, why in map_by_name(
        cands, ['AUTH_', 'SERVICE_'], dest)]
    assert out[:2] == [('AUTH_id1', 'AUTH_x9', None),       # same domain,
                       ('SERVICE_id1', 'SERVICE_x9', None)]  # name, prefix
    assert out[2][:2] == ('AUTH_id3', None)      # 'alpha' of 'other': none
    assert 'other/alpha does not exist' in out[2][2]
    assert out[4][:2] == ('AUTH_orphan', None)   # no project: no name
    assert 'extra_accounts' in out[4][2]


@pytest.mark.parametrize('entries,expected', [
    ([], []),
    (['AUTH_a'], [('AUTH_a', None)]),
    ([' AUTH_a : AUTH_b '], [('AUTH_a', 'AUTH_b')]),
])
def test_extra_accounts(entries, expected):
    assert parse_extra(entries) == expected


@pytest.mark.parametrize('entry', [':AUTH_b', 'AUTH_a:', 'a:b:c', ' '])
def test_bad_extra_accounts(entry):
    with pytest.raises(ConfigError, match='extra_accounts'):
        parse_extra([entry])


def _headers(created_offset, containers=0):
    now = time.time()
    return {'x-timestamp': '%.5f' % (now + created_offset),
            'date': email.utils.formatdate(now, usegmt=True),
            'x-account-container-count': str(containers)}


def test_autocreated_answer_has_a_timestamp_of_now():
    assert looks_autocreated(_headers(0))
    assert not looks_autocreated(_headers(-3600))
    assert not looks_autocreated({})


def test_unused_account_is_autocreated_and_empty():
    assert unused_account(_headers(0))
    assert not unused_account(_headers(-3600))
    assert not unused_account(_headers(0, containers=2))


@pytest.mark.parametrize('status,headers,verdict', [
    (204, _headers(-3600, 1), dsc.SYNC),
    (200, _headers(-3600, 0), dsc.SYNC),    # created, emptied: still real
    (200, _headers(0), dsc.UNUSED),         # autocreate's stand-in
    (404, {}, dsc.UNUSED),                  # no autocreate: never created
    (410, {}, dsc.DELETED),
    (401, {}, dsc.DENIED),
    (403, {}, dsc.DENIED),
    (503, {}, dsc.FAILED),
    (None, {}, dsc.FAILED),                 # transport error
])
def test_probe_verdicts(status, headers, verdict):
    assert probe_verdict(status, headers) == verdict


@pytest.mark.parametrize('verdicts,lacks', [
    ({'AUTH_own': dsc.SYNC, 'AUTH_a': dsc.DENIED, 'AUTH_b': dsc.DENIED},
     True),
    ({'AUTH_a': dsc.DENIED}, True),
    ({'AUTH_a': dsc.DENIED, 'AUTH_b': dsc.SYNC}, False),
    ({'AUTH_a': dsc.DENIED, 'AUTH_b': dsc.FAILED}, False),
    ({'AUTH_own': dsc.DENIED}, False),     # only its own: nothing to say
    ({}, False),
])
def test_lacks_reseller_role_only_when_every_other_account_refuses(
        verdicts, lacks):
    assert lacks_reseller_role(verdicts, 'AUTH_own') is lacks
