"""UN/EDIFACT PAXLST (API passenger and crew lists) to `Manifest`s of `Traveller`s.

Reads D02B and D05B as the WCO/IATA/ICAO API guidelines describe them, and the later
directories (D12B, D13B, D15B...) that keep the same segments:

    UNH  BGM(745 passengers | 250 crew)  RFF  NAD+MS COM      header, reporting party
    TDT  LOC+125/87 (or LOC+92 pairs) DTM+189/232 ...       one TDT group per leg
    NAD+FL|FM|DDT|DDU|COT  ATT  DTM+329  LOC  NAT  RFF       one group per traveller
      DOC  DTM+36  LOC+91 ...                               one group per document
    CNT  UNT

Strict where data would be wrong (a traveller without a name, a flight time that is not a
time, a message of another type) and lenient where real feeds are sloppy (a wrong CNT or UNT
count, an unknown qualifier, a traveller's birth or expiry date that is not a date, left out):
the first raise `InvalidMessage` at the segment, the second become warnings on the manifest.
Neither ever quotes a name, a birth date or a document number. A segment that swallowed the
next one (a lost terminator, or a look-alike of it such as U+2019) is split back apart, with a
warning (`producers.resync`): a NAD run into the segment before it would lose a traveller.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
import datetime as dt

from paxscreen.codec import traveller_event_id
from paxscreen.errors import InvalidMessage
from paxscreen.models import Document, Flight, Leg, Traveller
from producers import cedipax
from producers.cedipax import is_cedipax
from producers.countries import country_code
from producers.dates import Rule, edifact_date, interchange_prepared_at, reference_date
from producers.edifact import Interchange, Message, Segment, read_interchange
from producers.manifest import Manifest, PartBuffer, assemble, part_group_key
from producers.resync import Rules, resync

__all__ = ["Manifest", "PartBuffer", "assemble", "parse_paxlst", "part_group_key"]

PASSENGER_LISTS = frozenset({"745"})
CREW_LISTS = frozenset({"250", "336"})
CREW_PARTIES = frozenset({"FM", "DDT", "COT"})  # crew, crew in transit, crew (other)
REPORTING_PARTIES = frozenset({"MS"})
KNOWN_VERSIONS = frozenset({"D02B", "D05B", "D12B", "D13B", "D14B", "D15B", "D16A", "D19B"})
SEXES = {"M": "M", "F": "F", "U": "U", "X": "U"}
# an IATA (LH, U2, 9W) or ICAO (DLH, BAW) airline designator before the flight's digits
_CARRIER_PREFIX = re.compile(r"([A-Z]{2,3}|[A-Z][0-9]|[0-9][A-Z])(?=[0-9])")
_NUMBER_ONLY = re.compile(r"[0-9]{1,5}[A-Z]?")


@dataclass(slots=True)
class _Context:
    """What every segment handler needs: where we are, the reference date, the warnings."""

    reference: dt.date
    source: str | None
    warnings: list[str] = field(default_factory=list)

    def date(self, seg: Segment, rule: Rule) -> str | None:
        """The DTM's value as ISO, or `InvalidMessage` naming the qualifier and value."""
        qualifier, value, fmt = seg.get(1, 1), seg.get(1, 2), seg.get(1, 3)
        if value is None:
            return None
        try:
            iso = edifact_date(value, fmt, reference=self.reference, rule=rule)
            return iso[:10] if rule == "birth" else iso
        except ValueError as exc:
            raise seg.error(
                f"DTM+{qualifier} value {value!r} is not a date ({exc})", source=self.source
            ) from None

    def traveller_date(self, seg: Segment, rule: Rule, what: str) -> str | None:
        """A traveller's date, as `date`; one that cannot be read is left out with a warning
        that does not show it (a birth date is personal data), and the manifest is read: one
        mistyped date must not keep a flight's other travellers from being screened."""
        try:
            return self.date(seg, rule)
        except InvalidMessage:
            self.warnings.append(
                f"DTM+{seg.get(1, 1)} at segment #{seg.position} (line {seg.line}): {what} is not a date; left out"
            )
            return None


@dataclass(slots=True)
class _Stop:
    qualifier: str
    airport: str | None
    times: dict[str, str] = field(default_factory=dict)  # DTM qualifier -> ISO
    where: str = ""  # "LOC+22 at segment #9 (line 1)", for warnings


@dataclass(slots=True)
class _Transport:
    number: str | None
    carrier: str | None
    stops: list[_Stop] = field(default_factory=list)


