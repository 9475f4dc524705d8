"""The targeting extension's stages: its work on travellers is a hook of the ``screen`` stage (one
reader reads the travellers topic, each traveller decoded once), not an agent of its own; routing
and the risk targeting are batch readers."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import faust

from paxscreen.codec import encode_traveller
from paxscreen.models import Alert, Flight, Leg, Traveller
from paxscreen.settings import Settings
from streams.metrics import Metrics
from streams.targeting import Targeting, targeting_extension


def pax(surname: str, given: str, dob: str) -> Traveller:
    flight = Flight(legs=(Leg("AF", "AF718", "DSS", "CDG", "2024-03-01T23:40", "2024-03-02T06:10"),))
    return Traveller(event_id=f"t-{surname}", flight=flight, surname=surname, given_names=given,
                     date_of_birth=dob)


class _Recent:
    def __init__(self) -> None:
        self.kept: list[list] = []
        self.encoded: list[list[bytes] | None] = []

    def remember(self, travellers, *, encoded=None) -> int:
        self.kept.append(list(travellers))
        self.encoded.append(encoded)
        return len(travellers)


class _Rules:
    def refresh(self) -> bool:
        return False

    def current(self) -> None:
        return None  # no rules loaded: nothing to evaluate


def test_the_screened_batch_goes_to_the_recent_travellers_through_the_screen_agents_hook(tmp_path) -> None:
    app = faust.App("hook-test", broker="kafka://127.0.0.1:1", store="memory://", datadir=str(tmp_path))
    recent, metrics = _Recent(), Metrics()
    pipeline = SimpleNamespace(outbox=None, ledger=None, metrics=metrics, on_travellers=[], readers=[])

    def no_alerts(*_: object) -> list[Alert]:
        raise AssertionError("no rules: nothing to evaluate")

    targeting = Targeting(rules=_Rules(), booking_alerts=no_alerts, api_alerts=no_alerts, recent=recent,
                          route=False)
    targeting_extension(targeting)(app, Settings(), pipeline)
    assert "remember" not in {a.name.rsplit(".", 1)[-1] for a in app.agents.values()}
    assert len(pipeline.on_travellers) == 1
    batch = [pax("DIALLO", "MAMADOU", dob="1980-01-02"), pax("SMITH", "JOHN", dob="1975-05-06")]
    asyncio.run(pipeline.on_travellers[0](batch, [encode_traveller(t) for t in batch]))
    assert recent.kept == [batch]
    assert recent.encoded == [[encode_traveller(t) for t in batch]]  # the events as read, not encoded again
    assert metrics.registry.get_sample_value("paxscreen_recent_travellers_total") == 2


class _Outbox:
    """Keeps what is sent; the broker refuses for good every record of one topic."""

    def __init__(self, refuse: str) -> None:
        self.refuse, self.sent = refuse, []

    async def send_all(self, records) -> None:
        from streams.outbox import DeliveryFailed

        refused = [r for r in records if r[0] == self.refuse]
        self.sent += [r for r in records if r[0] != self.refuse]
        if refused:
            raise DeliveryFailed(f"topic {self.refuse!r}: message too large", refused)


def test_routing_sends_a_batch_of_alerts_at_once_and_dead_letters_what_a_task_force_refuses(tmp_path) -> None:
    import orjson

    from streams.reader import Record

    app = faust.App("route-test", broker="kafka://127.0.0.1:1", store="memory://", datadir=str(tmp_path))
    settings, metrics = Settings(topic_prefix="p"), Metrics()
    outbox = _Outbox(refuse="p.taskforce.CDG")
    pipeline = SimpleNamespace(outbox=outbox, ledger=None, metrics=metrics, on_travellers=[], readers=[])
    targeting = Targeting(rules=_Rules(), booking_alerts=lambda *_: [], api_alerts=lambda *_: [],
                          create_topics=lambda names: None)
    targeting_extension(targeting)(app, settings, pipeline)
    readers = {r.name: r for r in pipeline.readers}
    assert sorted(readers) == ["route", "target"] and readers["route"].topic == "p.alerts"
    reader = readers["route"]

    def alert(i: int, airports: list[str]) -> Record:
        value = orjson.dumps({"alert_id": f"a-{i}", "airports": airports})
        return Record("p.alerts", 0, i, f"a-{i}".encode(), value, None)

    batch = [alert(1, ["DSS", "CDG"]), alert(2, ["DSS", "x-1", "LIS"]), alert(3, ["CDG", "CDG"]),
             Record("p.alerts", 0, 4, b"a-4", b"not json", None)]
    asyncio.run(reader.handle(batch))
    routed = [(t, k) for t, k, _ in outbox.sent if t != "p.deadletter"]
    assert routed == [("p.taskforce.DSS", b"a-1"), ("p.taskforce.DSS", b"a-2"), ("p.taskforce.LIS", b"a-2")]
    letters = [orjson.loads(v) for t, _, v in outbox.sent if t == "p.deadletter"]
    assert [(d["stage"], d["source"]["offset"]) for d in letters] == [("route", 1), ("route", 3)]  # once each
    assert metrics.registry.get_sample_value("paxscreen_taskforce_routed_total") == 3


def test_a_booking_event_that_cannot_be_read_is_dead_lettered_by_the_target_reader(tmp_path) -> None:
    import orjson

    from streams.reader import Record

    app = faust.App("target-test", broker="kafka://127.0.0.1:1", store="memory://", datadir=str(tmp_path))
    settings, metrics = Settings(topic_prefix="p"), Metrics()
    outbox = _Outbox(refuse="none")
    pipeline = SimpleNamespace(outbox=outbox, ledger=None, metrics=metrics, on_travellers=[], readers=[])
    targeting = Targeting(rules=_Rules(), booking_alerts=lambda *_: [], api_alerts=lambda *_: [], route=False)
    targeting_extension(targeting)(app, settings, pipeline)
    (reader,) = pipeline.readers
    assert (reader.name, reader.topic) == ("target", "p.bookings")
    asyncio.run(reader.handle([Record("p.bookings", 2, 7, b"PNR1", b"{not a booking", None)]))
    (letter,) = [orjson.loads(v) for t, _, v in outbox.sent if t == "p.deadletter"]
    assert (letter["stage"], letter["source"]["partition"], letter["source"]["offset"]) == ("target", 2, 7)
    assert metrics.registry.get_sample_value("paxscreen_bookings_evaluated_total") == 0
