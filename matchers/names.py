"""Person-name normalisation to MRZ-style tokens, name variants, and per-token keys.

A name goes through four steps:

1. `transliterate` (ICAO Doc 9303) to upper-case ASCII spellings;
2. `clean`: apostrophes dropped (N'DIAYE -> NDIAYE), hyphens and other punctuation to
   spaces (JEAN-PIERRE -> JEAN PIERRE), digits dropped;
3. titles and honorifics removed (MR, DR, SHEIKH, ALHAJI, CHIEF ...) where they stand: at
   the start of a full name, at either end of given names (airlines append MR/MRS); and
   placeholders for unknown parts (FNU, LNU, UNK) dropped. Titles that are also given names
   (ELHADJI, PRINCE, SHEIKH, EMIR: `NAME_TITLES`) are read both ways, and only stripped when
   two name tokens are left ("Elhadji Bah" keeps its given name);
4. `token_variants`: particles handled both ways. The *core* form drops particles
   (DE LA CRUZ -> CRUZ, AL HASHIMI -> HASHIMI) and glues Arabic compound heads to what
   follows (ABDUL RAHMAN -> ABDULRAHMAN); the *merged* form glues every particle to the next
   token (DE LA CRUZ -> DELACRUZ, AL HASHIMI -> ALHASHIMI), so DELACRUZ and DE LA CRUZ meet;
   a glued AL/EL is split off too (ALHASHIMI -> HASHIMI); the *unglued* form keeps compound
   heads apart, as ABDOU and ABDUL are given names too (ABDOU DIALLO). Two given names and
   two surnames are also read with each part written as one word (JUANCARLOS GARCIALOPEZ),
   as airlines and lists send them: `parse_parts` when both parts have two tokens or more,
   `parse_name` for a name of four (`similarity.align` glues one pair of tokens, not two).

Per token, these keys describe spelling variation:

* `canonical`: the head of a curated variant group (data/name_variants.txt: MOHAMED,
  MUHAMMAD, MAMADOU -> MOHAMMED; JALLOW -> DIALLO; KAMARA -> CAMARA ...), and `name_form`:
  whether a token spells the head's name or another language's form of it (MAMADOU,
  MEHMET), which matches less surely. A final H after a vowel (KHADIDJAH) and a West
  African final vowel (UMARU, SULEIMANU) are read off when the token is not listed;
* `skeleton`, `spelling` and `loose_skeleton`: phonetic keys (`matchers.phonetic`, re-exported).
  Blocking keys use ``skeleton(canonical(token))`` (`blocking_form`);
* `name_symbols`: rigour's person-name symbols (Wikidata-derived groups of spellings of one
  given name across scripts: MIKHAIL/MICHAEL, KHALED/KHALID, OLEG/OLEH);
* `is_patronymic`: IVANOVICH, PETROVNA, KOSTIANTYNOVYCH, which passports leave out.

Everything here is pure and cached; nothing here raises on odd input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Sequence
from itertools import product
from pathlib import Path

from rigour.names import NameTypeTag, analyze_names

from matchers.memo import memo, store
from matchers.phonetic import loose_first, loose_skeleton, skeleton, spelling
from matchers.translit import transliterate

__all__ = [
    "NameForm",
    "blocking_form",
    "canonical",
    "clean",
    "is_patronymic",
    "loose_first",
    "loose_skeleton",
    "name_form",
    "name_symbols",
    "name_symbols_many",
    "parse_name",
    "parse_parts",
    "remember",
    "skeleton",
    "spelling",
    "token_variants",
    "warm_up",
]

MAX_VARIANTS = 6
MAX_GLUED = 1  # variants of given names and surname each glued into one word, beyond those

TITLES = frozenset(
    ["MR", "MRS", "MS", "MISS", "MSTR", "MASTER", "MX", "DR", "PROF", "SIR", "DAME", "LORD", "LADY", "HON", "REV", "FR", "PASTOR", "BISHOP", "SHEIKH", "SHAIKH", "SHEIK", "SHAYKH", "SHK", "ALHAJI", "ALHAJ", "ALHADJI", "ALHAJJ", "HAJI", "HADJI", "HAJJ", "HADJ", "HAJIYA", "ELHADJ", "ELHADJI", "ELHAJ", "CHIEF", "IMAM", "MULLAH", "MAULANA", "MAWLANA", "GEN", "GENERAL", "COL", "CAPT", "CAPTAIN", "MAJ", "LT", "LTCOL", "SGT", "CPL", "ADM", "BRIG", "CMDR", "EMIR", "PRINCE", "PRINCESS", "HRH", "MME", "MLLE", "MADAME", "MONSIEUR", "HERR", "FRAU", "SENOR", "SENORA", "SRA", "SRTA", "JR", "SR", "II", "III", "IV"]
)
# Titles that are also given names (ELHADJI is a common Senegalese and Guinean given name,
# PRINCE a Ghanaian and Nigerian one, CHEIKH/SHEIKH and EMIR are names too): names are read
# both with and without them.
NAME_TITLES = frozenset(
    ["SHEIKH", "SHAIKH", "SHEIK", "SHAYKH", "ALHAJI", "ALHAJ", "ALHADJI", "ALHAJJ", "HAJI", "HADJI", "ELHADJ", "ELHADJI", "ELHAJ", "EMIR", "PRINCE", "PRINCESS", "LADY"]
)
# Titles written as two tokens: EL HADJ, AL HAJI ...
_TITLE_PAIRS = frozenset(
    (a, b) for a in ("AL", "EL") for b in ("HADJ", "HADJI", "HAJ", "HAJI", "HAJJ", "HAJJI")
)
# Placeholders airlines and lists use for an unknown name part.
NULL_TOKENS = frozenset(["FNU", "LNU", "NFN", "NLN", "UNK", "UNKN", "UNKNOWN", "NONE", "NIL", "NA", "XX", "XXX"])
# Particles: dropped in the core form, glued to the next token in the merged form.
PARTICLES = frozenset(
    ["AL", "EL", "UL", "ULD", "BEN", "BIN", "IBN", "BINT", "OULD", "DE", "DA", "DI", "DO", "DOS", "DAS", "DEL", "DELA", "DELLA", "DELLE", "DELLO", "DEGLI", "DEI", "DES", "DU", "LA", "LE", "LO", "LAS", "LOS", "Y", "E", "VAN", "VON", "DER", "DEN", "TER", "TEN", "VANDER", "VANDEN", "ZU", "ZUR", "AF", "AV"]
)
# Compound heads: never dropped, glued to the next token in both forms (ABDUL RAHMAN).
JOINERS = frozenset(["ABD", "ABDUL", "ABDEL", "ABDOUL", "ABDUR", "ABDER", "ABDOU", "ABU", "ABOU", "BOU", "MC", "MAC"])
# One-letter prefixes glued only in the merged form (O BRIEN, D ARCY), as they may be initials.
_LETTER_PREFIXES = frozenset(["O", "D", "L"])
# Honorifics that may also trail a full name ("SMITH JOHN MR").
_TRAILING_TITLES = frozenset(["MR", "MRS", "MS", "MISS", "MSTR", "DR", "JR", "SR", "II", "III", "IV"])
# Concatenated honorifics airlines append to given names (JOHNMR).
_GLUED_TITLES = ("MRS", "MSTR", "MISS", "MR")

_APOSTROPHES = re.compile(r"['’‘`´ʼʻ]")
_NON_LETTERS = re.compile(r"[^A-Z]+")
_VOWELS = frozenset("AEIOUY")


def clean(text: str) -> str:
    """Upper-case A-Z words separated by single spaces (input already ASCII)."""
    text = _APOSTROPHES.sub("", text.upper())
    return _NON_LETTERS.sub(" ", text).strip()


def _strip_titles(
    tokens: list[str], *, leading: bool = True, trailing: bool = False, keep_names: bool = False, part: bool = False
) -> list[str]:
    """Remove honorifics at the start (and end) while a real name token is left.

    ``keep_names``: leave the titles that are also given names (`NAME_TITLES`: ELHADJI,
    PRINCE, SHEIKH ...). Otherwise such a title goes only when two name tokens are left
    after it (one in a given-names ``part``, where the surname is apart): "Elhadji Bah" is
    a given name and a surname, "Elhadji Alhassane Bah" may be a title and a name.
    """
    toks = [t for t in tokens if t not in NULL_TOKENS]
    keep = 1 if part else 2

    def strippable(tok: str, left: int) -> bool:
        if tok not in TITLES:
            return False
        if tok in NAME_TITLES:
            return not keep_names and left >= keep
        return True

    # the end first: booking engines append MR/MRS to given names (PRINCE MR)
    while len(toks) > 1 and toks[-1] in (TITLES if trailing else _TRAILING_TITLES) and strippable(toks[-1], len(toks) - 1):
        toks = toks[:-1]
    if leading:
        while len(toks) > 1:
            if strippable(toks[0], len(toks) - 1):
                toks = toks[1:]
            elif len(toks) > 2 and (toks[0], toks[1]) in _TITLE_PAIRS and not keep_names:
                toks = toks[2:]
            else:
                break
    if trailing and toks:
        last = toks[-1]
        for suffix in _GLUED_TITLES:
            if last.endswith(suffix) and len(last) >= len(suffix) + 3:
                toks[-1] = last[: -len(suffix)]
                break
    return toks


def _readings(tokens: list[str], **how: bool) -> list[list[str]]:
    """The tokens without titles, and, when a title that is also a given name went, with it."""
    stripped = _strip_titles(tokens, **how)
    kept = _strip_titles(tokens, keep_names=True, **how)
    return [stripped] if kept == stripped else [stripped, kept]


def token_variants(tokens: list[str] | tuple[str, ...]) -> list[tuple[str, ...]]:
    """Core, merged, AL-split and unglued forms of one token list (deduplicated, core first).

    The unglued form keeps compound heads apart (ABDOU DIALLO, ABDUL DARKO): ABDOU and
    ABDUL are given names on their own too.

    >>> token_variants(["JUAN", "DE", "LA", "CRUZ"])
    [('JUAN', 'CRUZ'), ('JUAN', 'DELACRUZ')]
    >>> token_variants(["ABDOU", "DIALLO"])
    [('ABDOUDIALLO',), ('ABDOU', 'DIALLO')]
    """
    toks = [t for t in tokens if t]
    if not toks:
        return []
    core: list[str] = []
    merged: list[str] = []
    unglued: list[str] = []
    pending_core = ""
    pending_merged = ""
    last = len(toks) - 1
    for i, tok in enumerate(toks):
        if i < last and tok in PARTICLES:
            pending_merged += tok
            continue
        if i < last and tok in JOINERS:
            pending_core += tok
            pending_merged += tok
            unglued.append(tok)
            continue
        if i < last and tok in _LETTER_PREFIXES:
            core.append(pending_core + tok)
            unglued.append(tok)
            pending_core = ""
            pending_merged += tok
            continue
        core.append(pending_core + tok)
        merged.append(pending_merged + tok)
        unglued.append(tok)
        pending_core = pending_merged = ""
    out = [tuple(core), tuple(merged)]
    split = tuple(_split_article(t) for t in core)
    out += [split, tuple(unglued)]
    result: list[tuple[str, ...]] = []
    for v in out:
        if v and v not in result:
            result.append(v)
    return result


def _split_article(tok: str) -> str:
    """ALHASHIMI -> HASHIMI: a glued Arabic article before a consonant (long tokens only)."""
    if len(tok) >= 6 and tok[:2] in ("AL", "EL") and tok[2] not in _VOWELS and tok[2] != "L":
        return tok[2:]
    return tok


@dataclass(frozen=True, slots=True)
class NameForm:
    """One name of a record: the text as given and its normalised token variants.

    ``variants`` are tuples of MRZ-style tokens, the ICAO/core form first. Token order is
    kept (given names first when known) but comparisons never rely on it.
    """

    text: str
    variants: tuple[tuple[str, ...], ...]

    @property
    def tokens(self) -> tuple[str, ...]:
        return self.variants[0] if self.variants else ()


@memo("name")
def parse_name(text: str | None) -> NameForm | None:
    """A full name as written on a list ("Dr. Mohamed Ould Diallo"), or None when empty."""
    if not text or not text.strip():
        return None
    variants: list[tuple[str, ...]] = []
    for written in transliterate(text):
        for toks in _readings(clean(written).split(), leading=True, trailing=False):
            for v in token_variants(toks):
                if v not in variants:
                    variants.append(v)
    if not variants:
        return None
    variants = variants[:MAX_VARIANTS]
    # four tokens may be two given names and two surnames, which an airline may send glued
    # (JUANCARLOS GARCIALOPEZ for Juan Carlos Garcia Lopez): `align` glues one pair only
    glued = _glued([((v[0], v[1]), (v[2], v[3])) for v in variants if len(v) == 4], variants)
    return NameForm(text=text.strip(), variants=tuple(variants + glued))


@memo("name")
def parse_parts(surname: str | None, given_names: str | None) -> NameForm | None:
    """A surname and given names as airlines send them; tokens are given names first. A
    one-name traveller whose mandatory given-name field repeats the surname (SUKARNO SUKARNO)
    is also read as that one name, first after the name as written."""
    given_sets = _part_variants(given_names, given=True)
    surname_sets = _part_variants(surname, given=False)
    variants: list[tuple[str, ...]] = []
    for g, s in product(given_sets or [()], surname_sets or [()]):
        v = tuple(g) + tuple(s)
        if v and v not in variants:
            variants.append(v)
        if g and tuple(g) == tuple(s) and tuple(s) not in variants:
            variants.insert(1, tuple(s))
    if not variants:
        return None
    variants = variants[:MAX_VARIANTS]
    # given names and surname of two tokens or more each, which a list may hold glued
    # (JUANCARLOS GARCIALOPEZ): `align` glues one pair only
    glued = _glued([(g, s) for g, s in product(given_sets, surname_sets) if len(g) > 1 and len(s) > 1], variants)
    text = " ".join(p.strip() for p in (given_names or "", surname or "") if p and p.strip())
    return NameForm(text=text, variants=tuple(variants + glued))


def _glued(halves: list[tuple[Sequence[str], Sequence[str]]], variants: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The (given names, surname) pairs with each part's tokens written as one word, longest
    first (particles kept, as written: MARIADELCARMEN DASILVASANTOS), but those already among
    ``variants``: at most `MAX_GLUED`."""
    out: list[tuple[str, ...]] = []
    for v in sorted((("".join(g), "".join(s)) for g, s in halves), key=lambda v: -len(v[0]) - len(v[1])):
        if v not in variants and v not in out and len(out) < MAX_GLUED:
            out.append(v)
    return out


