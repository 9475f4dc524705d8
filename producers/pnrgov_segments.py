"""Readers for single PNRGOV segments (TVL, RCI, DAT, ORG, TIF, SSR DOCS, FOP, TBD...).

Each reader turns one `producers.edifact.Segment` into `paxscreen.booking` values, and knows
nothing of where the segment sits in the message: `producers.pnrgov` decides that. Element
and component positions follow the IATA PNRGOV implementation guide (versions 10.1 to 17.1
keep them).

PNRGOV dates are ``DDMMYY`` (not EDIFACT's ``YYMMDD``) and times ``HHMM`` or ``HHMMSS``;
SSR DOCS dates are ``DDMMMYY``. Both are re-ordered here and resolved by `producers.dates`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from paxscreen.booking import (
    Amount,
    Bag,
    Contact,
    FlightSegment,
    FrequentFlyer,
    Locator,
    Office,
    Payment,
)
from paxscreen.models import Document
from producers.countries import country_code
from producers.dates import Rule, edifact_date
from producers.edifact import Segment

TITLES = ("MSTR", "MISS", "MRS", "MR", "MS")  # glued to the given name in PNRs: "JOHNMR"
SPACED_TITLES = TITLES + ("DR", "PROF", "REV", "SIR", "CAPT", "CHD", "INF")  # only after a space
MONTHS = {
    m: i
    for i, m in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1
    )
}
DOCS_SEXES = {"M": "M", "F": "F", "U": "U", "X": "U", "MI": "M", "FI": "F"}
WEIGHT_UNITS = {"700": "KG", "701": "LB", "K": "KG", "KG": "KG", "L": "LB", "LB": "LB"}
_AMOUNT = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,4})?")
_DOCS_DATE = re.compile(r"([0-9]{2})([A-Z]{3})([0-9]{2}|[0-9]{4})")
_FLIGHT_NUMBER = re.compile(r"[0-9]{1,5}[A-Z]?")  # not ARNK (a surface sector) nor OPEN (no flight booked)


def is_flight_number(value: str | None) -> bool:
    """``"0006"``, ``"972"``, ``"123A"``: a flight number; ``"ARNK"``, ``"OPEN"``, None: not."""
    return bool(value and _FLIGHT_NUMBER.fullmatch(value))


@dataclass(slots=True)
class Context:
    """What readers need: the reference date for two-digit years, the decimal mark, the
    source for errors and the warnings list of the booking being read."""

    reference: date
    source: str | None = None
    decimal: str = "."
    warnings: list[str] = field(default_factory=list)

    def warn(self, seg: Segment, text: str) -> None:
        self.warnings.append(f"{seg.tag} at segment #{seg.position} (line {seg.line}): {text}")


def number(value: str | None, digits: int = 6) -> int | None:
    """A small non-negative integer, or None (never a huge or non-ASCII one)."""
    if value and value.isascii() and value.isdigit() and len(value) <= digits:
        return int(value)
    return None


def amount(value: str | None, seg: Segment, ctx: Context) -> float | None:
    """A decimal amount with the interchange's decimal mark; a warning when unreadable."""
    if not value:
        return None
    text = value.replace(ctx.decimal, ".") if ctx.decimal != "." else value
    if not _AMOUNT.fullmatch(text):
        ctx.warn(seg, f"amount {value[:16]!r} is not a number")
        return None
    return float(text)


# --- dates ---------------------------------------------------------------------------------------


def pnr_datetime(day: str, time: str | None, *, reference: date, rule: Rule = "nearest") -> str:
    """``"280513"``, ``"2225"`` -> ``"2013-05-28T22:25"``; ``DDMMYYYY`` too; `ValueError`."""
    day, time = day.strip(), (time or "").strip()
    if not (day.isascii() and day.isdigit()) or len(day) not in (6, 8):
        raise ValueError("not a DDMMYY date")
    value = day[4:] + day[2:4] + day[0:2]
    if time:
        if not (time.isascii() and time.isdigit()) or len(time) not in (4, 6):
            raise ValueError("not an HHMM time")
        if len(time) == 6 and int(time[4:]) > 59:
            raise ValueError("seconds out of range")
        value += time[:4]
    return edifact_date(value, None, reference=reference, rule=rule)


