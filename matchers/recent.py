"""Recently screened travellers, kept in Redis so that a watchlist entry added later can be
screened against them (retro-screening, `paxscreen.retro`).

Layout (``P`` = prefix)::

    P:recent:by_arrival     sorted set   traveller event_id, scored by the flight's arrival (UTC epoch)
    P:recent:t:<event_id>   string       the traveller event (paxscreen.traveller/1), expiring

A traveller is kept until ``behind_hours`` after its flight lands: the window a retro-screen
reads is every flight that lands after ``now - behind_hours`` and leaves before ``now +
ahead_hours`` (flights departing in the next 72 h, in the air, or landed in the last 24 h by
default). Times are airport-local in the events; they are converted to UTC with the airport's
time zone (`matchers.airports.local_to_utc`). A flight without times is placed at the time
paxscreen received it. Memory: about 1 KB per traveller in the window.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from datetime import datetime

import redis

from matchers.airports import local_to_utc
from paxscreen.bounded import bounded
from paxscreen.codec import decode_traveller, encode_traveller
from paxscreen.errors import InvalidMessage
from paxscreen.models import Traveller

__all__ = ["RecentTravellers", "flight_times"]


def _epoch(dt: datetime | None) -> float | None:
    return dt.timestamp() if dt else None


def _received(t: Traveller) -> float | None:
    if not t.received_at:
        return None
    try:
        return datetime.fromisoformat(t.received_at).timestamp()
    except ValueError:
        return None


def flight_times(t: Traveller) -> tuple[float | None, float | None]:
    """(departure, arrival) of the traveller's flight as UTC epoch seconds (None: unknown)."""
    f = t.flight
    return _utc(f.departure_time, f.departure_airport), _utc(f.arrival_time, f.arrival_airport)


def _utc_epoch(local: str | None, airport: str | None) -> float | None:
    return _epoch(local_to_utc(local, airport))


_utc = bounded(_utc_epoch, 4096)  # a flight's times are asked for each of its travellers


class RecentTravellers:
    def __init__(
        self, client: redis.Redis, prefix: str = "paxscreen", *, ahead_hours: float = 72.0, behind_hours: float = 24.0
    ) -> None:
        self.redis = client
        self.prefix = prefix
        self.ahead = ahead_hours * 3600
        self.behind = behind_hours * 3600

    @property
    def index_key(self) -> str:
        return f"{self.prefix}:recent:by_arrival"

    def traveller_key(self, event_id: str) -> str:
        return f"{self.prefix}:recent:t:{event_id}"

    def remember(
        self,
        travellers: Sequence[Traveller],
        *,
        encoded: Sequence[bytes] | None = None,
        now: float | None = None,
    ) -> int:
        """Keep the travellers whose flight lands within the window or later; returns how many.
        ``encoded``: each traveller's event as it was read (paxscreen.traveller/1 bytes), kept
        as is instead of encoding the traveller again."""
        now = time.time() if now is None else now
        floor = now - self.behind
        pipe = self.redis.pipeline(transaction=False)
        landings: dict[str, float] = {}  # one ZADD for the batch (the last of an event id wins)
        for i, t in enumerate(travellers):
            dep, arr = flight_times(t)
            landing = arr or dep or _received(t) or now
            if landing < floor:
                continue
            ttl = max(60, int(landing + self.behind + 3600 - now))  # relative to `now`: tests pass their own clock
            event = encode_traveller(t) if encoded is None else encoded[i]
            # the command itself: redis-py 8's `set` inspects its signature at every call
            # (`experimental_args`), eight times the cost of queueing the command
            pipe.execute_command("SET", self.traveller_key(t.event_id), event, "EX", ttl)
            landings[t.event_id] = landing
        if landings:
            pipe.zadd(self.index_key, landings)
        pipe.zremrangebyscore(self.index_key, "-inf", f"({floor}")
        pipe.execute()
        return len(landings)

    def window(self, *, now: float | None = None, batch: int = 1000) -> Iterator[list[Traveller]]:
        """The travellers of flights landing after ``now - behind`` and leaving before ``now +
        ahead``, in batches (a flight with no departure time counts as leaving in the window)."""
        now = time.time() if now is None else now
        start = 0
        while True:
            ids = self.redis.zrangebyscore(self.index_key, now - self.behind, "+inf", start=start, num=batch)
            if not ids:
                return
            start += len(ids)
            blobs = self.redis.mget([self.traveller_key(i.decode()) for i in ids])
            out = []
            for blob in blobs:
                if blob is None:
                    continue  # expired between the two reads
                try:
                    t = decode_traveller(blob)
                except InvalidMessage:
                    continue
                dep, _ = flight_times(t)
                if dep is None or dep <= now + self.ahead:
                    out.append(t)
            if out:
                yield out

    def count(self, *, now: float | None = None) -> int:
        now = time.time() if now is None else now
        return int(self.redis.zcount(self.index_key, now - self.behind, "+inf"))
