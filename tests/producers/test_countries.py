"""Country codes as documents write them."""

from __future__ import annotations

import pytest

from producers.countries import country_code


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("GBR", "GBR"),
        ("gbr", "GBR"),
        (" fra ", "FRA"),
        ("D", "DEU"),
        ("DE", "DEU"),
        ("ng", "NGA"),
        ("UK", "GBR"),
        ("XK", "RKS"),
        ("GBD", "GBD"),
        ("XXA", "XXA"),
        ("UNO", "UNO"),
        ("QQ", "QQ"),
        ("Hartford USA", "HARTFORD USA"),
        ("", None),
        (None, None),
    ],
)
def test_country_code(value: str | None, expected: str | None) -> None:
    assert country_code(value) == expected
