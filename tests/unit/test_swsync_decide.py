"""The per-object decision rule (doc/swift-api-for-sync.md §2.6), table-driven.

Each case gives an origin row and a destination row that differ from a
baseline in one respect, and the action the rule in §2.6 asks for.
"""
import pytest

from swsync import decide

MD5_A = '0cc175b9c0f1b6a831c399e269772661'   # md5('a')
MD5_B = '92eb5ffee6ae2fec3ad71c777531578f'   # md5('b')
MD5_EMPTY = 'd41d8cd98f00b204e9800998ecf8427e'

T0 = '2024-05-01T10:00:00.000000'


def ts(seconds, micro=0):
    """A listing ``last_modified`` ``seconds`` after T0 (< 60 s)."""
    return '2024-05-01T10:00:%02d.%06d' % (seconds, micro)


def plain(**kw):
    row = {'name': 'o', 'hash': MD5_A, 'bytes': 1,
           'content_type': 'text/plain', 'last_modified': T0}
    row.update(kw)
    return row


def slo(**kw):
    row = {'name': 'o', 'hash': MD5_A, 'bytes': 3 * 1048576,
           'slo_etag': '"%s"' % MD5_B,
           'content_type': 'application/octet-stream', 'last_modified': T0}
    row.update(kw)
    return row


def symlink(**kw):
    row = {'name': 'o', 'hash': MD5_EMPTY, 'bytes': 0,
           'symlink_path': '/v1/AUTH_a/c/target',
           'content_type': 'application/symlink', 'last_modified': T0}
    row.update(kw)
    return row


def static_symlink(**kw):
    row = symlink(symlink_etag=MD5_A, symlink_bytes=1)
    row.update(kw)
    return row


def version_symlink(**kw):
    """A visible object in a new-style versioned container (§5.3): a
    static symlink marked ``version_symlink`` listing its target's hash
    and bytes."""
    row = {'name': 'o', 'hash': MD5_A, 'bytes': 1,
           'symlink_path': '/v1/AUTH_a/%00versions%00c/o?version-id=1',
           'symlink_etag': MD5_A, 'symlink_bytes': 1,
           'version_symlink': True,
           'content_type': 'text/plain', 'last_modified': T0}
    row.update(kw)
    return row


COPY, REFRESH, SKIP, DELETE, IGNORE = (
    decide.COPY, decide.REFRESH, decide.SKIP, decide.DELETE, decide.IGNORE)
