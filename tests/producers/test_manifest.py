"""Multi-part PAXLST reassembly: `assemble` for batches, `PartBuffer` for streams."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import pytest

from producers.manifest import Manifest, PartBuffer, assemble, is_multipart, may_lead_parts, part_group_key
from producers.paxlst import parse_paxlst

RECEIVED = "2024-02-10T12:00:00Z"


@pytest.fixture
def parts(edi) -> dict[int, Manifest]:
    """A three-part message (COMMON, parts 01:C 02:C 03:F), two passengers a part; part 2 has
    no TDT, as some airlines send it."""

    def part(n: int, flag: str, flight: bool = True) -> Manifest:
        body = [
            *(edi.FLIGHT if flight else ("BGM+745",)),
            *edi.pax(f"P{n}A:ANN", doc=f"P+D{n}A"),
            *edi.pax(f"P{n}B:BOB", doc=f"P+D{n}B"),
            "CNT+42:2",
        ]
        (m,) = parse_paxlst(
            edi.message(*body, ref=f"R{n}", header=f"+COMMON+0{n}:{flag}"), received_at=RECEIVED
        )
        return m

    return {1: part(1, "C"), 2: part(2, "C", flight=False), 3: part(3, "F")}


def surnames(m: Manifest) -> list[str]:
    return [t.surname for t in m.travellers]


ALL = ["P1A", "P1B", "P2A", "P2B", "P3A", "P3B"]


@pytest.mark.parametrize("order", list(itertools.permutations((1, 2, 3))))
def test_three_parts_in_any_order(parts: dict[int, Manifest], order: tuple[int, ...]) -> None:
    (whole,) = assemble(parts[n] for n in order)
    assert surnames(whole) == ALL
    assert (whole.part_number, whole.final_part, whole.common_ref, whole.message_ref) == (
        None,
        True,
        "COMMON",
        "R1",
    )
    assert whole.warnings == ()
    # part 2 had no TDT: its travellers take the flight (and the event ids) of their siblings
    assert {t.flight for t in whole.travellers} == {parts[1].flight}
    assert all(t.flight.number == "XY100" for t in whole.travellers)


def test_part_without_flight_gets_the_sibling_event_ids(parts: dict[int, Manifest], edi) -> None:
    (with_flight,) = parse_paxlst(
        edi.message(*edi.FLIGHT, *edi.pax("P2A:ANN", doc="P+D2A")), received_at=RECEIVED
    )
    (whole,) = assemble(parts.values())
    assert whole.travellers[2].event_id == with_flight.travellers[0].event_id
    assert parts[2].travellers[0].event_id != with_flight.travellers[0].event_id


def test_duplicate_part_is_dropped(parts: dict[int, Manifest]) -> None:
    (whole,) = assemble([parts[3], parts[1], parts[3], parts[2], parts[1]])
    assert surnames(whole) == ALL
    assert whole.final_part
    assert any("duplicate part(s) 3, 1" in w for w in whole.warnings)


@pytest.mark.parametrize(
    ("present", "names", "missing"),
    [
        ((1, 3), ["P1A", "P1B", "P3A", "P3B"], "missing part(s) 2 of 3"),
        ((1, 2), ["P1A", "P1B", "P2A", "P2B"], "missing the final part"),
        ((2, 3), ["P2A", "P2B", "P3A", "P3B"], "missing part(s) 1 of 3"),
        ((3,), ["P3A", "P3B"], "missing part(s) 1, 2 of 3"),
    ],
)
def test_incomplete_groups_are_returned_with_a_warning(
    parts: dict[int, Manifest], present: tuple[int, ...], names: list[str], missing: str
) -> None:
    (merged,) = assemble(parts[n] for n in reversed(present))
    assert surnames(merged) == names
    assert merged.final_part is False
    assert any(missing in w and "incomplete multi-part message 'COMMON'" in w for w in merged.warnings)


def test_whole_messages_pass_through_in_place(parts: dict[int, Manifest], edi) -> None:
    (single,) = parse_paxlst(edi.message(*edi.FLIGHT, *edi.pax()), received_at=RECEIVED)
    (lone,) = parse_paxlst(edi.message(*edi.FLIGHT, *edi.pax(), header="+X+01:F"), received_at=RECEIVED)
    out = assemble([single, parts[2], lone, parts[1], parts[3]])
    assert [m.message_ref for m in out] == ["M1", "R1", "M1"]
    assert out[0] is single and out[2] is lone
    assert not is_multipart(single) and not is_multipart(lone) and is_multipart(parts[1])


def test_groups_are_kept_apart(parts: dict[int, Manifest]) -> None:
    from dataclasses import replace

    other = {n: replace(m, common_ref="OTHER") for n, m in parts.items()}
    out = assemble([parts[1], other[1], other[2], parts[2], other[3], parts[3]])
    assert [m.common_ref for m in out] == ["COMMON", "OTHER"]
    assert all(m.final_part and surnames(m) == ALL for m in out)


def test_group_key_falls_back_to_the_flight(parts: dict[int, Manifest]) -> None:
    from dataclasses import replace

    assert part_group_key(parts[1]) == "SENDER|passenger|ref:COMMON"
    keyed = replace(parts[1], common_ref=None)
    assert part_group_key(keyed) == "SENDER|passenger|flight:XY100/AAA/2024-02-10"


# --- a real three-part message: 01:C, 02 (no flag), 03:F, each part's CNT the whole list's -----------

FIXTURES = Path(__file__).resolve().parent / "fixtures"
OK688 = {n: (FIXTURES / f"sirena-astra-ok688-part{n}of3.edi").read_bytes() for n in (1, 2, 3)}
OK688_ALL = ["STRANSKY", "KOVACS", "LESKA", "PUTIN", "PUTINA"]


def ok688(n: int) -> Manifest:
    (m,) = parse_paxlst(OK688[n], received_at=RECEIVED)
    return m


def test_a_middle_part_without_flag_is_neither_first_nor_final() -> None:
    assert [(ok688(n).part_number, ok688(n).final_part, is_multipart(ok688(n))) for n in (1, 2, 3)] == [
        (1, False, True), (2, False, True), (3, True, True)]


@pytest.mark.parametrize("order", list(itertools.permutations((1, 2, 3))))
def test_a_middle_part_without_flag_waits_for_the_final_part(order: tuple[int, ...]) -> None:
    buf = PartBuffer()
    got = [buf.add(ok688(n), now=i) for i, n in enumerate(order)]
    assert got[:2] == [[], []]  # nothing is complete before the part flagged F and all before it
    (whole,) = got[2]
    assert surnames(whole) == OK688_ALL and whole.final_part
    (batch,) = assemble(ok688(n) for n in order)
    assert surnames(batch) == OK688_ALL and batch.final_part
    assert not any("CNT" in w or "multi-part" in w for w in whole.warnings + batch.warnings)


def test_a_parts_cnt_is_checked_once_the_message_is_assembled(parts: dict[int, Manifest]) -> None:
    assert not any("CNT" in w for n in (1, 2, 3) for w in ok688(n).warnings)  # 5 in a part of 2: wait
    (whole,) = assemble(parts.values())  # CNT+42:2 in each part: each part's own count
    assert not any("CNT" in w for w in whole.warnings)
    wrong = [replace(ok688(n), declared_count=4) for n in (1, 2, 3)]
    (merged,) = assemble(wrong)
    assert "multi-part message 'OK688/071008/1310': CNT says 4 travellers, the parts have 5" in merged.warnings
    (lone,) = parse_paxlst(OK688[1].replace(b"+01:C'", b"'"), received_at=RECEIVED)  # a whole message
    assert "CNT+42 says '5' travellers, message has 2" in lone.warnings


def test_a_first_part_sent_without_flag_joins_its_siblings_in_a_batch() -> None:
    (first,) = parse_paxlst(OK688[1].replace(b"+01:C'", b"+01'"), received_at=RECEIVED)
    assert not is_multipart(first)  # alone, it reads as a whole message
    (whole,) = assemble([ok688(3), first, ok688(2)])
    assert surnames(whole) == OK688_ALL and whole.final_part and whole.part_number is None


def flagless_first() -> Manifest:
    (first,) = parse_paxlst(OK688[1].replace(b"+01:C'", b"+01'"), received_at=RECEIVED)
    return first


def test_which_messages_may_lead_parts(edi) -> None:
    assert may_lead_parts(flagless_first())
    assert not may_lead_parts(ok688(1)) and not may_lead_parts(ok688(2))  # 01:C, 02: parts
    (final,) = parse_paxlst(OK688[1].replace(b"+01:C'", b"+01:F'"), received_at=RECEIVED)
    (unsequenced,) = parse_paxlst(edi.message(*edi.FLIGHT, *edi.pax()), received_at=RECEIVED)
    no_ref = replace(flagless_first(), common_ref=None)  # siblings would be grouped by flight
    assert not any(map(may_lead_parts, (final, unsequenced, no_ref)))


@pytest.mark.parametrize("at", [0, 1, 2])
def test_a_stream_gives_a_first_part_sent_without_flag_at_once_and_within_its_message(at: int) -> None:
    """Alone, it is a whole message; once a sibling comes, a part, whenever it came."""
    first = flagless_first()
    later = [replace(ok688(2), flight=replace(first.flight, legs=()))]  # no flight details
    later.append(ok688(3))
    arrivals = later[:at] + [first] + later[at:]
    buf = PartBuffer()
    got = [buf.add(m, now=i) for i, m in enumerate(arrivals)]
    given = [m for out in got for m in out]
    whole = given[-1]
    assert surnames(whole) == OK688_ALL and whole.final_part and whole.part_number is None
    assert {t.flight.number for t in whole.travellers} == {"OK688"}
    assert given[:-1] == ([first] if at == 0 else [])  # alone, given at once as it is
    assert buf.pending() == {} and len(buf) == 0


def test_a_stream_forgets_a_first_part_sent_without_flag_that_no_part_followed() -> None:
    buf = PartBuffer()
    first = flagless_first()
    assert buf.add(first, now=100) == [first]
    assert buf.pending() == {} and len(buf) == 0
    assert buf.expire(older_than=200) == []  # given when it came: not again
    assert buf.add(ok688(3), now=300) == []  # a part after that: waits for its siblings
    assert buf.pending() == {part_group_key(first): (3,)}


def test_part_buffer(parts: dict[int, Manifest], edi) -> None:
    buf = PartBuffer()
    (single,) = parse_paxlst(edi.message(*edi.FLIGHT, *edi.pax()), received_at=RECEIVED)
    assert buf.add(single, now=0) == [single]
    assert buf.add(parts[3], now=1) == []
    assert buf.add(parts[1], now=2) == []
    assert buf.add(parts[1], now=3) == []  # a duplicate
    assert buf.pending() == {"SENDER|passenger|ref:COMMON": (1, 3)}
    assert len(buf) == 1
    (whole,) = buf.add(parts[2], now=4)
    assert surnames(whole) == ALL and whole.final_part
    assert buf.pending() == {} and len(buf) == 0


def test_part_buffer_expires_idle_groups(parts: dict[int, Manifest]) -> None:
    buf = PartBuffer()
    buf.add(parts[1], now=100)
    buf.add(parts[3], now=160)
    assert buf.expire(older_than=150) == []  # last part came at 160: still waiting
    (stale,) = buf.expire(older_than=161)
    assert stale.final_part is False
    assert surnames(stale) == ["P1A", "P1B", "P3A", "P3B"]
    assert any("missing part(s) 2 of 3" in w for w in stale.warnings)
    assert buf.pending() == {}


@pytest.mark.parametrize(
    "first, second",
    [(("ATT+2++M", "LOC+91+GBR"), ("ATT+2++F", "LOC+91+GBR"))],  # twins, one passport number each way
)
def test_travellers_differing_only_in_sex_are_both_kept(edi, first, second) -> None:
    """Multi-part reassembly keeps one traveller per event id: two people on one flight of one
    name, birth date and document number, of another sex, are two."""

    def part(n: int, flag: str, att: str, loc: str) -> Manifest:
        segs = [s if not s.startswith(("ATT+2", "LOC+91")) else att if s.startswith("ATT") else loc
                for s in edi.pax("DOE:ALEX", doc="P+X1234567")]
        (m,) = parse_paxlst(edi.message(*edi.FLIGHT, *segs, "CNT+42:1", ref=f"R{n}", header=f"+COMMON+0{n}:{flag}"),
                            received_at=RECEIVED)
        return m

    (whole,) = assemble([part(1, "C", *first), part(2, "F", *second)])
    assert [(t.sex, t.document.issuing_country) for t in whole.travellers] == [
        (first[0][-1], first[1][-3:]), (second[0][-1], second[1][-3:])]
    # the same message repeated is still one traveller
    (again,) = assemble([part(1, "C", *first), part(2, "F", *first)])
    assert len(again.travellers) == 1