def docs_date(value: str, *, reference: date, rule: Rule) -> str:
    """``"04JUL80"`` -> ``"1980-07-04"`` (``DDMMMYYYY`` too); `ValueError`."""
    m = _DOCS_DATE.fullmatch(value.strip().upper())
    if not m or m.group(2) not in MONTHS:
        raise ValueError("not a DDMMMYY date")
    dd, mon, year = m.groups()
    return edifact_date(f"{year}{MONTHS[mon]:02d}{dd}", None, reference=reference, rule=rule)


def _when(seg: Segment, day: str | None, time: str | None, what: str, ctx: Context) -> str | None:
    """A PNRGOV date and time as ISO; one that is not a date is left out with a warning that
    names the segment and the field, not the value (one mistyped date on one segment must not
    keep a push's other PNRs, nor this one's travellers, from being screened)."""
    if not day:
        return None
    try:
        return pnr_datetime(day, time, reference=ctx.reference)
    except ValueError as exc:
        ctx.warn(seg, f"{what} is not a DDMMYY date and HHMM time ({exc}); left out")
        return None


def read_dat(seg: Segment, ctx: Context) -> list[tuple[str | None, str]]:
    """DAT+700:230513:2125+710:230513:2124 -> [("700", "2013-05-23T21:25"), ...]."""
    out = []
    for i in range(1, len(seg.elements) + 1):
        when = _when(seg, seg.get(i, 2), seg.get(i, 3), f"DAT+{(seg.get(i, 1) or '')[:4]} date", ctx)
        if when:
            out.append((seg.get(i, 1), when))
    return out


# --- flights and locators ------------------------------------------------------------------------


def read_tvl(seg: Segment, ctx: Context) -> FlightSegment:
    """TVL+280513:2225:290513:0750+SIN+OOL+TZ+0006:S. A missing arrival date is the departure
    date, or the next day when the arrival time is earlier than the departure time; an arrival
    time in the arrival date's place (TVL+120518:1220:1505, as some hosts send) is read so. A
    date or time that cannot be read is left out with a warning (see `_when`)."""
    dep_day, dep_time, arr_day, arr_time = (seg.get(1, i) for i in range(1, 5))
    if arr_day and len(arr_day) == 4 and arr_day.isascii() and arr_day.isdigit() and arr_time is None:
        arr_day, arr_time = None, arr_day
    departure = _when(seg, dep_day, dep_time, "departure date/time", ctx)
    arrival = _when(seg, arr_day, arr_time, "arrival date/time", ctx)
    if arr_day is None and arr_time and departure:
        arrival = _when(seg, dep_day, arr_time, "arrival time", ctx)
        if arrival and len(departure) > 10 and arrival < departure and arrival[:10] < "9999-12-31":
            later = date.fromisoformat(arrival[:10]) + timedelta(days=1)
            arrival = f"{later.isoformat()}{arrival[10:]}"
    return FlightSegment(
        carrier=_code(seg.get(4, 1)),
        number=_code(seg.get(5, 1)),
        origin=_code(seg.get(2, 1)),
        destination=_code(seg.get(3, 1)),
        departure=departure,
        arrival=arrival,
        booking_class=_code(seg.get(5, 2)),
        operating_carrier=_code(seg.get(4, 2)),
    )


def _code(value: str | None) -> str | None:
    """A code as sent, upper-cased, blanks removed (``"LH "`` -> ``"LH"``)."""
    if not value:
        return None
    return value.replace(" ", "").upper() or None


