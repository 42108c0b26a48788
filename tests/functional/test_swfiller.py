"""swfiller against a real cluster: what the index says is what is there.

Every check goes through tests/functional/swiftapi.py's raw client (plus a
dot-segment-safe URL below), never through swfiller's own code.
"""
import gzip
import hashlib
import json
import subprocess
import sys
import urllib.parse
import uuid

import pytest

from tests.functional.swiftapi import Admin

NASTY = ['-a', '2', '-u', '1', '-c', '3', '-f', '6', '-s', '3000',
         '--profile', 'nasty']
SMALL = ['-a', '1', '-c', '2', '-f', '4', '-s', '2000', '--slo', '--dlo',
         '--symlinks', '--versioned', '--expiring', '--acls']


# --- helpers -------------------------------------------------------------
def write_conf(path, auth_url, username='admin:admin', password='adminpass',
               extra=''):
    path.write_text(
        '[swift]\nauth_url = %s\nusername = %s\npassword = %s\n%s\n'
        '[filler]\nstorage_policies = gold,silver\nconcurrency = 8\n' % (
            auth_url, username, password, extra))
    return str(path)


@pytest.fixture
def conf(origin, tmp_path):
    creds = origin.reseller
    return write_conf(tmp_path / 'swfiller.conf', creds['auth_url'],
                      creds['username'], creds['password'])


def swfiller(conf_file, *args, cwd=None):
    return subprocess.run(
        [sys.executable, '-m', 'swfiller.cli', '--config-file', conf_file] +
        [str(a) for a in args],
        capture_output=True, text=True, timeout=120, cwd=cwd,
        stdin=subprocess.DEVNULL)


def create(conf_file, index, *args):
    result = swfiller(conf_file, 'create', '--index', index, *args)
    assert result.returncode == 0, result.stderr[-2000:]
    assert 'objects/s' in result.stdout
    with open(index, encoding='utf-8') as f:
        return json.load(f)


def delete(conf_file, index):
    result = swfiller(conf_file, 'delete', '--index', index)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def quote(name, slash=False):
    """Like swiftapi.q, but '.' and '..' segments survive requests'
    URL normalisation (%2E)."""
    quoted = urllib.parse.quote(name.encode('utf-8'),
                                safe='/' if slash else '')
    return '/'.join('%2E' * len(p) if p in ('.', '..') else p
                    for p in quoted.split('/'))


def req(admin, method, account, container=None, obj=None, params=None,
        stream=False):
    url = '%s/%s' % (admin.base, quote(account))
    if container is not None:
        url += '/' + quote(container)
    if obj is not None:
        url += '/' + quote(obj, slash=True)
    return admin.session.request(method, url, params=params, stream=stream,
                                 headers={'X-Auth-Token': admin.token},
                                 allow_redirects=False)


def text(wire_value):
    """A header value as Swift stores it (UTF-8 bytes) back to text."""
    return wire_value.encode('latin-1').decode('utf-8')


def unquoted(value):
    return urllib.parse.unquote(text(value))


def listed_type(content_type):
    return ';'.join(p.strip() for p in content_type.split(';'))


def user_meta(headers, prefix):
    return {k.lower(): text(v) for k, v in headers.items()
            if k.lower().startswith(prefix)}


def objects_of(doc):
    for acct in doc['accounts']:
        for cont in acct['containers']:
            for obj in cont['objects']:
                yield acct['name'], cont['name'], obj


def comparable(doc):
    """What the same seed must reproduce. Archived versions are named by
    the time they were archived, so they compare by content only."""
    out = []
    for acct, cont, obj in objects_of(doc):
        name = obj['name'] if obj['kind'] != 'version' else '<version>'
        out.append((acct, cont, name, obj['kind'], obj['size'], obj['md5'],
                    json.dumps(obj['metadata'], sort_keys=True)))
    return sorted(out)


# --- the check of a cluster against an index ---------------------------
def check_cluster_matches(admin, doc):
    """Walk what the index lists and compare every object on the cluster:
    listing row, metadata, kind, and the bytes a GET returns."""
    kinds = {}
    for acct in doc['accounts']:
        r = req(admin, 'HEAD', acct['name'])
        assert r.status_code in (200, 204)
        assert user_meta(r.headers, 'x-account-meta-') == acct['metadata']
        for key, value in acct['headers'].items():
            assert text(r.headers[key]) == value
        listed = {c['name'] for c in admin.listing(acct['name'])}
        for cont in acct['containers']:
            where = (acct['name'], cont['name'])
            assert cont['written'] and cont['name'] in listed, where
            check_container(admin, acct['name'], cont)
            for obj in cont['objects']:
                kinds[obj['kind']] = kinds.get(obj['kind'], 0) + 1
    return kinds


