"""The one place events become bytes and back (orjson), and deterministic ids are made.

Every encoded event carries its ``schema`` string; decoders reject an unknown major version
with `InvalidMessage` so a consumer never misreads a future event.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import orjson

from paxscreen.bounded import bounded
from paxscreen.errors import InvalidMessage
from paxscreen.models import (
    ALERT_SCHEMA,
    TRAVELLER_SCHEMA,
    Alert,
    Document,
    FeatureResult,
    Flight,
    Leg,
    Traveller,
)


def stable_id(*parts: object, prefix: str = "", length: int = 24) -> str:
    """A deterministic id from parts (None and "" count alike); hex of blake2b."""
    # each part followed by a unit separator, hashed at once (the bytes of one update each)
    text = "".join([("" if p is None else str(p)) + "\x1f" for p in parts])
    return prefix + hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()[:length]


_DESIGNATOR = re.compile(r"^([A-Z0-9]{2}[A-Z]?)\s*0*(\d{1,4})\s*([A-Z]?)$")


def _designator(number: str | None) -> str:
    """A flight designator in one spelling: carrier + number without leading zeros + suffix.
    PAXLST and PNRGOV feeds, and airlines among themselves, write "TZ0006", "TZ6" or "TZ 006"
    for one flight; anything that does not read as a designator is kept as written."""
    text = (number or "").strip().upper()
    m = _DESIGNATOR.match(text)
    if not m:
        return text
    carrier, digits, suffix = m.groups()
    return f"{carrier}{int(digits)}{suffix}"


flight_designator = bounded(_designator, 4096)  # asked for every traveller of a flight


def traveller_event_id(
    flight: Flight,
    *,
    role: str,
    surname: str | None,
    given_names: str | None,
    date_of_birth: str | None,
    sex: str | None,
    document_number: str | None,
) -> str:
    """Same traveller on the same flight (by carrier, number, date, route) -> same id,
    whichever message or re-push carried it: a PNR's SSR DOCS and the API record give one
    id when names, birth date, sex and the first document's number agree (not its issuing
    country, which API messages may leave out). Two travellers on one flight who differ
    only in sex get two: one id, one screening, and one of them was lost. Sex is M or F
    (U, X and none alike); a changed formula changes every id once (alerts of a traveller
    pushed before and after an upgrade are not recognised as one)."""
    leg = flight.reported
    return stable_id(
        flight_designator(leg.number),
        flight.departure_airport,
        flight.arrival_airport,
        (flight.departure_time or leg.departure_time or "")[:10],
        role,
        (surname or "").upper(),
        (given_names or "").upper(),
        date_of_birth,
        (document_number or "").upper(),
        _SEXES.get((sex or "").strip().upper()[:1], ""),
        prefix="t-",
    )


_SEXES = {"M": "M", "F": "F"}


def alert_id(traveller_event_id: str, entry_id: str, kind: str) -> str:
    """Deterministic: a replay, restart or second worker never makes a second distinct alert."""
    return stable_id(traveller_event_id, entry_id, kind, prefix="a-")


# --- encoding ---------------------------------------------------------------------------------


def _leg_dict(leg: Leg) -> dict[str, Any]:
    return {
        "carrier": leg.carrier,
        "number": leg.number,
        "departure_airport": leg.departure_airport,
        "arrival_airport": leg.arrival_airport,
        "departure_time": leg.departure_time,
        "arrival_time": leg.arrival_time,
    }


def flight_dict(flight: Flight) -> dict[str, Any]:
    """The flight as the alert contract and `paxscreen parse` show it."""
    return {
        "carrier": flight.carrier,
        "number": flight.number,
        "departure_airport": flight.departure_airport,
        "departure_time": flight.departure_time,
        "arrival_airport": flight.arrival_airport,
        "arrival_time": flight.arrival_time,
        "transit_airports": list(flight.transit_airports),
        "legs": [_leg_dict(leg) for leg in flight.legs],
    }


def _doc_dict(doc: Document) -> dict[str, Any]:
    return {
        "type": doc.type,
        "number": doc.number,
        "issuing_country": doc.issuing_country,
        "expiry": doc.expiry,
    }


def passenger_dict(t: Traveller) -> dict[str, Any]:
    """The ``passenger`` block of the alert contract: who, as the airline sent it."""
    doc = t.document
    return {
        "surname": t.surname,
        "given_names": t.given_names,
        "date_of_birth": t.date_of_birth,
        "sex": t.sex,
        "nationality": t.nationality,
        "document_number": doc.number if doc else None,
        "document_country": doc.issuing_country if doc else None,
    }


def traveller_dict(t: Traveller) -> dict[str, Any]:
    doc = t.document
    return {
        "schema": t.schema,
        "event_id": t.event_id,
        "source": t.source,
        "role": t.role,
        "flight": flight_dict(t.flight),
        "surname": t.surname,
        "given_names": t.given_names,
        "date_of_birth": t.date_of_birth,
        "sex": t.sex,
        "nationality": t.nationality,
        "residence_country": t.residence_country,
        "birth_place": t.birth_place,
        "document": _doc_dict(doc) if doc else None,
        "documents": [_doc_dict(d) for d in t.documents],
        "embarkation": t.embarkation,
        "debarkation": t.debarkation,
        "airports": list(t.airports),
        "pnr_locator": t.pnr_locator,
        "seat": t.seat,
        "message_ref": t.message_ref,
        "sender": t.sender,
        "received_at": t.received_at,
    }


def encode_traveller(t: Traveller) -> bytes:
    return orjson.dumps(traveller_dict(t))


def _check_schema(d: dict, expected: str) -> None:
    got = d.get("schema")
    if not isinstance(got, str) or got.rsplit("/", 1)[0] != expected.rsplit("/", 1)[0]:
        raise InvalidMessage(f"expected schema {expected!r}, got {got!r}")
    if got.rsplit("/", 1)[-1] != expected.rsplit("/", 1)[-1]:
        raise InvalidMessage(f"unsupported schema version {got!r} (this build reads {expected!r})")


def decode_traveller(data: bytes | dict) -> Traveller:
    try:
        d = orjson.loads(data) if isinstance(data, (bytes, bytearray, memoryview, str)) else data
        _check_schema(d, TRAVELLER_SCHEMA)
        f = d["flight"]
        flight = Flight(legs=tuple(Leg(**leg) for leg in f["legs"]))
        docs = tuple(Document(**doc) for doc in d.get("documents") or ())
        return Traveller(
            event_id=d["event_id"],
            flight=flight,
            role=d.get("role") or "passenger",
            surname=d.get("surname"),
            given_names=d.get("given_names"),
            date_of_birth=d.get("date_of_birth"),
            sex=d.get("sex"),
            nationality=d.get("nationality"),
            residence_country=d.get("residence_country"),
            birth_place=d.get("birth_place"),
            documents=docs,
            embarkation=d.get("embarkation"),
            debarkation=d.get("debarkation"),
            pnr_locator=d.get("pnr_locator"),
            seat=d.get("seat"),
            source=d.get("source") or "paxlst",
            message_ref=d.get("message_ref"),
            sender=d.get("sender"),
            received_at=d.get("received_at"),
        )
    except InvalidMessage:
        raise
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise InvalidMessage(f"not a traveller event: {exc!r}") from exc


def alert_dict(a: Alert) -> dict[str, Any]:
    return {
        "schema": a.schema,
        "alert_id": a.alert_id,
        "kind": a.kind,
        "score": round(a.score, 4),
        "entry_id": a.entry_id,
        "entry": a.entry,
        "traveller_event_id": a.traveller_event_id,
        "passenger": a.passenger,
        "flight": a.flight,
        "airports": list(a.airports),
        "explanation": [
            {"feature": r.feature, "score": round(r.score, 4), "weight": r.weight, "detail": r.detail}
            for r in a.explanation
        ],
        "event_time": a.event_time,
        "screened_at": a.screened_at,
        "watchlist_version": a.watchlist_version,
        "source": a.source,
    }


def encode_alert(a: Alert) -> bytes:
    return orjson.dumps(alert_dict(a))


def decode_alert(data: bytes | dict) -> Alert:
    try:
        d = orjson.loads(data) if isinstance(data, (bytes, bytearray, memoryview, str)) else data
        _check_schema(d, ALERT_SCHEMA)
        return Alert(
            alert_id=d["alert_id"],
            kind=d["kind"],
            score=float(d["score"]),
            entry_id=d["entry_id"],
            traveller_event_id=d["traveller_event_id"],
            passenger=d["passenger"],
            flight=d["flight"],
            airports=tuple(d["airports"]),
            explanation=tuple(FeatureResult(**r) for r in d["explanation"]),
            event_time=d.get("event_time"),
            screened_at=d["screened_at"],
            entry=d.get("entry") or {},
            watchlist_version=d.get("watchlist_version"),
            source=d.get("source") or "paxlst",
        )
    except InvalidMessage:
        raise
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise InvalidMessage(f"not an alert event: {exc!r}") from exc
