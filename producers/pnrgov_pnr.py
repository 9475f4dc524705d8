"""One PNR of a PNRGOV message (an SRC group) to a `Booking`, by a small state machine.

Inside a PNR, the IATA guide nests::

    SRC
      RCI SSR DAT IFT ORG ADD EBD                            locators, dates, booking office
      TIF FTI IFT REF EBD FAR SSR(DOCS DOCO DOCA) ADD       one group per traveller
        TKT MON PTK TXD DAT IFT / FOP IFT ADD               tickets and payments
      TVL TRA RPI APD SSR(SEAT) RCI IFT                     one group per itinerary flight
        DAT ORG / TRI TIF SSD TBD                           check-in: seats and bags
      EQN RCI                                               split PNRs
      MSG TVL                                               hotel, car, rail
      ABI DAT / SAC TIF SSR IFT TBD TVL RPI                 history
      LTS

TIF, TVL, SSR, DAT, IFT and RCI mean different things in different groups (a TIF is a new
traveller, a checked-in traveller or a name change in the history), so `PnrReader` keeps the
group it is in as its ``state`` and reads each segment by tag and state. Segments out of their
group are read where they make sense, unknown ones are skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from paxscreen.booking import (
    Bag,
    Booking,
    BookingTraveller,
    Contact,
    FlightSegment,
    FrequentFlyer,
    HistoryItem,
    Locator,
    NonAirSegment,
    Office,
    Payment,
    Seat,
    Split,
    Ticket,
)
from paxscreen.codec import stable_id
from paxscreen.models import Document
from producers import pnrgov_segments as rd
from producers.edifact import Message, Segment

__all__ = ["KNOWN_TAGS", "Envelope", "Header", "PnrReader"]

PUSH_TYPES = {"22": "full", "141": "change"}
ACTIONS = {"A": "added", "X": "cancelled"}
# fmt: off
KNOWN_TAGS = frozenset({  # the PNRGOV segments inside a PNR; others are skipped
    "ABI", "ADD", "APD", "DAT", "EBD", "EQN", "FAR", "FOP", "FTI", "IFT", "LTS", "MON", "MSG", "ORG", "PTK",
    "RCI", "REF", "RPI", "SAC", "SRC", "SSD", "SSR", "TBD", "TIF", "TKT", "TRA", "TRI", "TVL", "TXD",
})
# fmt: on
TRAVELLER_STATES = frozenset({"traveller", "ticket", "fop"})
FLIGHT_STATES = frozenset({"flight", "checkin", "tri"})
HISTORY_STATES = frozenset({"history", "sac"})


@dataclass(slots=True)
class Header:
    """What the message says before the first SRC, shared by its PNRs."""

    push_code: str | None = None
    flight: FlightSegment | None = None
    pnrs: int | None = None
    version: str | None = None


@dataclass(frozen=True, slots=True)
class Envelope:
    """What every booking of a message carries from the interchange and message envelope."""

    sender: str | None
    control_ref: str | None
    prepared_at: str | None
    received_at: str | None
    warnings: list[str]


@dataclass(slots=True)
class _Person:
    seg: Segment
    reference: str | None
    surname: str | None
    given: str | None
    kind: str | None
    docs: rd.Docs | None = None
    documents: list[Document] = field(default_factory=list)
    flyers: list[FrequentFlyer] = field(default_factory=list)
    infant_of: str | None = None


class PnrReader:
    """Reads the segments of one SRC group, in order, into the parts of a `Booking`."""

    def __init__(self, src: Segment, header: Header, ctx: rd.Context) -> None:
        self.src, self.header, self.ctx = src, header, ctx
        self.state = "pnr"
        self.locators: list[Locator] = []
        self.people: list[_Person] = []
        self.pending_docs: list[tuple[str, rd.Docs]] = []
        self.pending: list[tuple[str, str, Callable[[_Person], None]]] = []  # other SSRs, by reference
        self.itinerary: list[FlightSegment] = []
        self.non_air: list[NonAirSegment] = []
        self.office: Office | None = None
        self.dates: list[str] = []
        self.last_modified: str | None = None
        self.ticketed: list[str] = []
        self.tickets: list[Ticket] = []
        self.payments: list[Payment] = []
        self.bags: list[Bag] = []
        self.seats: list[Seat] = []
        self.contacts: list[Contact] = []
        self.splits: list[Split] = []
        self.history: list[HistoryItem] = []
        self.current: _Person | None = None  # the traveller whose group is being read
        self.tri_ref: str | None = None
        self.non_air_kind: str | None = None
        self.when: str | None = None  # history: the current ABI's time and author
        self.who: str | None = None
        self.action: str | None = None
        self.last_tag: str | None = None  # the segment read before this one

    # --- helpers --------------------------------------------------------------------------------

    @property
    def person(self) -> _Person | None:
        return self.current if self.state in TRAVELLER_STATES else None

    @property
    def ref(self) -> str | None:
        return self.person.reference if self.person else None

    @property
    def leg(self) -> FlightSegment | None:
        return self.itinerary[-1] if self.itinerary and self.state in FLIGHT_STATES else None

    def find(self, ref: str | None) -> _Person | None:
        return next((p for p in self.people if ref and p.reference == ref), None)

    def remember(self, kind: str, segment: FlightSegment | None = None, text: str | None = None) -> None:
        code = self.action
        self.history.append(
            HistoryItem(code, ACTIONS.get(code or "", code), self.when, self.who, kind, segment, text)
        )

    # --- segments -------------------------------------------------------------------------------

    def feed(self, seg: Segment) -> None:
        """Read one segment: tag ``XYZ`` is read by ``_xyz``; tags not in `KNOWN_TAGS` are skipped
        with a warning."""
        handler = getattr(self, f"_{seg.tag.lower()}", None)
        if seg.tag not in KNOWN_TAGS:
            self.ctx.warnings.append(
                f"segment #{seg.position} (line {seg.line}) is not a PNRGOV segment; skipped"
            )
        elif handler is not None:
            handler(seg)
        self.last_tag = seg.tag

    def _rci(self, seg: Segment) -> None:
        found = rd.read_rci(seg, self.ctx)
        if self.state == "split" and self.splits:
            last = self.splits[-1]
            self.splits[-1] = replace(last, locators=last.locators + tuple(found))
        elif self.state not in HISTORY_STATES:
            known = {(loc.company, loc.code) for loc in self.locators}
            self.locators += [loc for loc in found if (loc.company, loc.code) not in known]

    def _dat(self, seg: Segment) -> None:
        found = rd.read_dat(seg, self.ctx)
        if self.state in HISTORY_STATES:
            if found and self.when is None:
                self.when = found[0][1]
            return
        if self.state in FLIGHT_STATES:
            self.state = "checkin"  # DAT + ORG + TRI: check-in details of the flight above
            return
        for qualifier, when in found:
            self.dates.append(when)
            if qualifier == "700":
                self.last_modified = max(self.last_modified or when, when)
            elif qualifier == "710":
                self.ticketed.append(when)
                if self.state == "ticket" and self.tickets and self.tickets[-1].issued_at is None:
                    self.tickets[-1] = replace(self.tickets[-1], issued_at=when)

    def _org(self, seg: Segment) -> None:
        if self.state not in FLIGHT_STATES and self.office is None:
            self.office = rd.read_org(seg)

    def _add(self, seg: Segment) -> None:
        self.contacts += rd.read_add(seg, self.ref)

    def _ift(self, seg: Segment) -> None:
        contact = rd.read_ift(seg, self.ref)
        if contact is None:
            return
        if self.state in HISTORY_STATES:
            self.remember("text", text=contact.value)
        else:
            self.contacts.append(contact)

    def _ebd(self, seg: Segment) -> None:
        bag = rd.read_ebd(seg, self.ref)
        if bag is not None:
            self.bags.append(bag)

    def _tif(self, seg: Segment) -> None:
        surname, given = (seg.get(1, 1) or "").upper() or None, (seg.get(2, 1) or "").upper() or None
        ref, kind = seg.get(2, 3), (seg.get(2, 2) or "").upper() or None
        if self.state in HISTORY_STATES:
            self.remember("traveller", text="/".join(n for n in (surname, given) if n) or None)
            return
        if self.state in ("checkin", "tri"):
            known = self.find(ref) or next(
                (p for p in self.people if (p.surname, p.given) == (surname, given)), None
            )
            if known is not None:
                self.state, self.tri_ref = "tri", known.reference
            return
        if given is None and (seg.get(1, 2) or "").upper() == "G":  # TIF+SEETHE WORLD:G
            self.ctx.warn(seg, "a group's name (qualifier G) without individual names; not a traveller")
            return
        if self.state not in TRAVELLER_STATES and self.state != "pnr":
            self.ctx.warn(seg, "traveller after the itinerary; read as another traveller of the PNR")
        if surname is None and given is None:
            raise seg.error("traveller (TIF) has no name", source=self.ctx.source)
        self.current = _Person(seg, ref, surname, given, kind)
        self.people.append(self.current)
        self.state = "traveller"

    def _fti(self, seg: Segment) -> None:
        if self.person is not None:
            self.person.flyers += rd.read_fti(seg)

    def _ssr(self, seg: Segment) -> None:
        ssr = rd.read_ssr(seg)
        if self.state in HISTORY_STATES:
            self.remember("ssr", text=" ".join(t for t in (ssr.code, ssr.text) if t) or None)
        elif ssr.code == "DOCS" and ssr.text:
            self._docs(seg, ssr)
        elif ssr.code == "DOCO" and ssr.text:
            visa = rd.read_doco(ssr.text, seg, self.ctx)
            if visa is not None:
                self._for_traveller(seg, ssr, "DOCO", lambda person: self._add_document(person, visa))
        elif ssr.code == "DOCA" and ssr.text:
            ref = next((r for _, r in ssr.items if r), None) or self.ref
            address = rd.read_doca(ssr.text, ref)
            if address is not None:
                self.contacts.append(address)
        elif ssr.code == "SEAT":
            leg = self.leg
            origin = ssr.board or (leg.origin if leg else None)
            destination = ssr.off or (leg.destination if leg else None)
            for seat, ref in ssr.items:
                if seat:
                    self._seat(Seat(ref, seat.upper(), origin, destination, "SSR"))

    def _docs(self, seg: Segment, ssr: rd.Ssr) -> None:
        docs = rd.read_docs(ssr.text or "", seg, self.ctx)
        ref = next((r for _, r in ssr.items if r), None)
        person = self.find(ref) or self.person
        if person is None:
            if ref is None:
                self.ctx.warn(seg, "SSR DOCS names no traveller reference and follows no traveller; ignored")
            else:
                self.pending_docs.append((ref, docs))
            return
        self._attach(person, docs, seg)

    def _for_traveller(self, seg: Segment, ssr: rd.Ssr, code: str, apply: Callable[[_Person], None]) -> None:
        """Apply an SSR to the traveller it names (now, or once that traveller's TIF came)."""
        ref = next((r for _, r in ssr.items if r), None)
        person = self.find(ref) or self.person
        if person is not None:
            apply(person)
        elif ref is None:
            self.ctx.warn(seg, f"SSR {code} names no traveller reference and follows no traveller; ignored")
        else:
            self.pending.append((ref, code, apply))

    @staticmethod
    def _add_document(person: _Person, document: Document) -> None:
        if document not in person.documents:
            person.documents.append(document)

    def _attach(self, person: _Person, docs: rd.Docs, seg: Segment) -> None:
        if docs.infant and person.kind not in ("IN", "INF"):
            # an infant's DOCS under its adult, often repeated after each flight segment: one infant
            infant = next((p for p in self.people if p.infant_of == person.reference and p.reference is None
                           and (p.surname, p.given) == (docs.surname, docs.given_names)), None)
            if infant is None:
                infant = _Person(seg, None, docs.surname, docs.given_names, "IN", docs, infant_of=person.reference)
                self.people.append(infant)
            if docs.document:
                self._add_document(infant, docs.document)
            return
        if person.docs is None:
            person.docs = docs
        if docs.document:
            self._add_document(person, docs.document)

    def _merge_infants(self) -> None:
        """An infant in its own TIF and in an FI/MI DOCS under its adult is one traveller: the
        TIF's (same surname, the DOCS's given name with or without a glued title), with the DOCS."""
        for made in [p for p in self.people if p.infant_of is not None and p.reference is None and p.given]:
            tif = next((p for p in self.people if p.kind in ("IN", "INF") and p.infant_of is None
                        and p.surname == made.surname and rd.split_title(p.given, made.given)[0] == made.given), None)
            if tif is None:
                continue
            if tif.docs is None:
                tif.docs = made.docs
            for document in made.documents:
                self._add_document(tif, document)
            self.people.remove(made)

    def _seat(self, seat: Seat) -> None:
        if seat not in self.seats:
            self.seats.append(seat)

    def _tkt(self, seg: Segment) -> None:
        if self.state in TRAVELLER_STATES:
            self.tickets.append(Ticket(seg.get(1, 1), seg.get(1, 2), self.ref))
            self.state = "ticket"

    def _mon(self, seg: Segment) -> None:
        if self.state == "ticket" and self.tickets:
            last = self.tickets[-1]
            self.tickets[-1] = replace(last, amounts=last.amounts + tuple(rd.read_mon(seg, self.ctx)))

    def _fop(self, seg: Segment) -> None:
        if self.state in HISTORY_STATES or self.state in FLIGHT_STATES:
            return
        total = self.tickets[-1].total if self.state == "ticket" and self.tickets else None
        currency = (total.currency if total else None) or (self.office.currency if self.office else None)
        self.payments += rd.read_fop(seg, self.ctx, self.ref, currency)
        if self.state in TRAVELLER_STATES:
            self.state = "fop"

    def _tvl(self, seg: Segment) -> None:
        flight = rd.read_tvl(seg, self.ctx)
        if self.state == "nonair":
            self.non_air.append(
                NonAirSegment(
                    self.non_air_kind, flight.departure, flight.arrival, flight.origin, flight.carrier
                )
            )
            return
        if self.state in HISTORY_STATES:
            self.remember("flight", segment=flight)
            return
        prev = self.itinerary[-1] if self.itinerary and self.state == "flight" else None
        if _number_only(flight):  # TVL+++++972:M: the operating flight of the codeshare TVL above
            codeshare = prev is not None and prev.operating_carrier and prev.operating_number is None
            if codeshare and prev is not None and self.last_tag == "TVL":
                self.itinerary[-1] = replace(prev, operating_number=flight.number)
            else:
                self.ctx.warn(seg, "a flight number alone, not right after a codeshare TVL; ignored")
            return
        if prev is not None and _operating_half(prev, flight):
            self.itinerary[-1] = replace(prev, operating_number=flight.number)
            return
        self.itinerary.append(flight)
        self.state, self.tri_ref = "flight", None

    def _tra(self, seg: Segment) -> None:
        carrier, number = rd.read_tra(seg)
        prev = self.itinerary[-1] if self.itinerary and self.state == "flight" else None
        if prev is not None and rd.is_flight_number(number) and prev.operating_number is None:
            self.itinerary[-1] = replace(prev, operating_carrier=prev.operating_carrier or carrier,
                                         operating_number=number)

    def _rpi(self, seg: Segment) -> None:
        status = (seg.get(2) or "").upper() or None
        party = rd.number(seg.get(1), 4)
        if self.state in HISTORY_STATES and self.history and self.history[-1].segment is not None:
            last = self.history[-1]
            self.history[-1] = replace(last, segment=replace(last.segment, status=status, party=party))
        elif self.state == "flight" and self.itinerary:
            self.itinerary[-1] = replace(self.itinerary[-1], status=status, party=party)

    def _tri(self, seg: Segment) -> None:
        if self.state in FLIGHT_STATES:
            self.state, self.tri_ref = "tri", seg.get(2, 4)

    def _ssd(self, seg: Segment) -> None:
        leg = self.leg
        if self.state == "tri" and seg.get(1) and leg is not None:
            self._seat(Seat(self.tri_ref, (seg.get(1) or "").upper(), leg.origin, leg.destination, "SSD"))

    def _tbd(self, seg: Segment) -> None:
        if self.state in HISTORY_STATES:
            bag = rd.read_tbd(seg, self.ctx, None, None)
            self.remember("bags", text=f"{bag.count if bag.count is not None else '?'} bags")
        elif self.state == "tri":
            self.bags.append(rd.read_tbd(seg, self.ctx, self.tri_ref, self.leg))
        elif self.state in TRAVELLER_STATES or self.state == "pnr":
            self.bags.append(rd.read_tbd(seg, self.ctx, self.ref, None))

    def _eqn(self, seg: Segment) -> None:
        if self.state not in HISTORY_STATES:
            self.splits.append(Split(rd.number(seg.get(1, 1), 4)))
            self.state = "split"

    def _msg(self, seg: Segment) -> None:
        if self.state not in HISTORY_STATES:
            self.state, self.non_air_kind = "nonair", seg.get(1, 1) or seg.get(1, 2)

    def _abi(self, seg: Segment) -> None:
        self.state, self.when, self.action = "history", None, None
        agent = seg.get(2, 1) or seg.get(2, 2)
        self.who = "/".join(p for p in (seg.get(5, 1), seg.get(3, 1), agent) if p) or None

    def _sac(self, seg: Segment) -> None:
        if self.state in HISTORY_STATES:
            self.state, self.action = "sac", (seg.get(3, 1) or seg.get(2, 1) or "").upper() or None

    # --- the booking ----------------------------------------------------------------------------

    def travellers(self) -> tuple[BookingTraveller, ...]:
        for ref, docs in self.pending_docs:
            person = self.find(ref)
            if person is None:
                self.ctx.warnings.append(f"SSR DOCS for traveller reference {ref[:8]!r}, which no TIF has")
            else:
                self._attach(person, docs, person.seg)
        for ref, code, apply in self.pending:
            person = self.find(ref)
            if person is None:
                self.ctx.warnings.append(f"SSR {code} for traveller reference {ref[:8]!r}, which no TIF has")
            else:
                apply(person)
        self._merge_infants()
        out = []
        for p in self.people:
            d = p.docs
            given, title = rd.split_title(p.given, d.given_names if d else None)
            if p.infant_of is not None:
                given, title = p.given, None
            docs_given = d.given_names if d else None
            if docs_given and given and title:  # the PNR name's glued title copied into DOCS: JOHNMR PAUL
                first, space, rest = docs_given.partition(" ")
                if first == given.replace(" ", "") + title:
                    docs_given = given + space + rest
            out.append(
                BookingTraveller(
                    reference=p.reference,
                    surname=p.surname,
                    given_names=given,
                    title=title,
                    passenger_type=p.kind,
                    docs_surname=d.surname if d else None,
                    docs_given_names=docs_given,
                    date_of_birth=d.date_of_birth if d else None,
                    sex=d.sex if d else None,
                    nationality=d.nationality if d else None,
                    documents=tuple(sorted(p.documents, key=lambda d: d.type == "V")),  # visas after
                    frequent_flyers=tuple(p.flyers),
                    infant_of=p.infant_of,
                )
            )
        return tuple(out)

    def booking(self, index: int, msg: Message, env: Envelope) -> Booking:
        if not self.locators:
            raise self.src.error("PNR has no record locator (no RCI after SRC)", source=self.ctx.source)
        travellers = self.travellers()
        if not travellers:
            self.ctx.warnings.append(f"PNR at segment #{self.src.position} has no traveller (TIF)")
        created = next((loc.created_at for loc in self.locators if loc.created_at), None)
        history_dates = [h.at for h in self.history if h.at]
        return Booking(
            booking_id=stable_id(
                env.sender, env.control_ref, msg.ref, index, self.locators[0].code, prefix="b-"
            ),
            locators=tuple(self.locators),
            travellers=travellers,
            itinerary=tuple(self.itinerary),
            pushed_flight=self.header.flight,
            push_type=PUSH_TYPES.get(self.header.push_code or "", self.header.push_code),
            version=self.header.version,
            created_at=created or min(self.dates + history_dates, default=None),
            last_modified=self.last_modified,
            ticketed_at=min(self.ticketed, default=None),
            office=self.office,
            non_air=tuple(self.non_air),
            payments=tuple(self.payments),
            tickets=tuple(self.tickets),
            bags=tuple(self.bags),
            seats=tuple(self.seats),
            contacts=tuple(self.contacts),
            splits=tuple(self.splits),
            history=tuple(self.history),
            pnrs_in_push=self.header.pnrs,
            message_ref=msg.ref,
            sender=env.sender,
            prepared_at=env.prepared_at,
            received_at=env.received_at,
            warnings=tuple(dict.fromkeys([*env.warnings, *self.ctx.warnings])),
        )


def _number_only(new: FlightSegment) -> bool:
    """TVL+++++972:M: a flight number and nothing else (no date, airport or carrier)."""
    return rd.is_flight_number(new.number) and not (
        new.carrier or new.origin or new.destination or new.departure or new.arrival
    )


def _operating_half(prev: FlightSegment, new: FlightSegment) -> bool:
    """The second TVL of a codeshare pair: the operating carrier's flight number."""
    return bool(
        prev.operating_carrier
        and prev.operating_number is None
        and new.carrier == prev.operating_carrier
        and (new.origin, new.destination) == (prev.origin, prev.destination)
        and (new.departure or "")[:10] == (prev.departure or "")[:10]
    )
