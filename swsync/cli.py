"""``python -m swsync.cli``: the ``swsync`` command (swsync.cmd.sync)."""
import sys

from swsync.cmd.sync import main

if __name__ == '__main__':
    sys.exit(main())