# (origin row, destination row, settle, expected action)
CASES = [
    # presence
    pytest.param(plain(), None, 2.0, COPY, id='missing-dest-copies'),
    pytest.param(None, plain(), 2.0, DELETE, id='missing-origin-deletes'),
    pytest.param(slo(), None, 2.0, COPY, id='missing-dest-slo-copies'),
    pytest.param(None, symlink(), 2.0, DELETE,
                 id='missing-origin-symlink-deletes'),
    # plain content
    pytest.param(plain(), plain(hash=MD5_B), 2.0, COPY,
                 id='plain-hash-differs-copies'),
    pytest.param(plain(), plain(bytes=2), 2.0, COPY,
                 id='plain-bytes-differ-copies'),
    pytest.param(plain(), plain(), 2.0, SKIP,
                 id='plain-identical-skips'),
    pytest.param(plain(hash='"%s"' % MD5_A), plain(), 2.0, SKIP,
                 id='quoted-origin-etag-equals-unquoted'),
    pytest.param(plain(), plain(hash='"%s"' % MD5_A), 2.0, SKIP,
                 id='quoted-dest-etag-equals-unquoted'),
    pytest.param(plain(hash='%s; s3_etag=abc' % MD5_A), plain(), 2.0, SKIP,
                 id='etag-param-suffix-ignored'),
    pytest.param(plain(hash='"%s"; x=1' % MD5_A), plain(), 2.0, SKIP,
                 id='quoted-etag-with-param-suffix-ignored'),
    pytest.param(plain(hash='%s; s3_etag=abc' % MD5_B), plain(), 2.0, COPY,
                 id='etag-with-suffix-still-compared'),
    # SLO
    pytest.param(slo(), slo(hash=MD5_EMPTY), 2.0, SKIP,
                 id='slo-manifest-hash-differing-is-not-a-copy'),
    pytest.param(slo(), slo(slo_etag=MD5_B), 2.0, SKIP,
                 id='slo-etag-quoting-ignored'),
    pytest.param(slo(), slo(slo_etag='"%s"' % MD5_A), 2.0, COPY,
                 id='slo-etag-differs-copies'),
    pytest.param(slo(), slo(bytes=1), 2.0, COPY,
                 id='slo-bytes-differ-copies'),
    pytest.param(slo(), plain(hash=MD5_A, bytes=3 * 1048576), 2.0, COPY,
                 id='slo-on-origin-plain-on-dest-copies'),
    pytest.param(plain(), slo(hash=MD5_A, bytes=1), 2.0, REFRESH,
                 id='plain-on-origin-slo-on-dest-reads-legacy-manifest'),
    # symlinks
    pytest.param(symlink(), symlink(), 2.0, SKIP,
                 id='symlink-identical-skips'),
    pytest.param(symlink(), symlink(symlink_path='/v1/AUTH_a/c/other'), 2.0,
                 COPY, id='symlink-target-differs-copies'),
    pytest.param(static_symlink(), static_symlink(symlink_etag=MD5_B), 2.0,
                 COPY, id='symlink-target-etag-differs-copies'),
    pytest.param(static_symlink(), symlink(), 2.0, COPY,
                 id='static-vs-dynamic-symlink-copies'),
    pytest.param(symlink(), symlink(hash=MD5_A, bytes=5), 2.0, SKIP,
                 id='symlink-hash-and-bytes-not-compared'),
    pytest.param(symlink(), plain(hash=MD5_EMPTY, bytes=0,
                                  content_type='application/symlink'),
                 2.0, COPY, id='symlink-on-origin-plain-on-dest-copies'),
    pytest.param(plain(hash=MD5_EMPTY, bytes=0), symlink(), 2.0, COPY,
                 id='plain-on-origin-symlink-on-dest-copies'),
    pytest.param(symlink(), symlink(content_type='text/x-link'), 2.0,
                 REFRESH, id='symlink-content-type-differs-refreshes'),
    # a static link to an SLO pins each cluster's own manifest etag
    pytest.param(static_symlink(slo_etag='"%s"' % MD5_B, symlink_bytes=9),
                 static_symlink(slo_etag=MD5_B, symlink_etag=MD5_EMPTY,
                                symlink_bytes=9), 2.0, SKIP,
                 id='static-link-to-slo-compared-by-slo-etag'),
    pytest.param(static_symlink(slo_etag=MD5_B, symlink_bytes=9),
                 static_symlink(slo_etag=MD5_A, symlink_bytes=9), 2.0, COPY,
                 id='static-link-to-slo-slo-etag-differs-copies'),
    pytest.param(static_symlink(slo_etag=MD5_B, symlink_bytes=9),
                 static_symlink(slo_etag=MD5_B, symlink_bytes=8), 2.0, COPY,
                 id='static-link-to-slo-size-differs-copies'),
    # legacy history-mode delete markers cannot be written
    pytest.param(plain(content_type='application/x-deleted;'
                       'swift_versions_deleted=1', hash=MD5_EMPTY, bytes=0),
                 None, 2.0, IGNORE, id='delete-marker-ignored'),
    # content type on plain / SLO objects
    pytest.param(plain(), plain(content_type='text/html'), 2.0, REFRESH,
                 id='plain-content-type-differs-refreshes'),
    pytest.param(slo(), slo(content_type='video/mp4'), 2.0, REFRESH,
                 id='slo-content-type-differs-refreshes'),
    # version symlinks are the current version, copied as plain data
    pytest.param(version_symlink(), plain(), 2.0, SKIP,
                 id='version-symlink-equals-plain-copy'),
    pytest.param(version_symlink(), plain(hash=MD5_B), 2.0, COPY,
                 id='version-symlink-compared-by-hash'),
    pytest.param(version_symlink(), plain(bytes=7), 2.0, COPY,
                 id='version-symlink-compared-by-bytes'),
    pytest.param(version_symlink(symlink_path='/v1/AUTH_a/x/y'), plain(),
                 2.0, SKIP, id='version-symlink-path-not-compared'),
    # ... and a user's symlink as the current version looks like data
    pytest.param(version_symlink(hash=MD5_EMPTY, bytes=0,
                                 content_type='application/symlink'),
                 symlink(), 2.0, SKIP, id='versioned-empty-fits-dynamic-link'),
    pytest.param(version_symlink(), symlink(), 2.0, COPY,
                 id='versioned-data-does-not-fit-dynamic-link'),
    pytest.param(version_symlink(), static_symlink(content_type='text/plain'),
                 2.0, SKIP, id='versioned-data-fits-static-link-to-it'),
    pytest.param(version_symlink(hash=MD5_B), static_symlink(), 2.0, COPY,
                 id='versioned-data-differs-from-static-link-target'),
    pytest.param(version_symlink(content_type='text/plain'),
                 plain(content_type='text/plain; charset=utf-8'), 2.0, SKIP,
                 id='versioned-row-lists-its-type-without-parameters'),
    pytest.param(version_symlink(content_type='text/html'),
                 plain(content_type='text/plain; charset=utf-8'), 2.0,
                 REFRESH, id='versioned-row-type-still-compared'),
    pytest.param(version_symlink(hash=MD5_EMPTY, bytes=0,
                                 last_modified=ts(30)),
                 symlink(last_modified=ts(5)), 2.0, REFRESH,
                 id='versioned-changed-after-link-copy-refreshes'),
    # timestamps
    pytest.param(plain(), plain(last_modified=T0), 2.0, SKIP,
                 id='equal-timestamps-skip'),
    pytest.param(plain(last_modified=ts(0, 123450)),
                 plain(last_modified=ts(0, 123450)), 2.0, SKIP,
                 id='equal-timestamps-with-microseconds-skip'),
    pytest.param(plain(last_modified='2024-05-01T10:00:00'),
                 plain(last_modified=T0), 2.0, SKIP,
                 id='timestamp-without-microseconds-equals-zero-micro'),
    pytest.param(plain(), plain(last_modified=ts(3)), 2.0, SKIP,
                 id='dest-newer-by-more-than-settle-skips'),
    pytest.param(plain(), plain(last_modified=ts(1, 500000)), 2.0, REFRESH,
                 id='dest-newer-by-less-than-settle-refreshes'),
    pytest.param(plain(), plain(last_modified=ts(2)), 2.0, REFRESH,
                 id='dest-newer-by-exactly-settle-refreshes'),
    pytest.param(plain(), plain(last_modified=ts(2, 10)), 2.0, SKIP,
                 id='dest-newer-by-settle-plus-10us-skips'),
    pytest.param(plain(last_modified=ts(30)), plain(last_modified=ts(5)),
                 2.0, REFRESH, id='origin-newer-after-copy-refreshes'),
    pytest.param(plain(last_modified=ts(5, 10)), plain(last_modified=ts(5)),
                 2.0, REFRESH, id='origin-newer-by-10us-refreshes'),
    pytest.param(plain(last_modified='2024-05-01T10:00:30'),
                 plain(last_modified=ts(0, 999990)), 2.0, REFRESH,
                 id='origin-newer-mixed-precision-refreshes'),
    pytest.param(plain(), plain(last_modified='2024-05-01T10:00:03'), 2.0,
                 SKIP, id='dest-newer-without-microseconds-skips'),
    pytest.param(plain(), plain(last_modified=ts(0, 10)), 0.0, SKIP,
                 id='settle-0-dest-newer-by-10us-skips'),
    pytest.param(plain(last_modified=ts(0, 10)), plain(), 0.0, REFRESH,
                 id='settle-0-origin-newer-refreshes'),
    pytest.param(plain(), plain(), 0.0, SKIP,
                 id='settle-0-equal-skips'),
    pytest.param(plain(), plain(last_modified=ts(40)), 30.0, SKIP,
                 id='large-settle-dest-far-newer-skips'),
    pytest.param(plain(), plain(last_modified=ts(20)), 30.0, REFRESH,
                 id='large-settle-dest-newer-within-window-refreshes'),
    pytest.param(plain(), plain(last_modified='2024-05-01T09:59:59.000000'),
                 2.0, REFRESH, id='dest-older-refreshes'),
    # content checks come before timestamps
    pytest.param(plain(last_modified=ts(0)),
                 plain(hash=MD5_B, last_modified=ts(50)), 2.0, COPY,
                 id='content-differs-copies-even-if-dest-newer'),
    pytest.param(plain(), plain(content_type='a/b', last_modified=ts(50)),
                 2.0, REFRESH, id='content-type-differs-posts-even-if-newer'),
    pytest.param(symlink(), symlink(content_type='a/b',
                                    last_modified=ts(50)),
                 2.0, REFRESH,
                 id='symlink-content-type-refreshes-even-if-newer'),
    pytest.param(slo(), slo(hash=MD5_EMPTY, last_modified=ts(50)), 2.0, SKIP,
                 id='slo-copied-later-skips'),
    pytest.param(symlink(last_modified=ts(30)), symlink(last_modified=ts(5)),
                 2.0, REFRESH, id='symlink-origin-newer-refreshes'),
]


