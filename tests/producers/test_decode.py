from __future__ import annotations

import re
from pathlib import Path

import pytest

from paxscreen.errors import InvalidMessage
from producers.decode import read_files, read_message, read_parts

SAMPLES = Path(__file__).resolve().parents[2] / "paxscreen" / "samples"


def strip_flight(data: bytes) -> bytes:
    text = data.decode("latin-1")
    text = re.sub(r"TDT\+[^']*'\s*", "", text)
    return re.sub(r"LOC\+(125|87)\+[^']*'\s*(DTM\+(189|232)[^']*'\s*)?", "", text).encode("latin-1")


P1 = (SAMPLES / "paxlst" / "ux072_sdq_mad_part1.edi").read_bytes()
P2 = (SAMPLES / "paxlst" / "ux072_sdq_mad_part2.edi").read_bytes()


def test_a_part_with_its_flight_is_ready_and_names_its_group() -> None:
    d = read_message(P1)
    assert len(d.travellers) == 3 and d.part_groups and d.pending_groups == ()


def test_a_part_without_flight_is_held_back() -> None:
    d = read_message(strip_flight(P2))
    assert d.travellers == [] and d.pending_groups == d.part_groups


FLAGLESS_P1 = P1.replace(b"+01:C'", b"+01'")  # how some airlines send a first part


@pytest.mark.parametrize("first", [P1, FLAGLESS_P1], ids=["01:C", "01"])
@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_parts_reassemble_in_any_order(order, first: bytes) -> None:
    parts = [first, strip_flight(P2)]
    d = read_parts([parts[i] for i in order])
    assert len(d.travellers) == 5 and d.pending_groups == ()
    assert {t.flight.number for t in d.travellers} == {"UX072"}


def test_a_first_part_sent_without_flag_is_ready_and_kept_with_its_group() -> None:
    d = read_message(FLAGLESS_P1)
    assert len(d.travellers) == 3 and d.pending_groups == ()
    assert d.part_groups == read_message(P1).part_groups  # a stream stores it for its siblings
    assert read_message(P1.replace(b"+01:C'", b"+01:F'")).part_groups == ()  # flagged whole


def test_a_first_part_sent_without_flag_and_no_flight_waits_for_nothing_alone() -> None:
    """Alone it is a whole message, screened as read: its group is not left pending (which
    would dead-letter it after the timeout)."""
    d = read_parts([strip_flight(FLAGLESS_P1)])
    assert len(d.travellers) == 3 and d.pending_groups == ()
    assert read_parts([strip_flight(P1)]).pending_groups != ()  # an 01:C does wait


def test_pnrgov_and_unknown() -> None:
    d = read_message((SAMPLES / "pnrgov" / "sn2880_gru_lfw_bru_oneway_cash.edi").read_bytes())
    assert d.format == "pnrgov" and len(d.bookings) == 1 and d.travellers
    with pytest.raises(InvalidMessage):
        read_message(b"hello")


def test_a_pnrgov_messages_warnings_are_reported_once_in_a_batch() -> None:
    text = (Path(__file__).resolve().parent / "fixtures/das-uae-ba3401-pnrgov11.edi").read_bytes()
    batch = read_files([("ba3401.edi", text.replace(b"DAT+700:151113:2200", b"DAT+700:151313:2200"))])
    assert [t.surname for t in batch.travellers] == ["KUMAR", "SUNDER"] and batch.errors == []
    assert sum("UNT says '824'" in w for w in batch.warnings) == 1  # the message's, on both bookings
    assert any(w.startswith("ba3401.edi: DAT at segment #19 (line 20)") for w in batch.warnings)  # file first