def _part_variants(part: str | None, *, given: bool) -> list[tuple[str, ...]]:
    if not part or not part.strip():
        return []
    out: list[tuple[str, ...]] = []
    for written in transliterate(part):
        toks = clean(written).split()
        readings = _readings(toks, leading=True, trailing=True, part=True) if given else [_strip_titles(toks, leading=False)]
        for reading in readings:
            for v in token_variants(reading):
                if v not in out:
                    out.append(v)
    return out[:3]


def _load_variants() -> dict[str, tuple[str, int]]:
    """token -> (group head, form): a line is one name, "/" separates its forms (0: the
    spellings of the head, 1...: other languages' forms, such as MAMADOU for MOHAMMED)."""
    table: dict[str, tuple[str, int]] = {}
    # Relative to this file, not importlib.resources: under pytest, tests/matchers can make
    # `matchers` a namespace package whose first path is the tests folder.
    text = (Path(__file__).parent / "data" / "name_variants.txt").read_text("utf-8")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        forms = [part.split() for part in line.split("/")]
        head = forms[0][0]
        for form, tokens in enumerate(forms):
            for tok in tokens:
                table.setdefault(tok, (head, form))
    return table


_VARIANTS = _load_variants()


# Final vowels West African languages add to Arabic names (Fula, Hausa, Mande: UMARU,
# SULEIMANU, YUSUFU, UMARO): such a token is a form of the name it ends.
_ADDED_VOWELS = ("OU", "U", "O")
_SUFFIXED_FORM = 100


