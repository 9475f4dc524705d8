"""`paxscreen alerts` on the real embedded broker: what a task force's console prints."""

from __future__ import annotations

import orjson
import pytest
from confluent_kafka import Producer

from paxscreen.cli import main

pytestmark = pytest.mark.e2e


@pytest.fixture
def env(e2e_settings, monkeypatch):
    for key, value in {"PAXSCREEN_KAFKA_BOOTSTRAP": e2e_settings.kafka_bootstrap,
                       "PAXSCREEN_REDIS_URL": e2e_settings.redis_url,
                       "PAXSCREEN_TOPIC_PREFIX": e2e_settings.topic_prefix,
                       "PAXSCREEN_STATE_DIR": e2e_settings.state_dir}.items():
        monkeypatch.setenv(key, value)
    return e2e_settings


def test_a_short_idle_timeout_counts_from_the_group_join(env, capsys) -> None:
    """Joining the console's group takes seconds (~5 on this broker): an idle timeout shorter
    than that still prints the alerts already there."""
    ids = [f"a-{i:024x}" for i in (1, 2)]
    p = Producer({"bootstrap.servers": env.kafka_bootstrap})
    for aid in ids:
        p.produce(env.topic("alerts"), key=aid.encode(), value=orjson.dumps({"alert_id": aid, "kind": "name"}))
    assert p.flush(30) == 0
    assert main(["alerts", "--json", "--idle-timeout", "1"]) == 0
    assert sorted(orjson.loads(line)["alert_id"] for line in capsys.readouterr().out.splitlines()) == ids
