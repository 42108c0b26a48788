"""Paged listings and the merge-join of two sorted listings (§1.3)."""
import eventlet
import pytest

from swsync import listing
from swsync.client.errors import ListingError, ListingLimitTooHigh, SwiftError


class FakePages:
    """``fetch_page(marker, limit)`` over a sorted list of names, with
    the calls it received."""

    def __init__(self, names, fail_at=None, headers=None):
        self.names = sorted(names)
        self.fail_at = fail_at
        self.headers = headers or {'x-container-object-count': '0'}
        self.calls = []

    def __call__(self, marker, limit):
        self.calls.append((marker, limit))
        if self.fail_at is not None and marker == self.fail_at:
            raise SwiftError('GET', '/v1/AUTH_a/c', 503, 'Service '
                             'Unavailable')
        rows = [{'name': n} for n in self.names if n > marker][:limit]
        return dict(self.headers), rows


def names_of(pages):
    return [[r['name'] for r in rows] for _h, rows in pages]


PREFETCH = pytest.mark.parametrize('prefetch', [True, False],
                                   ids=['prefetch', 'no-prefetch'])


@PREFETCH
def test_short_page_is_the_last(prefetch):
    fetch = FakePages('abcde')
    pages = list(listing.iter_pages(fetch, 3, prefetch=prefetch))
    assert names_of(pages) == [['a', 'b', 'c'], ['d', 'e']]
    assert fetch.calls == [('', 3), ('c', 3)]


@PREFETCH
def test_empty_first_page_ends_listing(prefetch):
    fetch = FakePages([], headers={'x-container-meta-k': 'v'})
    pages = list(listing.iter_pages(fetch, 3, prefetch=prefetch))
    assert pages == [({'x-container-meta-k': 'v'}, [])]
    assert fetch.calls == [('', 3)]


@PREFETCH
def test_full_pages_continue_until_an_empty_page(prefetch):
    fetch = FakePages('abcd')
    pages = list(listing.iter_pages(fetch, 2, prefetch=prefetch))
    assert names_of(pages) == [['a', 'b'], ['c', 'd'], []]
    assert fetch.calls == [('', 2), ('b', 2), ('d', 2)]


@PREFETCH
def test_limit_one_pages_name_by_name(prefetch):
    fetch = FakePages('xyz')
    pages = list(listing.iter_pages(fetch, 1, prefetch=prefetch))
    assert names_of(pages) == [['x'], ['y'], ['z'], []]
    assert [m for m, _l in fetch.calls] == ['', 'x', 'y', 'z']


def test_prefetch_on_and_off_give_the_same_pages():
    names = ['n%03d' % i for i in range(23)]
    with_prefetch = list(listing.iter_pages(FakePages(names), 5))
    without = list(listing.iter_pages(FakePages(names), 5, prefetch=False))
    assert with_prefetch == without
    assert [r['name'] for _h, rows in with_prefetch for r in rows] == names


def test_prefetch_fetches_next_page_before_caller_asks():
    fetch = FakePages('abcdef')
    pages = listing.iter_pages(fetch, 3, prefetch=True)
    next(pages)
    eventlet.sleep(0)    # let the prefetching green thread run
    assert fetch.calls == [('', 3), ('c', 3)]


def test_without_prefetch_next_page_waits_for_caller():
    fetch = FakePages('abcdef')
    pages = listing.iter_pages(fetch, 3, prefetch=False)
    next(pages)
    eventlet.sleep(0)
    assert fetch.calls == [('', 3)]


def test_closing_the_iterator_cancels_the_prefetch():
    fetch = FakePages('abcdef')
    pages = listing.iter_pages(fetch, 3, prefetch=True)
    next(pages)
    pages.close()
    eventlet.sleep(0)
    assert fetch.calls == [('', 3)]


