"""One entry point from airline bytes to events, whatever the format.

`read_message` is what the worker's ingest agent and `paxscreen screen` call (the worker gets
it injected by the command line, so streams/ never imports producers/). It raises
`InvalidMessage` for anything it cannot read; callers dead-letter or report it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from paxscreen.booking import Booking
from paxscreen.errors import InvalidMessage
from paxscreen.models import Traveller
from producers.edifact import sniff
from producers.paxlst import Manifest, assemble, parse_paxlst
from producers.pnrgov import booking_travellers, parse_pnrgov


@dataclass(frozen=True, slots=True)
class Decoded:
    """What one airline message holds: its format, the travellers to screen, and (PNRGOV)
    the bookings themselves."""

    format: str
    travellers: list[Traveller]
    bookings: list[Booking]


def read_message(data: bytes, *, source: str | None = None, received_at: str | None = None) -> Decoded:
    """Read one airline message (an EDIFACT interchange, PAXLST or PNRGOV)."""
    if not data or not data.strip():
        raise InvalidMessage("empty message", source=source)
    kind = sniff(data)
    if kind == "paxlst":
        manifests = parse_paxlst(data, source=source, received_at=received_at)
        return Decoded(kind, [t for m in manifests for t in m.travellers], [])
    if kind == "pnrgov":
        bookings = parse_pnrgov(data, source=source, received_at=received_at)
        return Decoded(kind, [t for b in bookings for t in booking_travellers(b)], bookings)
    raise InvalidMessage("neither PAXLST nor PNRGOV (no UNH segment naming either)", source=source)


@dataclass
class Batch:
    """Everything read from a set of files (``paxscreen parse`` / ``screen``)."""

    travellers: list[Traveller]
    bookings: list[Booking]
    errors: list[InvalidMessage]
    warnings: list[str]


def read_files(blobs: Iterable[tuple[str, bytes]], *, received_at: str | None = None) -> Batch:
    """Batch reading: every PAXLST part of every file is reassembled per flight before
    travellers are taken; PNRGOV bookings are read message by message."""
    manifests: list[Manifest] = []
    out = Batch([], [], [], [])
    for source, data in blobs:
        try:
            if sniff(data) == "paxlst":
                manifests.extend(parse_paxlst(data, source=source, received_at=received_at))
            else:
                decoded = read_message(data, source=source, received_at=received_at)
                out.travellers.extend(decoded.travellers)
                out.bookings.extend(decoded.bookings)
        except InvalidMessage as exc:
            if exc.source is None:
                exc.source = source
            out.errors.append(exc)
    for m in assemble(manifests):
        out.travellers.extend(m.travellers)
        out.warnings.extend(m.warnings)
    return out
