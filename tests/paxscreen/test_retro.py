"""Retro-screening on a real redis-server: a new watchlist entry against the travellers of the
window raises exactly the alerts a live screen would, once."""

from __future__ import annotations

import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

sys.path.append(str(Path(__file__).parents[1] / "matchers"))

from matcher_factories import pax, person, stolen

from matchers.recent import RecentTravellers
from matchers.screening import screen_against
from matchers.store import WatchlistStore
from paxscreen.models import Flight, Leg
from paxscreen.retro import added_entries, retro_screen, run_after_load
from paxscreen.settings import Settings
from streams.ledger import AlertLedger

NOW = datetime(2025, 4, 8, 12, 0, tzinfo=UTC).timestamp()
SOON = Flight(legs=(Leg("SN", "SN2880", "GRU", "LFW", "2025-04-08T17:30", "2025-04-09T06:40"),
                    Leg("SN", "SN2880", "LFW", "BRU", "2025-04-09T08:20", "2025-04-09T15:35")))
LANDED = Flight(legs=(Leg("IB", "IB6586", "BOG", "MAD", "2025-04-07T16:50", "2025-04-08T09:30"),))
LONG_AGO = Flight(legs=(Leg("KL", "KL590", "ACC", "AMS", "2025-04-01T23:00", "2025-04-02T07:00"),))


class FakeProducer:
    """Collects what would go to Kafka (confluent Producer's produce/flush)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes, dict]] = []

    def produce(self, topic: str, key: bytes, value: bytes, on_delivery=None) -> None:
        self.sent.append((topic, key, orjson.loads(value)))

    def flush(self, timeout: float) -> int:
        return 0


@pytest.fixture
def settings(server) -> Settings:
    return Settings(redis_url=server.url, topic_prefix="t" + uuid.uuid4().hex[:10])


def travellers():
    return [
        pax("DIALLO", "MAMADOU", dob="1985-07-22", nat="GIN", event_id="t-soon", flight=SOON),
        pax("DIALLO", "MAMADOU", dob="1985-07-22", nat="GIN", event_id="t-landed", flight=LANDED),
        pax("DIALLO", "MAMADOU", dob="1985-07-22", nat="GIN", event_id="t-long-ago", flight=LONG_AGO),
        pax("SILVA", "ANA", dob="1990-04-21", doc="BR5581203", country="BRA", event_id="t-doc", flight=SOON),
        pax("PEREIRA", "JOAO", dob="1970-01-01", event_id="t-other", flight=SOON),
    ]


def remember(settings: Settings, server) -> None:
    RecentTravellers(server.client(), settings.topic_prefix).remember(travellers(), now=NOW)


def test_new_entries_against_the_window(settings, server) -> None:
    remember(settings, server)
    listed = person("Mamadou Diallo", dob="1985-07-22", nat="GIN", id="p-diallo")
    doc = stolen("BR5581203", "BRA", id="d-stolen")
    producer = FakeProducer()
    report = retro_screen(settings, [listed, doc], list_name="default", version="v2", now=NOW, producer=producer)
    got = {(a["traveller_event_id"], a["entry_id"], a["kind"]) for _, _, a in producer.sent}
    assert got == {("t-soon", "p-diallo", "name"), ("t-landed", "p-diallo", "name"), ("t-doc", "d-stolen", "stolen_document")}
    assert (report.travellers, report.alerts, report.already, report.entries) == (4, 3, 0, 2)
    assert all(topic == settings.topic("alerts") and key.decode() == a["alert_id"] for topic, key, a in producer.sent)
    # exactly the alerts a live screen of the same travellers against the same entries gives
    window = [t for t in travellers() if t.event_id in ("t-soon", "t-landed", "t-doc", "t-other")]
    live = screen_against(window, [[listed, doc]] * len(window), settings)
    assert {a.alert_id for a in live} == {a["alert_id"] for _, _, a in producer.sent}
    assert all(a["watchlist_version"] == "v2" for _, _, a in producer.sent)
    # the ledger now knows them: a second run (or the live screen) raises nothing new
    again = FakeProducer()
    report = retro_screen(settings, [listed, doc], now=NOW, producer=again)
    assert again.sent == [] and (report.alerts, report.already) == (0, 3)
    assert not any(AlertLedger(server.client(), settings.topic_prefix).unseen([a.alert_id for a in live]))


def test_nothing_to_screen(settings, server) -> None:
    report = retro_screen(settings, [], now=NOW, producer=FakeProducer())
    assert report.alerts == 0 and "no new" in report.line()
    producer = FakeProducer()
    report = retro_screen(settings, [person("Mamadou Diallo", dob="1985-07-22")], now=NOW, producer=producer)
    assert report.travellers == 0 and producer.sent == []  # nobody remembered under this prefix


@pytest.mark.parametrize("lookup_above", [20_000, 0])  # in-memory keys, and the store's own lookup
def test_run_after_load_screens_what_the_load_added(settings, server, lookup_above: int) -> None:
    remember(settings, server)
    store = WatchlistStore(server.client(), prefix=settings.topic_prefix, buckets=64)
    other = person("Pedro Alvarez", dob="1960-02-02", id="p-other")
    first = store.load([other], list_name="default")
    producer = FakeProducer()
    report = run_after_load(settings, "default", first, now=NOW, producer=producer, lookup_above=lookup_above)
    assert (report.entries, report.alerts) == (1, 0)  # the first load: the whole list, nothing matches
    listed = person("Mamadou Diallo", dob="1985-07-22", nat="GIN", id="p-diallo")
    second = store.load([other, listed], list_name="default")
    report = run_after_load(settings, "default", second, now=NOW, producer=producer, lookup_above=lookup_above)
    assert report.entries == 1 and report.alerts == 2, report.line()
    assert {(a["traveller_event_id"], a["entry_id"]) for _, _, a in producer.sent} == {
        ("t-soon", "p-diallo"), ("t-landed", "p-diallo")}
    assert {a["watchlist_version"] for _, _, a in producer.sent} == {second.version}
    unchanged = store.load([other, listed], list_name="default")
    assert "unchanged" in run_after_load(settings, "default", unchanged, now=NOW, producer=producer).line()
    changed = person("Mamadou Diallo", "Mamadu Jallow", dob="1985-07-22", nat="GIN", id="p-diallo")
    third = store.load([other, changed], list_name="default")
    report = run_after_load(settings, "default", third, now=NOW, producer=producer, lookup_above=lookup_above)
    assert (report.entries, report.alerts, report.already) == (1, 0, 2)  # a changed entry: same alerts, not again


def test_added_entries_diff(settings, server) -> None:
    store = WatchlistStore(server.client(), prefix=settings.topic_prefix, buckets=64)
    store.load([person("A One", id="a"), person("B Two", id="b")], list_name="x")
    version, added, snapshot = added_entries(server.client(), settings, "x")
    assert len(added) == 2 and set(added) == set(snapshot) and version == store.status()[0]["version"]
    assert added_entries(server.client(), settings, "missing") == (None, {}, {})


def test_an_empty_window_needs_no_kafka(settings, server) -> None:
    store = WatchlistStore(server.client(), prefix=settings.topic_prefix, buckets=64)
    loaded = store.load([person("Mamadou Diallo", dob="1985-07-22", id="p-diallo")], list_name="default")
    report = run_after_load(settings, "default", loaded, now=NOW)  # no producer, no PAXSCREEN_KAFKA_BOOTSTRAP
    assert (report.entries, report.travellers, report.alerts) == (1, 0, 0)
    assert run_after_load(settings, "default", None).note == "nothing loaded"
