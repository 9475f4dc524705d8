"""Transliteration to MRZ-style Latin, following ICAO Doc 9303 Part 3 (section 6).

Airline data (API/PAXLST) carries names as they are printed in a passport's machine readable
zone: upper-case A-Z only. Watchlists carry names in their own scripts and with diacritics.
`transliterate` turns any name into the upper-case ASCII spellings a passport may plausibly
show, the ICAO spelling first:

* Latin with diacritics: the ICAO table (Å -> AA, Æ -> AE, Ø -> OE, ß -> SS, Þ -> TH,
  Ł -> L, Ñ -> N, Ç -> C ...). Ä/Ö/Ü (and Å/Ø) have two accepted spellings, AE/OE/UE and
  A/O/U, and both are returned.
* Cyrillic: the ICAO table (Х -> KH, Ц -> TS, Щ -> SHCH, Ю -> IU, Я -> IA, Й -> I ...), with
  the Ukrainian and Belarusian readings (Г -> H, И -> Y) when the text says so (І, Ї, Є, Ґ,
  Ў); when it cannot tell, both readings are returned. The popular spelling (Yuliya for
  ICAO's Iuliia) is added as a variant.
* Greek: ELOT 743 (ΟΥ -> OU, ΜΠ -> B/MB, ΓΚ -> G/NG, Χ -> CH), then as Greek documents
  write it (ΜΠ -> MP, ΝΤ -> NT, ΓΚ -> GK: MPAKOGIANNIS) and letter by letter (ΟΥ -> OY:
  PAPADOPOYLOS).
* Any other script (Arabic, Han, Hangul, Hebrew ...): rigour's transliteration, falling back
  to anyascii.

Pure functions, cached: the same names recur across millions of records.
"""

from __future__ import annotations

import unicodedata

from anyascii import anyascii
from rigour.text.translit import ascii_text

from matchers.memo import memo

__all__ = ["fold_latin", "transliterate"]

MAX_VARIANTS = 4

# ICAO Doc 9303 Part 3, "Transliteration of multinational Latin-based characters". Characters
# that decompose to a base letter plus marks (É, Č, Ş ...) are handled by NFD and are not listed.
_LATIN: dict[str, str] = {
    "Æ": "AE", "æ": "AE", "Œ": "OE", "œ": "OE", "ß": "SS", "ẞ": "SS", "Þ": "TH", "þ": "TH",
    "Ð": "D", "ð": "D", "Đ": "D", "đ": "D", "Ħ": "H", "ħ": "H", "Ł": "L", "ł": "L",
    "Ŀ": "L", "ŀ": "L", "Ŋ": "N", "ŋ": "N", "Ŧ": "T", "ŧ": "T", "ı": "I", "Ĳ": "IJ", "ĳ": "IJ",
    "Ø": "OE", "ø": "OE", "Å": "AA", "å": "AA", "Ä": "AE", "ä": "AE", "Ö": "OE", "ö": "OE",
    "Ü": "UE", "ü": "UE",
}
# The second accepted spelling of the letters that have two (ICAO allows A/O/U for Ä/Ö/Ü).
_LATIN_SIMPLE: dict[str, str] = {
    "Ä": "A", "ä": "A", "Ö": "O", "ö": "O", "Ü": "U", "ü": "U", "Å": "A", "å": "A",
    "Ø": "O", "ø": "O",
}

# ICAO Doc 9303 Part 3, Cyrillic table (Russian reading).
_CYRILLIC: dict[str, str] = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Ґ": "G", "Ѓ": "G", "Д": "D", "Ђ": "D", "Е": "E",
    "Ё": "E", "Є": "IE", "Ж": "ZH", "З": "Z", "Ѕ": "DZ", "И": "I", "І": "I", "Ї": "I",
    "Й": "I", "Ј": "J", "К": "K", "Ќ": "K", "Л": "L", "Љ": "LJ", "М": "M", "Н": "N",
    "Њ": "NJ", "О": "O", "П": "P", "Р": "R", "С": "S", "Т": "T", "Ћ": "C", "У": "U",
    "Ў": "U", "Ф": "F", "Х": "KH", "Ц": "TS", "Ч": "CH", "Џ": "DZ", "Ш": "SH", "Щ": "SHCH",
    "Ъ": "IE", "Ы": "Y", "Ь": "", "Э": "E", "Ю": "IU", "Я": "IA",
}
# Ukrainian / Belarusian readings where they differ (ICAO notes to the table).
_UKRAINIAN: dict[str, str] = {"Г": "H", "И": "Y", "Ъ": "", "Щ": "SHCH"}
_UKRAINIAN_MARKERS = frozenset("ІЇЄҐЎіїєґў")
_RUSSIAN_MARKERS = frozenset("ЫЭЪЁыэъё")

# Greek, ELOT 743 as used on Greek passports. Digraphs first (see `_greek`).
_GREEK: dict[str, str] = {
    "Α": "A", "Β": "V", "Γ": "G", "Δ": "D", "Ε": "E", "Ζ": "Z", "Η": "I", "Θ": "TH", "Ι": "I",
    "Κ": "K", "Λ": "L", "Μ": "M", "Ν": "N", "Ξ": "X", "Ο": "O", "Π": "P", "Ρ": "R", "Σ": "S",
    "Ϲ": "S", "Τ": "T", "Υ": "Y", "Φ": "F", "Χ": "CH", "Ψ": "PS", "Ω": "O",
}
_GREEK_VOICELESS = frozenset("ΘΚΞΠΣΤΦΧΨ")


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _is_greek(ch: str) -> bool:
    return "\u0370" <= ch <= "\u03ff" or "\u1f00" <= ch <= "\u1fff"


