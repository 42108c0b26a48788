"""Destination container settings that would get in the way of swsync's
own writes: lifted before the first write, restored on every way out.

* Versioning flags. With legacy versioning (X-Versions-Location,
  X-History-Location) an overwrite archives the old destination copy and
  a DELETE in stack mode *restores* the previous version; with new-style
  versioning (X-Versions-Enabled) every write makes a version.
* Container quotas (X-Container-Meta-Quota-Bytes/-Count). They bind the
  reseller admin too: an origin container frozen by its quota (or over
  it) could never be mirrored.

Such settings are not sent when the destination container is created;
``ContainerSettings`` makes the destination's equal to the origin's after
the container's last write, and lifts them (once) before a write when
they are set. ``Restorer`` keeps every container whose settings are
lifted, so the run can restore them all when it ends for any reason:
success, error or signal.
"""
from swsync import green

VERSIONING = ('x-versions-location', 'x-history-location',
              'x-versions-enabled')
QUOTAS = ('x-container-meta-quota-bytes', 'x-container-meta-quota-count')
LIFTED = VERSIONING + QUOTAS


def _same(current, origin):
    """Equal settings (Swift answers True/False for a true/false sent).
    Swift cannot take new-style versioning off a container, only suspend
    it: a destination's X-Versions-Enabled: False equals none on the
    origin (else every run POSTs it again; fuzz seed 7431)."""
    current = {k: v.lower() for k, v in current.items()}
    if 'x-versions-enabled' not in origin and \
            current.get('x-versions-enabled') == 'false':
        del current['x-versions-enabled']
    return current == {k: v.lower() for k, v in origin.items()}


def _off(name):
    """The value that switches a setting off (a POST merges; an empty
    value removes a key, except for X-Versions-Enabled)."""
    return 'false' if name == 'x-versions-enabled' else ''


def split(meta):
    """(the settings of ``LIFTED``, the rest) of container metadata. An
    empty value is no setting; X-Versions-Enabled: False (versioning
    suspended) is one, carried like the others."""
    lifted, rest = {}, {}
    for key, value in meta.items():
        if key in LIFTED:
            if value:
                lifted[key] = value
        else:
            rest[key] = value
    return lifted, rest


def restricting(settings):
    """The settings that get in the way of writes (not switched off)."""
    return {k: v for k, v in settings.items()
            if not (k == 'x-versions-enabled' and v.lower() == 'false')}


class ContainerSettings:
    """The lifted settings of one destination container during a run.

    ``writer`` is the action layer (real or dry-run planner): only its
    ``post_container`` is used. ``pending`` counts work still to come for
    the container (manifests and links written in a later phase), so the
    settings are restored only after the last write.
    """

    def __init__(self, writer, restorer, account, container, origin,
                 current):
        self.writer = writer
        self.restorer = restorer
        self.account = account
        self.container = container
        self.origin = dict(origin)
        self.current = dict(current)
        self.pending = 0
        self._lock = green.Lock()
        if not _same(self.current, self.origin):
            restorer.track(self)

    def before_write(self):
        """Lift whatever restricts writes, once, before swsync writes."""
        with self._lock:
            lift = restricting(self.current)
            if not lift:
                return
            self.restorer.track(self)
            self.writer.post_container(
                self.account, self.container, {k: _off(k) for k in lift},
                reason='lift %s before writing' % ', '.join(sorted(lift)))
            self.current = {k: v for k, v in self.current.items()
                            if k not in lift}
            if 'x-versions-enabled' in lift:
                self.current['x-versions-enabled'] = 'False'  # as Swift says

    def finish(self):
        """Make the destination settings equal to the origin's; True when
        that took a request."""
        with self._lock:
            if self.pending or _same(self.current, self.origin):
                if not self.pending:
                    self.restorer.untrack(self)
                return False
            off = {k: _off(k) for k in self.current
                   if k not in self.origin}
            on = {k: v for k, v in self.origin.items()
                  if self.current.get(k, '').lower() != v.lower()}
            # Settings switched off first, in a POST of their own: Swift
            # refuses X-Versions-Enabled: true in the same POST that
            # removes X-Versions-Location (400; fuzz seed 7302).
            for update in ([off, on] if off and on else [{**off, **on}]):
                self.writer.post_container(
                    self.account, self.container, update,
                    reason='set %s as on the origin' % ', '.join(
                        sorted(update)))
                self.current = {k: v for k, v in self.current.items()
                                if k not in off}
            self.current = dict(self.origin)
            self.restorer.untrack(self)
            return True


class Restorer:
    """Every container whose settings are lifted right now."""

    def __init__(self):
        self._lifted = {}

    def track(self, settings):
        self._lifted[(settings.account, settings.container)] = settings

    def untrack(self, settings):
        self._lifted.pop((settings.account, settings.container), None)

    def restore_all(self, on_error):
        """Restore what is still lifted (the run is ending); a failure is
        passed to ``on_error(scope, exc)`` and the others go on."""
        for settings in list(self._lifted.values()):
            settings.pending = 0
            failure = None
            try:
                settings.finish()
            except Exception as exc:
                failure = exc
            if failure is not None:     # logged out of the except block
                on_error('%s/%s' % (settings.account, settings.container),
                         failure)
