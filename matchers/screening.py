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

from collections.abc import Callable, Mapping, Sequence
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
    "Matches", "ScreenCache", "Screener", "TravellerShapes", "alerts_of", "make_alert", "match_lists",
    "merge_lists", "screen_against", "utc_now",
]

_DEFAULTS = Settings()
MAX_TOKENS = _DEFAULTS.cache_tokens  # tokens besides the lists' at which the token table is compacted
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
    generation: int = 0  # of the token table its shapes' ids are from

    def follow(self, table: TokenTable) -> bool:
        """Its shapes' token ids, renumbered after the table's compaction (`TokenTable.moved`);
        False if the table moved on otherwise or forgot one of them: the shapes are then made
        again. A glued shape that refers to a forgotten glued word is dropped, and made again
        if needed."""
        moved = table.moved
        if moved is None or moved[0] != self.generation:
            return False
        base = self.base.renumbered(moved[1])
        if base is None:
            return False
        self.base, self.full = base, None if self.full is None else self.full.renumbered(moved[1])
        self.generation = table.generation
        return True


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
        table = self.tokens
        if h is not None and h.generation != table.generation and not h.follow(table):
            h = None
        if h is None or (h.entry is not entry and h.entry != entry):
            rec = record_of(entry, forms)
            glue = glue_keys(rec)
            h = _Held(entry, rec, shape_of(rec, table, glued=not glue), glue, token_keys(rec),
                      generation=table.generation)
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
        """When the token table holds more than ``max_tokens`` tokens besides the lists' own,
        it forgets those (`TokenTable.compact`). The entries held keep their records; their
        shapes follow the table's new ids when next used (`_Held.follow`)."""
        if len(self.tokens) - self.tokens.listed > self.max_tokens:
            self.tokens.compact()


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
    per_list = match_lists(travellers, candidates_per_traveller, settings, cache=cache, prefilter=prefilter,
                           traveller_shapes=traveller_shapes)
    return alerts_of(travellers, [merge_lists(m) for m in per_list], now=now)


def alerts_of(
    travellers: Sequence[Traveller], matches: Sequence[Matches], *, now: str | None = None
) -> list[Alert]:
    """The alerts of each traveller's `Matches`, in traveller order."""
    screened_at = now or utc_now()
    return [make_alert(t, e, r, screened_at=screened_at, version=v)
            for t, found in zip(travellers, matches, strict=True) for r, e, v in found]


def merge_lists(per_list: Mapping[str, Matches]) -> Matches:
    """A traveller's `Matches` from those against each list: one per entry id (the best; of
    equal scores, the first list's by name), best first."""
    found = [m for m in per_list.values() if m]
    if len(found) <= 1:
        return found[0] if found else ()
    found = [m for _, m in sorted(per_list.items()) if m]
    best: dict[str, tuple[MatchResult, WatchEntry, str | None]] = {}
    for matches in found:
        for r, entry, version in matches:
            prev = best.get(entry.id)
            if prev is None or r.score > prev[0].score:
                best[entry.id] = (r, entry, version)
    return tuple(sorted(best.values(), key=lambda r: (-r[0].score, r[1].id)))


