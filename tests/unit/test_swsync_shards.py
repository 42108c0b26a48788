"""Sharded runs: every item done by exactly one shard, name ranges for
big containers, against in-memory clusters."""
import collections

import pytest

from swsync import shards
from swsync.client.errors import ConfigError, SyncError
from swsync.engine import Syncer
from swsync.partition import Partition
from swsync.report import Report
from swsync.state import RangeStore
from tests.unit import fakes

ACCOUNT = 'AUTH_a'


def test_every_key_has_exactly_one_owner():
    for count in (1, 2, 3, 8):
        owners = collections.Counter()
        for i in range(500):
            key = 'AUTH_a/c%03d' % i
            owned = [s for s in range(count)
                     if shards.Shard(s, count).owns(key)]
            assert len(owned) == 1
            owners[owned[0]] += 1
        assert min(owners.values()) > 500 / count * 0.6   # roughly even


def test_ranges_cover_every_name_once():
    assert shards.ranges([]) == [(None, None)]
    assert shards.ranges(['f', 'm']) == [(None, 'f'), ('f', 'm'),
                                         ('m', None)]


def test_boundaries_every_size_names():
    c = shards.BoundaryCollector(3)
    for name in 'abcdefgh':
        c.add(name)
    assert c.result() == ['c', 'f']
    c = shards.BoundaryCollector(3)
    for name in 'abcdef':
        c.add(name)
    assert c.result() == ['c']     # no empty last range


@pytest.mark.parametrize('text', ['1', '2/2', 'a/b', '-1/3', '0/0'])
def test_bad_shard_is_a_config_error(text):
    with pytest.raises(ConfigError):
        shards.parse(text)


def seed(origin, containers=6, objects=10):
    origin.add_account(ACCOUNT, {'x-account-meta-owner': 'ops'})
    for c in range(containers):
        origin.add_container(ACCOUNT, 'c%d' % c)
        for i in range(objects):
            origin.add_object(ACCOUNT, 'c%d' % c, 'o%03d' % i,
                              b'%d-%d' % (c, i))
    big = origin.add_container(ACCOUNT, 'big')
    for i in range(45):
        origin.add_object(ACCOUNT, 'big', 'b%03d' % i, b'b%d' % i)
    return big


def run_shards(origin, dest, count, run_id, **conf):
    reports = []
    for index in range(count):
        shard = shards.Shard(index, count)
        store = RangeStore(dest, 'swsync_state', run_id) if count > 1 \
            else None
        report = Report()
        settings = dict(listing_limit=4, container_workers=2,
                        object_workers=4, shard_wait=0)
        settings.update(conf)
        syncer = Syncer(fakes.make_conf(**settings), origin, dest, report,
                        partition=Partition(shard, store, 30, 10))
        syncer.run([ACCOUNT])
        report.finish()
        reports.append(report)
    return reports


def writes(world, mark):
    return collections.Counter(
        (c.method, c.path) for c in world.log[mark:]
        if c.side == 'dest' and c.method in ('PUT', 'POST', 'DELETE') and
        'swsync_state' not in c.path)


@pytest.mark.parametrize('count', [1, 2, 3])
def test_shards_together_do_one_runs_work_once(world, origin, dest, count):
    seed(origin)
    world.advance(100)
    mark = len(world.log)
    reports = run_shards(origin, dest, count, 'run-1')
    assert all(r.exit_code == 0 for r in reports), \
        [r.errors for r in reports]
    done = writes(world, mark)
    assert done and max(done.values()) == 1, done
    for name in origin.names(ACCOUNT):
        assert dest.names(ACCOUNT, name) == origin.names(ACCOUNT, name)
    assert dest.accounts[ACCOUNT].meta == origin.accounts[ACCOUNT].meta
    copied = sum(r.counts['objects_copied'] for r in reports)
    assert copied == 6 * 10 + 45


def test_a_big_container_is_split_from_the_next_run_on(world, origin,
                                                       dest):
    big = seed(origin, containers=1, objects=1)
    world.advance(100)
    run_shards(origin, dest, 3, 'run-1')
    store = RangeStore(dest, 'swsync_state', 'run-2')
    assert store.boundaries(ACCOUNT, 'big') == ['b009', 'b019', 'b029',
                                                'b039']
    # the same run id does not see the ranges it recorded
    assert RangeStore(dest, 'swsync_state', 'run-1').boundaries(
        ACCOUNT, 'big') is None
    # changes everywhere in the big container, deletions too
    for i in range(0, 45, 4):
        big.objects['b%03d' % i].body = b'changed %d' % i
        big.objects['b%03d' % i].timestamp = world.now
    for i in (1, 22, 44):
        del big.objects['b%03d' % i]
    world.advance(100)
    mark = len(world.log)
    reports = run_shards(origin, dest, 3, 'run-2')
    assert all(r.exit_code == 0 for r in reports), \
        [r.errors for r in reports]
    done = writes(world, mark)
    assert max(done.values()) == 1
    assert dest.names(ACCOUNT, 'big') == origin.names(ACCOUNT, 'big')
    for name in origin.names(ACCOUNT, 'big'):
        assert dest.obj(ACCOUNT, 'big', name).body == \
            origin.obj(ACCOUNT, 'big', name).body
    ranges_listed = [c for c in world.log[mark:] if c.method == 'LIST' and
                     c.path.endswith('/big') and c.side == 'origin' and
                     c.marker in ('', 'b009', 'b019', 'b029', 'b039')]
    assert len(ranges_listed) >= 5     # each range listed by its owner


def test_only_the_account_owner_deletes_its_containers(world, origin,
                                                       dest):
    seed(origin, containers=2, objects=1)
    world.advance(100)
    run_shards(origin, dest, 3, 'r1')
    del origin.accounts[ACCOUNT].containers['c1']
    world.advance(100)
    mark = len(world.log)
    reports = run_shards(origin, dest, 3, 'r2')
    assert dest.names(ACCOUNT, 'c1') is None
    deletes = [c for c in world.log[mark:] if c.side == 'dest' and
               c.method == 'DELETE' and c.level == 'container']
    assert len(deletes) == 1
    assert sum(r.counts['containers_deleted'] for r in reports) == 1


@pytest.mark.parametrize('body', [
    b'[1, 2]', b'null', b'"text"', b'{"ranges": []}',
    b'{"ranges": {"AUTH_a/big": [5, null]}}',
    b'{"ranges": {"AUTH_a/big": "b010"}}',
    b'{"ranges": {}, "previous": 5}',
])
def test_a_hand_edited_ranges_document_is_one_error(world, dest, body):
    """Red-team finding: ranges.json that the README sends operators to
    edit by hand, edited wrongly (a list, numbers, a string), gave an
    internal error (AttributeError, TypeError) with a traceback in every
    account."""
    store = RangeStore(dest, 'swsync_state', 'run-1')
    store.record('AUTH_a', 'big', ['b010'])
    dest.put_object(store.account, 'swsync_state', 'ranges.json',
                    {'content-type': 'application/json'}, body)
    with pytest.raises(SyncError) as caught:
        RangeStore(dest, 'swsync_state', 'run-2').ranges()
    assert 'ranges.json is not a ranges document' in str(caught.value)
