"""PNRGOV to bookings and travellers: the GTAS fixtures, our samples, edge cases, errors, fuzzing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paxscreen.booking import Booking, decode_booking, encode_booking
from paxscreen.errors import InvalidMessage
from producers.paxlst import parse_paxlst
from producers.pnrgov import booking_travellers, parse_pnrgov
from producers.pnrgov_segments import docs_date, pnr_datetime, split_title

GTAS = Path(__file__).resolve().parents[3] / "shared/samples/gtas"
SAMPLES = Path(__file__).resolve().parents[2] / "paxscreen/samples"
RECEIVED = "2025-06-01T08:05:00Z"

PUSHED = "TVL+010625:1000:010625:1400+AAA+BBB+XY+100"
OUT = "TVL+010625:1000:010625:1400+AAA+BBB+XY+100:Y"
BACK = "TVL+080625:0900:080625:1300+BBB+AAA+XY+101:Y"
DOCS = "/P/GBR/X1234567/GBR/01JAN80/M/01JAN30/DOE/JOHN"


def gtas(name: str) -> bytes:
    path = GTAS / name
    if not path.is_file():
        pytest.skip(f"GTAS sample {name} not found in {GTAS} (the shared/ folder beside the repo)")
    return path.read_bytes()


def pnr(
    *tail: str,
    locator: str = "ABC123",
    tif: str = "TIF+DOE+JOHNMR:A:1",
    docs: str | None = DOCS,
    fop: str = "FOP+CA::500.00",
    flights: Sequence[str] = (OUT,),
) -> list[str]:
    """The segments of one PNR after SRC: RCI DAT TIF [SSR DOCS] TKT MON FOP, TVL RPI..., ``tail``."""
    segs = [f"RCI+XY:{locator}::200525:0900", "DAT+700:200525:0930", tif]
    if docs is not None:
        segs.append(f"SSR+DOCS:HK:1:XY:::::{docs}+::1")
    segs += ["TKT+1234567890123:T:1", "MON+T:500.00:EUR", fop]
    for flight in flights:
        segs += [flight, "RPI+1+HK"]
    return [*segs, *tail]


def message(
    *pnrs: Sequence[str],
    push: str = "22",
    pushed: str | None = PUSHED,
    eqn: int | None = None,
    una: str | None = "UNA:+.? '",
    sep: str = "\n",
    before_src: Sequence[str] = (),
) -> str:
    """A whole PNRGOV interchange (UNA, UNB, UNH, MSG, ORG, TVL, EQN, the PNRs, UNT with the right
    count, UNZ). With the default UNA, UNB is segment #1 on line 2 and SRC is #7 on line 8."""
    body = [
        f"MSG+:{push}",
        "ORG+XY:AAA",
        *([pushed] if pushed else []),
        f"EQN+{len(pnrs) if eqn is None else eqn}",
    ]
    body += before_src
    for p in pnrs:
        body += ["SRC", *p]
    segs = [
        "UNB+IATA:1+XY+GOV+250601:0800+IC1",
        "UNH+M1+PNRGOV:11:1:IA",
        *body,
        f"UNT+{len(body) + 2}+M1",
        "UNZ+1+IC1",
    ]
    return (una + sep if una else "") + sep.join(s + "'" for s in segs) + sep


def one(data: str | bytes) -> Booking:
    (booking,) = parse_pnrgov(data, received_at=RECEIVED)
    return booking


def route(b: Booking) -> list[tuple]:
    return [(s.designator, s.origin, s.destination, s.departure, s.status) for s in b.itinerary]


# --- the GTAS fixtures (readings from shared/samples/gtas/SOURCES.md) -------------------------------


def test_gtas_v11_cash_history() -> None:
    b = one(gtas("pnrgov_v11_cash_history.edi"))
    assert (b.locator, b.version, b.push_type, b.sender, b.message_ref) == (
        "W9TEND",
        "11.1",
        "full",
        "TZ",
        "00102181551362",
    )
    (t,) = b.travellers
    assert (t.surname, t.given_names, t.title, t.reference) == ("VANDENBERG", "KEVINMICHAEL", "MR", "43576")
    assert (t.docs_surname, t.docs_given_names) == ("VANDENBERG", "KEVIN MICHAEL")  # DOCS broken across lines
    assert (t.date_of_birth, t.sex, t.nationality) == ("1980-07-04", "M", "USA")
    assert [(d.type, d.number, d.issuing_country, d.expiry) for d in t.documents] == [
        ("P", "548721687", "USA", "2019-01-12")
    ]
    assert [(p.type, p.amount, p.currency, p.card_last4) for p in b.payments] == [
        ("CA", 1999.99, "SGD", None)
    ]
    assert route(b) == [
        ("TZ0006", "SIN", "OOL", "2013-05-28T22:25", "HK"),
        ("TZ0005", "OOL", "SIN", "2013-05-31T09:00", "HK"),
    ]
    assert (b.trip_type, b.stay_days, b.days_before_departure) == ("return", 3, 5)
    assert (b.created_at, b.last_modified, b.ticketed_at) == (
        "2013-05-23T18:13",
        "2013-05-23T21:25",
        "2013-05-23T21:24",
    )
    assert [(h.action, h.segment.origin, h.segment.destination) for h in b.route_changes] == [
        ("cancelled", "SIN", "OOL"),
        ("cancelled", "OOL", "SIN"),
        ("added", "SIN", "OOL"),
        ("added", "OOL", "SIN"),
    ]
    assert b.pushed_flight.designator == "TZ0006"
    assert any("UNT says '173'" in w for w in b.warnings)
    assert any("the next segment (IFT) runs into its element 2" in w for w in b.warnings)  # RPI+1+HKIFT+...