def check_container(admin, account, cont):
    name = cont['name']
    r = req(admin, 'HEAD', account, name)
    assert r.status_code == 204, (name, r.status_code)
    assert user_meta(r.headers, 'x-container-meta-') == cont['metadata']
    for key, value in cont['headers'].items():
        assert text(r.headers[key]) == value, (name, key)
    if cont['storage_policy']:
        assert r.headers['x-storage-policy'] == cont['storage_policy']
    rows = {row['name']: row for row in admin.listing(account, name)}
    # A container swfiller created holds exactly what the index says.
    assert sorted(rows) == sorted(o['name'] for o in cont['objects'])
    for obj in cont['objects']:
        check_object(admin, account, name, obj, rows[obj['name']])


def check_object(admin, account, container, obj, row):
    where = (account, container, obj['name'])
    assert obj['written'], where
    assert row['bytes'] == obj['bytes'], where
    # Listings rejoin Content-Type parameters without spaces.
    assert row['content_type'] == listed_type(obj['content_type']), where
    assert row.get('slo_etag', row['hash']).strip('"') == obj['etag'], where
    r = req(admin, 'HEAD', account, container, obj['name'], params={
        'multipart-manifest': 'get', 'symlink': 'get'})
    assert r.status_code == 200, where
    assert user_meta(r.headers, 'x-object-meta-') == obj['metadata'], where
    for key, value in obj['headers'].items():
        if key.startswith('x-symlink-target') or key == 'x-object-manifest':
            assert unquoted(r.headers[key]) == urllib.parse.unquote(value)
        else:
            assert text(r.headers[key]) == value, (where, key)
    kind = obj['kind']
    if kind != 'slo':  # an SLO manifest's own type is application/json
        assert r.headers['content-type'] == obj['content_type'], where
    assert (r.headers.get('x-static-large-object') == 'True') == (
        kind == 'slo'), where
    assert ('x-object-manifest' in r.headers) == (kind == 'dlo'), where
    assert ('x-symlink-target' in r.headers) == (kind == 'symlink'), where
    if kind == 'symlink':
        link = obj['symlink']
        assert unquoted(r.headers['x-symlink-target']) == '%s/%s' % (
            link['container'], link['name'])
        assert ('x-symlink-target-etag' in r.headers) == link['static']
    # What a plain GET returns: through manifests and links, undecoded.
    g = req(admin, 'GET', account, container, obj['name'], stream=True)
    if obj['md5'] is None:  # dangling symlink
        assert g.status_code == 404, where
        return
    assert g.status_code == 200, where
    if kind in ('slo', 'dlo'):
        assert g.headers['content-type'] == obj['content_type'], where
    body = g.raw.read(decode_content=False)
    assert len(body) == obj['size'], where
    assert hashlib.md5(body).hexdigest() == obj['md5'], where
    if obj['headers'].get('content-encoding') == 'gzip':
        gzip.decompress(body)  # real gzip bytes


def check_gone(admin, doc):
    for acct, cont, obj in objects_of(doc):
        r = req(admin, 'HEAD', acct, cont, obj['name'])
        assert r.status_code == 404, (acct, cont, obj['name'])
    for acct in doc['accounts']:
        for cont in acct['containers']:
            r = req(admin, 'HEAD', acct['name'], cont['name'])
            assert r.status_code == (404 if cont['created'] else 204)


