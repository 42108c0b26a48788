import setuptools

# pbr reads setup.cfg (see pyproject.toml).
setuptools.setup(
    setup_requires=['pbr>=6.1.1'],
    pbr=True)
