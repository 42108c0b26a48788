"""What the walk does with each row of a march (``listing.march``):
containers of an account go to the container pool; objects of a
container are decided (``decide``) and dispatched by the engine.

Both count what the progress line and the ETA need: containers and
objects announced by the account listing, objects examined.
"""
from swsync import decide
from swsync.outcomes import Outcome
from swsync.partition import WHOLE
from swsync.tasks import ObjectTask, guarded


def announce_account(report, o_headers):
    """Give the progress line an account's totals at once, from its
    listing's headers (for a run that covers the whole account): announced
    container by container, the totals grew only as fast as the pool took
    containers, and the percentage and ETA were wrong until the end.
    False when the headers do not say."""
    counts = {}
    for key, header in (('containers', 'x-account-container-count'),
                        ('objects', 'x-account-object-count'),
                        ('bytes', 'x-account-bytes-used')):
        try:
            counts[key] = int(o_headers.get(header, ''))
        except ValueError:
            return False
    report.expect(**counts)
    return True


class ContainerVisitor:
    """An account's containers, from the march of its two listings."""

    def __init__(self, syncer, account, group, deferred, announced=False):
        self.syncer = syncer
        self.account = account
        self.group = group
        self.deferred = deferred
        # the account's totals were announced whole (engine)
        self.announced = announced

    def _spawn(self, row, dest_exists):
        self.syncer._check_stop()
        name = row['name']
        if not self.syncer.scope.covers(self.account, name):
            self.syncer.report.count(Outcome.CONTAINERS_OUT_OF_SCOPE)
            return
        work = self.syncer.partition.container_work(self.account, name)
        if not work:
            self.syncer.report.count(Outcome.CONTAINERS_OTHER_SHARDS)
            return
        if work == [(None, WHOLE)] and not self.announced:
            self.syncer.report.expect(containers=1,
                                      objects=row.get('count', 0),
                                      bytes=row.get('bytes', 0))
        for _index, name_range in work:
            self.group.spawn(guarded, self.syncer.report,
                             '%s/%s' % (self.account, name),
                             self.syncer.sync_container, self.account, name,
                             dest_exists, self.deferred, name_range,
                             row.get('count', 0))

    def origin_only(self, row):
        self._spawn(row, False)

    def both(self, row, _dest_row):
        self._spawn(row, True)


class ObjectVisitor:
    """A container's objects, from the march of its two listings."""

    def __init__(self, syncer, account, container, settings, group,
                 deferred, collector=None):
        self.syncer = syncer
        self.account = account
        self.container = container
        self.settings = settings
        self.group = group
        self.deferred = deferred
        self.settle = syncer.conf.settle_seconds
        self.collector = collector      # name boundaries, sharded runs

    def _visit(self, origin, dest):
        self.syncer._check_stop()
        report = self.syncer.report
        report.count(Outcome.OBJECTS_EXAMINED)
        if self.collector is not None:
            self.collector.add(origin['name'])
        decision = decide.decide_object(origin, dest, self.settle)
        if decision.action == decide.SKIP:      # most rows of a rerun
            report.count(Outcome.OBJECTS_UNCHANGED)
            return
        task = ObjectTask(self.account, self.container, origin['name'],
                          origin, dest, decision, self.settings)
        self.syncer.dispatcher.dispatch(task, self.group, self.deferred)

    def origin_only(self, row):
        self._visit(row, None)

    def both(self, origin, dest):
        self._visit(origin, dest)
