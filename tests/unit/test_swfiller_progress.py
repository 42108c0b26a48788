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
    frames = out.getvalue().split('\r')
    assert any(f.startswith('swfiller: create: 1/2 objects  50%, 2.0 KiB')
               for f in frames), frames
    assert frames[-1].startswith('swfiller: create: 2/2 objects 100%')
    assert '1 failed' in frames[-1]
    assert out.getvalue().endswith('\n') and \
        out.getvalue().count('\n') == 1


def test_human_sizes():
    assert progress.human(5) == '5 B'
    assert progress.human(1536) == '1.5 KiB'
    assert progress.human(3 * 1024 ** 3) == '3.0 GiB'
