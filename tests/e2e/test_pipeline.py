"""End to end on the real embedded broker (Tansu) and a real redis-server: watchlist in Redis,
PAXLST through Kafka, a real `paxscreen worker` process, alerts and dead letters out."""

from __future__ import annotations

import base64
import collections
import io

import orjson
import pytest

from e2e.kafkautil import TopicReader, metric, produce_raw
from e2e.scenario import HITS, manifests, write_watchlist
from paxscreen.jobs import load_watchlist

pytestmark = pytest.mark.e2e


def alerts_by_key(records) -> dict:
    out = {}
    for r in records:
        a = orjson.loads(r.value())
        out.setdefault((a["flight"]["number"], a["passenger"]["surname"]), a)
    return out


def test_manifests_in_explained_alerts_out(e2e_settings, worker, tmp_path) -> None:
    load_watchlist(e2e_settings, str(write_watchlist(tmp_path / "wl.jsonl")), show_progress=False)
    messages, expected = manifests(n_flights=6, pax_per_flight=12)
    alerts = TopicReader(e2e_settings, "alerts")
    worker.start()
    produce_raw(e2e_settings, messages)
    try:
        records = alerts.wait_until(lambda rs: len(alerts_by_key(rs)) >= len(expected), 90, "the expected alerts", worker)
        alerts.poll_for(3.0)  # anything extra (a false alert) would arrive now
    finally:
        alerts.close()
    got = alerts_by_key(records)
    assert {k: (a["entry_id"], a["kind"]) for k, a in got.items()} == expected, worker.log()
    for a in got.values():
        assert 0.0 <= a["score"] <= 1.0
        assert a["alert_id"].startswith("a-") and a["entry_id"] and a["event_time"] and a["screened_at"]
        assert set(a["passenger"]) >= {"surname", "given_names", "date_of_birth", "sex", "nationality",
                                       "document_number", "document_country"}
        assert a["flight"]["departure_airport"] in a["airports"] and a["flight"]["arrival_airport"] in a["airports"]
        assert a["explanation"] and all(e["detail"] and 0 <= e["score"] <= 1 for e in a["explanation"])
    transit = got[("XZ100", "JALLOW")]
    assert transit["airports"] == ["GRU", "LFW", "BRU"]  # departure, transit and arrival task forces
    features = {e["feature"] for e in transit["explanation"]}
    assert any("name" in f for f in features) and any("birth" in f or "dob" in f for f in features)
    assert len({a["alert_id"] for a in got.values()}) == len(got)


def test_malformed_message_lands_in_dead_letter_topic(e2e_settings, worker, tmp_path) -> None:
    load_watchlist(e2e_settings, str(write_watchlist(tmp_path / "wl.jsonl")), show_progress=False)
    bad = b"UNA:+.? 'UNB+UNOA:4+X+Y+261201:0600+1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'TDT+20+XZ1'DTM+189:99999999:201'"
    garbage = b"\x00\xffthis is not an airline message"
    good, _ = manifests(n_flights=1, pax_per_flight=3)
    (name, data), = good
    good = [(name, data.replace(b"CNT+42:3'", b"CNT+42:4'"))]  # sloppy, read all the same: a warning
    dead = TopicReader(e2e_settings, "deadletter")
    travellers = TopicReader(e2e_settings, "travellers")
    worker.start()
    produce_raw(e2e_settings, [("bad.edi", bad), ("garbage.bin", garbage), *good])
    try:
        records = dead.wait_until(lambda rs: len(rs) >= 2, 90, "two dead letters", worker)
        travellers.wait_until(lambda rs: len(rs) >= 3, 60, "the good manifest's travellers")
    finally:
        dead.close()
        travellers.close()
    letters = {d["source"]["headers"]["paxscreen-source"]: d for d in (orjson.loads(r.value()) for r in records)}
    assert set(letters) == {"bad.edi", "garbage.bin"}
    assert base64.b64decode(letters["bad.edi"]["raw_base64"]) == bad
    assert base64.b64decode(letters["garbage.bin"]["raw_base64"]) == garbage
    for d in letters.values():
        assert d["source"]["topic"] == e2e_settings.topic("raw")
        assert isinstance(d["source"]["offset"], int) and isinstance(d["source"]["partition"], int)
        assert d["reason"] and d["stage"] == "parse"
    assert letters["bad.edi"]["error"]["segment"] is not None
    assert metric(e2e_settings.metrics_port, "paxscreen_message_warnings_total") == 1  # the count off

    # operators list them with `paxscreen deadletter` and can replay the raw bytes once fixed
    from paxscreen.deadletters import read_deadletters, replay

    listed = list(read_deadletters(e2e_settings))
    assert sorted(d["raw"] for d in listed) == sorted([bad, garbage])
    out = io.StringIO()
    assert replay(e2e_settings, listed, out) == 0 and "replayed 2" in out.getvalue()
    again = TopicReader(e2e_settings, "deadletter")
    try:
        records = again.wait_until(lambda rs: len(rs) >= 4, 60, "the replayed messages to fail again", worker)
    finally:
        again.close()
    replays = [d for d in map(orjson.loads, (r.value() for r in records)) if "paxscreen-replay-of" in d["source"]["headers"]]
    assert sorted(base64.b64decode(d["raw_base64"]) for d in replays) == sorted([bad, garbage])


