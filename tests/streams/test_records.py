from __future__ import annotations

import orjson

from streams.records import deadletter_record, decode_deadletter, headers_dict, parse_iso


def test_deadletter_keeps_raw_bytes_offset_and_reason() -> None:
    raw = bytes(range(256))
    value = deadletter_record(
        stage="parse", raw=raw, reason="segment DTM (#7): bad date", error={"segment": "DTM"},
        topic="p.raw", partition=2, offset=41, key=b"k", headers={"paxscreen-source": "f.edi"},
    )
    d = decode_deadletter(value)
    assert d["raw"] == raw
    assert d["source"] == {"topic": "p.raw", "partition": 2, "offset": 41, "key": "k",
                           "headers": {"paxscreen-source": "f.edi"}}
    assert d["reason"] == "segment DTM (#7): bad date"
    assert orjson.loads(value)["schema"] == "paxscreen.deadletter/1"


def test_headers_and_times() -> None:
    assert headers_dict([("a", b"x"), ("b", None), ("c", b"\xff")]) == {"a": "x", "b": "", "c": "\ufffd"}
    assert headers_dict(None) == {}
    assert parse_iso("2026-12-01T00:00:00Z") == 1796083200.0
    assert parse_iso("garbage") is None
