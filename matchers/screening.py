"""Screening: candidates for a batch of travellers, every pair scored, alerts out.

`screen_against` is the pure core (no I/O): travellers and their candidates in, `Alert`s
out. Per traveller it computes the similarity of the traveller's name tokens against the
tokens of all its candidates in one rapidfuzz ``cdist`` call, then scores each pair with
`matchers.scoring.evaluate`. `Screener` adds the Redis lookup in front.

One alert per (traveller, entry), with the best kind; alert ids are deterministic
(`paxscreen.codec.alert_id`), so replays and restarts never make a second alert.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from matchers.names import warm_up
from matchers.records import Record, record_of
from matchers.scoring import MatchResult, evaluate
from matchers.similarity import TokenSims
from matchers.store import Candidate, WatchlistStore
from paxscreen.codec import alert_id, flight_dict
from paxscreen.models import Alert, Traveller, WatchEntry
from paxscreen.settings import Settings

__all__ = ["Screener", "make_alert", "screen_against", "utc_now"]


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _passenger(t: Traveller) -> dict:
    doc = t.document
    return {
        "surname": t.surname,
        "given_names": t.given_names,
        "date_of_birth": t.date_of_birth,
        "sex": t.sex,
        "nationality": t.nationality,
        "document_number": doc.number if doc else None,
        "document_country": doc.issuing_country if doc else None,
    }


def make_alert(
    traveller: Traveller, entry: WatchEntry, result: MatchResult, *, screened_at: str, version: str | None = None
) -> Alert:
    """The alert for one matched (traveller, entry) pair."""
    return Alert(
        alert_id=alert_id(traveller.event_id, entry.id, result.kind),
        kind=result.kind,
        score=result.score,
        entry_id=entry.id,
        traveller_event_id=traveller.event_id,
        passenger=_passenger(traveller),
        flight=flight_dict(traveller.flight),
        airports=traveller.airports,
        explanation=result.explanation,
        event_time=traveller.received_at,
        screened_at=screened_at,
        entry={"caption": entry.caption, "dataset": entry.dataset, "reason": entry.reason, "schema": entry.schema},
        watchlist_version=version,
        source=traveller.source,
    )


def screen_against(
    travellers: Sequence[Traveller],
    candidates_per_traveller: Sequence[Sequence[WatchEntry | Candidate]],
    settings: Settings | None = None,
    *,
    now: str | None = None,
) -> list[Alert]:
    """Score each traveller against its candidates (entries or `Candidate`s); no I/O.

    Returns the alerts of pairs at or above their kind's threshold, in traveller order, best
    first within a traveller.
    """
    settings = settings or Settings()
    screened_at = now or utc_now()
    records: dict[str, Record] = {}
    alerts: list[Alert] = []
    for traveller, cands in zip(travellers, candidates_per_traveller, strict=True):
        if not cands:
            continue
        t_rec = record_of(traveller)
        best: dict[str, tuple[MatchResult, WatchEntry, str | None]] = {}
        pairs = []
        for c in cands:
            entry, version = (c.entry, c.version) if isinstance(c, Candidate) else (c, None)
            rec = records.get(entry.id)
            if rec is None:
                rec = records[entry.id] = record_of(entry)
            pairs.append((entry, version, rec))
        right = {tok for _, _, rec in pairs for tok in rec.tokens}
        sims = TokenSims(t_rec.tokens, right)
        for entry, version, rec in pairs:
            result = evaluate(t_rec, rec, settings, sims, prune=True)
            if result is None or not result.matched:
                continue
            prev = best.get(entry.id)
            if prev is None or result.score > prev[0].score:
                best[entry.id] = (result, entry, version)
        ranked = sorted(best.values(), key=lambda r: (-r[0].score, r[1].id))
        alerts.extend(make_alert(traveller, e, r, screened_at=screened_at, version=v) for r, e, v in ranked)
    return alerts


class Screener:
    """Screens batches of travellers against the active watchlists in Redis."""

    def __init__(self, store: WatchlistStore, settings: Settings, *, warm: bool = True) -> None:
        self.store = store
        self.settings = settings
        if warm:
            warm_up()  # rigour's name tagger takes seconds to build: not on the first batch

    def screen(self, travellers: Sequence[Traveller], *, now: str | None = None) -> list[Alert]:
        """Alerts for a batch: one pipelined candidate lookup, then `screen_against`."""
        if not travellers:
            return []
        candidates = self.store.lookup(travellers, self.settings.max_candidates)
        return screen_against(travellers, candidates, self.settings, now=now)
