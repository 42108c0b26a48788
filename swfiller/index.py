"""The index: a JSON record of everything one ``create`` wrote.

``delete`` removes what it lists and nothing else, and tests compare a
cluster against it. JSON rather than pickle, so that it can be read by
anyone, diffed between runs, and never executes code when loaded.

Names, metadata and header values are stored as text (Unicode); the wire
form is their UTF-8 bytes.
"""
import json
import os
import tempfile

FORMAT = 'swfiller-index'
VERSION = 1


class BadIndex(Exception):
    """The index file is missing, unreadable or not a swfiller index."""


def object_entry(plan, obj, result):
    """The index record of one planned object and how its write went."""
    entry = {
        'name': obj.name,
        'kind': obj.kind,
        'size': obj.size,
        'md5': plan.md5(obj),
        'etag': plan.etag(obj),
        'bytes': plan.listing_bytes(obj),
        'content_type': obj.content_type,
        'metadata': dict(obj.metadata),
        'headers': dict(obj.headers),
        'written': bool(result.get('written')),
    }
    if result.get('delete_at'):
        entry['headers']['x-delete-at'] = str(result['delete_at'])
    if obj.segments:
        entry['segments'] = [
            {'container': s.container, 'name': s.name, 'size': s.size,
             'range': None if s.first is None else '%d-%d' % (s.first,
                                                              s.last)}
            for s in obj.segments]
    if obj.target is not None:
        t = obj.target
        entry['symlink'] = {'account': t.account, 'container': t.container,
                            'name': t.name, 'static': t.static}
    if obj.previous_size is not None:
        entry['previous'] = {'size': obj.previous_size,
                             'md5': plan.previous_md5(obj)}
    return entry


def version_entry(row, version_of):
    """An archived version that legacy versioning made from our writes."""
    return {'name': row['name'], 'kind': 'version', 'size': row['bytes'],
            'md5': row['hash'], 'etag': row['hash'], 'bytes': row['bytes'],
            'content_type': row['content_type'], 'metadata': {},
            'headers': {}, 'written': True, 'version_of': version_of}


def build(plan, results, info):
    """The index document: ``results`` is what the writer reports
    (``accounts``, ``containers``, ``objects`` keyed like the plan,
    ``versions`` by (account, archive container))."""
    by_container = {}
    for obj in plan.objects:
        by_container.setdefault((obj.account, obj.container), []).append(
            object_entry(plan, obj, results['objects'].get(obj.key, {})))
    accounts = []
    for acct in plan.accounts:
        containers = []
        for cont in plan.containers:
            if cont.account != acct.name:
                continue
            key = (acct.name, cont.name)
            cres = results['containers'].get(key, {})
            objects = (by_container.get(key, []) +
                       results['versions'].get(key, []))
            containers.append({
                'name': cont.name, 'role': cont.role,
                'created': bool(cres.get('created')),
                'written': bool(cres.get('written')),
                'storage_policy': cres.get('policy', cont.policy),
                'metadata': dict(cont.metadata),
                'headers': dict(cont.headers),
                'versions': cont.versions,
                'objects': objects})
        accounts.append({
            'name': acct.name, 'metadata': dict(acct.metadata),
            'headers': dict(acct.headers),
            'written': bool(results['accounts'].get(acct.name)),
            'containers': containers})
    doc = {'format': FORMAT, 'version': VERSION}
    doc.update(info)
    doc['accounts'] = accounts
    return doc


def iter_objects(doc):
    """(account, container, object entry) for every object in ``doc``."""
    for acct in doc['accounts']:
        for cont in acct['containers']:
            for obj in cont['objects']:
                yield acct['name'], cont['name'], obj


def write(path, doc):
    """Write atomically: a crash never leaves half an index behind."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix='.swfiller-index-', dir=directory)
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            json.dump(doc, f, ensure_ascii=False, indent=1, sort_keys=True)
            f.write('\n')
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def read(path):
    """The index document at ``path``; BadIndex when it is not one."""
    try:
        with open(path, encoding='utf-8') as f:
            doc = json.load(f)
    except FileNotFoundError:
        raise BadIndex('index file not found: %s' % path)
    except (OSError, ValueError) as exc:
        raise BadIndex('cannot read index %s: %s' % (path, exc))
    if not isinstance(doc, dict) or doc.get('format') != FORMAT:
        raise BadIndex('%s is not a swfiller index' % path)
    if doc.get('version') != VERSION:
        raise BadIndex('%s: unsupported index version %r' % (
            path, doc.get('version')))
    return doc
