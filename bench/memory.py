"""Memory of swsync's listing and merge path, against big containers.

swsync walks one container of N objects, all in sync, served by two
``listing_server`` instances (origin, destination); peak RSS is the
child's own (see ``proc``). An empty container gives the baseline: the
interpreter and swsync's imports.
"""
import os

import listing_server
import swsync_run

SETTLE = 1.0


def memory(sizes, work, workers):
    """Peak RSS of swsync walking one in-sync container of each size."""
    out = {}
    for n in sizes:
        print('== memory: one container of %d listed objects' % n,
              flush=True)
        servers = [listing_server.ListingServer(n, s).start()
                   for s in ('origin', 'destination')]
        try:
            creds = [{'auth_url': s.url + '/auth/v1.0', 'user': 'admin:admin',
                      'key': 'fake'} for s in servers]
            config = swsync_run.write_config(
                os.path.join(work, 'memory-%d.conf' % n), creds[0], creds[1],
                [listing_server.ACCOUNT], object_workers=workers,
                settle_seconds=SETTLE)
            run = swsync_run.run(config, work, 'memory-%d' % n)
        finally:
            for s in servers:
                s.stop()
        counts = [s.counts for s in servers]
        if run.counts.get('objects_unchanged', 0) != n:
            raise RuntimeError('memory %d: %s' % (n, run.counts))
        out[n] = dict(run.as_dict(), server_requests=counts,
                      object_requests=sum(c.get('object', 0) +
                                          c.get('other', 0)
                                          for c in counts))
    return out