@pytest.mark.parametrize('origin,dest,settle,expected', CASES)
def test_decide_object(origin, dest, settle, expected):
    decision = decide.decide_object(origin, dest, settle)
    assert decision.action == expected
    assert decision.reason


def test_decide_object_default_settle_is_two_seconds():
    assert decide.decide_object(
        plain(), plain(last_modified=ts(1, 900000))).action == REFRESH
    assert decide.decide_object(
        plain(), plain(last_modified=ts(2, 100000))).action == SKIP


def test_kind_change_reason_names_both_kinds():
    reason = decide.decide_object(slo(), plain()).reason
    assert 'slo' in reason and 'plain' in reason


@pytest.mark.parametrize('row,expected', [
    pytest.param(plain(), decide.PLAIN, id='plain'),
    pytest.param(slo(), decide.SLO, id='slo'),
    pytest.param(symlink(), decide.SYMLINK, id='dynamic-symlink'),
    pytest.param(static_symlink(), decide.SYMLINK, id='static-symlink'),
    pytest.param(version_symlink(), decide.PLAIN, id='version-symlink'),
    pytest.param(version_symlink(slo_etag=MD5_B), decide.SLO,
                 id='version-symlink-to-slo-is-slo'),
    pytest.param(version_symlink(version_symlink=False), decide.SYMLINK,
                 id='version-symlink-false-is-symlink'),
    pytest.param(plain(hash=MD5_EMPTY, bytes=0), decide.PLAIN,
                 id='dlo-manifest-looks-plain'),
    pytest.param({'name': 'x'}, decide.PLAIN, id='bare-row-plain'),
])
def test_object_kind(row, expected):
    assert decide.object_kind(row) == expected


