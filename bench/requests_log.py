"""Count what a run asked of the clusters, from the proxies' access logs.

The proxy access log is the clusters' own account of client requests;
counting there (rather than in the tools) treats swsync and rclone alike.
"""
import time
import urllib.parse


def kind(rec):
    """auth, info, listing (GET of an account or container), account or
    container (other requests on them), or object."""
    path = urllib.parse.unquote(rec['path']).split('?', 1)[0]
    if path.startswith('/auth/'):
        return 'auth'
    if path.rstrip('/') == '/info':
        return 'info'
    depth = len(path.split('/'))
    if not path.startswith('/v1/') or depth >= 5:
        return 'object'
    if rec['method'] == 'GET':
        return 'listing'
    return 'account' if depth == 3 else 'container'


class Counter:
    """Marks the end of several access logs; ``since()`` counts the
    requests logged after the mark."""

    def __init__(self, clusters):
        self.clusters = clusters
        self.marks = [c.access_log_size() for c in clusters]

    def since(self, pause=0.5):
        # Lines are written after the response is sent.
        time.sleep(pause)
        counts = {'total': 0, 'writes': 0}
        for cluster, mark in zip(self.clusters, self.marks):
            for rec in cluster.requests_since(mark):
                counts['total'] += 1
                k = kind(rec)
                counts[k] = counts.get(k, 0) + 1
                if rec['method'] in ('PUT', 'POST', 'DELETE', 'COPY'):
                    counts['writes'] += 1
                    if k == 'object':
                        counts['object_writes'] = counts.get(
                            'object_writes', 0) + 1
        return counts