def test_gtas_v10_business_case() -> None:
    b = one(gtas("pnrgov_v10_business_case.edi"))
    assert (b.locator, b.version, b.push_type, b.pnrs_in_push) == ("MFN4TI", "10.1", "full", 2)
    p = b.pushed_flight
    assert (p.designator, p.origin, p.destination, p.departure) == ("DL324", "LHR", "JFK", "2010-12-12T09:15")
    assert [(t.surname, t.given_names, t.title) for t in b.travellers] == [
        ("SMITHJR", "JOHN", "MR"),
        ("JONES", "WILLIAM", "MR"),
    ]
    smith, jones = b.travellers
    assert [(d.number, d.issuing_country) for d in smith.documents] == [("123456789", "GBR")]
    assert (smith.docs_given_names, smith.date_of_birth) == ("JONATHON ROBERT", "1964-07-12")
    assert (jones.documents, jones.nationality) == ((), "GBR")
    assert [(f.airline, f.number, f.tier) for f in smith.frequent_flyers] == [("DL", "1234567890", "ELITE")]
    assert {(p.type, p.card_type, p.card_last4) for p in b.payments} == {("CC", "VI", "1186")}
    assert b"XXXXXXXX1186" not in encode_booking(b)
    assert [
        (s.traveller_reference, s.seat) for s in b.seats if (s.origin, s.destination) == ("LHR", "JFK")
    ] == [
        ("1", "15A"),
        ("2", "15B"),
        ("1", "15A"),
    ]
    assert [(h.action_code, h.segment.designator, h.segment.departure[:10]) for h in b.route_changes] == [
        ("X", "DL324", "2010-12-10"),
        ("X", "DL330", "2010-12-10"),
        ("A", "DL324", "2010-12-12"),
        ("A", "DL330", "2010-12-12"),
    ]
    assert [(s.count, [loc.code for loc in s.locators]) for s in b.splits] == [(1, ["ABCDEF"])]
    assert [(n.kind, n.location, n.start) for n in b.non_air] == [("8", "YVR", "2010-12-12T15:00")]
    o = b.office
    assert (o.airline, o.location, o.iata_number, o.country, o.currency, o.agent_id) == (
        "DL",
        "ATL",
        "52519950",
        "GBR",
        "GBP",
        "D050517",
    )
    assert route(b)[1] == ("DL330", "JFK", "YVR", "2010-12-12T22:00", "HK")
    assert (b.trip_type, b.days_before_departure, b.party_size) == ("one-way", 6, 2)


def test_gtas_v10_travellers() -> None:
    smith, jones = booking_travellers(one(gtas("pnrgov_v10_business_case.edi")))
    assert (smith.surname, smith.given_names, smith.seat, smith.source) == (
        "SMITHJR",
        "JONATHON ROBERT",
        "15A",
        "pnrgov",
    )
    assert (jones.surname, jones.given_names, jones.seat) == ("JONES", "WILLIAMNEVELL", "15B")
    assert smith.document.number == "123456789" and jones.document is None
    assert [(leg.number, leg.departure_airport, leg.arrival_airport) for leg in smith.flight.legs] == [
        ("DL324", "LHR", "JFK")
    ]
    assert (smith.pnr_locator, smith.sender, smith.message_ref, smith.received_at) == (
        "MFN4TI",
        "DL",
        "1",
        RECEIVED,
    )
    assert smith.event_id != jones.event_id


# --- our samples -------------------------------------------------------------------------------------


