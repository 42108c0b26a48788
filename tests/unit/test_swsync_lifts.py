"""Destination settings lifted before swsync writes, restored after."""
from swsync import lifts


class Writer:
    def __init__(self):
        self.posts = []

    def post_container(self, account, container, headers, reason):
        self.posts.append((container, dict(headers)))


def settings(origin, current, writer=None, restorer=None):
    return lifts.ContainerSettings(writer or Writer(),
                                   restorer or lifts.Restorer(), 'A', 'c',
                                   origin, current)


def test_split_separates_what_restricts_writes():
    lifted, rest = lifts.split({
        'x-versions-location': 'arch', 'x-container-meta-quota-count': '0',
        'x-container-meta-color': 'red', 'x-versions-enabled': 'False',
        'x-history-location': ''})
    assert lifted == {'x-versions-location': 'arch',
                      'x-container-meta-quota-count': '0',
                      'x-versions-enabled': 'False'}
    assert rest == {'x-container-meta-color': 'red'}
    assert lifts.restricting(lifted) == {
        'x-versions-location': 'arch', 'x-container-meta-quota-count': '0'}


def test_suspended_versioning_is_carried_not_lifted():
    w = Writer()
    s = settings({'x-versions-enabled': 'False'}, {}, w)
    s.before_write()
    assert w.posts == []
    assert s.finish() is True
    assert w.posts == [('c', {'x-versions-enabled': 'False'})]
    s2 = settings({'x-versions-enabled': 'False'},
                  {'x-versions-enabled': 'false'}, w)
    assert s2.finish() is False


def test_lifted_once_then_set_as_on_the_origin():
    w = Writer()
    s = settings({'x-versions-enabled': 'true',
                  'x-container-meta-quota-bytes': '10'},
                 {'x-versions-enabled': 'true',
                  'x-container-meta-quota-bytes': '5'}, w)
    s.before_write()
    s.before_write()
    assert w.posts == [('c', {'x-versions-enabled': 'false',
                              'x-container-meta-quota-bytes': ''})]
    assert s.finish() is True
    assert w.posts[1] == ('c', {'x-versions-enabled': 'true',
                                'x-container-meta-quota-bytes': '10'})


def test_nothing_written_nothing_touched():
    w = Writer()
    s = settings({'x-history-location': 'a'}, {'x-history-location': 'a'}, w)
    assert s.finish() is False
    assert w.posts == []


def test_settings_gone_from_the_origin_are_switched_off():
    w = Writer()
    s = settings({}, {'x-versions-location': 'arch',
                      'x-versions-enabled': 'true'}, w)
    assert s.finish() is True
    assert w.posts == [('c', {'x-versions-location': '',
                              'x-versions-enabled': 'false'})]


def test_legacy_versioning_is_removed_before_new_style_is_enabled():
    """Swift refuses X-Versions-Enabled: true in the POST that removes
    X-Versions-Location (400 on every run; fuzz seed 7302): two POSTs,
    the removal first."""
    w = Writer()
    s = settings({'x-versions-enabled': 'true'},
                 {'x-versions-location': 'arch'}, w)
    assert s.finish() is True
    assert w.posts == [('c', {'x-versions-location': ''}),
                       ('c', {'x-versions-enabled': 'true'})]


def test_suspended_versioning_is_as_off_as_swift_allows():
    """A destination whose versioning was switched off says False where
    the origin (never versioned) says nothing: no POST on every run
    (fuzz seed 7431)."""
    w = Writer()
    s = settings({}, {'x-versions-enabled': 'False'}, w)
    assert s.finish() is False
    assert w.posts == []


def test_pending_deferred_work_holds_the_restore():
    w = Writer()
    s = settings({'x-versions-location': 'a'}, {'x-versions-location': 'a'},
                 w)
    s.before_write()
    s.pending = 1
    assert s.finish() is False
    s.pending = 0
    assert s.finish() is True
    assert w.posts[-1] == ('c', {'x-versions-location': 'a'})


def test_restore_all_restores_every_lifted_container():
    w, r = Writer(), lifts.Restorer()
    one = lifts.ContainerSettings(w, r, 'A', 'one', {'x-versions-location':
                                                     'a'},
                                  {'x-versions-location': 'a'})
    lifts.ContainerSettings(w, r, 'A', 'two',
                            {'x-container-meta-quota-count': '1'}, {})
    untouched = lifts.ContainerSettings(w, r, 'A', 'three',
                                        {'x-versions-location': 'a'},
                                        {'x-versions-location': 'a'})
    one.before_write()
    one.pending = 3          # interrupted before its manifests
    errors = []
    r.restore_all(lambda scope, exc: errors.append(scope))
    assert errors == []
    restored = {c: h for c, h in w.posts[1:]}
    assert restored == {'one': {'x-versions-location': 'a'},
                        'two': {'x-container-meta-quota-count': '1'}}
    assert untouched.finish() is False


def test_a_failing_restore_does_not_stop_the_others():
    class Failing(Writer):
        def post_container(self, account, container, headers, reason):
            if container == 'bad':
                raise OSError('down')
            super().post_container(account, container, headers, reason)
    w, r = Failing(), lifts.Restorer()
    lifts.ContainerSettings(w, r, 'A', 'bad', {'x-versions-location': 'a'},
                            {})
    lifts.ContainerSettings(w, r, 'A', 'good', {'x-versions-location': 'a'},
                            {})
    errors = []
    r.restore_all(lambda scope, exc: errors.append(scope))
    assert errors == ['A/bad']
    assert w.posts == [('good', {'x-versions-location': 'a'})]
