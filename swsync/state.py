"""What one run leaves for the next, kept on the destination.

A sharded run (``shards``) splits big containers into name ranges
recorded by an earlier complete walk. They are kept where every host and
every shard can read them: one JSON object, ``ranges.json``, in the state
container (``[sync] state_container``) of the destination reseller
admin's own account.

All shards of a run must split a container the same way, and a shard may
record new ranges while another one reads: so ranges recorded by a run
are used from the next run on. The object keeps the run id that wrote it
and the ranges that were current before; a shard of that same run reads
those. Two shards recording in the same run may overwrite each other's
addition; the container is then split one run later. Nothing is lost:
an unsplit container is walked whole by its owner.
"""
import json
import logging

from swsync import green
from swsync.client.errors import SyncError

LOG = logging.getLogger(__name__)

OBJECT = 'ranges.json'


def _valid_ranges(ranges):
    """{account/container: [boundary name, ...]}, names non-empty."""
    return isinstance(ranges, dict) and all(
        isinstance(key, str) and isinstance(bounds, list) and
        all(isinstance(b, str) and b for b in bounds)
        for key, bounds in ranges.items())


class RangeStore:
    """The name ranges of split containers (``account/container`` ->
    boundaries) valid for run ``run_id``, on cluster ``dest``."""

    def __init__(self, dest, container, run_id):
        self.dest = dest
        self.container = container
        self.run_id = run_id
        self.account = dest.own_account
        self._current = None

    def _read(self):
        """The state document, or an empty one."""
        body = self.dest.read_object(self.account, self.container, OBJECT)
        if body is None:
            return {'run_id': None, 'ranges': {}, 'previous': {}}
        try:
            doc = json.loads(body)
        except ValueError:
            raise SyncError('%s/%s/%s is not JSON: remove it to start the '
                            'ranges afresh' % (self.account, self.container,
                                               OBJECT))
        if not isinstance(doc, dict):
            doc = None
        else:
            doc.setdefault('ranges', {})
            doc.setdefault('previous', {})
        if doc is None or not all(_valid_ranges(doc[key])
                                  for key in ('ranges', 'previous')):
            # the README sends operators to edit this file by hand: a
            # slip is one error line, not an internal error per account
            raise SyncError('%s/%s/%s is not a ranges document ({"ranges": '
                            '{"ACCOUNT/CONTAINER": ["name", ...]}, ...}): '
                            'fix or remove it' % (
                                self.account, self.container, OBJECT))
        return doc

    def ranges(self):
        """{account/container: boundaries} for this run (read once)."""
        if self._current is None:
            doc = self._read()
            self._current = doc['previous'] if doc.get('run_id') == \
                self.run_id else doc['ranges']
        return self._current

    def boundaries(self, account, container):
        return self.ranges().get('%s/%s' % (account, container))

    def record(self, account, container, boundaries):
        """Record a container's boundaries, for the next runs."""
        doc = self._read()
        if doc.get('run_id') != self.run_id:
            doc['previous'] = doc['ranges']
            doc['run_id'] = self.run_id
        doc['ranges'] = dict(doc['ranges'])
        doc['ranges']['%s/%s' % (account, container)] = list(boundaries)
        body = json.dumps(doc, ensure_ascii=False, sort_keys=True).encode()
        self.dest.put_container(self.account, self.container, {})
        self.dest.put_object(self.account, self.container, OBJECT,
                             {'content-type': 'application/json'}, body)
        LOG.info('%s/%s: %d name ranges recorded for the next sharded runs',
                 account, container, len(boundaries) + 1)


MARKS_PREFIX = 'marks/'


class MarkStore:
    """The change marks of the containers each account's last complete
    syncs saw (``marks/<account>``: ``{"marks": {container: mark}}``), in
    the same state container. Shards read-modify-write an account's
    object and touch only their own containers; an update lost to a race
    only costs that container a walk next time (a mark recorded by any
    earlier complete sync stays true while the origin's mark is the
    same)."""

    def __init__(self, dest, container):
        self.dest = dest
        self.container = container
        self.account = dest.own_account
        self._cache = {}
        # the container workers of an account ask at once: one read
        self._lock = green.Lock()

    def _name(self, account):
        return MARKS_PREFIX + account

    def _read(self, account):
        body = self.dest.read_object(self.account, self.container,
                                     self._name(account))
        if body is None:
            return {}
        try:
            marks = json.loads(body)['marks']
        except (ValueError, KeyError, TypeError):
            marks = None
        if not isinstance(marks, dict) or not all(
                isinstance(k, str) and isinstance(v, str)
                for k, v in marks.items()):
            LOG.warning('%s/%s/%s is not a marks document: every container '
                        'of %s is listed this run, and the document '
                        'rewritten', self.account, self.container,
                        self._name(account), account)
            return {}
        return marks

    def recorded(self, account):
        """{container: mark} as the run found it (read once)."""
        with self._lock:
            if account not in self._cache:
                self._cache[account] = self._read(account)
            return self._cache[account]

    def update(self, account, changes):
        """Apply ``changes`` ({container: mark, or None to forget})."""
        marks = self._read(account)
        new = dict(marks)
        for container, mark in changes.items():
            if mark is None:
                new.pop(container, None)
            else:
                new[container] = mark
        if new == marks:
            return
        body = json.dumps({'marks': new}, ensure_ascii=False,
                          sort_keys=True).encode()
        self.dest.put_container(self.account, self.container, {})
        self.dest.put_object(self.account, self.container,
                             self._name(account),
                             {'content-type': 'application/json'}, body)
