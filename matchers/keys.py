"""Blocking keys: which watchlist entries are worth scoring against a traveller.

A traveller is never compared with the whole list: both sides are reduced to short keys and
only entries sharing a key become candidates. Keys are strings; the store hashes each to 8
bytes (`digest`), so a key costs the same whatever its text.

Name keys are built from per-token *blocking forms*: ``skeleton(canonical(token))`` (so
MOHAMED/MUHAMMAD/MAMADOU, DIALLO/JALLOW, YOUSSEF/YUSUF, SMITH/SMYTHE, EBRIMA/IBRAHIM share a
form), taken in
unordered pairs within one name so that a posting list holds the few people called both X
and Y, not everyone called MOHAMMED:

* ``n:X|Y``: two tokens of one name (order-insensitive: surname/given swaps meet);
* ``h:X|y``: one token's form with the other's first letter, both ways, so J SMITH meets
  JOHN SMITH and a typo that changes one token's form (not its first letter) still meets
  its partner;
* ``t:T|Y``: the skeleton of one token *without its first letter* with the other token's
  form, so a typo in the first letter (OHAMMED, ERRADA for BERRADA, VAUL for PAUL) still
  meets its partner. Entries index each token's tail; a traveller asks for the tails of its
  tokens, and (one letter dropped or put before) the tokens themselves and their tails
  without two letters: entries pay two keys per pair, queries more;
* ``y:X|Y|1970``: the pair with a birth year, still selective when ``n:X|Y`` is too common
  (the store caps posting lists; see `store.POSTING_CAP`). An entry without a birth date is
  keyed under year 0, which every traveller asks for too: among many namesakes it ranks
  with those of the right year, above those known to be born in another;
* ``m:X``: a one-token name (mononym or a bare alias); travellers ask for ``m:`` of each
  of their tokens.

A token whose skeleton is one letter (LI, WEI, SOW) is keyed by its spelling instead. Names
with more than five tokens keep the first three and last two. Every variant of a name
(transliterations, umlaut spellings, particle forms) contributes keys.

Document keys: ``d:<OCR-canonical number>`` on both sides, so OCR-confused numbers collide;
a traveller also asks for every adjacent transposition of its number (``query_document_keys``).
Placeholders (123456789, all one digit, NONE) are not keys: they identify nobody, and a key
every crew member shares would pull the same entries for the whole flight.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from itertools import combinations

import numpy as np

from matchers.documents import is_placeholder, normalize_number, ocr_canonical, transpositions
from matchers.features import parse_date
from matchers.names import NameForm, blocking_form, parse_name, parse_parts, skeleton
from paxscreen.models import Traveller, WatchEntry

__all__ = [
    "KEY_BYTES",
    "digest",
    "document_keys",
    "entry_keys",
    "name_keys",
    "query_digests",
    "query_document_keys",
    "traveller_keys",
]

KEY_BYTES = 8
MAX_FORMS = 5
MIN_DOCUMENT_LENGTH = 5
MIN_TAIL = 3  # letters of a token's tail for a `t:` key


def digest(key: str) -> bytes:
    """The 8-byte hash a key is stored under (collisions only add candidates, never lose any):
    BLAKE2b, from a copy of an empty hasher (a third cheaper than making one)."""
    h = _EMPTY.copy()
    h.update(key.encode("utf-8"))
    return h.digest()


_EMPTY = hashlib.blake2b(digest_size=KEY_BYTES)


def _parts(tokens: Sequence[str]) -> list[tuple[str, str, str]]:
    """(token, blocking form, initial) per token; long names keep their first three and last two."""
    parts = [(t, blocking_form(t), t[0]) for t in tokens if t]
    if len(parts) > MAX_FORMS:
        parts = parts[:3] + parts[-2:]
    return parts


def _tail(text: str) -> str | None:
    """The skeleton of a token's letters after the first, or their spelling when the
    skeleton is one letter (DIAYE of NDIAYE); None when too short to say much."""
    if len(text) < MIN_TAIL:
        return None
    form = skeleton(text)
    return form if len(form) >= 2 else text


def _tails(token: str, *, query: bool) -> set[str]:
    """Tail forms of a token: the entry's token without its first letter; for a query also the
    token itself (its first letter was dropped) and without two (a letter was put before it)."""
    forms = {_tail(token[1:])}
    if query:
        forms |= {_tail(token), _tail(token[2:])}
    forms.discard(None)
    return forms  # type: ignore[return-value]


def name_keys(names: Iterable[NameForm], birth_years: Iterable[int] = (), *, query: bool = False) -> set[str]:
    """Blocking keys for a record's names (every variant), with birth-year pair keys.

    ``query``: the keys a traveller looks up, which add ``m:`` for each of its tokens so a
    one-token listed name (an alias such as a nickname) is a candidate too, and the tail
    forms that meet a listed token one edit away in its first letter.
    """
    years = sorted(set(birth_years))
    # a record without a birth year is indexed under year 0, and every query asks for it, so
    # that it ranks with the right year, above namesakes whose year is known to be wrong
    years_keyed = [*years, 0] if query else years or [0]
    keys: set[str] = set()
    for name in names:
        for variant in name.variants:
            parts = _parts(variant)
            if len(parts) == 1 or query:
                keys.update(f"m:{form}" for _, form, _ in parts if len(form) > 1 or len(parts) == 1)
            if len(parts) == 1:
                continue
            for (tx, fx, ix), (ty, fy, iy) in combinations(parts, 2):
                if len(fx) == 1 and len(fy) == 1:
                    continue  # two initials say nothing
                x, y = sorted((fx, fy))
                keys.add(f"n:{x}|{y}")
                if len(fx) > 1:
                    keys.add(f"h:{fx}|{iy}")
                    keys.update(f"t:{tail}|{fx}" for tail in _tails(ty, query=query))
                if len(fy) > 1:
                    keys.add(f"h:{fy}|{ix}")
                    keys.update(f"t:{tail}|{fy}" for tail in _tails(tx, query=query))
                for year in years_keyed:
                    keys.add(f"y:{x}|{y}|{year}")
    return keys


def _canonical_key(number: str | None) -> str | None:
    """The OCR-canonical number a document is keyed by (None for placeholders and short numbers)."""
    n = normalize_number(number)
    if len(n) < MIN_DOCUMENT_LENGTH or is_placeholder(n):
        return None
    return ocr_canonical(n)


def document_keys(number: str | None) -> set[str]:
    """The key a document number is indexed under (none for placeholders and short numbers)."""
    c = _canonical_key(number)
    return set() if c is None else {"d:" + c}


def query_document_keys(number: str | None) -> set[str]:
    """The keys a traveller's document asks for: its own and each adjacent transposition."""
    c = _canonical_key(number)
    if c is None:
        return set()
    # OCR-canonical spelling maps character by character: transpose the canonical number
    return {"d:" + c, *("d:" + t for t in transpositions(c, normalized=True))}


