"""The Kubernetes manifest: valid against Kubernetes' own JSON schemas
(kubernetes-validate, strict), and the command it runs is one swsync
accepts, giving each pod of the Indexed Job its own shard."""
import pathlib

import kubernetes_validate
import pytest
import yaml
from oslo_log import log

from swsync import config
from swsync.cmd import startup

ROOT = pathlib.Path(__file__).resolve().parents[2]
MANIFEST = ROOT / 'etc' / 'kubernetes' / 'swsync-cronjob.yaml'


@pytest.fixture(autouse=True)
def oslo_log_defaults():
    """Parsing sets swsync's log defaults process-wide; put oslo.log's
    back (the sample config test reads them)."""
    saved = log.get_default_log_levels()
    yield
    log.set_defaults(default_log_levels=saved)


def manifest():
    return yaml.safe_load(MANIFEST.read_text())


def test_manifest_is_valid_kubernetes():
    kubernetes_validate.validate(manifest(),
                                 kubernetes_validate.latest_version(),
                                 strict=True)


def test_manifest_is_an_indexed_job_of_all_its_shards_at_once():
    job = manifest()['spec']['jobTemplate']['spec']
    assert job['completionMode'] == 'Indexed'
    assert job['completions'] == job['parallelism']
    container = job['template']['spec']['containers'][0]
    command = container['command']
    assert command[command.index('--shard-count') + 1] == \
        str(job['completions'])
    env = {e['name']: e for e in container['env']}
    assert 'controller-uid' in \
        env['SWSYNC_RUN_ID']['valueFrom']['fieldRef']['fieldPath']


def test_each_pod_runs_its_own_shard(tmp_path):
    """The manifest's command line, with a real configuration file in
    place of the Secret's, parsed by swsync as a pod would run it."""
    conf_file = tmp_path / 'swsync.conf'
    conf_file.write_text(
        '[origin]\nauth_url = http://o:8080/auth/v1.0\nusername = a:a\n'
        'password = p\n[destination]\nauth_url = http://d:8080/auth/v1.0\n'
        'username = a:a\npassword = p\n[sync]\naccounts = AUTH_a\n')
    conf_file.chmod(0o600)
    job = manifest()['spec']['jobTemplate']['spec']
    command = job['template']['spec']['containers'][0]['command']
    assert command[0] == 'swsync'
    args = [str(conf_file) if a == '/etc/swsync/swsync.conf' else
            str(tmp_path / 'report.json') if a.startswith('/var/lib') else a
            for a in command[1:]]
    seen = set()
    for index in range(job['completions']):
        conf = startup.parse(args, config.SYNC_CLI_OPTS, '', '', 'swsync')
        shard, run_id = config.shard(conf, {
            'JOB_COMPLETION_INDEX': str(index), 'SWSYNC_RUN_ID': 'uid-1'})
        assert (shard.count, run_id) == (job['completions'], 'uid-1')
        seen.add(shard.index)
    assert seen == set(range(job['completions']))