def match_lists(
    travellers: Sequence[Traveller],
    candidates_per_traveller: Sequence[Sequence[WatchEntry | Candidate]],
    settings: Settings | None = None,
    *,
    cache: ScreenCache | None = None,
    prefilter: bool = True,
    traveller_shapes: Callable[[int], TravellerShapes] | None = None,
) -> list[dict[str, Matches]]:
    """`screen_against`'s matches of each traveller, before they are made alerts, by the list
    of their entries (a `Candidate`'s ``list_name``; ``""`` for bare entries): `merge_lists`
    makes one traveller's matches of them."""
    settings = settings or Settings()
    cache = cache or ScreenCache()
    if traveller_shapes is None:
        cache.trim()
    if len(travellers) != len(candidates_per_traveller):
        raise ValueError(f"{len(travellers)} travellers but {len(candidates_per_traveller)} candidate lists")
    # (entry, version, record, shape, always score, traveller's shape, list) per candidate, per traveller
    per: list[list[tuple[WatchEntry, str | None, Record, Shape, bool, Shape, str]]] = []
    t_info: list[TravellerShapes | None] = []
    for i, (traveller, cands) in enumerate(zip(travellers, candidates_per_traveller, strict=True)):
        rows = []
        info = (cache.traveller(traveller) if traveller_shapes is None else traveller_shapes(i)) if cands else None
        for c in cands:
            assert info is not None
            if isinstance(c, Candidate):
                entry, version, hit, forms, name = c.entry, c.version, c.document_hit, c.forms, c.list_name or ""
            else:
                entry, version, hit, forms, name = c, None, False, None, ""
            rec, shape, tokens = cache.entry(entry, forms, info.tokens_wide)
            rows.append((entry, version, rec, shape, hit or not prefilter, info.shape_against(tokens), name))
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
    out: list[dict[str, Matches]] = [{} for _ in travellers]
    for (i, pairs), sims in zip(scored, all_sims, strict=True):
        t_rec = t_info[i].rec  # type: ignore[union-attr]
        best: dict[tuple[str, str], tuple[MatchResult, WatchEntry, str | None]] = {}
        for entry, version, rec, _, _, _, name in pairs:
            result = evaluate(t_rec, rec, settings, sims, prune=True)
            if result is None or not result.matched:
                continue
            prev = best.get((name, entry.id))
            if prev is None or result.score > prev[0].score:
                best[(name, entry.id)] = (result, entry, version)
        lists: dict[str, list] = {}
        for (name, _), found in best.items():
            lists.setdefault(name, []).append(found)
        out[i] = {name: tuple(sorted(found, key=lambda r: (-r[0].score, r[1].id))) for name, found in lists.items()}
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
        # (active versions, matches against each, merged) by what is matched of a traveller
        # (`records.matched_fields`)
        self.screened = Generations(settings.cache_screened)
        # the same in Redis, for pushes days apart and other workers (`matchers.screened`)
        self.shared = (SharedScreenings(store.redis, store.prefix, settings.screened_ttl,
                                        fingerprint(settings, prefilter=prefilter))
                       if settings.screened_ttl else None)
        self.repeats = 0  # travellers answered from kept screenings (here or in Redis), since the start
        self.shared_repeats = 0  # of those, from Redis (some lists' at least)
        self.partial = 0  # travellers screened again against some lists only (those loaded since;
        # one of a batch's alike travellers: the others count as repeats)
        # This process's memos: of tokens as many as the token table; of names (a traveller's
        # recurs within a few pushes of its booking) a quarter of the entries kept parsed.
        memo.bound("token", settings.cache_tokens)
        memo.bound("name", settings.cache_entries // 4)
        if warm:
            warm_up()  # rigour's name tagger takes seconds to build: not on the first batch

    def cache_sizes(self) -> dict[str, int]:
        """How full the caches are: ``tokens`` (the token table: the lists' tokens met, and at
        most ``Settings.cache_tokens`` others), ``entries`` (entries held parsed, at most
        ``Settings.cache_entries``) and ``screened`` (kept screenings, at most
        ``Settings.cache_screened``)."""
        return {"tokens": len(self.cache.tokens), "entries": len(self.cache.held),
                "screened": len(self.screened)}

    def screen(self, travellers: Sequence[Traveller], *, now: str | None = None) -> list[Alert]:
        """Alerts for a batch: one pipelined candidate lookup, then `match_lists`.

        A traveller matched as one screened before (a PNR pushed again, the API message after
        the PNR, the next leg of a journey: the same `records.matched_fields`) gets that
        screening's matches again, made alerts of its own, against each list whose active
        version is the one it was screened against; it is screened afresh against the others
        only (a list loaded since: a daily stolen-documents update leaves the persons lists'
        screenings standing). ``Settings.cache_screened`` travellers' screenings are kept in
        this process (0: none); those not held here are asked of Redis (`matchers.screened`,
        where they live ``Settings.screened_ttl`` seconds; 0: not kept there), in one round
        trip a batch, and the ones made now are kept there in another."""
        if not travellers:
            return []
        keep = self.settings.cache_screened > 0
        if not keep and self.shared is None:
            return alerts_of(travellers, [merge_lists(m) for m in self._match(travellers)], now=now)
        # One round trip: the versions kept matches must have been made against. Should a
        # switch come between it and the lookup, matches made now are kept under the older tag
        # and never found again (a new version gets a new random tag): nothing stale is served.
        active = self.store.versions()
        if not active:
            return []
        keys = [matched_fields(t) for t in travellers]
        first: dict[tuple, int] = {}  # each key's first traveller
        done: dict[tuple, Matches] = {}  # the matches of keys held here against every active version
        got: dict[tuple, dict[str, Matches]] = {}  # the others': their matches by list, as far as known
        for i, k in enumerate(keys):
            if k in first:
                continue
            first[k] = i
            held = self.screened.get(k) if keep else None
            if held is not None and held[0] == active:
                done[k] = held[2]
            else:
                got[k] = {} if held is None else {name: m for (name, tag), m in zip(held[0], held[1], strict=True)
                                                  if (name, tag) in active}
        from_redis: set[tuple] = set()
        redis_keys: dict[tuple, str] = {}
        if self.shared is not None and (wanted := [k for k, have in got.items() if len(have) < len(active)]):
            redis_keys = dict(zip(wanted, self.shared.keys(wanted), strict=True))
            for k, kept in zip(wanted, self.shared.get(list(redis_keys.values())), strict=True):
                have = got[k]
                for name, tag in active if kept else ():
                    if name not in have and tag in kept:  # type: ignore[operator]
                        have[name] = kept[tag]  # type: ignore[index]
                        from_redis.add(k)
        groups: dict[tuple[str, ...], list[tuple]] = {}  # keys by the lists they are screened against now
        for k, have in got.items():
            if missing := tuple(name for name, _ in active if name not in have):
                groups.setdefault(missing, []).append(k)
        names = {name for name, _ in active}
        late: dict[tuple, dict[str, Matches]] = {}  # matches of lists that became active since `versions`
        for missing, ks in groups.items():
            made = self._match([travellers[first[k]] for k in ks], lists=None if len(missing) == len(active) else missing)
            for k, per in zip(ks, made, strict=True):
                got[k].update((name, per.get(name, ())) for name in missing)
                if not per.keys() <= names:  # alerted now, kept once `versions` has them
                    late[k] = {name: m for name, m in per.items() if name not in names}
        if self.shared is not None and groups:  # each screened now kept there against every active version
            self.shared.put((redis_keys[k], {tag: got[k][name] for name, tag in active})
                            for ks in groups.values() for k in ks)
        for k, have in got.items():
            done[k] = merge_lists(have)
            if keep:
                self.screened.put(k, (active, tuple(have[name] for name, _ in active), done[k]))
            if k in late:
                done[k] = merge_lists({**have, **late[k]})
        # counted once screened (a Redis error retries the batch)
        screened_now = {k for ks in groups.values() for k in ks}
        self.repeats += len(travellers) - len(screened_now)
        self.partial += sum(len(ks) for missing, ks in groups.items() if len(missing) < len(active))
        if from_redis:
            self.shared_repeats += sum(1 for k in keys if k in from_redis and k not in screened_now)
        return alerts_of(travellers, [done[k] for k in keys], now=now)

    def _match(self, travellers: Sequence[Traveller], lists: Sequence[str] | None = None) -> list[dict[str, Matches]]:
        """The travellers' matches by list (`match_lists`) against the active lists (those
        named in ``lists``): one pipelined candidate lookup, then the scoring."""
        if not self.prefilter:
            candidates = self.store.lookup(travellers, self.settings.max_candidates, lists=lists)
            return match_lists(travellers, candidates, self.settings, cache=self.cache, prefilter=False)
        self.cache.trim()  # not later: the travellers' shapes and the index's bound share the token table
        shapes: dict[int, TravellerShapes] = {}

        def shape(i: int) -> TravellerShapes:  # made once, for travellers with candidates only
            s = shapes.get(i)
            if s is None:
                s = shapes[i] = self.cache.traveller(travellers[i])
            return s

        candidates = self.store.lookup(
            travellers, self.settings.max_candidates, thresholds=thresholds_of(self.settings),
            names=IndexNameBound(self.cache.tokens, shape), lists=lists,
        )
        return match_lists(travellers, candidates, self.settings, cache=self.cache, traveller_shapes=shape)
