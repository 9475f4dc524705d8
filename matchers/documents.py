"""Travel-document numbers: normalisation, OCR-confusion classes, and how alike two numbers are.

Numbers reach us typed by check-in agents, read by MRZ scanners, or copied into watchlists by
hand. `normalize_number` keeps A-Z and 0-9 (spaces, dashes, dots and the MRZ filler ``<``
go). `ocr_canonical` maps characters an OCR-B reader confuses to one class (0/O, 1/I, 5/S,
8/B, 2/Z, 6/G), so confused numbers collide on one key. `number_similarity` grades a pair:

=====================================  =====
relation                               score
=====================================  =====
same number                            1.00
same but for OCR confusions            0.92
one adjacent transposition             0.88
one other edit                         0.65
two edits                              0.35
three or more edits                    0.00
=====================================  =====

A number carries little identity when it is short or a placeholder ("123456789", all one
digit, "NONE"): `specificity` caps what any match on it can score, so eight crew members who
share "123456789" (the GTAS crew sample) never make a confident document alert.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

from rapidfuzz.distance import Levenshtein
from rigour.territories import get_territory

__all__ = [
    "PLACEHOLDER_CAP",
    "SHORT_CAP",
    "is_placeholder",
    "normalize_country",
    "normalize_number",
    "number_relation",
    "number_similarity",
    "ocr_canonical",
    "specificity",
    "transpositions",
]

_OCR = str.maketrans({"O": "0", "I": "1", "S": "5", "B": "8", "Z": "2", "G": "6"})
_NON_ALNUM = re.compile(r"[^A-Z0-9]+")
_JUNK = frozenset(
    """NONE NA NIL NULL UNKNOWN UNK XXX XXXX NOTAPPLICABLE NODOC NONUMBER TBA TBD""".split()
)
MIN_SPECIFIC_LENGTH = 6
PLACEHOLDER_CAP = 0.30
SHORT_CAP = 0.60

RELATION_SCORES = {
    "exact": 1.0,
    "ocr": 0.92,
    "transposition": 0.88,
    "one_edit": 0.65,
    "two_edits": 0.35,
    "different": 0.0,
}


def normalize_number(raw: str | None) -> str:
    """Upper-case A-Z0-9 only: ``"ab 12-345<<"`` -> ``"AB12345"`` ("" for None)."""
    if not raw:
        return ""
    return _NON_ALNUM.sub("", raw.upper())


def ocr_canonical(number: str) -> str:
    """One character per OCR-confusion class (letters to the digit they are read as)."""
    return normalize_number(number).translate(_OCR)


def transpositions(number: str, *, normalized: bool = False) -> list[str]:
    """Every number one adjacent transposition away (identical neighbours skipped);
    ``normalized``: ``number`` is already `normalize_number`'s."""
    n = number if normalized else normalize_number(number)
    return [n[:i] + n[i + 1] + n[i] + n[i + 2 :] for i in range(len(n) - 1) if n[i] != n[i + 1]]


def is_placeholder(number: str) -> bool:
    """Numbers that identify nobody: junk words, one repeated character, a counting run
    (123456789, 987654321, 0123456), or a short repeated pattern (121212, ABCABC)."""
    n = normalize_number(number)
    if not n or n in _JUNK or n.count(n[0]) == len(n):
        return True
    if len(n) >= 4 and n.isdigit():
        step = (ord(n[1]) - ord(n[0])) % 10
        if step in (1, 9) and all((ord(b) - ord(a)) % 10 == step for a, b in pairwise(n[1:])):
            return True
    for period in (2, 3):
        if len(n) >= 2 * period and n == (n[:period] * (len(n) // period + 1))[: len(n)]:
            return True
    return False


def specificity(number: str) -> tuple[float, str]:
    """The most a match on this number may score, and why (1.0 = a real document number)."""
    n = normalize_number(number)
    if is_placeholder(n):
        return PLACEHOLDER_CAP, "a placeholder number that identifies nobody"
    if len(n) < MIN_SPECIFIC_LENGTH:
        return SHORT_CAP, f"a short number ({len(n)} characters)"
    return 1.0, ""


def number_relation(a: str, b: str) -> str:
    """How two document numbers relate: exact, ocr, transposition, one_edit, two_edits,
    different (see the module table). Empty numbers are "different"."""
    a, b = normalize_number(a), normalize_number(b)
    if not a or not b:
        return "different"
    if a == b:
        return "exact"
    ca, cb = a.translate(_OCR), b.translate(_OCR)
    if ca == cb:
        return "ocr"
    if len(ca) == len(cb):
        diff = [i for i in range(len(ca)) if ca[i] != cb[i]]
        if len(diff) == 2 and diff[1] == diff[0] + 1 and ca[diff[0]] == cb[diff[1]] and ca[diff[1]] == cb[diff[0]]:
            return "transposition"
    d = Levenshtein.distance(ca, cb, score_cutoff=3)
    if d == 1:
        return "one_edit"
    if d == 2:
        return "two_edits"
    return "different"


def number_similarity(a: str, b: str) -> float:
    """Similarity of two document numbers in [0, 1] (the module table; not capped)."""
    return RELATION_SCORES[number_relation(a, b)]


_COUNTRY_ALIASES = {"D": "DEU", "UK": "GBR", "GB": "GBR", "XK": "XKX", "EL": "GRC"}


@lru_cache(maxsize=4096)
def normalize_country(code: str | None) -> str | None:
    """An ISO 3166-1 alpha-3 code (alpha-2 converted when rigour knows it), or None."""
    if not code or not code.strip():
        return None
    c = code.strip().upper()
    c = _COUNTRY_ALIASES.get(c, c)
    if len(c) == 2:
        territory = get_territory(c.lower())
        if territory is not None and territory.alpha3:
            return str(territory.alpha3).upper()
    return c
