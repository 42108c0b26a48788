"""swfiller's progress line: only on terminals, never in logs or pipes."""
import io

from swfiller import progress


class Tty(io.StringIO):
    def isatty(self):
        return True


def test_no_progress_line_when_stderr_is_not_a_terminal():
    out = io.StringIO()
    p = progress.Progress('create', 3, stream=out)
    for _ in range(3):
        p.add(10)
    p.finish()
    assert out.getvalue() == ''
    assert (p.done, p.bytes, p.failed) == (3, 30, 0)


def test_progress_line_is_redrawn_in_place_on_a_terminal():
    out = Tty()
    p = progress.Progress('create', 2, stream=out, interval=0)
    p.add(2048)
    p.add(0, failed=True)
    p.finish()
    text = out.getvalue()
    assert text.startswith('\rswfiller: create 1/2 objects, 2.0 KiB')
    assert '\rswfiller: create 2/2 objects' in text and '1 failed' in text
    assert text.endswith('\n') and text.count('\n') == 1


def test_human_sizes():
    assert progress.human(5) == '5 B'
    assert progress.human(1536) == '1.5 KiB'
    assert progress.human(3 * 1024 ** 3) == '3.0 GiB'
