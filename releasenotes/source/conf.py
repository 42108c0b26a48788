# Sphinx configuration of the release notes (tox -e releasenotes).
# The notes are YAML files in releasenotes/notes/, written with
# "reno new <slug>"; reno's extension reads them from git.

project = 'swiftsync Release Notes'
copyright = 'swiftsync developers'
author = 'swiftsync developers'

extensions = ['reno.sphinxext']
master_doc = 'index'
exclude_patterns = ['_build']
html_theme = 'alabaster'
