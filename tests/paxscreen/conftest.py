"""Fixtures of the paxscreen tests: a real redis-server (tests/matchers/conftest.py's), one per
test module."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.append(str(Path(__file__).parent))

from redis_helper import start_redis_server  # noqa: E402


@pytest.fixture(scope="module")
def server():
    s = start_redis_server()
    yield s
    s.stop()
