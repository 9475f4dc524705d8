"""``paxscreen rules`` (check, load, status, show) and the task-force topic helpers."""

from __future__ import annotations

import argparse
import io
import uuid
from pathlib import Path

import pytest

from paxscreen.errors import InvalidRecord, PaxscreenError
from paxscreen.kafka import TOPICS, taskforce_topic
from paxscreen.risk import STARTER_RULES, add_arguments, run
from paxscreen.settings import Settings
from paxscreen.taskforce import taskforce_topics

SAMPLES = Path(__file__).resolve().parents[2] / "paxscreen/samples/pnrgov"


def parse(*argv: str) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    add_arguments(p)
    return p.parse_args(argv)


def test_check_scores_sample_bookings() -> None:
    out = io.StringIO()
    assert run(parse("check", str(STARTER_RULES), str(SAMPLES)), out) == 0
    text = out.getvalue()
    assert "valid, version" in text and "threshold 12 of 25.5 points" in text
    assert "7XKQ4D traveller 1 SN2880/GRU/2025-04-08: couriers-latam-africa-europe 19.5/12 points, ALERT" in text
    assert text.count("no alert") == 3  # the family of three
    assert "TAVARES" not in text  # no names


def test_check_reports_a_bad_file(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(STARTER_RULES.read_text().replace("field: paid_cash", "field: paid_in_cash"))
    with pytest.raises(InvalidRecord) as exc:
        run(parse("check", str(bad)), io.StringIO())
    assert "bad.yaml" in str(exc.value) and "'paid_cash'" in str(exc.value) and "'paid_in_cash'" in str(exc.value)
    with pytest.raises(PaxscreenError):
        run(parse("check", str(tmp_path / "missing.yaml")), io.StringIO())


def test_load_status_show(server, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PAXSCREEN_REDIS_URL", server.url)
    monkeypatch.setenv("PAXSCREEN_TOPIC_PREFIX", "t" + uuid.uuid4().hex[:8])
    monkeypatch.setenv("PAXSCREEN_STATE_DIR", str(tmp_path))
    out = io.StringIO()
    assert run(parse("status"), out) == 1 and "no targeting rules loaded" in out.getvalue()
    out = io.StringIO()
    assert run(parse("load", str(STARTER_RULES)), out) == 0 and "now active" in out.getvalue()
    assert run(parse("load", str(STARTER_RULES)), out) == 0 and "unchanged" in out.getvalue()
    out = io.StringIO()
    assert run(parse("status"), out) == 0 and "couriers-latam-africa-europe" in out.getvalue()
    out = io.StringIO()
    assert run(parse("show"), out) == 0 and out.getvalue() == STARTER_RULES.read_text()
    with pytest.raises(PaxscreenError):
        run(parse("show", "nosuchversion"), io.StringIO())


def test_taskforce_topics() -> None:
    s = Settings(topic_prefix="px")
    assert taskforce_topic(s, "bru") == "px.taskforce.BRU"
    assert taskforce_topics(s, ["BRU", "lfw", "BRU"]) == ["px.taskforce.BRU", "px.taskforce.LFW"]
    with pytest.raises(PaxscreenError):
        taskforce_topics(s, ["BRUX"])
    assert "dispositions" in {t.name for t in TOPICS}
