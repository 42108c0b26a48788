"""What both commands need at start-up: one-line errors, log defaults,
early checks of the paths they will write."""
import os
import re
import sys

from oslo_log import log

# Libraries whose INFO lines are noise for an operator, added to oslo.log's
# own defaults (which already quiet many OpenStack libraries).
QUIET_LIBRARIES = ['swiftclient=WARN', 'urllib3=WARN', 'requests=WARN',
                   'keystoneauth=WARN', 'keystoneclient=WARN',
                   'eventlet=WARN', 'iso8601=WARN', 'stevedore=WARN',
                   'oslo_config=WARN', 'fasteners=WARN',
                   # auth_type = password: a Keystone it cannot reach is
                   # also one line of swsync's own (exit 2)
                   'keystoneauth.identity.generic.base=ERROR']


def set_log_defaults():
    log.set_defaults(default_log_levels=log.get_default_log_levels() +
                     QUIET_LIBRARIES)


def die(prog, message):
    """One line on stderr, exit code 2."""
    print('%s: error: %s' % (prog, message), file=sys.stderr)
    return 2


def one_line(exc):
    """An exception as one line an operator can act on."""
    lines = str(exc).strip().splitlines()
    line = lines[0] if lines else exc.__class__.__name__
    # oslo.config: "Value for option X from LocationInfo(...) is not
    # valid: why" -> "bad value for X: why"
    match = re.match(r'Value for option (\S+) from .*? is not valid: (.*)',
                     line)
    if match:
        name, why = match.groups()
        if 'required but missing' in why:
            why = 'not a valid http(s) URL'
        return 'bad value for option %s: %s' % (name, why)
    return line


def writable_file(path, what):
    """None, or why ``path`` cannot be written (checked before a long run,
    not after it)."""
    if not path:
        return None
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        return '%s %s is a directory' % (what, path)
    if not os.path.isdir(directory):
        return '%s %s: directory %s does not exist' % (what, path,
                                                       directory)
    if os.path.exists(path) and not os.access(path, os.W_OK):
        return '%s %s is not writable' % (what, path)
    if not os.access(directory, os.W_OK | os.X_OK):
        return '%s %s: directory %s is not writable' % (what, path,
                                                        directory)
    return None