@memo("token")
def _variant(token: str) -> tuple[str, int] | None:
    found = _VARIANTS.get(token)
    if found is None and len(token) > 4 and token[-1] == "H" and token[-2] in _VOWELS:
        found = _VARIANTS.get(token[:-1])  # the Arabic ta marbuta: KHADIDJAH, FATIMAH
    if found is None and len(token) >= 5:
        for ending in _ADDED_VOWELS:
            if token.endswith(ending):
                stem = _VARIANTS.get(token[: -len(ending)])
                if stem is not None:
                    return stem[0], _SUFFIXED_FORM + stem[1]
    return found


def canonical(token: str) -> str:
    """The head of the token's curated variant group, or the token itself. A final H after a
    vowel (the Arabic ta marbuta: KHADIDJAH, FATIMAH, MUSTAFAH) is optional."""
    found = _variant(token)
    return found[0] if found else token


def name_form(token: str) -> int:
    """Which form of its name a curated token spells (0: the head's spellings, or unknown;
    1...: another language's form, such as MAMADOU or MEHMET for MOHAMMED)."""
    found = _variant(token)
    return found[1] if found else 0


@memo("token")
def blocking_form(token: str) -> str:
    """The token form used in blocking keys: the skeleton of the canonical spelling, or the
    canonical spelling itself when the skeleton is a single letter (LI, WEI, SOW, ZOE)."""
    spelled = canonical(token)
    form = skeleton(spelled)
    return form if len(form) >= 2 or len(token) == 1 else spelled


