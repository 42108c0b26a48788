"""Entry points of the swsync and swfiller commands.

Importing this package patches the standard library for eventlet once,
before anything opens a socket (Nova's ``nova/cmd/__init__.py`` habit),
so the command modules import normally at their top.
"""
import warnings

# eventlet is the chosen concurrency stack; its import-time deprecation
# notice is not for our users.
warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')

import eventlet  # noqa: E402

eventlet.monkey_patch()
