"""Entry points of the swsync and swfiller commands.

Importing this package patches the standard library for eventlet once,
before anything opens a socket (Nova's ``nova/cmd/__init__.py`` habit),
so the command modules import normally at their top.
"""
import os
import signal
import warnings

# Signals that arrive while the command starts (imports, parsing,
# authentication) are kept here and honoured once the run can stop
# cleanly and write its report; installed before the heavy imports.
EARLY_SIGNALS = []


def _keep(signum, _frame):
    EARLY_SIGNALS.append(signum)


for _signum in (signal.SIGINT, signal.SIGTERM):
    signal.signal(_signum, _keep)

# eventlet is the chosen concurrency stack; its import-time deprecation
# notice is not for our users.
warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
# eventlet's green DNS imports dnspython (about half a second of start-up);
# swsync resolves two proxy names, once each: the system resolver will do.
os.environ.setdefault('EVENTLET_NO_GREENDNS', 'yes')

import eventlet  # noqa: E402

eventlet.monkey_patch()
