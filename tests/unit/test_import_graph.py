"""No module of swsync or swfiller imports another in a circle (function
level imports included: a lazy import hides a cycle, it does not end it).
"""
import ast
import pathlib

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