@dataclass(slots=True)
class _Doc:
    type: str | None
    number: str | None
    issuing_country: str | None = None
    expiry: str | None = None


@dataclass(slots=True)
class _Person:
    nad: Segment
    qualifier: str
    surname: str | None
    given_names: str | None
    date_of_birth: str | None = None
    sex: str | None = None
    nationality: str | None = None
    residence_country: str | None = None
    birth_place: str | None = None
    embarkation: str | None = None
    debarkation: str | None = None
    clearance: str | None = None  # LOC+22 (crew: place of clearance / first arrival)
    pnr_locator: str | None = None
    seat: str | None = None
    docs: list[_Doc] = field(default_factory=list)


def _location(seg: Segment) -> str | None:
    """LOC C517: the code, else the free-text name (``LOC+180+:::HARTFORD USA``)."""
    return seg.get(2, 1) or seg.get(2, 4)


def _person(seg: Segment, ctx: _Context) -> _Person:
    names = [c for c in seg.components(4)[:5] if c]
    surname = seg.get(4, 1)
    given = " ".join(names[1:] if surname else names) or None
    if surname is None and given is None:
        raise seg.error(
            f"traveller (NAD qualifier {(seg.get(1) or '')[:4]!r}) has no name", source=ctx.source
        )
    return _Person(nad=seg, qualifier=(seg.get(1) or "").upper(), surname=surname, given_names=given)


# The segments of the PAXLST directories (D02B to D22A), service segments and those of the
# directories' other versions: any other tag is not PAXLST (nor a PAXLST an airline may send)
SEGMENT_TAGS = frozenset({
    "UNH", "UNT", "BGM", "RFF", "DTM", "NAD", "CTA", "COM", "TDT", "LOC", "ATT", "GEI", "FTX", "MEA",
    "QTY", "EMP", "NAT", "DOC", "CNT", "CPI", "TSR", "GID", "SEQ", "PDI", "FII", "AUT", "UNS",
})

# The most data elements a segment takes (UN/EDIFACT D05B segment directory), for `resync`;
# None: no limit kept (segments whose layout varies between directories or feeds, free text).
ELEMENT_LIMITS: dict[str, int | None] = {tag: None for tag in SEGMENT_TAGS} | {
    "BGM": 4, "RFF": 1, "DTM": 1, "NAD": 9, "CTA": 2, "LOC": 5, "ATT": 3, "GEI": 3, "MEA": 4,
    "QTY": 1, "EMP": 5, "NAT": 2, "DOC": 5, "CNT": 1, "UNS": 1,
}  # fmt: skip

# For `resync`, besides the limits: the traveller group's segments by the qualifiers read here,
# split off a segment they were glued into within its limit (a NAD+FL lost, a document number
# read as X1234567DTM, a nationality lost in LOC+179+AMSNAT; the reporting party, NAD+MS, is
# no traveller); and the segments they may be glued into so, as the group runs (ATT or a NAD
# into a NAD's name, LOC or NAT into a LOC's place, DTM or LOC into a DOC's number; free text,
# which keeps no limit), each with the fewest elements it then has (a NAD+FL+++NAME alone has four)
RESYNC = Rules(
    ELEMENT_LIMITS,
    leads={
        "NAD": frozenset({"FL", "FM", "DDT", "DDU", "COT"}), "ATT": frozenset({"2"}),
        "DTM": frozenset({"329", "36"}),
        "LOC": frozenset({"174", "178", "179", "22", "180", "91"}), "NAT": frozenset({"2"}),
    },
    hosts={tag: 2 for tag, limit in ELEMENT_LIMITS.items() if limit is None} | {"NAD": 5, "LOC": 3, "DOC": 3},
)


