"""`paxscreen watchlist load` on files a task force or another tool really makes, against a
real redis-server: a file with no entry switches nothing, other spellings of the CSV columns,
OpenSanctions' simple CSV, and what the loader read but did not keep is said."""

from __future__ import annotations

import io
import json
import sys
import uuid

import pytest

from matchers.store import WatchlistStore
from paxscreen.cli import main


@pytest.fixture
def prefix(server, monkeypatch) -> str:
    p = "t" + uuid.uuid4().hex[:10]
    monkeypatch.setenv("PAXSCREEN_REDIS_URL", server.url)
    monkeypatch.setenv("PAXSCREEN_TOPIC_PREFIX", p)
    monkeypatch.delenv("PAXSCREEN_KAFKA_BOOTSTRAP", raising=False)
    return p


def load(path, *extra: str) -> int:
    return main(["watchlist", "load", str(path), "--list", "tf", "--quiet", "--no-retro", "--workers", "1", *extra])


def entries(server, prefix: str) -> dict:
    store = WatchlistStore(server.client(), prefix=prefix)
    (meta,) = store.status()
    return {"version": meta["version"], "persons": meta["persons"], "documents": meta["documents"]}


@pytest.mark.parametrize("text", ["name,birth_date,nationality\n", "", "\n\n"])
def test_a_file_with_no_entry_keeps_the_active_version(tmp_path, capsys, server, prefix, text) -> None:
    good = tmp_path / "good.csv"
    good.write_text("name,birth_date\nAnna Rossi,1965\nCarlo Bianchi,1970-01-02\n")
    assert load(good) == 0
    before = entries(server, prefix)
    empty = tmp_path / "empty.csv"
    empty.write_text(text)
    assert load(empty) == 2
    assert "not loaded: no entry to load into list 'tf': its active version is kept" in capsys.readouterr().err
    assert entries(server, prefix) == before == {**before, "persons": 2}


def test_other_spellings_of_the_columns(tmp_path, capsys, server, prefix) -> None:
    f = tmp_path / "wanted.csv"
    f.write_text("ID,Surname,Given Names,Date of Birth,Nationality,Passport No,Issuing Country,Sex,Remarks\n"
                 "W-1,OKAFOR,Chukwuemeka,18/04/1983,NG,A01234567,NGA,M,seen in Lagos\n")
    assert load(f) == 0
    out = capsys.readouterr()
    assert "1 persons, 0 stolen/lost documents" in out.out  # a person, not a stolen passport
    assert "columns not understood, ignored: 'Remarks'" in out.err
    e = WatchlistStore(server.client(), prefix=prefix).entry("W-1")
    assert (e.names, e.birth_dates, e.nationalities, e.genders) == (
        ("Chukwuemeka OKAFOR",), ("1983-04-18",), ("NGA",), ("M",))
    assert [(d.number, d.country, d.type) for d in e.documents] == [("A01234567", "NGA", "passport")]


def test_a_column_named_both_ways_keeps_the_named_one(tmp_path, capsys, server, prefix) -> None:
    f = tmp_path / "own.csv"
    f.write_text("id,name,dataset,source,dob,birth_date\nW-2,Anna Rossi,tf,informant 7,1965,1966\n")
    assert load(f) == 0
    assert "columns not understood, ignored: 'source', 'dob'" in capsys.readouterr().err
    e = WatchlistStore(server.client(), prefix=prefix).entry("W-2")
    assert (e.dataset, e.birth_dates) == ("tf", ("1966",))


def test_opensanctions_simple_csv_screens_persons_only(tmp_path, capsys, server, prefix) -> None:
    f = tmp_path / "targets.simple.csv"
    f.write_text("id,schema,name,aliases,birth_date,countries,addresses,identifiers,sanctions,phones,emails,dataset\n"
                 'NK-1,Person,Ivan Petrov,Иван Петров;Ivan Petrow,1970-05-06,ru,,,,,,"US OFAC SDN;EU FSF"\n'
                 "NK-2,Company,Petrov Trading LLC,,,ru,,,,,,US OFAC SDN\n"
                 "NK-3,Vessel,SEA STAR,,,,,,,,,US OFAC SDN\n")
    assert load(f) == 0
    out = capsys.readouterr()
    assert "1 persons" in out.out
    assert "2 entities of schemata not screened were skipped (Company 1, Vessel 1)" in out.err


