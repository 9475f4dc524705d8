from __future__ import annotations

from datetime import UTC, datetime

import pytest

from matchers.airports import airport, country_of, local_to_utc, region_of, subregion_of


@pytest.mark.parametrize(
    ("code", "country", "subregion"),
    [
        ("GRU", "BRA", "South America"), ("BOG", "COL", "South America"), ("LIM", "PER", "South America"),
        ("VVI", "BOL", "South America"), ("CCS", "VEN", "South America"), ("CAY", "GUF", "South America"),
        ("LFW", "TGO", "Western Africa"), ("LOS", "NGA", "Western Africa"), ("ACC", "GHA", "Western Africa"),
        ("DKR", "SEN", "Western Africa"), ("OXB", "GNB", "Western Africa"), ("RAI", "CPV", "Western Africa"),
        ("DLA", "CMR", "Middle Africa"), ("LBV", "GAB", "Middle Africa"), ("SSG", "GNQ", "Middle Africa"),
        ("LAD", "AGO", "Middle Africa"), ("ADD", "ETH", "Eastern Africa"),
        ("BRU", "BEL", "Western Europe"), ("MAD", "ESP", "Southern Europe"), ("LIS", "PRT", "Southern Europe"),
        ("AMS", "NLD", "Western Europe"), ("CDG", "FRA", "Western Europe"), ("LHR", "GBR", "Northern Europe"),
        ("lfw", "TGO", "Western Africa"),
    ],
)
def test_airports_on_the_routes(code: str, country: str, subregion: str) -> None:
    assert country_of(code) == country
    assert subregion_of(code) == subregion


@pytest.mark.parametrize("code", [None, "", "ZZ", "QQQQ", "Q1Q"])
def test_unknown_airports_are_none(code) -> None:
    assert airport(code) is None and country_of(code) is None and region_of(code) is None


def test_region_and_time_zone() -> None:
    assert region_of("BRU") == "Europe" and airport("LFW").tz == "Africa/Lome"


@pytest.mark.parametrize(
    ("local", "code", "utc"),
    [
        ("2025-04-08T17:30", "GRU", datetime(2025, 4, 8, 20, 30, tzinfo=UTC)),  # UTC-3
        ("2025-04-09T15:35", "BRU", datetime(2025, 4, 9, 13, 35, tzinfo=UTC)),  # summer time, UTC+2
        ("2025-01-09T15:35", "BRU", datetime(2025, 1, 9, 14, 35, tzinfo=UTC)),
        ("2025-04-09T06:40", "LFW", datetime(2025, 4, 9, 6, 40, tzinfo=UTC)),
        ("2025-04-09T06:40", "ZZZ", datetime(2025, 4, 9, 6, 40, tzinfo=UTC)),  # unknown: read as UTC
        ("2025-04-09", "LFW", datetime(2025, 4, 9, 12, 0, tzinfo=UTC)),  # a date alone: noon
        ("garbage-dt", "LFW", None),
        (None, "LFW", None),
    ],
)
def test_local_times_to_utc(local, code, utc) -> None:
    assert local_to_utc(local, code) == utc
