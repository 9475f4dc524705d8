"""Dispositions (validation, codec) and the operation report (counts, precision), on events."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from paxscreen.errors import InvalidMessage, PaxscreenError
from paxscreen.outcomes import (
    DISPOSITION_SCHEMA,
    OUTCOMES,
    OperationReport,
    add_disposition_arguments,
    decode_disposition,
    disposition_record,
    format_report,
    parse_since,
)

A1, A2, A3, A4 = (f"a-{i:024x}" for i in range(1, 5))


def alert(aid: str, kind: str = "risk", profile: str = "couriers", indicators=("paid_cash", "one_way"),
          dataset: str = "risk-rules", airports=("GRU", "LFW", "BRU")) -> bytes:
    entry = {"dataset": dataset}
    if kind == "risk":
        entry |= {"profile": profile, "indicators": list(indicators)}
    return orjson.dumps({"alert_id": aid, "kind": kind, "entry_id": f"{profile}@v1" if kind == "risk" else "e-1",
                         "entry": entry, "airports": list(airports)})


def disp(aid: str, outcome: str, at: str = "2025-04-09T10:00:00Z") -> bytes:
    return orjson.dumps(disposition_record(aid, outcome, at=at))


def test_disposition_record() -> None:
    d = disposition_record(A1, "seizure", note="4 kg", airport="bru", officer="T7", at="2025-04-09T10:00:00Z")
    assert d["schema"] == DISPOSITION_SCHEMA and d["airport"] == "BRU" and d["disposition_id"].startswith("d-")
    assert decode_disposition(orjson.dumps(d)) == d
    assert disposition_record(A1, "arrest")["at"].endswith("Z")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("nope", "seizure"), "alert id 'nope'"),
        ((A1, "seized"), "outcome 'seized' is not one of seizure, arrest, no-action, false-positive"),
        ((A1, "arrest", {"airport": "BRUX"}), "airport 'BRUX'"),
        ((A1, "arrest", {"note": "x" * 2001}), "at most 2000"),
    ],
)
def test_bad_dispositions(args, needle: str) -> None:
    aid, outcome, *kw = args
    with pytest.raises(InvalidMessage) as exc:
        disposition_record(aid, outcome, **(kw[0] if kw else {}))
    assert needle in str(exc.value)


def test_decode_rejects_other_events() -> None:
    with pytest.raises(InvalidMessage):
        decode_disposition(orjson.dumps({"schema": "paxscreen.alert/1"}))
    with pytest.raises(InvalidMessage):
        decode_disposition(b"{not json")


@given(outcome=st.sampled_from(OUTCOMES), note=st.one_of(st.none(), st.text(max_size=50)),
       airport=st.one_of(st.none(), st.sampled_from(["BRU", "lfw", "GRU"])))
def test_disposition_round_trip(outcome, note, airport) -> None:
    d = disposition_record(A2, outcome, note=note, airport=airport, at="2025-01-01T00:00:00Z")
    assert decode_disposition(orjson.dumps(d)) == d


def test_cli_validates_the_outcome() -> None:
    p = argparse.ArgumentParser()
    add_disposition_arguments(p)
    assert p.parse_args([A1, "--outcome", "false-positive"]).outcome == "false-positive"
    with pytest.raises(SystemExit):
        p.parse_args([A1, "--outcome", "maybe"])


def report() -> OperationReport:
    r = OperationReport("2025-04-01T00:00:00+00:00")
    for fmt in ("pnrgov", "pnrgov", "paxlst"):
        r.raw({"paxscreen-format": fmt})
    r.raw({}, b"UNA:+.? 'UNB+IATA:1+X+Y+250101:0000+1'UNH+1+PNRGOV:11:1:IA'")  # no header: sniffed
    r.deadletter(orjson.dumps({"stage": "parse"}))
    for eid, src in (("t-1", "pnrgov"), ("t-2", "paxlst"), ("t-1", "pnrgov")):
        r.traveller(orjson.dumps({"event_id": eid, "source": src}))
    r.booking(orjson.dumps({"booking_id": "b-1"}))
    r.alert(alert(A1))
    r.alert(alert(A2, indicators=("paid_cash",)))
    r.alert(alert(A3, kind="name", dataset="interpol-red-notices", airports=("BOG", "MAD")))
    r.alert(alert(A1))  # a replayed alert counts once
    r.disposition(disp(A1, "no-action", at="2025-04-09T09:00:00Z"))
    r.disposition(disp(A1, "seizure", at="2025-04-09T10:00:00Z"))  # the latest counts
    r.disposition(disp(A2, "false-positive"))
    r.disposition(disp(A3, "arrest"))
    r.disposition(disp(A4, "seizure"))  # an alert before the window
    r.disposition(b"garbage")
    return r


def test_report_counts() -> None:
    s = report().summary()
    assert s["messages"] == {"total": 4, "by_format": {"pnrgov": 3, "paxlst": 1}}
    assert s["deadletters"]["total"] == 1
    assert s["travellers"] == {"screened": 2, "by_source": {"pnrgov": 1, "paxlst": 1}}
    assert s["bookings"] == 1
    assert s["alerts"]["total"] == 3 and s["alerts"]["by_kind"] == {"risk": 2, "name": 1}
    assert s["alerts"]["by_rule"] == {"couriers": 2} and s["alerts"]["by_list"] == {"interpol-red-notices": 1}
    assert s["alerts"]["by_airport"]["BRU"] == 2 and s["alerts"]["by_airport"]["MAD"] == 1
    assert s["dispositions"]["by_outcome"] == {"seizure": 1, "arrest": 1, "no-action": 0, "false-positive": 1}
    assert s["dispositions"]["undispositioned"] == 0 and s["dispositions"]["of_earlier_alerts"] == 1


def test_report_precision_per_rule_indicator_and_list() -> None:
    p = report().summary()["precision"]
    assert p["rules"] == [{"name": "couriers", "alerts": 2, "dispositioned": 2, "seizure": 1, "arrest": 0,
                           "no-action": 0, "false-positive": 1, "precision": 0.5}]
    ind = {r["name"]: (r["alerts"], r["precision"]) for r in p["indicators"]}
    assert ind == {"couriers.paid_cash": (2, 0.5), "couriers.one_way": (1, 1.0)}
    assert [(r["name"], r["precision"]) for r in p["lists"]] == [("interpol-red-notices", 1.0)]
    text = format_report(report().summary())
    assert "precision by risk profiles" in text and "couriers.one_way" in text and "interpol-red-notices" in text


def test_precision_without_dispositions_is_none() -> None:
    r = OperationReport()
    r.alert(alert(A1))
    (row,) = r.summary()["precision"]["rules"]
    assert row["precision"] is None and row["dispositioned"] == 0
    assert format_report(r.summary()).rstrip().endswith("        -")


NOW = datetime(2025, 4, 9, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None), ("all", None),
        ("24h", datetime(2025, 4, 8, 12, 0, tzinfo=UTC)),
        ("7d", datetime(2025, 4, 2, 12, 0, tzinfo=UTC)),
        ("30m", datetime(2025, 4, 9, 11, 30, tzinfo=UTC)),
        ("2025-04-01", datetime(2025, 4, 1, tzinfo=UTC)),
        ("2025-04-01T06:00+02:00", datetime(2025, 4, 1, 4, 0, tzinfo=UTC)),
        ("2025-04-01T06:00Z", datetime(2025, 4, 1, 6, 0, tzinfo=UTC)),
    ],
)
def test_parse_since(value, expected) -> None:
    got = parse_since(value, now=NOW)
    assert got == expected


@pytest.mark.parametrize("value", ["yesterday", "24x", "-3h"])
def test_parse_since_rejects(value: str) -> None:
    with pytest.raises(PaxscreenError) as exc:
        parse_since(value, now=NOW)
    assert repr(value) in str(exc.value)


def test_a_disposition_of_an_alert_never_published_is_refused(server, monkeypatch, capsys) -> None:
    """Checked in the alert ledger (Redis) before Kafka is asked: a typo'd id is not recorded."""
    from paxscreen.cli import main
    from streams.ledger import AlertLedger

    monkeypatch.setenv("PAXSCREEN_REDIS_URL", server.url)
    monkeypatch.setenv("PAXSCREEN_KAFKA_BOOTSTRAP", "127.0.0.1:1")  # not reached
    monkeypatch.setenv("PAXSCREEN_TOPIC_PREFIX", "tdisp")
    AlertLedger(server.client(), "tdisp").record([A1])
    assert main(["disposition", A2, "--outcome", "seizure"]) == 2
    assert capsys.readouterr().err == (
        f"paxscreen disposition: error: alert {A2!r} is not in the alert ledger: no worker published it in the "
        "last 30 days (a typo? `paxscreen alerts --json` shows the ids); --force records it all the same\n")
    from paxscreen.outcomes import alert_published
    from paxscreen.settings import from_env

    assert alert_published(from_env(), A1) and not alert_published(from_env(), A2)
