"""Phonetic keys of one MRZ token, for blocking (`skeleton`) and scoring (`loose_skeleton`,
`spelling`).

* `skeleton`: a phonetic key built from rewrite rules (PH->F, KH->K, SH/CH/SCH/TSCH/CZ->S,
  DI+vowel->J, TS/TZ->S, C->K/S, Q->K, Z->S, W->V, Y->I, J after a vowel->I, a final D->T,
  H kept only first or between vowels, doubled letters once, vowels dropped after the first
  letter): SMITH/SMYTHE -> SMT, YOUSSEF/YUSUF -> ASF, DIALLO/JALLO -> JL, MEHMED/MEHMET ->
  MMT. A first H stays (HANNE is not ANNA, HALYNA not OLENA); consonants a vowel kept apart
  stay two (BUBACAR is BBKR, BACAR BKR). Blocking keys use ``skeleton(canonical(token))``
  (`names.blocking_form`).
  Russian and other Slavic names in German, Polish and French spellings meet their English
  and ICAO ones (`_prepared`): a final -OFF/-OW is -OV, -SKIJ/-SKI -SKY; in a German or Polish
  spelling (W, SZ, CZ, SCH) a bare CH is Х (KH); in a Slavic surname (-OV, -SKI, -ENKO ...)
  ZH is Ж as German SCH is, and J is Й: KUSNEZOW/KUZNETSOV -> KSNSV, SCHUKOW/ZHUKOV -> SKV,
  TSCHAIKOWSKI/CHAIKOVSKIY -> SKVSK, SZCZERBAKOW/CHTCHERBAKOV/SHCHERBAKOV -> SRBKV,
  WOJCIECHOWSKI/VOYTSEKHOVSKIY -> VSKVSK, CHRUSCHTSCHOW/KHRUSHCHEV -> KRSV;
* `spelling`: the token with only those letters written one way and its vowels kept, to grade
  how alike two tokens that share a skeleton are spelled (`matchers.similarity`);
* `loose_skeleton`: a coarser key for scoring only, merging the consonants romanisations
  trade (Q/G/GH/K, KH/CH, V/W/PH/F) while the vowels must agree: GADDAFI/QADHAFI.

Pure and cached; `matchers.names` re-exports them."""

from __future__ import annotations

import re

from matchers.memo import memo

__all__ = ["loose_first", "loose_skeleton", "skeleton", "spelling"]

_DOUBLES = re.compile(r"(.)\1+")
_VOWELS = frozenset("AEIOUY")


# Phonetic rewrites, applied in order on a token whose doubled letters are already single
# (and Slavic spellings already read: `_prepared`). Each with the substrings one of which a
# token must hold for the pattern to match at all (the rule is skipped otherwise: the same
# result, without running most of the patterns).
_RULES: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = tuple(
    (re.compile(p), r, need)
    for p, r, need in (
        (r"(^|N)DI(?=[AEOU])", r"\1J", ("DI",)),  # DIALLO -> JALLO, NDIAYE -> NJAYE
        # Й after a vowel: SERGEJ/SERGEY, JURIJ/YURIY, -SKIJ/-SKIY, WOJCIECH; Dutch IJ (DIJKSTRA);
        # not a final -AJ/-OJ (PANKAJ, MANOJ)
        (r"(?<=[EI])J(?=[^AEIOUY]|$)|(?<=[AO])J(?=[^AEIOUY])", "I", ("J",)),
        (r"TSCH|SCH|TCH|TSH", "S", ("SCH", "TCH", "TSH")),  # German TSCH, French TCH: Ч
        (r"DZH|DJ|DZ|ZH", "J", ("DJ", "DZ", "ZH")),
        (r"SH|CH|CZ", "S", ("SH", "CH", "CZ")),  # Polish CZ: Ч
        (r"T[SZ]", "S", ("TS", "TZ")),  # Ц: KUZNETSOV/KUSNEZOW, SCHULTZ/SCHULZ
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
        (r"W", "V", ("W",)),  # a final -OW too: KUSNEZOW/KUZNETSOV (JALLOW is curated)
        (r"Y", "I", ("Y",)),
        (r"D$", "T", ("D",)),  # final devoicing: MEHMED/MEHMET, AHMED/AHMET, DAVID/DAVIT, HAMID/HAMIT
        (r"H$|(?<=[^AEIOU])H|(?<!^)H(?=[^AEIOU])", "", ("H",)),  # H survives first or between vowels
    )
)

