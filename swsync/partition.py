"""This shard's part of a run: which accounts, containers and name ranges
(``shards`` decides, ``state`` keeps the ranges), and the recording of
ranges for the containers walked whole that turned out big."""
import logging

from swsync.shards import BoundaryCollector, Shard

LOG = logging.getLogger(__name__)

WHOLE = (None, None)


class Partition:
    """``store``: a ``state.RangeStore`` (None when not sharded)."""

    def __init__(self, shard=None, store=None, split_threshold=1000000,
                 split_size=250000):
        self.shard = shard or Shard()
        self.store = store
        self.split_threshold = split_threshold
        self.split_size = split_size

    @property
    def sharded(self):
        return self.shard.sharded

    def owns_account(self, account):
        """The account's own work: metadata, creation, deleting its
        containers gone from the origin."""
        return self.shard.owns(account)

    def container_work(self, account, container):
        """[(range index, (lower, upper))] of this container that this
        shard walks: the container whole ([(None, WHOLE)]), some of its
        name ranges, or nothing."""
        if self.store is not None:
            boundaries = self.store.boundaries(account, container)
            if boundaries:
                return self.shard.owned_ranges(account, container,
                                               boundaries)
        if self.shard.owns('%s/%s' % (account, container)):
            return [(None, WHOLE)]
        return []

    def collector(self, name_range):
        """Collects boundaries during a whole walk, when ranges could be
        recorded (a sharded run)."""
        if self.store is None or name_range != WHOLE:
            return None
        return BoundaryCollector(self.split_size)

    def maybe_record(self, account, container, collector):
        """After a complete whole walk: record the container's ranges if
        it is big enough to be split from the next run on."""
        if collector is None or collector.seen < self.split_threshold:
            return False
        boundaries = collector.result()
        if not boundaries:
            return False
        self.store.record(account, container, boundaries)
        return True
