"""In-memory clusters shared by the engine tests (tests/unit/fakes.py)."""
import pytest

from tests.unit import fakes


@pytest.fixture
def world():
    return fakes.World()


@pytest.fixture
def origin(world):
    return fakes.FakeCluster('origin', world)


@pytest.fixture
def dest(world):
    return fakes.FakeCluster('dest', world)
