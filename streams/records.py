"""Pure helpers for the agents: headers, dead-letter records, latency. No Kafka client here."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

DEADLETTER_SCHEMA = "paxscreen.deadletter/1"


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_iso(ts: str | None) -> float | None:
    """Epoch seconds of an ISO-8601 UTC time (``Z`` or offset), or None."""
    if not ts:
        return None
    try:
        dt = datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def headers_dict(headers: Mapping[str, bytes] | Iterable[tuple[str, bytes]] | None) -> dict[str, str]:
    """Kafka headers as a str->str dict (undecodable bytes are replaced, never raised)."""
    if not headers:
        return {}
    items = headers.items() if isinstance(headers, Mapping) else headers
    out: dict[str, str] = {}
    for k, v in items:
        if v is None:
            out[k] = ""
        else:
            out[k] = v.decode("utf-8", "replace") if isinstance(v, (bytes, bytearray)) else str(v)
    return out


def deadletter_record(
    *,
    stage: str,
    raw: bytes,
    reason: str,
    error: Mapping[str, Any] | None,
    topic: str,
    partition: int | None,
    offset: int | None,
    key: bytes | None,
    headers: Mapping[str, str],
) -> bytes:
    """The dead-letter value: the raw bytes (base64), where they came from, and why they failed.
    ``paxscreen deadletter`` (or any consumer) can decode ``raw_base64`` and replay it."""
    return orjson.dumps(
        {
            "schema": DEADLETTER_SCHEMA,
            "stage": stage,
            "reason": reason,
            "error": dict(error or {}),
            "source": {
                "topic": topic,
                "partition": partition,
                "offset": offset,
                "key": key.decode("utf-8", "replace") if key else None,
                "headers": dict(headers),
            },
            "raw_base64": base64.b64encode(raw).decode("ascii"),
            "raw_bytes": len(raw),
            "failed_at": utc_now_iso(),
        }
    )


def decode_deadletter(value: bytes) -> dict[str, Any]:
    d = orjson.loads(value)
    d["raw"] = base64.b64decode(d.get("raw_base64") or "")
    return d
