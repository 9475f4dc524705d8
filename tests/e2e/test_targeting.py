"""End to end: PNRGOV through the real broker and a real worker to routed risk alerts; a rules
change picked up by the running worker; a disposition reflected in the operation report."""

from __future__ import annotations

import argparse
import dataclasses
import io
import urllib.request

import orjson
import pytest
from confluent_kafka.admin import AdminClient
from conftest import SAMPLES, WorkerProcess, wait_for
from e2e.kafkautil import TopicReader, produce_raw

from matchers.rules_store import RulesStore
from paxscreen.jobs import redis_client
from paxscreen.kafka import taskforce_topic
from paxscreen.outcomes import collect_report, format_report, run_disposition
from paxscreen.risk import STARTER_RULES
from paxscreen.taskforce import follow_taskforce
from paxscreen.topicrange import read_range

pytestmark = pytest.mark.e2e

COURIER = SAMPLES / "pnrgov" / "sn2880_gru_lfw_bru_oneway_cash.edi"
FAMILY = SAMPLES / "pnrgov" / "av010_bog_mad_return_family.edi"
PROFILE = "couriers-latam-africa-europe"


@pytest.fixture
def tworker(e2e_settings, tmp_path):
    """A worker that checks the rules version every second."""
    w = WorkerProcess(dataclasses.replace(e2e_settings, rules_reload_seconds=1.0), tmp_path / "worker.log")
    yield w
    w.stop()


def risk_alerts(records) -> list[dict]:
    return [a for a in (orjson.loads(r.value()) for r in records) if a["kind"] == "risk"]


def wait_topic(settings, name: str, worker) -> None:
    admin = AdminClient({"bootstrap.servers": settings.kafka_bootstrap})

    def exists() -> bool:
        assert worker.proc.poll() is None, worker.log()
        return name in admin.list_topics(timeout=5).topics

    wait_for(exists, 60, 0.5, f"topic {name}")


def metric(settings, name: str) -> float:
    """A counter's value from the worker's /metrics (0 until the worker serves them)."""
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{settings.metrics_port}/metrics", timeout=5).read().decode()
    except OSError:
        return 0.0
    return sum(float(line.split()[-1]) for line in body.splitlines() if line.startswith((name + " ", name + "{")))


def test_pnrgov_to_routed_risk_alert_and_disposition_in_report(e2e_settings, tworker, monkeypatch) -> None:
    rules, _ = RulesStore(redis_client(e2e_settings), e2e_settings.topic_prefix).load(STARTER_RULES.read_text())
    alerts = TopicReader(e2e_settings, "alerts")
    tworker.start()
    produce_raw(e2e_settings, [(COURIER.name, COURIER.read_bytes()), (FAMILY.name, FAMILY.read_bytes())])
    try:
        got = risk_alerts(alerts.wait_until(lambda rs: risk_alerts(rs), 90, "a risk alert", tworker))
        alerts.poll_for(2.0)
        got = risk_alerts(alerts.records)
    finally:
        alerts.close()
    assert len(got) == 1, tworker.log()  # the courier; not the family
    alert = got[0]
    assert alert["entry_id"] == f"{PROFILE}@{rules.version}"
    assert alert["airports"] == ["GRU", "LFW", "BRU"]
    assert alert["passenger"]["surname"] == "TAVARES DOS REIS"
    fired = {e["feature"] for e in alert["explanation"]}
    assert {f"{PROFILE}.paid_cash", f"{PROFILE}.one_way", f"{PROFILE}.transit_west_central_africa"} <= fired
    assert alert["entry"]["links"]["pnr_locator"] == "7XKQ4D"
    assert alert["entry"]["links"]["traveller_event_id"] == alert["traveller_event_id"]
    names = [taskforce_topic(e2e_settings, a) for a in ("BRU", "LFW", "GRU")]
    for name in names:
        wait_topic(e2e_settings, name, tworker)

    def routed() -> dict:
        recs = list(read_range(e2e_settings, names, None, timeout=30))
        return {r.topic(): r for r in recs if orjson.loads(r.value())["alert_id"] == alert["alert_id"]}

    copies = wait_for(lambda: len(routed()) == 3 and routed(), 30, 0.5, "the alert on the three task-force topics")
    for rec in copies.values():
        assert rec.key().decode() == alert["alert_id"]  # keyed by alert_id: idempotent republish
        assert orjson.loads(rec.value()) == orjson.loads(orjson.dumps(alert))  # the alert, unchanged
    assert metric(e2e_settings, "paxscreen_bookings_evaluated_total") == 2
    feed = follow_taskforce(e2e_settings, ["bru"], idle_timeout=30)  # `paxscreen alerts --airport BRU`
    try:
        assert next(feed)["alert_id"] == alert["alert_id"]
    finally:
        feed.close()

    for key, value in {
        "PAXSCREEN_KAFKA_BOOTSTRAP": e2e_settings.kafka_bootstrap,
        "PAXSCREEN_REDIS_URL": e2e_settings.redis_url,
        "PAXSCREEN_TOPIC_PREFIX": e2e_settings.topic_prefix,
    }.items():
        monkeypatch.setenv(key, value)
    out = io.StringIO()
    args = argparse.Namespace(alert_id=alert["alert_id"], outcome="seizure", note="4 kg in lining", airport="BRU", officer=None)
    assert run_disposition(args, out) == 0 and "recorded seizure" in out.getvalue()
    summary = collect_report(e2e_settings, None).summary()
    assert summary["messages"]["by_format"] == {"pnrgov": 2}
    assert summary["bookings"] == 2 and summary["travellers"]["screened"] == 4
    assert summary["alerts"]["by_kind"] == {"risk": 1} and summary["alerts"]["by_rule"] == {PROFILE: 1}
    assert summary["dispositions"]["by_outcome"]["seizure"] == 1
    row = summary["precision"]["rules"][0]
    assert (row["name"], row["alerts"], row["dispositioned"], row["seizure"], row["precision"]) == (PROFILE, 1, 1, 1, 1.0)
    assert {r["name"] for r in summary["precision"]["indicators"]} >= {f"{PROFILE}.paid_cash"}
    assert PROFILE in format_report(summary)


def test_rules_change_is_picked_up_by_the_running_worker(e2e_settings, tworker) -> None:
    store = RulesStore(redis_client(e2e_settings), e2e_settings.topic_prefix)
    strict = STARTER_RULES.read_text().replace("threshold: 12", "threshold: 25")
    v1, _ = store.load(strict, source="strict.yaml")
    alerts = TopicReader(e2e_settings, "alerts")
    tworker.start()
    produce_raw(e2e_settings, [(COURIER.name, COURIER.read_bytes())])
    try:
        wait_for(lambda: metric(e2e_settings, "paxscreen_bookings_evaluated_total") >= 1, 90, 0.5, "the booking evaluated")
        alerts.poll_for(1.0)
        assert risk_alerts(alerts.records) == []  # 19.5 points < 25
        v2, changed = store.load(STARTER_RULES.read_text(), source="couriers.yaml")
        assert changed and v2.version != v1.version
        wait_for(lambda: metric(e2e_settings, "paxscreen_rules_reloads_total") >= 2, 30, 0.5, "the worker to reload")
        produce_raw(e2e_settings, [(COURIER.name, COURIER.read_bytes())])  # the airline pushes the PNR again
        got = risk_alerts(alerts.wait_until(lambda rs: risk_alerts(rs), 60, "a risk alert under the new rules", tworker))
    finally:
        alerts.close()
    assert [a["entry"]["rules_version"] for a in got] == [v2.version]
    assert got[0]["entry"]["threshold"] == 12
