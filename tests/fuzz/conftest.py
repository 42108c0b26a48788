"""The real clusters of the functional tests, for the fuzz tier."""
from tests.functional.conftest import *  # noqa: F401,F403