def read_rci(seg: Segment, ctx: Context) -> list[Locator]:
    """RCI+TZ:W9TEND::230513:181348+1A:ABC123 -> one `Locator` per element with a code. A
    creation date in the type's place (RCI+UA:06A9FD:110418:1220, as some hosts send) is read
    there; one that cannot be read is left out with a warning (the locator is what matters)."""
    out = []
    for i in range(1, len(seg.elements) + 1):
        code = seg.get(i, 2)
        if code:
            kind, day, time = seg.get(i, 3), seg.get(i, 4), seg.get(i, 5)
            if kind and len(kind) == 6 and kind.isascii() and kind.isdigit() and time is None:
                kind, day, time = None, kind, day
            created = _when(seg, day, time, "creation date", ctx)
            out.append(Locator(code.upper(), _code(seg.get(i, 1)), kind, created))
    return out


def read_tra(seg: Segment) -> tuple[str | None, str | None]:
    """TRA+SK+1524:W (after a codeshare TVL): the operating carrier and flight number."""
    return _code(seg.get(1, 1)), _code(seg.get(2, 1))


def read_org(seg: Segment) -> Office | None:
    """ORG+DL:ATL+52519950:LON+++A+GB:GBP+D050517; None for the empty ORG of a cancelled PNR."""
    office = Office(
        airline=_code(seg.get(1, 1)),
        location=_code(seg.get(1, 2)),
        iata_number=seg.get(2, 1),
        office_id=seg.get(2, 2),
        agent_location=_code(seg.get(3, 1)),
        originator_type=_code(seg.get(5, 1)),
        country=country_code(seg.get(6, 1)),
        currency=_code(seg.get(6, 2)),
        agent_id=seg.get(7, 1),
    )
    return None if office == Office() else office


# --- travellers ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Docs:
    """What one SSR DOCS free text declares (``/P/GBR/123456789/GBR/12JUL64/M/23AUG19/SMITH/JOHN``)."""

    document: Document | None
    date_of_birth: str | None
    sex: str | None
    infant: bool
    nationality: str | None
    surname: str | None
    given_names: str | None


def read_docs(text: str, seg: Segment, ctx: Context) -> Docs:
    """SSR DOCS free text. Unreadable dates are warnings (the text is typed by agents); the
    warning never quotes the value. A title after the given names (``LAL MS``) is dropped when
    a name remains (``MISS`` alone is kept: the guide's TIF+ATUYETMAIVAN+MISS)."""
    kind, issuing, doc_number, nationality, birth, sex, expiry, surname, given, middle = _slashed(text, 10)

    def when(value: str, rule: Rule, what: str) -> str | None:
        if not value:
            return None
        try:
            return docs_date(value, reference=ctx.reference, rule=rule)
        except ValueError:
            ctx.warn(seg, f"SSR DOCS {what} is not a DDMMMYY date; left out")
            return None

    names = " ".join(n.upper() for n in (given, middle) if n).split()
    if len(names) > 1 and names[-1] in SPACED_TITLES:  # /KUMAR/LAL MS: the title is no name
        names.pop()
    sex_code = sex.upper()
    if sex_code and sex_code not in DOCS_SEXES:
        ctx.warn(seg, f"SSR DOCS sex {sex_code[:3]!r} is not M, F, MI, FI, U or X")
    document = None
    if doc_number:
        document = Document(
            number=doc_number.upper(),
            type=kind.upper() or None,
            issuing_country=country_code(issuing),
            expiry=when(expiry, "nearest", "expiry date"),
        )
    return Docs(
        document=document,
        date_of_birth=when(birth, "birth", "birth date"),
        sex=DOCS_SEXES.get(sex_code),
        infant=sex_code in ("MI", "FI"),
        nationality=country_code(nationality),
        surname=surname.upper() or None,
        given_names=" ".join(names) or None,
    )


def _slashed(text: str, n: int) -> list[str]:
    """The ``n`` first fields of an SSR free text ``/a/b/c`` (missing ones empty)."""
    parts = text.strip().split("/")
    if parts and parts[0] == "":
        parts = parts[1:]
    return ([p.strip() for p in parts] + [""] * n)[:n]


