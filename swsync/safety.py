"""When deletions found by a walk may be carried out. Pure: no I/O.

A walk proposes deleting what is on the destination but not in the
origin listing. Listings can be wrong (a stale replica, a fake answer for
a missing account, a broken proxy), so every deletion also needs an
origin HEAD answering 404 (done by the actions), and a scope's deletions
are withheld, reported and left for the operator when:

1. the origin listing of the scope was not read completely (always);
2. the origin account looks nonexistent (a proxy with account_autocreate
   answers an empty listing for any name, or it answered 404/410);
3. the origin listing is empty (or the container is gone from the
   origin) while the destination holds at least ``delete_fraction_floor``
   items of the scope;
4. more than ``max_delete_fraction`` of a scope holding at least
   ``delete_fraction_floor`` destination items would go;
5. the run's ``max_deletes`` budget is spent.

Rules 2 to 5 can be waived for one scope and one run by an approval
(``--approve-deletes SCOPE:COUNT``): the operator read the withheld count
in the report and approves up to that many deletions of that scope, and
of no scope inside it (approving an account's containers does not approve
their objects). Approved deletions do not spend the run's budget. Rule 1
and the origin HEAD cannot be waived.
"""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from swsync.client.errors import ConfigError


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ''
    approved: bool = False


def parse_approvals(values: Iterable[str] | None) -> dict[str, int]:
    """``SCOPE:COUNT`` strings -> {scope: count}. The count is after the
    last colon (names may contain colons)."""
    approvals = {}
    for value in values or ():
        scope, sep, count = value.rpartition(':')
        if not sep or not scope or not count.isdigit():
            raise ConfigError('--approve-deletes %r: expected SCOPE:COUNT, '
                              'e.g. AUTH_test/photos:120' % value)
        approvals[scope] = int(count)
    return approvals


class DeletePolicy:
    """The rules above for one run; ``budget`` is ``max_deletes`` (0 or
    None: no cap)."""

    def __init__(self, max_deletes: int | None, max_fraction: float,
                 floor: int, allow_mass: bool = False,
                 approvals: Mapping[str, int] | None = None) -> None:
        self.remaining: int | None = None if (
            allow_mass or not max_deletes) else max_deletes
        self.max_fraction = max_fraction
        self.floor = floor
        self.allow_mass = allow_mass
        self.approvals = dict(approvals or {})
        self.used_approvals: set[str] = set()

    def verdict(self, scope: str, n: int, origin_count: int,
                dest_count: int, origin_gone: bool = False,
                account_missing: bool = False) -> Verdict:
        """May ``n`` of the ``dest_count`` destination items of ``scope``
        be deleted? ``origin_gone``: the scope itself is gone from the
        origin (a container HEAD answered 404). That is no reason to skip
        the rules: a container deleted on the origin with many objects is
        a mass deletion like any other (its approval names the container).
        An approval covers its own scope only, not the scopes inside it."""
        approved = self.approvals.get(scope)
        if approved is not None:
            self.used_approvals.add(scope)
            if n <= approved:
                return Verdict(True, 'approved for %d' % approved,
                               approved=True)
        withheld = self._rule(n, origin_count, dest_count, origin_gone,
                              account_missing)
        if not withheld and self.remaining is not None:
            if n > self.remaining:
                withheld = 'over max_deletes for this run'
            else:
                self.remaining -= n
        if withheld and approved is not None:
            withheld += ' (approved for %d only)' % approved
        elif withheld:
            parent = self._approved_parent(scope)
            if parent:
                self.used_approvals.add(parent)
                withheld += (' (the approval of %s does not cover the '
                             'scopes inside it)' % parent)
        return Verdict(not withheld, withheld or '')

    def _approved_parent(self, scope: str) -> str | None:
        parts = scope.split('/')
        for i in range(len(parts) - 1, 0, -1):
            parent = '/'.join(parts[:i])
            if parent in self.approvals:
                return parent
        return None

    def _rule(self, n: int, origin_count: int, dest_count: int,
              origin_gone: bool, account_missing: bool) -> str | None:
        if account_missing:
            return ('the origin account looks nonexistent (an empty '
                    'autocreated listing, or 404/410)')
        if self.allow_mass:
            return None
        if dest_count >= self.floor:
            if origin_gone:
                return ('deleted on the origin, %d objects still on the '
                        'destination' % dest_count)
            if origin_count == 0:
                return 'origin listing is empty but the destination is not'
            if n > self.max_fraction * dest_count:
                return ('%d of %d would be deleted, over '
                        'max_delete_fraction %.2f' % (n, dest_count,
                                                      self.max_fraction))
        return None

    def unused_approvals(self) -> list[str]:
        """Approvals for scopes that had no deletion to approve."""
        return sorted(set(self.approvals) - self.used_approvals)
