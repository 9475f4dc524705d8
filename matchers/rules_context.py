"""What targeting rules can look at: the documented fields of one traveller on one trip.

`booking_context` builds them from a PNR (`Booking`), one of its travellers and the
`Traveller` event of the pushed flight; `api_context` from an API (PAXLST) `Traveller` alone,
where booking fields are missing (``None``). A field that is not known is ``None``, and an
indicator on it does not fire: missing data never counts for or against anyone.

Value kinds (`FIELDS`): ``code`` (an upper-case code: airport, country, payment type),
``text`` (free text compared case-insensitively: regions, trip type, age band), ``number``,
``bool``, and ``codes`` / ``texts`` (a set of those; empty when known to be empty, e.g. no
transit on a direct flight).

The route: ``origin`` is where the trip starts (the first flown segment), ``destination``
the farthest point (for a return or open-jaw trip, where the longest stay is; else the last
arrival), ``transit`` every airport in between on the way out. Countries are ISO alpha-3,
regions and sub-regions the UN M49 names (``Western Africa``, ``Middle Africa``, ``South
America``, ``Western Europe``...), from `matchers.airports`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from matchers.airports import airport
from paxscreen.booking import Booking, BookingTraveller, FlightSegment
from paxscreen.models import Traveller

__all__ = ["FIELDS", "Field", "api_context", "booking_context"]


@dataclass(frozen=True, slots=True)
class Field:
    kind: str  # code | text | number | bool | codes | texts
    description: str


# fmt: off
FIELDS: dict[str, Field] = {
    "source": Field("text", "pnr (a booking) or api (an API/PAXLST record alone)"),
    "origin_airport": Field("code", "IATA code where the trip starts"),
    "origin_country": Field("code", "ISO alpha-3 country of the origin airport"),
    "origin_region": Field("text", "UN region of the origin (Americas, Africa, Europe...)"),
    "origin_subregion": Field("text", "UN sub-region of the origin (South America, Western Africa...)"),
    "destination_airport": Field("code", "IATA code of the trip's farthest point"),
    "destination_country": Field("code", "ISO alpha-3 country of the destination"),
    "destination_region": Field("text", "UN region of the destination"),
    "destination_subregion": Field("text", "UN sub-region of the destination"),
    "transit_airports": Field("codes", "airports between origin and destination on the way out"),
    "transit_countries": Field("codes", "their countries"),
    "transit_subregions": Field("texts", "their UN sub-regions"),
    "route_airports": Field("codes", "every airport of the flown itinerary"),
    "route_countries": Field("codes", "every country of the flown itinerary"),
    "route_subregions": Field("texts", "every UN sub-region of the flown itinerary"),
    "carrier": Field("code", "carrier of the screened flight"),
    "hours_before_departure": Field("number", "hours from booking creation to the first departure"),
    "days_before_departure": Field("number", "calendar days from booking creation to the first departure"),
    "payment_types": Field("codes", "forms of payment of the traveller's tickets (CA cash, CC card, MS...)"),
    "paid_cash": Field("bool", "a ticket of the traveller was paid in cash (FOP CA)"),
    "ticket_amount": Field("number", "total of the traveller's tickets (in ticket_currency)"),
    "ticket_currency": Field("code", "currency of ticket_amount"),
    "trip_type": Field("text", "one-way, return, open-jaw or multi-city"),
    "one_way": Field("bool", "the trip is one-way"),
    "stay_days": Field("number", "return and open-jaw trips: days between outbound and return departures"),
    "party_size": Field("number", "named travellers in the booking"),
    "travelling_alone": Field("bool", "the booking has one traveller"),
    "bag_count": Field("number", "checked bags of the traveller (the most on any leg); None before check-in"),
    "bag_weight": Field("number", "their weight (the most on any leg), in the unit sent"),
    "agency": Field("code", "IATA number (else office id) of the booking office"),
    "booking_office_type": Field("code", "originator type: A airline, T travel agent, E/W direct or online"),
    "booked_at_agency": Field("bool", "booked by a travel agent (originator T or an IATA agency number)"),
    "booking_country": Field("code", "ISO alpha-3 country of the booking office"),
    "frequent_flyer": Field("bool", "the traveller gave a frequent-flyer account"),
    "nationality": Field("code", "ISO alpha-3 nationality"),
    "residence_country": Field("code", "ISO alpha-3 country of residence (API; PNR: SSR DOCA R)"),
    "document_country": Field("code", "issuing country of the first travel document"),
    "sex": Field("code", "M, F or U"),
    "age": Field("number", "age in years on the first departure day"),
    "age_band": Field("text", "0-17, 18-24, 25-34, 35-44, 45-54, 55-64, 65+"),
    "route_changes": Field("number", "flights cancelled, or added after the booking was made, in the PNR history"),
    "flights_cancelled": Field("number", "flights cancelled in the PNR history"),
}
# fmt: on

AGE_BANDS = ((17, "0-17"), (24, "18-24"), (34, "25-34"), (44, "35-44"), (54, "45-54"), (64, "55-64"))
CASH = frozenset({"CA", "CASH"})


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value and len(value) >= 10 else None
    except ValueError:
        return None


def _age(dob: str | None, on: str | None) -> int | None:
    born, day = _day(dob), _day(on)
    if born is None or day is None or born > day:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _age_band(age: int | None) -> str | None:
    if age is None:
        return None
    return next((label for top, label in AGE_BANDS if age <= top), "65+")


def _uniq(items) -> tuple:
    out: list = []
    for x in items:
        if x and x not in out:
            out.append(x)
    return tuple(out)


def _place(prefix: str, code: str | None) -> dict:
    a = airport(code)
    return {
        f"{prefix}_airport": code.upper() if code else None,
        f"{prefix}_country": a.country if a else None,
        f"{prefix}_region": a.region if a else None,
        f"{prefix}_subregion": a.subregion if a else None,
    }


def _route(path: list[str | None], transit: list[str | None], origin: str | None, destination: str | None) -> dict:
    """Route fields from the airports flown (``path``) and those on the way out (``transit``)."""
    route = _uniq(a.upper() for a in path if a)
    transit_codes = _uniq(a.upper() for a in transit if a and a not in (origin, destination))
    places = [airport(a) for a in route]
    stops = [airport(a) for a in transit_codes]
    return {
        **_place("origin", origin),
        **_place("destination", destination),
        "transit_airports": transit_codes,
        "transit_countries": _uniq(a.country for a in stops if a),
        "transit_subregions": _uniq(a.subregion for a in stops if a),
        "route_airports": route,
        "route_countries": _uniq(a.country for a in places if a),
        "route_subregions": _uniq(a.subregion for a in places if a),
    }


def _gap_hours(prev: FlightSegment, nxt: FlightSegment) -> float:
    a = _datetime(prev.arrival) or _datetime(prev.departure)
    b = _datetime(nxt.departure)
    if a and b:
        return (b - a).total_seconds() / 3600
    da, db = _day(prev.arrival or prev.departure), _day(nxt.departure)
    return (db - da).days * 24.0 if da and db else 0.0


def _datetime(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value[:16]) if value and len(value) >= 16 else None
    except ValueError:
        return None


def _booking_route(booking: Booking, fallback: Traveller | None) -> dict:
    flown = [s for s in booking.itinerary if s.active and s.origin and s.destination]
    if not flown:
        return _traveller_route(fallback) if fallback else _route([], [], None, None)
    turn = len(flown) - 1  # index of the segment arriving at the destination
    if booking.trip_type in ("return", "open-jaw") and len(flown) > 1:
        gaps = [_gap_hours(flown[i], flown[i + 1]) for i in range(len(flown) - 1)]
        turn = max(range(len(gaps)), key=lambda i: (gaps[i], -i))
    origin, destination = flown[0].origin, flown[turn].destination
    path = [flown[0].origin] + [s.destination for s in flown]
    transit = [s.destination for s in flown[:turn]]
    return _route(path, transit, origin, destination)


def _traveller_route(t: Traveller) -> dict:
    f = t.flight
    path = [f.departure_airport] + [leg.arrival_airport for leg in f.legs]
    origin = t.embarkation or f.departure_airport
    destination = t.debarkation or f.arrival_airport
    return _route(path, list(f.transit_airports), origin, destination)


def _person_fields(
    dob: str | None, sex: str | None, nationality: str | None, doc_country: str | None, first_day: str | None
) -> dict:
    age = _age(dob, first_day)
    return {
        "nationality": (nationality or "").upper() or None,
        "document_country": (doc_country or "").upper() or None,
        "sex": (sex or "").upper() or None,
        "age": age,
        "age_band": _age_band(age),
    }


def _mine(items, person: BookingTraveller, alone: bool) -> list:
    """Items (payments, bags, tickets) of this traveller: by reference, or all of them when the
    booking has one traveller and the item names none."""
    ref = person.reference
    return [x for x in items if (ref is not None and x.traveller_reference == ref) or (alone and x.traveller_reference in (None, ref))]


def _history_changes(booking: Booking) -> tuple[int, int]:
    """(route changes, cancellations): flights cancelled, or added after the first history
    time (the flights of the original booking are not changes)."""
    items = booking.route_changes
    times = [h.at for h in items if h.at]
    first = min(times) if times else None
    cancelled = sum(1 for h in items if h.action == "cancelled")
    added_later = sum(1 for h in items if h.action == "added" and first is not None and h.at and h.at > first)
    return cancelled + added_later, cancelled


def booking_context(booking: Booking, person: BookingTraveller, traveller: Traveller | None = None) -> dict:
    """The fields of `FIELDS` for one booking traveller (``traveller``: the event of the pushed
    flight, used for the route when the itinerary is empty and for the carrier)."""
    alone = len(booking.travellers) <= 1
    payments = _mine(booking.payments, person, alone)
    types = _uniq((p.type or "").upper() for p in payments)
    bags = [b for b in _mine(booking.bags, person, alone) if not b.excess]
    counts = [b.count for b in bags if b.count is not None]
    weights = [b.weight for b in bags if b.weight is not None]
    totals = [t.total for t in _mine(booking.tickets, person, alone) if t.total and t.total.amount is not None]
    office = booking.office
    agency = (office.iata_number or office.office_id) if office else None
    office_type = (office.originator_type or "").upper() or None if office else None
    changes, cancelled = _history_changes(booking)
    party = booking.party_size
    pushed = booking.pushed_flight
    doc = person.documents[0] if person.documents else None
    first_day = booking.first_departure or (traveller.flight.departure_time if traveller else None)
    return {
        "source": "pnr",
        **_booking_route(booking, traveller),
        "carrier": (pushed.carrier if pushed else None) or (traveller.flight.carrier if traveller else None),
        "hours_before_departure": booking.hours_before_departure,
        "days_before_departure": booking.days_before_departure,
        "payment_types": types if payments else None,
        "paid_cash": bool(CASH & set(types)) if payments else None,
        "ticket_amount": round(sum(t.amount for t in totals), 2) if totals else None,
        "ticket_currency": totals[0].currency if totals and len({t.currency for t in totals}) == 1 else None,
        "trip_type": booking.trip_type,
        "one_way": booking.trip_type == "one-way" if booking.trip_type else None,
        "stay_days": booking.stay_days,
        "party_size": party or None,
        "travelling_alone": party == 1 if party else None,
        "bag_count": max(counts) if counts else None,
        "bag_weight": max(weights) if weights else None,
        "agency": agency,
        "booking_office_type": office_type,
        "booked_at_agency": (office_type == "T" or bool(office.iata_number)) if office else None,
        "booking_country": (office.country or "").upper() or None if office else None,
        "frequent_flyer": bool(person.frequent_flyers),
        "residence_country": next((c.country for c in booking.contacts if c.code == "DOCA R" and c.country
                                   and c.traveller_reference == person.reference), None),
        **_person_fields(person.date_of_birth, person.sex, person.nationality, doc.issuing_country if doc else None, first_day),
        "route_changes": changes,
        "flights_cancelled": cancelled,
    }


def api_context(t: Traveller) -> dict:
    """The fields of `FIELDS` an API (PAXLST) record gives alone; booking fields are None."""
    ctx: dict = dict.fromkeys(FIELDS)
    doc = t.document
    ctx.update(
        source="api",
        **_traveller_route(t),
        carrier=t.flight.carrier,
        residence_country=(t.residence_country or "").upper() or None,
        **_person_fields(t.date_of_birth, t.sex, t.nationality, doc.issuing_country if doc else None, t.flight.departure_time),
    )
    return ctx
