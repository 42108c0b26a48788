"""What an operator or a packager gets from the built distributions.

``tox -e packaging`` runs these: they build the sdist and, from it, the
wheel (``python -m build``, as a packager would), check what the sdist
carries, then install the wheel into a fresh virtualenv and run the
commands from there. About a minute, most of it installing the
dependencies.
"""
import os
import pathlib
import subprocess
import sys
import tarfile
import venv

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLES = ('swsync.conf.sample', 'swfiller.conf.sample')


def run(*cmd, **kwargs):
    return subprocess.run([str(c) for c in cmd], check=True,
                          capture_output=True, text=True, **kwargs)


@pytest.fixture(scope='module')
def dists(tmp_path_factory):
    """(sdist, wheel) paths; the wheel is built from the sdist."""
    out = tmp_path_factory.mktemp('dist')
    try:
        run(sys.executable, '-m', 'build', '--outdir', out, ROOT)
    except subprocess.CalledProcessError as exc:
        pytest.fail('python -m build failed:\n%s\n%s' % (exc.stdout[-3000:],
                                                         exc.stderr[-3000:]))
    sdist, = out.glob('swiftsync-*.tar.gz')
    wheel, = out.glob('swiftsync-*.whl')
    return sdist, wheel


@pytest.fixture(scope='module')
def installed(dists, tmp_path_factory):
    """A fresh virtualenv with the wheel installed: its directory."""
    env = tmp_path_factory.mktemp('venv')
    venv.create(env, with_pip=True, clear=True)
    run(env / 'bin' / 'pip', 'install', '-q', dists[1])
    return env


def sdist_names(sdist):
    with tarfile.open(sdist) as tar:
        # Names without the leading swiftsync-<version>/
        return {name.split('/', 1)[1] for name in tar.getnames()
                if '/' in name}


def test_sdist_carries_what_operators_and_packagers_need(dists):
    names = sdist_names(dists[0])
    expected = [
        'LICENSE', 'README.rst', 'CONTRIBUTING.rst', 'Makefile', 'tox.ini',
        'setup.cfg', 'setup.py', 'pyproject.toml',
        'etc/swsync.conf.sample', 'etc/swfiller.conf.sample',
        'etc/swsync-config-generator.conf',
        'etc/swfiller-config-generator.conf',
        'doc/requirements.txt', 'doc/source/conf.py', 'doc/source/index.rst',
        'doc/benchmarks.rst',
        'releasenotes/source/conf.py',
        'tests/unit/test_swsync_decide.py',
        'tests/functional/conftest.py',
        'tools/saio.py',
        'swsync/cli.py', 'swfiller/cli.py',
    ]
    missing = [name for name in expected if name not in names]
    assert not missing, 'missing from %s: %s' % (dists[0].name, missing)
    assert any(name.startswith('releasenotes/notes/') and
               name.endswith('.yaml') for name in names)


def test_wheel_installs_both_commands(installed):
    for command in ('swsync', 'swfiller'):
        result = subprocess.run([str(installed / 'bin' / command), '--help'],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert 'usage: %s' % command in result.stdout


def test_wheel_installs_sample_configs_under_prefix_etc(installed):
    for name in SAMPLES:
        path = installed / 'etc' / 'swiftsync' / name
        assert path.is_file(), '%s not installed' % path
        assert path.read_text() == (ROOT / 'etc' / name).read_text()


def test_wheel_registers_config_options_for_the_generator(installed):
    """Packagers regenerate the samples with oslo-config-generator and
    the installed entry points: it gives the shipped sample."""
    result = run(installed / 'bin' / 'oslo-config-generator',
                 '--namespace', 'swsync', '--namespace', 'oslo.log',
                 '--wrap-width', '79', cwd=os.sep)
    shipped = installed / 'etc' / 'swiftsync' / 'swsync.conf.sample'
    assert result.stdout == shipped.read_text()
