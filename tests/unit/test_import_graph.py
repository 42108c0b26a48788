"""No module of swsync or swfiller imports another in a circle (function
level imports included: a lazy import hides a cycle, it does not end it).
"""
import ast
import configparser
import importlib.metadata
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def modules():
    for package in ('swsync', 'swfiller'):
        for path in sorted((ROOT / package).rglob('*.py')):
            parts = path.relative_to(ROOT).with_suffix('').parts
            if parts[-1] == '__init__':
                parts = parts[:-1]
            yield '.'.join(parts), path


def imports(name, path):
    """Project modules imported by one module."""
    found = set()
    package = name if path.name == '__init__.py' else name.rsplit('.', 1)[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                base = '.'.join(package.split('.')[:len(package.split('.'))
                                                   - node.level + 1] +
                                ([base] if base else []))
            found.add(base)
            found.update('%s.%s' % (base, a.name) for a in node.names)
    return found


def graph():
    names = dict(modules())
    edges = {}
    for name, path in names.items():
        edges[name] = {m for m in imports(name, path)
                       if m in names and m != name and
                       not name.startswith(m + '.')}
    return edges


def find_cycle(edges):
    state, stack = {}, []

    def visit(node):
        state[node] = 'open'
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 'open':
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 'done'
        return None
    for node in sorted(edges):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_no_import_cycles():
    assert find_cycle(graph()) is None


def test_the_checker_sees_a_cycle():
    assert find_cycle({'a': {'b'}, 'b': {'c'}, 'c': {'a'}}) == \
        ['a', 'b', 'c', 'a']
    assert graph()['swsync.engine']     # it reads real imports


# Modules that run inside a Swift proxy, not in swsync: their imports are
# the ``proxy`` extra's (swift), not swsync's install_requires.
PROXY_MODULES = {'swsync.changes_middleware'}


def third_party_imports(proxy=False):
    """Top-level names of what swsync and swfiller import from outside
    (``proxy``: what the proxy middleware imports)."""
    names = set()
    for name, path in modules():
        if (name in PROXY_MODULES) != proxy:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(a.name.split('.')[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names.add((node.module or '').split('.')[0])
    return names - {'swsync', 'swfiller'} - set(sys.stdlib_module_names)


def declared_requirements(extra=None):
    config = configparser.ConfigParser()
    config.read(ROOT / 'setup.cfg')
    if extra:
        lines = config['options.extras_require'][extra].split('\n')
    else:
        lines = config['options']['install_requires'].split('\n')
    return {normalized(re.split(r'[<>=!~; ]', line.strip())[0])
            for line in lines if line.strip()}


def normalized(distribution):
    """PEP 503 form: prometheus_client and prometheus-client are one."""
    return re.sub(r'[-_.]+', '-', distribution).lower()


def test_every_declared_requirement_is_imported_and_every_import_declared():
    """A dependency nobody imports is weight on every install (and
    python-swiftclient stayed declared after the client stopped using it);
    an import nobody declared breaks a clean install."""
    providers = importlib.metadata.packages_distributions()
    imported = set()
    for top in third_party_imports():
        dists = {normalized(d) for d in providers.get(top, ())}
        assert dists, 'import of %s: no installed distribution' % top
        imported |= dists
    declared = declared_requirements()
    assert declared - imported == set(), 'declared, never imported'
    assert imported - declared == set(), 'imported, not declared'


def test_the_proxy_middleware_imports_only_swift_and_eventlet():
    """It runs in the proxy's Python, where swift (the ``proxy`` extra)
    and eventlet are, and none of swsync's own dependencies need be."""
    assert third_party_imports(proxy=True) == {'swift', 'eventlet'}
    assert declared_requirements('proxy') == {'swift'}
