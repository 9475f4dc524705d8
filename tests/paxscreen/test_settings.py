from __future__ import annotations

import pytest

from paxscreen.errors import ConfigError
from paxscreen.settings import Settings, from_env


def test_defaults() -> None:
    s = from_env({})
    assert s == Settings()
    assert s.topic("raw") == "paxscreen.raw"


@pytest.mark.parametrize(
    ("env", "field", "value"),
    [
        ({"PAXSCREEN_PARTITIONS": "12"}, "partitions", 12),
        ({"PAXSCREEN_NAME_THRESHOLD": "0.9"}, "name_threshold", 0.9),
        ({"PAXSCREEN_KAFKA_BOOTSTRAP": "k1:9092,k2:9092"}, "kafka_bootstrap", "k1:9092,k2:9092"),
        ({"PAXSCREEN_TOPIC_PREFIX": "cdg"}, "topic_prefix", "cdg"),
        ({"OTHER": "x"}, "partitions", 4),
        ({"PAXSCREEN_CACHE_ENTRIES": "50000"}, "cache_entries", 50_000),
        ({"PAXSCREEN_CACHE_TOKENS": "200000"}, "cache_tokens", 200_000),
        ({"PAXSCREEN_EVENT_LOOP": "asyncio"}, "event_loop", "asyncio"),
    ],
)
def test_reads_environment(env: dict, field: str, value: object) -> None:
    assert getattr(from_env(env), field) == value


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"PAXSCREEN_PARTITIONS": "four"}, "PAXSCREEN_PARTITIONS='four'"),
        ({"PAXSCREEN_NAME_THRESHOLD": "1.5"}, "PAXSCREEN_NAME_THRESHOLD"),
        ({"PAXSCREEN_NO_SUCH_THING": "1"}, "PAXSCREEN_NO_SUCH_THING"),
        ({"PAXSCREEN_CACHE_TOKENS": "10"}, "PAXSCREEN_CACHE_TOKENS=10 must be at least 1000"),
        ({"PAXSCREEN_EVENT_LOOP": "trio"}, "PAXSCREEN_EVENT_LOOP='trio' must be one of uvloop, asyncio"),
        ({"PAXSCREEN_CACHE_SCREENED": "-1"}, "PAXSCREEN_CACHE_SCREENED=-1 must be 0 (keep none) or more"),
        ({"PAXSCREEN_SCREENED_TTL": "-5"}, "PAXSCREEN_SCREENED_TTL=-5 must be 0 (keep none) or more"),
        ({"PAXSCREEN_BATCH_TIMEOUT": "-0.1"}, "PAXSCREEN_BATCH_TIMEOUT=-0.1 must be 0 (no wait) or more seconds"),
        ({"PAXSCREEN_BATCH_GAP": "nan"}, "PAXSCREEN_BATCH_GAP=nan must be 0 (no wait) or more seconds"),
    ],
)
def test_bad_values_name_the_variable(env: dict, needle: str) -> None:
    with pytest.raises(ConfigError) as exc:
        from_env(env)
    assert needle in str(exc.value)


def test_with_stack_needs_addresses(tmp_path) -> None:
    s = Settings(state_dir=str(tmp_path))
    with pytest.raises(ConfigError) as exc:
        s.with_stack()
    assert "PAXSCREEN_KAFKA_BOOTSTRAP" in str(exc.value) and "paxscreen dev" in str(exc.value)
    full = Settings(kafka_bootstrap="k:1", redis_url="redis://r:2/0", state_dir=str(tmp_path))
    assert full.with_stack() is full


def test_with_stack_reads_live_dev_state(tmp_path) -> None:
    import json
    import os

    (tmp_path / "dev.json").write_text(
        json.dumps({"pid": os.getpid(), "kafka_bootstrap": "127.0.0.1:1", "redis_url": "redis://127.0.0.1:2/0"})
    )
    s = Settings(state_dir=str(tmp_path)).with_stack()
    assert (s.kafka_bootstrap, s.redis_url) == ("127.0.0.1:1", "redis://127.0.0.1:2/0")


def test_the_worker_event_loop_is_the_one_asked_for() -> None:
    import asyncio

    import uvloop

    from paxscreen.jobs import use_event_loop

    try:
        assert use_event_loop("uvloop") == "uvloop"
        loop = asyncio.new_event_loop()
        assert isinstance(loop, uvloop.Loop)
        loop.close()
        assert use_event_loop("asyncio") == "asyncio"
        loop = asyncio.new_event_loop()
        assert not isinstance(loop, uvloop.Loop)
        loop.close()
    finally:
        asyncio.set_event_loop_policy(None)
