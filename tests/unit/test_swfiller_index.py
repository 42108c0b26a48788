"""swfiller's index: JSON that delete and the tests can trust."""
import json

import pytest

from swfiller import generator as g
from swfiller import index


def doc_for(plan, written=True):
    results = {
        'accounts': {a.name: written for a in plan.accounts},
        'containers': {(c.account, c.name): {
            'created': True, 'written': written, 'policy': c.policy}
            for c in plan.containers},
        'objects': {o.key: {'written': written} for o in plan.objects},
        'versions': {}}
    return index.build(plan, results, {'seed': plan.options.seed})


def small_plan():
    return g.make_plan(g.Options(seed=3, accounts=1, containers=2, files=3,
                                 slo=True, symlinks=True, expiring=True))


def test_every_planned_object_is_in_the_index_with_its_md5():
    plan = small_plan()
    doc = doc_for(plan)
    listed = {(a, c, o['name']): o for a, c, o in index.iter_objects(doc)}
    assert set(listed) == {o.key for o in plan.objects}
    for obj in plan.objects:
        entry = listed[obj.key]
        assert entry['kind'] == obj.kind
        assert entry['md5'] == plan.md5(obj)
        assert entry['size'] == obj.size
        assert entry['metadata'] == obj.metadata
        assert entry['written'] is True


def test_special_kinds_are_described():
    doc = doc_for(small_plan())
    entries = [o for _a, _c, o in index.iter_objects(doc)]
    slo = [o for o in entries if o['kind'] == 'slo'][0]
    assert slo['segments'] and all(
        set(s) == {'container', 'name', 'size', 'range'}
        for s in slo['segments'])
    link = [o for o in entries if o['kind'] == 'symlink'][0]
    assert set(link['symlink']) == {'account', 'container', 'name',
                                    'static'}


def test_index_round_trips_through_json(tmp_path):
    doc = doc_for(small_plan())
    path = str(tmp_path / 'idx.json')
    index.write(path, doc)
    assert index.read(path) == json.loads(json.dumps(doc))
    assert [p.name for p in tmp_path.iterdir()] == ['idx.json']


def test_delete_at_is_recorded_as_sent():
    plan = small_plan()
    obj = [o for o in plan.objects if o.delete_after][0]
    entry = index.object_entry(plan, obj, {'written': True,
                                           'delete_at': 1900000000})
    assert entry['headers']['x-delete-at'] == '1900000000'


@pytest.mark.parametrize('content, message', [
    (None, 'not found'),
    ('{not json', 'cannot read'),
    ('{"format": "other"}', 'not a swfiller index'),
    ('{"format": "swfiller-index", "version": 99}', 'unsupported'),
])
def test_bad_index_files_are_refused(tmp_path, content, message):
    path = tmp_path / 'idx.json'
    if content is not None:
        path.write_text(content)
    with pytest.raises(index.BadIndex) as err:
        index.read(str(path))
    assert message in str(err.value)
