"""Token similarity (batched with rapidfuzz ``cpdist``) and order-insensitive name alignment.

`TokenSims` holds the similarity of every left token against every right token, computed in
one ``cpdist`` call plus a few vectorised overrides: a traveller's tokens against the tokens
of all of its candidates at once (with `TokenSims.many`, every traveller's of a batch).
`align` then pairs the tokens of two names (best pairs first, any order), so GIVEN SURNAME
meets SURNAME GIVEN and a dropped middle name only costs a little. Token similarity is the best of:

======================================  ==========  =========================================
relation                                score       example
======================================  ==========  =========================================
same token                              1.00        DIALLO / DIALLO
curated spelling variant                0.95        MOHAMED / MUHAMMAD, JALLOW / DIALLO
curated form in another language        0.80        MOHAMED / MAMADOU, FATIMA / FATOUMATA
rigour name symbol in common (and the   0.90        KHALED / KHALID, OLEG / OLEH
same first sound)
same phonetic skeleton                  0.65-0.90   OUSMANE / OUSMAN 0.9, SMITH / SMYTHE 0.82,
                                                    KISELEVA / KOZLOVA 0.65 (graded by spelling,
                                                    transliterations read alike: SCHUKOW /
                                                    ZHUKOV, WOJCIECHOWSKI / VOITSEKHOVSKY 0.9)
same coarse skeleton (romanisations)    0.65-0.85   GADDAFI / QADHAFI 0.82, STEPHEN / STEVEN
initial against a name                  0.75        J / JOHN
edit similarity (OSA: one adjacent      1-d/n       MOHAMED / MOHAMMED 0.88, SMITH / SMTIH 0.80
transposition counts one edit), each    -0.1/edit   MARIA / MARIAMA 0.61, LEVCHENKO /
edit past the first 0.1 more, and 0.1               SHEVCHENKO 0.6
more with another first letter
======================================  ==========  =========================================

Phonetic relations need half the letters in common (OSA >= 0.5): DIAS and JOSE share a
skeleton by chance. A pair below `FIRM` counts against the name (`effective`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import OSA
from rapidfuzz.process import cpdist

from matchers.names import (
    canonical,
    is_patronymic,
    loose_first,
    loose_skeleton,
    name_form,
    name_symbols,
    skeleton,
    spelling,
)

__all__ = ["Alignment", "TokenSims", "align", "graded", "token_relation", "token_similarity"]

VARIANT = 0.95
# Another language's form of one name (MAMADOU / MOHAMED, MEHMET / MUHAMMAD, FATOU / FATIMA):
# the same name, but often borne as a distinct one: no more than firm.
NAME_FORM = 0.80
SYMBOL = 0.90
SOUNDS_ALIKE = 0.90
SOUNDS_ALIKE_LOW = 0.65
# Below half the letters in common a shared skeleton is chance (DIAS / JOSE: J-S).
SOUNDS_ALIKE_MIN_OSA = 0.5
LOOSELY_ALIKE = 0.85
LOOSELY_ALIKE_LOW = 0.65
INITIAL = 0.75
# Each edit beyond the first costs this much more (see `_edit_score`).
EXTRA_EDIT = 0.1
# Pairs below this similarity are probably different words: their similarity counts double
# against the name (`effective`), so LI WEI / LU WEI is not a near match.
FIRM = 0.80
# A token weighs its length, within bounds: short tokens (LI, WU, BA) as much as a four-letter
# one, since a short surname matters; long ones (HOUNKPATIN) no more than eight letters, so a
# long surname cannot carry a name whose given name differs (AFI / KOFFI HOUNKPATIN).
MIN_WEIGHT = 4.0
MAX_WEIGHT = 8.0
# Extra weight of a pair of clearly different tokens (a given name against another).
CONFLICT = 0.5
# Weight of a token with no counterpart, relative to its weight (dropped middle names).
UNMATCHED = 0.2
# A patronymic on one side only (SERGEI MIKHAILOVICH MAKAROV / SERGEI MAKAROV) is the normal
# case: passports of Russia, Ukraine and Central Asia leave it out of the MRZ.
PATRONYMIC_FACTOR = 0.25
# A one-token name against a longer one can suggest, never confirm.
SINGLE_TOKEN_FACTOR = 0.75


def _phonetic_ok(a: str, b: str) -> bool:
    return len(a) >= 3 and len(b) >= 3


def _edit_score(osa: float, distance: int, first_equal: bool) -> float:
    """Edit similarity from OSA's normalised similarity and distance: one edit (a typo) costs
    its share of the length; every further edit 0.1 more, and 0.1 more again when the first
    letters differ too (LEVCHENKO / SHEVCHENKO, KWAKU / KWAME are other names)."""
    if distance < 2:
        return osa
    return max(0.0, osa - EXTRA_EDIT * (distance - 1) - (0.0 if first_equal else EXTRA_EDIT))


def graded(low: float, high: float, osa):
    """A phonetic agreement graded by spelling (a float, or an array of them): ``low`` when
    half the letters differ, up to ``high`` when a quarter do. The one grading of the scorer
    (`_sounds_alike_score`, `_loosely_alike_score`, `TokenSims`) and of the prefilter's bound."""
    return low + (high - low) * np.clip((osa - 0.5) / 0.25, 0.0, 1.0)