_SYMBOLS = store("token")  # name_symbols' memo
_NO_SYMBOLS: frozenset[str] = frozenset()


def name_symbols(token: str) -> frozenset[str]:
    """rigour's person-name symbols for one token (Wikidata ids of the names it spells)."""
    got = _SYMBOLS.get(token)
    return got if got is not None else name_symbols_many((token,))[0]


def remember(token: str, skel: str, symbols: frozenset[str]) -> None:
    """Keep a token's `skeleton` and `name_symbols` known from elsewhere (a list version's
    stored token properties: `matchers.token_props`) in their memos, for the features."""
    skeleton.put(token, skel)
    _SYMBOLS.put(token, symbols)


def name_symbols_many(tokens: Sequence[str]) -> list[frozenset[str]]:
    """`name_symbols` of each token, those not known yet asked of rigour in one call (about
    half the time of one call each)."""
    out = {t: s for t in tokens if (s := _SYMBOLS.get(t)) is not None}
    todo = list({t: None for t in tokens if t not in out})
    if todo:
        asked = [t for t in todo if len(t) >= 3]
        for name in analyze_names(NameTypeTag.PER, asked, consolidate=False, phonetics=False) if asked else ():
            out[name.original] = _name_symbols(name)
        for t in todo:
            if t not in out:  # short, or merged by rigour with a token of the same normal form
                out[t] = _NO_SYMBOLS if len(t) < 3 else _alone(t)
        _SYMBOLS.put_many((t, out[t]) for t in todo)
    return [out[t] for t in tokens]


