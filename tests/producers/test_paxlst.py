"""PAXLST to manifests and travellers: the GTAS fixtures, our own samples, edge cases, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from paxscreen.codec import decode_traveller, encode_traveller
from paxscreen.errors import InvalidMessage
from producers.paxlst import Manifest, assemble, parse_paxlst

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "paxscreen/samples/paxlst"
RECEIVED = "2024-02-10T12:00:00Z"


def one(data: str | bytes, **kw: str) -> Manifest:
    (manifest,) = parse_paxlst(data, received_at=RECEIVED, **kw)
    return manifest


def route(m: Manifest) -> list[tuple]:
    return [(leg.number, leg.departure_airport, leg.arrival_airport) for leg in m.flight.legs]


def people(m: Manifest) -> list[tuple]:
    return [(t.surname, t.given_names, t.date_of_birth, t.sex) for t in m.travellers]


def passports(m: Manifest) -> list[tuple]:
    return [(t.document.number, t.document.issuing_country) if t.document else None for t in m.travellers]


# --- the GTAS fixtures (readings from shared/samples/gtas/SOURCES.md) -------------------------------


def test_gtas_multileg(gtas_dir: Path) -> None:
    m = one((gtas_dir / "paxlst_d05b_multileg.edi").read_bytes())
    assert route(m) == [("AA123", "ATL", "ORD"), ("AA124", "ORD", "JFK")]
    assert [leg.departure_time for leg in m.flight.legs] == ["2007-02-19T15:40", "2007-02-19T18:40"]
    assert m.flight.transit_airports == ("ORD",)
    assert people(m) == [("CLARK", "MICHAEL", "1972-09-07", "M"), ("CLARK", "CHERYL", "1973-04-07", "F")]
    assert {t.pnr_locator for t in m.travellers} == {"TYR123"}
    assert [t.documents for t in m.travellers] == [(), ()]
    assert (m.list_type, m.sender, m.message_ref, m.version) == ("passenger", "AIR1", "PAX001", "D05B")
    assert m.prepared_at == "2007-02-18T15:45"
    assert m.warnings == ()


def test_gtas_crew(gtas_dir: Path) -> None:
    m = one((gtas_dir / "paxlst_d02b_crew.edi").read_bytes())
    assert route(m) == [("UA0989", "FRA", "IAD")]
    assert m.flight.departure_time == "2017-01-27T17:25"
    assert m.flight.carrier == "UA"
    assert (m.list_type, m.version) == ("crew", "D02B")
    assert len(m.travellers) == 8
    assert {t.role for t in m.travellers} == {"crew"}
    assert set(passports(m)) == {("123456789", "GBR")}
    assert m.travellers[0].surname == "Steur"  # case kept as sent
    assert m.travellers[0].given_names == "Andrea Pat"
    assert m.travellers[0].birth_place == "Hartford USA"
    assert (m.travellers[0].embarkation, m.travellers[0].debarkation) == ("FRA", "IAD")
    assert len({t.event_id for t in m.travellers}) == 8
    assert any("CNT" in w for w in m.warnings)  # CNT+41+8: wrong separator, not an error
    assert any("UNT says '0000152'" in w for w in m.warnings)


def test_gtas_docs_trailing_junk(gtas_dir: Path) -> None:
    m = one((gtas_dir / "paxlst_d05b_docs_trailing_junk.edi").read_bytes())
    assert route(m) == [("QQ877", "MIA", "IAD"), ("QQ827", "IAD", "JFK"), ("QQ827", "JFK", "CDG")]
    assert (m.flight.number, m.flight.reported.departure_airport, m.flight.arrival_airport) == (
        "QQ827",
        "JFK",
        "CDG",
    )
    assert people(m) == [("BARRETT", "TODD", "1968-02-23", "M"), ("LANG", "KRISTIN", "1960-06-06", "F")]
    assert passports(m) == [("YY3478621G", "FRA"), ("TRQWE99800", "ESP")]
    assert [t.document.type for t in m.travellers] == ["P", "P"]
    assert [t.document.expiry for t in m.travellers] == ["2008-12-30", "2009-09-16"]
    assert [t.pnr_locator for t in m.travellers] == ["GJIO3RT", "GJIO3RT"]
    assert any("after UNZ" in w for w in m.warnings)


# --- our own samples -----------------------------------------------------------------------------------

OWN_SAMPLES = [
    (
        "av010_bog_mad_d05b.edi",
        "passenger",
        [("AV010", "BOG", "MAD")],
        [
            ("RESTREPO GAVIRIA", "JUAN CAMILO", "1984-05-12", "COL", "AX482913", "COL"),
            ("MUÑOZ VELASQUEZ", "DIANA MARCELA", "1991-11-03", "COL", "AY731046", "COL"),
            ("D'AMBROSIO PEREZ", "LUIS ALBERTO", "1969-02-27", "VEN", "147823906", "VEN"),
            ("CASTRO ORTEGA", "MARIA FERNANDA", "2003-08-19", "ESP", "PAG571203", "ESP"),
            ("OSPINA", "SAMUEL", "2016-01-05", "COL", "AZ105588", "COL"),
            ("HENAO CARDONA", "JHON JAIRO", "1977-09-30", "COL", "AW903317", "COL"),
        ],
    ),
    (
        "sn2880_gru_lfw_bru_d05b.edi",
        "passenger",
        [("SN2880", "GRU", "LFW"), ("SN2880", "LFW", "BRU")],
        [
            ("SANTOS FERREIRA", "RODRIGO", "1988-03-22", "BRA", "FX482716", "BRA"),
            ("AGBEKO", "KOMLAN ELOM", "1979-12-01", "TGO", "B0842175", "TGO"),
            ("ADJOVI", "AKOSSIWA", "1993-06-14", "TGO", "B1137920", "TGO"),
            ("MENSAH", "KWAME OFORI", "1972-04-30", "GHA", "G2419873", "GHA"),
            ("VERMEULEN", "PIETER JAN", "1966-07-18", "BEL", "EM518302", "BEL"),
            ("N'GUESSAN", "AYA CHRISTELLE", "1990-02-11", "CIV", "18AC47215", "CIV"),
        ],
    ),
    (
        "af149_los_cdg_crew_d05b.edi",
        "crew",
        [("AF149", "LOS", "CDG")],
        [
            ("LEFEBVRE", "CLAIRE", "1980-09-25", "FRA", "19AB48213", "FRA"),
            ("OKONKWO", "CHUKWUEMEKA", "1983-01-17", "NGA", "A08734512", "NGA"),
            ("DUBOIS", "MARC ANTOINE", "1975-05-05", "FRA", "16CX90541", "FRA"),
            ("ADEYEMI", "FOLASADE", "1992-11-28", "NGA", "A11928374", "NGA"),
            ("MOREAU", "JULIEN", "1987-03-09", "FRA", "21FD30672", "FRA"),
        ],
    ),
]


@pytest.mark.parametrize(("name", "list_type", "legs", "expected"), OWN_SAMPLES)
def test_own_samples(name: str, list_type: str, legs: list[tuple], expected: list[tuple]) -> None:
    m = one((SAMPLES_DIR / name).read_bytes(), source=name)
    assert m.list_type == list_type
    assert route(m) == legs
    got = [
        (
            t.surname,
            t.given_names,
            t.date_of_birth,
            t.nationality,
            t.document.number,
            t.document.issuing_country,
        )
        for t in m.travellers
    ]
    assert got == expected
    assert {t.role for t in m.travellers} == {list_type}
    assert len({t.event_id for t in m.travellers}) == len(expected)
    assert m.warnings == ()
    for t in m.travellers:  # every traveller survives the shared codec
        assert decode_traveller(encode_traveller(t)) == t


def test_own_multipart_sample_assembles() -> None:
    parts = [one((SAMPLES_DIR / f"ux072_sdq_mad_part{i}.edi").read_bytes()) for i in (2, 1)]
    assert [(p.part_number, p.final_part, p.common_ref) for p in parts] == [
        (2, True, "UX072SDQ20250320"),
        (1, False, "UX072SDQ20250320"),
    ]
    (whole,) = assemble(parts)
    assert whole.final_part and whole.part_number is None and whole.warnings == ()
    assert route(whole) == [("UX072", "SDQ", "MAD")]
    assert [t.surname for t in whole.travellers] == [
        "RAMIREZ DE LA CRUZ",
        "ALCANTARA SOSA",
        "MARTINEZ GIL",
        "BATISTA GUZMAN",
        "FERNANDEZ OLMEDO",
    ]


def test_sample_details() -> None:
    av = one((SAMPLES_DIR / "av010_bog_mad_d05b.edi").read_bytes())
    henao = av.travellers[-1]
    assert [(d.type, d.number) for d in henao.documents] == [("P", "AW903317"), ("I", "79455123")]
    assert (henao.seat, henao.pnr_locator, henao.embarkation, henao.debarkation) == (
        "40D",
        "T2WQ8N",
        "BOG",
        "MAD",
    )
    sn = one((SAMPLES_DIR / "sn2880_gru_lfw_bru_d05b.edi").read_bytes())
    assert sn.flight.transit_airports == ("LFW",)
    assert sn.travellers[0].birth_place == "CAMPINAS"
    assert sn.travellers[0].airports == ("GRU", "LFW", "BRU")
    af = one((SAMPLES_DIR / "af149_los_cdg_crew_d05b.edi").read_bytes())
    assert af.travellers[0].debarkation == "CDG"  # LOC+22 when there is no LOC+179
    assert af.travellers[2].documents[1].type == "C"


# --- edge cases --------------------------------------------------------------------------------------------


def test_custom_separators_whole_message(edi) -> None:
    text = edi.message(*edi.FLIGHT, *edi.pax("O?'BRIEN:JOHN:PAUL"))
    custom = edi.message(*edi.FLIGHT, *edi.pax("NAME")).translate(str.maketrans("+:'", "|^~"))
    custom = custom.replace("UNA^|.? ~", "UNA^|.\\ ~").replace("NAME", "O\\'BRIEN^JOHN^PAUL")
    assert custom.startswith("UNA^|.\\ ~\nUNB|UNOA^4|") and "NAD|FL|||O\\'BRIEN^JOHN^PAUL~" in custom
    for data in (text, custom):
        m = one(data)
        assert people(m) == [("O'BRIEN", "JOHN PAUL", "1980-01-01", "M")]
        assert route(m) == [("XY100", "AAA", "BBB")]


@pytest.mark.parametrize(
    "layout",
    [
        lambda s: s,
        lambda s: s.replace("\n", "\r\n"),
        lambda s: s.replace("\n", ""),  # everything on one line
        lambda s: s.replace("\n", "\n    "),  # leading spaces
        lambda s: s.replace("\n", "\n\n"),  # blank lines
        lambda s: s.replace("DOE:JOHN", "DO\nE:JO\r\nHN"),  # segment broken across lines
        lambda s: s + "\n-- end of file 13Nov09 --\n",  # trailing text after UNZ
    ],
)
def test_layouts_read_alike(edi, layout) -> None:
    m = one(layout(edi.message(*edi.FLIGHT, *edi.pax())))
    assert people(m) == [("DOE", "JOHN", "1980-01-01", "M")]
    assert passports(m) == [("X1234567", "GBR")]


def test_two_messages_in_one_interchange(edi) -> None:
    ms = parse_paxlst(edi.message(*edi.FLIGHT, *edi.pax(), messages=2), received_at=RECEIVED)
    assert [m.message_ref for m in ms] == ["M1", "M2"]
    assert [len(m.travellers) for m in ms] == [1, 1]
    assert ms[0].travellers[0].event_id == ms[1].travellers[0].event_id  # same traveller, same id


@pytest.mark.parametrize(
    ("dtm", "expected"),
    [
        ("DTM+329:250101", "1925-01-01"),  # born '25 in a message of 2024: 1925
        ("DTM+329:240101", "2024-01-01"),  # an infant born this year
        ("DTM+329:240301", "1924-03-01"),  # after the message date: last century
        ("DTM+329:000229", "2000-02-29"),
        ("DTM+329:19250101:102", "1925-01-01"),
        ("DTM+329:2501010000:201", "1925-01-01"),
    ],
)
def test_birth_two_digit_years(edi, dtm: str, expected: str) -> None:
    body = [*edi.FLIGHT, "NAD+FL+++DOE:JOHN", dtm]
    assert one(edi.message(*body)).travellers[0].date_of_birth == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("300101", "2030-01-01"),
        ("990101", "1999-01-01"),
        ("20300101:102", "2030-01-01"),
        ("700101", "2070-01-01"),
    ],
)
def test_expiry_two_digit_years(edi, value: str, expected: str) -> None:
    body = [*edi.FLIGHT, "NAD+FL+++DOE:JOHN", "DOC+P+X1", f"DTM+36:{value}"]
    assert one(edi.message(*body)).travellers[0].document.expiry == expected


def test_two_digit_years_without_unb_date_use_received_at(edi) -> None:
    text = edi.message(*edi.FLIGHT, "NAD+FL+++DOE:JOHN", "DTM+329:250101").replace("+240210:1200+", "++")
    (m,) = parse_paxlst(text, received_at="2030-06-01T00:00:00Z")
    assert m.prepared_at is None
    assert m.travellers[0].date_of_birth == "2025-01-01"


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ("DOC+P:110:111+X1", ("P", "X1")),
        ("DOC+P+X1", ("P", "X1")),
        ("DOC+:110:111+X1", (None, "X1")),  # D02B style: no type component
        ("DOC++X1", (None, "X1")),
        ("DOC+i+X1", ("I", "X1")),
    ],
)
def test_document_types(edi, doc: str, expected: tuple) -> None:
    t = one(edi.message(*edi.FLIGHT, "NAD+FL+++DOE:JOHN", doc)).travellers[0]
    assert (t.document.type, t.document.number) == expected


@pytest.mark.parametrize(
    ("segment", "field", "expected"),
    [
        ("NAT+2+D", "nationality", "DEU"),
        ("NAT+2+de", "nationality", "DEU"),
        ("NAT+2+GBD", "nationality", "GBD"),
        ("NAT+2+XXA", "nationality", "XXA"),
        ("LOC+174+NG", "residence_country", "NGA"),
        ("LOC+174+ZZ", "residence_country", "ZZ"),
        ("ATT+2++X", "sex", "U"),
        ("ATT+2++f", "sex", "F"),
        ("ATT+2+F", "sex", "F"),
        ("ATT+2++Q", "sex", None),
        ("RFF+SEA:12A", "seat", "12A"),
        ("RFF+AVF:ABC123", "pnr_locator", "ABC123"),
        ("LOC+180+:::SAO PAULO", "birth_place", "SAO PAULO"),
        ("LOC+178+lfw", "embarkation", "LFW"),
    ],
)
def test_traveller_fields(edi, segment: str, field: str, expected: str | None) -> None:
    t = one(edi.message(*edi.FLIGHT, "NAD+FL+++DOE:JOHN", segment)).travellers[0]
    assert getattr(t, field) == expected


def test_issuing_country_alpha2(edi) -> None:
    t = one(
        edi.message(*edi.FLIGHT, "NAD+FL+++DOE:JOHN", "DOC+P+X1", "LOC+91+D", "DOC+V+V9", "LOC+91+fr")
    ).travellers[0]
    assert [d.issuing_country for d in t.documents] == ["DEU", "FRA"]


@pytest.mark.parametrize(
    ("flight", "legs"),
    [
        (  # four LOC+92 in one TDT: two legs
            [
                "TDT+20+XY1+++XY",
                "LOC+92+AAA",
                "DTM+189:2402100800:201",
                "LOC+92+BBB",
                "DTM+232:2402100900:201",
                "LOC+92+BBB",
                "DTM+189:2402101000:201",
                "LOC+92+CCC",
                "DTM+232:2402101100:201",
            ],
            [
                ("XY1", "AAA", "BBB", "2024-02-10T08:00", "2024-02-10T09:00"),
                ("XY1", "BBB", "CCC", "2024-02-10T10:00", "2024-02-10T11:00"),
            ],
        ),
        (  # LOC+92 without times alternate departure / arrival
            ["TDT+20+XY1", "LOC+92+AAA", "LOC+92+BBB"],
            [("XY1", "AAA", "BBB", None, None)],
        ),
        (  # three TDT groups: three legs, the last one reported
            [
                "TDT+20+XY1",
                "LOC+125+AAA",
                "LOC+87+BBB",
                "TDT+20+XY2",
                "LOC+125+BBB",
                "LOC+87+CCC",
                "TDT+20+XY3",
                "LOC+125+CCC",
                "DTM+189:240210:102",
                "LOC+87+DDD",
            ],
            [
                ("XY1", "AAA", "BBB", None, None),
                ("XY2", "BBB", "CCC", None, None),
                ("XY3", "CCC", "DDD", "2024-02-10", None),
            ],
        ),
        (  # a transit stop with both times
            [
                "TDT+20+XY1",
                "LOC+92+AAA",
                "DTM+189:2402100800:201",
                "LOC+92+BBB",
                "DTM+232:2402100900:201",
                "DTM+189:2402101000:201",
                "LOC+92+CCC",
                "DTM+232:2402101100:201",
                "LOC+130+ZZZ",
            ],
            [
                ("XY1", "AAA", "BBB", "2024-02-10T08:00", "2024-02-10T09:00"),
                ("XY1", "BBB", "CCC", "2024-02-10T10:00", "2024-02-10T11:00"),
            ],
        ),
        (  # departure only
            ["TDT+20+XY1", "LOC+125+AAA", "DTM+189:2402100800:201"],
            [("XY1", "AAA", None, "2024-02-10T08:00", None)],
        ),
        (  # TDT without locations
            ["TDT+20+XY1"],
            [("XY1", None, None, None, None)],
        ),
    ],
)
def test_legs(edi, flight: list[str], legs: list[tuple]) -> None:
    m = one(edi.message("BGM+745", *flight, "NAD+FL+++DOE:JOHN"))
    got = [
        (l.number, l.departure_airport, l.arrival_airport, l.departure_time, l.arrival_time)
        for l in m.flight.legs
    ]
    assert got == legs
    assert m.flight.reported == m.flight.legs[-1]


@pytest.mark.parametrize(
    ("tdt", "carrier", "number"),
    [
        ("TDT+20+AF0149+++AF", "AF", "AF0149"),
        ("TDT+20+U21234", "U2", "U21234"),
        ("TDT+20+1234", None, "1234"),
        ("TDT+20+123+++UA", "UA", "UA123"),  # the number alone, the carrier in C040: as PNRGOV writes it
        ("TDT+20+0400A+++LH", "LH", "LH0400A"),
        ("TDT+20+BAW123", "BAW", "BAW123"),  # an ICAO designator
        ("TDT+20+BAW123+++BA", "BA", "BAW123"),
    ],
)
def test_carrier(edi, tdt: str, carrier: str | None, number: str) -> None:
    m = one(edi.message("BGM+745", tdt, "NAD+FL+++DOE:JOHN"))
    assert (m.flight.carrier, m.flight.number) == (carrier, number)


def test_a_flight_without_a_number_is_read_with_a_warning(edi) -> None:
    m = one(edi.message("BGM+745", "TDT+20++KL590+++KL", "NAD+FL+++DOE:JOHN"))
    assert m.flight.number is None and len(m.travellers) == 1
    assert any("TDT at segment #" in w and "no flight number" in w for w in m.warnings)


@pytest.mark.parametrize(
    ("bgm", "nad", "list_type", "role"),
    [
        ("BGM+745", "FL", "passenger", "passenger"),
        ("BGM+745", "DDU", "passenger", "passenger"),
        ("BGM+745", "FM", "passenger", "crew"),  # a crew member on a passenger list
        ("BGM+250+C", "FM", "crew", "crew"),
        ("BGM+250+C", "DDT", "crew", "crew"),
        ("BGM+250+C", "FL", "crew", "crew"),  # everyone on a crew list is crew
        ("BGM+999", "FM", "crew", "crew"),  # unknown code: guessed from the NADs, with a warning
    ],
)
def test_roles(edi, bgm: str, nad: str, list_type: str, role: str) -> None:
    m = one(edi.message(bgm, *edi.FLIGHT[1:], f"NAD+{nad}+++DOE:JOHN"))
    assert (m.list_type, m.travellers[0].role) == (list_type, role)
    assert any("BGM" in w for w in m.warnings) == (bgm == "BGM+999")


@pytest.mark.parametrize(
    ("cnt", "warning"),
    [
        ("CNT+42:2", None),
        ("CNT+42:3", "CNT+42 says '3'"),
        ("CNT+41+2", "with '+', not ':'"),
        ("CNT+42:two", "CNT+42 says 'two'"),
        (None, "no CNT"),
    ],
)
def test_counts_are_warnings_not_errors(edi, cnt: str | None, warning: str | None) -> None:
    body = [*edi.FLIGHT, *edi.pax("DOE:JOHN"), *edi.pax("DOE:JANE"), *([cnt] if cnt else [])]
    m = one(edi.message(*body))
    assert len(m.travellers) == 2
    assert [w for w in m.warnings if "CNT" in w or "UNT" in w] == (
        [] if warning is None else [w for w in m.warnings if warning in w]
    )
    assert (warning is None) == (not m.warnings)


def test_an_apostrophe_not_released_is_a_warning_naming_where_not_the_name(edi) -> None:
    # O'DEA without ?: the segment ends at O, and DEA:SEAN reads as a segment no PAXLST has
    m = one(edi.message(*edi.FLIGHT, *edi.pax("O'DEA:SEAN"), "CNT+42:1"))
    assert [t.surname for t in m.travellers] == ["O"]
    warned = [w for w in m.warnings if "not a PAXLST segment" in w]
    assert warned == ["segment #10 (line 10) is not a PAXLST segment; skipped (an apostrophe not released "
                      "with ? in the segment before?)"]
    assert "DEA" not in warned[0] and "SEAN" not in warned[0]
    released = one(edi.message(*edi.FLIGHT, *edi.pax("O?'DEA:SEAN"), "CNT+42:1"))
    assert [t.surname for t in released.travellers] == ["O'DEA"] and released.warnings == ()


def test_message_versions(edi) -> None:
    for version, warned in (("D:02B", False), ("D:12B", False), ("D:13B", False), ("D:99A", True)):
        text = edi.message(*edi.FLIGHT, "NAD+FL+++DOE:JOHN").replace("D:05B:UN", f"{version}:UN")
        m = one(text)
        assert m.version == version.replace(":", "")
        assert any("not tested" in w for w in m.warnings) == warned


def test_traveller_metadata(edi) -> None:
    t = one(edi.message(*edi.FLIGHT, *edi.pax()), source="f.edi").travellers[0]
    assert (t.source, t.message_ref, t.sender, t.received_at) == ("paxlst", "M1", "SENDER", RECEIVED)
    assert t.event_id.startswith("t-")


@pytest.mark.parametrize(("dtm", "what"), [
    ("DTM+329:721307", "birth date"),
    ("DTM+329:1972", "birth date"),
    ("DTM+36:31JAN30", "document expiry"),
])  # fmt: skip
def test_a_travellers_date_that_is_not_a_date_is_left_out_and_the_flight_read(edi, dtm: str, what: str) -> None:
    bad = ["NAD+FL+++DOE:JOHN", *(["DOC+P+X1234567"] if "+36" in dtm else []), dtm]
    m = one(edi.message(*edi.FLIGHT, *bad, *edi.pax("ROE:JANE", dob="850315"), "CNT+42:2"))
    john, jane = m.travellers
    assert (john.date_of_birth, john.documents[0].expiry if john.documents else None) == (None, None)
    assert (jane.surname, jane.date_of_birth) == ("ROE", "1985-03-15")
    qualifier, value = dtm.split(":")
    at = len(bad) + 8  # UNB, UNH and the six segments of the flight before
    assert m.warnings == (f"{qualifier} at segment #{at} (line {at + 1}): {what} is not a date; left out",)
    assert value not in m.warnings[0]  # a birth date is personal data


# --- malformed input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "segment", "line", "reason"),
    [
        (["BGM+745", "TDT+20+XY1", "NAD+FL+++"], "NAD", 6, "has no name"),
        (["BGM+745", "TDT+20+XY1", "NAD+FL+ADDR"], "NAD", 6, "has no name"),
        (["BGM+745", "TDT+20+XY1", "LOC+125+AAA", "DTM+189:2402102561:201"], "DTM", 7, "DTM+189"),
    ],
)
def test_malformed_messages(edi, body: list[str], segment: str, line: int, reason: str) -> None:
    with pytest.raises(InvalidMessage) as exc:
        parse_paxlst(edi.message(*body), source="feed.edi", received_at=RECEIVED)
    assert (exc.value.segment, exc.value.line, exc.value.source) == (segment, line, "feed.edi")
    assert exc.value.position == line - 1  # one segment per line, after the UNA line
    assert reason in exc.value.reason
    assert "DOE" not in str(exc.value) and "JOHN" not in str(exc.value)


@pytest.mark.parametrize(
    ("mangle", "segment", "line", "reason"),
    [
        (lambda s: "", None, None, "empty"),
        (lambda s: s.split("UNT+")[0], "CNT", 9, "no UNT"),  # truncated
        (lambda s: s.split("NAD+FL+++DOE:JOHN")[0] + "NAD+FL+++DOE:JOHN?", "NAD", 6, "release"),
        (lambda s: s.replace("PAXLST:D:05B:UN:IATA", "PNRGOV:11:1:IA"), "UNH", 3, "is not PAXLST"),
        (lambda s: '{"surname": "DOE"}', None, 1, "not an EDIFACT segment"),
        (lambda s: "UNB+UNOA:4+A+B+240101:0000+1'UNZ+0+1'", "UNZ", 1, "no message"),
        (lambda s: s.replace("BGM+745", "bgm+745"), None, 4, "tag"),
    ],
)
def test_malformed_interchanges(edi, mangle, segment: str | None, line: int | None, reason: str) -> None:
    text = mangle(
        edi.message("BGM+745", "TDT+20+XY1", "NAD+FL+++DOE:JOHN", "DOC+P+X1", "LOC+91+GBR", "CNT+42:1")
    )
    with pytest.raises(InvalidMessage) as exc:
        parse_paxlst(text, received_at=RECEIVED)
    assert (exc.value.segment, exc.value.line) == (segment, line)
    assert reason in exc.value.reason


def test_flight_after_travellers(edi) -> None:
    m = one(edi.message("BGM+745", "NAD+FL+++DOE:JOHN", "TDT+20+XY1", "LOC+125+AAA", "LOC+87+BBB"))
    assert route(m) == [("XY1", "AAA", "BBB")]
    assert m.travellers[0].flight == m.flight


def test_no_flight_is_a_warning(edi) -> None:
    m = one(edi.message("BGM+745", "NAD+FL+++DOE:JOHN"))
    assert m.flight.reported.number is None
    assert any("no flight details" in w for w in m.warnings)


# --- the legacy US CEDIPAX layout (PDT segments) ------------------------------------------------------

CEDIPAX = (Path(__file__).resolve().parent / "fixtures/gtas-usedifact-cedipax-pdt.edi").read_text()


def test_a_legacy_cedipax_manifest_is_read_from_its_pdt_segments() -> None:
    m = one(CEDIPAX)
    assert route(m) == [("SA812", "AKL", "LAX")]
    assert (m.flight.departure_time, m.flight.arrival_time) == ("2002-01-31T10:30", "2002-01-31T22:00")
    assert people(m) == [
        ("MANGUS", "SIMON P", "1959-04-29", "M"),
        ("FEFE", "THEODORE C", "1956-07-04", "U"),
        ("BOYLE", "ALVIN", "1952-12-21", "U"),
        ("O'LEARY", "KRIS ANN", "1933-12-31", "F"),
    ]
    assert passports(m) == [("182345345", "USA"), ("122222345", "USA"), ("C76543D", "GBR"), ("E54321A", "IRL")]
    assert [(t.document.type, t.document.expiry) for t in m.travellers][0] == ("P", "1999-09-09")
    assert {(t.role, t.embarkation, t.debarkation) for t in m.travellers} == {("passenger", "AKL", "LAX")}
    assert m.list_type == "passenger"
    assert "legacy US CEDIPAX PAXLST (PDT segments) read as UN/EDIFACT PAXLST" in m.warnings
    assert not any("BGM" in w or "CNT" in w or "not a PAXLST segment" in w for w in m.warnings)


def test_a_manifest_of_segments_not_read_and_no_traveller_is_refused() -> None:
    # PDT segments under a UN/EDIFACT UNH: not read as CEDIPAX, and nothing else was read
    with pytest.raises(InvalidMessage) as err:
        one(CEDIPAX.replace("PAXLST:001:000:NZ", "PAXLST:D:05B:UN:IATA"), source="us.edi")
    e = err.value
    assert (e.segment, e.position, e.source) == ("PDT", 11, "us.edi")
    assert "no traveller read, and 4 segment(s) that are not PAXLST" in e.reason


# --- a flight-header LOC of another qualifier with a departure time (SITA UAE gateway sample) ----------

EY0256 = ("BGM+745", "TDT+20+EY0256+++EY", "LOC+22+LHR", "DTM+189:2507031030:201", "LOC+87+AUH",
          "DTM+232:2507032235:201")


def test_a_header_loc_22_with_a_departure_time_is_the_departure(edi) -> None:
    m = one(edi.message(*EY0256, *edi.pax()))
    assert route(m) == [("EY0256", "LHR", "AUH")]
    assert (m.flight.departure_time, m.flight.arrival_time) == ("2025-07-03T10:30", "2025-07-03T22:35")
    assert m.flight.key == "EY0256/LHR/2025-07-03"
    assert any(w.startswith("LOC+22 at segment #5 (line 6): not a flight's departure or arrival qualifier")
               and w.endswith("read as the departure (LOC+125)") for w in m.warnings)


def test_a_header_loc_22_beside_a_departure_is_left_alone(edi) -> None:
    header = ("BGM+745", "TDT+20+EY0256+++EY", "LOC+125+LHR", "DTM+189:2507031030:201", "LOC+22+LHR",
              "DTM+189:2507031030:201", "LOC+87+AUH", "DTM+232:2507032235:201")
    m = one(edi.message(*header, *edi.pax()))
    assert route(m) == [("EY0256", "LHR", "AUH")]
    assert not any("LOC+22" in w for w in m.warnings)


def test_an_empty_doc_is_no_document(edi) -> None:
    # GTAS's UN/EDIFACT test: DOC++448763368 DTM+36 LOC+91, then DOC++ DTM+36:190919 LOC+91+
    m = one(edi.message(*edi.FLIGHT, *edi.pax(doc="+X1234567"), "DTM+36:220518", "DOC++", "DTM+36:190919",
                        "LOC+91+", "CNT+42:1"))
    (t,) = m.travellers
    assert [(d.number, d.type, d.issuing_country, d.expiry) for d in t.documents] == [
        ("X1234567", None, "GBR", "2022-05-18")]
    assert "DOC at segment #16 (line 17) has no document number; left out" in m.warnings
