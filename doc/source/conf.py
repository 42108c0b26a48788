# Sphinx configuration of the documentation (tox -e docs).
import importlib.metadata

project = 'swiftsync'
copyright = 'swiftsync developers'
author = 'swiftsync developers'
try:
    release = importlib.metadata.version('swiftsync')
except importlib.metadata.PackageNotFoundError:
    release = ''
version = release

extensions = [
    # ".. show-options::": the options of the oslo.config.opts entry
    # points, so the reference cannot drift from the code.
    'oslo_config.sphinxext',
]
master_doc = 'index'
exclude_patterns = ['_build']
html_theme = 'alabaster'
