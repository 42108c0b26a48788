"""What to do with one object, from its two listing rows. Pure: no I/O.

Swift's gatekeeper drops a client's X-Timestamp by default, so a copy
gets a new timestamp and the two listings' ``last_modified`` never match.
The rule therefore compares content by listing fields and uses timestamps
only to tell whether the origin changed *after* the destination copy was
written:

* the object is missing, or its content or kind differs: COPY;
* content type differs: REFRESH (read the origin, then POST its full
  metadata set, or copy again when the origin turns out to be another
  kind of object: a symlink's metadata is carried by re-writing it);
* timestamps equal (preserving mode): SKIP;
* destination written more than ``settle`` seconds after the origin's
  last change (PUT or POST): SKIP. ``settle`` covers clock skew between
  the clusters and requests still in flight when the copy read the origin;
* otherwise the origin may have changed since the copy: REFRESH. The POST
  also moves the destination timestamp past the window, so the next run
  skips it.

Content is compared by what the listing shows of each kind: plain objects
(DLO manifests included) by ``hash`` and ``bytes``; SLO manifests by
``slo_etag`` and ``bytes`` (the manifest's own hash differs per cluster,
its segments' timestamps being part of it); symlinks by their target, and
static ones by the target's etag, or for a static link to an SLO by the
SLO etag and size (the link pins the destination manifest's own etag).

Two kinds of rows hide what they are:

* a manifest written by Swift < 2.19 is listed without ``slo_etag``:
  REFRESH reads the origin and decides;
* in a container with new-style versioning (``version_symlink`` rows)
  the listing describes the current version by its data (etag, bytes):
  a user's static symlink looks like its target's data and a dynamic one
  like an empty object. A destination symlink that fits that description
  is compared by timestamps like anything else, and REFRESH reads the
  version itself (``version-id``) when the origin changed.

Rows that cannot be carried are IGNOREd with a reason: the delete markers
that legacy history-mode versioning writes into its archive container
(a client PUT of their content type is refused by Swift).

This is why an unchanged rerun costs listings only.
"""
import datetime
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, overload

#: A listing row as Swift's JSON listing gives it (``name``, ``hash``,
#: ``bytes``, ``last_modified``, ``content_type``, ``slo_etag``,
#: ``symlink_path``...).
Row = dict[str, Any]
#: Response headers, lower-case names to wire values (see ``headers``).
Headers = Mapping[str, str]

COPY = 'copy'
REFRESH = 'refresh'
SKIP = 'skip'
IGNORE = 'ignore'
DELETE = 'delete'

PLAIN = 'plain'
SLO = 'slo'
SYMLINK = 'symlink'

MD5_EMPTY = 'd41d8cd98f00b204e9800998ecf8427e'
DELETE_MARKER_TYPE = 'application/x-deleted'

_EPOCH = datetime.datetime(1970, 1, 1)


@dataclass(frozen=True)
class Decision:
    action: str
    reason: str


@overload
def strip_etag(value: str) -> str:
    ...


@overload
def strip_etag(value: None) -> None:
    ...


@overload
def strip_etag(value: str | None) -> str | None:
    ...


def strip_etag(value: str | None) -> str | None:
    """An etag without quotes or ``; param=..`` suffixes."""
    if value is None:
        return None
    if ';' not in value and '"' not in value and ' ' not in value:
        return value        # the usual listing hash: nothing to strip
    return value.split(';')[0].strip().strip('"')


def is_versioned(row: Row) -> bool:
    """A row of a container with new-style versioning: Swift's pointer to
    the object's current version."""
    return bool(row.get('version_symlink'))


def version_id(row: Row) -> str | None:
    """The version a ``version_symlink`` row points at, or None."""
    path = row.get('symlink_path') or ''
    query = urllib.parse.urlsplit(path).query
    values = urllib.parse.parse_qs(query).get('version-id')
    return values[0] if values else None