def test_a_companys_passport_is_not_a_stolen_document(tmp_path, capsys, server, prefix) -> None:
    lines = [
        {"id": "d1", "schema": "Passport", "properties": {"number": ["G4829175"], "holder": ["c1"]}},
        {"id": "d2", "schema": "Identification", "properties": {"number": ["RC-2019-B-0415"], "holder": ["c1"]}},
        {"id": "c1", "schema": "Company", "properties": {"name": ["Front SARL"]}},
        {"id": "d3", "schema": "Passport", "properties": {"number": ["A7001234"]}},
        {"id": "p1", "schema": "Person", "properties": {"name": ["Kwame Boateng"]}},
    ]
    f = tmp_path / "list.ftm.json"
    f.write_text("".join(json.dumps(x) + "\n" for x in lines))
    assert load(f) == 0
    out = capsys.readouterr()
    assert "1 persons, 1 stolen/lost documents" in out.out  # d3 only
    assert "2 documents held by entities that are not persons (Company 2) were not screened" in out.err
    store = WatchlistStore(server.client(), prefix=prefix)
    assert store.entry("d3") is not None and store.entry("d1") is None and store.entry("d2") is None


PEPS = [
    {"id": "pep1", "schema": "Person", "properties": {"name": ["Ana Lima"], "topics": ["role.pep"]}},
    {"id": "d1", "schema": "Passport", "properties": {"number": ["PEP12345"], "holder": ["pep1"]}},
    {"id": "rca1", "schema": "Person", "properties": {"name": ["Bea Lima"], "topics": ["role.rca", "role.pol"]}},
    {"id": "x1", "schema": "Person", "properties": {"name": ["Carla Dias"], "topics": ["role.pep", "crime.traffick"]}},
    {"id": "own1", "schema": "Person", "properties": {"name": ["Dora Reis"]}},
]


def test_peps_and_their_relatives_are_not_loaded_unless_asked(tmp_path, capsys, server, prefix) -> None:
    f = tmp_path / "default.ftm.json"
    f.write_text("".join(json.dumps(x) + "\n" for x in PEPS))
    assert load(f) == 0
    out = capsys.readouterr()
    assert "2 persons, 0 stolen/lost documents" in out.out  # not the PEP's passport as a stolen one
    assert ("2 persons whose topics are all skipped (role.pep 1, role.rca 1, role.pol 1) were not loaded, "
            "with 1 documents they hold; --skip-topics '' loads everyone") in out.err
    store = WatchlistStore(server.client(), prefix=prefix)
    assert store.entry("x1") is not None and store.entry("own1") is not None and store.entry("pep1") is None
    assert load(f, "--skip-topics", "role.pep") == 0
    assert "3 persons" in capsys.readouterr().out  # the relative, also a politician, is back
    assert load(f, "--skip-topics", "") == 0
    out = capsys.readouterr()
    assert "4 persons, 0 stolen/lost documents" in out.out and "topics" not in out.err
    assert [d.number for d in WatchlistStore(server.client(), prefix=prefix).entry("pep1").documents] == ["PEP12345"]


def test_opensanctions_simple_csv_says_its_peps_cannot_be_told(tmp_path, capsys, server, prefix) -> None:
    f = tmp_path / "targets.simple.csv"
    f.write_text("id,schema,name,birth_date,countries,sanctions,dataset\nQ1,Person,Ana Lima,1970,br,,peps\n")
    assert load(f) == 0
    assert "the file has no topics column: persons listed only as PEPs or their relatives" in capsys.readouterr().err


def test_a_us_export_reads_month_first(tmp_path, capsys, server, prefix) -> None:
    f = tmp_path / "us.csv"
    f.write_text("id,name,birth_date\nU-1,Anna Rossi,01/12/1980\nU-2,Carlo Bianchi,12/25/1975\n"
                 "U-3,Dario Neri,25/12/1975\nU-4,Elena Greco,11/30/1990\n")
    assert load(f) == 2  # U-3's date cannot be month first: a bad line
    out = capsys.readouterr()
    assert "us.csv:4: invalid birth_date '25/12/1975': the file's other dates are month first" in out.err
    assert ("birth dates were read month first (MM/DD/YYYY): 2 of them can only be read so; 1 that can only be "
            "read the other way were rejected as bad lines") in out.err
    store = WatchlistStore(server.client(), prefix=prefix)
    assert store.entry("U-1").birth_dates == ("1980-01-12",) and store.entry("U-2").birth_dates == ("1975-12-25",)


