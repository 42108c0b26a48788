"""Paged listings and the lock-step merge of two sorted listings.

A listing is read page by page (``limit``/``marker``) and never held whole
in memory: a container may hold hundreds of millions of objects. Swift
sorts names by their UTF-8 bytes, which for valid UTF-8 is the order of
Python ``str`` comparison, so two listings merge like a sorted merge-join.
"""
import eventlet

from swsync.errors import ListingError


def iter_pages(fetch_page, limit, prefetch=True):
    """Yield (headers, rows) pages until the listing ends.

    ``fetch_page(marker, limit)`` returns (headers, rows). A page shorter
    than ``limit`` is the last one (Swift's documented contract; sharded
    containers fill pages across shards and fail whole rather than return
    a short page). The next page is fetched while the caller works on the
    current one. Raises ListingError if a page does not advance the marker.
    """
    marker = ''
    pending = None
    while True:
        if pending is not None:
            headers, rows = pending.wait()
        else:
            headers, rows = fetch_page(marker, limit)
        pending = None
        if rows:
            last = _row_name(rows[-1])
            if last <= marker:
                raise ListingError('listing did not advance past marker %r'
                                   % marker)
            if len(rows) >= limit and prefetch:
                pending = eventlet.spawn(fetch_page, last, limit)
        try:
            yield headers, rows
        except GeneratorExit:
            if pending is not None:
                pending.kill()
            raise
        if not rows or len(rows) < limit:
            return
        marker = last


def _row_name(row):
    return row['name'] if 'name' in row else row['subdir']


def iter_rows(pages, on_headers=None):
    """Flatten pages into rows; ``on_headers`` sees the first page's
    headers (a listing GET carries the account/container metadata)."""
    first = True
    for headers, rows in pages:
        if first and on_headers is not None:
            on_headers(headers)
        first = False
        yield from rows


def merge_by_name(origin, dest):
    """Walk two name-sorted row iterators in lock step.

    Yields (origin_row, dest_row) pairs where one side is None when the name
    exists on the other side only. Raises ListingError if either side is
    out of order, which would make the merge (and any deletion) wrong.
    """
    o = next(origin, None)
    d = next(dest, None)
    last_o = last_d = None
    while o is not None or d is not None:
        if o is not None:
            if last_o is not None and o['name'] <= last_o:
                raise ListingError('origin listing out of order at %r'
                                   % o['name'])
        if d is not None:
            if last_d is not None and d['name'] <= last_d:
                raise ListingError('destination listing out of order at %r'
                                   % d['name'])
        if d is None or (o is not None and o['name'] < d['name']):
            yield o, None
            last_o = o['name']
            o = next(origin, None)
        elif o is None or d['name'] < o['name']:
            yield None, d
            last_d = d['name']
            d = next(dest, None)
        else:
            yield o, d
            last_o, last_d = o['name'], d['name']
            o = next(origin, None)
            d = next(dest, None)
