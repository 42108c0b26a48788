"""The committed sample configs are what oslo-config-generator makes now.

An option added or changed in ``swsync/config.py`` or
``swfiller/config.py`` (or a new oslo.log) without ``tox -e genconfig``
fails here, so the samples operators read never drift from the code.
"""
import difflib
import io
import pathlib

import pytest
from oslo_config import cfg
from oslo_config import generator

ROOT = pathlib.Path(__file__).resolve().parents[2]


def generate(command):
    """The sample as ``oslo-config-generator --config-file
    etc/<command>-config-generator.conf`` writes it (namespaces from the
    installed ``oslo.config.opts`` entry points)."""
    conf = cfg.ConfigOpts()
    generator.register_cli_opts(conf)
    conf(['--config-file',
          str(ROOT / 'etc' / ('%s-config-generator.conf' % command))],
         default_config_files=[], default_config_dirs=[])
    out = io.StringIO()
    generator.generate(conf, output_file=out)
    return out.getvalue()


@pytest.mark.parametrize('command', ['swsync', 'swfiller'])
def test_committed_sample_config_is_current(command):
    path = ROOT / 'etc' / ('%s.conf.sample' % command)
    generated = generate(command)
    committed = path.read_text()
    if generated != committed:
        diff = ''.join(difflib.unified_diff(
            committed.splitlines(True), generated.splitlines(True),
            'etc/%s (committed)' % path.name,
            'etc/%s (generated)' % path.name))
        pytest.fail('%s is out of date: run "tox -e genconfig" and commit '
                    'the result.\n%s' % (path.relative_to(ROOT), diff))