def test_dates_that_could_be_either_read_day_first_with_a_note(tmp_path, capsys, server, prefix) -> None:
    f = tmp_path / "tf.csv"
    f.write_text("id,name,birth_date\nU-1,Anna Rossi,01/12/1980\nU-2,Carlo Bianchi,1975-12-25\n")
    assert load(f) == 0
    assert ("1 birth dates could be day or month first (DD/MM/YYYY or MM/DD/YYYY) and no date in the file tells "
            "which: they were read day first; if the file writes month first, as US exports do, load it again with "
            "--date-order mdy") in capsys.readouterr().err
    assert WatchlistStore(server.client(), prefix=prefix).entry("U-1").birth_dates == ("1980-12-01",)
    assert load(f, "--date-order", "mdy") == 0
    assert "birth dates" not in capsys.readouterr().err
    assert WatchlistStore(server.client(), prefix=prefix).entry("U-1").birth_dates == ("1980-01-12",)


class _Pipe(io.RawIOBase):
    """Standard input from a pipe: read once, not seekable."""

    def __init__(self, data: bytes) -> None:
        self._buf = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        return self._buf.readinto(b)


def pipe_stdin(monkeypatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(_Pipe(text.encode())), encoding="utf-8"))


@pytest.mark.parametrize(
    "fmt, text",
    [
        ("csv", "id,name,birth_date\nS-1,Anna Rossi,01/12/1980\nS-2,Carlo Bianchi,12/25/1975\n"),
        ("ftm", "".join(json.dumps(x) + "\n" for x in (
            {"id": "d1", "schema": "Passport", "properties": {"number": ["G4829175"], "holder": ["S-1"]}},
            {"id": "S-1", "schema": "Person", "properties": {"name": ["Anna Rossi"]}},
            {"id": "S-2", "schema": "Person", "properties": {"name": ["Carlo Bianchi"]}}))),
    ],
)  # fmt: skip
def test_strict_reads_stdin(monkeypatch, capsys, server, prefix, fmt, text) -> None:
    pipe_stdin(monkeypatch, text)
    assert load("-", "--format", fmt, "--strict") == 0
    assert "loaded list 'tf'" in capsys.readouterr().out
    store = WatchlistStore(server.client(), prefix=prefix)
    assert entries(server, prefix)["persons"] == 2
    if fmt == "csv":  # read twice more (the date order's pass) from the one copy
        assert store.entry("S-1").birth_dates == ("1980-01-12",)
    else:
        assert [d.number for d in store.entry("S-1").documents] == ["G4829175"]


def test_strict_stdin_with_a_bad_line_loads_nothing(monkeypatch, tmp_path, capsys, server, prefix) -> None:
    good = tmp_path / "good.csv"
    good.write_text("name\nAnna Rossi\n")
    assert load(good) == 0
    before = entries(server, prefix)
    pipe_stdin(monkeypatch, "name,birth_date\nCarlo Bianchi,1970\nDario Neri,1980-13\nElena Greco,1990\n")
    assert load("-", "--format", "csv", "--strict") == 2
    err = capsys.readouterr().err
    assert "error: <stdin>:3: invalid birth_date '1980-13'" in err
    assert "not loaded: 1 bad line(s) and --strict" in err
    assert entries(server, prefix) == before


def test_repeated_ids_are_said(tmp_path, capsys, server, prefix) -> None:
    f = tmp_path / "tf.csv"
    f.write_text("id,name,birth_date\nTF-1,Anna Rossi,1965\nTF-1,Carlo Bianchi,1970\nTF-2,Dario Neri,1980\n")
    assert load(f) == 0
    assert "1 entries repeat an id read before; the last of each is kept" in capsys.readouterr().err
    assert entries(server, prefix)["persons"] == 3  # as read; Redis holds two


