"""The progress line (tqdm) and the periodic stats line."""
import io
import logging

from swsync import progress
from swsync.report import Report


class Tty(io.StringIO):
    def isatty(self):
        return True


def test_terminal_line_shows_totals_copies_and_errors():
    report = Report()
    report.expect(accounts=2, containers=3, objects=40, bytes=4096)
    report.count('accounts')
    report.count('containers', 2)
    report.count('objects_examined', 10)
    report.count('objects_copied', 4)
    report.add_bytes(2048)
    report.error('AUTH_a/c/o', 'x')
    out = Tty()
    p = progress.RunProgress(report, stream=out)
    p.tick()
    p.close()
    last = out.getvalue().split('\r')[-1]
    assert last.startswith('swsync: 10/40 objects  25%')
    assert '1/2 accounts, 2/3 containers' in last
    assert 'copied 4 (2.0 KiB' in last
    assert '1 errors' in last


def test_no_terminal_no_line_but_stats_in_the_log(caplog):
    report = Report()
    report.count('objects_examined', 7)
    out = io.StringIO()
    p = progress.RunProgress(report, stats_interval=1, stream=out)
    p._last_stats -= 5
    with caplog.at_level(logging.INFO, logger='swsync.progress'):
        p.tick()
    assert out.getvalue() == ''
    assert [r.getMessage() for r in caplog.records][0].startswith(
        'stats: 7 objects examined')


def test_quiet_prints_nothing(caplog):
    report = Report()
    out = Tty()
    p = progress.RunProgress(report, stats_interval=1, stream=out,
                             quiet=True)
    p._last_stats -= 5
    with caplog.at_level(logging.INFO):
        p.tick()
        p.close()
    assert out.getvalue() == ''
    assert caplog.records == []


def test_human_sizes():
    assert progress.human(0) == '0 B'
    assert progress.human(1536) == '1.5 KiB'
    assert progress.human(5 * 1024 ** 4) == '5.0 TiB'


def test_no_percentage_or_eta_without_a_total_that_holds():
    """The account listings' counts lag: a total that is unknown, or
    already exceeded, shows as a plain count (red-team finding: 0% and
    ETA 00:00 for a whole run)."""
    for total in (None, 5):
        out = Tty()
        line = progress.Line('swsync', 'objects', out)
        line.update(238, total, 'x')
        line.close()
        last = out.getvalue().split('\r')[-1]
        assert last.startswith('swsync: 238 objects, x ['), last
        assert '%' not in last