def _sounds_alike_score(osa: float) -> float:
    """Phonetic agreement, graded by spelling: from `SOUNDS_ALIKE_LOW` (no longer firm) when
    half the letters differ (KISELEVA / KOZLOVA, HASSAN / HUSSEIN share a skeleton) up to
    `SOUNDS_ALIKE` when a quarter do (OUSMANE / OUSMAN); SMITH / SMYTHE 0.82."""
    return float(graded(SOUNDS_ALIKE_LOW, SOUNDS_ALIKE, osa))


def _loosely_alike_score(osa: float) -> float:
    """Agreement of the coarser key (`names.loose_skeleton`: GADDAFI / QADHAFI, STEPHEN /
    STEVEN), graded like `_sounds_alike_score` from `LOOSELY_ALIKE_LOW` to `LOOSELY_ALIKE`."""
    return float(graded(LOOSELY_ALIKE_LOW, LOOSELY_ALIKE, osa))


def token_similarity(a: str, b: str) -> float:
    """Similarity of two MRZ tokens in [0, 1] (the table above), without batching."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    if len(a) == 1 or len(b) == 1:
        return INITIAL if a[0] == b[0] and len(a) != len(b) else 0.0
    osa = OSA.normalized_similarity(a, b)
    best = _edit_score(osa, OSA.distance(a, b), a[0] == b[0])
    if canonical(a) == canonical(b):
        if name_form(a) != name_form(b):
            return max(best, NAME_FORM)  # the curated word is final (MAMADOU / MOHAMED)
        best = max(best, VARIANT)
    sa, sb = skeleton(a), skeleton(b)
    if sa == sb and len(sa) >= 2 and _phonetic_ok(a, b):
        heard = _spelled_osa(a, b, osa)
        if heard >= SOUNDS_ALIKE_MIN_OSA:
            best = max(best, _sounds_alike_score(heard))
    if osa >= SOUNDS_ALIKE_MIN_OSA and _phonetic_ok(a, b):
        la, lb = loose_skeleton(a), loose_skeleton(b)
        if la == lb and la.index(":") >= 3:
            best = max(best, _loosely_alike_score(osa))
    if best < SYMBOL and _first_sound_agrees(a, b) and name_symbols(a) & name_symbols(b):
        best = SYMBOL
    return float(best)


def _spelled_osa(a: str, b: str, osa: float) -> float:
    """How alike two tokens that share a skeleton are spelled: their OSA similarity, or that of
    their `names.spelling` where transliteration systems made them differ more (German
    SCHUKOW / English ZHUKOV, Polish WOJCIECHOWSKI / English VOITSEKHOVSKY)."""
    sa, sb = spelling(a), spelling(b)
    return osa if sa == a and sb == b else max(osa, OSA.normalized_similarity(sa, sb))


def _first_sound_agrees(a: str, b: str) -> bool:
    """Same first letter, or the same first sound (a rigour name symbol links JOHN with IVAN
    and HANS too: only spellings that start alike count)."""
    return a[0] == b[0] or skeleton(a)[:1] == skeleton(b)[:1] or loose_first(a) == loose_first(b)


def token_relation(a: str, b: str) -> str:
    """Why two tokens were paired, in words (for explanations)."""
    if a == b:
        return "same"
    if len(a) == 1 or len(b) == 1:
        return "initial" if a[0] == b[0] else "different"
    if canonical(a) == canonical(b):
        return "spelling variant" if name_form(a) == name_form(b) else "another form of the name"
    if OSA.distance(a, b) == 1:
        return "one edit"
    if skeleton(a) == skeleton(b) and _phonetic_ok(a, b) and (
            _spelled_osa(a, b, OSA.normalized_similarity(a, b)) >= SOUNDS_ALIKE_MIN_OSA):
        return "sounds alike"
    if loose_skeleton(a) == loose_skeleton(b) and loose_skeleton(a).index(":") >= 3 and _phonetic_ok(a, b) and OSA.normalized_similarity(a, b) >= SOUNDS_ALIKE_MIN_OSA:
        return "sounds alike in another romanisation"
    if name_symbols(a) & name_symbols(b) and _first_sound_agrees(a, b):
        return "same name in another spelling"
    return f"{OSA.distance(a, b)} edits"


_EMPTY: dict[str, float] = {}


def _values(x: Sequence[str], y: Sequence[str]) -> list[float]:
    """`token_similarity` of each pair (x[i], y[i]), vectorised: the per-token properties are
    computed once per distinct token, rigour's symbols only for the pairs they could raise."""
    toks = list(dict.fromkeys([*x, *y]))
    at = {t: i for i, t in enumerate(toks)}
    xi = np.fromiter((at[t] for t in x), np.int64, len(x))
    yi = np.fromiter((at[t] for t in y), np.int64, len(y))
    ln = np.fromiter(map(len, toks), np.int32, len(toks))
    first = np.fromiter((ord(t[0]) for t in toks), np.int32, len(toks))
    osa = cpdist(x, y, scorer=OSA.normalized_similarity, dtype=np.float32, workers=1)
    lx, ly = ln[xi], ln[yi]
    first_eq = first[xi] == first[yi]
    # edits beyond the first (`_edit_score`)
    dist = np.rint((1.0 - osa) * np.maximum(lx, ly))
    extra = np.where(dist >= 2, EXTRA_EDIT * (dist - 1) + np.where(first_eq, 0.0, EXTRA_EDIT), 0.0)
    m = np.maximum(osa - extra, 0.0)
    # canonical variants
    can = _ids(map(canonical, toks))
    form = np.fromiter(map(name_form, toks), np.int32, len(toks))
    same_name = can[xi] == can[yi]
    other_form = same_name & (form[xi] != form[yi])
    edit = m
    m = np.where(same_name, np.maximum(m, VARIANT), m)
    # sounds alike, graded by spelling (`_sounds_alike_score`)
    sk_text = [skeleton(t) for t in toks]
    sk = _ids(sk_text)
    sk_ok = (ln >= 3) & np.fromiter((len(s) >= 2 for s in sk_text), bool, len(toks))
    same_sk = (sk[xi] == sk[yi]) & sk_ok[xi] & sk_ok[yi]
    heard = _spelled(toks, xi, yi, osa, same_sk)
    alike = same_sk & (heard >= SOUNDS_ALIKE_MIN_OSA)
    m = np.where(alike, np.maximum(m, graded(SOUNDS_ALIKE_LOW, SOUNDS_ALIKE, heard)), m)
    # loosely alike (`_loosely_alike_score`)
    lo_text = [loose_skeleton(t) for t in toks]
    lo = _ids(lo_text)
    lo_ok = (ln >= 3) & np.fromiter((s.index(":") >= 3 for s in lo_text), bool, len(toks))
    loose = (lo[xi] == lo[yi]) & lo_ok[xi] & lo_ok[yi] & (osa >= SOUNDS_ALIKE_MIN_OSA)
    m = np.where(loose, np.maximum(m, graded(LOOSELY_ALIKE_LOW, LOOSELY_ALIKE, osa)), m)
    # initials: one side a single letter
    one_initial = (lx == 1) ^ (ly == 1)
    m = np.where(one_initial, np.where(first_eq, INITIAL, 0.0), m)
    # another form of a curated name: the curated word is final (as in `token_similarity`)
    m = np.where(other_form, np.maximum(edit, NAME_FORM), m)
    # rigour name symbols, only where still undecided and first sounds agree
    sk_first = _ids(s[:1] for s in sk_text)
    lo_first = _ids(s[:1] for s in lo_text)
    ask = np.flatnonzero(
        (lx >= 3) & (ly >= 3) & (m < SYMBOL) & ~other_form
        & (first_eq | (sk_first[xi] == sk_first[yi]) | (lo_first[xi] == lo_first[yi]))
    )
    out = m.tolist()
    for k in ask.tolist():
        a, b = name_symbols(x[k]), name_symbols(y[k])
        if a and b and not a.isdisjoint(b):
            out[k] = SYMBOL
    return out


