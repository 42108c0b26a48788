"""Errors as values: each has a cause that the report and exit code use."""


class SyncError(Exception):
    """Base class; ``str()`` is a one-line, secret-free description."""


class ConfigError(SyncError):
    """Bad configuration or command line: exit code 2, nothing written."""


class AuthError(SyncError):
    """Authentication or authorization failed: exit code 2."""


class SwiftError(SyncError):
    """A Swift request answered with an unexpected status.

    Holds no token and no header values, so it is safe to log.
    """

    def __init__(self, method, path, status, reason=''):
        self.method = method
        self.path = path
        self.status = status
        self.reason = reason
        super().__init__('%s %s -> %s %s' % (method, path, status, reason))


class TransportError(SyncError):
    """The proxy could not be reached or the connection broke."""

    def __init__(self, method, path, cause):
        self.method = method
        self.path = path
        self.cause = cause
        super().__init__('%s %s -> %s' % (method, path, cause))


class ListingError(SyncError):
    """A listing could not be read completely; no deletions may follow."""