def test_sample_courier_one_way_cash() -> None:
    b = one((SAMPLES / "pnrgov/sn2880_gru_lfw_bru_oneway_cash.edi").read_bytes())
    assert (b.locator, b.version, b.trip_type, b.stay_days, b.party_size) == (
        "7XKQ4D",
        "13.1",
        "one-way",
        None,
        1,
    )
    assert (b.days_before_departure, b.hours_before_departure) == (1, 20.0)
    assert [(p.type, p.amount, p.currency) for p in b.payments] == [("CA", 14352.4, "BRL")]
    assert [(g.count, g.origin, g.destination) for g in b.bags] == [(0, "GRU", "LFW"), (0, "LFW", "BRU")]
    assert (b.office.originator_type, b.office.iata_number, b.office.country) == ("T", "57512345", "BRA")
    assert b.warnings == ()
    (t,) = booking_travellers(b)
    assert [(leg.number, leg.departure_airport, leg.arrival_airport) for leg in t.flight.legs] == [
        ("SN2880", "GRU", "LFW"),
        ("SN2880", "LFW", "BRU"),
    ]  # pushed for its LFW-BRU leg, screened as the whole flight, as PAXLST reports it
    assert (t.surname, t.given_names, t.date_of_birth, t.seat, t.nationality) == (
        "TAVARES DOS REIS",
        "LUCAS HENRIQUE",
        "2001-02-14",
        "31K",
        "BRA",
    )
    assert t.airports == ("GRU", "LFW", "BRU")


def test_sample_family_return_card_matches_paxlst_event_ids() -> None:
    b = one((SAMPLES / "pnrgov/av010_bog_mad_return_family.edi").read_bytes())
    assert (b.trip_type, b.stay_days, b.days_before_departure, b.party_size) == ("return", 22, 60, 3)
    assert {(p.type, p.card_type, p.card_last4) for p in b.payments} == {("CC", "VI", "4417")}
    assert [(g.traveller_reference, g.count, g.weight, g.tags) for g in b.bags] == [
        ("1", 2, 46.0, ("AV0134512201", "AV0134512202")),
        ("2", 1, 21.0, ("AV0134512203",)),
    ]
    assert [(c.kind, c.value) for c in b.contacts if c.kind == "email"] == [
        ("email", "JCRESTREPO@CORREOEJEMPLO.CO")
    ]
    pnr_ids = {t.surname: (t.event_id, t.seat) for t in booking_travellers(b)}
    (manifest,) = parse_paxlst((SAMPLES / "paxlst/av010_bog_mad_d05b.edi").read_bytes())
    paxlst_ids = {t.surname: (t.event_id, t.seat) for t in manifest.travellers}
    for surname in ("RESTREPO GAVIRIA", "OSPINA"):  # same person, same flight: the same event id
        assert pnr_ids[surname] == paxlst_ids[surname]


# --- our own cases -----------------------------------------------------------------------------------


def test_custom_una_separators_and_decimal_comma() -> None:
    text = message(pnr(fop="FOP+CA::1999.99")).replace("UNA:+.? '", "UNA^|,# ~")
    text = text.translate(str.maketrans({":": "^", "+": "|", "'": "~"})).replace("1999.99", "1999,99")
    b = one(text)
    assert (b.locator, b.travellers[0].docs_surname) == ("ABC123", "DOE")
    assert [p.amount for p in b.payments] == [1999.99]


def test_release_characters_and_segments_broken_across_lines() -> None:
    docs = "/P/IRL/P?+77/IRL/01JAN80/M/01JAN30/O?'BRI\nEN/SEAN"
    b = one(message(pnr(tif="TIF+O?'BRIEN+SEANMR:A:1", docs=docs)))
    t = b.travellers[0]
    assert (t.surname, t.given_names, t.docs_surname, t.documents[0].number) == (
        "O'BRIEN",
        "SEAN",
        "O'BRIEN",
        "P+77",
    )


def test_two_pnrs_in_one_message() -> None:
    first, second = parse_pnrgov(
        message(pnr(locator="AAA111"), pnr(locator="BBB222", tif="TIF+ROE+JANEMS:A:1", docs=None))
    )
    assert (first.locator, second.locator) == ("AAA111", "BBB222")
    assert first.booking_id != second.booking_id
    assert [t.surname for t in booking_travellers(first) + booking_travellers(second)] == ["DOE", "ROE"]
    assert second.travellers[0].title == "MS" and second.pushed_flight == first.pushed_flight


def test_change_push_and_empty_push() -> None:
    assert one(message(pnr(), push="141")).push_type == "change"
    assert parse_pnrgov(message(eqn=0)) == []


@pytest.mark.parametrize(
    ("flights", "trip", "stay"),
    [
        ((OUT,), "one-way", None),
        ((OUT, BACK), "return", 7),
        ((OUT, "TVL+080625:0900:080625:1300+CCC+AAA+XY+101:Y"), "open-jaw", 7),
        ((OUT, "TVL+080625:0900:080625:1300+CCC+DDD+XY+101:Y"), "multi-city", None),
        ((OUT, "TVL+010625:1600:010625:1800+BBB+CCC+XY+200:Y"), "one-way", None),  # a connection
    ],
)
def test_trip_types_from_the_itinerary(flights: tuple[str, ...], trip: str, stay: int | None) -> None:
    b = one(message(pnr(flights=flights)))
    assert (b.trip_type, b.stay_days) == (trip, stay)


