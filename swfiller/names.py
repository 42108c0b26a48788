"""What names and metadata look like: Swift's limits and nasty vocabulary.

Pure functions of a ``random.Random``: the generator decides where things
go, this module decides what they are called. Everything stays within
Swift's default constraints, measured in UTF-8 bytes as Swift measures
them, and deliberately reaches for the characters that break clients:
spaces, combining accents, right-to-left scripts, emoji, ``%``-escapes
that are not escapes, ``?``, ``#``, dot segments and stray slashes.
"""
import urllib.parse

# Swift's default constraints (swift/common/constraints.py), on UTF-8 bytes.
MAX_OBJECT_NAME = 1024
MAX_CONTAINER_NAME = 256
MAX_META_VALUE = 256
MAX_META_COUNT = 90
MAX_META_OVERALL = 4096

# Long names stay this short: the object server keeps the name with the
# metadata in the file's xattrs (see generator.OBJECT_BUDGET).
LONG_OBJECT_NAME = 1000
LONG_CONTAINER_NAME = 247  # room for the '_segments' suffix (9 bytes)

WORDS = ('alpha', 'archive', 'backup', 'build', 'data', 'docs', 'draft',
         'final', 'images', 'logs', 'misc', 'music', 'notes', 'photos',
         'report', 'src', 'tmp', 'video', 'v2', '2024')
UNICODE = ('é', 'café', 'cafe\u0301', '日本', '日本語', 'Ünïcødé', 'ñandú',
           'Москва', 'Ελλάδα', 'שלום', 'مرحبا', 'ß', '🙂', '🐍',
           '👩\u200d💻', 'Ωmega')
SPECIAL = ('%', '%20', '%2F', '?', '#', '+', '&', ';', '=', "'", '"', '!',
           '@', '$', ',', '(', ')', '[', ']', '~', '*', ':', '<', '>', '|',
           '{', '}', '^', '`', '\\')
EXTS = ('', '.txt', '.jpg', '.tar.gz', '.json', '.pdf', '.bin', '.csv')
CONTENT_TYPES = (
    ('application/octet-stream', False),
    ('text/plain; charset=utf-8', True),
    ('text/csv', True),
    ('text/html;charset=ISO-8859-1', True),
    ('image/jpeg', False),
    ('application/pdf', False),
    ('application/json', True),
    ('video/mp4', False),
    ('application/x-custom; format="a b"', False),
    ('application/vnd.openxmlformats-officedocument.wordprocessingml.'
     'document', False),
)
META_WORDS = ('color', 'owner', 'project', 'source', 'label', 'tag',
              'origin-id', 'dept', 'checksum', 'comment')
PERCENT_VALUES = ('a%20b', '100%', '%E2%9C%93 done', 'x%2Fy', '50%25 off',
                  'path%20with%20spaces/%C3%A9')
DISPOSITIONS = ('attachment; filename="rapport été.pdf"',
                "attachment; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt",
                'inline', 'attachment; filename="a%20b.txt"')

OBJECT_STYLES = ('plain', 'dirs', 'space', 'unicode', 'special', 'long',
                 'slashes', 'dots')
SHORT_STYLES = ('plain', 'space', 'unicode', 'special')
CONTAINER_STYLES = ('plain', 'space', 'unicode', 'special', 'long')


def quote(name):
    """URL-quote a name for a header value (symlink, DLO, versions)."""
    return urllib.parse.quote(name.encode('utf-8'), safe='')


def utf8_len(text):
    return len(text.encode('utf-8'))


def fit(text, max_bytes):
    """``text`` cut to ``max_bytes`` of UTF-8, never mid-character, without
    surrounding spaces (HTTP would strip them from header values)."""
    while utf8_len(text) > max_bytes:
        text = text[:-1]
    return text.strip() or 'x'


# --- names ---------------------------------------------------------------
def words(rng, n, pool=WORDS):
    return [rng.choice(pool) for _ in range(n)]


def _ext(rng):
    return rng.choice(EXTS)


