"""swfiller's plan: deterministic, nasty, and within Swift's limits."""
import dataclasses
import gzip
import hashlib
import json

import pytest

from swfiller import generator as g
from swfiller import names

ALL = dict(slo=True, dlo=True, symlinks=True, expiring=True, acls=True,
           versioned=True, gzip=True, headers=True, big_container=30,
           policies=('gold', 'silver'))


def nasty(seed, **kw):
    args = dict(seed=seed, accounts=2, containers=4, files=10,
                max_size=5000, **ALL)
    args.update(kw)
    return g.make_plan(g.Options(**args))


def snapshot(plan):
    """Everything a plan decides, as plain comparable data."""
    return ([dataclasses.asdict(a) for a in plan.accounts],
            [dataclasses.asdict(c) for c in plan.containers],
            [(o.key, o.kind, o.size, o.content_type, o.metadata, o.headers,
              o.delete_after, o.segments, o.target, o.previous_size,
              plan.md5(o), plan.etag(o)) for o in plan.objects])


def utf8(text):
    return len(text.encode('utf-8'))


SEEDS = range(12)


def test_same_seed_gives_the_same_plan_and_bytes():
    assert snapshot(nasty(42)) == snapshot(nasty(42))


def test_different_seed_gives_different_names_sizes_and_metadata():
    a, b = nasty(1), nasty(2)
    assert {o.name for o in a.objects} != {o.name for o in b.objects}
    assert [o.size for o in a.objects] != [o.size for o in b.objects]
    assert ([o.metadata for o in a.objects] !=
            [o.metadata for o in b.objects])
    assert [a.md5(o) for o in a.objects] != [b.md5(o) for o in b.objects]


def test_more_files_extend_a_container_without_renaming_it():
    small = g.make_plan(g.Options(seed=5, containers=2, files=4))
    large = g.make_plan(g.Options(seed=5, containers=2, files=9))
    assert [c.name for c in small.containers] == [
        c.name for c in large.containers]
    for cont in small.containers:
        before = [o.name for o in small.objects if o.container == cont.name]
        after = [o.name for o in large.objects if o.container == cont.name]
        assert after[:len(before)] == before


def test_generated_account_names_are_predictable():
    plan = g.make_plan(g.Options(seed=77, accounts=3, containers=0))
    assert [a.name for a in plan.accounts] == [
        'AUTH_swfiller-77-0', 'AUTH_swfiller-77-1', 'AUTH_swfiller-77-2']


def test_configured_accounts_are_used_in_order():
    plan = g.make_plan(g.Options(seed=1, accounts=2, containers=1,
                                 account_names=('AUTH_a', 'AUTH_b', 'AUTH_c')))
    assert [a.name for a in plan.accounts] == ['AUTH_a', 'AUTH_b']
    assert {c.account for c in plan.containers} == {'AUTH_a', 'AUTH_b'}


@pytest.mark.parametrize('seed', SEEDS)
def test_names_stay_within_swift_limits(seed):
    plan = nasty(seed)
    for cont in plan.containers:
        assert cont.name and '/' not in cont.name
        assert utf8(cont.name) <= names.MAX_CONTAINER_NAME
    for acct in plan.accounts:
        assert 0 < utf8(acct.name) <= 256
    seen = set()
    for obj in plan.objects:
        assert obj.name and utf8(obj.name) <= names.MAX_OBJECT_NAME
        assert obj.key not in seen
        seen.add(obj.key)
    containers = [(c.account, c.name) for c in plan.containers]
    assert len(set(containers)) == len(containers)
    assert {(o.account, o.container) for o in plan.objects} <= set(
        containers)


def test_names_are_nasty():
    names = [o.name for s in SEEDS for o in nasty(s).objects]
    containers = [c.name for s in SEEDS for c in nasty(s).containers]
    everything = ' '.join(names + containers)
    for piece in (' ', 'é', '日本', '🙂', '%', '?', '#', '+', '&', ';', '=',
                  "'", '%20', 'cafe\u0301'):
        assert piece in everything, piece
    assert any(n.count('/') >= 2 and not n.startswith('/') for n in names)
    assert any('/../' in n or n.startswith('./') for n in names)
    assert any(n.startswith('/') or '//' in n for n in names)
    assert max(utf8(n) for n in names) > 900
    assert max(utf8(c) for c in containers) > 200