@PREFETCH
def test_page_that_does_not_advance_marker_raises(prefetch):
    def fetch(marker, limit):
        return {}, [{'name': 'a'}, {'name': 'b'}]   # same page forever
    pages = listing.iter_pages(fetch, 2, prefetch=prefetch)
    assert names_of([next(pages)]) == [['a', 'b']]
    with pytest.raises(ListingError):
        next(pages)


@PREFETCH
def test_page_going_backwards_raises(prefetch):
    def fetch(marker, limit):
        if not marker:
            return {}, [{'name': 'm'}, {'name': 'n'}]
        return {}, [{'name': 'a'}, {'name': 'b'}]
    pages = listing.iter_pages(fetch, 2, prefetch=prefetch)
    next(pages)
    with pytest.raises(ListingError):
        next(pages)


@PREFETCH
def test_subdir_rows_advance_the_marker(prefetch):
    calls = []

    def fetch(marker, limit):
        calls.append(marker)
        rows = [{'subdir': 'a/'}, {'name': 'b'}, {'subdir': 'c/'}]
        return {}, [r for r in rows
                    if r.get('name', r.get('subdir')) > marker][:limit]
    pages = list(listing.iter_pages(fetch, 2, prefetch=prefetch))
    assert len(pages) == 2
    assert calls == ['', 'b']


@PREFETCH
def test_failing_page_error_propagates_after_earlier_pages(prefetch):
    fetch = FakePages('abcdefg', fail_at='c')
    pages = listing.iter_pages(fetch, 3, prefetch=prefetch)
    assert names_of([next(pages)]) == [['a', 'b', 'c']]
    with pytest.raises(SwiftError) as info:
        next(pages)
    assert info.value.status == 503


@PREFETCH
def test_failing_first_page_raises_at_once(prefetch):
    fetch = FakePages('abc', fail_at='')
    with pytest.raises(SwiftError):
        next(listing.iter_pages(fetch, 3, prefetch=prefetch))


def flatten(pages):
    for _headers, rows in pages:
        yield from rows


class Side:
    """What open_listing needs from a cluster: paths and pages."""

    def __init__(self, names, fail_at=None, missing=False):
        self.pages = FakePages(names, fail_at=fail_at)
        self.missing = missing
        self.calls = []

    def list_page(self, path, marker, limit, missing_ok=False):
        self.calls.append((path, marker, limit, missing_ok))
        if self.missing and missing_ok:
            return None, []
        headers, rows = self.pages(marker, limit)
        return dict(headers, path=path), rows


def test_open_listing_reads_the_first_page_now_for_its_headers():
    side = Side(['a', 'b', 'c', 'd'])
    headers, rows = listing.open_listing(side, '/v1/A/c', 3)
    assert headers['path'] == '/v1/A/c'
    assert len(side.calls) == 1         # the first page, not the rest
    assert [r['name'] for r in rows] == ['a', 'b', 'c', 'd']


def test_open_listing_of_a_missing_listing():
    headers, rows = listing.open_listing(Side([], missing=True), '/v1/A/c',
                                         3, missing_ok=True)
    assert headers is None and list(rows) == []


# --- merge_by_name -------------------------------------------------------

def merged(origin, dest):
    return [(o and o['name'], d and d['name'])
            for o, d in listing.merge_by_name(iter(origin), iter(dest))]


def named(*names):
    return [{'name': n} for n in names]


@pytest.mark.parametrize('origin,dest,expected', [
    pytest.param('aceg', 'bcdg',
                 [('a', None), (None, 'b'), ('c', 'c'), (None, 'd'),
                  ('e', None), ('g', 'g')], id='interleaved'),
    pytest.param('abc', '', [('a', None), ('b', None), ('c', None)],
                 id='dest-empty'),
    pytest.param('', 'abc', [(None, 'a'), (None, 'b'), (None, 'c')],
                 id='origin-empty'),
    pytest.param('', '', [], id='both-empty'),
    pytest.param('abc', 'abc', [('a', 'a'), ('b', 'b'), ('c', 'c')],
                 id='identical'),
    pytest.param('xyz', 'abc',
                 [(None, 'a'), (None, 'b'), (None, 'c'), ('x', None),
                  ('y', None), ('z', None)], id='dest-all-before-origin'),
    pytest.param('a', 'abcd', [('a', 'a'), (None, 'b'), (None, 'c'),
                               (None, 'd')], id='origin-runs-out-first'),
])
def test_merge_by_name(origin, dest, expected):
    assert merged(named(*origin), named(*dest)) == expected


