"""A small, independent Swift client for tests: raw requests, raw headers.

Deliberately shares no code with swsync, so that comparisons made with it
check swsync rather than repeat its mistakes. Header values are kept as
the wire sends them (latin-1 decoded), so byte-exact metadata is compared.
"""
import json
import urllib.parse

import requests

OBJECT_HEADERS = (
    'content-type', 'content-encoding', 'content-disposition',
    'content-language', 'cache-control', 'expires', 'x-robots-tag',
    'x-delete-at', 'x-object-manifest', 'x-static-large-object',
    'x-symlink-target', 'x-symlink-target-account', 'x-symlink-target-etag',
)
CONTAINER_HEADERS = ('x-container-read', 'x-container-write',
                     'x-storage-policy', 'x-versions-location',
                     'x-history-location', 'x-versions-enabled')


def q(name, slash=False):
    """Quote a name; '.' and '..' segments as %2E so that no HTTP library
    resolves them away (requests/urllib3 turn a/../b into b)."""
    parts = name.split('/') if slash else [name]
    return '/'.join(
        '%2E' * len(p) if p in ('.', '..') else
        urllib.parse.quote(p.encode('utf-8'), safe='') for p in parts)


class Admin:
    """Reseller admin session on one cluster."""

    @classmethod
    def from_token(cls, token, base):
        """An admin for a Keystone token and a ``.../v1`` base URL."""
        admin = cls.__new__(cls)
        admin.token, admin.base = token, base
        admin.session = requests.Session()
        return admin

    def __init__(self, cluster, user='admin'):
        creds = cluster.user(user)
        r = requests.get(creds['auth_url'], headers={
            'X-Auth-User': creds['username'],
            'X-Auth-Key': creds['password']})
        r.raise_for_status()
        self.token = r.headers['x-auth-token']
        self.base = r.headers['x-storage-url'].rsplit('/', 1)[0]
        self.session = requests.Session()

    def url(self, account, container=None, obj=None):
        u = '%s/%s' % (self.base, q(account))
        if container is not None:
            u += '/' + q(container)
        if obj is not None:
            u += '/' + q(obj, slash=True)
        return u

    def req(self, method, account, container=None, obj=None, headers=None,
            data=None, params=None, ok=None, stream=False):
        h = {'X-Auth-Token': self.token}
        h.update(headers or {})
        r = self.session.request(method, self.url(account, container, obj),
                                 headers=h, data=data, params=params,
                                 allow_redirects=False, stream=stream)
        if ok is not None and r.status_code not in ok:
            raise AssertionError('%s %s/%s/%s -> %s %s' % (
                method, account, container, obj, r.status_code, r.text[:200]))
        return r

    def listing(self, account, container=None):
        """Full listing (tests only: small containers), paged by marker."""
        rows, marker = [], ''
        while True:
            r = self.req('GET', account, container, params={
                'format': 'json', 'marker': marker}, ok=(200, 204, 404))
            if r.status_code == 404:
                return None
            page = json.loads(r.content) if r.content else []
            if not page:
                return rows
            rows.extend(page)
            marker = page[-1]['name']

    def put_container(self, account, container, headers=None):
        self.req('PUT', account, container, headers=headers, ok=(201, 202))

    def put_object(self, account, container, obj, data=b'', headers=None):
        self.req('PUT', account, container, obj, headers=headers, data=data,
                 ok=(201,))

    def post_object(self, account, container, obj, headers):
        self.req('POST', account, container, obj, headers=headers,
                 ok=(202, 307))

    def get_object(self, account, container, obj, params=None):
        """(headers, body bytes as stored: Content-Encoding not undone)."""
        r = self.req('GET', account, container, obj, params=params,
                     ok=(200,), stream=True)
        return r.headers, r.raw.read(decode_content=False)


def _meta(headers, prefix, names):
    return {k.lower(): v for k, v in headers.items()
            if k.lower().startswith(prefix) or k.lower() in names}


def snapshot(admin, accounts):
    """Everything a sync must reproduce, as comparable plain data.

    Objects are HEADed (multipart-manifest=get, symlink=get) so their
    metadata and kind are compared, not only their listing rows. SLO
    manifests compare by slo_etag (the manifest hash differs by design).
    """
    snap = {}
    for account in accounts:
        r = admin.req('HEAD', account, ok=(200, 204))
        acct = {'meta': _meta(r.headers, 'x-account-meta-',
                              ('x-account-access-control',)),
                'containers': {}}
        for c in admin.listing(account) or []:
            cname = c['name']
            r = admin.req('HEAD', account, cname, ok=(200, 204))
            cont = {'meta': _meta(r.headers, 'x-container-meta-',
                                  CONTAINER_HEADERS), 'objects': {}}
            for o in admin.listing(account, cname) or []:
                cont['objects'][o['name']] = _object_entry(
                    admin, account, cname, o)
            acct['containers'][cname] = cont
        snap[account] = acct
    return snap


def _version_id(row):
    query = urllib.parse.urlsplit(row.get('symlink_path', '')).query
    return urllib.parse.parse_qs(query).get('version-id', [None])[0]


def _object_entry(admin, account, container, row):
    """One object as a client sees it: its own headers (a symlink as a
    link, a manifest as a manifest) and its listed content.

    New-style versioning: only the current version is carried; a row of
    such a container is read by the version it names, so a user's symlink
    stored as the current version is compared as a symlink. A static link
    to an SLO pins the destination manifest's own etag (the manifests'
    etags differ by design): it is compared by the SLO etag instead.
    """
    params = {'multipart-manifest': 'get', 'symlink': 'get'}
    versioned = row.get('version_symlink', False)
    if versioned:
        params['version-id'] = _version_id(row)
    r = admin.req('HEAD', account, container, row['name'], params=params,
                  ok=(200, 404))
    if r.status_code == 404:
        return {'content_type': row['content_type'], 'headers': 'missing'}
    headers = _meta(r.headers, 'x-object-meta-', OBJECT_HEADERS)
    entry = {'content_type': row['content_type'], 'headers': headers}
    if 'x-symlink-target' not in headers:
        entry['bytes'] = row['bytes']
        entry['etag'] = (row.get('slo_etag') or row['hash']).strip('"')
    elif 'slo_etag' in row and not versioned:
        headers.pop('x-symlink-target-etag', None)
        entry['slo_etag'] = row['slo_etag'].strip('"')
    return entry


def diff(a, b, path=''):
    """Human-readable differences between two snapshots."""
    out = []
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in a:
                out.append('%s/%s: only on destination' % (path, k))
            elif k not in b:
                out.append('%s/%s: only on origin' % (path, k))
            else:
                out.extend(diff(a[k], b[k], '%s/%s' % (path, k)))
    elif a != b:
        out.append('%s: %r != %r' % (path, a, b))
    return out