@pytest.mark.parametrize('seed', SEEDS)
def test_metadata_stays_within_limits(seed):
    plan = nasty(seed)
    groups = ([(a.metadata, 'x-account-meta-') for a in plan.accounts] +
              [(c.metadata, 'x-container-meta-') for c in plan.containers] +
              [(o.metadata, 'x-object-meta-') for o in plan.objects])
    for meta, prefix in groups:
        assert len(meta) <= names.MAX_META_COUNT
        overall = 0
        for key, value in meta.items():
            assert key.startswith(prefix) and key == key.lower()
            name = key[len(prefix):]
            assert 0 < len(name) <= 128
            assert value and value == value.strip()
            assert utf8(value) <= names.MAX_META_VALUE
            overall += len(name) + utf8(value)
        assert overall <= names.MAX_META_OVERALL
    for obj in plan.objects:
        # This disk's xattr space: stay well under ~2 KB per object.
        assert sum(len(k) + utf8(v) for k, v in obj.metadata.items()) < 2048
        assert g.stored_size(obj) <= g.OBJECT_BUDGET


def test_metadata_values_are_nasty():
    values = [v for s in SEEDS for o in nasty(s).objects
              for v in o.metadata.values()]
    values += [v for s in SEEDS for c in nasty(s).containers
               for v in c.metadata.values()]
    assert any('%20' in v for v in values)
    assert any(any(ord(ch) > 127 for ch in v) for v in values)
    assert any(utf8(v) == names.MAX_META_VALUE for v in values)
    assert max(len(c.metadata) for s in SEEDS
               for c in nasty(s).containers) > 30


@pytest.mark.parametrize('max_size', [0, 1, 7, 3000])
def test_max_size_bounds_every_object(max_size):
    plan = nasty(3, max_size=max_size)
    for obj in plan.objects:
        assert 0 <= obj.size <= max(max_size, 0), obj.name
        assert len(b''.join(plan.chunks(obj))) == obj.size
    plain = [o.size for o in plan.objects if o.kind == 'plain']
    assert 0 in plain and max_size in plain
    if max_size == 0:
        assert not [o for o in plan.objects if o.kind == 'slo']


def test_sizes_spread_between_empty_and_max():
    plan = nasty(8, files=40, max_size=100000)
    sizes = sorted(o.size for o in plan.objects if o.kind == 'plain')
    assert sizes[0] == 0 and sizes[-1] == 100000
    assert any(0 < s < 100 for s in sizes)
    assert any(1000 < s < 100000 for s in sizes)


def test_without_flags_there_are_only_plain_objects():
    plan = g.make_plan(g.Options(seed=4, accounts=2, containers=3, files=5))
    assert {o.kind for o in plan.objects} == {'plain'}
    assert {c.role for c in plan.containers} == {'regular'}
    assert all(c.policy is None and not c.headers for c in plan.containers)
    assert not any(o.headers or o.delete_after for o in plan.objects)


def kinds(**flags):
    plan = g.make_plan(g.Options(seed=11, accounts=2, containers=3, files=6,
                                 max_size=2000, **flags))
    return plan, {o.kind for o in plan.objects}


def test_slo_flag_adds_manifests_with_segments_in_a_segments_container():
    plan, found = kinds(slo=True)
    assert found == {'plain', 'segment', 'slo'}
    for slo in [o for o in plan.objects if o.kind == 'slo']:
        assert all(s.container == slo.container + '_segments'
                   for s in slo.segments)
        assert slo.size == sum(s.length for s in slo.segments)
        manifest = json.loads(plan.slo_manifest(slo))
        assert [set(m) - {'range'} for m in manifest] == [
            {'path', 'etag', 'size_bytes'}] * len(manifest)
    assert any(s.first is not None for o in plan.objects
               for s in o.segments)


def test_slo_etag_and_content_follow_the_segments_and_range():
    plan, _ = kinds(slo=True)
    slo = [o for o in plan.objects if o.kind == 'slo' and
           any(s.first is not None for s in o.segments)][0]
    body, etags = b'', ''
    for seg in slo.segments:
        part = plan.find(slo.account, seg.container, seg.name)
        data = b''.join(plan.chunks(part))
        md5 = hashlib.md5(data).hexdigest()
        if seg.first is None:
            body += data
            etags += md5
        else:
            body += data[seg.first:seg.last + 1]
            etags += '%s:%d-%d;' % (md5, seg.first, seg.last)
    assert plan.md5(slo) == hashlib.md5(body).hexdigest()
    assert plan.etag(slo) == hashlib.md5(etags.encode()).hexdigest()


