"""Change marks: when a container may be skipped without listing it, and
when a sync may record the mark it saw (pure rules; README, "Large
clusters", has the whole argument).

The origin's proxies run ``swsync.changes_middleware``: after a write that
changes a container, it stores the time of the write in the container
(its *mark*), at most once per ``min_interval`` per container; a HEAD
asking for it answers the newest mark of all the container's replicas,
``none`` when it has none, ``unknown`` when a replica did not answer.

A container is skipped when its mark equals the mark recorded by an
earlier complete, error-free sync of it, unless today is its full-walk
day. A sync records the mark it read *before* its listing, and only when
that listing began at least ``min_interval`` + ``skew`` after the mark:
a write that got no mark of its own (rate-limited) came less than
``min_interval`` after a mark, so before that listing, which saw it.
"""
import zlib

NONE = 'none'           # never marked since the middleware was installed
UNKNOWN = 'unknown'     # a replica did not answer: the mark is not known


def full_walk_due(account, container, full_walk_days, day):
    """Is ``day`` (days since the epoch, UTC) this container's day to be
    walked whole whatever its mark says? Every container once every
    ``full_walk_days``, spread evenly and deterministically by name, so
    that every shard and host agrees and each night walks 1/N of them."""
    if full_walk_days <= 1:
        return True
    key = ('%s/%s' % (account, container)).encode('utf-8', 'surrogatepass')
    return (zlib.crc32(key) + day) % full_walk_days == 0


def can_skip(recorded, current, walk_due):
    """Skip the listing: the origin's mark is known and is the one a
    complete sync recorded."""
    return not walk_due and current is not None and current != UNKNOWN \
        and recorded == current


def recordable(mark, listing_date, min_interval, skew):
    """May a complete sync whose origin listing began at ``listing_date``
    (epoch seconds, the proxy's Date) record ``mark`` (read before it)?"""
    if mark is None or mark == UNKNOWN or listing_date is None:
        return False
    if mark == NONE:
        return True     # no mark yet, so no write held back by the limit
    try:
        return listing_date >= float(mark) + min_interval + skew
    except ValueError:
        return False
