"""What to do with one object, from its two listing rows. Pure: no I/O.

Swift's gatekeeper drops a client's X-Timestamp by default, so a copy
gets a new timestamp and the two listings' ``last_modified`` never match.
The rule therefore compares content by listing fields (etag and size, or
the SLO etag, or the symlink target) and uses timestamps only to tell
whether the origin changed *after* the destination copy was written:

* content or kind differs, or the object is missing: COPY;
* content type differs: POST the full metadata set (symlinks: COPY);
* timestamps equal (preserving mode): SKIP;
* destination written more than ``settle`` seconds after the origin's
  last change (PUT or POST): SKIP. ``settle`` covers clock skew between
  the clusters and requests still in flight when the copy read the origin;
* otherwise the origin may have changed metadata since: POST the origin's
  full metadata set (a HEAD of the origin, then one POST), which also moves
  the destination timestamp past the window so the next run skips it.

This is why an unchanged rerun costs listings only. The exception is an
SLO manifest written by Swift < 2.19, listed without ``slo_etag``: it
costs one origin HEAD per run (CHECK).
"""
import datetime
from dataclasses import dataclass

COPY = 'copy'
POST = 'post'
CHECK = 'check'
SKIP = 'skip'
DELETE = 'delete'

PLAIN = 'plain'
SLO = 'slo'
SYMLINK = 'symlink'

_EPOCH = datetime.datetime(1970, 1, 1)


@dataclass(frozen=True)
class Decision:
    action: str
    reason: str


def object_kind(row):
    """plain, slo or symlink, from a JSON listing row.

    DLO manifests look like plain zero-byte objects in listings and are
    copied as plain objects (with their X-Object-Manifest header). Objects
    in a new-style versioned container are listed as symlinks with
    ``version_symlink``; their current version is copied as plain data.
    """
    if 'symlink_path' in row and not row.get('version_symlink'):
        return SYMLINK
    if 'slo_etag' in row:
        return SLO
    return PLAIN


def strip_etag(value):
    """An etag without quotes or ``; param=..`` suffixes."""
    if value is None:
        return None
    return value.split(';')[0].strip().strip('"')


def content_key(row, kind=None):
    kind = kind or object_kind(row)
    if kind == SYMLINK:
        return (kind, row.get('symlink_path'), row.get('symlink_etag'))
    if kind == SLO:
        return (kind, strip_etag(row.get('slo_etag')), row.get('bytes'))
    return (kind, strip_etag(row.get('hash')), row.get('bytes'))


def timestamp(row):
    """Seconds since the epoch from a listing ``last_modified`` (UTC,
    microseconds, no zone), rounded to Swift's 10 µs resolution."""
    value = row['last_modified']
    fmt = '%Y-%m-%dT%H:%M:%S.%f' if '.' in value else '%Y-%m-%dT%H:%M:%S'
    dt = datetime.datetime.strptime(value, fmt)
    return round((dt - _EPOCH).total_seconds(), 5)


def decide_object(origin, dest, settle=2.0):
    """Decide for one name present on at least one side."""
    if origin is None:
        return Decision(DELETE, 'not in origin listing')
    if dest is None:
        return Decision(COPY, 'missing on destination')
    o_key, d_key = content_key(origin), content_key(dest)
    if o_key[0] != d_key[0]:
        if o_key[0] == PLAIN and d_key[0] == SLO:
            # Swift < 2.19 listed manifests without slo_etag: only a HEAD
            # of the origin (its Etag is the SLO etag) can tell.
            return Decision(CHECK, 'origin may be a manifest listed without '
                            'slo_etag')
        return Decision(COPY, 'kind differs (%s on origin, %s on destination)'
                        % (o_key[0], d_key[0]))
    if o_key != d_key:
        return Decision(COPY, 'content differs')
    if origin.get('content_type') != dest.get('content_type'):
        if o_key[0] == SYMLINK:
            return Decision(COPY, 'content type differs')
        return Decision(POST, 'content type differs')
    ts_o, ts_d = timestamp(origin), timestamp(dest)
    if ts_o == ts_d:
        return Decision(SKIP, 'same timestamp')
    if ts_d - ts_o > settle:
        return Decision(SKIP, 'destination written after last origin change')
    if ts_o > ts_d:
        return Decision(POST, 'origin changed after destination copy')
    return Decision(POST, 'origin changed shortly before destination copy')