def _strip_marks(ch: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))


def _cyrillic(word: str, ukrainian: bool) -> str:
    out = []
    for ch in word.upper():
        if ukrainian and ch in _UKRAINIAN:
            out.append(_UKRAINIAN[ch])
        else:
            out.append(_CYRILLIC.get(ch, ch))
    return "".join(out)


def _greek(word: str, style: str = "elot") -> str:
    """One run of Greek letters (accents removed first) in one of three styles:

    * ``elot``: ELOT 743 read aloud: ΜΠ/ΝΤ/ΓΚ as B/D/G first and MB/NT/NG inside (BAKOGIANNIS);
    * ``digraphs``: ELOT 743 as Greek identity documents write it, ΜΠ/ΝΤ/ΓΚ as MP/NT/GK
      (MPAKOGIANNIS, NTOKOS);
    * ``letters``: Doc 9303 letter by letter, ΟΥ as OY and ΑΥ/ΕΥ as AY/EY (PAPADOPOYLOS,
      EYTHYMIOY).
    """
    s = "".join(_strip_marks(c) for c in word).upper().replace("ς", "Σ")
    out: list[str] = []
    i, n = 0, len(s)
    while i < n:
        c, nxt = s[i], s[i + 1] if i + 1 < n else ""
        start = i == 0 or not _is_greek(s[i - 1])
        pair = c + nxt
        if style == "letters" or (style == "digraphs" and pair in ("ΜΠ", "ΝΤ", "ΓΚ")):
            out.append(_GREEK.get(c, c))
            i += 1
            continue
        if pair == "ΟΥ":
            out.append("OU")
        elif pair in ("ΑΥ", "ΕΥ"):
            after = s[i + 2] if i + 2 < n else ""
            voiceless = not after or after in _GREEK_VOICELESS
            out.append(("A" if c == "Α" else "E") + ("F" if voiceless else "V"))
        elif pair == "ΜΠ":
            out.append("B" if start else "MB")
        elif pair == "ΝΤ":
            out.append("D" if start else "NT")
        elif pair == "ΓΚ":
            out.append("G" if start else "NG")
        elif pair in ("ΓΓ", "ΓΞ", "ΓΧ"):
            out.append("N" + _GREEK[nxt])
        else:
            out.append(_GREEK.get(c, c))
            i += 1
            continue
        i += 2
    return "".join(out)


def fold_latin(text: str, simple: bool = False) -> str:
    """Latin letters with diacritics to ICAO A-Z (``simple``: Ä/Ö/Ü/Å/Ø as A/O/U/A/O)."""
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
        elif simple and ch in _LATIN_SIMPLE:
            out.append(_LATIN_SIMPLE[ch].lower() if ch.islower() else _LATIN_SIMPLE[ch])
        elif ch in _LATIN:
            out.append(_LATIN[ch].lower() if ch.islower() else _LATIN[ch])
        else:
            out.append(_strip_marks(ch))
    return "".join(out)


def _icao(text: str, *, simple: bool, ukrainian: bool, greek: str = "elot") -> str:
    """One ICAO spelling of text made of Latin, Cyrillic and Greek (other letters kept)."""
    out: list[str] = []
    run: list[str] = []
    run_kind = ""

    def flush() -> None:
        if run:
            word = "".join(run)
            out.append(_cyrillic(word, ukrainian) if run_kind == "cyr" else _greek(word, greek))
            run.clear()

    for ch in text:
        kind = "cyr" if _is_cyrillic(ch) else "grk" if _is_greek(ch) else ""
        if kind != run_kind:
            flush()
            run_kind = kind
        if kind:
            run.append(ch)
        else:
            out.append(fold_latin(ch, simple))
    flush()
    return "".join(out)


def _fallback(text: str) -> str:
    """Any script to ASCII: rigour's spelling, then anyascii for what is left."""
    out = ascii_text(text)
    return out if out.isascii() else anyascii(out)


@memo("name")
def transliterate(text: str) -> tuple[str, ...]:
    """The upper-case ASCII spellings of ``text`` a passport may show, ICAO spelling first.

    >>> transliterate("Олександр Шевченко")[0]
    'OLEKSANDR SHEVCHENKO'
    >>> transliterate("Müller")
    ('MUELLER', 'MULLER')

    Punctuation is kept (names.py decides what it means); at most four variants are returned.
    """
    text = unicodedata.normalize("NFC", text or "")
    if text.isascii():
        return (text.upper(),)
    has_cyr = any(_is_cyrillic(c) for c in text)
    readings = [False]
    if has_cyr:
        chars = set(text)
        if chars & _UKRAINIAN_MARKERS:
            readings = [True]
        elif not chars & _RUSSIAN_MARKERS and chars & set("ГИги"):
            readings = [False, True]
    out: list[str] = []
    for ukrainian in readings:
        for simple in (False, True):
            out.append(_icao(text, simple=simple, ukrainian=ukrainian))
    has_greek = any(_is_greek(c) for c in text)
    if has_greek:
        out += [_icao(text, simple=False, ukrainian=False, greek=g) for g in ("digraphs", "letters")]
    if has_cyr or has_greek or not all(s.isascii() for s in out):
        # rigour's spelling: another romanisation of Cyrillic and Greek, and the only one of
        # other scripts. Latin letters the ICAO table already spelled need it not (it costs
        # ~150 us a call; skipping it loads listed persons 38% faster).
        out.append(_fallback(text))
    result: list[str] = []
    for s in out:
        s = s if s.isascii() else _fallback(s)
        s = s.upper()
        if s not in result:
            result.append(s)
    return tuple(result[:MAX_VARIANTS])
