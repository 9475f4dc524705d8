"""The embedded stack from a relative working directory (as `paxscreen evaluate`'s default
``--out .paxscreen/benchmark`` gives it): redis-server must still start and answer."""

from __future__ import annotations

from pathlib import Path

import redis

from paxscreen.devstack import start_stack


def test_redis_starts_in_a_relative_workdir(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    stack = start_stack(kafka=False, redis=True, workdir=Path(".paxscreen") / "stack")
    try:
        client = redis.Redis.from_url(stack.redis_url)
        assert client.ping()
        assert (tmp_path / ".paxscreen" / "stack" / "redis.log").exists()
    finally:
        stack.stop()
