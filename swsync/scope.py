"""Which containers a run covers: include/exclude glob patterns. Pure.

A pattern is ``CONTAINER_GLOB`` (every account) or
``ACCOUNT_GLOB/CONTAINER_GLOB``. With ``include_containers`` only
matching containers are walked; ``exclude_containers`` removes some of
them. A container out of scope is neither listed nor written, and never
deleted on the destination: the run says nothing about it.
"""
import fnmatch


def _matches(pattern, account, container):
    if '/' in pattern:
        account_glob, container_glob = pattern.split('/', 1)
        return fnmatch.fnmatchcase(account, account_glob) and \
            fnmatch.fnmatchcase(container, container_glob)
    return fnmatch.fnmatchcase(container, pattern)


class ContainerScope:
    """``protected``: (account, container) pairs out of scope whatever the
    patterns say, compared exactly (not as globs): swsync's own state
    container, which a run that syncs the reseller admin's account would
    otherwise delete from the destination as "gone from the origin"."""

    def __init__(self, include=(), exclude=(), protected=()):
        self.include = list(include or ())
        self.exclude = list(exclude or ())
        self.protected = set(protected)

    def __bool__(self):
        return bool(self.include or self.exclude or self.protected)

    def covers_whole(self, account):
        """Is every container of ``account`` covered (no pattern, no
        protected container there)?"""
        return not (self.include or self.exclude or
                    any(a == account for a, _c in self.protected))

    def covers(self, account, container):
        if (account, container) in self.protected:
            return False
        if self.include and not any(_matches(p, account, container)
                                    for p in self.include):
            return False
        return not any(_matches(p, account, container)
                       for p in self.exclude)


def state_container(own_account, name):
    """[(account, container)] of swsync's own state (the ranges of
    sharded runs, ``[sync] state_container``) in the destination reseller
    admin's account (``own_account``), to protect in every run and
    verify: never synced, deleted or reported as a difference."""
    if not own_account or not name:
        return []
    return [(own_account, name)]