@pytest.mark.parametrize(
    ("tvl", "arrival"),
    [
        ("TVL+010625:0900::1230+AAA+BBB+XY+100", "2025-06-01T12:30"),  # same day (GTAS v10 style)
        ("TVL+010625:2300::0100+AAA+BBB+XY+100", "2025-06-02T01:00"),  # earlier time: next day
        ("TVL+31129999:2300::0100+AAA+BBB+XY+100", "9999-12-31T01:00"),  # no day after the last
        ("TVL+010625:2300:030625:0100+AAA+BBB+XY+100", "2025-06-03T01:00"),
        ("TVL+010625+AAA+BBB+XY+100", None),
    ],
)
def test_tvl_arrival_without_a_date(tvl: str, arrival: str | None) -> None:
    (seg,) = one(message(pnr(flights=(tvl,)))).itinerary
    assert seg.arrival == arrival


def test_cash_bags_seats_at_check_in() -> None:
    checkin = [
        "DAT+2:010625:0800",
        "TRI++001:::1",
        "TIF+DOE+JOHNMR:A:1",
        "SSD+12C++++Y",
        "TBD++2:31:700+++XY:0123456789:2:BBB",
    ]
    b = one(message(pnr(*checkin)))
    assert [(p.type, p.amount, p.currency) for p in b.payments] == [("CA", 500.0, "EUR")]
    assert [(g.traveller_reference, g.count, g.weight, g.unit, g.tags) for g in b.bags] == [
        ("1", 2, 31.0, "KG", ("XY0123456789", "XY0123456790"))
    ]
    (t,) = booking_travellers(b)
    assert (t.seat, t.document.number) == ("12C", "X1234567")


def test_eqn_splits_and_codeshare() -> None:
    codeshare = [
        "TVL+010625:1000:010625:1400+AAA+BBB+ZZ:XY+9100:Y",
        "TVL+010625:1000:010625:1400+AAA+BBB+XY+100",
    ]
    b = one(message(pnr(flights=()) + [*codeshare, "RPI+1+HK", "EQN+2", "RCI+XY:SPL111+1A:SPL222"]))
    (seg,) = b.itinerary
    assert (seg.designator, seg.operating_carrier, seg.operating_number, seg.status) == (
        "ZZ9100",
        "XY",
        "100",
        "HK",
    )
    assert [(s.count, [(loc.company, loc.code) for loc in s.locators]) for s in b.splits] == [
        (2, [("XY", "SPL111"), ("1A", "SPL222")])
    ]
    (t,) = booking_travellers(b)  # the pushed XY100 is found through the operating carrier
    assert [(leg.number, leg.departure_airport) for leg in t.flight.legs] == [("XY100", "AAA")]


def test_card_number_never_kept() -> None:
    b = one(message(pnr(fop="FOP+CC::628.32:VI:4235792300387826:0813")))
    assert [(p.card_type, p.card_last4, p.amount) for p in b.payments] == [("VI", "7826", 628.32)]
    assert b"4235792300387826" not in encode_booking(b) and b"0813" not in encode_booking(b)


def test_infant_declared_under_adult_and_history_name_change() -> None:
    infant = "SSR+DOCS:HK:1:XY:::::/P/GBR/I7654321/GBR/01JAN24/FI/01JAN29/DOE/BABY+::1"
    history = [
        "ABI+4+AGT1+AAA++XY",
        "DAT+T:210525:1000",
        "SAC+++X",
        "TIF+DOE+JON:A:1",
        "SAC+++A",
        "TIF+DOE+JOHN:A:1",
    ]
    segs = pnr(*history)
    segs.insert(4, infant)
    b = one(message(segs))
    adult, baby = b.travellers
    assert (baby.surname, baby.given_names, baby.sex, baby.infant_of, baby.passenger_type) == (
        "DOE",
        "BABY",
        "F",
        "1",
        "IN",
    )
    assert (adult.documents[0].number, baby.documents[0].number) == ("X1234567", "I7654321")
    assert [(h.action, h.kind, h.text, h.by) for h in b.history] == [
        ("cancelled", "traveller", "DOE/JON", "XY/AAA/AGT1"),
        ("added", "traveller", "DOE/JOHN", "XY/AAA/AGT1"),
    ]
    assert [t.given_names for t in booking_travellers(b)] == ["JOHN", "BABY"]


INFANT_DOCS = "/P/GBR/I7654321/GBR/01JAN24/FI/01JAN29/DOE/BABY"


def test_an_infants_docs_repeated_after_each_flight_segment_make_one_infant() -> None:
    infant = f"SSR+DOCS:HK:1:XY:::::{INFANT_DOCS}+::1"
    out = [OUT, "RPI+1+HK", f"SSR+DOCS:HK:1:XY:::AAA:BBB:{INFANT_DOCS}+::1"]
    back = [BACK, "RPI+1+HK", f"SSR+DOCS:HK:1:XY:::BBB:AAA:{INFANT_DOCS}+::1"]
    segs = pnr(*out, *back, flights=())
    segs.insert(4, infant)
    b = one(message(segs))
    assert [(t.given_names, t.passenger_type, t.infant_of) for t in b.travellers] == [
        ("JOHN", "A", None), ("BABY", "IN", "1")]
    assert [d.number for d in b.travellers[1].documents] == ["I7654321"]
    assert [t.given_names for t in booking_travellers(b)] == ["JOHN", "BABY"]


