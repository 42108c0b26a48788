"""Which headers are copied, and how metadata differences become requests.

Everything here is pure. Header dicts map lower-case names to *wire*
values: the exact bytes Swift sent, decoded as latin-1 (what ``http.client``
does). Sending them back encoded as latin-1 reproduces the stored bytes,
which python-swiftclient's own header parsing would not (it URL-unquotes).

Copying is by allow-list, never "everything but": a header Swift generates
(timestamps, counts, etags, sysmeta) must never be written back.
"""
import email.utils

ACCOUNT_PREFIXES = ('x-account-meta-', 'x-account-quota-bytes-policy-',
                    'x-account-quota-count-policy-')
ACCOUNT_NAMES = frozenset((
    'x-account-access-control',
    'x-account-quota-bytes',
    'x-account-quota-count',
    'x-account-rfc-compliant-etags',
))

CONTAINER_PREFIXES = ('x-container-meta-',)
CONTAINER_NAMES = frozenset((
    'x-container-read',
    'x-container-write',
    'x-versions-location',
    'x-history-location',
    'x-versions-enabled',
    'x-container-rfc-compliant-etags',
))

OBJECT_PREFIXES = ('x-object-meta-',)
# Content-Type plus the object server's default ``allowed_headers``
# (swift/obj/server.py), minus X-Static-Large-Object which is reserved on
# PUT (an SLO is written with ?multipart-manifest=put instead).
OBJECT_NAMES = frozenset((
    'content-type',
    'content-disposition',
    'content-encoding',
    'content-language',
    'cache-control',
    'expires',
    'x-robots-tag',
    'x-delete-at',
    'x-object-manifest',
))


def from_response(raw_items):
    """Lower-case name -> wire value, from (name, value) pairs."""
    return {k.lower(): v for k, v in raw_items}


def select(headers, names, prefixes, extra=()):
    """The allow-listed subset of ``headers``."""
    out = {}
    for key, value in headers.items():
        key = key.lower()
        if key in names or key in extra or key.startswith(prefixes):
            out[key] = value
    return out


def account_metadata(headers):
    return select(headers, ACCOUNT_NAMES, ACCOUNT_PREFIXES)


def container_metadata(headers):
    return select(headers, CONTAINER_NAMES, CONTAINER_PREFIXES)


def object_metadata(headers, extra=()):
    return select(headers, OBJECT_NAMES, OBJECT_PREFIXES, extra)


def metadata_update(origin, dest):
    """Headers for an account/container POST that makes ``dest`` equal.

    Account and container POSTs merge: only keys sent change, and a key
    sent with an empty value is removed. Returns {} when already equal.
    """
    update = {k: v for k, v in origin.items() if dest.get(k) != v}
    update.update({k: '' for k in dest if k not in origin})
    return update


def to_request(headers):
    """Wire values as bytes, ready for the HTTP connection (requests
    would encode ``str`` values itself, changing non-ASCII bytes)."""
    return {k: v.encode('latin-1') if isinstance(v, str) else v
            for k, v in headers.items()}


def http_date(value):
    """An HTTP date (a Date or Retry-After header) as epoch seconds, or
    None when absent or malformed: every caller has a fallback, and none
    may fail on what a proxy or a middleware put there."""
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