def test_dlo_flag_adds_manifests_pointing_at_a_quoted_prefix():
    plan, found = kinds(dlo=True)
    assert found == {'plain', 'segment', 'dlo'}
    for dlo in [o for o in plan.objects if o.kind == 'dlo']:
        cont, prefix = dlo.headers['x-object-manifest'].split('/', 1)
        assert cont == names.quote(dlo.container + '_segments')
        assert '?' not in prefix and '&' not in prefix
        body = b''.join(b''.join(plan.chunks(plan.find(
            dlo.account, s.container, s.name))) for s in sorted(
                dlo.segments, key=lambda s: s.name))
        assert plan.md5(dlo) == hashlib.md5(body).hexdigest()
        assert plan.etag(dlo) == g.EMPTY_MD5


def test_symlink_flag_adds_dynamic_static_chained_cross_and_dangling():
    plan, found = kinds(symlinks=True)
    assert found == {'plain', 'symlink'}
    links = [o for o in plan.objects if o.kind == 'symlink']
    static = [o for o in links if o.target.static]
    cross = [o for o in links if o.target.account]
    dangling = [o for o in links if plan.md5(o) is None]
    chained = [o for o in links if plan.find(
        o.account, o.target.container, o.target.name) is not None and
        plan.find(o.account, o.target.container,
                  o.target.name).kind == 'symlink']
    assert static and cross and dangling and chained
    for link in static:
        target = plan.find(link.account, link.target.container,
                           link.target.name)
        assert link.headers['x-symlink-target-etag'] == plan.md5(target)
    for link in cross:
        assert link.target.account != link.account
        assert link.headers['x-symlink-target-account'] == names.quote(
            link.target.account)
        target = plan.find(link.target.account, link.target.container,
                           link.target.name)
        assert plan.md5(link) == plan.md5(target)


def test_expiring_flag_sets_delete_after_one_day():
    plan, _ = kinds(expiring=True)
    assert {o.delete_after for o in plan.objects} == {None, 86400}


def test_acl_flag_sets_container_and_account_acls():
    plan, _ = kinds(acls=True)
    assert any(c.headers.get('x-container-read') == '.r:*,.rlistings'
               for c in plan.containers)
    assert any('x-container-write' in c.headers for c in plan.containers)
    acl = json.loads(plan.accounts[0].headers['x-account-access-control'])
    assert acl == {'read-only': [plan.accounts[1].name]}


def test_versioned_flag_adds_an_archive_and_older_versions():
    plan, _ = kinds(versioned=True)
    versioned = [c for c in plan.containers if c.versions]
    assert len(versioned) == 2  # one per account
    for cont in versioned:
        archive = [c for c in plan.containers if c.name == cont.versions
                   and c.account == cont.account]
        assert archive and archive[0].role == 'archive'
        assert cont.headers['x-versions-location'] == names.quote(
            cont.versions)
        objs = [o for o in plan.objects if o.container == cont.name and
                o.account == cont.account]
        assert objs and all(o.previous_size is not None for o in objs)


def test_gzip_flag_stores_real_gzip_bytes():
    plan, _ = kinds(gzip=True)
    zipped = [o for o in plan.objects
              if o.headers.get('content-encoding') == 'gzip']
    assert zipped
    for obj in zipped:
        gzip.decompress(b''.join(plan.chunks(obj)))
        assert obj.size <= 2000


def test_headers_flag_sets_content_disposition_and_friends():
    plan, _ = kinds(headers=True)
    assert any('content-disposition' in o.headers for o in plan.objects)
    assert any(any(ord(ch) > 127 for ch in o.headers.get(
        'content-disposition', '')) or '%' in o.headers.get(
        'content-disposition', '') for o in plan.objects)


def test_big_container_holds_n_objects():
    plan, _ = kinds(big_container=250)
    big = [c for c in plan.containers if c.role == 'big']
    assert len(big) == 1
    assert len([o for o in plan.objects if o.container == big[0].name]) == 250


def test_policies_flag_spreads_containers_over_the_policies():
    plan, _ = kinds(policies=('gold', 'silver'), slo=True)
    regular = [c.policy for c in plan.containers if c.role == 'regular']
    assert set(regular) == {'gold', 'silver'}
    assert all(c.policy in ('gold', 'silver') for c in plan.containers)


def test_random_bytes_is_chunked_but_independent_of_the_reader():
    data = b''.join(g.random_bytes('k', g.CHUNK * 2 + 5))
    assert len(data) == g.CHUNK * 2 + 5
    assert data == b''.join(g.random_bytes('k', g.CHUNK * 2 + 5))
    assert data != b''.join(g.random_bytes('j', g.CHUNK * 2 + 5))
    text = b''.join(g.random_bytes('k', 1000, text=True))
    assert set(text) <= set(b'abcdefghijklmnopqrstuvwxyz'
                            b'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \n.,;')