def test_a_message_near_the_size_limit_is_dead_lettered_whole(e2e_settings, worker, tmp_path) -> None:
    """A dead letter is a third larger than its raw message (base64): a 900 KB unreadable file
    still lands there whole, and the stream goes on."""
    big = b"NOT EDIFACT " + bytes(range(256)) * 3500  # ~900 KB
    good, _ = manifests(n_flights=1, pax_per_flight=3)
    (name, data), = good
    good = [(name, data.replace(b"CNT+42:3'", b"CNT+42:4'"))]  # sloppy, read all the same: a warning
    dead = TopicReader(e2e_settings, "deadletter")
    travellers = TopicReader(e2e_settings, "travellers")
    worker.start()
    produce_raw(e2e_settings, [("big.bin", big), *good])
    try:
        records = dead.wait_until(lambda rs: len(rs) >= 1, 90, "the dead letter", worker)
        travellers.wait_until(lambda rs: len(rs) >= 3, 60, "the good manifest's travellers", worker)
    finally:
        dead.close()
        travellers.close()
    letter = orjson.loads(records[0].value())
    assert len(records[0].value()) > 1_000_000
    assert base64.b64decode(letter["raw_base64"]) == big and letter["raw_bytes"] == len(big)


def test_worker_killed_mid_stream_yields_no_duplicate_alert(e2e_settings, worker, tmp_path) -> None:
    load_watchlist(e2e_settings, str(write_watchlist(tmp_path / "wl.jsonl")), show_progress=False)
    messages, expected = manifests(n_flights=60, pax_per_flight=40, seed=11)
    alerts = TopicReader(e2e_settings, "alerts")
    screened = TopicReader(e2e_settings, "travellers")
    produce_raw(e2e_settings, messages)
    worker.start()
    try:
        # crash once the worker is demonstrably mid-stream: some travellers out, not all
        screened.wait_until(lambda rs: len(rs) >= 200, 90, "the worker to be mid-stream", worker)
        worker.kill()
        worker.start()
        records = alerts.wait_until(lambda rs: len(alerts_by_key(rs)) >= len(expected), 120, "every alert after restart", worker)
        alerts.poll_for(4.0)
    finally:
        alerts.close()
        screened.close()
    got = alerts_by_key(records)
    assert {k: (a["entry_id"], a["kind"]) for k, a in got.items()} == expected, worker.log()
    ids = collections.Counter(orjson.loads(r.value())["alert_id"] for r in records)
    assert len(ids) == len(expected)  # one distinct alert_id per (traveller, entry): no doubled alert
    # records sharing an id are the same alert (a republish inside the crash window), never a new one
    by_id = collections.defaultdict(set)
    for r in records:
        a = orjson.loads(r.value())
        by_id[a["alert_id"]].add((a["entry_id"], a["kind"], a["traveller_event_id"]))
    assert all(len(v) == 1 for v in by_id.values())
    assert len(HITS) == len(expected)
