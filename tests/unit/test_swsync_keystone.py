"""Reading a Keystone list completely (swsync.client.keystone.collect)."""
import pytest

from swsync.client.errors import ConfigError
from swsync.client.keystone import collect

IDS = ['p%02d' % i for i in range(25)]


def paging_keystone(ids, limit, flag=True):
    """Keystone since 2025.2: pages sorted by id after ``marker``;
    ``flag``: says ``truncated`` on a full page (list_limit set) or not
    (only max_db_limit cuts)."""
    calls = []

    def fetch(marker):
        calls.append(marker)
        rest = [i for i in sorted(ids) if marker is None or i > marker]
        page = rest[:limit]
        return [{'id': i} for i in page], flag and len(page) >= limit
    return fetch, calls


def old_keystone(ids, limit=None):
    """Keystone before paging: ignores the marker; truncates at its
    list_limit, if set."""
    def fetch(marker):
        page = ids if limit is None else ids[:limit]
        return [{'id': i} for i in page], limit is not None and \
            len(ids) > limit
    return fetch


def ids_of(items):
    return [i['id'] for i in items]


@pytest.mark.parametrize('limit', [1, 10, 25, 1000])
def test_paging_keystone_is_read_to_the_end(limit):
    fetch, calls = paging_keystone(IDS, limit)
    assert ids_of(collect(fetch, 'origin')) == IDS
    assert calls[0] is None


def test_pages_cut_without_truncated_flag_are_read_too():
    """No list_limit: Keystone cuts at max_db_limit and says nothing."""
    fetch, calls = paging_keystone(IDS, 10, flag=False)
    assert ids_of(collect(fetch, 'origin')) == IDS
    assert len(calls) == 4          # 10, 10, 5, then an empty page


def test_old_keystone_without_truncation_costs_one_more_request():
    assert ids_of(collect(old_keystone(IDS), 'origin')) == IDS


def test_old_keystone_that_truncates_is_an_error_not_a_short_list():
    with pytest.raises(ConfigError, match='origin: Keystone truncates its '
                       'list at 10 entries'):
        collect(old_keystone(IDS, limit=10), 'origin')


def test_empty_keystone():
    assert collect(old_keystone([]), 'origin') == []
