"""Counters, exit codes, the JSON report and dry-run plan lines."""
import json

import pytest

from swsync import report as report_mod
from swsync.client.errors import SwiftError
from swsync.report import Report


def test_exit_code_values_match_the_cli_contract():
    # cli.py: 0 all went through; 1 some items failed; 2 configuration;
    # 3 a deletion limit withheld deletions.
    assert (report_mod.EXIT_OK, report_mod.EXIT_FAILED_ITEMS,
            report_mod.EXIT_CONFIG, report_mod.EXIT_DELETES_WITHHELD) == (
                0, 1, 2, 3)


def test_clean_run_exits_0():
    r = Report()
    r.count('objects_copied', 5)
    r.count('objects_unchanged')
    assert r.exit_code == 0


def test_any_failed_item_exits_1():
    r = Report()
    r.error('AUTH_a/c/o', SwiftError('PUT', '/v1/AUTH_a/c/o', 503))
    assert r.exit_code == 1


def test_withheld_deletions_exit_3():
    r = Report()
    r.withhold('AUTH_a/c', 'over max_deletes for this run', 4)
    assert r.exit_code == 3


@pytest.mark.parametrize('order', ['error-first', 'withhold-first'])
def test_failed_items_take_precedence_over_withheld(order):
    """Both happened: the run failed items, which an operator must see
    first; the withheld deletions are still in the report."""
    r = Report()
    steps = [lambda: r.error('AUTH_a', 'boom'),
             lambda: r.withhold('AUTH_a/c', 'limit', 2)]
    if order == 'withhold-first':
        steps.reverse()
    for step in steps:
        step()
    assert r.exit_code == 1
    assert r.as_dict()['deletes_withheld'][0]['count'] == 2


def test_counts_accumulate():
    r = Report()
    r.count('x')
    r.count('x', 3)
    r.error('s', 'e1')
    r.error('s', 'e2')
    r.withhold('s', 'why', 4)
    r.withhold('t', 'why', 1)
    assert r.counts['x'] == 4
    assert r.counts['errors'] == 2
    assert r.counts['deletes_withheld'] == 5


def test_json_report_content(tmp_path):
    r = Report()
    r.count('objects_copied', 2)
    r.bytes_copied = 2048
    r.error('AUTH_a/c/\xe9', SwiftError('GET', '/v1/AUTH_a/c/x', 500,
                                        'Internal Error'))
    r.withhold('AUTH_a/d', 'origin listing is empty but the destination '
               'is not', 7)
    r.finish()
    path = tmp_path / 'report.json'
    r.write(str(path))
    data = json.loads(path.read_text(encoding='utf-8'))
    assert data['counts'] == {'objects_copied': 2, 'errors': 1,
                              'deletes_withheld': 7}
    assert data['bytes_copied'] == 2048
    assert data['errors'] == [{'scope': 'AUTH_a/c/\xe9',
                               'error': 'GET /v1/AUTH_a/c/x -> 500 '
                                        'Internal Error'}]
    assert data['deletes_withheld'] == [{
        'scope': 'AUTH_a/d', 'count': 7,
        'reason': 'origin listing is empty but the destination is not'}]
    assert data['exit_code'] == 1
    assert data['started'] == r.started
    assert data['duration_seconds'] >= 0
    # non-ASCII written as itself, not as \u escapes
    assert '\xe9' in path.read_text(encoding='utf-8')


def test_json_report_counts_are_sorted(tmp_path):
    r = Report()
    for name in ('zeta', 'alpha', 'mid'):
        r.count(name)
    assert list(r.as_dict()['counts']) == ['alpha', 'mid', 'zeta']


def test_json_report_of_clean_run_has_exit_0():
    r = Report()
    r.finish()
    d = r.as_dict()
    assert d['exit_code'] == 0
    assert d['errors'] == [] and d['deletes_withheld'] == []


def test_duration_uses_finish_time():
    r = Report()
    r.started = 100.0
    r.finished = 112.5
    assert r.as_dict()['duration_seconds'] == 12.5


def test_summary_names_the_counts():
    r = Report()
    r.count('objects_copied', 3)
    r.bytes_copied = 30
    r.count('objects_deleted', 2)
    r.withhold('s', 'x', 4)
    r.finish()
    r.count('slos_copied', 1)
    r.count('symlinks_copied', 2)
    r.warn('AUTH_x', 'w')
    s = r.summary()
    assert s.startswith('swsync: 0 accounts, copied 6 objects (30 bytes; '
                        '1 SLO manifests, 2 symlinks)')
    assert '2 deleted' in s
    assert '1 warnings' in s
    assert '4 deletions withheld' in s


def test_dry_run_summary_says_what_would_be_done():
    r = Report(dry_run=True)
    r.count('objects_copied', 3)
    assert r.summary().startswith(
        'swsync (dry run): 0 accounts, would copy 3 objects')


def test_interrupted_run_exits_128_plus_the_signal():
    r = Report()
    r.error('x', 'failed')
    r.interrupted_by = 15
    assert r.exit_code == 143
    assert r.as_dict()['interrupted'] is True
    assert r.summary().endswith('(interrupted)')


def test_report_file_is_replaced_atomically(tmp_path):
    path = tmp_path / 'run.json'
    path.write_text('old')
    r = Report()
    r.warn('AUTH_a', 'note')
    r.write(str(path))
    data = json.loads(path.read_text())
    assert data['warnings'] == [{'scope': 'AUTH_a', 'warning': 'note'}]
    assert [p.name for p in tmp_path.iterdir()] == ['run.json']


def test_summary_counts_account_and_container_metadata_updates():
    """#16: ten account-metadata POSTs are metadata updates too."""
    r = Report()
    r.count('accounts_posted', 10)
    r.count('containers_posted', 2)
    r.count('objects_posted', 1)
    r.count('accounts', 12)
    r.finish()
    s = r.summary()
    assert '13 metadata updated' in s
    assert '12 accounts' in s


def test_warnings_do_not_change_the_exit_code(tmp_path):
    r = Report()
    r.warn('AUTH_x', 'origin account deleted (410)')
    r.account_list('origin_deleted', 'AUTH_x')
    r.account_list('origin_deleted', 'AUTH_x')
    assert r.exit_code == 0
    path = tmp_path / 'r.json'
    r.finish()
    r.write(str(path))
    data = json.loads(path.read_text())
    assert data['warnings'] == [{'scope': 'AUTH_x',
                                 'warning': 'origin account deleted (410)'}]
    assert data['accounts'] == {'origin_deleted': ['AUTH_x']}
    assert data['counts']['warnings'] == 1
    assert '1 warnings' in r.summary()