@pytest.mark.parametrize('value,expected', [
    pytest.param(MD5_A, MD5_A, id='plain'),
    pytest.param('"%s"' % MD5_A, MD5_A, id='quoted'),
    pytest.param('%s; s3_etag=x' % MD5_A, MD5_A, id='param-suffix'),
    pytest.param('"%s"; a=b; c=d' % MD5_A, MD5_A, id='quoted-two-params'),
    pytest.param(' "%s" ' % MD5_A, MD5_A, id='surrounding-space'),
    pytest.param('', '', id='empty'),
    pytest.param(None, None, id='none'),
])
def test_strip_etag(value, expected):
    assert decide.strip_etag(value) == expected


@pytest.mark.parametrize('row,expected', [
    pytest.param(plain(), ('plain', MD5_A, 1), id='plain-hash-bytes'),
    pytest.param(plain(hash='"%s"' % MD5_A), ('plain', MD5_A, 1),
                 id='plain-quoted-hash-stripped'),
    pytest.param(slo(), ('slo', MD5_B, 3 * 1048576),
                 id='slo-uses-slo-etag-not-hash'),
    pytest.param(symlink(), ('symlink', '/v1/AUTH_a/c/target', None),
                 id='dynamic-symlink-path'),
    pytest.param(static_symlink(), ('symlink', '/v1/AUTH_a/c/target', MD5_A),
                 id='static-symlink-path-and-etag'),
    pytest.param(version_symlink(), ('plain', MD5_A, 1),
                 id='version-symlink-as-plain'),
])
def test_content_key(row, expected):
    assert decide.content_key(row) == expected


def test_content_key_ignores_content_type_and_timestamp():
    a = plain(content_type='x/y', last_modified=ts(9))
    assert decide.content_key(a) == decide.content_key(plain())


EPOCH_T0 = 1714557600.0   # 2024-05-01T10:00:00Z


@pytest.mark.parametrize('value,expected', [
    pytest.param('1970-01-01T00:00:00.000000', 0.0, id='epoch'),
    pytest.param('1970-01-01T00:00:01', 1.0, id='no-microseconds'),
    pytest.param(T0, EPOCH_T0, id='utc-no-zone'),
    pytest.param('2024-05-01T10:00:00.123450', EPOCH_T0 + 0.12345,
                 id='microseconds-kept-at-10us'),
    pytest.param('2024-05-01T10:00:00.000010', EPOCH_T0 + 0.00001,
                 id='exactly-10us'),
    pytest.param('2024-05-01T10:00:00.000004', EPOCH_T0,
                 id='4us-rounds-down'),
    pytest.param('2024-05-01T10:00:00.000016', EPOCH_T0 + 0.00002,
                 id='16us-rounds-up'),
    pytest.param('2024-05-01T10:00:00.999996', EPOCH_T0 + 1.0,
                 id='rounds-up-into-next-second'),
])
def test_timestamp(value, expected):
    assert decide.timestamp({'last_modified': value}) == pytest.approx(
        expected, abs=1e-6)


