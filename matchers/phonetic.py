"""Phonetic keys of one MRZ token, for blocking (`skeleton`) and scoring (`loose_skeleton`).

* `skeleton`: a phonetic key built from rewrite rules (PH->F, KH->K, SH/CH->S, DI+vowel->J,
  C->K/S, Q->K, Z->S, W->V, Y->I, a final D->T, H kept only first or between vowels,
  doubled letters once, vowels dropped after the first letter): SMITH/SMYTHE -> SMT,
  YOUSSEF/YUSUF -> ASF, DIALLO/JALLOW -> JL, MEHMED/MEHMET -> MMT. A first H stays
  (HANNE is not ANNA, HALYNA not OLENA); consonants a vowel kept apart stay two (BUBACAR is
  BBKR, BACAR BKR). Blocking keys use ``skeleton(canonical(token))`` (`names.blocking_form`);
* `loose_skeleton`: a coarser key for scoring only, merging the consonants romanisations
  trade (Q/G/GH/K, KH/CH, V/W/PH/F) while the vowels must agree: GADDAFI/QADHAFI.

Pure and cached; `matchers.names` re-exports them.
"""

from __future__ import annotations

import re

from matchers.memo import memo

__all__ = ["loose_first", "loose_skeleton", "skeleton"]

_DOUBLES = re.compile(r"(.)\1+")
_VOWELS = frozenset("AEIOUY")


# Phonetic rewrites, applied in order on a token whose doubled letters are already single.
# Each with the substrings one of which a token must hold for the pattern to match at all
# (the rule is skipped otherwise: the same result, without running most of the patterns).
_RULES: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = tuple(
    (re.compile(p), r, need)
    for p, r, need in (
        (r"(^|N)DI(?=[AEOU])", r"\1J", ("DI",)),  # DIALLO -> JALLO, NDIAYE -> NJAYE
        (r"OW$", "O", ("OW",)),  # JALLOW -> JALLO
        (r"SCH|TCH|TSH", "S", ("SCH", "TCH", "TSH")),
        (r"DZH|DJ|DZ|ZH", "J", ("DJ", "DZ", "ZH")),
        (r"SH|CH", "S", ("SH", "CH")),
        (r"KH", "K", ("KH",)),
        (r"GH", "G", ("GH",)),
        (r"PH", "F", ("PH",)),
        (r"TH", "T", ("TH",)),
        (r"DH", "D", ("DH",)),
        (r"CK|Q", "K", ("CK", "Q")),
        (r"X", "KS", ("X",)),
        (r"C(?=[EIY])", "S", ("C",)),
        (r"C", "K", ("C",)),
        (r"Z", "S", ("Z",)),
        (r"W", "V", ("W",)),
        (r"Y", "I", ("Y",)),
        (r"D$", "T", ("D",)),  # final devoicing: MEHMED/MEHMET, AHMED/AHMET, DAVID/DAVIT, HAMID/HAMIT
        (r"H$|(?<=[^AEIOU])H|(?<!^)H(?=[^AEIOU])", "", ("H",)),  # H survives first or between vowels
    )
)


@memo("token")
def skeleton(token: str) -> str:
    """A phonetic key for one MRZ token: consonant skeleton, first letter kept (vowel -> A).

    >>> skeleton("YOUSSEF"), skeleton("YUSUF"), skeleton("DIALLO"), skeleton("JALLOW")
    ('ASF', 'ASF', 'JL', 'JL')
    """
    s = _DOUBLES.sub(r"\1", token)
    for pattern, repl, need in _RULES:
        for n in need:
            if n in s:
                s = pattern.sub(repl, s)
                break
    return _consonants(_DOUBLES.sub(r"\1", s), token)


def _consonants(s: str, token: str) -> str:
    """First letter (a vowel as A) and the consonants after it. Consonants that a vowel kept
    apart stay two (BUBACAR -> BBKR, not BACAR's BKR; MAMADOU -> MMT)."""
    if not s:
        return token[:1]
    head = "A" if s[0] in _VOWELS else s[0]
    return head + "".join(c for c in s[1:] if c not in _VOWELS)


# A coarser key, for scoring only: the letters romanisations trade for one sound merged
# (Arabic qaf as Q/G/GH/K, Cyrillic Х as KH/CH/H, Greek and English PH/F/V, DH/D, TH/T,
# W/V as in German and Polish spellings of Russian names). D and T stay apart: PEDERSEN is
# not PETTERSEN.
_LOOSE_RULES: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = tuple(
    (re.compile(p), r, need)  # need: a rule can match only where one of these is in the token
    for p, r, need in (
        (r"(^|N)DI(?=[AEOU])", r"\1J", ("DI",)),
        (r"OW$", "O", ("OW",)),
        (r"SCH|TSCH|TSH", "S", ("SCH", "TSH")),
        (r"DZH|DJ|DZ|ZH|DSH", "J", ("DZ", "DJ", "ZH", "DSH")),
        (r"SH", "S", ("SH",)),
        (r"KH|CH|GH|CK|Q|G|C(?![EIY])", "K", ("KH", "C", "G", "Q")),
        (r"C", "S", ("C",)),
        (r"X", "KS", ("X",)),
        (r"PH|V|W", "F", ("PH", "V", "W")),
        (r"DH", "D", ("DH",)),
        (r"TH", "T", ("TH",)),
        (r"Z", "S", ("Z",)),
        (r"Y", "I", ("Y",)),
        (r"(?<!^)H", "", ("H",)),  # a first H stays, as in `skeleton` (HOUNSOU is not AHOUANSOU)
    )
)


_VOWEL_RUNS = re.compile(r"[AEIOUY]+")


@memo("token")
def loose_skeleton(token: str) -> str:
    """A coarser phonetic key than `skeleton` (scoring only, never blocking), with the
    token's vowels, which must agree: the key merges consonants romanisations trade, not
    vowels. GADDAFI / QADHAFI -> KDF:A-A-I, KHODORKOVSKY / CHODORKOWSKI -> KDRKFSK:O-O-O-I,
    STEPHEN / STEVEN -> STFN:E-E; VANDENBROECK (A-E-OE) is not VANDENBERG (A-E-E)."""
    s = _DOUBLES.sub(r"\1", token)
    for pattern, repl, need in _LOOSE_RULES:
        for n in need:
            if n in s:
                s = pattern.sub(repl, s)
                break
    vowels = "-".join(run.replace("Y", "I").replace("OU", "U") for run in _VOWEL_RUNS.findall(token))
    return _consonants(_DOUBLES.sub(r"\1", s), token) + ":" + vowels


# `loose_skeleton`'s first letter by the token's first letter, where no rule can change it:
# a vowel (or Y, read I) stays a vowel (A), G/Q/X become K, V/W become F, and no rule starts
# with the others. C, D, P, T, Z and other characters depend on what follows (CE/CA, DIA/DA,
# PH/PA, TSH/TA, ZH/ZA).
_LOOSE_FIRST = ({c: "A" for c in "AEIOUY"} | {c: c for c in "BFHJKLMNRS"}
                | dict(G="K", Q="K", X="K", V="F", W="F"))


def loose_first(token: str) -> str:
    """``loose_skeleton(token)[:1]``, most often without making the key."""
    return _LOOSE_FIRST.get(token[:1]) or loose_skeleton(token)[:1]