def read_doco(text: str, seg: Segment, ctx: Context) -> Document | None:
    """SSR DOCO free text (``/LONDON GB/V/VS1234567/PARIS/12AUG20/USA``: place of birth, type,
    number, place of issue, issue date, country it applies to, infant): a visa as a `Document`
    issued by the country it applies to, screened like any document (stolen blank visas are
    listed too). Known-traveller and redress numbers (types K, R) are not documents: None."""
    _, kind, doc_number, _, _, applies_to, _ = _slashed(text, 7)
    if kind.upper() != "V":
        return None
    if not doc_number:
        ctx.warn(seg, "SSR DOCO visa without a number; left out")
        return None
    return Document(number=doc_number.upper(), type="V", issuing_country=country_code(applies_to))


def read_doca(text: str, traveller: str | None) -> Contact | None:
    """SSR DOCA free text (``/R/GBR/1 HIGH ST/LONDON//SW1A1AA``: R residence or D destination,
    country, street, city, state, postcode, infant) as an address `Contact` (code ``DOCA R`` or
    ``DOCA D``); None when it says nothing."""
    kind, country, street, city, state, postcode, _ = _slashed(text, 7)
    value = ", ".join(p for p in (street, city, state, postcode) if p)
    if not value and not country:
        return None
    code = f"DOCA {kind.upper()}" if kind else "DOCA"
    return Contact("address", value, code, country_code(country), traveller)


def split_title(given: str | None, hint: str | None = None) -> tuple[str | None, str | None]:
    """``"JOHNMR"`` -> (``"JOHN"``, ``"MR"``). ``hint`` (the DOCS given names) settles names that
    merely end like a title (``ADAMS`` with DOCS ``ADAMS`` keeps its ``MS``)."""
    if not given:
        return None, None
    name = " ".join(given.upper().split())
    head, _, last = name.rpartition(" ")
    if head and last in SPACED_TITLES:
        return head, last
    glued = name.replace(" ", "")
    if hint:
        flat = hint.upper().replace(" ", "")
        rest = glued[len(flat) :]
        if glued.startswith(flat) and (rest == "" or rest in TITLES):
            return (name[: len(name) - len(rest)].rstrip() or None), (rest or None)
    for title in TITLES:
        if name.endswith(title) and len(name) - len(title) >= 2:
            return name[: -len(title)].rstrip(), title
    return name, None


def read_fti(seg: Segment) -> list[FrequentFlyer]:
    """FTI+DL:1234567890:::ELITE (airline, number, reference, tier level, tier description)."""
    out = []
    for i in range(1, len(seg.elements) + 1):
        if seg.get(i, 2):
            out.append(FrequentFlyer(_code(seg.get(i, 1)), seg.get(i, 2), seg.get(i, 5) or seg.get(i, 4)))
    return out


@dataclass(slots=True)
class Ssr:
    """SSR+SEAT:HK:2:DL:::LHR:JFK+15A::1+15B::2: code, board/off points, free text, and the
    (data, traveller reference) pairs of the following elements."""

    code: str
    board: str | None
    off: str | None
    text: str | None
    items: list[tuple[str | None, str | None]]


def read_ssr(seg: Segment) -> Ssr:
    comps = seg.components(1)
    text = comps[8] if len(comps) > 8 and comps[8] else None
    if text is None:  # free text out of place: the last component that looks like one
        text = next((c for c in reversed(comps[4:]) if "/" in c or " " in c), None)
    items = [(seg.get(i, 1), seg.get(i, 3)) for i in range(2, len(seg.elements) + 1)]
    return Ssr((seg.get(1, 1) or "").upper(), _code(seg.get(1, 7)), _code(seg.get(1, 8)), text, items)


# --- money, bags, contacts -----------------------------------------------------------------------


def read_fop(seg: Segment, ctx: Context, traveller: str | None, currency: str | None) -> list[Payment]:
    """FOP+CC::416.00:AX:XXXXXXXXXXXX4123:1211 -> Payment(CC, 416.0, card AX, last4 4123).
    Only the last four digits of a card number are read; the expiry is not kept."""
    out = []
    for i in range(1, len(seg.elements) + 1):
        kind = _code(seg.get(i, 1))
        if not kind:
            continue
        account = "".join(ch for ch in (seg.get(i, 5) or "") if ch.isascii() and ch.isdigit())
        out.append(
            Payment(
                type=kind,
                amount=amount(seg.get(i, 3), seg, ctx),
                currency=currency,
                card_type=_code(seg.get(i, 4)),
                card_last4=account[-4:] if len(account) >= 4 else None,
                traveller_reference=traveller,
            )
        )
    return out


