"""Splitting one run's work over N processes, with no coordinator. Pure.

Every shard walks every account listing (one page per 10,000 containers:
cheap) and takes the part of the work it owns, decided the same way by
all shards from stable inputs only:

* an account's own work (its metadata, its creation, the deletion of
  containers gone from the origin) belongs to the shard that owns the
  account name;
* a container belongs to the shard that owns ``account/container``;
* a container big enough to have been split (``split_threshold`` listed
  objects, and name ranges recorded by an earlier complete walk) is owned
  range by range: range i of ``account/container`` belongs to the shard
  that owns ``account/container#i``. A range is (lower, upper]: the names
  after its lower bound up to and including its upper bound; the first
  range has no lower bound, the last no upper bound, so the ranges cover
  every name exactly once, whatever the names are.

Ownership is a hash of the name (SHA-1, stable across processes and
Python versions), not a balance of counts: counts differ between shards
that read them at slightly different times, and a container that two
shards each believed the other's would be missed. Big containers are what
counts can unbalance; they are split.

All shards of one run must read the same name ranges: ranges recorded
during a run are used from the next run on (``state``).
"""
import hashlib
from dataclasses import dataclass

from swsync.client.errors import ConfigError


@dataclass(frozen=True)
class Shard:
    index: int = 0
    count: int = 1

    def __post_init__(self):
        if self.count < 1 or not 0 <= self.index < self.count:
            raise ConfigError('shard %d/%d: the index must be between 0 and '
                              'the count minus one' % (self.index,
                                                       self.count))

    @property
    def sharded(self):
        return self.count > 1

    def owns(self, key):
        """Does this shard own ``key`` (an account, ``account/container``
        or ``account/container#range``)?"""
        if self.count == 1:
            return True
        digest = hashlib.sha1(key.encode('utf-8'),
                              usedforsecurity=False).digest()
        return int.from_bytes(digest[:8], 'big') % self.count == self.index

    def owned_ranges(self, account, container, boundaries):
        """The (index, (lower, upper)) ranges of a split container that
        this shard owns."""
        return [(i, r) for i, r in enumerate(ranges(boundaries))
                if self.owns('%s/%s#%d' % (account, container, i))]


def parse(text):
    """``I/N`` (from --shard) -> Shard."""
    try:
        index, count = (int(p) for p in text.split('/'))
    except (ValueError, AttributeError):
        raise ConfigError('--shard %r: expected I/N, e.g. 0/4' % (text,))
    return Shard(index, count)


def ranges(boundaries):
    """(lower, upper] ranges from sorted boundary names: n boundaries make
    n + 1 ranges, the first unbounded below, the last above."""
    bounds = [None] + list(boundaries) + [None]
    return [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]


def boundaries_every(names, size):
    """Boundaries that cut a sorted walk of names into ranges of about
    ``size`` names: every size-th name (the last name of each range)."""
    return [name for i, name in enumerate(names, 1) if i % size == 0]


class BoundaryCollector:
    """Keeps every size-th origin name of a walk (a few names per million:
    the memory of a walk stays flat)."""

    def __init__(self, size):
        self.size = size
        self.seen = 0
        self.boundaries = []

    def add(self, name):
        self.seen += 1
        if self.seen % self.size == 0:
            self.boundaries.append(name)

    def result(self):
        """The boundaries; the last one is dropped when it is the walk's
        last name (an empty last range is useless)."""
        out = list(self.boundaries)
        if out and self.seen % self.size == 0:
            out.pop()
        return out
