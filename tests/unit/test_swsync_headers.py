"""Which headers are copied, metadata updates, wire encoding
(doc/swift-api-for-sync.md §3)."""
import pytest

from swsync import headers as hdrs

# What a HEAD of each level returns, generated headers included.
ACCOUNT_HEAD = {
    'X-Account-Meta-Color': 'blue',
    'X-Account-Meta-Temp-URL-Key': 'secret',
    'X-Account-Access-Control': '{"read-only": ["AUTH_b"]}',
    'X-Account-Object-Count': '12',
    'X-Account-Container-Count': '2',
    'X-Account-Bytes-Used': '4096',
    'X-Account-Storage-Policy-Gold-Object-Count': '12',
    'X-Account-Storage-Policy-Gold-Bytes-Used': '4096',
    'X-Account-Project-Domain-Id': 'default',
    'X-Storage-Policy': 'gold',
    'X-Timestamp': '1714557600.00000',
    'X-Put-Timestamp': '1714557600.00000',
    'X-Trans-Id': 'tx123',
    'X-Openstack-Request-Id': 'tx123',
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': '0',
    'Date': 'Wed, 01 May 2024 10:00:00 GMT',
    'Accept-Ranges': 'bytes',
    'Vary': 'Accept',
}

CONTAINER_HEAD = {
    'X-Container-Meta-Web-Index': 'index.html',
    'X-Container-Meta-Temp-URL-Key-2': 'k2',
    'X-Container-Meta-Access-Control-Allow-Origin': '*',
    'X-Container-Meta-Quota-Bytes': '100',
    'X-Container-Read': '.r:*',
    'X-Container-Write': 'AUTH_b',
    'X-Versions-Location': 'archive',
    'X-History-Location': 'hist',
    'X-Versions-Enabled': 'True',
    'X-Container-Object-Count': '3',
    'X-Container-Bytes-Used': '30',
    'X-Container-Sync-To': '//realm/c/AUTH_x/c',
    'X-Container-Sync-Key': 'sk',
    'X-Container-Sharding': 'True',
    'X-Storage-Policy': 'gold',
    'X-Timestamp': '1714557600.00000',
    'X-Put-Timestamp': '1714557600.00000',
    'Last-Modified': 'Wed, 01 May 2024 10:00:00 GMT',
    'Content-Type': 'application/json; charset=utf-8',
    'X-Trans-Id': 'tx1',
}

OBJECT_HEAD = {
    'Content-Type': 'text/plain',
    'Content-Disposition': 'attachment; filename="a.txt"',
    'Content-Encoding': 'gzip',
    'Content-Language': 'fr',
    'Cache-Control': 'no-cache',
    'Expires': 'Wed, 01 May 2030 10:00:00 GMT',
    'X-Robots-Tag': 'noindex',
    'X-Delete-At': '1900000000',
    'X-Object-Manifest': 'segs/prefix',
    'X-Object-Meta-Owner': 'me',
    'Etag': '0cc175b9c0f1b6a831c399e269772661',
    'Content-Length': '1',
    'X-Timestamp': '1714557600.00000',
    'Last-Modified': 'Wed, 01 May 2024 10:00:00 GMT',
    'X-Static-Large-Object': 'True',
    'X-Manifest-Etag': 'abc',
    'X-Parts-Count': '3',
    'Content-Range': 'bytes 0-0/1',
    'Content-Location': '/v1/AUTH_a/c/t',
    'X-Symlink-Target-Bytes': '1',
    'X-Object-Version-Id': '1714557600.00000',
    'X-Copied-From': 'c/o',
    'X-Copied-From-Account': 'AUTH_a',
    'X-Trans-Id': 'tx',
    'Accept-Ranges': 'bytes',
    'Access-Control-Allow-Origin': '*',
}


def lower(d):
    return {k.lower(): v for k, v in d.items()}


def test_account_metadata_keeps_meta_and_acl_only():
    assert hdrs.account_metadata(lower(ACCOUNT_HEAD)) == {
        'x-account-meta-color': 'blue',
        'x-account-meta-temp-url-key': 'secret',
        'x-account-access-control': '{"read-only": ["AUTH_b"]}',
    }


def test_container_metadata_keeps_meta_acls_and_versioning_only():
    assert hdrs.container_metadata(lower(CONTAINER_HEAD)) == {
        'x-container-meta-web-index': 'index.html',
        'x-container-meta-temp-url-key-2': 'k2',
        'x-container-meta-access-control-allow-origin': '*',
        'x-container-meta-quota-bytes': '100',
        'x-container-read': '.r:*',
        'x-container-write': 'AUTH_b',
        'x-versions-location': 'archive',
        'x-history-location': 'hist',
        'x-versions-enabled': 'True',
    }


@pytest.mark.parametrize('name', [
    'x-container-sync-to', 'x-container-sync-key', 'x-storage-policy',
    'x-container-object-count', 'x-container-sharding', 'x-timestamp',
])
def test_container_metadata_drops_generated_and_unsafe(name):
    assert name not in hdrs.container_metadata(lower(CONTAINER_HEAD))


def test_object_metadata_keeps_allowed_headers_only():
    assert hdrs.object_metadata(lower(OBJECT_HEAD)) == {
        'content-type': 'text/plain',
        'content-disposition': 'attachment; filename="a.txt"',
        'content-encoding': 'gzip',
        'content-language': 'fr',
        'cache-control': 'no-cache',
        'expires': 'Wed, 01 May 2030 10:00:00 GMT',
        'x-robots-tag': 'noindex',
        'x-delete-at': '1900000000',
        'x-object-manifest': 'segs/prefix',
        'x-object-meta-owner': 'me',
    }


