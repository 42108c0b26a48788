"""Swift proxy middleware: marks a container when it or its objects change,
so that a nightly ``swsync`` can skip, without listing it, a container
that did not change since its last complete sync.

Install it on **every** origin proxy, just before the last
``proxy-logging`` (below ``slo``, ``dlo``, ``versioned_writes``,
``symlink``, ``copy`` and ``bulk``, so that the writes they make are seen)::

    [pipeline:main]
    pipeline = ... symlink swsync_changes proxy-logging proxy-server

    [filter:swsync_changes]
    use = egg:swiftsync#changes
    # at most one mark request per container per this many seconds
    min_interval = 60

What it does (the argument that no write is missed is in README, "Large
clusters"):

* after every successful write that changes a container's listing or an
  object's metadata (object PUT/POST/DELETE, an object DELETE answering
  404 too, container PUT/POST; the writes of the middlewares above it
  arrive here as such), it POSTs the
  time of the mark into the container's system metadata
  (``X-Container-Sysmeta-Swsync-Change-Mark``), unless a mark of that
  container succeeded less than ``min_interval`` seconds before. The last
  successful mark time is shared through the proxies' memcache (the
  ``cache`` filter), so several proxies mark a container about once per
  interval; without memcache each proxy process limits itself.
* a container POST cannot recreate a deleted container (a PUT could: it
  is why the mark does not move the container's row in the account
  listing, which would have been free to read);
* a container PUT is always marked, whatever the rate limit (a container
  created again has none of the deleted one's metadata);
* a container HEAD carrying ``X-Swsync-Change-Mark: newest`` from an
  owner of the account (or a reseller admin) is answered as usual plus
  ``X-Swsync-Change-Mark``: the newest mark among **all**
  the container's primary replicas (``none`` if none has one,
  ``unknown`` if one of them did not answer), read directly from the
  container servers: a proxy HEAD reads one replica, which may have missed
  the last mark;
* ``/info`` advertises ``swsync_changes`` with ``min_interval``.

Only this module imports Swift: it runs inside the proxy, not in swsync.
"""
import time

from eventlet import GreenPile
from swift.common.direct_client import direct_head_container
from swift.common.ring import Ring
from swift.common.swob import Request, wsgi_to_str
from swift.common.utils import Timestamp, get_logger, quote, split_path
from swift.common.wsgi import make_pre_authed_request

try:
    from swift.common.registry import register_swift_info
except ImportError:     # Swift < 2.29
    from swift.common.utils import register_swift_info

SYSMETA = 'X-Container-Sysmeta-Swsync-Change-Mark'
HEADER = 'X-Swsync-Change-Mark'
VERSIONS_PREFIX = '\x00versions\x00'
WRITES = ('PUT', 'POST', 'DELETE')
LOCAL_LIMIT = 100000    # rate-limit entries a proxy process keeps alone


def marked_container(method, container, obj):
    """The user container whose listing or objects a successful
    ``method`` on ``container``/``obj`` changed, or None.

    A new-style version (``\\x00versions\\x00C``) changes what swsync reads
    of container C. A container DELETE leaves nothing to mark (a container
    created again starts without a mark, so swsync walks it).
    """
    if method not in WRITES or container is None:
        return None
    if obj is None and method == 'DELETE':
        return None
    if container.startswith(VERSIONS_PREFIX):
        return container[len(VERSIONS_PREFIX):] or None
    if container.startswith('\x00'):
        return None     # another reserved name: nobody syncs it
    return container


def newest_mark(answers):
    """The mark to report from the replicas' answers (a mark string,
    None for a replica without one, or an exception): ``unknown`` if one
    failed, else the newest mark, else ``none``."""
    marks = []
    for answer in answers:
        if isinstance(answer, Exception):
            return 'unknown'
        if answer:
            marks.append(Timestamp(answer))
    return max(marks).normal if marks else 'none'


class RecentMarks:
    """When each container was last marked, for the rate limit.

    This process's memory is asked first, the proxies' memcache only when
    it knows of no mark within the interval; a time read from memcache is
    remembered here too. So a write to a container marked recently costs
    a dictionary lookup, not a memcache round trip (the benchmark's CPU
    per PUT). A remembered time is that of a mark that succeeded, so
    skipping a mark because of it is exactly as safe as skipping it
    because of memcache.
    """

    def __init__(self, min_interval, limit=LOCAL_LIMIT):
        self.min_interval = min_interval
        self.limit = limit
        self._local = {}

    def within(self, cache, key, now):
        """Whether a mark of ``key`` succeeded less than min_interval
        before ``now``."""
        last = self._local.get(key)
        if last is not None and now - last < self.min_interval:
            return True
        if cache is None:
            return False
        try:
            shared = cache.get(key)
        except Exception:   # memcache down: this process's memory holds
            return False
        if shared is None:
            return False
        self._keep(key, float(shared))
        return now - float(shared) < self.min_interval

    def remember(self, cache, key, when):
        """A mark of ``key`` succeeded at ``when``."""
        self._keep(key, when)
        if cache is not None:
            try:
                cache.set(key, when, time=max(1, int(self.min_interval + 1)))
            except Exception:   # memcache down: the local limit holds
                pass

    def _keep(self, key, when):
        if key not in self._local and len(self._local) >= self.limit:
            self._local.clear()
        if when > self._local.get(key, 0.0):
            self._local[key] = when