def object_name(rng, style):
    """An object name in one of OBJECT_STYLES."""
    w = rng.choice(WORDS)
    if style == 'plain':
        return '%s-%d%s' % (w, rng.randint(0, 9999), _ext(rng))
    if style == 'dirs':
        return '/'.join(words(rng, rng.randint(2, 5))) + _ext(rng)
    if style == 'space':
        name = ' '.join(words(rng, rng.randint(2, 3))) + _ext(rng)
        return rng.choice((name, name + ' ', ' ' + name))
    if style == 'unicode':
        parts = words(rng, 2) + words(rng, rng.randint(1, 3), UNICODE)
        rng.shuffle(parts)
        return rng.choice((' ', '-', '/')).join(parts) + _ext(rng)
    if style == 'special':
        parts = []
        for _ in range(rng.randint(2, 4)):
            parts += [rng.choice(WORDS), rng.choice(SPECIAL)]
        return ''.join(parts) + _ext(rng)
    if style == 'long':
        return _long_name(rng, rng.randint(900, LONG_OBJECT_NAME), '/')
    if style == 'slashes':
        v = rng.choice(WORDS)
        return rng.choice(('/' + w, w + '//' + v, '//' + w + '/' + v,
                           w + '/', w + '/' + v + '/'))
    if style == 'dots':
        v = rng.choice(WORDS)
        return rng.choice((w + '/../' + v, './' + w, w + '/./' + v,
                           w + '/..', '../' + w, w + '/.hidden'))
    raise ValueError(style)


def container_name(rng, style):
    """A container name (no '/') in one of CONTAINER_STYLES."""
    w = rng.choice(WORDS)
    if style == 'plain':
        return '%s-%d' % (w, rng.randint(0, 9999))
    if style == 'space':
        return ' '.join(words(rng, rng.randint(2, 3)))
    if style == 'unicode':
        parts = [w] + words(rng, rng.randint(1, 2), UNICODE)
        rng.shuffle(parts)
        return rng.choice((' ', '-', '_')).join(parts)
    if style == 'special':
        return w + ''.join(rng.choice(SPECIAL) + rng.choice(WORDS)
                           for _ in range(rng.randint(1, 3)))
    if style == 'long':
        return _long_name(rng, rng.randint(200, LONG_CONTAINER_NAME), '-')
    raise ValueError(style)


def _long_name(rng, target, sep):
    parts = []
    while utf8_len(sep.join(parts)) < target:
        parts.append(rng.choice(WORDS + UNICODE))
    return fit(sep.join(parts), target).strip(sep) or 'x'


def unique(name, taken, max_bytes):
    name = fit(name, max_bytes) if utf8_len(name) > max_bytes else name
    candidate, n = name, 1
    while candidate in taken:
        suffix = '~%d' % n
        candidate = fit(name, max_bytes - len(suffix)) + suffix
        n += 1
    taken.add(candidate)
    return candidate


def linkable(name):
    """Short, plain enough to be a symlink target or a manifest token."""
    segs = name.split('/')
    return (utf8_len(name) <= 200 and '' not in segs and
            '.' not in segs and '..' not in segs)


# --- metadata ------------------------------------------------------------
def meta_value(rng, big=False):
    """A metadata value: ASCII, Unicode, or with literal %-escapes."""
    style = rng.choice(('ascii', 'unicode', 'percent', 'mixed'))
    if style == 'ascii':
        text = ' '.join(words(rng, rng.randint(1, 4)))
    elif style == 'unicode':
        text = ' '.join(words(rng, rng.randint(1, 3), UNICODE))
    elif style == 'percent':
        text = rng.choice(PERCENT_VALUES)
    else:
        text = '%s %s %s' % (rng.choice(WORDS), rng.choice(UNICODE),
                             rng.choice(PERCENT_VALUES))
    if big:
        while utf8_len(text) < MAX_META_VALUE:
            text += ' ' + rng.choice(WORDS + UNICODE)
    return fit(text, MAX_META_VALUE)


def stored_len(text):
    """Bytes Swift stores for a header value: the UTF-8 encoding of the
    WSGI string, so every non-ASCII byte of the value counts twice."""
    raw = str(text).encode('utf-8')
    return len(raw) + sum(b >= 0x80 for b in raw)


def _swift_cost(key, value):
    return len(key) + utf8_len(value)


def stored_cost(key, value):
    return 8 + len(key) + stored_len(value)


def metadata(rng, prefix, max_keys, budget, big_chance=0.1, min_keys=0,
             cost=_swift_cost):
    """Random metadata whose total ``cost`` (by default: UTF-8 header name
    with prefix plus value, as Swift counts) stays within ``budget``."""
    meta, used = {}, 0
    for _ in range(rng.randint(min(min_keys, max_keys), max_keys)):
        key = prefix + '%s-%s' % (rng.choice(META_WORDS), ''.join(
            rng.choice('abcdefghijklmnopqrstuvwxyz0123456789')
            for _ in range(rng.randint(2, 8))))
        if key in meta:
            continue
        value = meta_value(rng, rng.random() < big_chance)
        n = cost(key, value)
        if used + n > budget:
            continue
        meta[key] = value
        used += n
    return meta
