"""Document numbers: normalisation, OCR confusions, transpositions, placeholders."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matchers.documents import (
    PLACEHOLDER_CAP,
    SHORT_CAP,
    is_placeholder,
    normalize_country,
    normalize_number,
    number_relation,
    number_similarity,
    ocr_canonical,
    specificity,
    transpositions,
)


@pytest.mark.parametrize(
    "raw, norm",
    [("ab 12-345<<", "AB12345"), (" p.123/456 ", "P123456"), (None, ""), ("", ""), ("C01X00T47", "C01X00T47")],
)
def test_normalize_number(raw: str | None, norm: str) -> None:
    assert normalize_number(raw) == norm


@pytest.mark.parametrize("digit, letter", [("0", "O"), ("1", "I"), ("5", "S"), ("8", "B"), ("2", "Z"), ("6", "G")])
def test_each_ocr_confusion_pair_collides(digit: str, letter: str) -> None:
    a, b = f"XK4{digit}93017", f"XK4{letter}93017"
    assert ocr_canonical(a) == ocr_canonical(b)
    assert number_relation(a, b) == "ocr"
    assert number_similarity(a, b) == pytest.approx(0.92)


@pytest.mark.parametrize(
    "a, b, relation",
    [
        ("YY3478621G", "YY3478621G", "exact"),
        ("YY3478621G", "YY3487621G", "transposition"),
        ("YY3478621G", "YY3478261G", "transposition"),
        ("YY3478621G", "YY3478621", "one_edit"),
        ("YY3478621G", "YY3478921G", "one_edit"),
        ("YY3478621G", "YY3477921G", "two_edits"),
        ("YY3478621G", "YY3411921G", "different"),  # three characters away
        ("548721687", "", "different"),
    ],
)
def test_number_relation(a: str, b: str, relation: str) -> None:
    assert number_relation(a, b) == relation
    assert number_relation(b, a) == relation


def test_transpositions_are_adjacent_swaps() -> None:
    assert transpositions("AB12") == ["BA12", "A1B2", "AB21"]
    assert transpositions("AAB") == ["ABA"]  # identical neighbours are not swapped


@pytest.mark.parametrize(
    "number", ["123456789", "987654321", "0123456789", "111111111", "000000", "NONE", "unknown", "121212121", "ABCABCABC"]
)
def test_placeholders(number: str) -> None:
    assert is_placeholder(number)
    assert specificity(number)[0] == PLACEHOLDER_CAP


@pytest.mark.parametrize("number", ["548721687", "YY3478621G", "TRQWE99800", "C01X00T47"])
def test_real_numbers_are_specific(number: str) -> None:
    assert not is_placeholder(number)
    assert specificity(number)[0] == 1.0


def test_short_numbers_are_capped() -> None:
    assert specificity("A4821")[0] == SHORT_CAP


@pytest.mark.parametrize("code, alpha3", [("ru", "RUS"), ("DE", "DEU"), ("D", "DEU"), ("GBR", "GBR"), (" fra ", "FRA"), ("", None), (None, None)])
def test_normalize_country(code: str | None, alpha3: str | None) -> None:
    assert normalize_country(code) == alpha3


numbers = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -<", max_size=14)


@given(numbers, numbers)
def test_similarity_in_unit_range_and_symmetric(a: str, b: str) -> None:
    s = number_similarity(a, b)
    assert 0.0 <= s <= 1.0
    assert s == number_similarity(b, a)
