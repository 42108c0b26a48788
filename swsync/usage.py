"""One line from a rejected command line.

argparse (under oslo.config) prints a usage block and then
``prog: error: message``, and exits 2; oslo.config's own checks print a
line of their own and exit 1. Both commands catch that output and report
its message as one line with exit code 2, like any configuration error.
"""


def command_line_error(stderr_text: str) -> str:
    """The message of the last ``prog: error:`` line of what the parser
    printed, else its last line, else a generic one."""
    lines = [line.strip() for line in stderr_text.splitlines()
             if line.strip()]
    errors = [line for line in lines if ': error: ' in line]
    if errors:
        return errors[-1].split(': error: ', 1)[1]
    return lines[-1] if lines else 'invalid command line'
