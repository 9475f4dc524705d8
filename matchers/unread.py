"""Bounds before an entry is read: from what the posting index keeps of each entry (its birth
date, its name layout; `matchers.index`), which of a batch's candidates found through name keys
only could still reach a threshold. The store drops the others unread (`WatchlistStore.lookup`).

Every bound here is at least what `matchers.prefilter.reachable` would find after reading the
entry (for names, the same bound; for birth dates, the feature itself where each side has one
date), so nothing that could alert is dropped. tests/matchers/test_prefilter.py checks both
against the real features.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from matchers.documents import PLACEHOLDER_CAP, RELATION_SCORES, SHORT_CAP
from matchers.features import (
    DOB_DAY_MONTH_SLIP,
    DOB_EXACT,
    DOB_SAME_YEAR,
    DOB_SWAPPED,
    DOB_TWO_YEARS,
    DOB_YEAR_APART,
    DOB_YEAR_SLIP,
    NEUTRAL,
    _date_pair,
    _years_apart,
    dob_agreement,
    document_number_similarity,
    name_similarity,
)
from matchers.index import NameTable, PostingIndex, Ranked, YearWindows, ragged_take, year_codes
from matchers.memo import make
from matchers.prefilter import (
    MARGIN,
    Names,
    Shape,
    TokenTable,
    _contrib,
    glued_layout,
    key_code,
    name_bounds_flat,
)
from matchers.scoring import KINDS

__all__ = [
    "KEYLESS_DOCUMENT", "IndexNameBound", "NameBound", "bound_names", "dob_bounds", "dob_filter", "dob_scores",
    "dob_windows", "entry_dobs", "keyless_possible",
]

# `_years_apart` for 4..200 years (beyond 3 years apart, nothing but the years can explain it)
_APART = np.array([_years_apart(max(4, d))[0] for d in range(201)])
# The most a document number sharing no document key with the traveller's can score: every
# closer relation (exact, OCR-confused, transposed) shares a key (`matchers.keys`), except
# numbers too short or too plain to be keyed, whose score is capped.
KEYLESS_DOCUMENT = max(RELATION_SCORES["one_edit"], SHORT_CAP, PLACEHOLDER_CAP)


def dob_bounds(t: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Upper bound of `dob_agreement` for pairs of birth dates packed as the index packs them
    (`matchers.index.pack_dates`: ``yyyymmdd``, 0 none, -1 several).

    Neutral when either side has none; the full 1.0 when the years are at most 3 apart (days,
    slips and swaps decide there), when either side has several dates, or when a slip of the
    year's last digit or a swap of its two last digits could explain the difference (full
    dates with the same day and month); else what `features._years_apart` gives, 0."""
    t, e = t.astype(np.int32, copy=False), e.astype(np.int32, copy=False)
    ty, ey = t // 10000, e // 10000
    diff = np.abs(ty - ey)
    out = np.where((t == 0) | (e == 0), NEUTRAL, 1.0)
    far = np.flatnonzero((diff > 3) & (t > 0) & (e > 0))  # only these can score below 1 (few:
    if len(far):  # the ranking reads name keys only within the traveller's years)
        ty, ey, diff = ty[far], ey[far], diff[far]
        tmd, emd = t[far] - ty * 10000, e[far] - ey * 10000
        a, b = ty % 100, ey % 100
        swap = (a // 10 == b % 10) & (a % 10 == b // 10)
        slip = (tmd % 100 > 0) & (tmd == emd) & (ty // 100 == ey // 100) & ((ty // 10 == ey // 10) | swap)
        out[far] = np.where(slip, 1.0, _APART[np.minimum(diff, len(_APART) - 1)])
    return out


def dob_scores(t: np.ndarray, e: np.ndarray) -> np.ndarray:
    """`dob_bounds`, made exact where each side has one birth date: then it is what
    `dob_agreement` gives for those two dates (from the packed dates; nothing read)."""
    out = dob_bounds(t, e)
    one = np.flatnonzero((t > 0) & (e > 0) & (out >= 1.0))
    if len(one):
        score, done = _full_scores(t[one].astype(np.int64), e[one].astype(np.int64))
        out[one] = score
        rest = one[~done]
        out[rest] = [_packed_pair(a, b) for a, b in zip(t[rest].tolist(), e[rest].tolist(), strict=True)]
    return out


def _full_scores(t: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`features._date_pair`'s score for pairs of packed dates, vectorised where both are full
    dates other than 1 January (there `_date_pair` is `_full_pair`, or exact): (scores, which
    pairs were scored); the others are left to `_packed_pair`."""
    ty, tm, td = t // 10000, t // 100 % 100, t % 100
    ey, em, ed = e // 10000, e // 100 % 100, e % 100
    done = (tm > 0) & (td > 0) & (em > 0) & (ed > 0) & ~((tm == 1) & (td == 1)) & ~((em == 1) & (ed == 1))
    year = ty == ey
    days = np.abs(_civil_days(ty, tm, td) - _civil_days(ey, em, ed))
    valid = _valid(ty, tm, td) & _valid(ey, em, ed)
    year_slip = ((tm == em) & (td == ed) & (ty // 100 == ey // 100) & _slip2(ty % 100, ey % 100)
                 & ~((ty // 10 != ey // 10) & (ty % 10 == ey % 10)))  # 1972/1982: a decade, not a slip
    score = np.select(
        [t == e, year & (tm == ed) & (td == em),
         year & (((tm == em) & _slip2(td, ed)) | ((td == ed) & _slip2(tm, em))),
         year_slip, year, valid & (days <= 400), valid & (days <= 800)],
        [DOB_EXACT, DOB_SWAPPED, DOB_DAY_MONTH_SLIP, DOB_YEAR_SLIP, DOB_SAME_YEAR, DOB_YEAR_APART, DOB_TWO_YEARS],
        0.0,  # three years or more apart (`_years_apart`)
    )
    return score, done


def _slip2(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`features._digit_slip` of two-digit numbers: one digit wrong, or the two swapped."""
    at, au, bt, bu = a // 10, a % 10, b // 10, b % 10
    return ((at == bt) != (au == bu)) | ((at != bt) & (au != bu) & (at == bu) & (au == bt))


_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _valid(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Whether (y, m, d) is a calendar date (parse_date checks ranges, not calendars)."""
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    m = np.clip(m, 0, 12)
    return (y >= 1) & (m >= 1) & (d >= 1) & (d <= _MONTH_DAYS[m] + (leap & (m == 2)))


def _civil_days(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days since 1 March of year 0 in the proleptic Gregorian calendar (any valid date)."""
    y = y - (m <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + np.where(m > 2, -3, 9)) + 2) // 5 + d - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy


def _packed_pair_score(t: int, e: int) -> float:
    return _date_pair(_unpack(t), _unpack(e))[0]


_packed_pair = make(_packed_pair_score, "token", size=100_000)  # a `Generations`: see `paxscreen.bounded._pinned`


def _unpack(packed: int) -> tuple[int, int | None, int | None]:
    """`index.pack_dates` of one date, undone: (year, month or None, day or None)."""
    return packed // 10000, (packed // 100) % 100 or None, packed % 100 or None


def keyless_possible(
    thresholds: dict[str, float], dob_bound: np.ndarray, name_bound: np.ndarray | None = None
) -> np.ndarray:
    """Which candidates found through name keys only (no document key in common) could reach
    a threshold, given an upper bound of their birth-date score (`dob_bounds`) and, when
    known, of their name similarity (``name_bound``, from the index's `NameTable`; else taken
    as 1.0): every other feature is taken to agree in full, the document number at most
    `KEYLESS_DOCUMENT`. The store asks this before reading any entry: namesakes born decades
    apart, and strangers sharing a surname, are dropped here. Without ``name_bound`` the
    birth-date values must be `dob_bounds`' (one cut among those values decides); other
    scores (`dob_scores`) need an explicit ``name_bound``."""
    dob_bound = np.asarray(dob_bound, np.float64)
    if name_bound is None:  # a kind's ceiling rises with the birth-date score: one cut
        return dob_bound >= _dob_cut(tuple(sorted(thresholds.items()))) - 1e-12
    name = np.asarray(name_bound, np.float64)
    ok = np.zeros(len(dob_bound), bool)
    for kind in ("name", "document"):
        total = np.zeros(len(dob_bound))
        for rule in KINDS[kind]:
            if rule.feature is dob_agreement:
                total += _contrib(rule, dob_bound)
            elif rule.feature is name_similarity:
                total += _contrib(rule, name)
            elif rule.base:
                total += KEYLESS_DOCUMENT if rule.feature is document_number_similarity else 1.0
            else:
                total += rule.weight_for
        ok |= total >= thresholds[kind] - MARGIN
    return ok


@lru_cache(maxsize=32)
def _dob_cut(thresholds: tuple[tuple[str, float], ...]) -> float:
    """The least birth-date score (of those `dob_bounds` gives) at which a keyless candidate
    with its name taken to agree in full could reach a threshold."""
    values = np.unique(np.r_[_APART, NEUTRAL, 1.0])
    ok = keyless_possible(dict(thresholds), values, np.ones(len(values)))
    return float(values[ok].min()) if ok.any() else np.inf


class IndexNameBound:
    """Name bounds of a batch's candidates from the versions' stored name layouts
    (`matchers.index.NameTable`), before any entry is read: the store's ``names`` (see
    `WatchlistStore.lookup`).

    The bound is the one `reachable` computes after reading the entry: from the same layouts,
    with glued variants on the side where `align` could glue (`may_glue`), which for the entry
    are made from its stored layout (`prefilter.glued_layout`). 1.0 for a traveller or an
    entry without names or with a variant over `MAX_TOKENS`."""

    def __init__(self, table: TokenTable, traveller: Callable[[int], Any]) -> None:
        """``traveller(i)``: the batch's traveller ``i``'s `screening.TravellerShapes` (in
        ``table``), asked only for travellers with candidates to bound."""
        self.table = table
        self.traveller = traveller

    def _travellers(self, trav: np.ndarray):
        """The travellers of ``trav``: their names flat, which are usable, each's (first
        letter, length) codes of its tokens and of its glue keys, and ``trav`` renumbered."""
        ids, local = np.unique(trav, return_inverse=True)
        shapes = [self.traveller(i) for i in ids.tolist()]
        usable = np.array([t.base.has_names and not t.base.too_long for t in shapes], bool)
        kept = [t.base if ok else _NO_NAMES for t, ok in zip(shapes, usable.tolist(), strict=True)]
        n_pos = np.array([int(s.var_len.sum()) for s in kept], np.int64)
        return (Names.of(kept), n_pos, usable, _pair_codes([t.tokens_wide for t in shapes]),
                _pair_codes([t.glue_wide for t in shapes]), local, shapes)

    def __call__(self, tables, trav: np.ndarray, lst: np.ndarray, ords: np.ndarray) -> np.ndarray:
        out = np.ones(len(trav))
        if not len(trav) or all(nt is None for nt in tables):
            return out
        for nt in tables:  # before the travellers' tokens: the lists' token properties serve them too
            if nt is not None:
                nt.attach(self.table)
        t, n_pos, usable, tokens_wide, glue_wide, trav, shapes = self._travellers(trav)
        for li, nt in enumerate(tables):
            if nt is None:
                continue
            sel = np.flatnonzero(lst == li)
            rows = nt.rows(ords[sel].astype(np.int64)) if len(sel) else sel
            ok = (rows >= 0) & usable[trav[sel]]
            sel, rows = sel[ok], rows[ok]
            if not len(sel):
                continue
            who = trav[sel]
            n_tok, toks = nt.take("toks", rows)
            n_glue, glue = nt.take("glue", rows)
            toks = toks.astype(np.int64)
            # the entry's glued words against the traveller's tokens, and the other way round
            # (names with a variant over MAX_TOKENS are not laid out: `store_load.prepare`)
            e_glue = _any_in(np.repeat(who, n_glue), glue, tokens_wide, len(sel), n_glue)
            t_glue = _any_in(np.repeat(who, n_tok), nt.token_codes()[toks], glue_wide, len(sel), n_tok)
            fine = ~e_glue & ~t_glue
            glued = np.flatnonzero(~fine)
            if len(glued):  # with glued variants, on the side where `align` may glue (as `reachable`)
                g_who, g_rows = who[glued].tolist(), rows[glued].tolist()
                left = _rows_of(shapes, g_who, t_glue[glued].tolist())
                wide = [shapes[i].tokens_wide if g else None
                        for i, g in zip(g_who, e_glue[glued].tolist(), strict=True)]
                out[sel[glued]] = name_bounds_flat(self.table, left, self._entry_names(nt, g_rows, wide))
            if not fine.any():
                continue
            toks, n_tok = toks[np.repeat(fine, n_tok)], n_tok[fine]
            sel, rows, who = sel[fine], rows[fine], who[fine]
            n_var, var_len = nt.take("var_len", rows)
            _, pos = nt.take("pos", rows)
            right = Names(n_tok, nt.token_ids(toks, self.table), n_var, var_len.astype(np.int64), pos.astype(np.int64))
            out[sel] = name_bounds_flat(self.table, _take_names(t, n_pos, who), right)
        return out

    def _entry_names(self, nt: NameTable, rows: list[int], against: list[frozenset | None]) -> Names:
        """The names of entries (rows of ``nt``) from their stored layouts, flat, with the glued
        variants `align` could try against the traveller's widened token keys where
        ``against`` has them (`prefilter.glued_layout`), else without (those are kept for the
        next batches: the others depend on the traveller)."""
        cache = nt.derived(self.table)
        held = [cache.get(r) if w is None else None for r, w in zip(rows, against, strict=True)]
        todo = [i for i, h in enumerate(held) if h is None]
        if todo:
            at = np.array([rows[i] for i in todo], np.int64)
            cols = [nt.take(c, at) for c in ("toks", "var_len", "pos")]
            table_ids = nt.token_ids(cols[0][1].astype(np.int64), self.table).tolist()  # at once
            (n_tok, toks), (n_var, var_len), (_, pos) = [(n.tolist(), v.tolist()) for n, v in cols]
            a = b = c = 0
            vocab, tid = nt.vocab, self.table.id
            for i, nt_, nv in zip(todo, n_tok, n_var, strict=True):
                lengths = var_len[b : b + nv]
                npos = sum(lengths)
                own, var_pos = table_ids[a : a + nt_], pos[c : c + npos]
                wide = against[i]
                if wide is None:
                    held[i] = cache[rows[i]] = (own, var_pos, lengths)
                else:  # the glued words come after the entry's own tokens
                    tokens, var_pos, var_lens = glued_layout([vocab[v] for v in toks[a : a + nt_]], var_pos,
                                                             lengths, wide)
                    held[i] = (own + [tid(t) for t in tokens[nt_:]], var_pos, var_lens)
                a, b, c = a + nt_, b + nv, c + npos
        n_tok_out, tok_out, n_var_out, vlen_out, pos_out = [], [], [], [], []
        for ids, var_pos, var_lens in held:  # type: ignore[misc]
            n_tok_out.append(len(ids))
            tok_out += ids
            n_var_out.append(len(var_lens))
            vlen_out += var_lens
            pos_out += var_pos
        return Names(*(np.array(x, np.int64) for x in (n_tok_out, tok_out, n_var_out, vlen_out, pos_out)))


def _take_names(names: Names, n_pos: np.ndarray, rows: np.ndarray) -> Names:
    """Rows of many shapes' flat names (``n_pos``: each shape's positions, its variants' total
    length), flat again."""
    n_tok, tokens = ragged_take(names.n_tok, names.tokens, rows)
    n_var, var_len = ragged_take(names.n_var, names.var_len, rows)
    _, var_pos = ragged_take(n_pos, names.var_pos, rows)
    return Names(n_tok, tokens, n_var, var_len, var_pos)


def _rows_of(shapes: list, who: list[int], full: list[bool]) -> Names:
    """Travellers' names, flat: traveller ``who[i]``'s `TravellerShapes` base shape, or its
    full one (with glued variants) where ``full[i]``; each shape is laid out once."""
    key = np.array(who, np.int64) * 2 + np.array(full, np.int64)
    uniq, inv = np.unique(key, return_inverse=True)
    picked = [shapes[k >> 1].full if k & 1 else shapes[k >> 1].base for k in uniq.tolist()]
    return _take_names(Names.of(picked), np.array([len(s.var_pos) for s in picked], np.int64), inv)


def _pair_codes(keys_per_traveller: Sequence[frozenset]) -> np.ndarray:
    """Sorted (traveller << 32 | `key_code`) of each traveller's (first letter, length) keys."""
    out = [(i << 32) | key_code(c, n) for i, keys in enumerate(keys_per_traveller) for c, n in keys if n >= 0]
    return np.unique(np.array(out, np.int64))


def _any_in(who: np.ndarray, codes: np.ndarray, table: np.ndarray, n: int, lengths: np.ndarray) -> np.ndarray:
    """Per pair (``lengths`` codes each, back to back, of traveller ``who``): is any of its
    codes among that traveller's in ``table`` (`_pair_codes`)?"""
    if not len(codes) or not len(table):
        return np.zeros(n, bool)
    q = (who.astype(np.int64) << 32) | codes.astype(np.int64)
    hit = table[np.minimum(np.searchsorted(table, q), len(table) - 1)] == q  # (`table` is sorted)
    return np.bincount(np.repeat(np.arange(n), lengths), weights=hit, minlength=n) > 0


_NO_DOCS = np.zeros((0, 36), np.int16)
_NO_NAMES = Shape(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64), _NO_DOCS, False, False)


# --- the store's filters, over a batch's ranked candidates ---------------------------------------


def entry_dobs(indexes: list[PostingIndex], lst: np.ndarray, ords: np.ndarray) -> np.ndarray:
    """The packed birth dates (`index.pack_dates`) of candidates, from their lists' indexes."""
    out = np.zeros(len(ords), np.int32)
    for li, index in enumerate(indexes):
        mine = lst == li
        out[mine] = index.dobs[ords[mine].astype(np.int64)]
    return out


def dob_filter(indexes: list[PostingIndex], t_dobs: np.ndarray, thresholds: dict[str, float]):
    """The ranking's filter of keyless candidates (`index.rank`'s ``possible``): birth dates
    from the index, no entry read."""

    def possible(trav: np.ndarray, lst: np.ndarray, ords: np.ndarray) -> np.ndarray:
        return keyless_possible(thresholds, dob_bounds(t_dobs[trav], entry_dobs(indexes, lst, ords)))

    return possible


def dob_windows(t_dobs: np.ndarray, thresholds: dict[str, float]) -> YearWindows | None:
    """The years (`index.year_codes`) in which `dob_filter` can keep a keyless candidate of
    each traveller (`index.rank`'s ``windows``): those within the farthest years apart whose
    `dob_bounds` still reach the cut, the traveller's decade and its year with the last two
    digits swapped (a slip or a swap, where the traveller's day is known). None when years
    apart never rule a candidate out at these thresholds."""
    cut = _dob_cut(tuple(sorted(thresholds.items()))) - 1e-12
    apart = np.flatnonzero(_APART >= cut)
    if len(apart) and apart.max() == len(_APART) - 1:
        return None  # even 200 years apart can reach the cut (and beyond, `dob_bounds` says the same)
    reach = max(3, int(apart.max()) if len(apart) else 3)  # within 3 years, the bound is 1
    t = np.asarray(t_dobs, np.int64)
    y = t // 10000
    day = (t > 0) & (t % 100 > 0)
    lo = np.where(day, np.minimum(y - reach, y // 10 * 10), y - reach)
    hi = np.where(day, np.maximum(y + reach, y // 10 * 10 + 9), y + reach)
    a = y % 100
    swap = y // 100 * 100 + a % 10 * 10 + a // 10
    dated = t > 0
    return YearWindows(np.where(dated, _year_code(lo), 0).astype(np.int16),
                       np.where(dated, _year_code(hi), 0).astype(np.int16),
                       np.where(day, _year_code(swap), 0).astype(np.int16))


def _year_code(years: np.ndarray) -> np.ndarray:
    return year_codes(np.maximum(years, 1) * 10000 + 101).astype(np.int16)


NameBound = Callable[[list[NameTable | None], np.ndarray, np.ndarray, np.ndarray], np.ndarray]
"""(name table of each list or None, then per candidate: traveller, list, ordinal) -> an upper
bound of each candidate's name similarity (1.0 where it cannot say): an `IndexNameBound`."""


def bound_names(ranked: Ranked, tables: list[NameTable | None], indexes: list[PostingIndex], t_dobs: np.ndarray,
                thresholds: dict[str, float], names: NameBound) -> Ranked:
    """The ranked candidates without those found through name keys only that cannot reach a
    threshold with their birth-date score (`dob_scores`) and name bound (``names``, from
    ``tables``: each list's, or None where it may not be used; `keyless_possible`). The
    birth dates alone rule out some first: the name bound is computed only for the others."""
    keyless = np.flatnonzero(~ranked.hit)
    if not len(keyless):
        return ranked
    trav, lst, ords = ranked.trav[keyless], ranked.lst[keyless], ranked.ords[keyless]
    dob = dob_scores(t_dobs[trav], entry_dobs(indexes, lst, ords))
    ok = keyless_possible(thresholds, dob, np.ones(len(dob)))  # names agreeing in full: a bound only lowers it
    live = np.flatnonzero(ok)
    if len(live) and any(t is not None for t in tables):
        ok[live] = keyless_possible(thresholds, dob[live], names(tables, trav[live], lst[live], ords[live]))
    keep = ranked.hit.copy()
    keep[keyless[ok]] = True
    return Ranked(ranked.trav[keep], ranked.lst[keep], ranked.ords[keep], ranked.shared[keep], ranked.hit[keep])
