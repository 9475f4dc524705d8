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
from collections.abc import Callable
from datetime import date as _date

from matchers.documents import RELATION_SCORES, number_relation, specificity
from matchers.memo import memo
from matchers.records import DocRef, Record
from matchers.similarity import Alignment, TokenSims, align, token_relation
from paxscreen.models import FeatureResult

__all__ = [
    "NEUTRAL",
    "best_document_pair",
    "dob_agreement",
    "dob_score",
    "document_country_agreement",
    "document_number_similarity",
    "name_gender_agreement",
    "name_similarity",
    "nationality_agreement",
    "nationality_score",
    "parse_date",
    "sex_agreement",
    "sex_score",
]

NEUTRAL = 0.5


def _clamped(score: float) -> float:
    return round(min(1.0, max(0.0, float(score))), 4)


def _result(feature: str, score: float, detail: str) -> FeatureResult:
    return FeatureResult(feature=feature, score=_clamped(score), detail=detail)


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


# Masculine and feminine endings of one name (Romance and Slavic given names, Slavic surnames):
# MARIO/MARIA, DANIEL/DANIELA, IVANOV/IVANOVA, KOWALSKI/KOWALSKA, CHAIKOVSKIY/CHAIKOVSKAYA,
# NOVAK/NOVAKOVA; with the shortest stem each leaves (two letters, three without an ending).
_GENDER_ENDINGS = (("O", "A", 2), ("", "A", 3), ("I", "A", 3), ("Y", "A", 3), ("IY", "AYA", 3), ("II", "AIA", 3),
                   ("IJ", "AJA", 3), ("YI", "AYA", 3), ("OY", "AYA", 3), ("", "OVA", 3))
_NO_FORMS: frozenset[tuple[int, str]] = frozenset()


@memo("token")
def _gender_forms(token: str) -> tuple[frozenset[tuple[int, str]], frozenset[tuple[int, str]]]:
    """(ending, stem) of each masculine and of each feminine reading of a token."""
    def forms(which: int) -> frozenset[tuple[int, str]]:
        out = {(i, token[: len(token) - len(e[which])]) for i, e in enumerate(_GENDER_ENDINGS)
               if token.endswith(e[which]) and len(token) - len(e[which]) >= e[2]}
        return frozenset(out) if out else _NO_FORMS
    return forms(0), forms(1)


def gender_pair(x: str, y: str) -> bool:
    """Whether two tokens are one name with a masculine and a feminine ending (either way)."""
    (mx, fx), (my, fy) = _gender_forms(x), _gender_forms(y)
    return x != y and not (mx.isdisjoint(fy) and my.isdisjoint(fx))


def name_gender_agreement(a: Record, b: Record, sims: TokenSims | None = None) -> FeatureResult:
    """Two people of different sexes whose names pair a masculine with a feminine ending of one
    name (MARIO / MARIA, PETROV / PETROVA, KOWALSKI / KOWALSKA) are likely relatives, such as a
    brother and a sister, not one person: 0.0. Otherwise neutral (0.5), whatever the names,
    when a sex is unknown or the same; `sex_agreement` weighs a sex that differs by itself."""
    sa, sb = set(a.sexes), set(b.sexes)
    if not sa or not sb or sa & sb:
        return _result("name_gender", NEUTRAL, "Sexes agree or one is unknown; name endings are neutral.")
    pair = None
    if _gendered(a.tokens, b.tokens):  # the names' alignment only where some pair may be gendered
        found = best_alignment(a, b, sims)
        pair = next(((x, y) for x, y, _ in found[0].pairs if gender_pair(x, y)), None) if found else None
    if pair is None:
        return _result("name_gender", NEUTRAL, "No name pairs a masculine with a feminine ending; neutral.")
    return _result("name_gender", 0.0, f"Sexes differ ({'/'.join(sorted(sa))} vs {'/'.join(sorted(sb))}) and "
                   f"{pair[0]}~{pair[1]} differ only in a gender ending: likely relatives, not one person.")


def _gendered(xs: set[str], ys: set[str]) -> bool:
    """Whether a token of one set and another of the other may be a `gender_pair`."""
    fx = [_gender_forms(t) for t in xs]
    fy = [_gender_forms(t) for t in ys]
    mx, fex = frozenset().union(*(m for m, _ in fx)), frozenset().union(*(f for _, f in fx))
    my, fey = frozenset().union(*(m for m, _ in fy)), frozenset().union(*(f for _, f in fy))
    return not (mx.isdisjoint(fey) and my.isdisjoint(fex))


# --- birth dates ----------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?")


