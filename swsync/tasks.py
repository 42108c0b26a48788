"""The unit of object work, and the runner that reports its failures."""
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from swsync import decide
from swsync.client.errors import SyncError

if TYPE_CHECKING:
    from swsync.lifts import ContainerSettings

LOG = logging.getLogger(__name__)


@dataclass
class ObjectTask:
    """One object to act on: its two listing rows and what was decided.

    ``settings`` are the destination container's lifted settings, lifted
    before the first write and restored after the last.
    """
    account: str
    container: str
    name: str
    origin: Optional[dict]
    dest: Optional[dict]
    decision: decide.Decision
    settings: Optional['ContainerSettings'] = None
    failure: Exception = None   # why a deferred write was refused

    @property
    def scope(self):
        return '%s/%s/%s' % (self.account, self.container, self.name)

    @property
    def needs_targets_first(self):
        """SLO manifests and static symlinks: the destination checks their
        segments or target when they are written, so they go after
        everything else of the account."""
        row = self.origin or {}
        kind = decide.object_kind(row)
        return kind == decide.SLO or (kind == decide.SYMLINK and
                                      'symlink_etag' in row)


def attempt(scope, fn, *args):
    """(result, failure) of ``fn(*args)``; failure is None, a SyncError (an
    expected failure with its cause), or the description of a bug (logged
    with its traceback as an internal error).

    The failure comes back out of the except block so that the caller
    logs it there: oslo.log appends the exception being handled to any
    line logged inside one (its class and message a second time).
    """
    try:
        return fn(*args), None
    except SyncError as exc:
        return None, exc
    except Exception as exc:
        LOG.exception('unexpected error on %s', scope)
        return None, 'internal error: %r' % exc


def guarded(report, scope, fn, *args):
    """Run one task; every exception is reported, none stops the run.
    Returns ``fn``'s result, or None when it failed."""
    result, failure = attempt(scope, fn, *args)
    if failure is not None:
        report.error(scope, failure)
    return result
