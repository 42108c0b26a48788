"""Paged listings and the lock-step merge of two sorted listings.

A listing is read page by page (``limit``/``marker``) and never held whole
in memory: a container may hold hundreds of millions of objects. Swift
sorts names by their UTF-8 bytes, which for valid UTF-8 is the order of
Python ``str`` comparison, so two listings merge like a sorted merge-join.
"""
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol, Tuple

from swsync import green
from swsync.decide import Headers, Row
from swsync.client.errors import ListingError, ListingLimitTooHigh, SyncError

#: One listing page: its response headers (None for a listing that
#: answered 404) and its rows.
Page = tuple[Headers | None, list[Row]]


class Lister(Protocol):
    """What ``open_listing`` needs of a cluster (``swift.Cluster``)."""

    def list_page(self, path: str, marker: str, limit: int,
                  missing_ok: bool = False, **bounds: str) -> Page:
        """One page; ``bounds`` may hold an ``end_marker``."""


class Visitor(Protocol):
    """What ``march`` calls for the rows it meets."""

    def origin_only(self, o: Row) -> None:
        ...

    def both(self, o: Row, d: Row) -> None:
        ...


def iter_pages(fetch_page: Callable[[str, int], Page], limit: int,
               prefetch: bool = True, start: str = '') -> Iterator[Page]:
    """Yield (headers, rows) pages until the listing ends.

    ``fetch_page(marker, limit)`` returns (headers, rows). A page shorter
    than ``limit`` is the last one (Swift's documented contract; sharded
    containers fill pages across shards and fail whole rather than return
    a short page). The next page is fetched while the caller works on the
    current one. Raises ListingError if a page does not advance the marker.
    ``start``: list the names after it only (a name range's lower bound).
    """
    asked = [limit]

    def fetch(marker: str) -> Tuple[Page, int]:
        """A page and the limit it was asked with. A cluster that allows
        smaller pages (412 "Maximum limit is N", its /info hidden) is
        asked again with its maximum: a short page must mean the end."""
        used = asked[0]
        try:
            return fetch_page(marker, used), used
        except ListingLimitTooHigh as exc:
            if not exc.maximum or exc.maximum >= used:
                raise
            asked[0] = used = exc.maximum
            return fetch_page(marker, used), used

    marker = start
    pending = None
    while True:
        if pending is not None:
            (headers, rows), used = pending.wait()
        else:
            (headers, rows), used = fetch(marker)
        pending = None
        if rows:
            last = _row_name(rows[-1])
            if last <= marker:
                raise ListingError('listing did not advance past marker %r'
                                   % marker)
            if len(rows) >= used and prefetch:
                pending = green.spawn(fetch, last)
        try:
            yield headers, rows
        except GeneratorExit:
            if pending is not None:
                pending.kill()
            raise
        if not rows or len(rows) < used:
            return
        marker = last


def _row_name(row: Row) -> str:
    return row['name'] if 'name' in row else row['subdir']


def merge_by_name(origin: Iterator[Row], dest: Iterator[Row]
                  ) -> Iterator[tuple[Row | None, Row | None]]:
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
        if o is not None and (d is None or o['name'] < d['name']):
            yield o, None
            last_o = o['name']
            o = next(origin, None)
        elif d is not None and (o is None or d['name'] < o['name']):
            yield None, d
            last_d = d['name']
            d = next(dest, None)
        elif o is not None and d is not None:   # the same name
            yield o, d
            last_o, last_d = o['name'], d['name']
            o = next(origin, None)
            d = next(dest, None)


def open_listing(side: Lister, path: str, limit: int,
                 missing_ok: bool = False, name_range: tuple | None = None
                 ) -> tuple[Headers | None, Iterator[Row]]:
    """(headers, rows) of one account or container listing on ``side``.

    The first page is read now, because its headers carry the account or
    container metadata; the rows are a generator over all pages that
    holds one page at a time. Headers are None (and rows empty) when the
    listing answered 404 and ``missing_ok``. ``name_range`` (lower,
    upper): only the names after ``lower`` and up to ``upper`` included
    (either may be None: unbounded).
    """
    lower, upper = name_range or (None, None)
    bounds: dict[str, str] = (
        {} if upper is None else {'end_marker': upper_end_marker(upper)})
    pages = iter_pages(
        lambda marker, page_limit: side.list_page(
            path, marker, page_limit, missing_ok=missing_ok, **bounds),
        limit, start=lower or '')
    headers, first = next(pages)
    held = [first]
    del first

    def rows() -> Iterator[Row]:
        # The first page must not stay alive once it has been walked.
        yield from held.pop()
        for _headers, page in pages:
            yield from page
    return headers, rows()


def upper_end_marker(upper: str) -> str:
    """Swift's end_marker excludes its value; names never contain NUL, so
    ``upper + '\\x01'`` is the smallest end_marker that keeps ``upper`` and
    drops every name above it."""
    return upper + '\x01'


class Stopped(Exception):
    """A visitor asks the march to stop (the run is shutting down)."""


@dataclass
class MarchResult:
    """What one walk of two listings saw.

    ``complete`` is False when a listing failed or the walk was stopped:
    nothing found only on the destination may then be deleted.
    """
    complete: bool = True
    error: SyncError | None = None
    origin_count: int = 0
    dest_count: int = 0
    dest_only: list[Row] = field(default_factory=list)


def march(origin_rows: Iterator[Row], dest_rows: Iterator[Row],
          visitor: Visitor) -> MarchResult:
    """Walk two sorted listings in lock step (rclone's march).

    Calls ``visitor.origin_only(o)`` and ``visitor.both(o, d)`` as rows
    come; names found only on the destination are collected in the
    result, for the caller to delete once it knows the walk was complete
    (deletions never run in the middle of a walk). A visitor may raise
    ``Stopped`` to end the walk early.
    """
    result = MarchResult()
    try:
        for o, d in merge_by_name(origin_rows, dest_rows):
            result.origin_count += o is not None
            result.dest_count += d is not None
            if o is not None and d is not None:
                visitor.both(o, d)
            elif o is not None:
                visitor.origin_only(o)
            elif d is not None:
                result.dest_only.append(d)
    except Stopped:
        result.complete = False
    except SyncError as exc:
        result.complete = False
        result.error = exc
    return result