def object_kind(row: Row) -> str:
    """plain, slo or symlink, as far as the listing row shows it.

    DLO manifests look like plain zero-byte objects in listings. A
    versioned row shows the kind of its current version only when it is
    an SLO; otherwise it reads as plain data (see the module docstring).
    """
    if 'symlink_path' in row and not is_versioned(row):
        return SYMLINK
    if 'slo_etag' in row:
        return SLO
    return PLAIN


def is_delete_marker(row: Row) -> bool:
    """A legacy history-mode delete marker (in an archive container)."""
    return (row.get('content_type') or '').startswith(DELETE_MARKER_TYPE)


def content_key(row: Row) -> tuple[Any, ...]:
    """What must be equal for two rows of the same kind to hold the same
    content."""
    kind = object_kind(row)
    if kind == SYMLINK:
        if 'slo_etag' in row:
            return (kind, row['symlink_path'], strip_etag(row['slo_etag']),
                    row.get('symlink_bytes'))
        return (kind, row['symlink_path'],
                strip_etag(row.get('symlink_etag')))
    if kind == SLO:
        return (kind, strip_etag(row.get('slo_etag')), row.get('bytes'))
    return (kind, strip_etag(row.get('hash')), row.get('bytes'))


def served_view(row: Row) -> tuple[Any, ...]:
    """What a GET of the row serves, as far as its listing row tells, in
    the terms a versioned row uses: ('slo', etag, bytes), ('data', etag,
    bytes), or ('dynamic',) for a dynamic symlink (it serves whatever its
    target holds)."""
    if 'slo_etag' in row:
        size = row.get('symlink_bytes', row.get('bytes'))
        return ('slo', strip_etag(row['slo_etag']), size)
    if 'symlink_path' in row and not is_versioned(row):
        if 'symlink_etag' in row:
            return ('data', strip_etag(row['symlink_etag']),
                    row.get('symlink_bytes'))
        return ('dynamic',)
    return ('data', strip_etag(row.get('hash')), row.get('bytes'))


def _versioned_fits(origin: Row, dest: Row) -> bool:
    """Does the destination row fit what a versioned origin row shows?"""
    o_view, d_view = served_view(origin), served_view(dest)
    if d_view == ('dynamic',):
        return o_view == ('data', MD5_EMPTY, 0)
    return o_view == d_view


def _same_content_type(origin: Row, dest: Row) -> bool:
    """Equal content types. A versioned row lists its version's type
    without parameters (``charset=...``): only the type is compared then,
    and a change of parameters alone shows as a new timestamp."""
    o_type, d_type = origin.get('content_type'), dest.get('content_type')
    if is_versioned(origin) and not is_versioned(dest):
        return (o_type or '').split(';')[0].strip() == \
            (d_type or '').split(';')[0].strip()
    return o_type == d_type


def timestamp(row: Row) -> float:
    """Seconds since the epoch from a listing ``last_modified`` (UTC,
    microseconds, no zone), rounded to Swift's 10 µs resolution."""
    # fromisoformat is C code, several times faster than strptime: this
    # runs twice per listed object.
    dt = datetime.datetime.fromisoformat(row['last_modified'])
    return round((dt - _EPOCH).total_seconds(), 5)


