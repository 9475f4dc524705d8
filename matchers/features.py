"""Matching features: one documented function each, ``f(a, b, sims=None) -> FeatureResult``.

Every feature compares two `Record`s and returns a score in [0, 1] with a sentence for the
analyst. Evidence works both ways: 1.0 is strong agreement, 0.0 strong disagreement, and
0.5 is neutral, which is what a feature returns (and says) when data is missing on either
side. Features never raise on missing or malformed data. ``sims`` is the batch of token
similarities a screening run computed once (`TokenSims`); only names use it.

The weights live in `matchers.scoring`, not here.
"""

from __future__ import annotations

import re

from matchers.documents import RELATION_SCORES, number_relation, specificity
from matchers.records import DocRef, Record
from matchers.similarity import Alignment, TokenSims, align, token_relation
from paxscreen.models import FeatureResult

__all__ = [
    "NEUTRAL",
    "best_document_pair",
    "dob_agreement",
    "document_country_agreement",
    "document_number_similarity",
    "name_similarity",
    "nationality_agreement",
    "parse_date",
    "sex_agreement",
]

NEUTRAL = 0.5


def _result(feature: str, score: float, detail: str) -> FeatureResult:
    return FeatureResult(feature=feature, score=round(min(1.0, max(0.0, float(score))), 4), detail=detail)


# --- names ----------------------------------------------------------------------------------


def best_alignment(a: Record, b: Record, sims: TokenSims | None = None) -> tuple[Alignment, int, int] | None:
    """The best-scoring pair of name variants, with the indexes of the names it came from."""
    if not a.names or not b.names:
        return None
    sims = sims or TokenSims(a.tokens, b.tokens)
    best: tuple[Alignment, int, int] | None = None
    seen: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()
    for i, na in enumerate(a.names):
        for j, nb in enumerate(b.names):
            for va in na.variants:
                for vb in nb.variants:
                    if (va, vb) in seen:
                        continue
                    seen.add((va, vb))
                    al = align(va, vb, sims)
                    if best is None or al.score > best[0].score:
                        best = (al, i, j)
                        if al.score >= 1.0:
                            return best
    return best


def name_similarity(a: Record, b: Record, sims: TokenSims | None = None) -> FeatureResult:
    """How alike the names are: the best of every name/alias and spelling variant pair.

    Order-insensitive per-token alignment (`matchers.similarity.align`): spelling variants,
    sound-alikes, initials, one-edit typos, dropped or added middle names, glued compounds.
    """
    found = best_alignment(a, b, sims)
    if found is None:
        return _result("name_similarity", NEUTRAL, "No name to compare on one side; names are neutral.")
    al, i, j = found
    notes = [f"{x}~{y} {token_relation(x, y)}" for x, y, _ in al.pairs if x != y]
    extra = [*al.unmatched_left, *al.unmatched_right]
    alias = f" (alias {j + 1} of {len(b.names)})" if len(b.names) > 1 else ""
    verdict = "agree" if al.score >= 0.8 else "partly agree" if al.score >= 0.6 else "differ"
    detail = f"Names {verdict}: {a.names[i].text!r} and {b.names[j].text!r}{alias}"
    if notes:
        detail += "; " + ", ".join(notes)
    if extra:
        detail += "; without a counterpart: " + " ".join(extra)
    return _result("name_similarity", al.score, detail + ".")


# --- birth dates ----------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?")


def parse_date(value: str | None) -> tuple[int, int | None, int | None] | None:
    """``"1970"``, ``"1970-05"``, ``"1970-05-03"`` (or ``19700503``) -> (year, month, day)."""
    if not value:
        return None
    m = _DATE.match(value.strip())
    if not m:
        return None
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    month = int(mo) if mo and 1 <= int(mo) <= 12 else None
    day = int(d) if d and month and 1 <= int(d) <= 31 else None
    if not 1800 <= y <= 2100:
        return None
    return y, month, day