def _alone(token: str) -> frozenset[str]:
    found = analyze_names(NameTypeTag.PER, [token], consolidate=False, phonetics=False)
    return frozenset().union(*map(_name_symbols, found))


def _name_symbols(name) -> frozenset[str]:
    return frozenset(span.symbol.id for span in name.spans
                     if span.symbol.category.value == "NAME" and len(span.parts) == 1)


# East Slavic, South Slavic and Turkic patronymics: IVANOVICH, PETROVNA, SERHIIOVYCH,
# KOSTIANTYNOVYCH, ILYICH, MAMEDOGLU (glued OGLU/KYZY only; a separate OGLU is a token).
_PATRONYMIC = re.compile(r"(OVICH|EVICH|OVYCH|EVYCH|IOVYCH|IEVYCH|YICH|ILICH|OVNA|EVNA|IVNA|IIVNA|INICHNA|ICHNA|OGLU|OGLY|KYZY|QIZI)$")


@memo("token")
def is_patronymic(token: str) -> bool:
    """Whether a token looks like a patronymic (long enough and with a patronymic ending)."""
    return len(token) >= 7 and _PATRONYMIC.search(token) is not None


def warm_up() -> None:
    """Build rigour's name tagger now (a one-time ~5-7 s in each process) rather than on the
    first screened batch. Workers call this at start."""
    name_symbols("MOHAMMED")
