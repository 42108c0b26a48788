"""Summarize model-test sequence logs: figures and failures by signature.

    python -m tests.functional.model_summary DIR [DIR...]

DIR holds the ``summary.jsonl`` that test_model.py appends to (one line
per sequence). Failures are grouped by a signature: a known divergence
when one of ``SIGNATURES`` matches, else the invariant and the first line
of its detail with names and numbers blanked out.
"""
import collections
import json
import os
import re
import sys

# (name, invariant or None, regex on the failure text); first match wins.
SIGNATURES = (
    ('exit-2-without-report', 'I4', r'exit 2 without its cause'),
    ('traceback', 'I4', r'traceback on stderr'),
    ('quota-freezes-destination', None, r'-> 413'),
    ('post-on-slo-500', None, r'(POST|HEAD) [^"]*-> 500'),
    ('history-delete-marker-400', None, r'-arch/[^"]*-> 400'),
    ('static-link-to-slo-409', None, r'not written[^"]*-> 409'),
    ('versioned-user-symlink-as-data', 'I1',
     r"x-symlink-target: origin '[^']+', destination None"),
    ('last-item-delete-withheld', None, r'origin listing is empty'),
    ('versions-enabled-false-not-carried', None,
     r"x-versions-enabled: origin 'False', destination None"),
    ('metadata-posted-on-every-run', 'I3',
     r'touched the destination: [^(]*POST /v1/[^/ ]+/[^/ ]+/[^ ;]+ 202'),
    ('versioning-guard-writes-on-quiet-run', 'I3',
     r'touched the destination: POST /v1/[^/ ]+/[^/ ]+ 20\d'),
    ('expiring-post-skipped', None, r'x-delete-at: origin'),
)


def load(dirs):
    rows = []
    for d in dirs:
        path = os.path.join(d, 'summary.jsonl')
        if not os.path.exists(path):
            continue
        with open(path) as f:
            rows.extend(json.loads(line) for line in f if line.strip())
    return rows


def signature(failure):
    text = json.dumps(failure, ensure_ascii=False)
    for name, invariant, pattern in SIGNATURES:
        if invariant is not None and invariant not in (
                failure.get('invariant') or '').split(','):
            continue
        if re.search(pattern, text):
            return name
    lines = (failure.get('detail') or '').splitlines()
    first = lines[1] if len(lines) > 1 and lines[0].endswith(':') else \
        (lines[0] if lines else '')
    first = re.sub(r'AUTH_\w+', 'AUTH_*', first)
    first = re.sub(r'\d+', 'N', first)
    return '%s: %s' % (failure.get('invariant'), first[:120])


def main(argv):
    rows = load(argv)
    if not rows:
        print('no summary.jsonl in %s' % ' '.join(argv))
        return 1
    stats = collections.Counter()
    groups = collections.defaultdict(list)
    for row in rows:
        stats['sequences'] += 1
        stats['seconds'] += row.get('seconds', 0)
        for key in ('ops', 'runs', 'faults_injected', 'objects_compared'):
            stats[key] += row['stats'].get(key, 0)
        if row.get('failure'):
            groups[signature(row['failure'])].append(row['label'])
    print('%(sequences)d sequences, %(ops)d operations, %(runs)d swsync '
          'runs, %(faults_injected)d faults injected, %(objects_compared)d '
          'object comparisons, %(seconds).0f s' % stats)
    print('%d failed, %d passed' % (sum(len(v) for v in groups.values()),
                                    stats['sequences'] -
                                    sum(len(v) for v in groups.values())))
    for name, labels in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        print('%4d  %s  (%s)' % (len(labels), name, ', '.join(labels[:8])))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
