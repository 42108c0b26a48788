"""include_containers / exclude_containers, table-driven."""
import pytest

from swsync.scope import ContainerScope


@pytest.mark.parametrize('include,exclude,account,container,covered', [
    ([], [], 'AUTH_a', 'c', True),
    (['photos*'], [], 'AUTH_a', 'photos-2024', True),
    (['photos*'], [], 'AUTH_a', 'backups', False),
    ([], ['*_segments'], 'AUTH_a', 'movies_segments', False),
    ([], ['*_segments'], 'AUTH_a', 'movies', True),
    (['AUTH_a/*'], [], 'AUTH_a', 'x', True),
    (['AUTH_a/*'], [], 'AUTH_b', 'x', False),
    (['*'], ['AUTH_b/tmp*'], 'AUTH_b', 'tmp1', False),
    (['*'], ['AUTH_b/tmp*'], 'AUTH_a', 'tmp1', True),
    (['Photos'], [], 'AUTH_a', 'photos', False),       # case matters
    ([], ['a/b/c'], 'a', 'b/c', False),                 # first / splits
    (['[ab]*'], ['b?'], 'AUTH_a', 'bx', False),
])
def test_covers(include, exclude, account, container, covered):
    scope = ContainerScope(include, exclude)
    assert scope.covers(account, container) is covered


def test_empty_scope_is_falsy():
    assert not ContainerScope()
    assert ContainerScope(exclude=['x'])


def test_covers_whole_only_accounts_without_patterns_or_protected_rows():
    """The progress totals of an account come whole from its listing only
    when every container of it is walked."""
    scope = ContainerScope(protected=[('AUTH_admin', 'swsync_state')])
    assert scope.covers_whole('AUTH_a')
    assert not scope.covers_whole('AUTH_admin')
    assert not ContainerScope(exclude=['tmp_*']).covers_whole('AUTH_a')
