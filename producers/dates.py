"""EDIFACT dates and times to ISO strings, two-digit years resolved against a reference date.

Formats (UN/EDIFACT 2379): 101 ``YYMMDD``, 102 ``CCYYMMDD``, 201 ``YYMMDDHHMM``,
203 ``CCYYMMDDHHMM``, 204 ``CCYYMMDDHHMMSS``. The layout of an all-digit value is unambiguous
from its length, so a missing, unknown or wrong format code is read by length.

A two-digit year takes its century from the reference date (normally the message's own
preparation date from UNB):

- ``birth``: the latest century that puts the date on or before the reference (a birth date is
  never in the future, and is then within 100 years);
- ``nearest`` (expiry dates, flight times, envelope dates): the century nearest the reference.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal

from paxscreen.bounded import bounded

__all__ = ["Rule", "edifact_date", "reference_date"]

Rule = Literal["birth", "nearest"]

_LENGTHS = (6, 8, 10, 12, 14)


def _candidates(yy: int, month: int, day: int, reference: date) -> list[date]:
    base = reference.year - reference.year % 100
    out = []
    for year in (base - 100 + yy, base + yy, base + 100 + yy):
        try:
            out.append(date(year, month, day))
        except ValueError:  # 29 February in a year that has none
            continue
    return out


def _resolve(yy: int, month: int, day: int, reference: date, rule: Rule) -> int:
    found = _candidates(yy, month, day, reference)
    if not found:
        raise ValueError("no such day")
    if rule == "birth":
        past = [d for d in found if d <= reference]
        return (past[-1] if past else found[0]).year
    return min(found, key=lambda d: (abs((d - reference).days), d)).year


def edifact_date(value: str, fmt: str | None, *, reference: date, rule: Rule = "nearest") -> str:
    """``"720907"`` -> ``"1972-09-07"``, ``"0702191540"`` -> ``"2007-02-19T15:40"``.

    Returns ``YYYY-MM-DD``, or ``YYYY-MM-DDTHH:MM`` when the value carries a time. Raises
    `ValueError` with a short reason when the value is not a date."""
    return _read(value, fmt, reference, rule)


def _parse(value: str, fmt: str | None, reference: date, rule: Rule) -> str:
    value = value.strip()
    if not value or not (value.isascii() and value.isdigit()):
        raise ValueError("not all digits")
    if len(value) not in _LENGTHS:
        raise ValueError(f"{len(value)} digits fit no date format (format {fmt!r})")
    two_digit = len(value) in (6, 10)
    head = 6 if two_digit else 8
    if two_digit:
        year, month, day = int(value[0:2]), int(value[2:4]), int(value[4:6])
    else:
        year, month, day = int(value[0:4]), int(value[4:6]), int(value[6:8])
    if not 1 <= month <= 12:
        raise ValueError("month out of range")
    if not 1 <= day <= 31:
        raise ValueError("day out of range")
    if two_digit:
        year = _resolve(year, month, day, reference, rule)
    try:
        day_iso = date(year, month, day).isoformat()
    except ValueError as exc:
        raise ValueError(str(exc)) from None
    rest = value[head:]
    if not rest:
        return day_iso
    hour, minute = int(rest[0:2]), int(rest[2:4])
    if hour > 23 or minute > 59 or (len(rest) == 6 and int(rest[4:6]) > 59):
        raise ValueError("time out of range")
    return f"{day_iso}T{hour:02d}:{minute:02d}"


# Birth dates, expiry dates and flight times repeat from traveller to traveller and message to
# message (about 25,000 birth dates in 70 years): each is read once (about 15% of reading a
# manifest before). ``fmt`` only names the value in an error; an error is raised every time.
_read = bounded(_parse, 1 << 16)


def reference_date(*candidates: str | None) -> date:
    """The first ISO date (or date-time) among ``candidates`` that reads, else today (UTC)."""
    for c in candidates:
        if c and len(c) >= 10:
            try:
                return date.fromisoformat(c[:10])
            except ValueError:
                continue
    return datetime.now(UTC).date()


def interchange_prepared_at(
    date: str | None, time: str | None, received_at: str | None, warnings: list[str]
) -> str | None:
    """The UNB preparation date/time as ISO (the reference for two-digit years), or None with
    a warning when it is not a date."""
    if not date:
        return None
    try:
        return edifact_date(date + (time or ""), None, reference=reference_date(received_at))
    except ValueError:
        warnings.append(f"UNB date/time {date[:8]!r}:{(time or '')[:4]!r} is not a date")
        return None
