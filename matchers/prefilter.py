"""A vectorised prefilter: which (traveller, candidate) pairs cannot reach any threshold.

Scoring a pair (`matchers.scoring.evaluate`) costs about 100 µs of Python, and a traveller has
up to 50 candidates, nearly all of them namesakes or strangers sharing one key. This module
computes, for every pair of a batch at once with numpy, an *upper bound* of each kind's score,
and the screener scores only the pairs whose bound reaches the kind's threshold. It never
changes a score: a pair is skipped only when it provably could not alert.

How the bound is built (every step over-estimates, never under-estimates):

* Token similarity: ``max(OSA similarity, 0.95 if same curated variant, 0.90 if same phonetic
  skeleton or a rigour name symbol in common where the first sounds agree, the loose score
  where the coarse skeletons agree)``; initials as in `matchers.similarity`. This is at least
  what `TokenSims` gives (it adds conditions, never value).
* Name similarity (`similarity.align`, greedy): every token of the shorter name is paired, each
  pair counts at most its token's best *effective* similarity against any token of the other
  record, weights are bounded by the other record's shortest and longest tokens (clamped as
  `align` clamps them), unpaired tokens are ignored (they only lower the score) or, where the
  other name must leave one over, counted at the least one weighs (a patronymic's share).
  Names glued by the alignment (XIAO MING -> XIAOMING) are extra variants, bounded only where
  `align` may glue (`may_glue`). The best over all variant pairs bounds `name_similarity`.
* Document number: a number at Levenshtein distance ``d`` from another (on the OCR-canonical
  forms, as `documents.number_relation` measures it) differs in at least ``d`` characters of
  the multiset of characters, so the multiset difference bounds the relation: 0 -> any, 1 -> at
  most a one-character edit, 2 -> at most two, 3+ -> different.
* A kind's ceiling is its base feature's bound plus, for every other feature of its table
  (`scoring.KINDS`), the contribution of the feature's exact score when it is cheap (birth date,
  nationality, sex: a few µs, computed only for the pairs still standing) or of its bound (name,
  document number), else its full weight for.

The screener adds a margin (`MARGIN`) for float32 similarities and the 4-decimal rounding of
scores. tests/matchers/test_prefilter.py checks the bounds against the real features on random
and adversarial pairs, and the evaluation harness screens with and without the prefilter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz.distance import OSA
from rapidfuzz.process import cpdist

from matchers.documents import RELATION_SCORES, ocr_canonical
from matchers.features import (
    NEUTRAL,
    dob_agreement,
    dob_score,
    document_number_similarity,
    name_similarity,
    nationality_agreement,
    nationality_score,
    sex_agreement,
    sex_score,
)
from matchers.records import Record
from matchers.scoring import KINDS, THRESHOLDS, kinds_for
from matchers.similarity import (
    FIRM,
    INITIAL,
    LOOSELY_ALIKE,
    LOOSELY_ALIKE_LOW,
    MAX_WEIGHT,
    MIN_WEIGHT,
    PATRONYMIC_FACTOR,
    SINGLE_TOKEN_FACTOR,
    SOUNDS_ALIKE,
    SOUNDS_ALIKE_MIN_OSA,
    SYMBOL,
    UNMATCHED,
    VARIANT,
    graded,
)
from matchers.token_props import TokenTable

__all__ = [
    "MARGIN",
    "NAME_LAYOUT",
    "Names",
    "Shape",
    "TokenTable",
    "glue_keys",
    "may_glue",
    "glue_codes",
    "key_code",
    "name_bounds_flat",
    "name_layout",
    "glued_layout",
    "layout_shape",
    "reachable",
    "shape_of",
    "shapes_of",
    "token_keys",
    "widen",
]

MARGIN = 1e-3
MAX_TOKENS = 10  # names with more tokens in a variant are always scored in full
# the cheap features, each with its score alone (no sentence), computed exactly for the pairs
# whose bounds pass
CHEAP = {dob_agreement: dob_score, nationality_agreement: nationality_score, sex_agreement: sex_score}
_CHEAP_OF = {kind: [(r.feature, CHEAP[r.feature]) for r in rules if r.feature in CHEAP]  # per kind, once
             for kind, rules in KINDS.items()}
_ALNUM = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")}


@dataclass(frozen=True, slots=True)
class Shape:
    """What the bound needs of one record: its distinct name tokens (ids, glued forms
    included), its name variants as positions into those tokens (glued variants included),
    and its documents' OCR-canonical character counts."""

    tokens: np.ndarray  # int64 token ids
    var_pos: np.ndarray  # int64 positions into tokens, variant after variant
    var_len: np.ndarray  # int64 tokens per variant
    docs: np.ndarray  # (n_docs, 36) int16 character counts
    has_names: bool
    too_long: bool

    def renumbered(self, moved: np.ndarray) -> Shape | None:
        """The shape with its token ids renumbered by a compaction's ``moved``
        (`TokenTable.moved`), or None if it refers to a token the table forgot."""
        ids = moved[self.tokens]
        return None if (ids < 0).any() else replace(self, tokens=ids)


