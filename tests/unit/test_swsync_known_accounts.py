"""The known-accounts file: discovery's memory of earlier runs."""
import json

import pytest

from swsync import known_accounts
from swsync.client.errors import ConfigError
from swsync.client.keystone import Project


def test_missing_file_is_an_empty_memory(tmp_path):
    assert known_accounts.load(str(tmp_path / 'none.json')) == {}


def test_round_trip(tmp_path):
    path = str(tmp_path / 'known.json')
    memory = {'AUTH_a': ('AUTH_a', Project('a', 'alpha', 'Default')),
              'AUTH_x': ('AUTH_y', None)}
    known_accounts.save(path, memory)
    assert known_accounts.load(path) == memory
    data = json.loads(open(path).read())
    assert data['accounts']['AUTH_a'] == {
        'destination': 'AUTH_a', 'project': 'a', 'name': 'alpha',
        'domain': 'Default'}
    assert [p.name for p in tmp_path.iterdir()] == ['known.json']


@pytest.mark.parametrize('text', ['not json', '[]', '{"accounts": 3}',
                                  '{"accounts": {"AUTH_a": {}}}'])
def test_foreign_file_is_refused(tmp_path, text):
    path = tmp_path / 'known.json'
    path.write_text(text)
    with pytest.raises(ConfigError, match='not swsync'):
        known_accounts.load(str(path))


def test_unwritable_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match='cannot write'):
        known_accounts.save(str(tmp_path / 'no' / 'dir.json'), {})