@pytest.mark.parametrize("infant_tif", ["TIF+DOE:I+BABYMISS:IN:2", "TIF+DOE:I+BABY:IN:2"])
def test_an_infant_in_its_own_tif_and_in_docs_under_its_adult_is_one_traveller(infant_tif) -> None:
    segs = pnr()
    segs[4:4] = [f"SSR+DOCS:HK:1:XY:::::{INFANT_DOCS}+::1", infant_tif]  # the TIF after the adult's DOCS
    b = one(message(segs))
    assert [(t.reference, t.given_names, t.passenger_type) for t in b.travellers] == [
        ("1", "JOHN", "A"), ("2", "BABY", "IN")]
    baby = b.travellers[1]
    assert (baby.date_of_birth, [d.number for d in baby.documents]) == ("2024-01-01", ["I7654321"])


def test_no_pushed_flight_screens_every_itinerary_flight() -> None:
    b = one(message(pnr(flights=(OUT, BACK)), pushed=None))
    assert [(t.flight.number, t.flight.departure_airport) for t in booking_travellers(b)] == [
        ("XY100", "AAA"),
        ("XY101", "BBB"),
    ]


def test_sloppy_feeds_become_warnings() -> None:
    text = message(pnr("XYZ+UNKNOWN+SEGMENT", docs="/P/GBR/X1/GBR/31FEB80/Q/01JAN30/DOE/JOHN"))
    b = one(re.sub(r"UNT\+[0-9]+", "UNT+99", text))
    assert b.travellers[0].date_of_birth is None and b.travellers[0].sex is None
    assert any("UNT says '99'" in w for w in b.warnings)
    assert any("birth date is not a DDMMMYY date" in w for w in b.warnings)
    assert not any("31FEB80" in w for w in b.warnings)  # a birth date is personal data


def test_segments_that_are_not_pnrgov_are_skipped_with_a_warning() -> None:
    b = one(message(pnr("DOC+P:110:111+US+AB1234567"), before_src=["DTI+1:230413"]))  # not PNRGOV tags
    assert "segment #7 (line 8) is not a PNRGOV segment; skipped" in b.warnings
    assert "segment #18 (line 19) is not a PNRGOV segment; skipped" in b.warnings
    assert [t.surname for t in booking_travellers(b)] == ["DOE"]


@pytest.mark.parametrize(("rci", "created", "warned"), [
    ("RCI+XY:ABC123::200525:0900", "2025-05-20T09:00", False),
    ("RCI+XY:ABC123:200525:0900", "2025-05-20T09:00", False),  # the date in the control type's place (GTAS)
    ("RCI+XY:ABC123::310225:0900", None, True),  # not a date: left out, the PNR read
])  # fmt: skip
def test_rci_creation_dates(rci: str, created: str | None, warned: bool) -> None:
    b = one(BASE.replace("RCI+XY:ABC123::200525:0900", rci))
    assert [(loc.code, loc.kind, loc.created_at) for loc in b.locators] == [("ABC123", None, created)]
    assert any("RCI at segment #8 (line 9): creation date" in w for w in b.warnings) == warned


def test_an_arrival_time_in_the_arrival_dates_place() -> None:
    b = one(BASE.replace("TVL+010625:1000:010625:1400+AAA+BBB+XY+100:Y", "TVL+010625:2200:0130+AAA+BBB+XY+100:Y"))
    assert [(s.departure, s.arrival) for s in b.itinerary] == [("2025-06-01T22:00", "2025-06-02T01:30")]


def test_a_title_glued_in_the_pnr_name_and_copied_into_docs_is_not_a_name() -> None:
    b = one(message(pnr(docs="/P/GBR/X1234567/GBR/01JAN80/M/01JAN30/DOE/JOHNMR/PAUL")))
    t = b.travellers[0]
    assert (t.given_names, t.title, t.screening_given_names) == ("JOHN", "MR", "JOHN PAUL")
    assert [x.given_names for x in booking_travellers(b)] == ["JOHN PAUL"]


# --- unreadable dates: a warning, never the whole push ---------------------------------------------

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BA3401 = (FIXTURES / "das-uae-ba3401-pnrgov11.edi").read_text()
PNR_TWO_TVL = "TVL+160123:1640:160123:1745+DXB+LHR+BA+3401'\nRPI+3+HK"