# Bump when `name_layout` changes what it lays out: readers use a version's stored layouts
# (`matchers.index.NameTable`) only when written by the same layout.
NAME_LAYOUT = "1"


def name_layout(names, *, glued: bool = True) -> tuple[list[str], list[int], list[int]]:
    """The name part of a shape, as text: the distinct tokens of every variant of ``names``
    (`NameForm`s; with the variants `align` may make by gluing two adjacent tokens, unless
    ``glued`` is False), each variant's tokens as positions into those, and each variant's
    length. The store keeps it without glued variants for every entry at load
    (`matchers.index`); `glued_layout` adds them."""
    variants: list[tuple[str, ...]] = []
    for name in names:
        for v in name.variants:
            if v and v not in variants:
                variants.append(v)
    pos: dict[str, int] = {}
    var_pos: list[int] = []
    for v in variants:
        for t in v:
            var_pos.append(pos.setdefault(t, len(pos)))
    layout = list(pos), var_pos, [len(v) for v in variants]
    return glued_layout(*layout) if glued else layout


def glued_layout(
    tokens: list[str], var_pos: list[int], var_len: list[int],
    against: frozenset[tuple[str, int]] | None = None,
) -> tuple[list[str], list[int], list[int]]:
    """A layout without glued variants (`name_layout` with ``glued=False``, as the index keeps
    it) with them added: each variant again with two adjacent tokens glued into one word, as
    `align` may glue them. ``against``: the other record's widened token keys (`widen`); only
    the glued words `align` could try against it are added (`may_glue`)."""
    tokens = list(tokens)
    pos = {t: i for i, t in enumerate(tokens)}
    variants: list[tuple[int, ...]] = []
    at = 0
    for n in var_len:
        variants.append(tuple(var_pos[at : at + n]))
        at += n
    seen = set(variants)
    out_pos, out_len = list(var_pos), list(var_len)
    for v in variants:
        for i in range(len(v) - 1):
            word = tokens[v[i]] + tokens[v[i + 1]]
            if against is not None and (word[:1], len(word)) not in against:
                continue
            p = pos.get(word)
            if p is None:
                p = pos[word] = len(tokens)
                tokens.append(word)
            g = v[:i] + (p,) + v[i + 2 :]
            if g not in seen:
                seen.add(g)
                out_pos += g
                out_len.append(len(g))
    return tokens, out_pos, out_len


def shape_of(rec: Record, table: TokenTable, *, glued: bool = True) -> Shape:
    """The record's shape; ``glued=False`` leaves out the variants `align` makes by gluing two
    adjacent tokens (bound a pair with it only when `may_glue` says no gluing can happen)."""
    return layout_shape(name_layout(rec.names, glued=glued), table, _doc_counts(rec))