# --- tests ---------------------------------------------------------------
def test_nasty_create_writes_exactly_what_the_index_says(origin, conf,
                                                         tmp_path):
    admin = Admin(origin)
    seed = 4101
    doc = create(conf, str(tmp_path / 'index.json'), '--seed', seed, *NASTY)

    assert doc['seed'] == seed
    assert doc['users'] == {'requested': 1, 'created': [],
                            'note': 'tempauth cannot create users'}
    assert [a['name'] for a in doc['accounts']] == [
        'AUTH_swfiller-%d-0' % seed, 'AUTH_swfiller-%d-1' % seed]
    kinds = check_cluster_matches(admin, doc)
    for kind in ('plain', 'segment', 'slo', 'dlo', 'symlink', 'version'):
        assert kinds.get(kind), (kind, kinds)

    containers = [c for a in doc['accounts'] for c in a['containers']]
    assert all(c['created'] for c in containers)
    assert {c['storage_policy'] for c in containers} == {'gold', 'silver'}
    assert {c['role'] for c in containers} == {
        'regular', 'segments', 'archive', 'big'}
    big = [c for c in containers if c['role'] == 'big'][0]
    assert len(big['objects']) > origin.listing_limit
    objs = [o for _a, _c, o in objects_of(doc)]
    names = [o['name'] for o in objs]
    assert any(len(n.encode('utf-8')) > 900 for n in names)
    assert any(len(c['name'].encode('utf-8')) > 200 for c in containers)
    assert any('/../' in n or n.startswith('./') for n in names)
    assert any('%' in n or '?' in n or '#' in n for n in names)
    assert any(o['size'] == 0 and o['kind'] == 'plain' for o in objs)
    assert any(o['size'] == 3000 for o in objs)
    assert all(o['size'] <= 3000 for o in objs if o['kind'] == 'plain')
    headers = [o['headers'] for o in objs]
    for key in ('content-encoding', 'content-disposition', 'x-delete-at',
                'x-symlink-target-account', 'x-symlink-target-etag'):
        assert any(key in h for h in headers), key
    assert any(c['headers'].get('x-container-read') == '.r:*,.rlistings'
               for c in containers)
    assert any('x-versions-location' in c['headers'] for c in containers)


def test_same_seed_same_data_and_delete_removes_only_that(origin, conf,
                                                          tmp_path):
    admin = Admin(origin)
    seed = 4102
    account = 'AUTH_swfiller-%d-0' % seed
    bystander = 'bystander-%s' % uuid.uuid4().hex[:8]
    admin.put_container(account, bystander)
    admin.put_object(account, bystander, 'keep me', b'still here')

    first = create(conf, str(tmp_path / 'first.json'), '--seed', seed,
                   *SMALL)
    check_cluster_matches(admin, first)
    delete(conf, str(tmp_path / 'first.json'))
    check_gone(admin, first)
    assert admin.get_object(account, bystander, 'keep me')[1] == b'still here'
    assert [c['name'] for c in admin.listing(account)] == [bystander]

    second = create(conf, str(tmp_path / 'second.json'), '--seed', seed,
                    *SMALL)
    assert comparable(second) == comparable(first)

    # The same seed once more: every container exists now, so this run's
    # delete removes its objects but none of the containers.
    third = create(conf, str(tmp_path / 'third.json'), '--seed', seed,
                   *SMALL)
    assert not any(c['created'] for a in third['accounts']
                   for c in a['containers'])
    delete(conf, str(tmp_path / 'third.json'))
    for cont in third['accounts'][0]['containers']:
        assert req(admin, 'HEAD', account, cont['name']).status_code == 204

    # An object swfiller did not write keeps its container alive.
    regular = [c['name'] for c in second['accounts'][0]['containers']
               if c['role'] == 'regular']
    admin.put_object(account, regular[0], 'stranger', b'x')
    result = delete(conf, str(tmp_path / 'second.json'))
    assert 'kept 1 container' in result.stdout
    assert [o['name'] for o in admin.listing(account, regular[0])] == [
        'stranger']
    assert sorted(c['name'] for c in admin.listing(account)) == sorted(
        [bystander, regular[0]])
    r = req(admin, 'HEAD', account)
    assert user_meta(r.headers, 'x-account-meta-') == {}


@pytest.mark.parametrize('case', [
    'missing config', 'unreachable proxy', 'negative size',
    'unknown option', 'keystone', 'missing index'])
def test_bad_input_gives_one_line_and_exit_2(origin, tmp_path, case):
    creds = origin.reseller
    conf = write_conf(tmp_path / 'ok.conf', creds['auth_url'])
    args = ['create', '--index', str(tmp_path / 'i.json'), '-a', '1',
            '-c', '1', '-f', '1']
    expected = None
    if case == 'missing config':
        conf = str(tmp_path / 'nope.conf')
    elif case == 'unreachable proxy':
        conf = write_conf(tmp_path / 'bad.conf',
                          'http://127.0.0.1:1/auth/v1.0')
    elif case == 'negative size':
        args += ['-s', '-1']
    elif case == 'unknown option':
        args += ['--bogus']
    elif case == 'keystone':
        conf = write_conf(tmp_path / 'ks.conf', creds['auth_url'],
                          extra='auth_version = 3\nproject_name = p\n')
        expected = 'swfiller: error: swift: Keystone error at'
    elif case == 'missing index':
        args = ['delete', '--index', str(tmp_path / 'none.json')]
    result = swfiller(conf, *args, cwd=str(tmp_path))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith('swfiller: error: '), lines
    if expected:
        assert lines[0].startswith(expected)
    assert not (tmp_path / 'i.json').exists()