def _traveller_segment(p: _Person, seg: Segment, ctx: _Context) -> None:
    """Read one segment of a traveller group (NAD ... DOC ... ) into ``p``."""
    tag, qualifier = seg.tag, seg.get(1)  # element 1's first component: DTM's, RFF's, DOC's too
    doc = p.docs[-1] if p.docs else None
    if tag == "ATT" and qualifier == "2":
        code = (seg.get(3) or seg.get(2) or "").upper()
        p.sex = SEXES.get(code)
        if code and p.sex is None:
            ctx.warnings.append(
                f"ATT+2 at segment #{seg.position}: sex code {code[:3]!r} is not M, F, U or X"
            )
    elif tag == "DTM":
        if qualifier == "329":
            p.date_of_birth = ctx.traveller_date(seg, "birth", "birth date")
        elif qualifier == "36" and doc is not None:
            doc.expiry = ctx.traveller_date(seg, "nearest", "document expiry")
    elif tag == "LOC":
        where = _location(seg)
        if qualifier == "174":
            p.residence_country = country_code(where)
        elif qualifier == "178":
            p.embarkation = where.upper() if where else None
        elif qualifier == "179":
            p.debarkation = where.upper() if where else None
        elif qualifier == "22":
            p.clearance = where.upper() if where else None
        elif qualifier == "180":
            p.birth_place = where
        elif qualifier == "91" and doc is not None:
            doc.issuing_country = country_code(where)
    elif tag == "NAT":
        p.nationality = country_code(seg.get(2))
    elif tag == "RFF":
        if qualifier == "AVF":
            p.pnr_locator = seg.get(1, 2)
        elif qualifier == "SEA":
            p.seat = seg.get(1, 2)
    elif tag == "DOC":
        p.docs.append(_Doc(type=qualifier.upper() if qualifier else None, number=seg.get(2, 1)))
        if p.docs[-1].number is None:  # kept until its DTM and LOC are read, then left out
            ctx.warnings.append(
                f"DOC at segment #{seg.position} (line {seg.line}) has no document number; left out"
            )


def _legs(transports: list[_Transport]) -> list[Leg]:
    """Legs from TDT groups: a departure (LOC+125, or LOC+92 with DTM+189) opens a leg, an
    arrival (LOC+87, or LOC+92 with DTM+232) closes it, a LOC+92 with both does both, and one
    without times alternates. A TDT without locations is a leg with a number only."""
    legs: list[Leg] = []
    for tr in transports:
        before = len(legs)
        open_stop: _Stop | None = None

        def close(dep: _Stop | None, arr: _Stop | None, tr: _Transport = tr) -> None:
            legs.append(
                Leg(
                    carrier=tr.carrier,
                    number=tr.number,
                    departure_airport=dep.airport if dep else None,
                    arrival_airport=arr.airport if arr else None,
                    departure_time=dep.times.get("189") if dep else None,
                    arrival_time=arr.times.get("232") if arr else None,
                )
            )

        for stop in tr.stops:
            q, times = stop.qualifier, stop.times
            if q not in ("125", "87", "92"):
                continue  # LOC+130 final destination and the like are not legs
            untimed = "189" not in times and "232" not in times
            arrives = q == "87" or (q == "92" and ("232" in times or (untimed and open_stop is not None)))
            departs = q == "125" or (q == "92" and ("189" in times or (untimed and open_stop is None)))
            if arrives:
                close(open_stop, stop)
                open_stop = None
            if departs:
                if open_stop is not None:
                    close(open_stop, None)
                open_stop = stop
        if open_stop is not None:
            close(open_stop, None)
        if len(legs) == before:
            close(None, None)
    return legs


def _timed_stops(transports: list[_Transport], ctx: _Context) -> None:
    """A flight-header LOC of another qualifier followed by a departure or arrival time
    (LOC+22+LHR then DTM+189, as some gateways write the departure) is read as the departure
    (LOC+125) or arrival (LOC+87) its DTM says, with a warning."""
    for tr in transports:
        kinds = {stop.qualifier for stop in tr.stops}
        for stop in tr.stops:
            if stop.qualifier in ("125", "87", "92") or "92" in kinds:
                continue
            if "189" in stop.times and "125" not in kinds:
                kind, qualifier = "departure", "125"
            elif "232" in stop.times and "87" not in kinds:
                kind, qualifier = "arrival", "87"
            else:
                continue
            ctx.warnings.append(
                f"{stop.where}: not a flight's departure or arrival qualifier, but its DTM gives a {kind} "
                f"time; read as the {kind} (LOC+{qualifier})"
            )
            stop.qualifier = qualifier
            kinds.add(qualifier)


def _transport(seg: Segment) -> _Transport:
    number = (seg.get(2) or "").replace(" ", "").upper() or None
    carrier = (seg.get(5) or "").replace(" ", "").upper() or None
    if carrier and number and _NUMBER_ONLY.fullmatch(number):  # TDT+20+123+++UA: the flight is UA123
        number = carrier + number
    if carrier is None and number:
        m = _CARRIER_PREFIX.match(number)
        carrier = m.group(1) if m else None
    return _Transport(number=number, carrier=carrier)


def _list_type(code: str | None, people: list[_Person], ctx: _Context, bgm: Segment | None) -> str:
    if code in PASSENGER_LISTS:
        return "passenger"
    if code in CREW_LISTS:
        return "crew"
    crew = sum(p.qualifier in CREW_PARTIES for p in people)
    guess = "crew" if people and crew * 2 > len(people) else "passenger"
    where = f"BGM code {code!r}" if bgm is not None else "no BGM"
    ctx.warnings.append(f"{where}: not a known passenger or crew list; read as a {guess} list")
    return guess


