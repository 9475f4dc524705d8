"""`paxscreen disposition` on the real broker and Redis: an unknown alert id needs --force."""

from __future__ import annotations

import orjson
import pytest

from paxscreen.cli import main
from paxscreen.topicrange import read_range

pytestmark = pytest.mark.e2e


def test_an_unknown_alert_is_recorded_with_force_only(e2e_settings, monkeypatch, capsys) -> None:
    for key, value in {"PAXSCREEN_KAFKA_BOOTSTRAP": e2e_settings.kafka_bootstrap,
                       "PAXSCREEN_REDIS_URL": e2e_settings.redis_url,
                       "PAXSCREEN_TOPIC_PREFIX": e2e_settings.topic_prefix}.items():
        monkeypatch.setenv(key, value)
    aid = "a-" + "ab" * 12  # of a batch `paxscreen screen`, say: no worker published it
    assert main(["disposition", aid, "--outcome", "seizure"]) == 2
    assert main(["disposition", aid, "--outcome", "seizure", "--force"]) == 0
    assert f"recorded seizure for alert {aid}" in capsys.readouterr().out
    recorded = [orjson.loads(m.value()) for m in read_range(e2e_settings, [e2e_settings.topic("dispositions")], None)]
    assert [(d["alert_id"], d["outcome"]) for d in recorded] == [(aid, "seizure")]  # once: the refused one is not