@memo("token")  # a traveller's date is read by its keys, the ranking, the prefilter and the scoring
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


# Scores of a birth-date comparison, from the strongest agreement down. Full dates that differ
# by more than a slip, a swap or a year are another person's: a namesake born years apart.
DOB_EXACT = 1.0
DOB_SWAPPED = 0.85
DOB_YEAR_MONTH = 0.85
DOB_DAY_MONTH_SLIP = 0.8
DOB_YEAR = 0.75
DOB_YEAR_SLIP = 0.7
DOB_OTHER_MONTH = 0.35
DOB_SAME_YEAR = 0.3
DOB_YEAR_APART = 0.25
DOB_TWO_YEARS = 0.1

Date = tuple[int, int | None, int | None]


def _years_apart(diff: int) -> tuple[float, str]:
    """Years apart when nothing finer explains the difference: a year is a data-entry
    difference, two are doubtful, three or more are another person."""
    if diff == 1:
        return DOB_YEAR_APART, "a year apart"
    if diff == 2:
        return DOB_TWO_YEARS, "2 years apart"
    if diff < 10:
        return 0.0, f"{diff} years apart: another person"
    return 0.0, f"{diff} years apart: another generation"


def _precision(d: Date) -> int:
    return 3 if d[2] else 2 if d[1] else 1


def _as_year(d: Date) -> Date:
    """1 January often stands for an unknown day and month: compare such a date by year."""
    return (d[0], None, None) if (d[1], d[2]) == (1, 1) else d


def _digit_slip(a: int, b: int, width: int) -> bool:
    """One digit typed wrong, or two neighbouring digits swapped (``width``-digit numbers)."""
    x, y = f"{a:0{width}d}", f"{b:0{width}d}"
    diffs = [i for i in range(width) if x[i] != y[i]]
    if len(diffs) == 1:
        return True
    return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and x[diffs[0]] == y[diffs[1]] and x[diffs[1]] == y[diffs[0]]


def _full_pair(t: Date, e: Date) -> tuple[float, str]:
    """Two full dates that are not equal."""
    (ty, tm, td), (ey, em, ed) = t, e
    assert tm and td and em and ed  # full dates
    if ty == ey and (tm, td) == (ed, em):
        return DOB_SWAPPED, "agree with day and month swapped"
    if ty == ey and tm == em and _digit_slip(td, ed, 2) or ty == ey and td == ed and _digit_slip(tm, em, 2):
        return DOB_DAY_MONTH_SLIP, "differ by one digit of the day or month (a typing slip)"
    if (tm, td) == (em, ed) and ty // 100 == ey // 100 and _digit_slip(ty % 100, ey % 100, 2):
        decade = ty // 10 != ey // 10 and ty % 10 == ey % 10
        if not decade:  # 1972/1982 is a decade apart, not a slip
            return DOB_YEAR_SLIP, "differ by one digit of the year (a typing slip)"
    if ty == ey:
        return DOB_SAME_YEAR, "same year, another day"
    days = _days_apart(t, e)
    if days is not None and days <= 400:
        return DOB_YEAR_APART, f"{days} days apart, in another year"
    if days is not None and days <= 800:
        return DOB_TWO_YEARS, f"{days} days apart: doubtful"
    return _years_apart(max(3, abs(ty - ey)))


def _days_apart(t: Date, e: Date) -> int | None:
    try:
        return abs((_date(*t) - _date(*e)).days)  # type: ignore[arg-type]
    except ValueError:  # 31 February: parse_date checks ranges, not calendars
        return None


def _date_pair(t: Date, e: Date) -> tuple[float, str]:
    """Score one pair of dates: as given, and with 1 January read as the year alone."""
    if _precision(t) == _precision(e) == 3 and t != e:
        full = _full_pair(t, e)
        if full[0] > DOB_YEAR:
            return full  # a swap or a slip explains the difference (even of a 1 January)
        by_year = _partial_pair(_as_year(t), _as_year(e))
        return max(full, by_year, key=lambda r: r[0])
    return _partial_pair(_as_year(t), _as_year(e))


def _partial_pair(t: Date, e: Date) -> tuple[float, str]:
    """Score one pair of dates; ``t`` is made the more precise of the two."""
    if _precision(t) < _precision(e):
        t, e = e, t
    (ty, tm, _), (ey, em, _) = t, e
    if t == e:
        precision = {3: "exactly", 2: "on year and month", 1: "on the year"}[_precision(e)]
        return {3: DOB_EXACT, 2: DOB_YEAR_MONTH, 1: DOB_YEAR}[_precision(e)], f"agree {precision}"
    if _precision(e) == 1:
        if ty == ey:
            return DOB_YEAR, "agree on the year (one date gives the year only)"
        return _years_apart(abs(ty - ey))
    if _precision(e) == 2:
        if (ty, tm) == (ey, em):
            return DOB_YEAR_MONTH, "agree on year and month (one date gives no day)"
        if ty == ey:
            return DOB_OTHER_MONTH, "same year, another month"
        return _years_apart(abs(ty - ey))
    return _full_pair(t, e)


