"""Keystone account discovery: filtering, prefixes and name mapping."""
import email.utils
import time

import pytest

from swsync import discovery as dsc
from swsync.discovery import (Project, account_pairs, filter_projects,
                              lacks_reseller_role, looks_autocreated,
                              probe_verdict, unused_account)
from swsync.errors import ConfigError

P1 = Project('id1', 'alpha', 'Default')
P2 = Project('id2', 'beta', 'Default')
P3 = Project('id3', 'alpha', 'other')


def test_no_filter_keeps_every_project():
    assert filter_projects([P1, P2], None, ['AUTH_']) == [P1, P2]


@pytest.mark.parametrize('wanted', [['beta'], ['id2'], ['AUTH_id2']],
                         ids=['project-name', 'project-id', 'account'])
def test_filter_by_project_name_id_or_account(wanted):
    assert filter_projects([P1, P2], wanted, ['AUTH_']) == [P2]


def test_filter_naming_unknown_project_is_an_error():
    with pytest.raises(ConfigError, match='gamma'):
        filter_projects([P1, P2], ['alpha', 'gamma'], ['AUTH_'])


def test_one_account_per_prefix_and_project():
    pairs = account_pairs([P1], ['AUTH_', 'SERVICE_'])
    assert [(o, d) for o, d, _p in pairs] == [
        ('AUTH_id1', 'AUTH_id1'), ('SERVICE_id1', 'SERVICE_id1')]


def test_separate_keystones_map_by_domain_and_name():
    dest = [Project('x9', 'alpha', 'Default'),
            Project('y9', 'beta', 'Default')]
    pairs = account_pairs([P1, P3], ['AUTH_'], dest)
    assert [(o, d) for o, d, _p in pairs] == [
        ('AUTH_id1', 'AUTH_x9'),     # same domain and name
        ('AUTH_id3', None)]          # 'alpha' of domain 'other' is absent


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