class ChangeMarks:
    def __init__(self, app, conf):
        self.app = app
        self.conf = conf
        self.logger = get_logger(conf, log_route='swsync_changes')
        self.min_interval = float(conf.get('min_interval', 60))
        self.node_timeout = float(conf.get('node_timeout', 10))
        self.conn_timeout = float(conf.get('conn_timeout', 1))
        swift_dir = conf.get('swift_dir', '/etc/swift')
        self.container_ring = Ring(swift_dir, ring_name='container')
        self.recent = RecentMarks(self.min_interval)

    def __call__(self, env, start_response):
        req = Request(env)
        try:
            # names, not the quoted path: a quoted name is another
            # container (fuzz seed 3001 of the marked model test)
            version, account, container, obj = split_path(
                wsgi_to_str(req.path_info), 2, 4, True)
        except ValueError:
            return self.app(env, start_response)
        if req.method == 'HEAD' and obj is None and container and \
                req.headers.get(HEADER, '').lower() == 'newest':
            return self._head_with_mark(req, account, container,
                                        start_response)
        target = marked_container(req.method, container, obj)
        if target is None:
            return self.app(env, start_response)
        resp = req.get_response(self.app)
        # An object DELETE answering 404 still writes a tombstone and can
        # take a stale row out of the container listing: marked too.
        if resp.is_success or (req.method == 'DELETE' and obj is not None
                               and resp.status_int == 404):
            # A container PUT is always marked: one created again keeps
            # no metadata of the one deleted, whose recent mark must not
            # hold this one back (red-team finding F1).
            self._mark(env, version, account, target,
                       always=(obj is None and req.method == 'PUT'))
        return resp(env, start_response)

    # --- the write path --------------------------------------------------
    def _mark(self, env, version, account, container, always=False):
        """Mark ``container`` changed unless a mark of it succeeded less
        than min_interval ago. The write this follows is complete: a
        swsync listing that starts min_interval after that mark sees it."""
        cache = env.get('swift.cache')
        key = 'swsync_changes/%s/%s' % (account, container)
        now = time.time()
        if not always and self.recent.within(cache, key, now):
            return
        mark = Timestamp(now)
        # the trailing '?': an empty query string, or the sub-request
        # would keep the write's (e.g. ``?extract-archive=tar``)
        sub = make_pre_authed_request(
            env, 'POST',
            quote('/%s/%s/%s' % (version, account, container)) + '?',
            headers={SYSMETA: mark.normal}, swift_source='SWSC')
        resp = sub.get_response(self.app)
        if not resp.is_success:
            # a 404 too: the container went away, or a bug here; either
            # way the operator must know that a write may have no mark
            self.logger.error('swsync change mark of %s/%s failed: %s',
                              account, container, resp.status)
            return
        self.recent.remember(cache, key, float(mark))

    # --- the read path ---------------------------------------------------
    def _replica_mark(self, node, part, account, container):
        try:
            headers = direct_head_container(
                node, part, account, container,
                conn_timeout=self.conn_timeout,
                response_timeout=self.node_timeout)
        except Exception as exc:    # 404, timeout, refused: unknown
            return exc
        return headers.get(SYSMETA)

    def _head_with_mark(self, req, account, container, start_response):
        resp = req.get_response(self.app)
        # Only for the account's owners and reseller admins (the auth
        # middleware says so once the proxy authorized the HEAD): not an
        # anonymous reader of a public container, for whom each such HEAD
        # would cost a HEAD of every replica (red-team finding F5).
        if resp.is_success and req.environ.get('swift_owner'):
            part, nodes = self.container_ring.get_nodes(account, container)
            pile = GreenPile(len(nodes) or 1)
            for node in nodes:
                pile.spawn(self._replica_mark, node, part, account,
                           container)
            resp.headers[HEADER] = newest_mark(list(pile))
        return resp(req.environ, start_response)


def filter_factory(global_conf, **local_conf):
    conf = dict(global_conf, **local_conf)
    register_swift_info('swsync_changes',
                        min_interval=float(conf.get('min_interval', 60)))

    def factory(app):
        return ChangeMarks(app, conf)
    return factory