@pytest.mark.parametrize('a,b', [
    pytest.param('.000011', '.000012', id='same-10us-bucket'),
    pytest.param('.000000', '.000003', id='zero-bucket'),
    pytest.param('.500021', '.500019', id='both-round-to-500020'),
])
def test_timestamps_in_same_10us_are_equal(a, b):
    ta = decide.timestamp({'last_modified': '2024-05-01T10:00:00' + a})
    tb = decide.timestamp({'last_modified': '2024-05-01T10:00:00' + b})
    assert ta == tb


@pytest.mark.parametrize('a,b', [
    pytest.param('.000010', '.000020', id='adjacent-10us'),
    pytest.param('.000014', '.000016', id='straddle-bucket-boundary'),
])
def test_timestamps_10us_apart_differ(a, b):
    ta = decide.timestamp({'last_modified': '2024-05-01T10:00:00' + a})
    tb = decide.timestamp({'last_modified': '2024-05-01T10:00:00' + b})
    assert tb > ta


def test_rounded_equal_timestamps_decide_skip():
    o = plain(last_modified='2024-05-01T10:00:00.000011')
    d = plain(last_modified='2024-05-01T10:00:00.000012')
    assert decide.decide_object(o, d, 0.0).action == SKIP


def test_version_id_from_the_pointer_path():
    assert decide.version_id(version_symlink(
        symlink_path='/v1/AUTH_a/c/o%20x?version-id=1796.12345')) == \
        '1796.12345'
    assert decide.version_id(plain()) is None


def head(**kw):
    """Headers of an origin HEAD (symlink=get)."""
    h = {'etag': MD5_A, 'content-length': '1', 'content-type': 'text/plain'}
    h.update(kw)
    return h


SLO_HEAD = head(etag='"%s"' % MD5_B, **{'content-length': str(3 * 1048576),
                                        'x-static-large-object': 'True'})

# (origin HEAD, origin row, destination row, expected)
AFTER_REFRESH = [
    pytest.param(head(), plain(last_modified=ts(30)), plain(), REFRESH,
                 id='same-content-posts-metadata'),
    pytest.param(head(etag=MD5_B), plain(), plain(), COPY,
                 id='content-changed-since-listing-copies'),
    pytest.param(head(**{'x-symlink-target': 'c/t'}), plain(), symlink(),
                 COPY, id='symlink-is-rewritten'),
    pytest.param(head(**{'x-symlink-target': 'c/t'}),
                 version_symlink(hash=MD5_EMPTY, bytes=0), plain(
                     hash=MD5_EMPTY, bytes=0), COPY,
                 id='versioned-row-that-is-a-link-is-copied'),
    pytest.param(SLO_HEAD, plain(bytes=3 * 1048576,
                                 content_type='application/octet-stream'),
                 slo(), SKIP, id='legacy-manifest-in-sync-skips'),
    pytest.param(SLO_HEAD, plain(bytes=3 * 1048576, last_modified=ts(30)),
                 slo(), REFRESH, id='legacy-manifest-changed-posts'),
    pytest.param(head(etag='"%s"' % MD5_A, **{
        'content-length': str(3 * 1048576), 'x-static-large-object': 'True'}),
        plain(bytes=3 * 1048576), slo(), COPY,
        id='legacy-manifest-other-segments-copies'),
    pytest.param(head(etag=MD5_EMPTY, **{'content-length': '0'}),
                 plain(hash=MD5_EMPTY, bytes=0, last_modified=ts(30)),
                 slo(), COPY, id='manifest-replaced-by-plain-copies'),
    pytest.param({k: v for k, v in SLO_HEAD.items()
                  if k != 'content-length'},
                 slo(last_modified=ts(30)), slo(), REFRESH,
                 id='head-without-content-length-posts-metadata'),
    pytest.param({k: v for k, v in head(etag=MD5_B).items()
                  if k != 'content-length'},
                 plain(last_modified=ts(30)), plain(), COPY,
                 id='head-without-content-length-other-etag-copies'),
]


@pytest.mark.parametrize('headers,origin,dest,expected', AFTER_REFRESH)
def test_after_refresh(headers, origin, dest, expected):
    decision = decide.after_refresh(headers, origin, dest, 2.0)
    assert decision.action == expected
    assert decision.reason