def test_merge_keeps_the_rows_themselves():
    o = [{'name': 'a', 'hash': 'h1'}]
    d = [{'name': 'a', 'hash': 'h2'}]
    assert list(listing.merge_by_name(iter(o), iter(d))) == [(o[0], d[0])]


UNICODE = ['a', 'z', '~', '\x7f', '\xe9', '\xff', '\u0100', '\u65e5\u672c',
           '\uffef', '\U0001F600', 'a/b', 'a b', 'A']


def utf8_sorted(names):
    return sorted(names, key=lambda s: s.encode('utf-8'))


def test_merge_follows_utf8_byte_order_for_unicode_names():
    """Swift lists names in UTF-8 byte order; the merge of two such
    listings must pair every name and keep that order."""
    names = utf8_sorted(UNICODE)
    origin = named(*names[::2])
    dest = named(*names[1::2] + names[::4])
    dest = [{'name': n} for n in utf8_sorted(r['name'] for r in dest)]
    pairs = merged(origin, dest)
    out = [o or d for o, d in pairs]
    assert out == utf8_sorted(set(UNICODE))
    both = {o for o, d in pairs if o and d}
    assert both == set(names[::4])


def test_merge_accepts_astral_after_bmp_private_use():
    """U+FFEF < U+1F600 in code points and in UTF-8 bytes (ef bf af <
    f0 9f 98 80): a listing in byte order is not out of order."""
    names = utf8_sorted(['\uffef', '\U0001F600', '\ue000'])
    assert merged(named(*names), []) == [(n, None) for n in names]


@pytest.mark.parametrize('origin,dest', [
    pytest.param('acb', 'abc', id='origin-out-of-order'),
    pytest.param('abc', 'acb', id='dest-out-of-order'),
    pytest.param('abbc', 'abc', id='origin-duplicate'),
    pytest.param('abc', 'aab', id='dest-duplicate'),
    pytest.param('ba', '', id='origin-alone-out-of-order'),
    pytest.param('', 'zy', id='dest-alone-out-of-order'),
])
def test_merge_out_of_order_input_raises(origin, dest):
    with pytest.raises(ListingError):
        merged(named(*origin), named(*dest))


def test_merge_out_of_order_in_utf8_raises():
    # U+1F600 sorts after U+00E9 in UTF-8; the reverse is a broken listing
    with pytest.raises(ListingError):
        merged(named('\U0001F600', '\xe9'), [])


def test_merge_across_page_boundaries():
    """Rows fed from paged listings with different page sizes merge as if
    each listing were one list."""
    o_names = ['o%02d' % i for i in range(0, 30, 2)]
    d_names = ['o%02d' % i for i in range(0, 30, 3)]
    o_rows = flatten(listing.iter_pages(FakePages(o_names), 4))
    d_rows = flatten(listing.iter_pages(FakePages(d_names), 3))
    pairs = [(o and o['name'], d and d['name'])
             for o, d in listing.merge_by_name(o_rows, d_rows)]
    expected = []
    for n in sorted(set(o_names) | set(d_names)):
        expected.append((n if n in o_names else None,
                         n if n in d_names else None))
    assert pairs == expected


def test_merge_propagates_a_page_error_midway():
    o_rows = flatten(listing.iter_pages(
        FakePages('abcdef', fail_at='c'), 3))
    d_rows = iter(named('a', 'b', 'c', 'd'))
    seen = []
    with pytest.raises(SwiftError):
        for o, d in listing.merge_by_name(o_rows, d_rows):
            seen.append((o and o['name'], d and d['name']))
    assert seen[:3] == [('a', 'a'), ('b', 'b'), ('c', 'c')]
    assert all(o is not None for o, _d in seen)


