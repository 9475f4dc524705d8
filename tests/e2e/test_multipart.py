"""Multi-part PAXLST through the real broker and worker: a part without the flight header
waits in Redis for a sibling, in any arrival order; one whose flight never comes is
dead-lettered with its raw bytes."""

from __future__ import annotations

import dataclasses
import re
import time
from pathlib import Path

import orjson
import pytest

from e2e.kafkautil import TopicReader, produce_raw

pytestmark = pytest.mark.e2e

PARTS = Path(__file__).resolve().parents[2] / "paxscreen" / "samples" / "paxlst"
FIVE = {"RAMIREZ DE LA CRUZ", "ALCANTARA SOSA", "MARTINEZ GIL", "BATISTA GUZMAN", "FERNANDEZ OLMEDO"}


def without_flight(data: bytes) -> bytes:
    """The part as some airlines send later parts: no TDT/LOC+125/87/DTM header."""
    text = data.decode("latin-1")
    text = re.sub(r"TDT\+[^']*'\s*", "", text)
    text = re.sub(r"LOC\+(125|87)\+[^']*'\s*(DTM\+(189|232)[^']*'\s*)?", "", text)
    return text.encode("latin-1")


def test_flightless_part_waits_for_its_sibling(e2e_settings, worker) -> None:
    part1 = (PARTS / "ux072_sdq_mad_part1.edi").read_bytes()
    part2 = without_flight((PARTS / "ux072_sdq_mad_part2.edi").read_bytes())
    travellers = TopicReader(e2e_settings, "travellers")
    worker.start()
    try:
        produce_raw(e2e_settings, [("part2.edi", part2)])  # the flightless part first
        travellers.poll_for(4.0)
        assert travellers.records == []  # held back: nobody without a flight is screened
        produce_raw(e2e_settings, [("part1.edi", part1)])
        records = travellers.wait_until(lambda rs: len({r.key() for r in rs}) >= 5, 60, "all five travellers", worker)
    finally:
        travellers.close()
    got = {orjson.loads(r.value())["surname"]: orjson.loads(r.value()) for r in records}
    assert set(got) == FIVE
    assert {t["flight"]["number"] for t in got.values()} == {"UX072"}
    assert got["BATISTA GUZMAN"]["flight"]["departure_airport"] == "SDQ"


def test_part_whose_flight_never_comes_is_dead_lettered(e2e_settings, worker) -> None:
    worker.settings = dataclasses.replace(e2e_settings, multipart_timeout=3.0)
    part2 = without_flight((PARTS / "ux072_sdq_mad_part2.edi").read_bytes())
    dead = TopicReader(e2e_settings, "deadletter")
    worker.start()
    try:
        produce_raw(e2e_settings, [("orphan.edi", part2)])
        records = dead.wait_until(lambda rs: len(rs) >= 1, 60, "the orphan part in the dead-letter topic", worker)
    finally:
        dead.close()
    from streams.records import decode_deadletter

    d = decode_deadletter(records[0].value())
    assert d["raw"] == part2
    assert "no part with flight details" in d["reason"]
    assert d["source"]["topic"] == e2e_settings.topic("raw") and d["source"]["offset"] >= 0


def test_a_first_part_sent_without_flag_meets_its_sibling_in_either_order(e2e_settings, worker) -> None:
    """Some airlines send a first part as ``01``, no flag, which alone reads as a whole
    message: the worker screens it at once and keeps it with its group, so a part without
    flight details finds it whether it came before or after it. Nothing is dead-lettered,
    not even such a message that stays alone (a whole message, then)."""
    timeout = 6.0
    worker.settings = dataclasses.replace(e2e_settings, multipart_timeout=timeout)

    def message(flight: bytes) -> tuple[bytes, bytes]:  # its own references and flight
        first = (PARTS / "ux072_sdq_mad_part1.edi").read_bytes().replace(b"+01:C'", b"+01'")
        second = without_flight((PARTS / "ux072_sdq_mad_part2.edi").read_bytes())
        return first.replace(b"UX072", flight), second.replace(b"UX072", flight)

    (a1, a2), (b1, b2), (c1, _) = message(b"UX072"), message(b"UX074"), message(b"UX076")
    travellers = TopicReader(e2e_settings, "travellers")
    dead = TopicReader(e2e_settings, "deadletter")
    worker.start()
    try:
        # one key, so one partition read in order: B's second part is read before A's first
        produce_raw(e2e_settings, [("early.edi", b2), ("early.edi", c1), ("early.edi", a1)])
        travellers.wait_until(lambda rs: len(rs) >= 6, 60, "the first parts' travellers", worker)
        started = time.monotonic()
        produce_raw(e2e_settings, [("late.edi", a2), ("late.edi", b1)])
        records = travellers.wait_until(lambda rs: len({r.key() for r in rs}) >= 13, 60, "all 13", worker)
        dead.poll_for(max(1.0, 2 * timeout - (time.monotonic() - started)))  # where a pending group would go
        assert dead.records == []
    finally:
        travellers.close()
        dead.close()
    flights: dict[str, set[str]] = {}
    for r in records:
        t = orjson.loads(r.value())
        flights.setdefault(t["flight"]["number"], set()).add(t["surname"])
    first_three = {"RAMIREZ DE LA CRUZ", "ALCANTARA SOSA", "MARTINEZ GIL"}  # part 1's
    assert flights == {"UX072": FIVE, "UX074": FIVE, "UX076": first_three}
