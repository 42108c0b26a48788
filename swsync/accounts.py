"""Which accounts to sync: the configured list, filtered by a file."""
from swsync.client.errors import ConfigError


def read_filter_file(path):
    """Names from a filter file: one per line, blanks and # comments
    ignored."""
    try:
        with open(path, encoding='utf-8') as f:
            lines = f.read().splitlines()
    except OSError as exc:
        raise ConfigError('cannot read account_filter_file %s: %s' % (
            path, exc.strerror or exc))
    except UnicodeDecodeError:
        raise ConfigError('account_filter_file %s is not UTF-8' % path)
    names = []
    for line in lines:
        line = line.strip()
        if line and not line.startswith('#'):
            names.append(line)
    return names


def accounts_to_sync(sync_conf):
    """Account names in order, without duplicates.

    With a tempauth origin, accounts cannot be discovered: they come from
    ``accounts`` and/or the filter file. When both are given, the filter
    keeps only the listed accounts and naming one that is not in
    ``accounts`` is an error (a typo would otherwise pass silently).
    """
    accounts = list(dict.fromkeys(sync_conf.accounts))
    if not sync_conf.account_filter_file:
        return accounts
    wanted = read_filter_file(sync_conf.account_filter_file)
    if not wanted:
        raise ConfigError('account_filter_file %s names no account (only '
                          'blank lines and comments): nothing would be '
                          'synced' % sync_conf.account_filter_file)
    if not accounts:
        return list(dict.fromkeys(wanted))
    unknown = [n for n in wanted if n not in accounts]
    if unknown:
        raise ConfigError('account_filter_file names unknown accounts: %s'
                          % ', '.join(unknown[:5]))
    wanted = set(wanted)
    return [a for a in accounts if a in wanted]
