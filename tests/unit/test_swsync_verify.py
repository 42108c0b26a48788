"""swsync verify: its own comparison finds each kind of difference, and
nothing when the destination mirrors the origin."""
import io
import time

import pytest

from swsync.verify import Verifier, compare_headers, compare_rows
from tests.unit import fakes

ACCOUNT = 'AUTH_a'


def mirrored(world, origin, dest):
    origin.add_account(ACCOUNT, {'x-account-meta-owner': 'ops'})
    origin.add_container(ACCOUNT, 'c', meta={'x-container-meta-a': '1',
                                             'x-container-read': '.r:*'})
    origin.add_object(ACCOUNT, 'c', 'plain', b'plain data',
                      meta={'x-object-meta-k': 'v'})
    origin.add_object(ACCOUNT, 'c', 'seg', b'segment')
    origin.add_object(ACCOUNT, 'c', 'slo', slo=[{
        'path': '/c/seg', 'etag': fakes.md5(b'segment'), 'size_bytes': 7}])
    origin.add_object(ACCOUNT, 'c', 'link', symlink='c/plain')
    world.advance(100)
    report = fakes.run_sync(origin, dest)
    assert report.exit_code == 0, report.errors
    world.advance(100)


def verify(origin, dest, level):
    out = io.StringIO()
    v = Verifier(origin, dest, level=level, workers=4, listing_limit=3,
                 out=out)
    v.run([ACCOUNT])
    return v, out.getvalue()


@pytest.mark.parametrize('level', ['listing', 'heads', 'content'])
def test_a_mirror_verifies_clean_and_writes_nothing(
        world, origin, dest, level):
    mirrored(world, origin, dest)
    mark = len(world.log)
    v, out = verify(origin, dest, level)
    assert (v.exit_code, out, v.differences) == (0, '', [])
    assert v.compared == 4
    assert [c for c in world.log[mark:]
            if c.method in ('PUT', 'POST', 'DELETE')] == []


def _mutations():
    def gone(origin, dest):
        del dest.accounts[ACCOUNT].containers['c'].objects['plain']

    def extra(origin, dest):
        dest.add_object(ACCOUNT, 'c', 'extra', b'x')

    def metadata(origin, dest):
        dest.obj(ACCOUNT, 'c', 'plain').meta['x-object-meta-k'] = 'w'

    def content_type(origin, dest):
        dest.obj(ACCOUNT, 'c', 'plain').meta['content-type'] = 'a/b'

    def bytes_behind_etag(origin, dest):
        # same listing and headers, other bytes (a corrupt copy)
        dest.obj(ACCOUNT, 'c', 'plain').body = b'plain dat4'

    def container_meta(origin, dest):
        dest.accounts[ACCOUNT].containers['c'].meta[
            'x-container-read'] = ''

    def account_meta(origin, dest):
        dest.accounts[ACCOUNT].meta['x-account-meta-owner'] = 'x'

    def link_target(origin, dest):
        dest.obj(ACCOUNT, 'c', 'link').symlink = 'c/seg'

    def container_gone(origin, dest):
        origin.add_container(ACCOUNT, 'only-origin')

    return [
        ('listing', gone, 'missing on the destination'),
        ('listing', extra, 'only on the destination'),
        ('heads', metadata, 'x-object-meta-k differs'),
        ('listing', content_type, 'content type differs'),
        ('listing', link_target, 'content differs'),
        ('heads', container_meta, 'x-container-read differs'),
        ('heads', account_meta, 'x-account-meta-owner differs'),
        ('listing', container_gone, 'container missing on the destination'),
    ]


@pytest.mark.parametrize('level,mutate,expected', [
    pytest.param(*m, id=m[1].__name__) for m in _mutations()])
def test_each_difference_is_found_at_its_level(world, origin, dest, level,
                                               mutate, expected):
    mirrored(world, origin, dest)
    mutate(origin, dest)
    lower = ('listing', 'heads', 'content').index(level)
    if lower > 0:
        v, out = verify(origin, dest, ('listing', 'heads')[lower - 1])
        assert v.exit_code == 0, 'found below its level: %s' % out
    v, out = verify(origin, dest, level)
    assert v.exit_code == 1
    assert expected in out
    assert len(out.splitlines()) == 1


