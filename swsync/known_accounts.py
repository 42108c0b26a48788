"""Accounts earlier runs synced: discovery's memory (``known_accounts_file``).

Keystone lists only the projects that exist now. The account of a project
deleted after it was mirrored keeps its data on the origin, and later
changes to it would never reach the destination, without a word. With a
known-accounts file, discovery also looks at the accounts earlier runs
synced that Keystone no longer lists: it syncs those that still hold data
and reports them, and reports those gone from the origin whose
destination copy remains.

The file is JSON: ``{"accounts": {origin account: {"destination": ...,
"project": id, "name": ..., "domain": ...}}}``, written after each run
that is not a dry run (atomically: a new file renamed over the old one).
"""
import json
import os

from swsync.client.errors import ConfigError
from swsync.client.keystone import Project


def load(path):
    """{origin account: (destination account, Project or None)}."""
    try:
        with open(path, encoding='utf-8') as f:
            data = json.load(f)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError('cannot read known_accounts_file %s: %s' % (
            path, exc.strerror or exc))
    except ValueError:
        raise ConfigError('known_accounts_file %s is not swsync\'s JSON '
                          '(remove it to start afresh)' % path)
    try:
        out = {}
        for account, entry in data['accounts'].items():
            project = None
            if entry.get('project'):
                project = Project(entry['project'], entry.get('name') or '',
                                  entry.get('domain') or '')
            out[account] = (entry['destination'], project)
        return out
    except (KeyError, TypeError, AttributeError):
        raise ConfigError('known_accounts_file %s is not swsync\'s JSON '
                          '(remove it to start afresh)' % path)


def save(path, known):
    entries = {}
    for account, (dest, project) in sorted(known.items()):
        entry = {'destination': dest}
        if project is not None:
            entry.update(project=project.id, name=project.name,
                         domain=project.domain)
        entries[account] = entry
    tmp = '%s.tmp-%d' % (path, os.getpid())
    try:
        with open(tmp, 'w', encoding='utf-8') as f:
            json.dump({'accounts': entries}, f, indent=1, sort_keys=True,
                      ensure_ascii=False)
            f.write('\n')
        os.replace(tmp, path)
    except OSError as exc:
        raise ConfigError('cannot write known_accounts_file %s: %s' % (
            path, exc.strerror or exc))
