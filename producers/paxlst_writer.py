"""Writing PAXLST D05B interchanges: for airline simulators, load generators, benchmarks and
round-trip tests. The inverse of `producers.paxlst` for the fields paxscreen reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from paxscreen.models import Flight, Traveller

SEP_COMPONENT, SEP_ELEMENT, RELEASE, SEP_SEGMENT = ":", "+", "?", "'"


def escape(value: str | None) -> str:
    """Release the service characters (``'`` ``+`` ``:`` ``?``) inside a value."""
    if not value:
        return ""
    out = []
    for ch in value:
        if ch in (SEP_COMPONENT, SEP_ELEMENT, RELEASE, SEP_SEGMENT):
            out.append(RELEASE)
        out.append(ch)
    return "".join(out)


def _yymmdd(iso_date: str | None) -> str:
    return f"{iso_date[2:4]}{iso_date[5:7]}{iso_date[8:10]}" if iso_date and len(iso_date) >= 10 else ""


def _stamp(iso_time: str | None) -> str:
    """``2026-12-01T15:40`` -> ``2612011540`` (format 201)."""
    if not iso_time or len(iso_time) < 16:
        return ""
    return _yymmdd(iso_time) + iso_time[11:13] + iso_time[14:16]


@dataclass(frozen=True, slots=True)
class Envelope:
    sender: str = "SIMAIR"
    recipient: str = "PAXSCREEN"
    prepared: str = "2026-12-01T06:00"
    reference: str = "1"
    part: int | None = None  # UNH sequence number for multi-part messages
    final: bool = True
    common_ref: str | None = None


def write_paxlst(flight: Flight, travellers: Sequence[Traveller], envelope: Envelope = Envelope()) -> bytes:
    """One interchange with one PAXLST message listing ``travellers`` on ``flight``."""
    e = envelope
    segs: list[str] = []
    prep = _stamp(e.prepared)
    segs.append(
        f"UNB+UNOA:4+{escape(e.sender)}+{escape(e.recipient)}+{prep[:6]}:{prep[6:]}+{escape(e.reference)}"
    )
    segs.append(
        f"UNG+PAXLST+{escape(e.sender)}+{escape(e.recipient)}+{prep[:6]}:{prep[6:]}+{escape(e.reference)}+UN+D:05B"
    )
    unh = f"UNH+{escape(e.reference)}+PAXLST:D:05B:UN:IATA"
    if e.part is not None:
        unh += f"+{escape(e.common_ref or e.reference)}+{e.part:02d}:{'F' if e.final else 'C'}"
    body_start = len(segs)
    segs.append(unh)
    segs.append("BGM+745" if all(t.role != "crew" for t in travellers) else "BGM+250")
    segs.append("NAD+MS+++PAXSCREEN SIMULATOR")
    for leg in flight.legs:
        segs.append(f"TDT+20+{escape(leg.number)}+++{escape(leg.carrier)}")
        segs.append(f"LOC+125+{escape(leg.departure_airport)}")
        if leg.departure_time:
            segs.append(f"DTM+189:{_stamp(leg.departure_time)}:201")
        segs.append(f"LOC+87+{escape(leg.arrival_airport)}")
        if leg.arrival_time:
            segs.append(f"DTM+232:{_stamp(leg.arrival_time)}:201")
    for t in travellers:
        given = [escape(g) for g in (t.given_names or "").split()]
        name = ":".join([escape(t.surname), *given])
        segs.append(f"NAD+{'FM' if t.role == 'crew' else 'FL'}+++{name}")
        if t.sex:
            segs.append(f"ATT+2++{escape(t.sex)}")
        if t.date_of_birth:
            segs.append(f"DTM+329:{_yymmdd(t.date_of_birth)}")
        if t.embarkation:
            segs.append(f"LOC+178+{escape(t.embarkation)}")
        if t.debarkation:
            segs.append(f"LOC+179+{escape(t.debarkation)}")
        if t.nationality:
            segs.append(f"NAT+2+{escape(t.nationality)}")
        if t.pnr_locator:
            segs.append(f"RFF+AVF:{escape(t.pnr_locator)}")
        if t.seat:
            segs.append(f"RFF+SEA:{escape(t.seat)}")
        for d in t.documents:
            if not d.number:
                continue
            segs.append(f"DOC+{escape(d.type or 'P')}+{escape(d.number)}")
            if d.expiry:
                segs.append(f"DTM+36:{_yymmdd(d.expiry)}")
            if d.issuing_country:
                segs.append(f"LOC+91+{escape(d.issuing_country)}")
    segs.append(f"CNT+42:{len(travellers)}")
    segs.append(f"UNT+{len(segs) - body_start + 1}+{escape(e.reference)}")
    segs.append(f"UNE+1+{escape(e.reference)}")
    segs.append(f"UNZ+1+{escape(e.reference)}")
    return ("UNA:+.? '" + "".join(s + SEP_SEGMENT + "\n" for s in segs)).encode("utf-8")