def _spelled(toks: list[str], xi: np.ndarray, yi: np.ndarray, osa: np.ndarray, same: np.ndarray) -> np.ndarray:
    """`_spelled_osa` of the pairs of different tokens that share a skeleton (``same``), the
    OSA of the others: one ``cpdist`` over those pairs alone."""
    idx = np.flatnonzero(same & (xi != yi))
    if not len(idx):
        return osa
    sp = {i: spelling(toks[i]) for i in np.unique(np.concatenate((xi[idx], yi[idx]))).tolist()}
    spx, spy = [sp[i] for i in xi[idx].tolist()], [sp[i] for i in yi[idx].tolist()]
    out = osa.copy()
    out[idx] = np.maximum(osa[idx], cpdist(spx, spy, scorer=OSA.normalized_similarity, dtype=np.float32, workers=1))
    return out


def _ids(texts: Iterable[str]) -> np.ndarray:
    """Each text as an int, equal where the texts are equal."""
    seen: dict[str, int] = {}
    return np.array([seen.setdefault(t, len(seen)) for t in texts], np.int64)


class TokenSims:
    """Similarities of left tokens against right tokens, computed in one batch.

    Lookups outside the precomputed vocabulary fall back to `token_similarity` (cached).
    """

    def __init__(self, left: Iterable[str] = (), right: Iterable[str] = ()) -> None:
        self._setup(left, right)
        _fill([self])

    def _setup(self, left: Iterable[str], right: Iterable[str]) -> None:
        self._left = list(dict.fromkeys(left))
        self._right = list(dict.fromkeys(right))
        self._rows: dict[str, dict[str, float]] = {}
        self._extra: dict[tuple[str, str], float] = {}

    @classmethod
    def many(cls, groups: Sequence[tuple[Iterable[str], Iterable[str]]]) -> list[TokenSims]:
        """One `TokenSims` per (left, right) group, computed together (numpy's fixed costs paid
        once for a batch of travellers, not once a traveller)."""
        out = []
        for left, right in groups:
            s = cls.__new__(cls)
            s._setup(left, right)
            out.append(s)
        _fill(out)
        return out

    def row(self, a: str) -> dict[str, float]:
        """Precomputed similarities of one left token (empty when it was not in the batch)."""
        return self._rows.get(a, _EMPTY)

    def __call__(self, a: str, b: str) -> float:
        v = self._rows.get(a, _EMPTY).get(b)
        if v is not None:
            return v
        key = (a, b)
        v = self._extra.get(key)
        if v is None:
            v = self._extra[key] = token_similarity(a, b)
        return v


