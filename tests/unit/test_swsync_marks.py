"""Change marks: the skip and record rules (swsync.marks) and one run's
bookkeeping (swsync.changes.RunMarks)."""
import collections

import pytest

from swsync import headers, marks
from swsync.changes import RunMarks
from swsync.report import Report


@pytest.mark.parametrize('recorded,current,due,skip', [
    ('100.00000', '100.00000', False, True),
    ('100.00000', '101.00000', False, False),   # written since
    (None, '100.00000', False, False),          # never recorded
    ('100.00000', '100.00000', True, False),    # its full-walk day
    ('unknown', 'unknown', False, False),       # a replica did not answer
    ('none', 'none', False, True),              # never written, still
    (None, None, False, False),                 # no middleware
])
def test_skip_only_when_the_known_mark_is_the_recorded_one(
        recorded, current, due, skip):
    assert marks.can_skip(recorded, current, due) is skip


@pytest.mark.parametrize('mark,date,ok', [
    ('100.00000', 106.0, True),     # 100 + interval 1 + skew 5
    ('100.00000', 105.9, False),    # a held-back write may be unlisted
    ('none', 1.0, True),            # nothing was ever held back
    ('unknown', 1e12, False),
    (None, 1e12, False),
    ('100.00000', None, False),     # no Date: cannot tell
    ('garbage', 1e12, False),
])
def test_a_mark_is_recorded_only_from_a_listing_begun_an_interval_later(
        mark, date, ok):
    assert marks.recordable(mark, date, 1.0, 5.0) is ok


def test_full_walks_are_spread_evenly_and_deterministically():
    names = [('AUTH_a', 'c%d' % i) for i in range(7000)]
    per_day = collections.Counter()
    for day in range(7):
        for acct, cont in names:
            if marks.full_walk_due(acct, cont, 7, day):
                per_day[day] += 1
    # every container exactly once a week, about 1/7 of them each day
    assert sum(per_day.values()) == len(names)
    assert all(800 < n < 1200 for n in per_day.values()), per_day
    assert marks.full_walk_due('AUTH_a', 'x', 7, 3) == \
        marks.full_walk_due('AUTH_a', 'x', 7, 10)
    assert all(marks.full_walk_due('AUTH_a', c, 1, 5) for _a, c in names)


class Origin:
    def __init__(self, current):
        self.current = current
        self.heads = 0

    def change_mark(self, account, container):
        self.heads += 1
        return self.current.get(container)


class Store:
    def __init__(self, recorded):
        self.docs = {'AUTH_a': dict(recorded)}
        self.updates = []

    def recorded(self, account):
        return self.docs.get(account, {})

    def update(self, account, changes):
        self.updates.append((account, changes))


DATE = 'Wed, 02 Dec 2026 16:05:08 GMT'      # 1796227508


def run_marks(current, recorded, day=1):
    report = Report()
    origin, store = Origin(current), Store(recorded)
    return RunMarks(origin, store, report, 1.0, 5.0, 7, day=day), \
        report, store


def test_an_unchanged_container_is_skipped_and_its_record_kept():
    day = next(d for d in range(7)
               if not marks.full_walk_due('AUTH_a', 'c', 7, d))
    rm, report, store = run_marks({'c': '1.00000'}, {'c': '1.00000'}, day)
    assert rm.check('AUTH_a', 'c', True) == (True, '1.00000')
    rm.save_all()
    assert store.updates == []


def test_a_container_missing_on_the_destination_is_walked():
    rm, report, store = run_marks({'c': '1.00000'}, {'c': '1.00000'})
    assert rm.check('AUTH_a', 'c', False) == (False, '1.00000')


def test_a_clean_walk_records_the_mark_read_before_it():
    rm, report, store = run_marks({'c': '1.00000'}, {})
    skip, mark = rm.check('AUTH_a', 'c', True)
    assert not skip
    rm.walked('AUTH_a', 'c', mark, {'date': DATE}, report.mark())
    rm.save_all()
    assert store.updates == [('AUTH_a', {'c': '1.00000'})]


def test_a_walk_with_an_error_forgets_the_record():
    """Even on its full-walk day with an unchanged mark: else the next
    nights skip what this one could not fix."""
    rm, report, store = run_marks({'c': '1.00000'}, {'c': '1.00000'})
    rm.day = next(d for d in range(7)
                  if marks.full_walk_due('AUTH_a', 'c', 7, d))
    skip, mark = rm.check('AUTH_a', 'c', True)
    assert not skip
    since = report.mark()
    report.error('AUTH_a/c/obj', 'copy failed')
    rm.walked('AUTH_a', 'c', mark, {'date': DATE}, since)
    rm.save_all()
    assert store.updates == [('AUTH_a', {'c': None})]


def test_a_walk_that_did_not_finish_forgets_the_record():
    rm, report, store = run_marks({'c': '1.00000'}, {'c': '0.50000'})
    rm.check('AUTH_a', 'c', True)       # walked, never said done
    rm.save_all()
    assert store.updates == [('AUTH_a', {'c': None})]


def test_a_stopped_run_records_nothing_and_forgets_what_it_walked():
    rm, report, store = run_marks({'c': '1.00000', 'd': '2.00000'}, {})
    for name in ('c', 'd'):
        _skip, mark = rm.check('AUTH_a', name, True)
        rm.walked('AUTH_a', name, mark, {'date': DATE}, report.mark())
    rm.save_all(record=False)
    assert store.updates == [('AUTH_a', {'c': None, 'd': None})]


def test_a_mark_too_recent_for_the_listing_is_not_recorded():
    now = headers.http_date(DATE)
    rm, report, store = run_marks({'c': '%.5f' % (now - 2)}, {})
    _skip, mark = rm.check('AUTH_a', 'c', True)
    rm.walked('AUTH_a', 'c', mark, {'date': DATE}, report.mark())
    rm.save_all()
    assert store.updates == [('AUTH_a', {'c': None})]
