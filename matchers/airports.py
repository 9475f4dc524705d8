"""Airports: IATA code -> ISO 3166-1 alpha-3 country, UN region and sub-region, time zone.

The table is the PyPI package ``airportsdata`` (about 7,900 airports with an IATA code, each
with its ISO alpha-2 country and IANA time zone, shipped offline in the wheel); countries are
turned into alpha-3 (as travel documents and paxscreen events write them) and given their UN
M49 region and sub-region (``"Africa"`` / ``"Western Africa"``) with `rigour.territories`.
Both load lazily, once per process (~0.2 s).

An unknown code gives ``None`` everywhere: a rule indicator on it then does not fire, it
never raises.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["Airport", "airport", "country_of", "local_to_utc", "region_of", "subregion_of"]


@dataclass(frozen=True, slots=True)
class Airport:
    iata: str
    name: str
    city: str
    country: str | None  # ISO 3166-1 alpha-3
    region: str | None  # UN M49 region: Africa, Americas, Asia, Europe, Oceania
    subregion: str | None  # UN M49 sub-region: Western Africa, Middle Africa, South America...
    tz: str | None  # IANA time zone, e.g. Africa/Lome


@cache
def _table() -> dict[str, dict]:
    import airportsdata

    return airportsdata.load("IATA")


@lru_cache(maxsize=512)
def _territory(alpha2: str) -> tuple[str | None, str | None, str | None]:
    from rigour.territories import get_territory

    t = get_territory(alpha2.lower())
    if t is None:
        return None, None, None
    alpha3 = (getattr(t, "alpha3", None) or "").upper() or None
    return alpha3, getattr(t, "region", None), getattr(t, "subregion", None)


@lru_cache(maxsize=8192)
def airport(code: str | None) -> Airport | None:
    """The airport with this IATA code (case-insensitive), or None."""
    if not code or len(code) != 3:
        return None
    row = _table().get(code.upper())
    if row is None:
        return None
    alpha3, region, subregion = _territory(row["country"]) if row.get("country") else (None, None, None)
    return Airport(row["iata"], row["name"], row["city"], alpha3, region, subregion, row.get("tz") or None)


def country_of(code: str | None) -> str | None:
    """``"LFW"`` -> ``"TGO"``; None when the airport is unknown."""
    a = airport(code)
    return a.country if a else None


def region_of(code: str | None) -> str | None:
    a = airport(code)
    return a.region if a else None


def subregion_of(code: str | None) -> str | None:
    a = airport(code)
    return a.subregion if a else None


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_to_utc(local: str | None, code: str | None) -> datetime | None:
    """An airport-local ``YYYY-MM-DDTHH:MM`` (or a date alone, read as noon) as an aware UTC
    datetime; an unknown airport or zone reads the time as UTC (off by at most 14 hours)."""
    if not local or len(local) < 10:
        return None
    try:
        naive = datetime.fromisoformat(local[:16]) if len(local) >= 16 else datetime.fromisoformat(local[:10])
    except ValueError:
        return None
    if len(local) < 16:
        naive += timedelta(hours=12)
    a = airport(code)
    zone = _zone(a.tz) if a and a.tz else None
    return naive.replace(tzinfo=zone or UTC).astimezone(UTC)