@pytest.mark.parametrize(("old", "new", "warning"), [
    pytest.param(PNR_TWO_TVL, PNR_TWO_TVL.replace(":1745", ":1775"),  # PNR TWO's own TVL (GTAS's "4321")
                 "TVL at segment #23 (line 24): arrival date/time is not a DDMMYY date and HHMM time", id="arrival"),
    pytest.param(PNR_TWO_TVL, PNR_TWO_TVL.replace("160123:1640", "160123:2575"),
                 "TVL at segment #23 (line 24): departure date/time is not a DDMMYY date and HHMM time", id="departure"),
    pytest.param("DAT+700:151113:2200", "DAT+700:151313:2200",
                 "DAT at segment #19 (line 20): DAT+700 date is not a DDMMYY date and HHMM time", id="dat"),
])  # fmt: skip
def test_an_unreadable_tvl_or_dat_date_is_left_out_with_a_warning(old: str, new: str, warning: str) -> None:
    one_, two = parse_pnrgov(BA3401.replace(old, new), received_at=RECEIVED)
    assert any(w.startswith(warning) and w.endswith("; left out") for w in two.warnings)
    assert not any("1775" in w or "2575" in w or "151313" in w for w in two.warnings)  # no values
    assert not any("left out" in w for w in one_.warnings)
    flights = [(t.surname, t.flight.key, t.flight.departure_time, t.flight.arrival_time)
               for b in (one_, two) for t in booking_travellers(b)]
    assert flights == [  # the pushed TVL gives PNR TWO the times its own TVL lost
        ("KUMAR", "BA3401/DXB/2023-01-16", "2023-01-16T16:40", "2023-01-16T17:45"),
        ("SUNDER", "BA3401/DXB/2023-01-16", "2023-01-16T16:40", "2023-01-16T17:45"),
    ]


def test_an_undated_pushed_flight_drops_only_the_pnrs_it_leaves_undated() -> None:
    text = message(pnr(), pnr(locator="DEF456", flights=(BACK,)), pushed="TVL+320625:1000+AAA+BBB+XY+100")
    dated, undated = parse_pnrgov(text, received_at=RECEIVED)
    assert any(w.startswith("TVL at segment #5 (line 6): departure date/time") for w in dated.warnings)
    assert [t.flight.key for t in booking_travellers(dated)] == ["XY100/AAA/2025-06-01"]  # its own TVL dates it
    assert booking_travellers(undated) == [] and len(undated.travellers) == 1
    assert any("pushed flight XY100 has no readable departure date" in w for w in undated.warnings)


def test_an_undated_itinerary_flight_without_a_pushed_flight_is_not_screened() -> None:
    b = one(message(pnr(flights=(OUT.replace("010625:1000", "010625:9999"), BACK)), pushed=None))
    assert [t.flight.number for t in booking_travellers(b)] == ["XY101"]
    assert any("itinerary flight XY100 has no readable departure date" in w for w in b.warnings)


@pytest.mark.parametrize(("docs", "given"), [
    ("/P/GBR/X1234567/GBR/01JAN80/M/01JAN30/DOE/JOHN MR", "JOHN"),
    ("/P/GBR/X1234567/GBR/01JAN80/M/01JAN30/DOE/JOHN PAUL DR", "JOHN PAUL"),
    ("/P/GBR/X1234567/GBR/01JAN80/M/01JAN30/DOE/JOHN/MSTR", "JOHN"),  # the title in the middle name's place
    ("/P/GBR/X1234567/GBR/01JAN80/M/01JAN30/DOE/MISS", "MISS"),  # nothing else: kept, it may be the name
    ("/P/GBR/X1234567/GBR/01JAN80/M/01JAN30/DOE/ADAMS", "ADAMS"),  # only a spaced title goes
])  # fmt: skip
def test_a_spaced_title_after_the_docs_given_names_is_not_a_name(docs: str, given: str) -> None:
    (t,) = booking_travellers(one(message(pnr(tif="TIF+DOE+JOHN:A:1", docs=docs))))
    assert t.given_names == given


def test_the_ba3401_docs_titles_are_not_screened_as_names() -> None:
    got = [(t.surname, t.given_names) for b in parse_pnrgov(BA3401, received_at=RECEIVED)
           for t in booking_travellers(b)]
    assert got == [("KUMAR", "LAL"), ("SUNDER", "SHYAM")]


def test_a_group_name_is_not_a_traveller() -> None:
    group, named = parse_pnrgov(message(pnr(tif="TIF+SEETHE WORLD:G", docs=None), pnr(locator="DEF456")))
    assert group.travellers == () and booking_travellers(group) == []
    assert any("TIF at segment #10 (line 11): a group's name (qualifier G)" in w for w in group.warnings)
    assert [t.surname for t in booking_travellers(named)] == ["DOE"]


# --- codeshares, ARNK and OPEN segments ---------------------------------------------------------------


def itinerary(b: Booking) -> list[tuple]:
    return [(s.designator, s.operating_carrier, s.operating_number, s.origin, s.destination) for s in b.itinerary]


