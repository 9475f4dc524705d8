"""EDIFACT date formats and two-digit-year resolution."""

from __future__ import annotations

from datetime import date

import pytest

from producers.dates import edifact_date, reference_date

REF = date(2024, 2, 10)


@pytest.mark.parametrize(
    ("value", "fmt", "rule", "expected"),
    [
        ("720907", None, "birth", "1972-09-07"),
        ("720907", "101", "birth", "1972-09-07"),
        ("250101", None, "birth", "1925-01-01"),
        ("240210", None, "birth", "2024-02-10"),  # the reference day itself is not the future
        ("240211", None, "birth", "1924-02-11"),
        ("19720907", "102", "birth", "1972-09-07"),
        ("300101", None, "nearest", "2030-01-01"),
        ("740101", None, "nearest", "2074-01-01"),
        ("750101", None, "nearest", "1975-01-01"),
        ("0702191540", "201", "nearest", "2007-02-19T15:40"),
        ("200702191540", "203", "nearest", "2007-02-19T15:40"),
        ("20070219154059", "204", "nearest", "2007-02-19T15:40"),
        ("0702191540", "102", "nearest", "2007-02-19T15:40"),  # wrong format code: read by length
        ("000229", None, "birth", "2000-02-29"),
    ],
)
def test_edifact_date(value: str, fmt: str | None, rule, expected: str) -> None:
    assert edifact_date(value, fmt, reference=REF, rule=rule) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "7209",
        "72090",
        "721307",
        "720932",
        "19720230",
        "0702192540",
        "0702191560",
        "72-09-07",
        "７２０９０７",
    ],
)
def test_not_dates(value: str) -> None:
    with pytest.raises(ValueError):
        edifact_date(value, None, reference=REF)


def test_a_value_read_before_is_read_again_against_its_reference_and_rule() -> None:
    # values are kept once read (`dates._read`): by reference and rule, not by value alone
    assert edifact_date("300101", None, reference=date(2020, 1, 1), rule="birth") == "1930-01-01"
    assert edifact_date("300101", None, reference=date(2035, 1, 1), rule="birth") == "2030-01-01"
    assert edifact_date("300101", None, reference=date(2020, 1, 1), rule="nearest") == "2030-01-01"
    for _ in range(2):  # an error is raised each time, with its format
        with pytest.raises(ValueError, match="'102'"):
            edifact_date("7209", "102", reference=REF)


def test_february_29_in_a_century_without_one() -> None:
    # 29 Feb '00 relative to 2101: 2100 has no 29 February, 2000 does
    assert edifact_date("000229", None, reference=date(2101, 1, 1), rule="birth") == "2000-02-29"


@pytest.mark.parametrize(
    ("candidates", "expected"),
    [
        (("2024-02-10T12:00", None), date(2024, 2, 10)),
        ((None, "2019-05-01T00:00:00Z"), date(2019, 5, 1)),
        (("garbage-date", "2019-05-01"), date(2019, 5, 1)),
    ],
)
def test_reference_date(candidates, expected: date) -> None:
    assert reference_date(*candidates) == expected


def test_reference_date_defaults_to_today() -> None:
    assert abs((reference_date(None, "x") - date.today()).days) <= 1