def test_corrupt_bytes_are_found_by_content_only(world, origin, dest):
    mirrored(world, origin, dest)
    obj = dest.obj(ACCOUNT, 'c', 'plain')

    class Corrupt(fakes.Obj):
        """Lists and answers the etag of the bytes it should hold, as a
        silent corruption on disk would."""
        etag = fakes.md5(b'plain data')
    obj.__class__ = Corrupt
    obj.body = b'plain dat4'
    v, _out = verify(origin, dest, 'heads')
    assert v.exit_code == 0
    v, out = verify(origin, dest, 'content')
    assert v.exit_code == 1 and 'bytes differ' in out


def test_expiring_and_delete_markers_are_tolerated(world, origin, dest):
    mirrored(world, origin, dest)
    origin.add_object(ACCOUNT, 'c', 'soon', b's', meta={
        'x-delete-at': str(int(time.time()) + 10)})
    origin.add_object(ACCOUNT, 'c', 'marker', b'', meta={
        'content-type': 'application/x-deleted;swift_versions_deleted=1'})
    v, out = verify(origin, dest, 'heads')
    assert (v.exit_code, out) == (0, '')
    assert v.tolerated == {'expiring': 1, 'delete-markers': 1}


def test_versioned_object_expiry_is_the_links(world, origin, dest):
    """New-style versioning: X-Delete-At is on Swift's link to the
    version, not on the version read by version-id; the copy carries it,
    and verify reads it from the link too (no difference at heads)."""
    hidden = '\x00versions\x00c'
    origin.add_account(ACCOUNT)
    origin.add_container(ACCOUNT, 'c')
    origin.add_container(ACCOUNT, hidden).unlisted = True
    origin.add_versioned_object(
        ACCOUNT, 'c', 'doc', b'current',
        {'content-type': 'text/plain',
         'x-delete-at': str(int(time.time()) + 86400)})
    world.advance(100)
    report = fakes.run_sync(origin, dest)
    assert report.exit_code == 0, report.errors
    world.advance(100)
    v, out = verify(origin, dest, 'heads')
    assert (v.exit_code, out) == (0, '')
    dest.obj(ACCOUNT, 'c', 'doc').meta.pop('x-delete-at')
    v, out = verify(origin, dest, 'heads')
    assert v.exit_code == 1 and 'x-delete-at' in out


ROW = {'name': 'o', 'hash': fakes.md5(b'x'), 'bytes': 1,
       'content_type': 'text/plain', 'last_modified': '2024-05-01T10:00:00'}


def test_rows_compared_without_timestamps():
    assert compare_rows(ROW, dict(ROW, last_modified='2025')) is None
    assert 'content differs' in compare_rows(ROW, dict(ROW, bytes=2))


def test_slo_rows_compared_by_slo_etag_not_manifest_hash():
    slo = dict(ROW, slo_etag='"abc"', bytes=9)
    assert compare_rows(slo, dict(slo, hash='other')) is None
    assert compare_rows(slo, dict(slo, slo_etag='abd')) is not None


def test_header_differences_hide_temp_url_keys():
    """Red-team finding: ``verify --level heads`` printed the account's
    and containers' temp-URL keys (which sign URLs anyone may use) on
    stdout and in the report."""
    out = compare_headers(
        {'x-account-meta-temp-url-key': 'S3cr3tA',
         'x-account-meta-temp-url-key-2': 'S3cr3tB',
         'x-account-meta-color': 'blue'},
        {'x-account-meta-temp-url-key': 'S3cr3tC',
         'x-account-meta-color': 'red'},
        (), 'x-account-meta-')
    text = '\n'.join(out)       # (headers as the client gives them)
    assert 'S3cr3t' not in text
    assert 'x-account-meta-temp-url-key differs' in text
    assert "x-account-meta-temp-url-key-2 differs (<secret>, None)" in text
    assert "('blue', 'red')" in text