def decide_object(origin: Row | None, dest: Row | None,
                  settle: float = 2.0) -> Decision:
    """Decide for one name present on at least one side."""
    if origin is None:
        return Decision(DELETE, 'not in origin listing')
    if is_delete_marker(origin):
        return Decision(IGNORE, 'history-mode delete marker')
    if dest is None:
        return Decision(COPY, 'missing on destination')
    if is_versioned(origin) and not is_versioned(dest):
        if not _versioned_fits(origin, dest):
            return Decision(COPY, 'current version differs')
    else:
        o_key, d_key = content_key(origin), content_key(dest)
        if o_key[0] != d_key[0]:
            if o_key[0] == PLAIN and d_key[0] == SLO:
                # Swift < 2.19 listed manifests without slo_etag: only
                # reading the origin can tell.
                return Decision(REFRESH, 'origin may be a manifest listed '
                                'without slo_etag')
            return Decision(COPY, 'kind differs (%s on origin, %s on '
                            'destination)' % (o_key[0], d_key[0]))
        if o_key != d_key:
            return Decision(COPY, 'content differs')
    if not _same_content_type(origin, dest):
        return Decision(REFRESH, 'content type differs')
    ts_o, ts_d = timestamp(origin), timestamp(dest)
    if ts_o == ts_d:
        return Decision(SKIP, 'same timestamp')
    if ts_d - ts_o > settle:
        return Decision(SKIP, 'destination written after last origin change')
    if ts_o > ts_d:
        return Decision(REFRESH, 'origin changed after destination copy')
    return Decision(REFRESH, 'origin changed shortly before destination '
                    'copy')


def _true(value: str | None) -> bool:
    return (value or '').lower() in ('true', '1', 'yes', 'on')


def head_kind(headers: Headers) -> str:
    """The kind of an object from its own HEAD (``symlink=get``)."""
    if 'x-symlink-target' in headers:
        return SYMLINK
    if _true(headers.get('x-static-large-object')):
        return SLO
    return PLAIN


def link_path(headers: Headers, account: str) -> str:
    """The ``/v1/<account>/<container>/<object>`` a symlink's own headers
    point at (its target account, if any, already mapped), unquoted as
    listings' ``symlink_path`` values are compared."""
    target = urllib.parse.unquote(headers.get('x-symlink-target', ''))
    account = headers.get('x-symlink-target-account') or account
    return '/v1/%s/%s' % (account, target)


def after_refresh(headers: Headers, origin: Row, dest: Row,
                  settle: float = 2.0,
                  origin_link: str | None = None) -> Decision:
    """The decision once the origin object was read (HEAD): COPY, SKIP,
    or REFRESH meaning "POST the metadata just read".

    ``headers`` are the origin object's own headers (``symlink=get``; for
    an SLO without ``multipart-manifest=get``, so Etag is the SLO etag and
    Content-Type its own). A symlink pointing where the destination's
    points (``origin_link``, its target path with the account mapped) gets
    its metadata and content type by a POST (it applies to the link
    itself); one pointing elsewhere is written again. A different kind
    or content means COPY. Otherwise the row,
    completed with what the HEAD showed (a manifest listed without
    ``slo_etag``), goes through the listing rule again: a legacy manifest
    that is in sync is skipped rather than posted on every run.
    """
    kind = head_kind(headers)
    if kind == SYMLINK:
        d_link = dest.get('symlink_path')
        if d_link and not is_versioned(dest) and origin_link and \
                urllib.parse.unquote(d_link) == origin_link:
            return Decision(REFRESH, 'symlink metadata from the origin')
        return Decision(COPY, 'symlink re-written')
    d_kind = object_kind(dest)
    if is_versioned(dest):
        d_kind = SLO if 'slo_etag' in dest else PLAIN
    if kind != d_kind:
        return Decision(COPY, 'kind differs (%s on origin, %s on '
                        'destination)' % (kind, d_kind))
    etag = strip_etag(headers.get('etag'))
    # A proxy or load balancer may drop a HEAD's Content-Length: then the
    # size is the listing's, and the etag alone tells (a missing header
    # read as 0 made every refreshed object a copy).
    length = headers.get('content-length')
    size = int(length) if length else origin.get('bytes')
    d_etag = dest.get('slo_etag') if kind == SLO else dest.get('hash')
    if (etag, size) != (strip_etag(d_etag), dest.get('bytes')):
        return Decision(COPY, 'content differs')
    completed = dict(origin, bytes=size)
    if kind == SLO:
        completed['slo_etag'] = '"%s"' % etag
    completed.pop('version_symlink', None)
    completed.pop('symlink_path', None)
    again = decide_object(completed, dest, settle)
    if again.action == SKIP:
        return again
    return Decision(REFRESH, again.reason)
