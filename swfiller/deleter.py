"""Removes what an index lists, and nothing else: all the I/O of ``delete``.

- Legacy versioning is switched off first on the containers swfiller made
  versioned: a DELETE in a stack-mode container would restore the previous
  version instead of removing the object.
- Manifests and symlinks go before segments and targets, with a plain
  DELETE (never ``?multipart-manifest=delete``, which would also remove
  segments by what the manifest says rather than by what the index says).
- Only containers the index marks ``created`` are deleted, and only when
  empty: a container that holds objects swfiller did not write is kept.
- Metadata swfiller set on accounts and pre-existing containers is removed
  key by key (an empty value removes a key on POST).
"""
import logging
import time
import warnings

warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
import eventlet  # noqa: E402

from swsync import listing  # noqa: E402
from swsync.client.errors import SwiftError, SyncError  # noqa: E402

from swfiller import index as index_mod  # noqa: E402
from swfiller.writer import cause, short  # noqa: E402

LOG = logging.getLogger(__name__)

FIRST = ('slo', 'dlo', 'symlink')


class Deleter:
    """Deletes what one index document lists; counts every outcome."""

    def __init__(self, cluster, doc, concurrency, listing_limit=10000,
                 container_attempts=5, container_wait=0.5):
        self.cluster = cluster
        self.doc = doc
        self.concurrency = concurrency
        self.listing_limit = listing_limit
        self.container_attempts = container_attempts
        self.container_wait = container_wait
        self.errors = []
        self.deleted = 0
        self.missing = 0
        self.containers_deleted = 0
        self.containers_kept = []
        self._blocked = set()

    def total(self):
        return sum(1 for _ in index_mod.iter_objects(self.doc))

    def run(self, progress):
        self._map(self._unversion, [
            (a['name'], c) for a in self.doc['accounts']
            for c in a['containers'] if c['headers'].get(
                'x-versions-location')])
        objects = list(index_mod.iter_objects(self.doc))
        for first in (True, False):
            self._map(lambda item: self._object(item, progress), [
                item for item in objects
                if (item[2]['kind'] in FIRST) == first])
        containers = [(a['name'], c) for a in self.doc['accounts']
                      for c in a['containers']]
        self._map(self._container, containers)
        self._map(self._account, self.doc['accounts'])

    def _map(self, fn, items):
        pool = eventlet.GreenPool(self.concurrency)
        for _ in pool.imap(fn, items):
            pass

    def _fail(self, what, exc):
        message = '%s: %s' % (what, exc if isinstance(exc, str)
                              else cause(exc))
        self.errors.append(message)
        LOG.error('%s', message)

    def _unversion(self, item):
        account, cont = item
        c = self.cluster
        try:
            c.request('POST', c.path(account, cont['name']),
                      headers={'x-remove-versions-location': 'x'},
                      ok=(204, 404))
        except SyncError as exc:
            # Deleting its objects now would restore older versions.
            self._blocked.add((account, cont['name']))
            self._fail('container %s: cannot switch versioning off, its '
                       'objects are kept' % short(account, cont['name']), exc)

    def _object(self, item, progress):
        account, container, obj = item
        c = self.cluster
        if (account, container) in self._blocked:
            progress.add(failed=True)
            return
        try:
            resp = c.request('DELETE', c.path(account, container,
                                              obj['name']),
                             ok=(204, 404))
        except SyncError as exc:
            self._fail('DELETE %s' % short(account, container, obj['name']),
                       exc)
            progress.add(failed=True)
            return
        if resp.status_code == 404:
            self.missing += 1
        else:
            self.deleted += 1
        progress.add()

    def _container(self, item):
        account, cont = item
        if cont['created']:
            self._delete_container(account, cont)
        else:
            self._remove_metadata(account, cont)

    def _delete_container(self, account, cont):
        c = self.cluster
        path = c.path(account, cont['name'])
        where = 'DELETE container %s' % short(account, cont['name'])
        for attempt in range(self.container_attempts):
            try:
                resp = c.request('DELETE', path, ok=(204, 404))
            except SwiftError as exc:
                if exc.status != 409:
                    return self._fail(where, exc)
            except SyncError as exc:
                return self._fail(where, exc)
            else:
                if resp.status_code == 204:
                    self.containers_deleted += 1
                return
            others = self._strangers(account, cont)
            if others:
                self.containers_kept.append((account, cont['name'], others))
                LOG.warning('kept container %s: it holds %d object(s) '
                            'swfiller did not write',
                            short(account, cont['name']), others)
                return
            # Only our objects are listed: the listing lags the deletes.
            time.sleep(self.container_wait * (attempt + 1))
        self._fail(where, 'still not empty after %d attempts' %
                   self.container_attempts)

    def _strangers(self, account, cont):
        """How many listed objects the index does not have (0 when it
        cannot tell)."""
        ours = {o['name'] for o in cont['objects']}
        path = self.cluster.path(account, cont['name'])
        try:
            _headers, rows = listing.open_listing(
                self.cluster, path, self.listing_limit, missing_ok=True)
            return sum(1 for r in rows if r['name'] not in ours)
        except SyncError:
            return 0

    def _remove_metadata(self, account, cont):
        keys = dict(cont['metadata'])
        keys.update((k, v) for k, v in cont['headers'].items()
                    if k != 'x-versions-location')
        if not keys:
            return
        c = self.cluster
        try:
            c.request('POST', c.path(account, cont['name']),
                      headers={k: '' for k in keys}, ok=(204, 404))
        except SyncError as exc:
            self._fail('POST container %s' % short(account, cont['name']),
                       exc)

    def _account(self, acct):
        keys = list(acct['metadata']) + list(acct['headers'])
        if not keys:
            return
        c = self.cluster
        try:
            c.request('POST', c.path(acct['name']),
                      headers={k: '' for k in keys}, ok=(204, 404))
        except SyncError as exc:
            self._fail('POST account %s' % short(acct['name']), exc)
