"""The booking event: derived values (trip type, stay, lead time), codec round trips, rejects."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paxscreen.booking import (
    BOOKING_SCHEMA,
    Amount,
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
    booking_dict,
    decode_booking,
    encode_booking,
)
from paxscreen.errors import InvalidMessage
from paxscreen.models import Document
from producers.pnrgov import parse_pnrgov

GTAS = Path(__file__).resolve().parents[3] / "shared/samples/gtas"
SAMPLES = Path(__file__).resolve().parents[2] / "paxscreen/samples/pnrgov"


def seg(
    origin: str,
    destination: str,
    departure: str | None,
    arrival: str | None = None,
    *,
    number: str = "100",
    status: str | None = "HK",
) -> FlightSegment:
    return FlightSegment("XY", number, origin, destination, departure, arrival, status=status)


def booking(*itinerary: FlightSegment, created_at: str | None = "2025-05-20T09:00", **kw) -> Booking:
    return Booking("b-1", (Locator("ABC123", "XY"),), itinerary=itinerary, created_at=created_at, **kw)


# --- derived values ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("itinerary", "trip", "stay"),
    [
        ((), None, None),
        ((seg("AAA", "BBB", "2025-06-01T10:00", "2025-06-01T14:00"),), "one-way", None),
        (
            (
                seg("AAA", "BBB", "2025-06-01T10:00", "2025-06-01T14:00"),
                seg("BBB", "AAA", "2025-06-04T09:00"),
            ),
            "return",
            3,
        ),
        (
            (
                seg("AAA", "BBB", "2025-06-01T10:00", "2025-06-01T14:00"),
                seg("BBB", "AAA", "2025-06-01T20:00"),
            ),
            "return",
            0,
        ),
        (
            (
                seg("AAA", "BBB", "2025-06-01T10:00", "2025-06-01T14:00"),
                seg("CCC", "AAA", "2025-06-09T09:00"),
            ),
            "open-jaw",
            8,
        ),
        (
            (
                seg("AAA", "BBB", "2025-06-01T10:00", "2025-06-01T14:00"),
                seg("BBB", "CCC", "2025-06-09T09:00"),
            ),
            "open-jaw",
            8,
        ),
        (
            (
                seg("AAA", "BBB", "2025-06-01T10:00", "2025-06-01T14:00"),
                seg("CCC", "DDD", "2025-06-09T09:00"),
            ),
            "multi-city",
            None,
        ),
        (
            (
                seg("AAA", "BBB", "2025-06-01T10:00", "2025-06-01T14:00"),
                seg("BBB", "CCC", "2025-06-03T10:00", "2025-06-03T12:00"),
                seg("CCC", "AAA", "2025-06-06T10:00"),
            ),
            "multi-city",
            None,
        ),
        (  # GRU-LFW-BRU: a connection of less than 24 hours is one journey
            (
                seg("GRU", "LFW", "2025-04-08T17:30", "2025-04-09T06:40"),
                seg("LFW", "BRU", "2025-04-09T08:20"),
            ),
            "one-way",
            None,
        ),
        ((seg("AAA", "BBB", "2025-06-01"), seg("BBB", "AAA", "2025-06-02")), "return", 1),  # dates only
        (
            (seg("AAA", "BBB", "2025-06-01T10:00"), seg("BBB", "AAA", "2025-06-04T09:00", status="HX")),
            "one-way",
            None,
        ),
    ],
)
def test_trip_type_and_stay(itinerary: tuple[FlightSegment, ...], trip: str | None, stay: int | None) -> None:
    b = booking(*itinerary)
    assert (b.trip_type, b.stay_days) == (trip, stay)


@pytest.mark.parametrize(
    ("created_at", "departure", "days", "hours"),
    [
        ("2025-04-07T21:30", "2025-04-08T17:30", 1, 20.0),
        ("2025-01-13T15:22", "2025-03-14T18:55", 60, 1443.5),
        ("2025-01-13", "2025-03-14T18:55", 60, None),
        (None, "2025-03-14T18:55", None, None),
        ("2025-01-13T15:22", None, None, None),
    ],
)
def test_lead_time(
    created_at: str | None, departure: str | None, days: int | None, hours: float | None
) -> None:
    b = booking(seg("AAA", "BBB", departure), created_at=created_at)
    assert (b.days_before_departure, b.hours_before_departure) == (days, hours)


def test_locator_party_and_route_changes() -> None:
    pushed = FlightSegment("ZZ", "7", "AAA", "BBB")
    moved = HistoryItem("X", "cancelled", None, None, "flight", seg("AAA", "BBB", "2025-06-01"))
    note = HistoryItem("A", "added", None, None, "text", text="FP CASH")
    b = Booking(
        "b-1",
        (Locator("AAA111", "1A"), Locator("ZZZ999", "ZZ")),
        travellers=(
            BookingTraveller("1", "DOE", "JOHN"),
            BookingTraveller(None, "DOE", "BABY", infant_of="1"),
        ),
        pushed_flight=pushed,
        history=(moved, note),
    )
    assert (b.locator, b.party_size, b.route_changes) == ("ZZZ999", 2, (moved,))
    assert (
        Booking("b-2", (Locator("AAA111"),), itinerary=(seg("A", "B", None, status="HK"),)).locator
        == "AAA111"
    )
    assert Booking("b-3", (), itinerary=(FlightSegment("X", "1", "A", "B", party=3),)).party_size == 3
    dcs_first = (Locator("89QM3LABML", "ZZ", "C"), Locator("ZZ1234", "ZZ"))
    assert Booking("b-4", dcs_first, pushed_flight=pushed).locator == "ZZ1234"


def test_screening_names_prefer_the_document() -> None:
    pnr_only = BookingTraveller("1", "SMITHJR", "JOHN", "MR")
    with_docs = BookingTraveller(
        "1", "SMITHJR", "JOHN", "MR", docs_surname="SMITHJR", docs_given_names="JONATHON ROBERT"
    )
    assert (pnr_only.screening_surname, pnr_only.screening_given_names) == ("SMITHJR", "JOHN")
    assert (with_docs.screening_surname, with_docs.screening_given_names) == ("SMITHJR", "JONATHON ROBERT")


def test_segment_designator_leg_and_status() -> None:
    s = FlightSegment("SN", "2880", "LFW", "BRU", "2025-04-09T08:20", "2025-04-09T15:35", status="XX")
    assert (s.designator, s.active) == ("SN2880", False)
    assert (s.leg().number, s.leg().departure_airport, s.leg().arrival_time) == (
        "SN2880",
        "LFW",
        "2025-04-09T15:35",
    )
    assert FlightSegment("SN", None, "A", "B").designator is None


def test_payments_have_no_room_for_a_card_number() -> None:
    assert {f.name for f in fields(Payment)} == {
        "type",
        "amount",
        "currency",
        "card_type",
        "card_last4",
        "traveller_reference",
    }


# --- codec -------------------------------------------------------------------------------------------


def parsed() -> list[Booking]:
    found = [
        b
        for f in sorted(SAMPLES.glob("*.edi"))
        for b in parse_pnrgov(f.read_bytes(), received_at="2025-06-01T00:00:00Z")
    ]
    for name in ("pnrgov_v10_business_case.edi", "pnrgov_v11_cash_history.edi"):
        if (GTAS / name).is_file():
            found += parse_pnrgov((GTAS / name).read_bytes())
    return found


def test_parsed_bookings_round_trip() -> None:
    bookings = parsed()
    assert len(bookings) >= 2
    for b in bookings:
        assert decode_booking(encode_booking(b)) == b


def test_encoded_booking_carries_schema_and_derived_values() -> None:
    b = next(b for b in parsed() if b.locator == "QKZ7TM")
    d = orjson.loads(encode_booking(b))
    assert d["schema"] == BOOKING_SCHEMA
    assert (d["locator"], d["trip_type"], d["stay_days"], d["days_before_departure"], d["party_size"]) == (
        "QKZ7TM",
        "return",
        22,
        60,
        3,
    )
    assert [h["segment"]["number"] for h in d["route_changes"]] == ["010", "011"]
    assert booking_dict(b)["travellers"][0]["documents"][0] == {
        "number": "AX482913",
        "type": "P",
        "issuing_country": "COL",
        "expiry": "2033-09-21",
    }


def test_gtas_v11_reads_as_sources_md_says() -> None:
    if not (GTAS / "pnrgov_v11_cash_history.edi").is_file():
        pytest.skip(f"GTAS samples not found at {GTAS}")
    (b,) = parse_pnrgov((GTAS / "pnrgov_v11_cash_history.edi").read_bytes())
    d = booking_dict(b)
    assert (d["locator"], d["trip_type"], d["stay_days"]) == ("W9TEND", "return", 3)
    assert [(p["type"], p["amount"], p["currency"]) for p in d["payments"]] == [("CA", 1999.99, "SGD")]


GOOD = {"schema": BOOKING_SCHEMA, "booking_id": "b-1", "locators": [{"code": "ABC123"}]}


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"not json", "not a booking event"),
        (b"[1, 2]", "not a booking event"),
        ({**GOOD, "schema": "paxscreen.traveller/1"}, "expected schema"),
        ({**GOOD, "schema": "paxscreen.booking/2"}, "unsupported schema version"),
        ({"schema": BOOKING_SCHEMA, "locators": []}, "not a booking event"),
        ({**GOOD, "travellers": [1]}, "not a booking event"),
        ({**GOOD, "itinerary": [{"carrier": "XY"}]}, "not a booking event"),
    ],
)
def test_decode_rejects(data: bytes | dict, reason: str) -> None:
    with pytest.raises(InvalidMessage) as err:
        decode_booking(data)
    assert reason in err.value.reason


def test_decode_ignores_added_fields_and_reads_null_as_absent() -> None:
    b = decode_booking(
        {**GOOD, "future_field": 1, "trip_type": "ignored", "travellers": None, "office": None}
    )
    assert (b.locators, b.trip_type, b.travellers, b.office) == ((Locator("ABC123"),), None, (), None)


# --- round trips of arbitrary bookings ---------------------------------------------------------------

TEXT = st.none() | st.text(max_size=6)
WHEN = (
    st.none()
    | st.text(max_size=17)
    | st.datetimes(min_value=datetime(1950, 1, 1)).map(lambda d: d.isoformat(timespec="minutes"))
)
MONEY = st.none() | st.floats(allow_nan=False, allow_infinity=False)
COUNT = st.none() | st.integers(0, 99)
SEGMENTS = st.builds(FlightSegment, TEXT, TEXT, TEXT, TEXT, WHEN, WHEN, TEXT, TEXT, COUNT, TEXT, TEXT)
LOCATORS = st.lists(st.builds(Locator, st.text(min_size=1, max_size=6), TEXT, TEXT, WHEN), max_size=2).map(
    tuple
)
BOOKINGS = st.builds(
    Booking,
    booking_id=st.text(min_size=1, max_size=8),
    locators=LOCATORS,
    travellers=st.lists(
        st.builds(
            BookingTraveller,
            TEXT,
            TEXT,
            TEXT,
            TEXT,
            TEXT,
            TEXT,
            TEXT,
            WHEN,
            TEXT,
            TEXT,
            st.lists(st.builds(Document, TEXT, TEXT, TEXT, WHEN), max_size=2).map(tuple),
            st.lists(st.builds(FrequentFlyer, TEXT, TEXT, TEXT), max_size=1).map(tuple),
            TEXT,
        ),
        max_size=2,
    ).map(tuple),
    itinerary=st.lists(SEGMENTS, max_size=3).map(tuple),
    pushed_flight=st.none() | SEGMENTS,
    created_at=WHEN,
    office=st.none() | st.builds(Office, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT),
    non_air=st.lists(st.builds(NonAirSegment, TEXT, WHEN, WHEN, TEXT, TEXT), max_size=1).map(tuple),
    payments=st.lists(st.builds(Payment, TEXT, MONEY, TEXT, TEXT, TEXT, TEXT), max_size=2).map(tuple),
    tickets=st.lists(
        st.builds(
            Ticket,
            TEXT,
            TEXT,
            TEXT,
            WHEN,
            st.lists(st.builds(Amount, TEXT, MONEY, TEXT), max_size=2).map(tuple),
        ),
        max_size=1,
    ).map(tuple),
    bags=st.lists(
        st.builds(
            Bag,
            TEXT,
            COUNT,
            MONEY,
            TEXT,
            TEXT,
            TEXT,
            st.lists(st.text(max_size=4), max_size=2).map(tuple),
            st.booleans(),
        ),
        max_size=1,
    ).map(tuple),
    seats=st.lists(
        st.builds(Seat, TEXT, st.text(max_size=4), TEXT, TEXT, st.sampled_from(["SSR", "SSD"])), max_size=2
    ).map(tuple),
    contacts=st.lists(
        st.builds(Contact, st.text(max_size=7), st.text(max_size=9), TEXT, TEXT, TEXT), max_size=2
    ).map(tuple),
    splits=st.lists(st.builds(Split, COUNT, LOCATORS), max_size=1).map(tuple),
    history=st.lists(
        st.builds(HistoryItem, TEXT, TEXT, WHEN, TEXT, st.text(max_size=8), st.none() | SEGMENTS, TEXT),
        max_size=2,
    ).map(tuple),
    pnrs_in_push=COUNT,
    warnings=st.lists(st.text(max_size=10), max_size=2).map(tuple),
)


@settings(max_examples=150, deadline=None)
@given(BOOKINGS)
def test_any_booking_round_trips(b: Booking) -> None:
    assert decode_booking(encode_booking(b)) == b
    stay, days = b.stay_days, b.days_before_departure
    assert stay is None or isinstance(stay, int)
    assert days is None or isinstance(days, int)
    assert b.trip_type in (None, "one-way", "return", "open-jaw", "multi-city")