def shapes_of(rec: Record, table: TokenTable) -> tuple[Shape, Callable[[], Shape]]:
    """`shape_of` the record without glued variants, and a function making it with them (the
    first again when it has nothing to glue), its documents counted and its names laid out
    once. The glued shape is made only when asked: its glued words are tokens the table
    has not seen (~11 µs each to add), and most travellers with candidates never need it."""
    docs = _doc_counts(rec)
    layout = name_layout(rec.names, glued=False)
    base = layout_shape(layout, table, docs)

    def full() -> Shape:
        glued = glued_layout(*layout)
        return base if len(glued[2]) == len(layout[2]) else layout_shape(glued, table, docs)

    return base, full


def _doc_counts(rec: Record) -> np.ndarray:
    """Per document, how many times each OCR-canonical character occurs in its number."""
    docs = np.zeros((len(rec.documents), 36), np.int16)
    for i, d in enumerate(rec.documents):
        row = [0] * 36
        for ch in ocr_canonical(d.number):
            j = _ALNUM.get(ch)
            if j is not None:
                row[j] += 1
        docs[i] = row
    return docs


def layout_shape(layout: tuple[list[str], list[int], list[int]], table: TokenTable, docs: np.ndarray) -> Shape:
    """The shape of a name layout (`name_layout`, `glued_layout`) and documents' counts."""
    tokens, var_pos, var_len = layout
    return Shape(
        tokens=np.fromiter(map(table.id, tokens), np.int64, len(tokens)),
        var_pos=np.array(var_pos, np.int64),
        var_len=np.array(var_len, np.int64),
        docs=docs,
        has_names=bool(var_len),
        too_long=any(n > MAX_TOKENS for n in var_len),
    )


def key_code(first: str, length: int) -> int:
    """A (first letter, length) key (`glue_keys`, `token_keys`) as one int."""
    return (ord(first) << 8 | min(length, 255)) if first else 0


def glue_codes(names) -> list[int]:
    """`glue_keys` of ``names`` (`NameForm`s) as `key_code`s (what the index keeps)."""
    return sorted({key_code(v[i][:1], len(v[i]) + len(v[i + 1])) for n in names for v in n.variants
                   for i in range(len(v) - 1)})


def glue_keys(rec: Record) -> frozenset[tuple[str, int]]:
    """(first letter, length) of every word `align` may make by gluing two adjacent tokens of
    one of the record's name variants."""
    return frozenset((v[i][:1], len(v[i]) + len(v[i + 1])) for n in rec.names for v in n.variants for i in range(len(v) - 1))


def token_keys(rec: Record) -> frozenset[tuple[str, int]]:
    """(first letter, length) of every name token of the record."""
    return frozenset((t[:1], len(t)) for n in rec.names for v in n.variants for t in v)


def widen(keys: frozenset[tuple[str, int]]) -> frozenset[tuple[str, int]]:
    """The keys with every length up to two letters more or less (what `may_glue` takes)."""
    return frozenset((c, n + d) for c, n in keys for d in (-2, -1, 0, 1, 2))


def may_glue(glue: frozenset[tuple[str, int]], other_wide: frozenset[tuple[str, int]]) -> bool:
    """Whether `align` could glue tokens of one record (its `glue_keys`) against another
    (``widen(token_keys(other))``, or the glue keys widened and the other's token keys): it
    tries a glued word only when a token of the other name starts with the same letter and
    is at most two letters longer or shorter (`similarity.align`)."""
    return not glue.isdisjoint(other_wide)


def _eff(s: np.ndarray) -> np.ndarray:
    return np.where(s >= FIRM, s, np.maximum(0.0, 2.0 * s - FIRM))


