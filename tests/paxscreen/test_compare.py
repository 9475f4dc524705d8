from __future__ import annotations

import io

import orjson
import pytest

from paxscreen.compare import compare_pairs, compare_values, to_record
from paxscreen.errors import InvalidRecord
from paxscreen.models import Traveller, WatchEntry
from paxscreen.settings import Settings

S = Settings()


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [
        ("MOHAMED DIALLO", "Mohammed Jallow", True),
        ("JOHN SMITH", "Maria Garcia", False),
        ({"surname": "DIALLO", "given_names": "MOHAMED", "date_of_birth": "1985-01-01", "nationality": "GIN"},
         {"schema": "Person", "properties": {"name": ["Mohamed Diallo"], "birthDate": ["1995"], "nationality": ["sn"]}},
         False),
        ({"surname": "MENSAH", "given_names": "KOFI", "document_number": "G4829175", "document_country": "GHA"},
         {"name": "Kwame Boateng", "document_number": "G4829175", "document_country": "GHA"}, True),
    ],
)
def test_compare_decides(a, b, match: bool) -> None:
    r = compare_values(a, b, S)
    assert r["match"] is match
    assert 0 <= r["score"] <= 1 and r["explanation"] and all(e["detail"] for e in r["explanation"])


def test_record_shapes() -> None:
    assert isinstance(to_record("Jo Doe"), WatchEntry)
    assert isinstance(to_record('{"surname": "DOE"}'), Traveller)
    stolen = to_record({"schema": "Passport", "properties": {"number": ["X1234567"], "country": ["br"]}})
    assert stolen.schema == "Document" and stolen.documents[0].country == "BRA"
    with pytest.raises(InvalidRecord):
        to_record({"nationality": "FRA"})
    with pytest.raises(InvalidRecord):
        to_record("")


def test_a_pep_is_compared_whatever_its_topics() -> None:
    pep = to_record({"schema": "Person", "properties": {"name": ["Ana Lima"], "topics": ["role.pep"]}})
    assert pep.names == ("Ana Lima",) and pep.topics == ("role.pep",)


def test_pairs_file_one_result_per_line(capsys) -> None:
    lines = [b'{"a": "JOHN SMITH", "b": "Jon Smith", "id": 7}', b"", b"nonsense", b'{"a": "X"}']
    out = io.StringIO()
    assert compare_pairs(lines, S, out, "pairs.jsonl") == 2
    rows = [orjson.loads(x) for x in out.getvalue().splitlines()]
    assert rows[0]["id"] == 7 and rows[0]["match"] is True and "score" in rows[0]
    assert rows[1] == {"line": 3, "error": rows[1]["error"]} and rows[2]["line"] == 4
    assert "pairs.jsonl:3" in capsys.readouterr().err
