"""swfiller's write order and wire helpers (the pure parts of the writer)."""
from swfiller import generator as g
from swfiller import writer


def plan():
    return g.make_plan(g.Options(
        seed=21, accounts=2, containers=3, files=6, max_size=3000,
        slo=True, dlo=True, symlinks=True, versioned=True))


def test_segments_and_link_targets_are_written_before_what_needs_them():
    p = plan()
    first, second = writer.phases(p)
    done = {obj.key for step, obj in first if step == 'object'}
    for obj in p.objects:
        if obj.kind in ('slo', 'dlo'):
            assert ('object', obj) in second
            for seg in obj.segments:
                assert (obj.account, seg.container, seg.name) in done
        if obj.kind == 'symlink' and obj.target.static:
            assert ('object', obj) in second
            assert (obj.account, obj.target.container,
                    obj.target.name) in done


def test_versioned_objects_are_written_twice_older_version_first():
    p = plan()
    first, second = writer.phases(p)
    versioned = [o for o in p.objects if o.previous_size is not None]
    assert versioned
    for obj in versioned:
        assert ('previous', obj) in first and ('object', obj) in second
        assert ('object', obj) not in first
    steps = len(first) + len(second)
    assert steps == len(p.objects) + len(versioned)


def test_every_object_is_written_exactly_once_as_itself():
    p = plan()
    writes = [obj.key for phase in writer.phases(p)
              for step, obj in phase if step == 'object']
    assert sorted(writes) == sorted(o.key for o in p.objects)


def test_wire_sends_utf8_bytes_as_latin1():
    assert writer.wire('é 日本') == 'é 日本'.encode('utf-8').decode('latin-1')
    assert writer.wire('a%20b') == 'a%20b'
    assert writer.encode_headers({'x-a': 'é'}, {'x-b': 1}) == {
        'x-a': '\xc3\xa9', 'x-b': '1'}


def test_version_of_reads_the_legacy_archive_name():
    name = 'dossier/été 🙂'
    archived = '%03x%s/1700000000.12345' % (len(name.encode('utf-8')), name)
    assert writer.version_of(archived) == name


def test_large_bodies_stream_with_their_length():
    size = writer.BUFFER_LIMIT + 3
    chunks = [b'a' * (size - 3), b'bb', b'c']
    stream = writer.body(iter(chunks), size)
    assert not isinstance(stream, bytes)
    assert len(stream) == size
    out = b''
    while True:
        data = stream.read(65536)
        if not data:
            break
        out += data
    assert out == b''.join(chunks)
    assert writer.body(iter([b'xy', b'z']), 3) == b'xyz'


def test_messages_cut_long_names_and_leave_out_the_path():
    from swsync.client.errors import SwiftError
    assert writer.short('AUTH_a', 'c' * 100) == 'AUTH_a/' + 'c' * 57 + '...'
    exc = SwiftError('PUT', '/v1/AUTH_a/' + 'x' * 500, 503,
                     'Service Unavailable')
    assert writer.cause(exc) == '503 Service Unavailable'


class NewAccount:
    """A cluster whose first container PUT answers 404, as Swift does
    while another request autocreates a brand-new account."""

    def __init__(self, not_found=1):
        self.not_found = not_found
        self.puts = 0

    def path(self, *parts):
        return '/v1/' + '/'.join(parts)

    def request(self, method, path, headers=None, ok=None):
        class Resp:
            status_code = 404 if method == 'HEAD' else 201
            headers = {}
        if method == 'PUT':
            self.puts += 1
            if self.puts <= self.not_found:
                Resp.status_code = 404
        return Resp()


def test_a_container_put_answered_404_is_tried_again(monkeypatch):
    """Seen in CI: a new Keystone project's account being autocreated by
    a concurrent container PUT answered 404 to this one."""
    monkeypatch.setattr(writer.time, 'sleep', lambda s: None)
    cluster = NewAccount()
    w = writer.Writer(cluster, None, 1)
    w._container(g.ContainerPlan('AUTH_a', 'c', 'regular', None, {}, {}))
    assert w.errors == []
    assert w.results['containers'][('AUTH_a', 'c')]['written'] is True
    assert cluster.puts == 2