def _years(dates: Iterable[str | None]) -> list[int]:
    return [p[0] for p in map(parse_date, dates) if p]


def entry_keys(entry: WatchEntry, forms: Sequence[NameForm] | None = None) -> tuple[set[str], set[str]]:
    """(name keys, document keys) an entry is indexed under. ``forms``: its names, already
    parsed (`records.entry_forms`), when the caller has them."""
    names = list(forms) if forms is not None else [f for f in map(parse_name, entry.names) if f]
    doc_keys: set[str] = set()
    for d in entry.documents:
        doc_keys |= document_keys(d.number)
    return name_keys(names, _years(entry.birth_dates)), doc_keys


def traveller_keys(t: Traveller) -> tuple[set[str], set[str]]:
    """(name keys, document keys) a traveller looks up."""
    name = parse_parts(t.surname, t.given_names)
    doc_keys: set[str] = set()
    for d in t.documents:
        doc_keys |= query_document_keys(d.number)
    return name_keys([name] if name else [], _years([t.date_of_birth]), query=True), doc_keys


def query_digests(t: Traveller) -> tuple[np.ndarray, np.ndarray]:
    """The digests (uint64, as the posting index holds them) of the name keys and of the
    document keys a traveller asks for."""
    names, docs = traveller_keys(t)
    return _u64(names), _u64(docs)


def _u64(keys: set[str]) -> np.ndarray:
    return np.frombuffer(b"".join(map(digest, keys)), dtype=">u8").astype(np.uint64)
