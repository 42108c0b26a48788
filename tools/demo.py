#!/usr/bin/env python3
"""The main job end to end, on two local clusters.

Starts an origin and a destination Swift cluster on 127.0.0.1, fills the
origin with swfiller's nasty profile, runs swsync, checks with an
independent walk (raw HTTP, no swsync code) that both clusters hold the
same accounts, containers, objects and metadata, reruns swsync to show
that an unchanged rerun makes no object request, prints the report, and
stops the clusters.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, 'tools'))

import saio  # noqa: E402
from tests.functional import sync_helpers as sh  # noqa: E402
from tests.functional.swiftapi import Admin, diff, snapshot  # noqa: E402

BASE = int(os.environ.get('SWIFTSYNC_DEMO_BASE_PORT', '18300'))


def step(text):
    print('\n== %s' % text, flush=True)


def main():
    work = tempfile.mkdtemp(prefix='swiftsync-demo-')
    clusters = [saio.Cluster('demo-origin', BASE, root=work),
                saio.Cluster('demo-destination', BASE + 10, root=work)]
    try:
        step('starting two Swift clusters on 127.0.0.1 (%s)' % work)
        for cluster in clusters:
            t0 = time.time()
            cluster.start()
            elapsed = time.time() - t0
            print('%s: %s up in %.1fs' % (cluster.name, cluster.url,
                                          elapsed))
        origin, dest = clusters
        return run(work, origin, dest)
    finally:
        step('stopping the clusters')
        for cluster in clusters:
            cluster.stop()


def run(work, origin, dest):
    step('filling the origin with swfiller (nasty profile)')
    filler_conf = os.path.join(work, 'swfiller.conf')
    creds = origin.reseller
    with open(filler_conf, 'w') as f:
        f.write('[swift]\nauth_url = %s\nusername = %s\npassword = %s\n'
                '[filler]\nstorage_policies = gold,silver\n' % (
                    creds['auth_url'], creds['username'],
                    creds['password']))
    os.chmod(filler_conf, 0o600)
    index = os.path.join(work, 'index.json')
    subprocess.run([sys.executable, '-m', 'swfiller.cli', '--config-file',
                    filler_conf, 'create', '-a', '3', '-c', '4', '-f', '30',
                    '-s', '300000', '--seed', '42', '--profile', 'nasty',
                    '--index', index], check=True)
    with open(index) as f:
        accounts = [a['name'] for a in json.load(f)['accounts']]

    step('syncing origin -> destination with swsync')
    config = sh.write_config(os.path.join(work, 'swsync.conf'), origin,
                             dest, accounts, object_workers=16)
    sh.settle()
    first = sh.run_swsync(config, work)
    print(first.stdout.strip())
    if first.rc != 0:
        print(first.stderr[-3000:])
        return first.rc

    step('verifying with an independent walk of both clusters')
    differences = diff(snapshot(Admin(origin), accounts),
                       snapshot(Admin(dest), accounts))
    if differences:
        print('\n'.join(differences[:50]))
        print('DIFFERENCES: %d' % len(differences))
        return 1
    objects = sum(len(c['objects']) for a in snapshot(Admin(dest), accounts)
                  .values() for c in a['containers'].values())
    print('identical: %d accounts, %d objects' % (len(accounts), objects))

    step('rerunning swsync with nothing changed')
    marks = origin.access_log_size(), dest.access_log_size()
    second = sh.run_swsync(config, work)
    print(second.stdout.strip())
    requests = (sh.wait_for_log(origin, marks[0]) +
                sh.wait_for_log(dest, marks[1], pause=0))
    object_requests = [r for r in requests if sh.object_level(r)]
    print('rerun: %d requests, %d object-level, %d writes' % (
        len(requests), len(object_requests),
        len([r for r in requests if sh.is_write(r)])))

    step('report of the first run')
    print(json.dumps(first.report, indent=2))
    ok = second.rc == 0 and not object_requests
    print('\nDEMO %s' % ('PASSED' if ok else 'FAILED'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
