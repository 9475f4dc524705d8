"""What the watchlist store hands out and keeps: load reports, candidates, and the compact
encoding of a `WatchEntry` in Redis (an orjson array, trailing empty fields dropped)."""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from paxscreen.models import WatchDocument, WatchEntry

__all__ = ["Candidate", "LoadReport", "decode_entry", "encode_entry"]


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


def encode_entry(e: WatchEntry) -> bytes:
    """An entry as a compact orjson array (trailing empty fields dropped)."""
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
    while row and not row[-1]:
        row.pop()
    return orjson.dumps(row)


def decode_entry(data: bytes | str) -> WatchEntry:
    """The entry `encode_entry` wrote."""
    row = orjson.loads(data)
    row += [None] * (10 - len(row))
    return WatchEntry(
        id=row[0],
        schema=row[1] or "Person",
        names=tuple(row[2] or ()),
        birth_dates=tuple(row[3] or ()),
        nationalities=tuple(row[4] or ()),
        genders=tuple(row[5] or ()),
        documents=tuple(WatchDocument(*d) for d in row[6] or ()),
        dataset=row[7],
        topics=tuple(row[8] or ()),
        reason=row[9],
    )