def read_mon(seg: Segment, ctx: Context) -> list[Amount]:
    """MON+B:999.00:SGD+T:1999.99:SGD."""
    return [
        Amount(_code(seg.get(i, 1)), amount(seg.get(i, 2), seg, ctx), _code(seg.get(i, 3)))
        for i in range(1, len(seg.elements) + 1)
        if seg.get(i, 1) or seg.get(i, 2)
    ]


def read_tbd(seg: Segment, ctx: Context, traveller: str | None, leg: FlightSegment | None) -> Bag:
    """TBD++3:84:700++HP+KL:4074902824:3:MSP: 3 bags, 84 kg, tags 4074902824 to ...826."""
    tags: list[str] = []
    for i in range(3, len(seg.elements) + 1):
        tag = seg.get(i, 2)
        if tag and tag.isascii() and tag.isdigit() and 6 <= len(tag) <= 16:
            run = number(seg.get(i, 3), 2) or 1
            tags += [
                f"{(seg.get(i, 1) or '').upper()}{int(tag) + k:0{len(tag)}d}" for k in range(min(run, 20))
            ]
    weight = amount(seg.get(2, 2), seg, ctx)
    return Bag(
        traveller_reference=traveller,
        count=number(seg.get(2, 1), 3) if seg.get(2, 1) else (len(tags) or None),
        weight=weight,
        unit=WEIGHT_UNITS.get((seg.get(2, 3) or "").upper(), "KG" if weight is not None else None),
        origin=leg.origin if leg else None,
        destination=leg.destination if leg else None,
        tags=tuple(tags),
    )


def read_ebd(seg: Segment, traveller: str | None) -> Bag | None:
    """EBD+GBP:40.00+4::N: four pieces of excess baggage."""
    count = number(seg.get(2, 1), 3)
    return Bag(traveller, count, excess=True) if count is not None else None


def read_add(seg: Segment, traveller: str | None) -> list[Contact]:
    """ADD++700:street:city:state::country:postcode:phone[:e-mail]."""
    out = []
    for i in range(2, len(seg.elements) + 1):
        comps = seg.components(i) + ("",) * 9
        purpose, street, city, state, county, country, postcode, phone, email = comps[:9]
        text = ", ".join(p for p in (street, city, state, county, postcode) if p)
        if text:
            out.append(Contact("address", text, purpose or None, country_code(country), traveller))
        if phone:
            out.append(Contact("phone", phone, purpose or None, None, traveller))
        if email:
            out.append(Contact("email", email.replace("//", "@"), purpose or None, None, traveller))
    return out


def read_ift(seg: Segment, traveller: str | None) -> Contact | None:
    """IFT+4:28::DL+THIS PASSENGER IS A VIP. ``CTCE``/``CTCM``... texts become e-mails and phones."""
    texts = [seg.get(i) for i in range(2, len(seg.elements) + 1)]
    value = " / ".join(t for t in texts if t)
    if not value:
        return None
    code = ":".join(c for c in seg.components(1)[:2] if c) or None
    kind = "text"
    if value.startswith("CTCE"):
        kind, value = "email", value[4:].strip().replace("//", "@")
    elif value.startswith("CTC") and len(value) > 5 and value[4] == " ":
        kind, value = "phone", value[5:].strip()
    return Contact(kind, value, code, None, traveller) if value else None


__all__ = [
    "Context",
    "Docs",
    "Ssr",
    "amount",
    "docs_date",
    "is_flight_number",
    "number",
    "pnr_datetime",
    "read_add",
    "read_dat",
    "read_docs",
    "read_ebd",
    "read_fop",
    "read_fti",
    "read_ift",
    "read_mon",
    "read_org",
    "read_rci",
    "read_ssr",
    "read_tbd",
    "read_tra",
    "read_tvl",
    "split_title",
]