# German, Polish and French spellings of Slavic names, read before the rules (`_prepared`).
_FINAL_OFF = re.compile(r"(?<=[OE])FF$")  # SMIRNOFF, GEORGIEFF: -OV, -EV
# German and Polish spelling (W for В, SCH/SZ for Ш, CZ for Ч): a bare CH there is Х, as KH:
# CHODORKOWSKI, WOJCIECHOWSKI, CHRUSCHTSCHOW. Elsewhere CH is English Ч or French Ш.
_GERMAN_POLISH = re.compile(r"W|SZ|CZ|SCH")
_BARE_CH = re.compile(r"(?<![ST])CH")
# Slavic surname endings (-OV, -EW, -OFF, -OVA, -SKI, -SKY, -SKAYA, -ENKO; not the English
# -LLOW of JALLOW): there ZH and German SCH both spell Ж (ZHUKOV/SCHUKOW), and J spells Й
# (JAKOWLEW/YAKOVLEV), not the J of JOHN.
_SLAVIC_ENDING = re.compile(r"(?:(?<!LL)[OE][VW]A?|[OE]FF|SK(?:[IY]|IY|II|IJ|A|AYA|AIA|AJA)|ENKO)$")
_SLAVIC_ZH = re.compile(r"(?<!D)ZH")
_SLAVIC_J = re.compile(r"(?<!D)J")


def _prepared(token: str) -> str:
    """The token with doubled letters once, and what German, Polish and French spellings of
    Slavic names mean where the rules alone cannot tell (CH, ZH and J; a final -OFF)."""
    s = _DOUBLES.sub(r"\1", _FINAL_OFF.sub("V", token) if token.endswith("FF") else token)
    if "CH" in s and _GERMAN_POLISH.search(s):
        s = _BARE_CH.sub("KH", s)
    if len(s) >= 5 and ("ZH" in s or "J" in s) and _SLAVIC_ENDING.search(token):
        s = _SLAVIC_J.sub("Y", _SLAVIC_ZH.sub("SH", s))
    return s


# How `spelling` writes the letters transliteration systems spell differently, in order: Й
# as Y, one sign for Ш, Ч and Щ (which CH spells in one system or another), Х, Ц and В.
_SPELLING_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r) for p, r in (
        (r"(?<=[EI])J(?=[^AEIOUY]|$)|(?<=[AO])J(?=[^AEIOUY])", "Y"),
        (r"TSCH|SCH|TCH|TSH|SH|CH|CZ|SZ", "$"),
        (r"KH", "K"),
        (r"T[SZ]", "C"),
        (r"W", "V"),
    )
)


@memo("token")
def spelling(token: str) -> str:
    """The token with the letters transliteration systems write differently spelled one way,
    vowels and other letters as they are (`similarity` grades a shared skeleton by how alike
    these are): WOJCIECHOWSKI and VOITSEKHOVSKY are VOYCIEKOVSKI and VOICEKOVSKY, SCHUKOW and
    ZHUKOV both $UKOV; KOZLOVA stays KOZLOVA (the skeleton's Z/S is no transliteration)."""
    s = _prepared(token)
    for pattern, repl in _SPELLING_RULES:
        s = pattern.sub(repl, s)
    return _DOUBLES.sub(r"\1", s)


@memo("token")
def skeleton(token: str) -> str:
    """A phonetic key for one MRZ token: consonant skeleton, first letter kept (vowel -> A).

    >>> skeleton("YOUSSEF"), skeleton("YUSUF"), skeleton("DIALLO"), skeleton("JALLO")
    ('ASF', 'ASF', 'JL', 'JL')
    >>> skeleton("KUSNEZOW"), skeleton("KUZNETSOV"), skeleton("SCHUKOW"), skeleton("ZHUKOV")
    ('KSNSV', 'KSNSV', 'SKV', 'SKV')
    """
    s = _prepared(token)
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