def dob_agreement(a: Record, b: Record, sims: TokenSims | None = None) -> FeatureResult:
    """Birth dates, evidence both ways. Agreement: exact (1.0), day and month swapped (0.85),
    year and month (0.85), one digit of the day or month slipped (0.8), the year where one
    side gives only the year or 1 January (0.75), one digit of the year slipped or two of
    its digits swapped (0.7, not the decade). Disagreement: same year (full dates 0.3,
    another month 0.35), a year apart (0.25; full dates at most 400 days apart), two years
    (0.1; full dates at most 800 days), more (0.0: another person, however alike the name).
    1 January often stands for an unknown day: such a date also counts as its year alone.
    The best pair counts when either side has several dates."""
    score, why = _dob(a, b)
    return _result("birth_date", score, why())


def dob_score(a: Record, b: Record) -> float:
    """`dob_agreement`'s score alone (the prefilter's exact cheap feature: no sentence made)."""
    return _clamped(_dob(a, b)[0])


def _dob(a: Record, b: Record) -> tuple[float, Callable[[], str]]:
    """The birth-date score, and how to say why (made only when asked)."""
    da = [p for p in map(parse_date, a.birth_dates) if p]
    db = [p for p in map(parse_date, b.birth_dates) if p]
    if not da or not db:
        return NEUTRAL, lambda: "No birth date to compare on one side; neutral."
    score, why, x, y = max(((*_date_pair(x, y), x, y) for x in da for y in db), key=lambda r: r[0])
    return score, lambda: f"Birth dates {why}: {_fmt(x)} and {_fmt(y)}."


def _fmt(d: tuple[int, int | None, int | None]) -> str:
    y, m, dd = d
    return f"{y:04d}" + (f"-{m:02d}" if m else "") + (f"-{dd:02d}" if dd else "")


# --- countries and sex ----------------------------------------------------------------------


def nationality_agreement(a: Record, b: Record, sims: TokenSims | None = None) -> FeatureResult:
    """Nationality shared (1.0); else a document issued by one of the other side's
    nationalities (0.65); else both known and different (0.0); unknown is neutral."""
    score, why = _nationality(a, b)
    return _result("nationality", score, why())


def nationality_score(a: Record, b: Record) -> float:
    """`nationality_agreement`'s score alone (no sentence made)."""
    return _nationality(a, b)[0]


def _nationality(a: Record, b: Record) -> tuple[float, Callable[[], str]]:
    na, nb = set(a.nationalities), set(b.nationalities)
    if not na or not nb:
        return NEUTRAL, lambda: "Nationality unknown on one side; neutral."
    common = na & nb
    if common:
        return 1.0, lambda: f"Nationality agrees ({', '.join(sorted(common))})."
    doc_a = {d.country for d in a.documents if d.country}
    doc_b = {d.country for d in b.documents if d.country}
    linked = (doc_a & nb) | (doc_b & na)
    if linked:
        return 0.65, lambda: (f"Nationalities differ ({'/'.join(sorted(na))} vs {'/'.join(sorted(nb))}) "
                              f"but a document was issued by {', '.join(sorted(linked))}.")
    return 0.0, lambda: f"Nationalities differ: {'/'.join(sorted(na))} vs {'/'.join(sorted(nb))}."


def sex_agreement(a: Record, b: Record, sims: TokenSims | None = None) -> FeatureResult:
    """Sex M/F: same (1.0), different (0.0); unknown or X is neutral."""
    score, why = _sex(a, b)
    return _result("sex", score, why())


def sex_score(a: Record, b: Record) -> float:
    """`sex_agreement`'s score alone (no sentence made)."""
    return _sex(a, b)[0]


def _sex(a: Record, b: Record) -> tuple[float, Callable[[], str]]:
    sa, sb = set(a.sexes), set(b.sexes)
    if not sa or not sb:
        return NEUTRAL, lambda: "Sex unknown on one side; neutral."
    if sa & sb:
        return 1.0, lambda: f"Sex agrees ({'/'.join(sorted(sa & sb))})."
    return 0.0, lambda: f"Sex differs: {'/'.join(sorted(sa))} vs {'/'.join(sorted(sb))}."


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
