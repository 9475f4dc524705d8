"""Screening: alerts from travellers and candidates (pure), and through the Redis store."""

from __future__ import annotations

import pytest
from matcher_factories import FLIGHT, pax, person, stolen

from matchers.screening import Screener, screen_against
from matchers.store import Candidate, WatchlistStore
from paxscreen.codec import alert_id, decode_alert, encode_alert, flight_dict
from paxscreen.settings import Settings

S = Settings()
NOW = "2024-03-01T22:00:05.000Z"


def test_alert_carries_the_contract() -> None:
    t = pax("DIALLO", "MOHAMED", dob="1975-03-04", nat="SEN", sex="M", doc="A01234567", country="SEN")
    e = person("Mohammed Jallow", dob="1975", nat="SEN", id="NK-1", dataset="interpol")
    (alert,) = screen_against([t], [[Candidate(e, "interpol", "v1")]], S, now=NOW)
    assert alert.alert_id == alert_id(t.event_id, "NK-1", "name")
    assert alert.kind == "name" and alert.score >= S.name_threshold
    assert alert.entry_id == "NK-1" and alert.traveller_event_id == t.event_id
    assert alert.passenger == {
        "surname": "DIALLO", "given_names": "MOHAMED", "date_of_birth": "1975-03-04", "sex": "M",
        "nationality": "SEN", "document_number": "A01234567", "document_country": "SEN",
    }
    assert alert.flight == flight_dict(FLIGHT)
    assert alert.airports == ("DSS", "CDG")
    assert [f.feature for f in alert.explanation] == ["name_similarity", "birth_date", "nationality", "sex", "name_gender"]
    assert alert.event_time == t.received_at and alert.screened_at == NOW
    assert alert.entry == {"caption": "Mohammed Jallow", "dataset": "interpol", "reason": "test listing", "schema": "Person"}
    assert alert.watchlist_version == "v1"
    assert decode_alert(encode_alert(alert)).alert_id == alert.alert_id


def test_one_alert_per_traveller_and_entry_with_the_best_kind() -> None:
    t = pax("SMITH", "JOHN", doc="YY3478621G", country="FRA")
    e = person("John Smith", docs=(("YY3478621G", "FRA"),), id="js")
    alerts = screen_against([t], [[e, e]], S, now=NOW)
    assert [(a.kind, a.entry_id) for a in alerts] == [("document", "js")]


def test_a_one_name_traveller_whose_given_name_field_repeats_it_matches_the_one_name() -> None:
    t = pax("SUKARNO", "SUKARNO", dob="1961-06-06", nat="IDN")
    e = person("Sukarno", dob="1961-06-06", nat="IDN", id="mono")
    assert [(a.kind, a.entry_id) for a in screen_against([t], [[e]], S, now=NOW)] == [("name", "mono")]
    twice = person("Sukarno Sukarno", dob="1961-06-06", nat="IDN", id="twice")
    assert [a.entry_id for a in screen_against([t], [[twice]], S, now=NOW)] == ["twice"]


def test_alert_ids_are_deterministic_across_runs() -> None:
    t = pax("CAMARA", "YOUSSEF", event_id="t-fixed")
    e = person("Yusuf Kamara", id="e-fixed")
    first = screen_against([t], [[e]], S, now=NOW)
    second = screen_against([t], [[e]], S, now="2030-01-01T00:00:00Z")
    assert [a.alert_id for a in first] == [a.alert_id for a in second] == [alert_id("t-fixed", "e-fixed", "name")]


def test_only_matches_above_threshold_alert_and_best_first() -> None:
    t = pax("SMITH", "JOHN", dob="1970-05-01", nat="GBR")
    cands = [person("John Smythe", dob="1980-05-01", nat="USA", id="namesake"), person("Jon Smith", id="weak"),
             person("John Smith", dob="1970-05-01", id="strong")]
    alerts = screen_against([t], [cands], S, now=NOW)
    assert [a.entry_id for a in alerts] == ["strong", "weak"]
    assert alerts[0].score >= alerts[1].score


def test_gtas_crew_sharing_123456789_raise_no_alert() -> None:
    crew = [pax(s, g, doc="123456789", country="GBR", sex=x, dob=d) for s, g, x, d in [
        ("Steur", "Andrea Pat", "F", "1978-07-06"), ("Adomat", "Julie Pat", "F", "1978-07-07"),
        ("Nalek", "Clifton Pat", "M", "1978-07-08"), ("Meissener", "Costa Pat", "M", "1978-07-09"),
        ("Pelzing", "Melissa Pat", "F", "1978-07-10"), ("Merfort", "Kevin Pat", "M", "1978-07-11"),
        ("Sautter", "Kari Pat", "F", "1978-07-12"), ("Zschieschak", "Jaclyn Pat", "F", "1978-07-13")]]
    listed = [person("Carlos Lehder", docs=(("123456789", "GBR"),)), stolen("123456789", "GBR")]
    assert screen_against(crew, [listed] * len(crew), S, now=NOW) == []


def test_batch_lengths_must_agree() -> None:
    with pytest.raises(ValueError):
        screen_against([pax("A", "B")], [], S)


@pytest.fixture
def screener(redis_client, prefix) -> Screener:
    store = WatchlistStore(redis_client, prefix, buckets=64)
    store.load([
        person("Mohammed Jallow", dob="1975", nat="GMB", id="jallow", dataset="interpol"),
        person("Pablo Escobar", docs=(("AB1234567", "COL"),), id="escobar"),
        person("John Smythe", dob="1980-05-01", nat="USA", id="smythe"),
        stolen("XK4093017", "FRA", id="sltd-1"),
    ], list_name="test")
    return Screener(store, S)


def test_screener_end_to_end_through_redis(screener) -> None:
    travellers = [
        pax("DIALLO", "MOHAMED", dob="1975-02-02"),
        pax("DOE", "JANE", doc="AB1234567", country="COL"),
        pax("SMITH", "JOHN", dob="1970-05-01", nat="GBR"),
        pax("ROE", "RICHARD", doc="XK4O93O17", country="FRA"),
        pax("NOBODY", "KNOWN"),
    ]
    alerts = screener.screen(travellers, now=NOW)
    got = {(a.traveller_event_id, a.entry_id, a.kind) for a in alerts}
    assert got == {
        (travellers[0].event_id, "jallow", "name"),
        (travellers[1].event_id, "escobar", "document"),
        (travellers[3].event_id, "sltd-1", "stolen_document"),
    }
    versions = {r["version"] for r in screener.store.status()}
    assert {a.watchlist_version for a in alerts} == versions
    assert screener.screen([]) == []
