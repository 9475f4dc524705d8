"""PNRGOV bookings to the `Traveller` events the matchers screen (``source="pnrgov"``).

One `Traveller` per booking traveller on the pushed flight. The flight is made of the
itinerary legs flown under the pushed flight's number, so a GRU-LFW-BRU flight pushed for its
LFW-BRU leg has both legs, as the PAXLST for that flight has; its ``event_id`` is then the one
PAXLST gives when names, birth date, sex and document agree (`traveller_event_id` compares
the flight designator as written: carrier + number as the PNR sends it, ``"SN2880"``).
"""

from __future__ import annotations

from datetime import date

from paxscreen.booking import Booking, BookingTraveller, FlightSegment
from paxscreen.codec import traveller_event_id
from paxscreen.models import Flight, Leg, Traveller
from producers.pnrgov_segments import is_flight_number

__all__ = ["booking_travellers", "screened_flights"]


def _flight_number(value: str | None) -> str:
    digits = (value or "").lstrip("0")
    return digits or (value or "")


def _same_flight(seg: FlightSegment, pushed: FlightSegment) -> bool:
    number = _flight_number(pushed.number)
    return (seg.carrier == pushed.carrier and _flight_number(seg.number) == number) or (
        seg.operating_carrier == pushed.carrier and _flight_number(seg.operating_number) == number
    )


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value and len(value) >= 10 else None
    except ValueError:
        return None


def _chains(segments: list[FlightSegment]) -> list[list[FlightSegment]]:
    """Consecutive segments flown under one flight number, each leaving where the last landed."""
    chains: list[list[FlightSegment]] = []
    for seg in segments:
        prev = chains[-1][-1] if chains else None
        a, b = (_day(prev.arrival or prev.departure), _day(seg.departure)) if prev else (None, None)
        joined = (
            prev is not None
            and prev.designator == seg.designator
            and prev.destination == seg.origin
            and (a is None or b is None or 0 <= (b - a).days <= 1)
        )
        if joined:
            chains[-1].append(seg)
        else:
            chains.append([seg])
    return chains


def _pushed_chain(booking: Booking, pushed: FlightSegment) -> list[FlightSegment]:
    """The itinerary legs of the pushed flight (a multi-leg flight as PAXLST reports it)."""
    best, best_score = [pushed], 0
    when = _day(pushed.departure)
    for chain in _chains([s for s in booking.itinerary if _same_flight(s, pushed)]):
        airports = [chain[0].origin] + [s.destination for s in chain]
        days = [_day(s.departure) for s in chain]
        if when and all(d and abs((d - when).days) > 1 for d in days):
            continue
        score = 2 * (pushed.origin in airports) + 2 * (pushed.destination in airports) + (when in days)
        score += any(s.active for s in chain)
        if score > best_score and (pushed.origin in airports or pushed.destination in airports):
            best, best_score = chain, score
    return best


def _legs(chain: list[FlightSegment], pushed: FlightSegment | None) -> tuple[Leg, ...]:
    if pushed is None:
        return tuple(s.leg() for s in chain)
    designator = pushed.designator
    return tuple(  # a time the PNR's own TVL lost (unreadable) is the pushed TVL's for that airport
        Leg(
            pushed.carrier,
            designator,
            s.origin,
            s.destination,
            s.departure or (pushed.departure if s.origin == pushed.origin else None),
            s.arrival or (pushed.arrival if s.destination == pushed.destination else None),
        )
        for s in chain
    )


def _seat(booking: Booking, person: BookingTraveller, legs: tuple[Leg, ...]) -> str | None:
    """The traveller's seat on the reported leg (else an earlier leg): SSD (assigned at
    check-in) before SSR SEAT (requested). Seats without a traveller reference count for a
    PNR of one traveller; an infant has none."""
    if person.infant_of is not None:
        return None
    alone = sum(t.infant_of is None for t in booking.travellers) == 1
    mine = [
        s
        for s in booking.seats
        if (person.reference is not None and s.traveller_reference == person.reference)
        or (alone and s.traveller_reference is None)
    ]
    for leg in reversed(legs):  # the reported leg first, as PAXLST RFF+SEA does
        here = [s for s in mine if (s.origin, s.destination) == (leg.departure_airport, leg.arrival_airport)]
        if here:
            return min(here, key=lambda s: s.source != "SSD").seat
    return None


def screened_flights(booking: Booking) -> tuple[list[Flight], list[str]]:
    """The flights the booking's travellers are screened on, and why any flight is not.

    With a pushed flight: its legs in the itinerary (else the pushed TVL alone). A flight
    without a departure date (the pushed TVL's date unreadable and the itinerary not giving
    it either) cannot be told from the same flight on another day: that PNR's travellers are
    not screened, with a warning, and the push's other PNRs are. Without a pushed flight: every
    active itinerary flight that has a departure date (ARNK and OPEN segments are no flights).
    """
    pushed = booking.pushed_flight
    if pushed is not None:
        flight = Flight(_legs(_pushed_chain(booking, pushed), pushed))
        if flight.departure_time:
            return [flight], []
        return [], [f"pushed flight {pushed.designator or '?'} has no readable departure date in this PNR; "
                    "its travellers are not screened"]
    flights, notes = [], []
    for chain in _chains([s for s in booking.itinerary if s.active and is_flight_number(s.number)]):
        flight = Flight(_legs(chain, None))
        if flight.departure_time:
            flights.append(flight)
        else:
            notes.append(
                f"itinerary flight {flight.number or '?'} has no readable departure date; not screened"
            )
    return flights, notes


def booking_travellers(booking: Booking) -> list[Traveller]:
    """One `Traveller` (source ``pnrgov``) per booking traveller on the pushed flight.

    The flight is built from the itinerary legs of the pushed flight (so a GRU-LFW-BRU flight
    pushed for its LFW-BRU leg has both legs, as in PAXLST), else from the pushed TVL alone.
    Without a pushed flight, one `Traveller` per traveller and per flight of the itinerary.
    Names, birth date, sex and document come from SSR DOCS when given (else the PNR name), so
    the ``event_id`` is the one PAXLST gives for the same person on the same flight.
    """
    flights, _ = screened_flights(booking)
    out = []
    for flight in flights:
        for person in booking.travellers:
            documents = person.documents
            surname, given = person.screening_surname, person.screening_given_names
            event_id = traveller_event_id(
                flight,
                role="passenger",
                surname=surname,
                given_names=given,
                date_of_birth=person.date_of_birth,
                sex=person.sex,
                document_number=documents[0].number if documents else None,
            )
            out.append(
                Traveller(
                    event_id=event_id,
                    flight=flight,
                    role="passenger",
                    surname=surname,
                    given_names=given,
                    date_of_birth=person.date_of_birth,
                    sex=person.sex,
                    nationality=person.nationality,
                    documents=documents,
                    embarkation=flight.departure_airport,
                    debarkation=flight.arrival_airport,
                    pnr_locator=booking.locator,
                    seat=_seat(booking, person, flight.legs),
                    source="pnrgov",
                    message_ref=booking.message_ref,
                    sender=booking.sender,
                    received_at=booking.received_at,
                )
            )
    return out