def _declared_count(seg: Segment, ctx: _Context) -> tuple[str, str] | None:
    """CNT+42:n (passengers) / CNT+41:n (crew): the qualifier and the count as sent."""
    for i, comps in enumerate(seg.elements, start=1):
        qualifier = comps[0].strip() if comps else ""
        value = comps[1].strip() if len(comps) > 1 else None
        if value is None and len(comps) == 1 and i < len(seg.elements) and qualifier in ("41", "42"):
            value = seg.get(i + 1)
            ctx.warnings.append(
                f"CNT at segment #{seg.position} separates count from qualifier with '+', not ':'"
            )
        if qualifier in ("41", "42") and value is not None:
            return qualifier, value
    return None


@dataclass(slots=True)
class _Body:
    """What the segments between UNH and UNT say, before it becomes a `Manifest`."""

    bgm: Segment | None = None
    transports: list[_Transport] = field(default_factory=list)
    people: list[_Person] = field(default_factory=list)
    counted: bool = False
    count: tuple[str, str] | None = None  # CNT qualifier and count as sent
    skipped: list[Segment] = field(default_factory=list)  # segments that are not PAXLST


def _read_body(segments: Sequence[Segment], ctx: _Context) -> _Body:
    """Walk the message: header, TDT groups (legs), NAD groups (travellers), CNT."""
    body = _Body()
    stop: _Stop | None = None
    person: _Person | None = None
    for seg in segments:
        tag = seg.tag
        if tag not in SEGMENT_TAGS:  # its tag may be a name's end, after an apostrophe not released
            body.skipped.append(seg)
            ctx.warnings.append(
                f"segment #{seg.position} (line {seg.line}) is not a PAXLST segment; skipped "
                "(an apostrophe not released with ? in the segment before?)"
            )
        elif tag == "TDT":  # a flight group, wherever it comes, ends any traveller group
            body.transports.append(_transport(seg))
            if body.transports[-1].number is None:
                ctx.warnings.append(f"TDT at segment #{seg.position} (line {seg.line}) has no flight number "
                                    "(element 2): the travellers' flight is named by its route and date only")
            stop, person = None, None
        elif tag == "NAD" and (seg.get(1) or "").upper() not in REPORTING_PARTIES:
            person = _person(seg, ctx)
            body.people.append(person)
        elif tag == "NAD" or tag == "CNT":
            if tag == "CNT":
                body.count = body.count or _declared_count(seg, ctx)
                body.counted = True
            person = None
        elif person is not None:
            _traveller_segment(person, seg, ctx)
        elif tag == "BGM":
            body.bgm = seg
        elif tag == "LOC" and body.transports:
            stop = _Stop(
                qualifier=seg.get(1) or "",
                airport=(_location(seg) or "").upper() or None,
                where=f"LOC+{(seg.get(1) or '')[:4]} at segment #{seg.position} (line {seg.line})",
            )
            body.transports[-1].stops.append(stop)
        elif tag == "DTM" and stop is not None and seg.get(1, 1) in ("189", "232"):
            when = ctx.date(seg, "nearest")
            if when:
                stop.times[seg.get(1, 1) or ""] = when
    return body


