"""Constructed bookings and rules documents for the targeting tests."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from paxscreen.booking import (
    Amount,
    Bag,
    Booking,
    BookingTraveller,
    FlightSegment,
    FrequentFlyer,
    HistoryItem,
    Locator,
    Office,
    Payment,
    Ticket,
)
from paxscreen.models import Document

REPO = Path(__file__).resolve().parents[2]
STARTER = REPO / "paxscreen/rules/couriers.yaml"
SAMPLES = REPO / "paxscreen/samples/pnrgov"
GTAS = REPO.parent / "shared/samples/gtas"


def seg(origin: str, destination: str, dep: str, arr: str | None = None, number: str = "2880", carrier: str = "SN",
        status: str = "HK") -> FlightSegment:
    return FlightSegment(carrier, number, origin, destination, dep, arr, "Y", status, 1)


def person(ref: str = "1", surname: str = "DOE", given: str = "JOHN", dob: str | None = "1999-05-01",
           nat: str | None = "BRA", ff: bool = False) -> BookingTraveller:
    return BookingTraveller(
        reference=ref, surname=surname, given_names=given, docs_surname=surname, docs_given_names=given,
        date_of_birth=dob, sex="M", nationality=nat,
        documents=(Document(number=f"P{ref}000", type="P", issuing_country=nat),),
        frequent_flyers=(FrequentFlyer("SN", "123"),) if ff else (),
    )


def booking(**changes) -> Booking:
    """A courier-looking booking (GRU-LFW-BRU one-way, cash, made 20 h before departure, alone,
    no bags at an agency); ``changes`` replace fields."""
    legs = (seg("GRU", "LFW", "2025-04-08T17:30", "2025-04-09T06:40"), seg("LFW", "BRU", "2025-04-09T08:20", "2025-04-09T15:35"))
    base = Booking(
        booking_id="b-test",
        locators=(Locator("7XKQ4D", "SN"),),
        travellers=(person(),),
        itinerary=legs,
        pushed_flight=legs[1],
        created_at="2025-04-07T21:30",
        office=Office(airline="1A", location="SAO", iata_number="57512345", originator_type="T", country="BRA"),
        payments=(Payment("CA", 1000.0, "BRL", traveller_reference="1"),),
        tickets=(Ticket("0821", "T", "1", amounts=(Amount("T", 1000.0, "BRL"),)),),
        bags=(Bag("1", 0, origin="GRU", destination="LFW"), Bag("1", 0, origin="LFW", destination="BRU")),
        history=(
            HistoryItem("A", "added", "2025-04-07T21:30", None, "flight", legs[0]),
            HistoryItem("A", "added", "2025-04-07T21:30", None, "flight", legs[1]),
        ),
        received_at="2025-04-08T10:00:00Z",
    )
    return dataclasses.replace(base, **changes)


def family_return() -> Booking:
    out = seg("BOG", "MAD", "2025-03-14T18:55", "2025-03-15T11:35", "010", "AV")
    back = seg("MAD", "BOG", "2025-04-05T13:30", "2025-04-05T17:15", "011", "AV")
    return booking(
        itinerary=(out, back), pushed_flight=out, created_at="2025-01-13T15:22",
        travellers=(person("1", dob="1984-05-12", nat="COL", ff=True), person("2", "ROE", "JANE", "1991-11-03", "COL"),
                    person("3", "ROE", "SAM", "2016-01-05", "COL")),
        payments=tuple(Payment("CC", 10.0, "COP", card_type="VI", traveller_reference=r) for r in "123"),
        bags=(Bag("1", 2, 46.0, "KG"), Bag("2", 1, 21.0, "KG")),
        office=Office(airline="AV", location="BOG", originator_type="W", country="COL"),
        history=(),
    )


def rules_doc(*indicators: str, threshold: float = 1, profile_extra: str = "") -> str:
    """A one-profile rules document; each indicator a YAML flow mapping ``{id: a, field: ...}``."""
    items = "".join(f"      - {ind}\n" for ind in indicators)
    return f"version: test\nprofiles:\n  - id: p1\n    threshold: {threshold}\n{profile_extra}    indicators:\n{items}"