# --- march --------------------------------------------------------------

class Visitor:
    def __init__(self, stop_at=None):
        self.seen = []
        self.stop_at = stop_at

    def origin_only(self, o):
        self._see(('origin', o['name']))

    def both(self, o, d):
        self._see(('both', o['name']))

    def _see(self, item):
        if item[1] == self.stop_at:
            raise listing.Stopped()
        self.seen.append(item)


def test_march_visits_and_collects_destination_only_rows():
    visitor = Visitor()
    result = listing.march(iter(named('a', 'b', 'd')),
                           iter(named('b', 'c', 'd', 'e')), visitor)
    assert visitor.seen == [('origin', 'a'), ('both', 'b'), ('both', 'd')]
    assert [r['name'] for r in result.dest_only] == ['c', 'e']
    assert (result.complete, result.error) == (True, None)
    assert (result.origin_count, result.dest_count) == (3, 4)


def test_march_stopped_by_the_visitor_is_incomplete():
    visitor = Visitor(stop_at='c')
    result = listing.march(iter(named('a', 'b', 'c', 'd')),
                           iter(named('z')), visitor)
    assert visitor.seen == [('origin', 'a'), ('origin', 'b')]
    assert result.complete is False and result.error is None


def test_march_with_a_failing_listing_is_incomplete_with_its_error():
    o_rows = flatten(listing.iter_pages(FakePages('abcdef', fail_at='c'), 3))
    result = listing.march(o_rows, iter(named('a', 'x')), Visitor())
    assert result.complete is False
    assert isinstance(result.error, SwiftError)
    # what was only on the destination before the failure is known, but
    # the caller must not delete it
    assert [r['name'] for r in result.dest_only] == []


class LimitedPages(FakePages):
    """A cluster whose pages are at most ``maximum`` rows and that says
    so with 412 (its /info hidden)."""

    def __init__(self, names, maximum):
        super().__init__(names)
        self.maximum = maximum

    def __call__(self, marker, limit):
        if limit > self.maximum:
            self.calls.append((marker, limit))
            raise ListingLimitTooHigh('GET', '/v1/AUTH_a/c', 412,
                                      maximum=self.maximum)
        return super().__call__(marker, limit)


@PREFETCH
def test_a_smaller_maximum_limit_is_adopted_not_taken_for_the_end(
        prefetch):
    fetch = LimitedPages(['o%02d' % i for i in range(10)], maximum=3)
    pages = list(listing.iter_pages(fetch, 100, prefetch=prefetch))
    assert names_of(pages) == [['o00', 'o01', 'o02'], ['o03', 'o04', 'o05'],
                               ['o06', 'o07', 'o08'], ['o09']]
    assert fetch.calls[0] == ('', 100)
    assert {limit for _m, limit in fetch.calls[1:]} == {3}


def test_open_listing_of_a_name_range_keeps_both_ends_exact():
    """(lower, upper]: names after lower, upper itself included, nothing
    above it (Swift's end_marker excludes its value)."""
    from tests.unit import fakes
    world = fakes.World()
    cluster = fakes.FakeCluster('origin', world)
    cluster.add_account('AUTH_a')
    cluster.add_container('AUTH_a', 'c')
    names = ['a', 'b', 'b\x01', 'b\x02x', 'ba', 'c', 'd']
    for name in names:
        cluster.add_object('AUTH_a', 'c', name, b'')
    path = cluster.path('AUTH_a', 'c')

    def listed(name_range):
        _h, rows = listing.open_listing(cluster, path, 2,
                                        name_range=name_range)
        return [r['name'] for r in rows]
    assert listed((None, 'b')) == ['a', 'b']
    assert listed(('b', 'c')) == ['b\x01', 'b\x02x', 'ba', 'c']
    assert listed(('c', None)) == ['d']
    assert listed((None, 'b')) + listed(('b', 'c')) + listed(('c', None)) \
        == names
