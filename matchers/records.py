"""The small view of a person or document that every feature reads: a `Record`.

Travellers (airline data) and watchlist entries (FollowTheMoney) look different; features
should not care. `record_of` turns a `Traveller`, a `WatchEntry` (or a `Record`) into the same
shape: parsed names, birth dates as given (partial dates allowed), alpha-3 countries, sexes,
normalised document numbers. Missing or malformed fields never raise; they are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from matchers.documents import normalize_country, normalize_number
from matchers.names import NameForm, parse_name, parse_parts
from paxscreen.models import Traveller, WatchEntry

__all__ = ["DocRef", "Record", "record_of"]


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


def record_of(obj: Traveller | WatchEntry | Record) -> Record:
    """The `Record` view of a traveller, a watchlist entry, or a record (returned as is)."""
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
        names: list[NameForm] = []
        for text in obj.names:
            form = parse_name(text)
            if form and form not in names:
                names.append(form)
        return Record(
            id=obj.id,
            schema="Document" if obj.schema == "Document" else "Person",
            names=tuple(names),
            birth_dates=tuple(d for d in obj.birth_dates if d),
            nationalities=_countries(obj.nationalities),
            sexes=tuple(dict.fromkeys(s for s in map(_sex, obj.genders) if s)),
            documents=_docs((d.number, d.country, d.type) for d in obj.documents),
        )
    raise TypeError(f"cannot compare a {type(obj).__name__!r}")
