"""The small view of a person or document that every feature reads: a `Record`.

Travellers (airline data) and watchlist entries (FollowTheMoney) look different; features
should not care. `record_of` turns a `Traveller`, a `WatchEntry` (or a `Record`) into the same
shape: parsed names, birth dates as given (partial dates allowed), alpha-3 countries, sexes,
normalised document numbers. Missing or malformed fields never raise; they are left out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from matchers.documents import normalize_country, normalize_number
from matchers.names import NameForm, parse_name, parse_parts
from paxscreen.models import Traveller, WatchEntry

__all__ = ["DocRef", "Record", "entry_forms", "matched_fields", "parser_fingerprint", "record_of"]


@dataclass(frozen=True, slots=True)
class DocRef:
    """A document number (normalised, A-Z0-9) with its issuing country (alpha-3) and type."""

    number: str
    country: str | None = None
    type: str | None = None


@dataclass(frozen=True, slots=True)
class Record:
    """What features compare. ``schema`` is "Traveller", "Person" or "Document"."""

    id: str
    schema: str = "Person"
    names: tuple[NameForm, ...] = ()
    birth_dates: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()
    sexes: tuple[str, ...] = ()
    documents: tuple[DocRef, ...] = ()

    @property
    def tokens(self) -> set[str]:
        """Every name token of every variant (the vocabulary for batched similarity)."""
        return {t for n in self.names for v in n.variants for t in v}


def _sex(value: str | None) -> str | None:
    if not value:
        return None
    v = value.strip().upper()[:1]
    return v if v in ("M", "F") else None


def _countries(values) -> tuple[str, ...]:
    out: list[str] = []
    for v in values:
        c = normalize_country(v)
        if c and c not in out:
            out.append(c)
    return tuple(out)


def _docs(items) -> tuple[DocRef, ...]:
    out: list[DocRef] = []
    for number, country, typ in items:
        n = normalize_number(number)
        if n:
            ref = DocRef(n, normalize_country(country), (typ or None))
            if ref not in out:
                out.append(ref)
    return tuple(out)


def entry_forms(entry: WatchEntry) -> tuple[NameForm, ...]:
    """An entry's names, parsed (distinct forms, in the entry's order)."""
    names: list[NameForm] = []
    for text in entry.names:
        form = parse_name(text)
        if form and form not in names:
            names.append(form)
    return tuple(names)


def record_of(obj: Traveller | WatchEntry | Record, forms: tuple[NameForm, ...] | None = None) -> Record:
    """The `Record` view of a traveller, a watchlist entry, or a record (returned as is).
    ``forms``: a watchlist entry's `entry_forms`, when already known (the store keeps them
    with the entry, parsed once at load)."""
    if isinstance(obj, Record):
        return obj
    if isinstance(obj, Traveller):
        name = parse_parts(obj.surname, obj.given_names)
        return Record(
            id=obj.event_id,
            schema="Traveller",
            names=(name,) if name else (),
            birth_dates=(obj.date_of_birth,) if obj.date_of_birth else (),
            nationalities=_countries([obj.nationality]),
            sexes=tuple(s for s in [_sex(obj.sex)] if s),
            documents=_docs((d.number, d.issuing_country, d.type) for d in obj.documents),
        )
    if isinstance(obj, WatchEntry):
        return Record(
            id=obj.id,
            schema="Document" if obj.schema == "Document" else "Person",
            names=entry_forms(obj) if forms is None else forms,
            birth_dates=tuple(d for d in obj.birth_dates if d),
            nationalities=_countries(obj.nationalities),
            sexes=tuple(dict.fromkeys(s for s in map(_sex, obj.genders) if s)),
            documents=_docs((d.number, d.country, d.type) for d in obj.documents),
        )
    raise TypeError(f"cannot compare a {type(obj).__name__!r}")


def matched_fields(t: Traveller) -> tuple:
    """Every field of a traveller that screening reads (its `record_of` but the id, its
    blocking keys, its birth date for the ranking), as given: two travellers with the same
    screen alike against the same list versions (`screening.Screener` keeps screenings by
    it). tests/matchers/test_screened.py changes each other field and checks nothing read moves."""
    return (t.surname, t.given_names, t.date_of_birth, t.sex, t.nationality,
            tuple((d.number, d.issuing_country, d.type) for d in t.documents))


# Names that exercise every step of name parsing: scripts, diacritics, particles, titles,
# hyphens and apostrophes, glued and patronymic forms, curated variants.
_PROBES = (
    "Dr. Mohamed Ould Diallo", "Müller-Lüdenscheidt, Hans-Jürgen", "Шевченко Тарас Григорович",
    "محمد بن سلمان", "Ἀλέξανδρος Παπαδόπουλος", "習近平", "Nguyễn Thị Minh Khai", "O'Brien, Seán",
    "Juan de la Cruz García y López", "Abdul Rahman Al-Saud", "Ibrahima N'Diaye", "Sergei Mikhailovich Makarov",
    "Çağlar Söyüncü", "Mamadou Jallow", "KOFFI HOUNKPATIN", "Zoë van den Broeck", "Fatoumata Bâ",
)


@lru_cache(maxsize=1)
def parser_fingerprint() -> str:
    """A digest of how this code parses a set of probe names. The store keeps it with each
    list version whose entries it stored parsed (`entry_forms`); a reader whose parser reads
    the probes differently parses the names again instead of trusting the stored forms."""
    forms = [parse_name(p) for p in _PROBES]
    text = repr([(f.text, f.variants) if f else None for f in forms])
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
