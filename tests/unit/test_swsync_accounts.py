"""Which accounts a run syncs: the configured list and the filter file."""
import types

import pytest

from swsync.accounts import accounts_to_sync, read_filter_file
from swsync.client.errors import ConfigError


def sync_conf(accounts=(), filter_file=None):
    return types.SimpleNamespace(accounts=list(accounts),
                                 account_filter_file=filter_file)


@pytest.fixture
def filter_file(tmp_path):
    def write(text):
        path = tmp_path / 'filter.txt'
        path.write_text(text, encoding='utf-8')
        return str(path)
    return write


def test_list_only_keeps_order():
    assert accounts_to_sync(sync_conf(['AUTH_b', 'AUTH_a', 'AUTH_c'])) == [
        'AUTH_b', 'AUTH_a', 'AUTH_c']


def test_list_duplicates_dropped_first_kept():
    assert accounts_to_sync(sync_conf(['AUTH_b', 'AUTH_a', 'AUTH_b'])) == [
        'AUTH_b', 'AUTH_a']


def test_empty_list_without_filter_is_empty():
    assert accounts_to_sync(sync_conf()) == []


def test_filter_file_ignores_comments_and_blanks(filter_file):
    path = filter_file('# accounts to move\n\nAUTH_a\n   \n  AUTH_b  \n'
                       '#AUTH_c\n\tAUTH_d\t\n')
    assert read_filter_file(path) == ['AUTH_a', 'AUTH_b', 'AUTH_d']


def test_filter_file_alone_gives_its_names_deduplicated(filter_file):
    path = filter_file('AUTH_b\nAUTH_a\nAUTH_b\n')
    assert accounts_to_sync(sync_conf(filter_file=path)) == [
        'AUTH_b', 'AUTH_a']


def test_filter_file_reads_utf8_names(filter_file):
    path = filter_file('AUTH_caf\xe9\n')
    assert accounts_to_sync(sync_conf(filter_file=path)) == ['AUTH_caf\xe9']


def test_filter_keeps_listed_accounts_in_list_order(filter_file):
    path = filter_file('AUTH_c\n# not AUTH_b\nAUTH_a\n')
    conf = sync_conf(['AUTH_a', 'AUTH_b', 'AUTH_c'], path)
    assert accounts_to_sync(conf) == ['AUTH_a', 'AUTH_c']


def test_filter_naming_unknown_account_is_config_error(filter_file):
    path = filter_file('AUTH_a\nAUTH_typo\n')
    with pytest.raises(ConfigError) as info:
        accounts_to_sync(sync_conf(['AUTH_a', 'AUTH_b'], path))
    assert 'AUTH_typo' in str(info.value)


def test_missing_filter_file_is_config_error(tmp_path):
    path = str(tmp_path / 'nope.txt')
    with pytest.raises(ConfigError) as info:
        accounts_to_sync(sync_conf(['AUTH_a'], path))
    assert 'nope.txt' in str(info.value)


def test_directory_as_filter_file_is_config_error(tmp_path):
    with pytest.raises(ConfigError):
        accounts_to_sync(sync_conf(filter_file=str(tmp_path)))


def test_non_utf8_filter_file_is_config_error(tmp_path):
    path = tmp_path / 'latin1.txt'
    path.write_bytes(b'AUTH_caf\xe9\n')
    with pytest.raises(ConfigError):
        accounts_to_sync(sync_conf(filter_file=str(path)))


@pytest.mark.parametrize('accounts', [(), ('AUTH_a',)])
def test_filter_file_without_names_is_config_error(filter_file, accounts):
    """#16: it would sync nothing, with exit code 0 and no word."""
    path = filter_file('# nobody to move yet\n\n   \n')
    with pytest.raises(ConfigError, match='names no account'):
        accounts_to_sync(sync_conf(accounts, path))
