"""Creating a destination account when the proxy does not autocreate."""
import pytest

from swsync.dest_account import ensure_account
from swsync.client.errors import SyncError
from tests.unit import fakes


class Proxy(fakes.FakeCluster):
    """A fake destination whose account answers are scripted."""

    def __init__(self, world, head, put=201):
        super().__init__('dest', world)
        self.head, self.put = head, put

    def path(self, account, container=None, obj=None):
        # like swsync.client.swift.Cluster.path: through the account map
        return super().path(self.account_map.get(account, account),
                            container, obj)

    def _handle(self, call, body):
        status = {'HEAD': self.head, 'PUT': self.put}[call.method]
        return fakes.FakeResponse(status)


@pytest.mark.parametrize('head', [200, 204])
def test_existing_account_is_left_alone(world, head):
    proxy = Proxy(world, head)
    assert ensure_account(proxy, 'AUTH_a') is False
    assert [c.method for c in proxy.calls] == ['HEAD']


@pytest.mark.parametrize('put', [201, 202])
def test_missing_account_is_put(world, put):
    proxy = Proxy(world, 404, put)
    assert ensure_account(proxy, 'AUTH_a') is True
    assert [(c.method, c.path) for c in proxy.calls] == [
        ('HEAD', '/v1/AUTH_a'), ('PUT', '/v1/AUTH_a')]


def test_dry_run_puts_nothing(world):
    proxy = Proxy(world, 404)
    assert ensure_account(proxy, 'AUTH_a', dry_run=True) is True
    assert [c.method for c in proxy.calls] == ['HEAD']


def test_mapped_account_is_the_one_created(world):
    proxy = Proxy(world, 404)
    proxy.account_map = {'AUTH_o': 'AUTH_d'}
    ensure_account(proxy, 'AUTH_o')
    assert proxy.calls[-1].path == '/v1/AUTH_d'


@pytest.mark.parametrize('head,put,why', [
    (404, 405, 'allow_account_management = false'),
    (404, 403, 'reseller admin role'),
    (410, None, 'was deleted (410)'),
])
def test_refusals_say_exactly_why(world, head, put, why):
    proxy = Proxy(world, head, put)
    with pytest.raises(SyncError, match='AUTH_a') as info:
        ensure_account(proxy, 'AUTH_a')
    assert why in str(info.value)


def test_engine_creates_a_missing_destination_account(world, origin, dest):
    """The engine's hook: the account is PUT before its first write."""
    origin.add_account('AUTH_a', {'x-account-meta-k': 'v'})
    origin.add_container('AUTH_a', 'c')
    origin.add_object('AUTH_a', 'c', 'o', b'x')
    world.advance(100)
    report = fakes.run_sync(origin, dest)
    assert report.exit_code == 0, report.as_dict()
    writes = [(c.method, c.level) for c in dest.calls
              if c.method in ('PUT', 'POST')]
    assert writes[0] == ('PUT', 'account')
    assert report.counts['accounts_created'] == 1
    assert dest.names('AUTH_a', 'c') == ['o']


def test_destination_writes_are_logged_with_the_mapped_name(world, caplog):
    """extra_accounts maps AUTH_o to AUTH_d: the log says where the
    container was created (it named the origin account; red-team pass
    of the change marks, F5)."""
    from swsync.actions import Actions
    dest = fakes.FakeCluster('dest', world)
    dest.account_map = {'AUTH_o': 'AUTH_d'}
    actions = Actions(fakes.FakeCluster('origin', world), dest)
    with caplog.at_level('INFO'):
        actions.create_container('AUTH_o', 'k1', {}, 'missing')
    assert 'created container AUTH_d/k1' in caplog.text
