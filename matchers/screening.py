"""Screening: candidates for a batch of travellers, every pair scored, alerts out.

`screen_against` is the pure core (no I/O): travellers and their candidates in, `Alert`s
out. First the vectorised prefilter (`matchers.prefilter`) bounds every pair of the batch at
once and drops the pairs that provably cannot reach a threshold (most of them: namesakes born
decades apart, strangers sharing one key); then the similarity of each traveller's name
tokens against the tokens of its remaining candidates is computed for the whole batch at once
(`similarity.TokenSims.many`) and each pair is scored with `matchers.scoring.evaluate`.
`Screener` adds the Redis lookup in front and keeps, across batches, the parsed records of
entries and travellers' names.

One alert per (traveller, entry), with the best kind; alert ids are deterministic
(`paxscreen.codec.alert_id`), so replays and restarts never make a second alert.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from matchers import memo
from matchers.memo import Generations
from matchers.names import warm_up
from matchers.prefilter import (
    Shape,
    TokenTable,
    glue_keys,
    may_glue,
    reachable,
    shape_of,
    shapes_of,
    thresholds_of,
    token_keys,
    widen,
)
from matchers.records import Record, matched_fields, record_of
from matchers.scoring import MatchResult, evaluate
from matchers.screened import SharedScreenings, fingerprint
from matchers.similarity import TokenSims
from matchers.store import Candidate, WatchlistStore
from matchers.unread import IndexNameBound
from paxscreen.codec import alert_id, flight_dict, passenger_dict
from paxscreen.models import Alert, Traveller, WatchEntry
from paxscreen.settings import Settings

__all__ = [
    "Matches", "ScreenCache", "Screener", "TravellerShapes", "alerts_of", "make_alert", "match_against",
    "screen_against", "utc_now",
]

_DEFAULTS = Settings()
MAX_TOKENS = _DEFAULTS.cache_tokens  # token table size at which the caches start over
MAX_RECORDS = _DEFAULTS.cache_entries  # parsed entries kept (two generations of half that)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


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
        passenger=passenger_dict(traveller),
        flight=flight_dict(traveller.flight),
        airports=traveller.airports,
        explanation=result.explanation,
        event_time=traveller.received_at,
        screened_at=screened_at,
        entry={"caption": entry.caption, "dataset": entry.dataset, "reason": entry.reason, "schema": entry.schema},
        watchlist_version=version,
        source=traveller.source,
    )


class TravellerShapes:
    """A traveller's record, its shape without glued variants (``base``) and with them
    (``full``, made on first use: `prefilter.shapes_of`), and its `prefilter.glue_keys` and
    `prefilter.token_keys`, both widened (`prefilter.widen`)."""

    __slots__ = ("rec", "base", "glue_wide", "tokens_wide", "_full", "_make_full")

    def __init__(self, rec: Record, base: Shape, full: Callable[[], Shape], glue_wide: frozenset,
                 tokens_wide: frozenset) -> None:
        self.rec, self.base, self.glue_wide, self.tokens_wide = rec, base, glue_wide, tokens_wide
        self._full: Shape | None = None
        self._make_full = full

    @property
    def full(self) -> Shape:
        if self._full is None:
            self._full = self._make_full()
        return self._full

    def shape_against(self, other_tokens: frozenset) -> Shape:
        """The shape to bound a pair with (``other_tokens``: the entry's `token_keys`): glued
        variants only where `align` may glue."""
        return self.full if self.glue_wide and may_glue(self.glue_wide, other_tokens) else self.base


@dataclass(slots=True)
class _Held:
    """What `ScreenCache` keeps of one entry: its record, its shape without glued variants
    (the only one when it has none to glue), its `prefilter.glue_keys` and `token_keys`, and
    the shape with glued variants once a pair needs it."""

    entry: WatchEntry
    rec: Record
    base: Shape
    glue: frozenset
    tokens: frozenset
    full: Shape | None = None


class ScreenCache:
    """Parsed records (and their prefilter shapes) of the entries seen, kept across batches in
    two bounded generations, and the token table they refer to."""

    def __init__(self, size: int = MAX_RECORDS, max_tokens: int = MAX_TOKENS) -> None:
        self.max_tokens = max_tokens
        self.tokens = TokenTable()
        self.held = Generations(size)

    def entry(
        self, entry: WatchEntry, forms: tuple | None = None, other: frozenset | None = None
    ) -> tuple[Record, Shape, frozenset]:
        """The entry's record, shape and `prefilter.token_keys`. ``forms``: its parsed names,
        when the store kept them (no parsing then). ``other``: the widened `prefilter.token_keys`
        of the traveller it is to be bounded against; when `align` cannot glue the entry's tokens
        against those, the shape leaves out the glued variants (on the 1M-person bench, leaving
        them out everywhere more than halved the time of first sights and of the bounds), else
        (and when None) it has them, built on first need."""
        h = self.held.get(entry.id)
        if h is None or (h.entry is not entry and h.entry != entry):
            rec = record_of(entry, forms)
            glue = glue_keys(rec)
            h = _Held(entry, rec, shape_of(rec, self.tokens, glued=not glue), glue, token_keys(rec))
            self.held.put(entry.id, h)
        if h.glue and (other is None or may_glue(h.glue, other)):
            if h.full is None:
                h.full = shape_of(h.rec, self.tokens)
            return h.rec, h.full, h.tokens
        return h.rec, h.base, h.tokens

    def traveller(self, t: Traveller) -> TravellerShapes:
        """The traveller's record and shapes (see `TravellerShapes`)."""
        rec = record_of(t)
        base, full = shapes_of(rec, self.tokens)
        return TravellerShapes(rec, base, full, widen(glue_keys(rec)), widen(token_keys(rec)))

    def trim(self) -> None:
        """Start over when the token table has grown past ``max_tokens`` (shapes refer to it)."""
        if len(self.tokens) > self.max_tokens:
            self.tokens.reset()
            self.held.clear()


Matches = tuple[tuple[MatchResult, WatchEntry, str | None], ...]
"""A traveller's matches: (result, entry, version) per entry at or above its kind's
threshold, best first (what its alerts are made of)."""


def screen_against(
    travellers: Sequence[Traveller],
    candidates_per_traveller: Sequence[Sequence[WatchEntry | Candidate]],
    settings: Settings | None = None,
    *,
    now: str | None = None,
    cache: ScreenCache | None = None,
    prefilter: bool = True,
    traveller_shapes: Callable[[int], TravellerShapes] | None = None,
) -> list[Alert]:
    """Score each traveller against its candidates (entries or `Candidate`s); no I/O.

    Returns the alerts of pairs at or above their kind's threshold, in traveller order, best
    first within a traveller. ``prefilter=False`` scores every pair in full (same alerts,
    slower: the tests compare both). ``traveller_shapes(i)``: traveller ``i``'s
    `ScreenCache.traveller`, where the caller keeps them (in ``cache``'s token table, which is
    then not trimmed).
    """
    matches = match_against(travellers, candidates_per_traveller, settings, cache=cache, prefilter=prefilter,
                            traveller_shapes=traveller_shapes)
    return alerts_of(travellers, matches, now=now)


def alerts_of(
    travellers: Sequence[Traveller], matches: Sequence[Matches], *, now: str | None = None
) -> list[Alert]:
    """The alerts of each traveller's `Matches`, in traveller order."""
    screened_at = now or utc_now()
    return [make_alert(t, e, r, screened_at=screened_at, version=v)
            for t, found in zip(travellers, matches, strict=True) for r, e, v in found]


def match_against(
    travellers: Sequence[Traveller],
    candidates_per_traveller: Sequence[Sequence[WatchEntry | Candidate]],
    settings: Settings | None = None,
    *,
    cache: ScreenCache | None = None,
    prefilter: bool = True,
    traveller_shapes: Callable[[int], TravellerShapes] | None = None,
) -> list[Matches]:
    """`screen_against`'s matches of each traveller, before they are made alerts."""
    settings = settings or Settings()
    cache = cache or ScreenCache()
    if traveller_shapes is None:
        cache.trim()
    if len(travellers) != len(candidates_per_traveller):
        raise ValueError(f"{len(travellers)} travellers but {len(candidates_per_traveller)} candidate lists")
    # (entry, version, record, shape, always score, traveller's shape) per candidate, per traveller
    per: list[list[tuple[WatchEntry, str | None, Record, Shape, bool, Shape]]] = []
    t_info: list[TravellerShapes | None] = []
    for i, (traveller, cands) in enumerate(zip(travellers, candidates_per_traveller, strict=True)):
        rows = []
        info = (cache.traveller(traveller) if traveller_shapes is None else traveller_shapes(i)) if cands else None
        for c in cands:
            assert info is not None
            if isinstance(c, Candidate):
                entry, version, hit, forms = c.entry, c.version, c.document_hit, c.forms
            else:
                entry, version, hit, forms = c, None, False, None
            rec, shape, tokens = cache.entry(entry, forms, info.tokens_wide)
            rows.append((entry, version, rec, shape, hit or not prefilter, info.shape_against(tokens)))
        per.append(rows)
        t_info.append(info)
    flat = [(i, j) for i, rows in enumerate(per) for j, r in enumerate(rows) if not r[4]]
    ok = reachable(
        cache.tokens,
        [(t_info[i].rec, per[i][j][5], per[i][j][2], per[i][j][3]) for i, j in flat],  # type: ignore[union-attr]
        thresholds_of(settings),
    )
    keep = {ij for ij, good in zip(flat, ok, strict=True) if good}
    scored = [(i, pairs) for i, rows in enumerate(per)
              if (pairs := [r for j, r in enumerate(rows) if r[4] or (i, j) in keep])]
    # the travellers' tokens against their candidates' tokens, for the whole batch at once
    all_sims = TokenSims.many([
        (t_info[i].rec.tokens, {tok for p in pairs for tok in p[2].tokens})  # type: ignore[union-attr]
        for i, pairs in scored])
    out: list[Matches] = [() for _ in travellers]
    for (i, pairs), sims in zip(scored, all_sims, strict=True):
        t_rec = t_info[i].rec  # type: ignore[union-attr]
        best: dict[str, tuple[MatchResult, WatchEntry, str | None]] = {}
        for entry, version, rec, _, _, _ in pairs:
            result = evaluate(t_rec, rec, settings, sims, prune=True)
            if result is None or not result.matched:
                continue
            prev = best.get(entry.id)
            if prev is None or result.score > prev[0].score:
                best[entry.id] = (result, entry, version)
        out[i] = tuple(sorted(best.values(), key=lambda r: (-r[0].score, r[1].id)))  # kept: not to be changed
    return out


class Screener:
    """Screens batches of travellers against the active watchlists in Redis.

    ``prefilter=False`` scores every candidate pair in full and also turns off the ranking's
    birth-date filter (`WatchlistStore.lookup` with ``thresholds``): where a traveller has more
    candidates than ``max_candidates``, its candidate list then differs (namesakes born decades
    apart take places), so compare the two on lists where the limit does not bind."""

    def __init__(self, store: WatchlistStore, settings: Settings, *, warm: bool = True, prefilter: bool = True) -> None:
        self.store = store
        self.settings = settings
        self.prefilter = prefilter
        self.cache = ScreenCache(settings.cache_entries, settings.cache_tokens)
        # (versions, matches) by what is matched of a traveller (`records.matched_fields`)
        self.screened = Generations(settings.cache_screened)
        # the same in Redis, for pushes days apart and other workers (`matchers.screened`)
        self.shared = (SharedScreenings(store.redis, store.prefix, settings.screened_ttl,
                                        fingerprint(settings, prefilter=prefilter))
                       if settings.screened_ttl else None)
        self.repeats = 0  # travellers answered from kept screenings (here or in Redis), since the start
        self.shared_repeats = 0  # of those, from Redis
        # This process's memos: of tokens as many as the token table; of names (a traveller's
        # recurs within a few pushes of its booking) a quarter of the entries kept parsed.
        memo.bound("token", settings.cache_tokens)
        memo.bound("name", settings.cache_entries // 4)
        if warm:
            warm_up()  # rigour's name tagger takes seconds to build: not on the first batch

    def cache_sizes(self) -> dict[str, int]:
        """How full the caches are: ``tokens`` (the token table, which starts over past
        ``Settings.cache_tokens``), ``entries`` (entries held parsed, at most
        ``Settings.cache_entries``) and ``screened`` (kept screenings, at most
        ``Settings.cache_screened``)."""
        return {"tokens": len(self.cache.tokens), "entries": len(self.cache.held),
                "screened": len(self.screened)}

    def screen(self, travellers: Sequence[Traveller], *, now: str | None = None) -> list[Alert]:
        """Alerts for a batch: one pipelined candidate lookup, then `match_against`.

        A traveller matched as one screened before against the same active versions (a PNR
        pushed again, the API message after the PNR, the next leg of a journey: the same
        `records.matched_fields`) gets that screening's matches again, made alerts of its
        own, without a lookup (``Settings.cache_screened`` of them are kept in this process;
        0: none). Those not held here are asked of Redis (`matchers.screened`, where
        screenings live ``Settings.screened_ttl`` seconds; 0: not kept there), in one round
        trip a batch, and the ones screened now are kept there in another."""
        if not travellers:
            return []
        keep = self.settings.cache_screened > 0
        if not keep and self.shared is None:
            return alerts_of(travellers, self._match(travellers), now=now)
        # One round trip: what kept matches must have been made against. Should a switch come
        # between it and the lookup, this batch's matches are kept under the older versions
        # and never found again (a new version gets a new random tag): nothing stale is served.
        versions = self.store.versions()
        keys = [matched_fields(t) for t in travellers]
        found: list[Matches | None] = []
        todo: dict[tuple, int] = {}  # the first traveller of each not found
        for i, k in enumerate(keys):
            held = self.screened.get(k) if keep else None
            found.append(held[1] if held is not None and held[0] == versions else None)
            if found[i] is None:
                todo.setdefault(k, i)
        new: dict[tuple, Matches] = {}  # by key: the matches kept in Redis, then those screened now
        redis_keys: dict[tuple, str] = {}
        if todo and self.shared is not None:
            redis_keys = dict(zip(todo, self.shared.keys(todo, versions), strict=True))
            new = {k: got for k, got in zip(todo, self.shared.get(list(redis_keys.values())), strict=True)
                   if got is not None}
        from_redis = set(new)
        rest = [k for k in todo if k not in new]
        if rest:
            fresh = dict(zip(rest, self._match([travellers[todo[k]] for k in rest]), strict=True))
            if self.shared is not None:
                self.shared.put((redis_keys[k], got) for k, got in fresh.items())
            new.update(fresh)
        if keep:
            for k, got in new.items():
                self.screened.put(k, (versions, got))
        # counted once screened (a Redis error retries the batch)
        self.repeats += len(travellers) - len(rest)
        if from_redis:
            self.shared_repeats += sum(1 for k, got in zip(keys, found, strict=True)
                                       if got is None and k in from_redis)
        matches = [got if got is not None else new[k] for k, got in zip(keys, found, strict=True)]
        return alerts_of(travellers, matches, now=now)

    def _match(self, travellers: Sequence[Traveller]) -> list[Matches]:
        """The travellers' `Matches`: one pipelined candidate lookup, then `match_against`."""
        if not self.prefilter:
            candidates = self.store.lookup(travellers, self.settings.max_candidates)
            return match_against(travellers, candidates, self.settings, cache=self.cache, prefilter=False)
        self.cache.trim()  # not later: the travellers' shapes and the index's bound share the token table
        shapes: dict[int, TravellerShapes] = {}

        def shape(i: int) -> TravellerShapes:  # made once, for travellers with candidates only
            s = shapes.get(i)
            if s is None:
                s = shapes[i] = self.cache.traveller(travellers[i])
            return s

        candidates = self.store.lookup(
            travellers, self.settings.max_candidates, thresholds=thresholds_of(self.settings),
            names=IndexNameBound(self.cache.tokens, shape),
        )
        return match_against(travellers, candidates, self.settings, cache=self.cache, traveller_shapes=shape)
