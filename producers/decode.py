"""One entry point from airline bytes to events, whatever the format.

`read_message` is what the worker's ingest agent and `paxscreen screen` call (the worker gets
it injected by the command line, so streams/ never imports producers/). It raises
`InvalidMessage` for anything it cannot read; callers dead-letter or report it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from paxscreen.booking import Booking
from paxscreen.errors import InvalidMessage
from paxscreen.models import Traveller
from producers.edifact import sniff
from producers.manifest import has_flight, is_multipart, may_lead_parts, part_group_key
from producers.paxlst import Manifest, assemble, parse_paxlst
from producers.pnrgov import booking_travellers, parse_pnrgov


@dataclass(frozen=True, slots=True)
class Decoded:
    """What one airline message holds: its format, the travellers to screen, and (PNRGOV)
    the bookings themselves."""

    format: str
    travellers: list[Traveller]
    bookings: list[Booking]
    # Multi-part PAXLST: the group key of every part this message is (so a streaming reader
    # keeps the raw parts together), and the groups still without flight details (their
    # travellers are held back until a sibling part brings the TDT/LOC header).
    part_groups: tuple[str, ...] = ()
    pending_groups: tuple[str, ...] = ()
    # What was sloppy but read (`Manifest.warnings`, `Booking.warnings`); texts hold no name.
    warnings: tuple[str, ...] = ()


def read_message(data: bytes, *, source: str | None = None, received_at: str | None = None) -> Decoded:
    """Read one airline message (an EDIFACT interchange, PAXLST or PNRGOV)."""
    if not data or not data.strip():
        raise InvalidMessage("empty message", source=source)
    kind = sniff(data)
    if kind == "paxlst":
        return _from_manifests(parse_paxlst(data, source=source, received_at=received_at))
    if kind == "pnrgov":
        bookings = parse_pnrgov(data, source=source, received_at=received_at)
        warnings = tuple(dict.fromkeys(w for b in bookings for w in b.warnings))  # a message's: once
        return Decoded(kind, [t for b in bookings for t in booking_travellers(b)], bookings, warnings=warnings)
    raise InvalidMessage("neither PAXLST nor PNRGOV (no UNH segment naming either)", source=source)


def _from_manifests(manifests: list[Manifest]) -> Decoded:
    ready: list[Traveller] = []
    groups: list[str] = []
    pending: list[str] = []
    for m in manifests:
        if is_multipart(m):
            key = part_group_key(m)
            groups.append(key)
            if not has_flight(m.flight):
                pending.append(key)
                continue
        elif may_lead_parts(m):  # whole, so screened now; kept in case parts after it come
            groups.append(part_group_key(m))
        ready.extend(m.travellers)
    warnings = tuple(w for m in manifests for w in m.warnings)
    return Decoded("paxlst", ready, [], tuple(dict.fromkeys(groups)), tuple(dict.fromkeys(pending)), warnings)


def read_parts(parts: Iterable[bytes], *, received_at: str | None = None) -> Decoded:
    """The parts of one multi-part PAXLST, in any order, reassembled: parts without flight
    details inherit the flight of a sibling that has them. Groups that still have no flight
    details are reported in ``pending_groups`` and their travellers left out. A part ``01``
    sent without flag that no sibling joined is a whole message: ready, with or without a
    flight, as `read_message` reads it."""
    manifests: list[Manifest] = []
    for data in parts:
        manifests.extend(parse_paxlst(data, received_at=received_at))
    groups = tuple(dict.fromkeys(
        part_group_key(m) for m in manifests if is_multipart(m) or may_lead_parts(m)
    ))
    whole = {id(m) for m in manifests}  # what `assemble` passes through as it came
    ready: list[Traveller] = []
    pending: list[str] = []
    for m in assemble(manifests):
        if has_flight(m.flight) or id(m) in whole:  # a whole message waits for no sibling
            ready.extend(m.travellers)
        else:
            pending.append(part_group_key(m))
    return Decoded("paxlst", ready, [], groups, tuple(dict.fromkeys(pending)))


@dataclass
class Batch:
    """Everything read from a set of files (``paxscreen parse`` / ``screen``)."""

    travellers: list[Traveller]
    bookings: list[Booking]
    errors: list[InvalidMessage]
    warnings: list[str]


def read_files(blobs: Iterable[tuple[str, bytes]], *, received_at: str | None = None) -> Batch:
    """Batch reading: every PAXLST part of every file is reassembled per flight before
    travellers are taken; PNRGOV bookings are read message by message. Each warning starts
    with its file (the segment and line follow where the parser knows them), but those of a
    multi-part message as a whole, which name the message."""
    manifests: list[Manifest] = []
    out = Batch([], [], [], [])
    for source, data in blobs:
        try:
            if sniff(data) == "paxlst":
                manifests.extend(replace(m, warnings=_from(source, m.warnings))
                                 for m in parse_paxlst(data, source=source, received_at=received_at))
            else:
                decoded = read_message(data, source=source, received_at=received_at)
                out.travellers.extend(decoded.travellers)
                out.bookings.extend(decoded.bookings)
                out.warnings.extend(_from(source, decoded.warnings))
        except InvalidMessage as exc:
            if exc.source is None:
                exc.source = source
            out.errors.append(exc)
    for m in assemble(manifests):
        out.travellers.extend(m.travellers)
        out.warnings.extend(m.warnings)
    return out


def _from(source: str, warnings: Iterable[str]) -> tuple[str, ...]:
    return tuple(f"{source}: {w}" for w in warnings)