def test_the_operating_flight_of_a_codeshare_is_read_from_a_number_only_tvl_or_a_tra() -> None:
    (b,) = parse_pnrgov((FIXTURES / "gtas-pnrWithPrefixesAndBookingDetailBags-1.edi").read_bytes())
    assert itinerary(b) == [
        ("UA989", None, None, "IAD", "FRA"),
        ("UA8749", "LH", "624", "FRA", "KWI"),  # TVL+++++624:M right after it: no flight of its own
        ("UA8750", "LH", "625", "KWI", "FRA"),
        ("UA988", None, None, "FRA", "IAD"),
    ]
    (b,) = parse_pnrgov((FIXTURES / "gtas-modifyPnr77ForCodeShare-1.edi").read_bytes())
    assert itinerary(b)[:3] == [
        ("SQ5678", "SK", "1524", "LHR", "ARN"),  # TRA+SK+1524:W
        ("DL8976", "KL", "972", "ATL", "AMS"),  # TVL+++++972:M
        ("TZ0006", None, None, "SIN", "OOL"),
    ]
    assert any("arrival date/time is not a DDMMYY date" in w for w in b.warnings)  # its "4321", left out
    assert [(t.surname, t.flight.key) for t in booking_travellers(b)] == [("VANDENBERG", "TZ0006/SIN/2013-05-28")]


def test_a_push_for_the_operating_flight_finds_the_codeshare_in_the_itinerary() -> None:
    codeshare = "TVL+010625:1000:010625:1400+AAA+BBB+XY:ZZ+100:Y'\nTVL+++++972:M"
    b = one(message(pnr(flights=(codeshare,)), pushed="TVL+010625:1000:010625:1400+AAA+BBB+ZZ+972"))
    assert itinerary(b) == [("XY100", "ZZ", "972", "AAA", "BBB")]
    (t,) = booking_travellers(b)
    assert (t.flight.number, t.flight.departure_time) == ("ZZ972", "2025-06-01T10:00")


def test_arnk_and_open_segments_are_no_flights_to_screen_on() -> None:
    b = one(message(pnr(flights=(OUT, "TVL+++++ARNK", "TVL++BBB+AAA++OPEN")), pushed=None))
    assert [s.number for s in b.itinerary] == ["100", "ARNK", "OPEN"]  # the booking keeps them as sent
    assert [t.flight.number for t in booking_travellers(b)] == ["XY100"]
    assert not any("ARNK" in w or "OPEN" in w or "departure date" in w for w in b.warnings)


def test_a_flight_number_alone_not_after_a_codeshare_is_no_flight() -> None:
    b = one(message(pnr(flights=(OUT, "TVL+++++972:M"))))
    assert itinerary(b) == [("XY100", None, None, "AAA", "BBB")]
    assert any("a flight number alone, not right after a codeshare TVL; ignored" in w for w in b.warnings)


# --- errors ------------------------------------------------------------------------------------------

BASE = message(pnr())


@pytest.mark.parametrize(
    ("text", "segment", "position", "line", "reason"),
    [
        (BASE.replace("PNRGOV:11:1", "PAXLST:D:05B"), "UNH", 2, 3, "is not PNRGOV"),
        (BASE.replace("RCI+XY:ABC123::200525:0900'\n", ""), "SRC", 7, 8, "no record locator"),
        (message(eqn=1), "UNT", 7, 8, "has no PNR"),
        (BASE.replace("TIF+DOE+JOHNMR:A:1", "TIF++:A:1"), "TIF", 10, 11, "has no name"),
        (message(pnr(), before_src=["TIF+DOE+JOHN:A:1"]), "TIF", 7, 8, "before the first SRC"),
        (BASE[: BASE.index("UNT")], "RPI", 16, 17, "no UNT"),
    ],
)
def test_malformed_messages_raise_where_and_why(
    text: str, segment: str, position: int, line: int, reason: str
) -> None:
    with pytest.raises(InvalidMessage) as err:
        parse_pnrgov(text, source="test.edi")
    e = err.value
    assert (e.segment, e.position, e.line, e.source) == (segment, position, line, "test.edi")
    assert reason in e.reason


# --- readers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "hint", "expected"),
    [
        ("JOHNMR", None, ("JOHN", "MR")),
        ("KEVINMICHAELMR", "KEVIN MICHAEL", ("KEVINMICHAEL", "MR")),
        ("MARIAMRS", None, ("MARIA", "MRS")),
        ("SAMUELMSTR", None, ("SAMUEL", "MSTR")),
        ("JANE DR", None, ("JANE", "DR")),
        ("ALEXANDR", None, ("ALEXANDR", None)),  # DR only after a space
        ("ADAMS", "ADAMS", ("ADAMS", None)),  # the DOCS name says MS is not a title
        ("WILLIAMMR", "WILLIAMNEVELL", ("WILLIAM", "MR")),
        (None, None, (None, None)),
    ],
)
def test_split_title(given: str | None, hint: str | None, expected: tuple) -> None:
    assert split_title(given, hint) == expected


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda ref: pnr_datetime("280513", "2225", reference=ref), "2013-05-28T22:25"),
        (lambda ref: pnr_datetime("230513", "181348", reference=ref), "2013-05-23T18:13"),
        (lambda ref: pnr_datetime("28052013", None, reference=ref), "2013-05-28"),
        (lambda ref: docs_date("04JUL80", reference=ref, rule="birth"), "1980-07-04"),
        (lambda ref: docs_date("12JAN19", reference=ref, rule="nearest"), "2019-01-12"),
        (lambda ref: docs_date("05jan2016", reference=ref, rule="birth"), "2016-01-05"),
    ],
)
def test_pnrgov_dates(call, expected: str) -> None:
    assert call(date(2013, 5, 23)) == expected