def _segments(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ragged segments: the segment of each flat element and its rank inside it."""
    seg = np.repeat(np.arange(len(lengths)), lengths)
    start = np.cumsum(lengths) - lengths
    return seg, np.arange(int(lengths.sum())) - np.repeat(start, lengths)


def _token_sims(table: TokenTable, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Upper bound of `TokenSims` for token id pairs (x[i], y[i]), exact enough for `_eff`."""
    n = len(table)
    code = x * n + y
    uniq, inv = np.unique(code, return_inverse=True)
    ux, uy = uniq // n, uniq % n
    ln, first, canon, skel, skel_ok = table.arrays()
    text = table.text_array()
    # OSA similarity is 1 - distance / longer length; the distance is at least the lengths'
    # difference, and at least one edit per letter one token has and the other lacks: where
    # that bound leaves at most FIRM / 2, which `_eff` makes 0 as it does any lower value,
    # the bound stands in for the exact value
    letters = table.letter_masks()
    ma, mb, la, lb = letters[ux], letters[uy], ln[ux], ln[uy]
    edits = np.maximum(np.maximum(np.bitwise_count(ma & ~mb), np.bitwise_count(mb & ~ma)), np.abs(la - lb))
    sim = 1.0 - edits / np.maximum(np.maximum(la, lb), 1)
    close = np.flatnonzero(sim > FIRM / 2)
    sim[close] = cpdist(text[ux[close]], text[uy[close]], scorer=OSA.normalized_similarity, dtype=np.float32,
                        workers=1)
    osa = sim
    sim = np.where(canon[ux] == canon[uy], np.maximum(sim, VARIANT), sim)
    sim = np.where((skel[ux] == skel[uy]) & skel_ok[ux] & skel_ok[uy], np.maximum(sim, SOUNDS_ALIKE), sim)
    # loosely alike (`similarity._loosely_alike_score`, graded by the OSA similarity, at least
    # half): its value where the coarse skeletons agree and it is more than known so far
    loose = np.flatnonzero((osa >= SOUNDS_ALIKE_MIN_OSA) & (sim < LOOSELY_ALIKE) & (la >= 3) & (lb >= 3))
    if len(loose):
        lo, lo_ok = table.loose_ids(np.concatenate((ux[loose], uy[loose])))
        loose = loose[(lo[ux[loose]] == lo[uy[loose]]) & lo_ok[ux[loose]]]
        sim[loose] = np.maximum(sim[loose], graded(LOOSELY_ALIKE_LOW, LOOSELY_ALIKE, osa[loose]))
    # rigour symbols in common: only where they could still raise the value, both tokens have
    # some or may have, and their first sounds agree (as `similarity.token_similarity` asks:
    # first letters, or skeletons' or loose skeletons' first letters); rigour is asked about
    # those only (a glued word or a traveller's token the list lacks, ~10 µs each)
    has_sym, pending = table.symbol_columns()
    maybe = has_sym | pending
    cand = np.flatnonzero((sim < SYMBOL) & maybe[ux] & maybe[uy])
    if len(cand):
        sk_first = table.skeleton_firsts()
        ca, cb = ux[cand], uy[cand]
        agree = (first[ca] == first[cb]) | (sk_first[ca] == sk_first[cb])
        other = np.flatnonzero(~agree)
        if len(other):
            lo_first = table.loose_firsts(np.concatenate((ca[other], cb[other])))
            agree[other] = lo_first[ca[other]] == lo_first[cb[other]]
        cand = cand[agree]
    if len(cand):
        syms = table.symbols_of(np.concatenate((ux[cand], uy[cand])))
        hit = [i for i, a, b in zip(cand.tolist(), ux[cand].tolist(), uy[cand].tolist(), strict=True)
               if not syms[a].isdisjoint(syms[b])]  # type: ignore[union-attr]
        if hit:
            sim[hit] = np.maximum(sim[hit], SYMBOL)
    l1, r1 = ln[ux] == 1, ln[uy] == 1
    one = l1 ^ r1
    sim = np.where(one, np.where(first[ux] == first[uy], INITIAL, 0.0), sim)
    sim = np.where(ux == uy, 1.0, sim)
    return sim[inv]


def _name_bounds(table: TokenTable, left: Sequence[Shape], right: Sequence[Shape]) -> np.ndarray:
    """Upper bound of `name_similarity` for each pair (left[i], right[i])."""
    p = len(left)
    out = np.full(p, NEUTRAL)
    live = np.array([a.has_names and b.has_names and not a.too_long and not b.too_long for a, b in zip(left, right)], bool)
    out[[i for i in range(p) if (left[i].too_long or right[i].too_long) and left[i].has_names and right[i].has_names]] = 1.0
    idx = np.flatnonzero(live)
    if not len(idx):
        return out
    out[idx] = name_bounds_flat(table, Names.of([left[i] for i in idx.tolist()]), Names.of([right[i] for i in idx.tolist()]))
    return out


@dataclass(frozen=True, slots=True)
class Names:
    """The name parts of many shapes, flat (shape after shape): per shape its number of
    tokens and of variants; flat, the token ids, each variant's length and its tokens'
    positions into its shape's tokens."""

    n_tok: np.ndarray
    tokens: np.ndarray
    n_var: np.ndarray
    var_len: np.ndarray
    var_pos: np.ndarray

    @classmethod
    def of(cls, shapes: Sequence[Shape]) -> Names:
        return cls(
            np.array([len(s.tokens) for s in shapes], np.int64),
            np.concatenate([s.tokens for s in shapes]),
            np.array([len(s.var_len) for s in shapes], np.int64),
            np.concatenate([s.var_len for s in shapes]),
            np.concatenate([s.var_pos for s in shapes]),
        )


def name_bounds_flat(table: TokenTable, left: Names, right: Names) -> np.ndarray:
    """Upper bound of `name_similarity` for each pair (left shape i, right shape i); every
    shape has names and no variant longer than `MAX_TOKENS`."""
    na, nb = left.n_tok, right.n_tok
    ta, tb = left.tokens, right.tokens
    sa, sb = np.cumsum(na) - na, np.cumsum(nb) - nb
    p = len(na)
    # every (left token, right token) cell of every pair
    cells = na * nb
    pair, k = _segments(cells)
    xi, yi = k // nb[pair], k % nb[pair]
    eff = _eff(_token_sims(table, ta[sa[pair] + xi], tb[sb[pair] + yi]))
    ln = table.arrays()[0]
    # best effective similarity of each left token against the right record, and vice versa
    rowmax = np.maximum.reduceat(eff, np.flatnonzero(yi == 0))  # cells are row after row
    colmax = np.zeros(len(tb))
    np.maximum.at(colmax, sb[pair] + yi, eff)
    la, lb = ln[ta].astype(np.float64), ln[tb].astype(np.float64)
    seg_a, _ = _segments(na)
    seg_b, _ = _segments(nb)
    amin, amax = np.full(p, np.inf), np.zeros(p)
    np.minimum.at(amin, seg_a, la)
    np.maximum.at(amax, seg_a, la)
    bmin, bmax = np.full(p, np.inf), np.zeros(p)
    np.minimum.at(bmin, seg_b, lb)
    np.maximum.at(bmax, seg_b, lb)

    def variant_bounds(names: Names, starts, best, lens, omin, omax):
        """Per variant: the most its weighted mean of best similarities can be, weights free in
        their ranges (the optimum gives the upper weight to the values above it, the lower to
        the others: try every split of the values sorted high to low), without and with one
        unpaired token of the other name (`UNMATCHED` of at least `MIN_WEIGHT`, a patronymic's
        `PATRONYMIC_FACTOR` of that)."""
        vl, vpos, nv = names.var_len, names.var_pos, names.n_var
        vpair = np.repeat(np.arange(len(nv)), nv)
        var_of_tok = np.repeat(np.arange(len(vl)), vl)
        tok_pair = vpair[var_of_tok]
        flat = starts[tok_pair] + vpos
        r = best[flat]
        order = np.lexsort((-r, var_of_tok))
        r, ln_, var_sorted = r[order], lens[flat][order], var_of_tok[order]
        tp = tok_pair[order]
        # a pair weighs its tokens' mean length, clamped as `similarity._greedy` clamps it
        hi = np.clip((ln_ + omax[tp]) / 2.0, MIN_WEIGHT, MAX_WEIGHT)
        lo = np.clip((ln_ + omin[tp]) / 2.0, MIN_WEIGHT, MAX_WEIGHT)
        heads = np.cumsum(vl) - vl
        lo_num, lo_den = np.add.reduceat(r * lo, heads), np.add.reduceat(lo, heads)
        # split after the k-th value: upper weights before, lower after
        base = np.repeat(heads, vl)
        up_num = np.cumsum(r * hi) - np.repeat(np.cumsum(r * hi)[heads] - (r * hi)[heads], vl)
        up_den = np.cumsum(hi) - np.repeat(np.cumsum(hi)[heads] - hi[heads], vl)
        rest_num = np.repeat(lo_num, vl) - (np.cumsum(r * lo) - np.repeat(np.cumsum(r * lo)[heads] - (r * lo)[heads], vl))
        rest_den = np.repeat(lo_den, vl) - (np.cumsum(lo) - np.repeat(np.cumsum(lo)[heads] - lo[heads], vl))
        del base
        num, den = up_num + rest_num, up_den + rest_den
        extra = UNMATCHED * MIN_WEIGHT * PATRONYMIC_FACTOR  # the least an unpaired token weighs
        all_lo = lo_num / lo_den  # the split before the first value
        alone = np.maximum(np.maximum.reduceat(num / den, heads), all_lo)
        with_gap = np.maximum(np.maximum.reduceat(num / (den + extra), heads), lo_num / (lo_den + extra))
        del var_sorted
        return vpair, vl, np.minimum(1.0, alone), np.minimum(1.0, with_gap)

    va_pair, va_len, bva, bva_gap = variant_bounds(left, sa, rowmax, la, bmin, bmax)
    vb_pair, vb_len, bvb, bvb_gap = variant_bounds(right, sb, colmax, lb, amin, amax)
    m = MAX_TOKENS + 1
    grid_a = np.full((p, m), -1.0)
    np.maximum.at(grid_a, (va_pair, va_len), bva)
    grid_b = np.full((p, m), -1.0)
    np.maximum.at(grid_b, (vb_pair, vb_len), bvb)
    gap_a = np.full((p, m), -1.0)
    np.maximum.at(gap_a, (va_pair, va_len), bva_gap)
    gap_b = np.full((p, m), -1.0)
    np.maximum.at(gap_b, (vb_pair, vb_len), bvb_gap)
    factor = np.ones(m)
    factor[1] = SINGLE_TOKEN_FACTOR
    has_a, has_b = grid_a >= 0, grid_b >= 0
    lens = np.arange(m)
    max_len_a = np.where(has_a, lens, 0).max(axis=1)
    max_len_b = np.where(has_b, lens, 0).max(axis=1)
    # left shorter: all its tokens paired; right shorter: all of the right's; equal: both
    t1 = np.where(has_a & (lens[None, :] < max_len_b[:, None]), gap_a * factor, -1.0).max(axis=1)
    t2 = np.where(has_b & (lens[None, :] < max_len_a[:, None]), gap_b * factor, -1.0).max(axis=1)
    t3 = np.where(has_a & has_b, np.minimum(grid_a, grid_b), -1.0).max(axis=1)
    return np.maximum(0.0, np.maximum(np.maximum(t1, t2), t3))


def _doc_bounds(left: Sequence[Shape], right: Sequence[Shape]) -> np.ndarray:
    """Upper bound of `document_number_similarity` for each pair (left[i], right[i])."""
    p = len(left)
    out = np.full(p, NEUTRAL)
    na = np.array([len(s.docs) for s in left], np.int64)
    nb = np.array([len(s.docs) for s in right], np.int64)
    both = np.flatnonzero((na > 0) & (nb > 0))
    if not len(both):
        return out
    na, nb = na[both], nb[both]
    da = np.concatenate([left[i].docs for i in both.tolist()]).astype(np.int32)
    db = np.concatenate([right[i].docs for i in both.tolist()]).astype(np.int32)
    sa, sb = np.cumsum(na) - na, np.cumsum(nb) - nb
    pair, k = _segments(na * nb)
    diff = da[sa[pair] + k // nb[pair]] - db[sb[pair] + k % nb[pair]]
    lb = np.maximum(np.clip(diff, 0, None).sum(axis=1), np.clip(-diff, 0, None).sum(axis=1))
    best = np.full(len(both), 99)
    np.minimum.at(best, pair, lb)
    score = np.select(
        [best == 0, best == 1, best == 2],
        [1.0, RELATION_SCORES["one_edit"], RELATION_SCORES["two_edits"]],
        RELATION_SCORES["different"],
    )
    out[both] = score
    return out


def _weight_against(rule, exact: dict | None = None) -> float:
    """The smallest weight against a rule may apply: its own, or its ease's (`scoring.Ease`:
    a lighter weight when another feature agrees) unless that feature is known not to agree."""
    w = rule.weight_against
    ease = getattr(rule, "ease", None)
    if ease is None:
        return w
    try:
        known = (exact or {}).get(ease.feature)  # its exact score, if known
        if known is None or known >= ease.at:
            return min(w, ease.weight)
        return w
    except AttributeError:  # an ease this module does not understand: assume the lightest
        return 0.0


def _contrib(rule, score: np.ndarray) -> np.ndarray:
    """The most a rule can add for scores at most ``score`` (contributions rise with the score)."""
    if rule.base:
        return score
    return np.where(score >= 0.5, rule.weight_for, _weight_against(rule)) * (2.0 * score - 1.0)


def _contribution(rule, score: float, exact: dict) -> float:
    """The same for one pair, with the scores of the features computed exactly so far."""
    if rule.base:
        return score
    return (rule.weight_for if score >= 0.5 else _weight_against(rule, exact)) * (2.0 * score - 1.0)


def reachable(
    table: TokenTable,
    pairs: Sequence[tuple[Record, Shape, Record, Shape]],
    thresholds: dict[str, float],
) -> list[bool]:
    """For each (traveller record, its shape, candidate record, its shape): could any kind
    that applies reach its threshold?"""
    if not pairs:
        return []
    left, right = [p[1] for p in pairs], [p[3] for p in pairs]
    bounds = {name_similarity: _name_bounds(table, left, right), document_number_similarity: _doc_bounds(left, right)}
    one = np.ones(len(pairs))
    ceilings: dict[str, np.ndarray] = {}
    for kind, rules in KINDS.items():
        total = np.zeros(len(pairs))
        for rule in rules:
            total += _contrib(rule, bounds.get(rule.feature, one))
        ceilings[kind] = total >= thresholds[kind] - MARGIN
    out = []
    name_b, doc_b = bounds[name_similarity].tolist(), bounds[document_number_similarity].tolist()
    for i, (a, _, b, _) in enumerate(pairs):
        ok = False
        for kind in kinds_for(a, b):
            if not ceilings[kind][i]:
                continue
            # possible on bounds alone: now the cheap features, exactly
            exact = {f: score_of(a, b) for f, score_of in _CHEAP_OF[kind]}
            total = 0.0
            for rule in KINDS[kind]:
                f = rule.feature
                if f is name_similarity:
                    score = name_b[i]
                elif f is document_number_similarity:
                    score = doc_b[i]
                elif f in exact:
                    score = exact[f]
                else:
                    score = 1.0
                total += _contribution(rule, score, exact)
            if total >= thresholds[kind] - MARGIN:
                ok = True
                break
        out.append(ok)
    return out


def thresholds_of(settings) -> dict[str, float]:
    return {k: getattr(settings, v) for k, v in THRESHOLDS.items()}
