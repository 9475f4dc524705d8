"""The targeting extension's work on travellers: a hook of the ``screen`` agent (one agent reads
the travellers topic, each traveller decoded once), not an agent of its own."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import faust

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

    def remember(self, travellers) -> int:
        self.kept.append(list(travellers))
        return len(travellers)


class _Rules:
    def refresh(self) -> bool:
        return False

    def current(self) -> None:
        return None  # no rules loaded: nothing to evaluate


def test_the_screened_batch_goes_to_the_recent_travellers_through_the_screen_agents_hook(tmp_path) -> None:
    app = faust.App("hook-test", broker="kafka://127.0.0.1:1", store="memory://", datadir=str(tmp_path))
    recent, metrics = _Recent(), Metrics()
    pipeline = SimpleNamespace(outbox=None, ledger=None, metrics=metrics, on_travellers=[])

    def no_alerts(*_: object) -> list[Alert]:
        raise AssertionError("no rules: nothing to evaluate")

    targeting = Targeting(rules=_Rules(), booking_alerts=no_alerts, api_alerts=no_alerts, recent=recent,
                          route=False)
    targeting_extension(targeting)(app, Settings(), pipeline)
    assert "remember" not in {a.name.rsplit(".", 1)[-1] for a in app.agents.values()}
    assert len(pipeline.on_travellers) == 1
    batch = [pax("DIALLO", "MAMADOU", dob="1980-01-02"), pax("SMITH", "JOHN", dob="1975-05-06")]
    asyncio.run(pipeline.on_travellers[0](batch))
    assert recent.kept == [batch]
    assert metrics.registry.get_sample_value("paxscreen_recent_travellers_total") == 2