# --- never another exception -------------------------------------------------------------------------

SEED = (SAMPLES / "pnrgov/av010_bog_mad_return_family.edi").read_bytes()


def check(data: bytes) -> None:
    try:
        bookings = parse_pnrgov(data)
    except InvalidMessage as exc:
        assert exc.reason
        return
    for b in bookings:
        assert decode_booking(encode_booking(b)) == b
        assert all(t.source == "pnrgov" for t in booking_travellers(b))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_arbitrary_bytes(data: bytes) -> None:
    check(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=200).map(lambda b: b"UNH+1+PNRGOV:11:1:IA'MSG+:22'SRC'RCI+XY:ABC'" + b))
def test_arbitrary_pnr_bodies(data: bytes) -> None:
    check(data)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(SEED) - 1), st.binary(max_size=3)), min_size=1, max_size=4))
def test_mutated_sample(edits: list[tuple[int, bytes]]) -> None:
    data = bytearray(SEED)
    for at, new in edits:
        data[at : at + 1] = new
    check(bytes(data))


@settings(max_examples=100, deadline=None)
@given(st.integers(0, SEED.count(b"'") - 1), st.booleans())
def test_sample_with_a_segment_dropped_or_doubled(index: int, double: bool) -> None:
    segs = SEED.split(b"'")
    segs[index : index + 1] = [segs[index]] * 2 if double else []
    check(b"'".join(segs))


DOCO = "SSR+DOCO:HK:1:XY:::::/LONDON GB/V/VS1234567/PARIS/12AUG20/US+::1"
DOCA = "SSR+DOCA:HK:1:XY:::::/D/BE/12 RUE HAUTE/BRUXELLES//1000+::1"


@pytest.mark.parametrize("where", ["after DOCS", "before DOCS", "before the TIF"])
def test_a_visa_ssr_doco_is_screened_as_a_document_after_the_passport(where: str) -> None:
    segs = pnr(DOCA)
    at = {"after DOCS": 4, "before DOCS": 3, "before the TIF": 2}[where]
    segs.insert(at, DOCO)
    b = one(message(segs))
    (t,) = b.travellers
    assert [(d.type, d.number, d.issuing_country) for d in t.documents] == [
        ("P", "X1234567", "GBR"), ("V", "VS1234567", "USA")]
    (pax,) = booking_travellers(b)
    assert [d.number for d in pax.documents] == ["X1234567", "VS1234567"]
    (plain,) = booking_travellers(one(message(pnr())))
    assert pax.event_id == plain.event_id  # the passport still names the traveller, as in PAXLST
    (address,) = [c for c in b.contacts if c.code == "DOCA D"]
    assert (address.value, address.country, address.traveller_reference) == ("12 RUE HAUTE, BRUXELLES, 1000", "BEL", "1")


def test_doco_other_than_a_visa_and_empty_ones_are_not_documents() -> None:
    known_traveller = "SSR+DOCO:HK:1:XY:::::/ /K/123456789///US+::1"
    no_number = "SSR+DOCO:HK:1:XY:::::/LONDON GB/V//PARIS/12AUG20/US+::1"
    stray = "SSR+DOCO:HK:1:XY:::::/LONDON GB/V/VS999/PARIS/12AUG20/US+::7"  # no traveller 7
    b = one(message(pnr(known_traveller, no_number, stray)))
    (t,) = b.travellers
    assert [d.type for d in t.documents] == ["P"]
    assert any("DOCO visa without a number" in w for w in b.warnings)
    assert any("SSR DOCO for traveller reference '7'" in w for w in b.warnings)
    assert not any("VS999" in w or "LONDON" in w for w in b.warnings)  # no personal data in warnings


def test_the_residence_a_doca_declares_is_the_bookings_residence_country() -> None:
    from matchers.rules_context import booking_context

    b = one(message(pnr("SSR+DOCA:HK:1:XY:::::/R/NG/3 BROAD ST/LAGOS///+::1", DOCA)))
    (t,) = b.travellers
    assert booking_context(b, t)["residence_country"] == "NGA"
    assert booking_context(one(message(pnr())), t)["residence_country"] is None