def _years_apart(diff: int) -> tuple[float, str]:
    if diff == 1:
        return 0.3, "a year apart"
    if diff <= 4:
        return 0.2, f"{diff} years apart"
    if diff <= 9:
        return 0.1, f"{diff} years apart"
    return 0.0, f"{diff} years apart: another generation"


def _precision(d: tuple[int, int | None, int | None]) -> int:
    return 3 if d[2] else 2 if d[1] else 1


def _date_pair(t: tuple[int, int | None, int | None], e: tuple[int, int | None, int | None]) -> tuple[float, str]:
    """Score one pair of dates; ``t`` is made the more precise of the two."""
    if _precision(t) < _precision(e):
        t, e = e, t
    (ty, tm, td), (ey, em, ed) = t, e
    if t == e:
        precision = {3: "exactly", 2: "on year and month", 1: "on the year"}[_precision(e)]
        return {3: 1.0, 2: 0.85, 1: 0.75}[_precision(e)], f"agree {precision}"
    if ty != ey and abs(ty - ey) >= 2 or _precision(e) == 1:
        return (0.75, "agree on the year (one date gives the year only)") if ty == ey else _years_apart(abs(ty - ey))
    if _precision(e) == 2:
        if (ty, tm) == (ey, em):
            return 0.85, "agree on year and month (one date gives no day)"
        return (0.4, "same year, another month") if ty == ey else _years_apart(abs(ty - ey))
    options: list[tuple[float, str]] = []
    if ty == ey and (tm, td) == (ed, em):
        options.append((0.85, "agree with day and month swapped"))
    ts, es = f"{ty:04d}{tm:02d}{td:02d}", f"{ey:04d}{em:02d}{ed:02d}"
    diffs = [i for i in range(8) if ts[i] != es[i]]
    if len(diffs) == 1 and diffs[0] >= 4:
        options.append((0.8, "differ by one digit of the day or month (a typing slip)"))
    if len(diffs) == 1 and diffs[0] == 3:
        options.append((0.6, "differ by the last digit of the year (a typing slip?)"))
    if ty == ey and (1, 1) in ((tm, td), (em, ed)):
        options.append((0.75, "agree on the year (1 January often stands for an unknown date)"))
    options.append((0.4, "same year, another day") if ty == ey else _years_apart(abs(ty - ey)))
    return max(options, key=lambda o: o[0])


def dob_agreement(a: Record, b: Record, sims: TokenSims | None = None) -> FeatureResult:
    """Birth dates: exact (1.0), partial dates agreeing (year 0.75, year-month 0.85), day and
    month swapped (0.85), a one-digit slip (0.8 day/month, 0.6 last year digit), same year
    (0.4), then falling with the years apart down to 0.0 a decade or more apart."""
    da = [p for p in map(parse_date, a.birth_dates) if p]
    db = [p for p in map(parse_date, b.birth_dates) if p]
    if not da or not db:
        return _result("birth_date", NEUTRAL, "No birth date to compare on one side; neutral.")
    best = max(((*_date_pair(x, y), x, y) for x in da for y in db), key=lambda r: r[0])
    score, why, x, y = best
    return _result("birth_date", score, f"Birth dates {why}: {_fmt(x)} and {_fmt(y)}.")


def _fmt(d: tuple[int, int | None, int | None]) -> str:
    y, m, dd = d
    return f"{y:04d}" + (f"-{m:02d}" if m else "") + (f"-{dd:02d}" if dd else "")


# --- countries and sex ----------------------------------------------------------------------


