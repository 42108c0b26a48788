"""Every outcome a run counts: one vocabulary for the engine, the
actions, the report, the summary and (later) metrics.

The values are the counter names of the JSON report.
"""
import enum


class Outcome(str, enum.Enum):
    # objects
    OBJECTS_EXAMINED = 'objects_examined'     # origin rows walked
    OBJECTS_COPIED = 'objects_copied'
    SLOS_COPIED = 'slos_copied'
    SYMLINKS_COPIED = 'symlinks_copied'
    OBJECTS_POSTED = 'objects_posted'
    OBJECTS_DELETED = 'objects_deleted'
    OBJECTS_UNCHANGED = 'objects_unchanged'
    OBJECTS_VANISHED = 'objects_vanished'
    OBJECTS_EXPIRING = 'objects_expiring'
    DELETE_MARKERS_IGNORED = 'delete_markers_ignored'
    BROKEN_ON_ORIGIN = 'broken_on_origin'    # a link or manifest
    DELETES_SKIPPED_ORIGIN_EXISTS = 'deletes_skipped_origin_exists'
    TIMESTAMPS_NOT_APPLIED = 'timestamps_not_applied'
    # containers
    CONTAINERS = 'containers'
    CONTAINERS_CREATED = 'containers_created'
    CONTAINERS_POSTED = 'containers_posted'
    CONTAINERS_DELETED = 'containers_deleted'
    CONTAINERS_VANISHED = 'containers_vanished'
    CONTAINERS_OUT_OF_SCOPE = 'containers_out_of_scope'
    CONTAINERS_OTHER_SHARDS = 'containers_other_shards'
    # not listed: the origin's change mark is the one last synced
    CONTAINERS_UNCHANGED = 'containers_unchanged'
    CONTAINER_SETTINGS_SET = 'container_settings_set'
    CONTAINER_DELETES_SKIPPED_ORIGIN_EXISTS = \
        'container_deletes_skipped_origin_exists'
    # accounts
    ACCOUNTS = 'accounts'
    ACCOUNTS_CREATED = 'accounts_created'
    ACCOUNTS_POSTED = 'accounts_posted'
    ACCOUNTS_UNUSED = 'accounts_unused'
    ACCOUNTS_MISSING_ON_ORIGIN = 'accounts_missing_on_origin'
    # problems
    ERRORS = 'errors'
    WARNINGS = 'warnings'
    DELETES_WITHHELD = 'deletes_withheld'

    def __str__(self) -> str:
        return self.value


COPIED = (Outcome.OBJECTS_COPIED, Outcome.SLOS_COPIED,
          Outcome.SYMLINKS_COPIED)

# Outcomes that leave an object for the origin to settle without a write
# a proxy sees (the expirer reaping it, a listing catching up with a
# HEAD): a container walked with one must be walked again next run, not
# skipped by its unchanged change mark.
UNSETTLED = frozenset((Outcome.OBJECTS_EXPIRING, Outcome.OBJECTS_VANISHED,
                       Outcome.DELETES_SKIPPED_ORIGIN_EXISTS))
