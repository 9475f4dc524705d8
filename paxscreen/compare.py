"""`paxscreen compare`: would these two match, and why?

Each side is a name string or a JSON record, in any of these shapes:

- a FollowTheMoney entity: ``{"schema": "Person", "properties": {"name": [...], ...}}``
  (or a ``Passport`` / ``Identification``: a stolen or lost document);
- a traveller event (``"schema": "paxscreen.traveller/1"``, what `paxscreen parse` prints);
- a flat record with any of ``name`` (or ``surname`` + ``given_names``), ``aliases``,
  ``date_of_birth`` / ``birth_date``, ``nationality``, ``sex`` / ``gender``,
  ``document_number`` / ``passport_number``, ``document_country``.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable
from typing import Any, TextIO

import orjson

from paxscreen.codec import decode_traveller
from paxscreen.errors import InvalidRecord
from paxscreen.models import Document, Flight, Leg, Traveller, WatchDocument, WatchEntry
from paxscreen.settings import Settings

_NO_FLIGHT = Flight(legs=(Leg(None, None, None, None),))


def _first(d: dict, *keys: str) -> Any:
    for k in keys:
        v = d.get(k)
        if v not in (None, "", []):
            return v[0] if isinstance(v, list) else v
    return None


def _many(d: dict, *keys: str) -> tuple[str, ...]:
    out: list[str] = []
    for k in keys:
        v = d.get(k)
        for x in v if isinstance(v, list) else [v]:
            if isinstance(x, str) and x.strip() and x not in out:
                out.append(x)
    return tuple(out)


def _from_ftm(obj: dict, where: str) -> WatchEntry:
    from matchers.watchlist import read_watchlist

    obj = {"id": obj.get("id") or where, **obj}
    # every person, whatever its topics: the question is whether the two would match
    for item in read_watchlist(io.BytesIO(orjson.dumps(obj) + b"\n"), format="ftm", skip_topics=()):
        if isinstance(item, InvalidRecord):
            raise InvalidRecord(f"{where}: {item.reason}")
        return item
    raise InvalidRecord(f"{where}: a {obj.get('schema')!r} entity is not a person or a document")


def to_record(value: Any, where: str = "record") -> Traveller | WatchEntry:
    """A name string or a JSON record (see the module doc) as something `compare` reads."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("{"):
            try:
                value = orjson.loads(text)
            except orjson.JSONDecodeError as exc:
                raise InvalidRecord(f"{where}: not valid JSON ({exc})") from None
        else:
            if not text:
                raise InvalidRecord(f"{where}: empty name")
            return WatchEntry(id=where, names=(text,))
    if not isinstance(value, dict):
        raise InvalidRecord(f"{where}: expected a name or a JSON object, got {type(value).__name__}")
    if "properties" in value and "schema" in value:
        return _from_ftm(value, where)
    if str(value.get("schema", "")).startswith("paxscreen.traveller/"):
        return decode_traveller(value)
    doc_number = _first(value, "document_number", "passport_number", "passportNumber", "idNumber")
    doc_country = _first(value, "document_country", "issuing_country")
    if value.get("surname") or value.get("given_names"):
        return Traveller(
            event_id=where,
            flight=_NO_FLIGHT,
            surname=_first(value, "surname"),
            given_names=_first(value, "given_names"),
            date_of_birth=_first(value, "date_of_birth", "birth_date", "birthDate"),
            sex=_first(value, "sex", "gender"),
            nationality=_first(value, "nationality"),
            documents=(Document(number=doc_number, issuing_country=doc_country),) if doc_number else (),
        )
    names = _many(value, "name", "names", "aliases", "alias")
    if not names and not doc_number:
        raise InvalidRecord(f"{where}: a record needs a name (or surname/given_names) or a document number")
    sex = _first(value, "sex", "gender")
    return WatchEntry(
        id=str(value.get("id") or where),
        schema="Person" if names else "Document",
        names=names,
        birth_dates=_many(value, "date_of_birth", "birth_date", "birthDate", "birth_dates"),
        nationalities=_many(value, "nationality", "nationalities"),
        genders=(sex.upper()[:1],) if isinstance(sex, str) and sex else (),
        documents=(WatchDocument(number=str(doc_number), country=doc_country),) if doc_number else (),
    )


def compare_values(a: Any, b: Any, settings: Settings) -> dict[str, Any]:
    from matchers.scoring import compare

    result = compare(to_record(a, "a"), to_record(b, "b"), settings)
    return {
        "score": round(result.score, 4),
        "match": result.matched,
        "kind": result.kind,
        "threshold": result.threshold,
        "explanation": [
            {"feature": r.feature, "score": round(r.score, 4), "weight": r.weight, "detail": r.detail}
            for r in result.explanation
        ],
    }


def compare_pairs(lines: Iterable[bytes], settings: Settings, out: TextIO, source: str) -> int:
    """One JSON result per input line ``{"a": ..., "b": ...}``; a bad line is reported on
    stderr with its number and yields ``{"line": N, "error": ...}``. Returns the bad count."""
    bad = 0
    for n, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            pair = orjson.loads(raw)
            if not isinstance(pair, dict) or "a" not in pair or "b" not in pair:
                raise InvalidRecord('expected an object {"a": ..., "b": ...}')
            result = compare_values(pair["a"], pair["b"], settings)
            if "id" in pair:
                result = {"id": pair["id"], **result}
        except (orjson.JSONDecodeError, InvalidRecord) as exc:
            bad += 1
            reason = exc.reason if isinstance(exc, InvalidRecord) else f"not valid JSON ({exc})"
            print(f"error: {source}:{n}: {reason}", file=sys.stderr)
            result = {"line": n, "error": reason}
        out.write(orjson.dumps(result).decode() + "\n")
    return bad


def format_result(result: dict[str, Any]) -> str:
    verdict = "MATCH" if result["match"] else "no match"
    lines = [f"{verdict}: {result['kind']} score {result['score']:.2f} (threshold {result['threshold']:.2f})"]
    lines += [f"  {r['feature']:<18} {r['score']:.2f}  {r['detail']}" for r in result["explanation"]]
    return "\n".join(lines)
