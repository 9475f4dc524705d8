"""UN/EDIFACT PNRGOV (PNR data pushed to States, IATA versions 10.1 to 17.1+) to `Booking`s.

The message, as the IATA implementation guide nests it::

    UNH  MSG(:22 full | :141 change)  ORG  TVL (the pushed flight)  EQN (PNRs in the push)
    SRC ...                              one group per PNR, read by `producers.pnrgov_pnr`
    UNT

Strict where data would be wrong: a message that is not PNRGOV, no SRC (unless EQN says the
push is empty), a PNR without RCI, a traveller or locator before the first SRC, a traveller
without a name, a truncated message: each raises `InvalidMessage` at the segment. Lenient
where feeds are sloppy: a wrong UNT count, unknown segments, segments out of their group, a
lost terminator (``RPI+1+HKIFT+...``, ``...+9TIF+KIM...``) or a look-alike one (``’`` before a
known tag: both split there by `producers.resync`), a TVL, DAT, RCI or SSR DOCS date that is not a date
(left out), unreadable amounts become warnings on the booking; a PNR whose pushed flight has
no readable departure date keeps its booking but its travellers are not screened (a warning
says so), and the push's other PNRs are. Neither quotes personal data.

`booking_travellers` turns a booking into the `Traveller` events the matchers screen, with the
same ``event_id`` a PAXLST for the same flight gives when names, birth date, sex and document agree.
"""

from __future__ import annotations

from dataclasses import replace

from paxscreen.booking import Booking
from producers import pnrgov_segments as rd
from producers.dates import interchange_prepared_at, reference_date
from producers.edifact import Message, Segment, read_interchange
from producers.pnrgov_pnr import KNOWN_TAGS, Envelope, Header, PnrReader
from producers.pnrgov_travellers import booking_travellers, screened_flights
from producers.resync import Rules, resync

__all__ = ["booking_travellers", "parse_pnrgov"]

# Segments that would lose a traveller, a locator or a payment if read outside any PNR.
PNR_ONLY = frozenset({"RCI", "TIF", "SSR", "TKT", "FOP", "TBD", "SSD", "TRI", "ABI", "SAC"})
# The most data elements a segment takes (IATA PNRGOV guide), for `resync`; None: no limit kept
ELEMENT_LIMITS = {tag: None for tag in KNOWN_TAGS} | {"SRC": 0, "RPI": 2, "MSG": 2, "DAT": 5, "ORG": 9}
RESYNC = Rules(ELEMENT_LIMITS)


def _version(msg: Message, warnings: list[str]) -> str | None:
    parts = [p for p in (msg.version, msg.release) if p]
    version = ".".join(parts) or None
    major = rd.number(msg.version, 3)
    if major is None or not 10 <= major <= 99:
        warnings.append(f"PNRGOV version {version!r} not known; read as 11.1")
    return version


def _header(msg: Message, ctx: rd.Context, lookalikes: bool) -> tuple[Header, list[list[Segment]]]:
    header = Header(version=_version(msg, ctx.warnings))
    groups: list[list[Segment]] = []
    segments, split = resync(msg.segments, RESYNC, lookalikes=lookalikes)
    ctx.warnings += split
    for seg in segments:
        if seg.tag == "SRC":
            groups.append([seg])
        elif groups:
            groups[-1].append(seg)
        elif seg.tag == "MSG" and header.push_code is None:
            header.push_code = seg.get(1, 2) or seg.get(1, 1)
        elif seg.tag == "TVL" and header.flight is None:
            header.flight = rd.read_tvl(seg, ctx)
        elif seg.tag == "EQN" and header.pnrs is None:
            header.pnrs = rd.number(seg.get(1, 1))
        elif seg.tag in PNR_ONLY:
            raise seg.error(f"{seg.tag} before the first SRC belongs to no PNR", source=ctx.source)
        elif seg.tag not in KNOWN_TAGS:
            ctx.warnings.append(
                f"segment #{seg.position} (line {seg.line}) is not a PNRGOV segment; skipped"
            )
    return header, groups


def parse_pnrgov(
    data: bytes | str, *, source: str | None = None, received_at: str | None = None
) -> list[Booking]:
    """Read a PNRGOV interchange: one `Booking` per PNR (SRC group), message by message.

    ``source`` (a file name, a topic/partition/offset) is carried into errors; ``received_at``
    (UTC ISO) is stamped on every booking and, when UNB has no date, is the reference for
    two-digit years (failing both: today). Raises `InvalidMessage`.
    """
    ic = read_interchange(data, source=source)
    envelope: list[str] = list(ic.warnings)
    prepared_at = interchange_prepared_at(ic.date, ic.time, received_at, envelope)
    reference = reference_date(prepared_at, received_at)
    decimal = ic.chars.decimal if ic.chars.decimal not in (ic.chars.component, ic.chars.element) else "."
    bookings: list[Booking] = []
    for msg in ic.messages:
        if (msg.type or "").upper() != "PNRGOV":
            raise msg.header.error(f"message type {msg.type!r} is not PNRGOV", source=source)
        mctx = rd.Context(reference, source, decimal)
        header, groups = _header(msg, mctx, ic.lookalikes)
        if not groups:
            if header.pnrs == 0:
                continue  # EQN+0: a flight without PNRs, nothing to read
            raise msg.trailer.error(f"message {msg.ref!r} has no PNR (no SRC segment)", source=source)
        env = Envelope(
            sender=ic.sender or (msg.group.sender if msg.group else None),
            control_ref=ic.control_ref,
            prepared_at=prepared_at,
            received_at=received_at,
            warnings=[*envelope, *msg.warnings, *mctx.warnings],
        )
        for index, group in enumerate(groups):
            pnr = PnrReader(group[0], header, rd.Context(reference, source, decimal))
            for seg in group[1:]:
                pnr.feed(seg)
            booking = pnr.booking(index, msg, env)
            _, unscreened = screened_flights(booking)
            if unscreened:
                booking = replace(booking, warnings=(*booking.warnings, *unscreened))
            bookings.append(booking)
    return bookings