def nationality_agreement(a: Record, b: Record, sims: TokenSims | None = None) -> FeatureResult:
    """Nationality shared (1.0); else a document issued by one of the other side's
    nationalities (0.65); else both known and different (0.0); unknown is neutral."""
    na, nb = set(a.nationalities), set(b.nationalities)
    if not na or not nb:
        return _result("nationality", NEUTRAL, "Nationality unknown on one side; neutral.")
    common = na & nb
    if common:
        return _result("nationality", 1.0, f"Nationality agrees ({', '.join(sorted(common))}).")
    doc_a = {d.country for d in a.documents if d.country}
    doc_b = {d.country for d in b.documents if d.country}
    linked = (doc_a & nb) | (doc_b & na)
    if linked:
        return _result(
            "nationality",
            0.65,
            f"Nationalities differ ({'/'.join(sorted(na))} vs {'/'.join(sorted(nb))}) but a document "
            f"was issued by {', '.join(sorted(linked))}.",
        )
    return _result("nationality", 0.0, f"Nationalities differ: {'/'.join(sorted(na))} vs {'/'.join(sorted(nb))}.")


def sex_agreement(a: Record, b: Record, sims: TokenSims | None = None) -> FeatureResult:
    """Sex M/F: same (1.0), different (0.0); unknown or X is neutral."""
    sa, sb = set(a.sexes), set(b.sexes)
    if not sa or not sb:
        return _result("sex", NEUTRAL, "Sex unknown on one side; neutral.")
    if sa & sb:
        return _result("sex", 1.0, f"Sex agrees ({'/'.join(sorted(sa & sb))}).")
    return _result("sex", 0.0, f"Sex differs: {'/'.join(sorted(sa))} vs {'/'.join(sorted(sb))}.")


# --- documents ------------------------------------------------------------------------------


def best_document_pair(a: Record, b: Record) -> tuple[DocRef, DocRef, str] | None:
    """The two documents whose numbers are most alike, with their relation (None if none)."""
    best: tuple[DocRef, DocRef, str] | None = None
    for da in a.documents:
        for db in b.documents:
            rel = number_relation(da.number, db.number)
            if best is None or RELATION_SCORES[rel] > RELATION_SCORES[best[2]]:
                best = (da, db, rel)
    return best


_RELATION_WORDS = {
    "exact": "are the same",
    "ocr": "are the same but for characters a scanner confuses",
    "transposition": "differ by two swapped neighbouring characters",
    "one_edit": "differ by one character",
    "two_edits": "differ by two characters",
    "different": "differ",
}


def document_number_similarity(a: Record, b: Record, sims: TokenSims | None = None) -> FeatureResult:
    """The most alike pair of document numbers (documents.py table: exact 1.0, OCR-confused
    0.92, one transposition 0.88, one edit 0.65, two 0.35, more 0.0), capped when the number
    is short (0.6) or a placeholder such as 123456789 (0.3)."""
    pair = best_document_pair(a, b)
    if pair is None:
        return _result("document_number", NEUTRAL, "No document number on one side; neutral.")
    da, db, rel = pair
    score = RELATION_SCORES[rel]
    detail = f"Document numbers {_RELATION_WORDS[rel]}: {da.number} and {db.number}"
    if rel != "different":
        cap, why = min(specificity(da.number), specificity(db.number))
        if cap < score:
            score = cap
            detail += f", but it is {why}"
    return _result("document_number", score, detail + ".")


def document_country_agreement(a: Record, b: Record, sims: TokenSims | None = None) -> FeatureResult:
    """Issuing country of the matching document pair: same (1.0), different (0.0): a number in
    another country's series is another document. Neutral when no number is alike (at most
    one edit) or a country is unknown."""
    pair = best_document_pair(a, b)
    if pair is None or RELATION_SCORES[pair[2]] < RELATION_SCORES["one_edit"]:
        return _result("document_country", NEUTRAL, "No matching document whose country to compare; neutral.")
    da, db, _ = pair
    if not da.country or not db.country:
        return _result("document_country", NEUTRAL, "Issuing country unknown on one side; neutral.")
    if da.country == db.country:
        return _result("document_country", 1.0, f"Issued by the same country ({da.country}).")
    return _result("document_country", 0.0, f"Issued by different countries: {da.country} vs {db.country}.")
