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
    def __init__(self, include=(), exclude=()):
        self.include = list(include or ())
        self.exclude = list(exclude or ())

    def __bool__(self):
        return bool(self.include or self.exclude)

    def covers(self, account, container):
        if self.include and not any(_matches(p, account, container)
                                    for p in self.include):
            return False
        return not any(_matches(p, account, container)
                       for p in self.exclude)