def _manifest(
    ic: Interchange, msg: Message, prepared_at: str | None, ctx: _Context, received_at: str | None
) -> Manifest:
    if (msg.type or "").upper() != "PAXLST":
        raise msg.header.error(f"message type {msg.type!r} is not PAXLST", source=ctx.source)
    version = f"{msg.version or ''}{msg.release or ''}".upper() or None
    segments: Sequence[Segment] = msg.segments
    legacy = is_cedipax(msg)
    if legacy:
        segments, notes = cedipax.translate(segments)
        ctx.warnings += notes
    else:
        if version not in KNOWN_VERSIONS:
            ctx.warnings.append(f"PAXLST directory {version!r} not tested; read as D05B")
        segments, split = resync(segments, RESYNC, lookalikes=ic.lookalikes)
        ctx.warnings += split
    body = _read_body(segments, ctx)
    bgm, transports, people = body.bgm, body.transports, body.people
    if body.skipped and not people:  # what it holds may be travellers in a layout not read here
        first = body.skipped[0]
        raise first.error(
            f"no traveller read, and {len(body.skipped)} segment(s) that are not PAXLST, the first "
            f"{first.tag}: not a PAXLST layout this reader knows",
            source=ctx.source,
        )
    if not body.counted and people and not legacy:  # CEDIPAX has no CNT
        ctx.warnings.append("no CNT segment")
    _timed_stops(transports, ctx)
    flight = Flight(legs=tuple(_legs(transports)) or (Leg(None, None, None, None),))
    list_type = _list_type(bgm.get(1) if bgm else None, people, ctx, bgm)
    part: int | None = None
    if msg.sequence is not None:
        if msg.sequence.isascii() and msg.sequence.isdigit():
            part = int(msg.sequence)
        else:
            ctx.warnings.append(f"UNH sequence number {msg.sequence[:8]!r} is not a number")
    if msg.sequence_flag not in (None, "C", "F"):
        ctx.warnings.append(f"UNH sequence flag {msg.sequence_flag[:3]!r} is neither C nor F")
    # UNH S010 flag (code list 0073): C the first part, F the last; a middle part has neither
    final = msg.sequence_flag == "F" or (msg.sequence_flag not in ("C", "F") and part in (None, 1))
    lone = part is None or (part == 1 and final)
    if not transports and lone:  # a part of a longer message may take its flight from a sibling
        ctx.warnings.append(f"message {msg.ref!r} has no flight details (TDT)")
    declared: int | None = None
    if body.count is not None:
        qualifier, value = body.count
        declared = int(value) if value.isascii() and value.isdigit() and len(value) <= 6 else None
        if (lone or declared is None) and declared != len(people):  # a part's: checked once assembled
            ctx.warnings.append(f"CNT+{qualifier} says {value[:12]!r} travellers, message has {len(people)}")
    sender = ic.sender or (msg.group.sender if msg.group else None)
    travellers = tuple(_traveller(p, flight, list_type, msg, sender, received_at) for p in people)
    return Manifest(
        message_ref=msg.ref,
        sender=sender,
        list_type=list_type,
        flight=flight,
        part_number=part,
        final_part=final,
        sequence_flag=msg.sequence_flag,
        common_ref=msg.common_ref,
        prepared_at=prepared_at,
        travellers=travellers,
        declared_count=declared,
        warnings=tuple(dict.fromkeys([*ic.warnings, *msg.warnings, *ctx.warnings])),
        version=version,
        interchange_ref=ic.control_ref,
    )


def _traveller(
    p: _Person, flight: Flight, list_type: str, msg: Message, sender: str | None, received_at: str | None
) -> Traveller:
    role = "crew" if list_type == "crew" or p.qualifier in CREW_PARTIES else "passenger"
    documents = tuple(
        Document(number=d.number, type=d.type, issuing_country=d.issuing_country, expiry=d.expiry)
        for d in p.docs
        if d.number is not None
    )
    return Traveller(
        event_id=traveller_event_id(
            flight,
            role=role,
            surname=p.surname,
            given_names=p.given_names,
            date_of_birth=p.date_of_birth,
            sex=p.sex,
            document_number=documents[0].number if documents else None,
        ),
        flight=flight,
        role=role,
        surname=p.surname,
        given_names=p.given_names,
        date_of_birth=p.date_of_birth,
        sex=p.sex,
        nationality=p.nationality,
        residence_country=p.residence_country,
        birth_place=p.birth_place,
        documents=documents,
        embarkation=p.embarkation,
        debarkation=p.debarkation or p.clearance,
        pnr_locator=p.pnr_locator,
        seat=p.seat,
        source="paxlst",
        message_ref=msg.ref,
        sender=sender,
        received_at=received_at,
    )


def parse_paxlst(
    data: bytes | str, *, source: str | None = None, received_at: str | None = None
) -> list[Manifest]:
    """Read a PAXLST interchange: one `Manifest` per UNH message, in order.

    ``source`` (a file name, a topic/partition/offset) is carried into errors;
    ``received_at`` (UTC ISO) is stamped on every traveller and, when UNB has no date, is the
    reference for two-digit years (failing both: today). Multi-part messages come back as
    parts: pass them to `assemble` or a `PartBuffer`. Raises `InvalidMessage`.
    """
    ic = read_interchange(data, source=source)
    envelope_warnings: list[str] = []
    prepared_at = interchange_prepared_at(ic.date, ic.time, received_at, envelope_warnings)
    reference = reference_date(prepared_at, received_at)
    manifests = []
    for msg in ic.messages:
        ctx = _Context(reference=reference, source=source, warnings=list(envelope_warnings))
        manifests.append(_manifest(ic, msg, prepared_at, ctx, received_at))
    return manifests