def _fill(sims: list[TokenSims]) -> None:
    """Every left token against every right token of each, in one `_values` call."""
    live = [s for s in sims if s._left and s._right]
    if not live:
        return
    values = _values([a for s in live for a in s._left for _ in s._right],
                     [b for s in live for _ in s._left for b in s._right])
    at = 0
    for s in live:  # row after row, group after group
        n = len(s._right)
        for t in s._left:
            s._rows[t] = dict(zip(s._right, values[at : at + n], strict=True))
            at += n


@dataclass(frozen=True, slots=True)
class Alignment:
    """The best pairing of two token tuples: score in [0, 1] and the pairs it used."""

    score: float
    left: tuple[str, ...]
    right: tuple[str, ...]
    pairs: tuple[tuple[str, str, float], ...]
    unmatched_left: tuple[str, ...]
    unmatched_right: tuple[str, ...]


def effective(s: float) -> float:
    """A pair's similarity as it counts in a name: below `FIRM` it falls twice as fast."""
    return s if s >= FIRM else max(0.0, 2.0 * s - FIRM)


def _greedy(a: Sequence[str], b: Sequence[str], sims: TokenSims) -> Alignment:
    cells = []
    for i, x in enumerate(a):
        row = sims.row(x)
        for j, y in enumerate(b):
            v = row.get(y)
            cells.append((sims(x, y) if v is None else v, i, j))
    cells.sort(reverse=True)
    used_i: set[int] = set()
    used_j: set[int] = set()
    pairs: list[tuple[str, str, float]] = []
    want = min(len(a), len(b))
    num = den = 0.0
    for s, i, j in cells:
        if i in used_i or j in used_j:
            continue
        used_i.add(i)
        used_j.add(j)
        x, y = a[i], b[j]
        w = min(max((len(x) + len(y)) / 2.0, MIN_WEIGHT), MAX_WEIGHT)
        e = s if s >= FIRM else max(0.0, 2.0 * s - FIRM)
        num += e * w
        # a token paired with a clearly different one (RAFAEL / MIGUEL) is evidence of
        # another person, not only a name part missing: it weighs up to `CONFLICT` more
        # (an initial that fits is no conflict)
        den += w * (1.0 + CONFLICT * (1.0 - e / FIRM)) if e < FIRM and len(x) > 1 and len(y) > 1 else w
        pairs.append((x, y, s))
        if len(pairs) == want:
            break
    un_a = tuple(t for i, t in enumerate(a) if i not in used_i)
    un_b = tuple(t for j, t in enumerate(b) if j not in used_j)
    for t in un_a + un_b:
        w = UNMATCHED * min(max(MIN_WEIGHT, len(t)), MAX_WEIGHT)
        den += w * PATRONYMIC_FACTOR if is_patronymic(t) else w
    score = num / den if den else 0.0
    if want == 1 and max(len(a), len(b)) > 1:
        score *= SINGLE_TOKEN_FACTOR
    return Alignment(score, tuple(a), tuple(b), tuple(pairs), un_a, un_b)


