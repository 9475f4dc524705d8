"""Watchlist readers: FollowTheMoney JSON lines and CSV into WatchEntry / InvalidRecord."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from matchers.watchlist import (
    ReadStats,
    WatchlistReader,
    clean_document_number,
    count_lines,
    detect_format,
    parse_date,
    parse_topics,
    read_watchlist,
    to_alpha3,
)
from paxscreen.errors import InvalidRecord
from paxscreen.models import WatchDocument, WatchEntry

SAMPLES = Path(__file__).resolve().parents[2] / "paxscreen" / "samples"


# --- factories ------------------------------------------------------------------------------------


def e(schema: str = "Person", id: str = "p1", datasets: list[str] | None = None, **props) -> dict:
    """An FtM entity dict; property values may be given bare (wrapped in a list)."""
    obj = {
        "id": id,
        "schema": schema,
        "properties": {k: v if isinstance(v, list) else [v] for k, v in props.items()},
    }
    if datasets is not None:
        obj["datasets"] = datasets
    return obj


def jsonl(tmp_path: Path, *lines: dict | str, name: str = "list.ftm.jsonl") -> Path:
    path = tmp_path / name
    path.write_text(
        "".join((json.dumps(x, ensure_ascii=False) if isinstance(x, dict) else x) + "\n" for x in lines),
        encoding="utf-8",
    )
    return path


def csvfile(tmp_path: Path, text: str, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read(path, **kw) -> tuple[list[WatchEntry], list[InvalidRecord], ReadStats]:
    reader = WatchlistReader(path, **kw)
    out = list(reader)
    assert all(isinstance(x, (WatchEntry, InvalidRecord)) for x in out)
    return (
        [x for x in out if isinstance(x, WatchEntry)],
        [x for x in out if isinstance(x, InvalidRecord)],
        reader.stats,
    )


def one(tmp_path: Path, *lines: dict | str, **kw) -> WatchEntry:
    entries, errors, _ = read(jsonl(tmp_path, *lines), **kw)
    assert errors == []
    assert len(entries) == 1
    return entries[0]


# --- values ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("ng", "NGA"), ("NG", "NGA"), ("co", "COL"), ("xk", "XKX"), ("XK", "XKX"), ("NGA", "NGA"),
        ("nga", "NGA"), ("XKX", "XKX"), ("gb-sct", "GBR"), ("suhh", "SUN"), ("D", "DEU"),
        ("XXA", "XXA"), (" de ", "DEU"), ("zz", None), ("eu", None), ("Nigeria", None), ("", None),
        ("QQ", None),
    ],
)  # fmt: skip
def test_to_alpha3(value, expected):
    assert to_alpha3(value) == expected


@pytest.mark.parametrize(
    "value, day_first, expected",
    [
        ("1970-05-03", False, "1970-05-03"),
        ("1970-05", False, "1970-05"),
        ("1970", False, "1970"),
        ("1970-05-03T00:00:00", False, "1970-05-03"),
        ("1970-02-30", False, None),
        ("1970-13", False, None),
        ("70-05-03", False, None),
        ("03/05/1970", False, None),
        ("03/05/1970", True, "1970-05-03"),
        ("3/5/1970", True, "1970-05-03"),
        ("31/02/1980", True, None),
        ("01.12.1980", True, "1980-12-01"),
        ("01-12-1980", True, "1980-12-01"),
        ("1/12/1980 0:00", True, "1980-12-01"),
        ("01/12-1980", True, None),
        ("01/12/80", True, None),
        ("yesterday", True, None),
        ("", False, None),
    ],
)
def test_parse_date(value, day_first, expected):
    assert parse_date(value, day_first=day_first) == expected


@pytest.mark.parametrize(
    "value, expected",
    [("12/25/1980", "1980-12-25"), ("1/2/1980", "1980-01-02"), ("12-01-1980", "1980-12-01"),
     ("12/1/1980 12:00:00 AM", "1980-12-01"), ("25/12/1980", None), ("1980-12-25", "1980-12-25"), ("1980", "1980")],
)  # fmt: skip
def test_parse_date_month_first(value, expected):
    assert parse_date(value, month_first=True) == expected


@pytest.mark.parametrize(
    "value, expected",
    [("ab 12-34", "AB1234"), ("G4829175", "G4829175"), ("592-0374817-45", "592037481745"),
     ("A1234567 (expired)", "A1234567"), ("tg.0493/2281", "TG04932281"), (" - ", "")],
)  # fmt: skip
def test_clean_document_number(value, expected):
    assert clean_document_number(value) == expected


# --- FollowTheMoney: persons ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "props, field, expected",
    [
        ({"name": "Mamadou Diallo"}, "names", ("Mamadou Diallo",)),
        ({"name": "  Mamadou   Diallo "}, "names", ("Mamadou Diallo",)),
        (
            {"name": "José Ñúñez", "alias": ["José Antonio Núñez Parra", "JOSÉ ÑÚÑEZ"], "previousName": "José Parra"},
            "names",
            ("José Ñúñez", "José Antonio Núñez Parra", "José Parra"),
        ),
        ({"firstName": "Chukwuemeka", "lastName": "Okafor"}, "names", ("Chukwuemeka Okafor",)),
        (
            {"firstName": "Дмитрий", "fatherName": "Сергеевич", "lastName": "Волков", "middleName": "Ivan"},
            "names",
            ("Дмитрий Ivan Сергеевич Волков",),
        ),
        ({"firstName": "Juan", "secondName": "Carlos", "lastName": "Cruz"}, "names", ("Juan Carlos Cruz",)),
        ({"firstName": ["Mohammed", "Muhammad"], "lastName": ["Al-Masri", "Elmasri"]}, "names",
         ("Mohammed Al-Masri", "Mohammed Elmasri", "Muhammad Al-Masri", "Muhammad Elmasri")),
        ({"firstName": list("ABCDEFGH"), "lastName": ["Xu", "Yu"]}, "names",
         ("A Xu", "A Yu", "B Xu", "B Yu", "C Xu", "C Yu")),  # a few at most
        ({"name": "OKAFOR, Chukwuemeka", "firstName": "Chukwuemeka", "lastName": "Okafor"}, "names",
         ("OKAFOR, Chukwuemeka", "Chukwuemeka Okafor")),
        ({"name": "Chukwuemeka Okafor", "firstName": "CHUKWUEMEKA", "lastName": "OKAFOR"}, "names",
         ("Chukwuemeka Okafor",)),
        ({"name": "Hassan Fakhoury", "title": "Sheikh"}, "names", ("Hassan Fakhoury",)),
        ({"name": "X", "weakAlias": "El Flaco"}, "names", ("X",)),
        ({"name": "X", "birthDate": "1970-05-03"}, "birth_dates", ("1970-05-03",)),
        ({"name": "X", "birthDate": ["1970-05", "1971"]}, "birth_dates", ("1970-05", "1971")),
        ({"name": "X", "birthDate": ["1970", "1970", "not a date"]}, "birth_dates", ("1970",)),
        ({"name": "X", "birthDate": "1970-05-03T00:00:00"}, "birth_dates", ("1970-05-03",)),
        ({"name": "X", "nationality": ["ng", "co"]}, "nationalities", ("NGA", "COL")),
        ({"name": "X", "nationality": "xk"}, "nationalities", ("XKX",)),
        ({"name": "X", "nationality": "NGA"}, "nationalities", ("NGA",)),
        ({"name": "X", "nationality": "ng", "citizenship": ["ng", "gh"]}, "nationalities", ("NGA", "GHA")),
        ({"name": "X", "country": "ng"}, "nationalities", ()),
        ({"name": "X", "nationality": ["zz", "sn"]}, "nationalities", ("SEN",)),
        ({"name": "X", "gender": "male"}, "genders", ("M",)),
        ({"name": "X", "gender": "F"}, "genders", ("F",)),
        ({"name": "X", "gender": ["m", "other"]}, "genders", ("M",)),
        ({"name": "X", "passportNumber": "ab 123-456"}, "documents",
         (WatchDocument("AB123456", type="passport"),)),
        ({"name": "X", "idNumber": "1077432651"}, "documents", (WatchDocument("1077432651", type="id"),)),
        ({"name": "X", "topics": ["crime.traffick.drug", "wanted"]}, "topics", ("crime.traffick.drug", "wanted")),
        ({"name": "X", "notes": "Courier recruiter"}, "reason", "Courier recruiter."),
        ({"name": "X", "notes": "Courier.", "summary": "Wanted"}, "reason", "Courier. Wanted."),
        ({"name": "X", "weakAlias": ["El Flaco", "Flaco"]}, "reason", "Weak alias: El Flaco, Flaco."),
        ({"name": "X"}, "reason", None),
    ],
)  # fmt: skip
def test_person_properties(tmp_path, props, field, expected):
    entry = one(tmp_path, e(**props))
    assert entry.schema == "Person"
    assert getattr(entry, field) == expected


def test_person_dataset_from_entity_else_argument(tmp_path):
    path = jsonl(tmp_path, e(id="a", name="A", datasets=["red-notices", "other"]), e(id="b", name="B"))
    entries, _, _ = read(path, dataset="given")
    assert [x.dataset for x in entries] == ["red-notices", "given"]
    entries, _, _ = read(path)
    assert [x.dataset for x in entries] == ["red-notices", None]


def test_unreadable_values_are_dropped_and_counted(tmp_path):
    path = jsonl(tmp_path, e(id="p1", name="X", birthDate="1970-99", nationality="zz"))
    entries, errors, stats = read(path)
    assert errors == []
    assert entries[0].birth_dates == () and entries[0].nationalities == ()
    assert stats.dropped_values == 2
    assert stats.dropped == [f"{path}:1: Person 'p1': birthDate '1970-99' is not a date, left out",
                             f"{path}:1: Person 'p1': nationality 'zz' is not a country, left out"]


# --- FollowTheMoney: documents --------------------------------------------------------------------

PERSON = e(id="p1", name="Kwame Asante Boateng")
PASSPORT = e("Passport", id="d1", number="G4829175", country="gh", holder="p1")


@pytest.mark.parametrize(
    "lines", [[PERSON, PASSPORT], [PASSPORT, PERSON]], ids=["person-first", "document-first"]
)
def test_document_attached_to_its_holder_in_either_order(tmp_path, lines):
    entries, errors, stats = read(jsonl(tmp_path, *lines))
    assert errors == []
    assert entries == [
        WatchEntry(
            id="p1",
            names=("Kwame Asante Boateng",),
            documents=(WatchDocument("G4829175", "GHA", "passport"),),
        )
    ]
    assert (stats.persons, stats.documents, stats.attached, stats.read) == (1, 0, 1, 2)


def test_document_attached_to_person_far_away_in_the_file(tmp_path):
    filler = [e(id=f"x{i}", name=f"Filler {i}") for i in range(50)]
    entries, _, _ = read(jsonl(tmp_path, PASSPORT, *filler, PERSON))
    assert entries[-1].documents == (WatchDocument("G4829175", "GHA", "passport"),)
    assert all(x.documents == () for x in entries[:-1])


def test_holder_document_merges_with_person_passport_number(tmp_path):
    entry = one(tmp_path, e(id="p1", name="A", passportNumber="G4829175"), PASSPORT)
    assert entry.documents == (WatchDocument("G4829175", "GHA", "passport"),)


@pytest.mark.parametrize(
    "lines",
    [
        [e("Passport", id="d1", number="G4829175", country="gh")],
        [e("Passport", id="d1", number="G4829175", country="gh", holder="nobody")],
    ],
    ids=["no-holder", "holder-not-in-file"],
)
def test_stolen_or_lost_document_stands_alone(tmp_path, lines):
    entries, errors, stats = read(jsonl(tmp_path, *lines))
    assert errors == []
    assert entries == [
        WatchEntry(id="d1", schema="Document", documents=(WatchDocument("G4829175", "GHA", "passport"),))
    ]
    assert (stats.documents, stats.persons, stats.attached) == (1, 0, 0)
    assert entries[0].caption == "document GHA"


@pytest.mark.parametrize("holder_first", [True, False], ids=["holder-first", "document-first"])
@pytest.mark.parametrize("holder", ["Company", "Organization", "LegalEntity", "PublicBody"])
@pytest.mark.parametrize("schema", ["Passport", "Identification"])
def test_document_of_a_holder_that_is_not_a_person_is_not_a_stolen_document(tmp_path, schema, holder, holder_first):
    # a company has no passport: whatever its number is, no traveller carries it as stolen
    owner = e(holder, id="c1", name="Front SARL")
    doc = e(schema, id="d1", number="G4829175", country="gh", holder="c1")
    entries, errors, stats = read(jsonl(tmp_path, *([owner, doc] if holder_first else [doc, owner]), PERSON))
    assert errors == []
    assert entries == [WatchEntry(id="p1", names=("Kwame Asante Boateng",))]
    assert (stats.documents, stats.attached, stats.skipped) == (0, 0, 1)
    assert stats.held_by_non_persons == {holder: 1}


@pytest.mark.parametrize("holders", [["p1", "c1"], ["c1", "p1"], ["p1", "nobody"]])
def test_document_held_by_a_person_and_another_is_the_persons_only(tmp_path, holders):
    doc = e("Passport", id="d1", number="G4829175", country="gh", holder=holders)
    entries, errors, stats = read(jsonl(tmp_path, doc, e("Company", id="c1", name="Front SARL"), PERSON))
    assert errors == []
    assert entries == [WatchEntry(id="p1", names=("Kwame Asante Boateng",),
                                  documents=(WatchDocument("G4829175", "GHA", "passport"),))]
    assert (stats.documents, stats.attached, sum(stats.held_by_non_persons.values())) == (0, 1, 0)


@pytest.mark.parametrize(
    "props, expected",
    [
        ({"number": "TG-0493-2281", "country": "tg"}, WatchDocument("TG04932281", "TGO", "id")),
        ({"number": "X1", "type": "Passport (diplomatic)"}, WatchDocument("X1", None, "passport")),
        ({"number": "X1", "country": ["zz", "co"]}, WatchDocument("X1", "COL", "id")),
    ],
)
def test_identification_documents(tmp_path, props, expected):
    entry = one(tmp_path, e("Identification", id="d1", **props))
    assert entry.documents == (expected,)


def test_stolen_document_keeps_dataset_topics_and_reason(tmp_path):
    doc = e("Passport", id="d1", datasets=["sltd"], number="FX037451", country="br", notes="Blank booklet stolen",
            topics="crime.traffick.drug")  # fmt: skip
    entry = one(tmp_path, doc)
    assert (entry.dataset, entry.topics, entry.reason) == (
        "sltd",
        ("crime.traffick.drug",),
        "Blank booklet stolen.",
    )


def test_passport_number_legacy_property_and_several_numbers(tmp_path):
    entry = one(tmp_path, e("Passport", id="d1", passportNumber=["A1", "a 1", "B2"]))
    assert [d.number for d in entry.documents] == ["A1", "B2"]


def test_document_for_two_holders(tmp_path):
    doc = e("Passport", id="d1", number="A1", holder=["p1", "p2"])
    entries, _, stats = read(jsonl(tmp_path, e(id="p1", name="A"), doc, e(id="p2", name="B")))
    assert [x.documents for x in entries] == [(WatchDocument("A1", None, "passport"),)] * 2
    assert stats.attached == 2


def test_nested_documents(tmp_path):
    nested = {"id": "d1", "schema": "Passport", "properties": {"number": ["G4829175"], "country": ["gh"]}}
    bad = {"id": "d2", "schema": "Identification", "properties": {}}
    entry = one(tmp_path, e(id="p1", name="A", passport=[nested], identification=[bad]))
    assert entry.documents == (WatchDocument("G4829175", "GHA", "passport"),)


def test_person_without_name_but_with_document_is_kept(tmp_path):
    entry = one(tmp_path, e(id="p1", nationality="gh"), PASSPORT)
    assert entry.names == () and entry.documents[0].number == "G4829175"


# --- FollowTheMoney: topics -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "topics, skip_topics, kept",
    [
        (["role.pep"], None, False),
        (["role.rca"], None, False),
        (["role.pep.frmr", "role.pol"], None, False),  # a topic's sub-topics count as it
        (["role.pep", "role.diplo", "role.judge"], None, False),
        (["role.pep", "sanction"], None, True),  # a PEP who is sanctioned is screened
        (["role.rca", "crime.traffick.drug"], None, True),
        (["role.pep", "wanted"], None, True),
        (["poi"], None, True),
        ([], None, True),  # a list of one's own names no topics
        (["ROLE.PEP"], None, False),
        (["role.pep"], (), True),  # --skip-topics '': everyone
        (["role.pep", "role.judge"], ("role.pep", "role.rca"), True),
        (["role.pep.natl"], ("role.pep", "role.rca"), False),
        (["sanction"], ("sanction",), False),
        (["crime"], ("crime.traffick",), True),
        (["role.pepper"], ("role.pep",), True),  # a prefix is a whole topic, not letters
    ],
)  # fmt: skip
def test_persons_whose_topics_are_all_skipped_are_not_screened(tmp_path, topics, skip_topics, kept):
    kw = {} if skip_topics is None else {"skip_topics": skip_topics}
    entries, errors, stats = read(jsonl(tmp_path, e(id="p9", name="Ana Lima", topics=topics), PERSON), **kw)
    assert errors == []
    assert [x.id for x in entries] == (["p9", "p1"] if kept else ["p1"])
    assert stats.skipped_by_topics == (0 if kept else 1)
    assert stats.persons == (2 if kept else 1)


def test_topic_skips_are_counted_by_topic_and_take_their_documents(tmp_path):
    lines = [
        e("Passport", id="d1", number="PEP12345", holder="pep1"),  # before its holder
        e(id="pep1", name="A", topics=["role.pep", "role.pep.natl"]),
        e(id="pep2", name="B", topics="role.pep"),
        e(id="rca1", name="C", topics="role.rca"),
        e("Passport", id="d2", number="RCA12345", holder="rca1"),  # after it
        e(id="x1", name="D", topics=["role.rca", "sanction"]),
    ]
    entries, errors, stats = read(jsonl(tmp_path, *lines))
    assert errors == [] and [x.id for x in entries] == ["x1"]  # no PEP's passport as a stolen one
    assert (stats.skipped_by_topics, stats.documents, stats.skipped_topic_documents) == (3, 0, 2)
    assert stats.skipped_topics == {"role.pep": 2, "role.pep.natl": 1, "role.rca": 1}


def test_documents_are_not_filtered_by_topic(tmp_path):
    entry = one(tmp_path, e("Passport", id="d1", number="X1234567", topics="role.pep"))
    assert entry.schema == "Document"


@pytest.mark.parametrize(
    "text, expected",
    [("role.pep,role.rca", ("role.pep", "role.rca")), (" Role.PEP , ,role.* ", ("role.pep", "role.*")),
     ("", ()), (",", ())],
)  # fmt: skip
def test_parse_topics(text, expected):
    assert parse_topics(text) == expected


# --- FollowTheMoney: skipped and invalid ----------------------------------------------------------


def test_other_schemata_are_skipped_and_counted(tmp_path):
    lines = [
        e("Company", id="c1", name="A"),
        e("Organization", id="o1", name="B"),
        e("Company", id="c2"),
        PERSON,
    ]
    entries, errors, stats = read(jsonl(tmp_path, *lines))
    assert [x.id for x in entries] == ["p1"] and errors == []
    assert stats.skipped == 3
    assert stats.skipped_schemata == {"Company": 2, "Organization": 1}


@pytest.mark.parametrize(
    "line, reason",
    [
        ('{"id": "p9", "schema": "Person", "properties": {"name": ["A"]', "not valid JSON"),
        ("not json at all", "not valid JSON"),
        ('["a list"]', "expected a JSON object, got a list"),
        ('{"id": "p9", "properties": {}}', "entity has no 'schema' (got None)"),
        ('{"schema": "Person", "properties": {"name": ["A"]}}', "Person entity has no 'id' (got None)"),
        ('{"id": "p9", "schema": "Person", "properties": []}', "'properties' is not an object"),
        ('{"id": "p9", "schema": "Person", "properties": {"nationality": ["ng"]}}',
         "Person 'p9' has no name and no document"),
        ('{"id": "d9", "schema": "Passport", "properties": {"country": ["ng"]}}', "Passport 'd9' has no number"),
        ('{"id": "d9", "schema": "Passport", "properties": {"holder": ["p1"]}}', "Passport 'd9' has no number"),
        ('{"id": "d9", "schema": "Identification", "properties": {"number": ["Passport"', "not valid JSON"),
    ],
)  # fmt: skip
def test_bad_lines_are_reported_with_line_number(tmp_path, line, reason):
    path = jsonl(tmp_path, PERSON, "", line, e(id="p2", name="B"))
    entries, errors, stats = read(path)
    assert [x.id for x in entries] == ["p1", "p2"]
    assert [(x.line, x.source) for x in errors] == [(3, str(path))]
    assert reason in errors[0].reason
    assert stats.errors == 1 and stats.read == 3
    assert str(errors[0]).startswith(f"{path}:3: ")


def test_bad_json_reason_does_not_quote_the_line(tmp_path):
    secret = '{"id": "p9", "schema": "Person", "properties": {"name": ["Secret Name"]}'
    _, errors, _ = read(jsonl(tmp_path, secret))
    assert "Secret" not in errors[0].reason
    assert re.fullmatch(r"not valid JSON: .+ at column \d+", errors[0].reason)


def test_many_bad_lines_all_reported(tmp_path):
    lines = [PERSON, "{", "}", e(id="p2", name="B"), "[", e("Passport", id="d1", holder="p1")]
    entries, errors, _ = read(jsonl(tmp_path, *lines))
    assert sorted(x.line for x in errors) == [2, 3, 5, 6]
    assert [x.id for x in entries] == ["p1", "p2"]


def test_invalid_utf8_line(tmp_path):
    path = tmp_path / "list.jsonl"
    path.write_bytes(
        b'{"id": "p1", "schema": "Person", "properties": {"name": ["\xff"]}}\n' + json.dumps(PERSON).encode()
    )
    entries, errors, _ = read(path)
    assert [x.line for x in errors] == [1] and [x.id for x in entries] == ["p1"]


# --- formats, sources ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, format, expected",
    [
        ("a.jsonl", None, "ftm"), ("a.json", None, "ftm"), ("a.ftm.json", None, "ftm"), ("A.JSONL", None, "ftm"),
        ("a.csv", None, "csv"), ("a.txt", "csv", "csv"), ("a.csv", "ftm", "ftm"), ("-", "jsonl", "ftm"),
    ],
)  # fmt: skip
def test_detect_format(name, format, expected):
    assert detect_format(name, format) == expected


@pytest.mark.parametrize("name, format", [("a.txt", None), ("-", None), ("a.csv", "xml")])
def test_unknown_format_raises(name, format):
    with pytest.raises(InvalidRecord, match="format"):
        WatchlistReader(name, format=format)


class _Pipe(io.RawIOBase):
    """A non-seekable binary stream, like a pipe."""

    def __init__(self, data: bytes):
        self._buf = io.BytesIO(data)

    def readable(self):
        return True

    def readinto(self, b):
        n = self._buf.readinto(b)
        return n

    def seekable(self):
        return False


def _stdin(data: bytes):
    return io.TextIOWrapper(io.BufferedReader(_Pipe(data)), encoding="utf-8")


def test_stdin_ftm_is_spooled_so_documents_attach(monkeypatch):
    data = "".join(json.dumps(x) + "\n" for x in (PERSON, PASSPORT)).encode()
    monkeypatch.setattr(sys, "stdin", _stdin(data))
    entries, errors, _ = read("-", format="ftm")
    assert errors == [] and entries[0].documents[0].number == "G4829175"
    assert entries[0].id == "p1" and len(entries) == 1


def test_stdin_csv(monkeypatch):
    monkeypatch.setattr(sys, "stdin", _stdin(b"name,birth_date\nAna Silva,1980\n"))
    entries, errors, _ = read("-", format="csv")
    assert errors == [] and entries[0].names == ("Ana Silva",)


def test_open_binary_stream(tmp_path):
    entries, _, _ = read(io.BytesIO(json.dumps(PERSON).encode()), format="ftm")
    assert [x.id for x in entries] == ["p1"]


def test_read_watchlist_fills_given_stats(tmp_path):
    stats = ReadStats()
    out = list(read_watchlist(jsonl(tmp_path, PERSON, PASSPORT, "{"), stats=stats))
    assert len(out) == 2
    assert (stats.persons, stats.attached, stats.errors, stats.entries) == (1, 1, 1, 1)


@pytest.mark.parametrize("text, expected", [("", 0), ("a\n", 1), ("a\nb", 2), ("a\nb\n\n", 3)])
def test_count_lines(tmp_path, text, expected):
    path = tmp_path / "x.jsonl"
    path.write_text(text)
    assert count_lines(path) == expected
    assert count_lines(str(path)) == expected


def test_count_lines_of_stdin_is_unknown():
    assert count_lines("-") is None


@pytest.mark.parametrize("suffix", ["ftm.jsonl", "csv"])
def test_reading_twice_gives_equal_entries(suffix):
    path = SAMPLES / f"watchlist.{suffix}"
    assert list(read_watchlist(path)) == list(read_watchlist(path))


# --- CSV -------------------------------------------------------------------------------------------

HEADER = (
    "id,kind,name,aliases,first_name,middle_name,last_name,birth_date,nationality,gender,passport_number,"
    "id_number,document_number,document_country,document_type,dataset,reason\n"
)


def test_csv_full_person_row(tmp_path):
    row = (
        "lt-1,person,Pieter van den Berg,Piet van den Berg; P. v.d. Berg,Pieter,Jan,Berg,19/08/1974,NL;bel,M,"
        "NRK4L7P29,,,nl,,tf,Recruiter\n"
    )
    entries, errors, stats = read(csvfile(tmp_path, HEADER + row))
    assert errors == []
    assert entries == [
        WatchEntry(
            id="lt-1",
            names=("Pieter van den Berg", "Pieter Jan Berg", "Piet van den Berg", "P. v.d. Berg"),
            birth_dates=("1974-08-19",),
            nationalities=("NLD", "BEL"),
            genders=("M",),
            documents=(WatchDocument("NRK4L7P29", "NLD", "passport"),),
            dataset="tf",
            reason="Recruiter",
        )
    ]
    assert (stats.read, stats.persons) == (1, 1)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("first_name,last_name\nKelvin,Osei-Tutu\n", WatchEntry(id="", names=("Kelvin Osei-Tutu",))),
        ("Name,Birth Date,NATIONALITY,Gender\nAna,1980-02,co,female\n",
         WatchEntry(id="", names=("Ana",), birth_dates=("1980-02",), nationalities=("COL",), genders=("F",))),
        ("name,gender,colour\nAna,X,blue\n", WatchEntry(id="", names=("Ana",))),
        ("document_number,document_country,document_type\n592-0374817-45,BE,id\n",
         WatchEntry(id="", schema="Document", documents=(WatchDocument("592037481745", "BEL", "id"),))),
        ("kind,name,passport_number,id_number,document_country\ndocument,Holder Name,P1,I1;I2,GH\n",
         WatchEntry(id="", schema="Document", documents=(WatchDocument("P1", "GHA", "passport"),
                    WatchDocument("I1", "GHA", "id"), WatchDocument("I2", "GHA", "id")))),
        ('name,reason\n"Diallo, Mamadou","Line one,\nline two"\n',
         WatchEntry(id="", names=("Diallo, Mamadou",), reason="Line one, line two")),
        ("\ufeffname,birth_date\nAna,1980\n", WatchEntry(id="", names=("Ana",), birth_dates=("1980",))),
        ("# exported 2026-12-01\nname\n\n# comment\nAna\n", WatchEntry(id="", names=("Ana",))),
        ("name,passport_number\nAna,\"AB123456, CD654321\"\n", WatchEntry(id="", names=("Ana",), documents=(
            WatchDocument("AB123456", None, "passport"), WatchDocument("CD654321", None, "passport")))),
        ("name,passport_number\nAna,AB123456 / CD654321\n", WatchEntry(id="", names=("Ana",), documents=(
            WatchDocument("AB123456", None, "passport"), WatchDocument("CD654321", None, "passport")))),
        ("name,id_number\nAna,592/0374817\n", WatchEntry(id="", names=("Ana",), documents=(
            WatchDocument("5920374817", None, "id"),))),  # a part too short: one number written with a slash
    ],
    ids=["name-parts", "header-case", "unknown-columns", "document", "document-kind", "quoted", "bom", "comments",
         "numbers-comma", "numbers-slash", "number-with-slash"],
)  # fmt: skip
def test_csv_rows(tmp_path, text, expected):
    entries, errors, _ = read(csvfile(tmp_path, text), dataset="given")
    assert errors == []
    assert len(entries) == 1
    got = entries[0]
    assert got.id.startswith("csv-")
    assert got.dataset == "given"
    assert (got.schema, got.names, got.birth_dates, got.nationalities, got.genders, got.documents, got.reason) == (
        expected.schema, expected.names, expected.birth_dates, expected.nationalities, expected.genders,
        expected.documents, expected.reason,
    )  # fmt: skip


def _dated(*dates: str) -> str:
    """A CSV of one person per birth date, with filler rows between them."""
    rows = [f"P{i},Person {i},{d}" for i, d in enumerate(dates)]
    filler = [f"F{i},Filler {i},1970" for i in range(30)]
    return "id,name,birth_date\n" + "\n".join(r for row in rows for r in (row, *filler)) + "\n"


@pytest.mark.parametrize(
    "dates, expected, order, source",
    [
        (["01/12/1980", "25/12/1980"], ["1980-12-01", "1980-12-25"], "dmy", "file"),
        (["01/12/1980", "12/25/1980"], ["1980-01-12", "1980-12-25"], "mdy", "file"),  # the telling date comes last
        (["3/4/1975;12/31/1975", "1975-04-03"], ["1975-03-04;1975-12-31", "1975-04-03"], "mdy", "file"),
        (["01.12.1980", "13.01.1981"], ["1980-12-01", "1981-01-13"], "dmy", "file"),
        (["01/12/1980", "03/04/1975", "05/05/1960"], ["1980-12-01", "1975-04-03", "1960-05-05"], "dmy", "default"),
        (["1980-12-01", "1980-12", "1980"], ["1980-12-01", "1980-12", "1980"], None, None),  # ISO, partial: as ever
    ],
)  # fmt: skip
def test_csv_date_order_is_the_files(tmp_path, dates, expected, order, source):
    entries, errors, stats = read(csvfile(tmp_path, _dated(*dates)))
    assert errors == []
    got = {x.id: ";".join(x.birth_dates) for x in entries}
    assert [got[f"P{i}"] for i in range(len(dates))] == expected
    assert (stats.date_order, stats.date_order_source) == (order, source)


def test_csv_dates_that_could_be_either_are_counted(tmp_path):
    _, _, stats = read(csvfile(tmp_path, _dated("01/12/1980", "03/04/1975", "05/05/1960", "1975-04-03")))
    assert (stats.dates_either_way, stats.dates_day_first, stats.dates_month_first) == (2, 0, 0)
    _, _, stats = read(csvfile(tmp_path, _dated("01/12/1980", "13/04/1975")))
    assert (stats.dates_either_way, stats.dates_day_first, stats.dates_month_first) == (1, 1, 0)


def test_csv_dates_against_the_files_order_reject_their_rows(tmp_path):
    text = _dated("01/12/1980", "12/25/1980", "11/30/1990", "25/12/1980")
    entries, errors, stats = read(csvfile(tmp_path, text))
    assert {x.id: x.birth_dates for x in entries if x.id.startswith("P")} == {
        "P0": ("1980-01-12",), "P1": ("1980-12-25",), "P2": ("1990-11-30",)}
    assert [(e.line, e.reason) for e in errors] == [(95, (
        "invalid birth_date '25/12/1980': the file's other dates are month first (MM/DD/YYYY), "
        "2 of them can only be read so; fix this one, or give the order (--date-order dmy|mdy)"))]
    assert (stats.date_order, stats.dates_day_first, stats.dates_month_first) == ("mdy", 1, 2)
    # a tie keeps day first
    entries, errors, stats = read(csvfile(tmp_path, _dated("12/25/1980", "25/12/1980")))
    assert [x.birth_dates for x in entries if x.id == "P1"] == [("1980-12-25",)] and len(errors) == 1
    assert "the file's other dates are day first (DD/MM/YYYY), 1 of them" in errors[0].reason


@pytest.mark.parametrize("order, expected", [("dmy", ("1980-12-01",)), ("mdy", ("1980-01-12",))])
def test_csv_date_order_given(tmp_path, order, expected):
    entries, errors, stats = read(csvfile(tmp_path, _dated("01/12/1980", "25/12/1980")), date_order=order)
    assert [x.birth_dates for x in entries if x.id == "P0"] == [expected]
    assert (stats.date_order, stats.date_order_source, stats.dates_either_way) == (order, "given", 0)
    assert [e.reason for e in errors] == ([] if order == "dmy" else [
        "invalid birth_date '25/12/1980': expected YYYY, YYYY-MM, YYYY-MM-DD or MM/DD/YYYY"])


def test_unknown_date_order_raises():
    with pytest.raises(InvalidRecord, match="date order 'ymd'"):
        WatchlistReader("a.csv", date_order="ymd")


def test_csv_date_order_from_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", _stdin(_dated("01/12/1980", "12/25/1980").encode()))
    entries, errors, _ = read("-", format="csv")
    assert errors == [] and [x.birth_dates for x in entries if x.id == "P0"] == [("1980-01-12",)]


def test_csv_a_quote_left_open_rejects_its_row_not_the_rest(tmp_path):
    text = 'name,birth_date,passport_number\nAnna Rossi,1965,"YA7654321\nCarlo Bianchi,1970,YB1\nDario Neri,1980,YC2\n'
    entries, errors, _ = read(csvfile(tmp_path, text))
    assert entries == [] and [e.reason for e in errors] == ["passport_number runs over lines 2-4: a quote left open?"]


def test_csv_generated_ids_are_stable_and_distinct(tmp_path):
    path = csvfile(tmp_path, "name,birth_date\nAna,1980\nAna,1981\n")
    other = csvfile(tmp_path, "birth_date,name\n 1980 ,Ana\n", name="other.csv")
    first, second = (read(path)[0] for _ in range(2))
    assert first == second
    assert first[0].id != first[1].id
    assert read(other)[0][0].id == first[0].id  # column order and spacing do not matter


def test_csv_topics_column_filters_persons_as_ftm_does(tmp_path):
    text = ("id,name,topics,passport_number\nA,Ana Lima,role.pep,P1\nB,Bea Cruz,Role.RCA; crime.traffick,P2\n"
            "C,Carla Dias,,P3\nD,Dora Reis,role.rca;role.pep.frmr,\n,,role.pep,X1234567\n")
    entries, errors, stats = read(csvfile(tmp_path, text))
    assert errors == [] and [x.id for x in entries[:2]] == ["B", "C"]
    assert entries[0].topics == ("role.rca", "crime.traffick")
    assert entries[2].schema == "Document"  # documents are not filtered by topic
    assert (stats.skipped_by_topics, stats.persons, stats.documents) == (2, 2, 1)
    assert stats.skipped_topics == {"role.pep": 1, "role.rca": 1, "role.pep.frmr": 1}
    everyone, _, _ = read(csvfile(tmp_path, text), skip_topics=())
    assert [x.id for x in everyone[:4]] == ["A", "B", "C", "D"]


def test_csv_without_topics_keeps_its_generated_ids(tmp_path):
    plain = read(csvfile(tmp_path, "name,birth_date\nAna,1980\n"))[0]
    empty_topics = read(csvfile(tmp_path, "name,birth_date,topics\nAna,1980,\n", name="t.csv"))[0]
    assert plain[0].id == empty_topics[0].id
    assert read(csvfile(tmp_path, "name,birth_date,topics\nAna,1980,poi\n", name="u.csv"))[0][0].id != plain[0].id


@pytest.mark.parametrize(
    "header, unknown",
    [("id,schema,name,birth_date,countries,dataset", True), ("id,schema,name,topics", False), ("id,name", False)],
)
def test_csv_opensanctions_simple_has_no_topics_to_filter(tmp_path, header, unknown):
    _, _, stats = read(csvfile(tmp_path, header + "\n"))
    assert stats.topics_unknown is unknown
    assert read(csvfile(tmp_path, header + "\n"), skip_topics=())[2].topics_unknown is False


@pytest.mark.parametrize(
    "row, reason",
    [
        ("p,person,Ana,,,,,31/02/1980,,,,,,,,,", "invalid birth_date '31/02/1980'"),
        ("p,person,Ana,,,,,1980-13,,,,,,,,,", "invalid birth_date '1980-13'"),
        ("p,person,Ana,,,,,1980;soon,,,,,,,,,", "invalid birth_date 'soon'"),
        ("p,person,Ana,,,,,,Nigeria,,,,,,,,", "unknown nationality 'Nigeria'"),
        ("p,person,Ana,,,,,,co;QQ,,,,,,,,", "unknown nationality 'QQ'"),
        ("p,person,Ana,,,,,,,man,,,,,,,", "unknown gender 'man'"),
        ("p,vehicle,Ana,,,,,,,,,,,,,,", "unknown kind 'vehicle'"),
        ("p,person,,Ana,,,,1980,,,,,,,,,", "person row has no name"),
        ("p,,,,,,,1980,,,,,,,,,", "document row has no number"),
        ("p,document,Ana,,,,,,,,,,,,,,", "document row has no number"),
        ("p,,,,,,,,,,,,X1,,visa,,", "unknown document_type 'visa'"),
        ("p,,,,,,,,,,,,X1,Atlantis,,,", "unknown document_country 'Atlantis'"),
        ("p,,,,,,,,,,,,--,,,,", "document_number '--' holds no letter or digit"),
        ("p,person,Ana,,,,,,,,,,,,,,,extra", "row has 18 fields, the header 17"),
    ],
)
def test_csv_bad_rows(tmp_path, row, reason):
    path = csvfile(tmp_path, HEADER + "ok,person,Ana,,,,,,,,,,,,,,\n" + row + "\nok2,,Bea,,,,,,,,,,,,,,\n")
    entries, errors, stats = read(path)
    assert [x.id for x in entries] == ["ok", "ok2"]
    assert len(errors) == 1
    assert (errors[0].line, errors[0].source) == (3, str(path))
    assert reason in errors[0].reason
    assert (stats.read, stats.errors, stats.persons) == (3, 1, 2)


def test_csv_line_numbers_count_multiline_rows(tmp_path):
    text = 'name,reason,birth_date\nAna,"two\nlines",1980\nBea,,1980-99\n'
    _, errors, _ = read(csvfile(tmp_path, text))
    assert [x.line for x in errors] == [4]


def test_csv_invalid_utf8_row(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(b"name\nAna\nB\x81a\nCarla\n")  # 0x81: not UTF-8, and a hole in Windows-1252
    entries, errors, _ = read(path)
    assert [x.names[0] for x in entries] == ["Ana", "Carla"]
    assert [(x.line, x.reason) for x in errors] == [(3, "neither UTF-8 nor Windows-1252 text")]


def test_csv_from_excel_on_windows(tmp_path):
    # plain "CSV" from a European Excel: Windows-1252 bytes, semicolons between the columns
    path = tmp_path / "list.csv"
    path.write_bytes("Nom;Name;birth_date;nationality\nx;Zoë Müller-Šimon;1980-01-02;DE\n".encode("cp1252"))
    entries, errors, stats = read(path)
    assert errors == [] and [(e.names, e.birth_dates, e.nationalities) for e in entries] == [
        (("Zoë Müller-Šimon",), ("1980-01-02",), ("DEU",))]
    assert stats.ignored_columns == ["Nom"]
    tabbed = csvfile(tmp_path, "name\tpassport_number\nAna Lima\tBR123456\n", name="tabbed.csv")
    assert [e.documents[0].number for e in read(tabbed)[0]] == ["BR123456"]


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "file is empty"),
        ("\n\n", "file is empty"),
        ("Ana,1980\nBea,1981\n", "the first row is not a header"),
        ("name,birth_date,name\nAna,1980,Ana\n", "column(s) name more than once"),
    ],
)
def test_csv_header_problems(tmp_path, text, reason):
    entries, errors, _ = read(csvfile(tmp_path, text))
    assert entries == []
    assert len(errors) == 1 and reason in errors[0].reason
    assert errors[0].line == 1


# --- never crash ------------------------------------------------------------------------------------

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
_entities = st.fixed_dictionaries(
    {"id": st.one_of(st.text(max_size=4), st.none()), "schema": st.sampled_from(["Person", "Passport", "Identification", "Company", 7])},
    optional={
        "properties": st.dictionaries(
            st.sampled_from(["name", "firstName", "birthDate", "nationality", "number", "holder", "passport", "gender"]),
            _json_values | st.lists(st.text(max_size=10), max_size=3),
            max_size=5,
        ),
        "datasets": _json_values,
    },
)  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(
        _entities.map(json.dumps) | st.binary(max_size=40).map(lambda b: b.decode("latin-1")), max_size=8
    )
)
def test_ftm_reader_never_crashes(tmp_path, lines):
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
    out = list(read_watchlist(path))
    assert all(isinstance(x, (WatchEntry, InvalidRecord)) for x in out)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=200), header=st.booleans())
def test_csv_reader_never_crashes(tmp_path, data, header):
    path = tmp_path / "fuzz.csv"
    path.write_bytes((HEADER.encode() if header else b"") + data)
    out = list(read_watchlist(path))
    assert all(isinstance(x, (WatchEntry, InvalidRecord)) for x in out)


# --- the demo data ------------------------------------------------------------------------------------


def test_demo_ftm_watchlist_reads_cleanly():
    entries, errors, stats = read(SAMPLES / "watchlist.ftm.jsonl")
    assert errors == []
    assert (stats.persons, stats.documents, stats.attached, stats.skipped, stats.dropped_values) == (
        60,
        20,
        7,
        2,
        0,
    )
    ids = [x.id for x in entries]
    assert len(set(ids)) == len(ids)
    assert {x.id for x in entries if x.schema == "Person"} == {f"demo-p-{i:03d}" for i in range(1, 61)}
    assert {x.id for x in entries if x.schema == "Document"} == {f"demo-doc-{i:03d}" for i in range(11, 31)}
    assert all(
        x.names and x.birth_dates and x.nationalities and x.reason for x in entries if x.schema == "Person"
    )


def test_demo_csv_watchlist_reads_cleanly():
    _, errors, stats = read(SAMPLES / "watchlist.csv")
    assert errors == []
    assert (stats.persons, stats.documents) == (7, 3)


def _manifest_travellers(path: Path) -> list[dict]:
    """A deliberately naive PAXLST reading (one segment per line, no escapes in the demo files),
    independent of the producers' parser, to check the answer key against the bytes."""
    segments = [s.strip() for s in path.read_text(encoding="ascii").split("'") if s.strip()]
    assert segments[0].startswith("UNA:+.?")
    unh = next(i for i, s in enumerate(segments) if s.startswith("UNH+"))
    unt = next(i for i, s in enumerate(segments) if s.startswith("UNT+"))
    assert int(segments[unt].split("+")[1]) == unt - unh + 1
    travellers: list[dict] = []
    for s in segments:
        tag, *parts = s.split("+")
        if tag == "NAD" and parts[0] == "FL":
            surname, *given = parts[3].split(":")
            travellers.append({"surname": surname, "given_names": " ".join(given)})
        elif travellers and tag == "DTM" and parts[0].startswith("329:"):
            travellers[-1]["dob"] = parts[0][4:]
        elif travellers and tag == "NAT":
            travellers[-1]["nationality"] = parts[1]
        elif travellers and tag == "DOC":
            travellers[-1]["document"] = parts[1]
    cnt = next(s for s in segments if s.startswith("CNT+42:"))
    assert int(cnt.split(":")[1]) == len(travellers)
    return travellers


