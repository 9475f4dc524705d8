"""The recent-travellers store behind retro-screening (a real redis-server)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from matcher_factories import pax

from matchers.recent import RecentTravellers, flight_times
from paxscreen.codec import encode_traveller
from paxscreen.models import Flight, Leg

NOW = datetime(2025, 4, 8, 12, 0, tzinfo=UTC).timestamp()


def flight(dep: str, arr: str, number: str = "SN2880") -> Flight:
    return Flight(legs=(Leg("SN", number, "LFW", "BRU", dep, arr),))


def test_flight_times_are_utc() -> None:
    dep, arr = flight_times(pax("A", flight=flight("2025-04-09T08:20", "2025-04-09T15:35")))
    assert dep == datetime(2025, 4, 9, 8, 20, tzinfo=UTC).timestamp()  # Lomé is UTC
    assert arr == datetime(2025, 4, 9, 13, 35, tzinfo=UTC).timestamp()  # Brussels in April is UTC+2


def test_window_ahead_and_behind(redis_client, prefix) -> None:
    recent = RecentTravellers(redis_client, prefix, ahead_hours=72, behind_hours=24)
    cases = {
        "landed-2h-ago": flight("2025-04-08T02:00", "2025-04-08T11:30"),  # 09:30 UTC
        "landed-30h-ago": flight("2025-04-07T00:00", "2025-04-07T08:00"),
        "in-the-air": flight("2025-04-08T10:00", "2025-04-08T18:00"),
        "leaves-in-48h": flight("2025-04-10T12:00", "2025-04-10T19:00"),
        "leaves-in-5-days": flight("2025-04-13T12:00", "2025-04-13T19:00"),
    }
    travellers = [pax(name, event_id=f"t-{name}", flight=f) for name, f in cases.items()]
    assert recent.remember(travellers, now=NOW) == 4  # the one landed 30 h ago is already out
    got = {t.surname for batch in recent.window(now=NOW, batch=2) for t in batch}
    assert got == {"landed-2h-ago", "in-the-air", "leaves-in-48h"}
    assert recent.count(now=NOW) == 4  # leaves-in-5-days is kept for later windows
    later = NOW + 4 * 86400
    assert {t.surname for b in recent.window(now=later) for t in b} == {"leaves-in-5-days"}
    ttl = redis_client.ttl(recent.traveller_key("t-in-the-air"))
    assert ttl > 0  # entries expire on their own


def test_remembering_again_replaces(redis_client, prefix) -> None:
    recent = RecentTravellers(redis_client, prefix)
    t = pax("A", event_id="t-1", flight=flight("2025-04-08T13:00", "2025-04-08T20:00"))
    recent.remember([t, t], now=NOW)
    assert recent.count(now=NOW) == 1


def test_the_events_as_read_are_kept_as_they_are(redis_client, prefix) -> None:
    recent = RecentTravellers(redis_client, prefix)
    t = pax("A", event_id="t-1", flight=flight("2025-04-08T13:00", "2025-04-08T20:00"))
    u = pax("B", event_id="t-2", flight=flight("2025-04-08T13:00", "2025-04-08T20:00"))
    read = encode_traveller(dataclasses.replace(t, given_names="AS READ"))
    assert recent.remember([t, u], encoded=[read, encode_traveller(u)], now=NOW) == 2
    assert redis_client.get(recent.traveller_key("t-1")) == read
    got = {x.event_id: x.given_names for batch in recent.window(now=NOW) for x in batch}
    assert got == {"t-1": "AS READ", "t-2": u.given_names}