def _merges(tokens: tuple[str, ...]) -> list[tuple[tuple[str, ...], str]]:
    """The token tuple with one adjacent pair written as one word (XIAO MING -> XIAOMING),
    with that word."""
    out = []
    for i in range(len(tokens) - 1):
        glued = tokens[i] + tokens[i + 1]
        out.append((tokens[:i] + (glued,) + tokens[i + 2 :], glued))
    return out


def align(a: Sequence[str], b: Sequence[str], sims: TokenSims | None = None) -> Alignment:
    """Order-insensitive alignment of two names' tokens; score in [0, 1].

    Each token pairs with at most one token of the other name, best similarities first; the
    score is the length-weighted mean `effective` similarity of the pairs (tokens weigh their
    length between `MIN_WEIGHT` and `MAX_WEIGHT`; a pair below `FIRM` up to `CONFLICT` more,
    as two different given names say more than one missing), with unpaired tokens (a dropped middle
    name) weighing `UNMATCHED` of that (a patronymic a quarter of it); a one-token name against a longer one is scaled by `SINGLE_TOKEN_FACTOR`. When the names have a
    different number of tokens, gluing two adjacent tokens of the longer one is tried too
    (ABDUL RAHMAN / ABDULRAHMAN, XIAO MING / XIAOMING).
    """
    a, b = tuple(a), tuple(b)
    if not a or not b:
        return Alignment(0.0, a, b, (), a, b)
    sims = sims or TokenSims()
    best = _greedy(a, b, sims)
    # Gluing can only help when a token was left over and some pair is poor (XIAOMING~XIAO).
    if len(a) != len(b) and best.score < 0.97 and any(s < FIRM for _, _, s in best.pairs):
        longer_is_a = len(a) > len(b)
        shorter = b if longer_is_a else a
        for merged, glued in _merges(a if longer_is_a else b):
            if not any(y[0] == glued[0] and abs(len(y) - len(glued)) <= 2 for y in shorter):
                continue
            cand = _greedy(merged, b, sims) if longer_is_a else _greedy(a, merged, sims)
            if cand.score > best.score:
                best = cand
    return best
