"""The booking event (``paxscreen.booking/1``): one PNR as an airline pushed it (PNRGOV).

Frozen, slotted dataclasses, and their orjson encoding (`booking_dict`, `encode_booking`,
`decode_booking`) in the same module, as ``paxscreen.codec`` does for travellers and alerts.

Conventions are those of `paxscreen.models`: dates ``YYYY-MM-DD``, times ``YYYY-MM-DDTHH:MM``
without offset, country codes ISO 3166-1 alpha-3, ``None`` for "not given". Flight times are
airport-local as airlines send them; booking times (``created_at``, DAT segments) are UTC
unless the airline agreed otherwise with the State, so ``hours_before_departure`` is only
accurate to the departure airport's UTC offset.

A booking holds personal data beyond identity (addresses, phones, free text, card types):
code must never log a booking or any of its fields except ids, counts and flight keys.
Card numbers are never kept: `Payment` holds the card type and the last four digits only.

Schema ``paxscreen.booking/1`` (the JSON keys are the field names below; tuples are arrays):
``booking_id``, ``locators``, ``version``, ``push_type``, ``pushed_flight``, ``created_at``,
``last_modified``, ``ticketed_at``, ``office``, ``travellers``, ``itinerary``, ``non_air``,
``payments``, ``tickets``, ``bags``, ``seats``, ``contacts``, ``splits``, ``history``,
``pnrs_in_push``, ``message_ref``, ``sender``, ``prepared_at``, ``received_at``, ``warnings``;
plus derived keys written for consumers and ignored on decoding: ``locator``, ``trip_type``,
``stay_days``, ``days_before_departure``, ``hours_before_departure``, ``party_size``,
``route_changes``.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields, is_dataclass
from datetime import date, datetime
from typing import Any

import orjson

from paxscreen.errors import InvalidMessage
from paxscreen.models import Document, Leg

BOOKING_SCHEMA = "paxscreen.booking/1"

# RPI status codes of a segment nobody will fly on (cancelled, refused, no-show, unable).
CANCELLED_STATUSES = frozenset({"HX", "XX", "XK", "XL", "UN", "UC", "NO", "NN", "XR", "DX"})
TRIP_TYPES = ("one-way", "return", "open-jaw", "multi-city")
_STOPOVER_HOURS = 24  # IATA: a break of 24 hours or more at a point is a stopover


@dataclass(frozen=True, slots=True)
class Locator:
    """A record locator (RCI): the carrier's, a reservation system's (1A, 1G...) or a DCS one."""

    code: str
    company: str | None = None  # airline or system that owns the record
    kind: str | None = None  # RCI control type as sent: None reservation, "C" DCS reference...
    created_at: str | None = None  # when the PNR was created (RCI date/time), UTC


@dataclass(frozen=True, slots=True)
class Office:
    """Who made the booking (ORG in the PNR): an airline office or a travel agency."""

    airline: str | None = None  # airline or system code (ORG company)
    location: str | None = None  # its city or airport code
    iata_number: str | None = None  # travel agency IATA/ARC number
    office_id: str | None = None  # in-house office id / pseudo city code
    agent_location: str | None = None
    originator_type: str | None = None  # A airline agent, T travel agent, E/W direct/online...
    country: str | None = None
    currency: str | None = None
    agent_id: str | None = None  # agent sine as sent


@dataclass(frozen=True, slots=True)
class FrequentFlyer:
    """FTI: a frequent flyer account."""

    airline: str | None
    number: str | None
    tier: str | None = None


@dataclass(frozen=True, slots=True)
class BookingTraveller:
    """One named traveller (TIF) and what SSR DOCS declares for them.

    ``surname``/``given_names`` are the PNR name (TIF) with the title split off
    (``JOHNMR`` -> ``JOHN`` + ``MR``); ``docs_*`` are the names on the travel document (SSR
    DOCS), which screening prefers. Names are upper-case as sent.
    """

    reference: str | None  # traveller reference number (TIF), links seats, bags, SSRs
    surname: str | None
    given_names: str | None
    title: str | None = None
    passenger_type: str | None = None  # TIF code as sent: A adult, C child, IN infant...
    docs_surname: str | None = None
    docs_given_names: str | None = None
    date_of_birth: str | None = None
    sex: str | None = None  # M | F | U
    nationality: str | None = None
    documents: tuple[Document, ...] = ()
    frequent_flyers: tuple[FrequentFlyer, ...] = ()
    infant_of: str | None = None  # an infant declared (DOCS MI/FI) under an adult: its reference

    @property
    def screening_surname(self) -> str | None:
        return self.docs_surname or self.surname

    @property
    def screening_given_names(self) -> str | None:
        return self.docs_given_names if self.docs_surname else self.given_names


@dataclass(frozen=True, slots=True)
class FlightSegment:
    """One TVL: a flight in the itinerary, the pushed flight or a flight named in the history."""

    carrier: str | None  # marketing carrier
    number: str | None  # flight number as sent ("0006", "324")
    origin: str | None
    destination: str | None
    departure: str | None = None  # local "YYYY-MM-DDTHH:MM", or "YYYY-MM-DD" without a time
    arrival: str | None = None
    booking_class: str | None = None
    status: str | None = None  # RPI: HK confirmed, HL waitlisted, HX/XX cancelled...
    party: int | None = None  # RPI: travellers on the segment
    operating_carrier: str | None = None  # codeshare: the carrier flying it
    operating_number: str | None = None

    @property
    def designator(self) -> str | None:
        """``"DL324"``: carrier and number as PAXLST writes a flight."""
        if not self.number:
            return None
        return f"{self.carrier or ''}{self.number}"

    @property
    def active(self) -> bool:
        return (self.status or "").upper() not in CANCELLED_STATUSES

    def leg(self) -> Leg:
        return Leg(self.carrier, self.designator, self.origin, self.destination, self.departure, self.arrival)


@dataclass(frozen=True, slots=True)
class NonAirSegment:
    """A hotel, car or rail item (MSG + TVL in the PNR), kept for the analyst."""

    kind: str | None  # MSG business function code as sent ("8" hotel...)
    start: str | None
    end: str | None
    location: str | None
    company: str | None = None


@dataclass(frozen=True, slots=True)
class Payment:
    """FOP: how a ticket was paid. ``type`` CA cash, CC card, MS miscellaneous, as sent."""

    type: str | None
    amount: float | None = None
    currency: str | None = None  # from the ticket's MON, else the booking office's
    card_type: str | None = None  # VI, CA, AX... (cards only)
    card_last4: str | None = None  # never more of the card number
    traveller_reference: str | None = None


@dataclass(frozen=True, slots=True)
class Amount:
    """MON: one monetary amount (``qualifier`` B base fare, T total... as sent)."""

    qualifier: str | None
    amount: float | None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class Ticket:
    """TKT and its MON amounts."""

    number: str | None
    type: str | None = None  # T ticket, 1 ticketless... as sent
    traveller_reference: str | None = None
    issued_at: str | None = None
    amounts: tuple[Amount, ...] = ()

    @property
    def total(self) -> Amount | None:
        return next((a for a in self.amounts if (a.qualifier or "").upper() == "T"), None)


@dataclass(frozen=True, slots=True)
class Bag:
    """TBD (checked bags) or EBD (excess bags) for a traveller, on a leg when known."""

    traveller_reference: str | None
    count: int | None
    weight: float | None = None
    unit: str | None = None  # KG | LB
    origin: str | None = None
    destination: str | None = None
    tags: tuple[str, ...] = ()
    excess: bool = False


@dataclass(frozen=True, slots=True)
class Seat:
    """A seat for a traveller on a leg: SSR SEAT (requested) or SSD (assigned at check-in)."""

    traveller_reference: str | None
    seat: str
    origin: str | None = None
    destination: str | None = None
    source: str = "SSR"  # SSR | SSD


@dataclass(frozen=True, slots=True)
class Contact:
    """An address, phone, e-mail (ADD, IFT CTC*) or a free text (IFT). Personal data."""

    kind: str  # address | phone | email | text
    value: str
    code: str | None = None  # ADD purpose or IFT qualifier as sent
    country: str | None = None
    traveller_reference: str | None = None


@dataclass(frozen=True, slots=True)
class Split:
    """EQN + RCI: ``count`` travellers split from (or into) this PNR, and their new records."""

    count: int | None
    locators: tuple[Locator, ...] = ()


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """One line of the PNR history (ABI/DAT/SAC + TVL, TIF, SSR, IFT or TBD)."""

    action_code: str | None  # SAC as sent
    action: str | None  # added | cancelled | the code when unknown
    at: str | None  # when (the ABI's DAT), UTC
    by: str | None  # who: company/location/agent from ABI
    kind: str  # flight | traveller | ssr | text | bags
    segment: FlightSegment | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Booking:
    """One PNR from a PNRGOV push, with what risk rules derive from it (properties)."""

    booking_id: str
    locators: tuple[Locator, ...]
    travellers: tuple[BookingTraveller, ...] = ()
    itinerary: tuple[FlightSegment, ...] = ()
    pushed_flight: FlightSegment | None = None  # the flight the push is for (TVL after MSG)
    push_type: str | None = None  # full (MSG 22) | change (MSG 141) | the code when other
    version: str | None = None  # PNRGOV version, "11.1"
    created_at: str | None = None  # RCI creation time, else the earliest date in the PNR
    last_modified: str | None = None  # DAT 700
    ticketed_at: str | None = None  # DAT 710 (the earliest)
    office: Office | None = None
    non_air: tuple[NonAirSegment, ...] = ()
    payments: tuple[Payment, ...] = ()
    tickets: tuple[Ticket, ...] = ()
    bags: tuple[Bag, ...] = ()
    seats: tuple[Seat, ...] = ()
    contacts: tuple[Contact, ...] = ()
    splits: tuple[Split, ...] = ()
    history: tuple[HistoryItem, ...] = ()
    pnrs_in_push: int | None = None  # EQN at message level
    message_ref: str | None = None
    sender: str | None = None
    prepared_at: str | None = None
    received_at: str | None = None
    warnings: tuple[str, ...] = ()
    schema: str = BOOKING_SCHEMA

    @property
    def locator(self) -> str | None:
        """The pushing carrier's reservation locator (a DCS reference only when it has no
        other), else the first one."""
        carrier = self.pushed_flight.carrier if self.pushed_flight else None
        own = sorted(
            (loc for loc in self.locators if carrier and loc.company == carrier), key=lambda x: x.kind == "C"
        )
        if own:
            return own[0].code
        return self.locators[0].code if self.locators else None

    @property
    def party_size(self) -> int:
        """Named travellers in the PNR (infants included), else the largest RPI count."""
        if self.travellers:
            return len(self.travellers)
        return max((s.party or 0 for s in self.itinerary), default=0)

    @property
    def route_changes(self) -> tuple[HistoryItem, ...]:
        """History lines that added or cancelled a flight."""
        return tuple(h for h in self.history if h.segment is not None)

    @property
    def first_departure(self) -> str | None:
        active = _flown(self.itinerary)
        return active[0].departure if active else None

    @property
    def trip_type(self) -> str | None:
        """one-way, return, open-jaw or multi-city from the active air itinerary (None: empty).

        The itinerary is cut into journeys at stopovers (24 hours or more at a point, or a
        different day when times are missing) and at surface sectors. One journey is a return
        when it ends where it started; two journeys are a return (A-B, B-A), an open jaw
        (one end differs) or a multi-city trip; three or more are multi-city. Airports are
        compared, not cities (LHR-JFK, EWR-LHR is an open jaw).
        """
        journeys = _journeys(_flown(self.itinerary))
        if not journeys:
            return None
        first, last = journeys[0], journeys[-1]
        a, b = first[0].origin, first[-1].destination
        if len(journeys) == 1:
            return "return" if a == b else "one-way"
        if len(journeys) > 2:
            return "multi-city"
        c, d = last[0].origin, last[-1].destination
        if b == c and d == a:
            return "return"
        if b == c or d == a:
            return "open-jaw"
        return "multi-city"

    @property
    def stay_days(self) -> int | None:
        """Return and open-jaw trips: days from the outbound departure to the return departure."""
        if self.trip_type not in ("return", "open-jaw"):
            return None
        journeys = _journeys(_flown(self.itinerary))
        if len(journeys) == 1:
            return 0
        return _days(journeys[0][0].departure, journeys[-1][0].departure)

    @property
    def days_before_departure(self) -> int | None:
        """Calendar days from booking creation to the first departure."""
        return _days(self.created_at, self.first_departure)

    @property
    def hours_before_departure(self) -> float | None:
        """Hours from creation (UTC) to the first departure (local); None without both times."""
        start, end = _datetime(self.created_at), _datetime(self.first_departure)
        if start is None or end is None:
            return None
        return round((end - start).total_seconds() / 3600, 1)


# --- derived values ------------------------------------------------------------------------------


def _flown(itinerary: tuple[FlightSegment, ...]) -> list[FlightSegment]:
    return [s for s in itinerary if s.active and s.origin and s.destination]


def _datetime(value: str | None) -> datetime | None:
    if not value or len(value) < 16:
        return None
    try:
        return datetime.fromisoformat(value[:16])
    except ValueError:
        return None


def _date(value: str | None) -> date | None:
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _days(start: str | None, end: str | None) -> int | None:
    a, b = _date(start), _date(end)
    return (b - a).days if a and b else None


def _stopover(prev: FlightSegment, nxt: FlightSegment) -> bool:
    if nxt.origin != prev.destination:
        return True  # a surface sector (or open segment) ends the journey
    ended = prev.arrival or prev.departure
    arrived, leaves = _datetime(ended), _datetime(nxt.departure)
    if arrived and leaves:
        return (leaves - arrived).total_seconds() >= _STOPOVER_HOURS * 3600
    gap = _days(ended, nxt.departure)  # dates only: another day is a stopover
    return gap is not None and gap >= 1


def _journeys(segments: list[FlightSegment]) -> list[list[FlightSegment]]:
    journeys: list[list[FlightSegment]] = []
    for seg in segments:
        if journeys and not _stopover(journeys[-1][-1], seg):
            journeys[-1].append(seg)
        else:
            journeys.append([seg])
    return journeys


# --- encoding ------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def booking_dict(b: Booking) -> dict[str, Any]:
    """The booking as JSON-ready data: every field, then the derived values."""
    d = _plain(b)
    d.update(
        locator=b.locator,
        trip_type=b.trip_type,
        stay_days=b.stay_days,
        days_before_departure=b.days_before_departure,
        hours_before_departure=b.hours_before_departure,
        party_size=b.party_size,
        route_changes=[_plain(h) for h in b.route_changes],
    )
    return d


def encode_booking(b: Booking) -> bytes:
    return orjson.dumps(booking_dict(b))


def _obj(cls: type, d: Any, **nested: Any) -> Any:
    """``cls`` from a dict: unknown keys ignored (added fields, derived values), null for a
    field with a default (``()``, ``False``) read as absent, ``nested`` maps a field to the
    converter of its value."""
    if not isinstance(d, dict):
        raise TypeError(f"{cls.__name__} is not an object")
    names = {f.name for f in fields(cls)}
    defaulted = {f.name for f in fields(cls) if f.default is not MISSING and f.default is not None}
    kwargs = {k: v for k, v in d.items() if k in names and not (v is None and k in defaulted)}
    for key, convert in nested.items():
        if kwargs.get(key) is not None:
            kwargs[key] = convert(kwargs[key])
    return cls(**kwargs)


def _many(cls: type, **nested: Any) -> Any:
    return lambda items: tuple(_obj(cls, x, **nested) for x in items)


def _segment(d: Any) -> FlightSegment:
    return _obj(FlightSegment, d)


def decode_booking(data: bytes | str | dict) -> Booking:
    """A `Booking` from `encode_booking` output; `InvalidMessage` when it is not one."""
    try:
        d = orjson.loads(data) if isinstance(data, (bytes, bytearray, memoryview, str)) else data
        if not isinstance(d, dict):
            raise TypeError("not an object")
        got = d.get("schema")
        if not isinstance(got, str) or got.rsplit("/", 1)[0] != BOOKING_SCHEMA.rsplit("/", 1)[0]:
            raise InvalidMessage(f"expected schema {BOOKING_SCHEMA!r}, got {got!r}")
        if got != BOOKING_SCHEMA:
            raise InvalidMessage(f"unsupported schema version {got!r} (this build reads {BOOKING_SCHEMA!r})")
        locators = _many(Locator)
        return _obj(
            Booking,
            d,
            locators=locators,
            travellers=_many(
                BookingTraveller, documents=_many(Document), frequent_flyers=_many(FrequentFlyer)
            ),
            itinerary=_many(FlightSegment),
            pushed_flight=_segment,
            office=lambda x: _obj(Office, x),
            non_air=_many(NonAirSegment),
            payments=_many(Payment),
            tickets=_many(Ticket, amounts=_many(Amount)),
            bags=_many(Bag, tags=tuple),
            seats=_many(Seat),
            contacts=_many(Contact),
            splits=_many(Split, locators=locators),
            history=_many(HistoryItem, segment=_segment),
            warnings=tuple,
        )
    except InvalidMessage:
        raise
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise InvalidMessage(f"not a booking event: {exc!r}") from exc