def test_a_file_of_another_name_loads_with_its_format(tmp_path, capsys, server, prefix) -> None:
    f = tmp_path / "sltd.txt"
    f.write_text("document_number,document_country,document_type\nP1234567,FRA,passport\n")
    assert load(f) == 2
    assert "give it with --format ftm|csv" in capsys.readouterr().err
    assert load(f, "--format", "csv") == 0
    assert entries(server, prefix)["documents"] == 1


def test_a_list_is_removed_by_name(tmp_path, capsys, server, prefix) -> None:
    f = tmp_path / "tf.csv"
    f.write_text("name\nAnna Rossi\n")
    assert load(f) == 0
    assert main(["watchlist", "remove", "typo"]) == 2
    assert "no active list 'typo' (active: 'tf')" in capsys.readouterr().err
    assert main(["watchlist", "remove", "tf"]) == 0
    assert "removed list 'tf'" in capsys.readouterr().out
    assert WatchlistStore(server.client(), prefix=prefix).status() == []
    assert not list(server.client().scan_iter(f"*{prefix}*"))  # its keys deleted


def test_a_second_file_into_the_default_list_is_told_it_replaced_the_first(tmp_path, capsys, server, prefix) -> None:
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("name\nAnna Rossi\nCarlo Bianchi\n")
    second.write_text("document_number,document_country\nP1234567,FRA\n")
    quiet = ["--quiet", "--no-retro", "--workers", "1"]
    assert main(["watchlist", "load", str(first), *quiet]) == 0
    loaded_at = WatchlistStore(server.client(), prefix=prefix).status()[0]["loaded_at"]
    assert "replaced" not in capsys.readouterr().err  # a new list
    assert main(["watchlist", "load", str(first), *quiet]) == 0
    assert "replaced" not in capsys.readouterr().err  # the same file again
    assert main(["watchlist", "load", str(second), *quiet]) == 0
    assert (f"note: replaced list 'default' (was 2 persons, 0 stolen/lost documents loaded {loaded_at} from "
            f"{str(first.resolve())!r}); --list NAME loads a file as a list of its own") in capsys.readouterr().err
    second.write_text("document_number,document_country\nP1234567,FRA\nP7654321,FRA\n")  # the daily update
    assert main(["watchlist", "load", str(second), *quiet]) == 0
    assert "replaced" not in capsys.readouterr().err
    assert main(["watchlist", "load", str(first), "--list", "other", *quiet]) == 0
    assert "replaced" not in capsys.readouterr().err
    assert [st["name"] for st in WatchlistStore(server.client(), prefix=prefix).status()] == ["default", "other"]


def test_load_s_help_names_the_default_list(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["watchlist", "load", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "(default: default)" in out and "'default' when not given" in out


def test_ftm_values_left_out_are_named_with_their_line(tmp_path, capsys, server, prefix) -> None:
    f = tmp_path / "wl.ftm.jsonl"
    lines = [{"id": "x-1", "schema": "Person", "properties": {"name": ["Anna Rossi"], "birthDate": ["1970-99"],
                                                              "nationality": ["zz"], "citizenship": ["it"]}},
             {"id": "x-2", "schema": "Person", "properties": {
                 "name": ["Carlo Bianchi"],
                 "passport": [{"id": "pp-9", "schema": "Passport", "properties": {"country": ["it"]}}]}}]
    lines += [{"id": f"y-{i}", "schema": "Person", "properties": {"name": [f"Dario Neri {i}"], "birthDate": ["soon"]}}
              for i in range(10)]
    f.write_text("".join(json.dumps(x) + "\n" for x in lines))
    assert load(f) == 0
    err = capsys.readouterr().err.splitlines()
    warnings = [line for line in err if line.startswith("warning: ")]
    assert warnings[:3] == [
        f"warning: {f}:1: Person 'x-1': birthDate '1970-99' is not a date, left out",
        f"warning: {f}:1: Person 'x-1': nationality 'zz' is not a country, left out",
        f"warning: {f}:2: Person 'x-2': passport 'Passport pp-9' has no number, left out",
    ]
    assert len(warnings) == 10 and warnings[-1] == f"warning: {f}:9: Person 'y-6': birthDate 'soon' is not a date, left out"
    assert "note: 13 property values could not be read and were left out (10 shown above, 3 more)" in err
