"""What the watchlist store hands out and keeps: load reports, candidates, and the compact
encoding of a `WatchEntry` in Redis (an orjson array, trailing empty fields dropped)."""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from matchers.names import NameForm
from paxscreen.models import WatchDocument, WatchEntry

__all__ = ["ActiveVersion", "Candidate", "LoadReport", "decode_entry", "decode_entry_forms", "encode_entry"]

_FIELDS = 10  # of a WatchEntry; the parsed names, when stored, come after them


@dataclass(frozen=True, slots=True)
class ActiveVersion:
    """A list's active version, as its pointer says: the version, its key tag, its entry
    buckets, and the rest of the version's metadata (what the load wrote)."""

    list_name: str
    version: str
    tag: str
    buckets: int
    meta: dict

    @classmethod
    def parse(cls, name: str, raw: bytes) -> ActiveVersion:
        m = orjson.loads(raw)
        return cls(name, m["version"], m["tag"], int(m["buckets"]), m)


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What a load did. ``unchanged``: the content was already the active version."""

    list_name: str
    version: str
    persons: int
    documents: int
    document_numbers: int
    seconds: float
    name_keys: int = 0
    unchanged: bool = False


@dataclass(frozen=True, slots=True)
class Candidate:
    """A watchlist entry a traveller's keys led to, with where it came from and why."""

    entry: WatchEntry
    list_name: str | None = None
    version: str | None = None
    shared_keys: int = 0
    document_hit: bool = False
    forms: tuple[NameForm, ...] | None = None  # the entry's names as parsed at load, if stored


def encode_entry(e: WatchEntry, forms: tuple[NameForm, ...] | None = None) -> bytes:
    """An entry as a compact orjson array (trailing empty fields dropped); with ``forms`` (its
    `records.entry_forms`), those too, as ``[index of the name in e.names, variants]`` pairs,
    so that readers need not parse the names again."""
    row = [
        e.id,
        e.schema,
        list(e.names),
        list(e.birth_dates),
        list(e.nationalities),
        list(e.genders),
        [[d.number, d.country, d.type] for d in e.documents],
        e.dataset,
        list(e.topics),
        e.reason,
    ]
    if forms is not None:
        stripped = [t.strip() for t in e.names]
        row.append([[stripped.index(f.text), f.variants] for f in forms])
    else:
        while row and not row[-1]:
            row.pop()
    return orjson.dumps(row)


def decode_entry(data: bytes | str | list) -> WatchEntry:
    """The entry `encode_entry` wrote (or its row, read by orjson as part of a larger value)."""
    return decode_entry_forms(data)[0]


def decode_entry_forms(data: bytes | str | list) -> tuple[WatchEntry, tuple[NameForm, ...] | None]:
    """The entry `encode_entry` wrote (or its row, read), and its parsed names when they were
    stored."""
    row = list(data) if isinstance(data, list) else orjson.loads(data)
    row += [None] * (_FIELDS - len(row))
    names = tuple(row[2] or ())
    forms = None
    if len(row) > _FIELDS:
        forms = tuple(NameForm(names[i].strip(), tuple(map(tuple, variants))) for i, variants in row[_FIELDS])
    return WatchEntry(
        id=row[0],
        schema=row[1] or "Person",
        names=names,
        birth_dates=tuple(row[3] or ()),
        nationalities=tuple(row[4] or ()),
        genders=tuple(row[5] or ()),
        documents=tuple(WatchDocument(*d) for d in row[6] or ()),
        dataset=row[7],
        topics=tuple(row[8] or ()),
        reason=row[9],
    ), forms