@pytest.mark.parametrize('name', [
    'etag', 'content-length', 'x-timestamp', 'last-modified',
    'x-static-large-object', 'x-manifest-etag', 'x-parts-count',
    'content-range', 'content-location', 'x-symlink-target-bytes',
    'x-object-version-id', 'x-copied-from', 'x-copied-from-account',
    'access-control-allow-origin', 'x-trans-id', 'accept-ranges',
])
def test_object_metadata_drops_generated(name):
    assert name not in hdrs.object_metadata(lower(OBJECT_HEAD))


def test_object_metadata_extra_headers_are_added():
    head = {'x-object-meta-a': '1', 'x-custom': 'c', 'x-other': 'o'}
    assert hdrs.object_metadata(head, extra=('x-custom',)) == {
        'x-object-meta-a': '1', 'x-custom': 'c'}


def test_select_is_case_insensitive_and_lowercases_keys():
    out = hdrs.select({'X-Object-Meta-Foo': 'v', 'CONTENT-TYPE': 't',
                       'ETag': 'e'},
                      hdrs.OBJECT_NAMES, hdrs.OBJECT_PREFIXES)
    assert out == {'x-object-meta-foo': 'v', 'content-type': 't'}


def test_select_prefix_must_match_at_start():
    out = hdrs.account_metadata({'x-foo-x-account-meta-a': '1',
                                 'x-account-metadata': '2'})
    assert out == {}


def test_from_response_lowercases_names_and_keeps_values():
    raw = [('X-Object-Meta-Pct', 'a%20b'), ('Content-Type', 'Text/Plain')]
    assert hdrs.from_response(raw) == {'x-object-meta-pct': 'a%20b',
                                       'content-type': 'Text/Plain'}


# --- metadata_update -----------------------------------------------------

@pytest.mark.parametrize('origin,dest,expected', [
    pytest.param({}, {}, {}, id='both-empty-nothing'),
    pytest.param({'x-account-meta-a': '1'}, {'x-account-meta-a': '1'}, {},
                 id='equal-nothing'),
    pytest.param({'x-account-meta-a': '1'}, {}, {'x-account-meta-a': '1'},
                 id='added'),
    pytest.param({'x-account-meta-a': '2'}, {'x-account-meta-a': '1'},
                 {'x-account-meta-a': '2'}, id='changed'),
    pytest.param({}, {'x-account-meta-a': '1'}, {'x-account-meta-a': ''},
                 id='removed-sends-empty-value'),
    pytest.param({'x-container-meta-a': '1', 'x-container-meta-b': '2',
                  'x-container-read': '.r:*'},
                 {'x-container-meta-a': '1', 'x-container-meta-b': 'old',
                  'x-container-meta-c': '3'},
                 {'x-container-meta-b': '2', 'x-container-read': '.r:*',
                  'x-container-meta-c': ''},
                 id='add-change-remove-together'),
    pytest.param({'x-account-meta-a': 'A'}, {'x-account-meta-a': 'a'},
                 {'x-account-meta-a': 'A'}, id='value-case-matters'),
])
def test_metadata_update(origin, dest, expected):
    assert hdrs.metadata_update(origin, dest) == expected


def test_metadata_update_applied_as_merge_makes_dest_equal():
    """Applying the update with Swift's account/container POST semantics
    (merge; empty value removes) yields the origin's metadata."""
    origin = {'x-container-meta-a': '1', 'x-container-meta-b': '2'}
    dest = {'x-container-meta-b': 'x', 'x-container-meta-c': '3'}
    merged = dict(dest)
    for k, v in hdrs.metadata_update(origin, dest).items():
        if v:
            merged[k] = v
        else:
            merged.pop(k, None)
    assert merged == origin


# --- encoding ------------------------------------------------------------

def test_to_request_reproduces_wire_bytes_of_utf8_values():
    stored = 'caf\xe9 \u65e5\u672c \U0001F600'.encode('utf-8')
    wire = stored.decode('latin-1')     # what http.client hands back
    out = hdrs.to_request({'x-object-meta-name': wire})
    assert out == {'x-object-meta-name': stored}


def test_to_request_reproduces_non_utf8_bytes():
    stored = b'\xff\xfe raw'
    out = hdrs.to_request({'x-object-meta-raw': stored.decode('latin-1')})
    assert out['x-object-meta-raw'] == stored


def test_to_request_keeps_percent_encoding_as_is():
    out = hdrs.to_request({'x-object-meta-pct': 'a%20b'})
    assert out == {'x-object-meta-pct': b'a%20b'}


def test_to_request_passes_bytes_through():
    assert hdrs.to_request({'a': b'\x00x'}) == {'a': b'\x00x'}


@pytest.mark.parametrize('value,expected', [
    ('Wed, 02 Dec 2026 16:05:08 GMT', 1796227508.0),
    ('Wednesday, 02-Dec-26 16:05:08 GMT', 1796227508.0),    # RFC 850
    ('', None), (None, None), ('yesterday', None), ('Wed, 02 Dec', None),
    ('Wed, 99 Dec 2026 16:05:08 GMT', None),
    ('Wed, 02 Dec 99999999999 16:05:08 GMT', None),     # OverflowError
])
def test_http_date(value, expected):
    assert hdrs.http_date(value) == expected