def _key():
    return json.loads((SAMPLES / "demo_answer_key.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("manifest", _key()["manifests"], ids=lambda m: m["flight"])
def test_demo_answer_key_agrees_with_manifest_and_watchlists(manifest):
    ftm = {x.id: x for x in read_watchlist(SAMPLES / "watchlist.ftm.jsonl")}
    csv_ = {x.id: x for x in read_watchlist(SAMPLES / "watchlist.csv")}
    travellers = _manifest_travellers(SAMPLES / manifest["file"])
    assert len(travellers) == manifest["passengers"]
    assert 10 <= len(travellers) <= 25
    by_name = {(t["surname"], t["given_names"]): t for t in travellers}

    def traveller(a):
        t = by_name[(a["surname"], a["given_names"])]
        century = "20" if t["dob"] < "27" else "19"
        assert century + t["dob"] == a["date_of_birth"].replace("-", "")
        assert t["document"] == a["document_number"]
        assert 1960 <= int(a["date_of_birth"][:4]) <= 2000
        return t

    for a, lists in [*((a, ftm) for a in manifest["alerts"]), *((a, csv_) for a in manifest["csv_alerts"])]:
        t = traveller(a)
        entry = lists[a["entry_id"]]
        if a["kind"] == "name":
            assert any(a["date_of_birth"].startswith(d) for d in entry.birth_dates)
            assert t["nationality"] in entry.nationalities
        else:
            numbers = {d.number for d in entry.documents}
            assert t["document"].replace("O", "0") in numbers
            assert entry.schema == ("Document" if a["kind"] == "stolen_document" else "Person")

    for a in manifest["must_not_alert"]:
        t = traveller(a)
        entry = ftm[a["near_entry_id"]]
        if a["trap"] == "namesake":
            assert t["nationality"] not in entry.nationalities
            assert all(abs(int(a["date_of_birth"][:4]) - int(d[:4])) >= 9 for d in entry.birth_dates)
        else:
            assert min(Levenshtein.distance(t["document"], d.number) for d in entry.documents) == 3

    # everyone else is far from every listed document number
    listed = [d.number for x in [*ftm.values(), *csv_.values()] for d in x.documents]
    keyed = {
        a["document_number"]
        for a in [*manifest["alerts"], *manifest["csv_alerts"], *manifest["must_not_alert"]]
    }
    for t in travellers:
        if t["document"] not in keyed:
            assert min(Levenshtein.distance(t["document"].replace("O", "0"), n) for n in listed) >= 4


def test_demo_answer_key_covers_every_alert_kind():
    key = _key()
    kinds = {a["kind"] for m in key["manifests"] for a in m["alerts"]}
    traps = {a["trap"] for m in key["manifests"] for a in m["must_not_alert"]}
    assert kinds == {"name", "document", "stolen_document"}
    assert traps == {"namesake", "near_document"}
    assert all((SAMPLES / m["file"]).name.startswith("demo_") for m in key["manifests"])
