"""Segments run together by a lost or look-alike terminator, split back apart (`producers.resync`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from producers.edifact import tokenize
from producers.pnrgov import RESYNC, booking_travellers, parse_pnrgov
from producers.resync import resync

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RECEIVED = "2025-06-01T08:05:00Z"


def split(text: str) -> tuple[list[str], list[str]]:
    """The segments ``text`` reads to after `resync`, written back with + and :, and the warnings."""
    _, segments, _ = tokenize("UNA:+.? '" + text)
    out, warnings = resync(segments, RESYNC)
    return ["+".join([s.tag, *(":".join(e) for e in s.elements)]) for s in out], warnings


@pytest.mark.parametrize(("text", "segments"), [
    # lost terminators: a known tag in an element past the segment's limit
    ("ORG+1A:MUC+3239:SIN+NCE+SQ:NCE+A+SG+HJGS+CFDEA9+9TIF+KIM:I+KONG CHUN MRS:A:3'",
     ["ORG+1A:MUC+3239:SIN+NCE+SQ:NCE+A+SG+HJGS+CFDEA9+9", "TIF+KIM:I+KONG CHUN MRS:A:3"]),
    ("RPI+1+HKIFT+4:19+GN FROM NONE TO ACME TEAM PARTY'", ["RPI+1+HK", "IFT+4:19+GN FROM NONE TO ACME TEAM PARTY"]),
    # look-alikes of ' (U+2019, U+2018...) right before a known tag and its element separator
    ("SSR+DOCS:HK:1:SQ:::::/P/KR/JR1/KR/10SEP72/M/05JUL16/PARK/SEJOON\u2019\nTVL+270513:1640+ICN+SIN+KE:SQ+609:B'",
     ["SSR+DOCS:HK:1:SQ:::::/P/KR/JR1/KR/10SEP72/M/05JUL16/PARK/SEJOON", "TVL+270513:1640+ICN+SIN+KE:SQ+609:B"]),
    ("RCI+1A:X49V9U::210113:0411+OZ:2OX5VV\u2018 DAT+700:270513:0726'", ["RCI+1A:X49V9U::210113:0411+OZ:2OX5VV", "DAT+700:270513:0726"]),
    ("RPI+1+HK\u2019SRC'", ["RPI+1+HK", "SRC"]),  # SRC takes no element
    # both, one after the other
    ("RPI+1+HK\u2019TVL+270513+ICN+SIN+KE+609'", ["RPI+1+HK", "TVL+270513+ICN+SIN+KE+609"]),
])  # fmt: skip
def test_segments_run_together_are_split_where_the_next_tag_begins(text: str, segments: list[str]) -> None:
    got, warnings = split(text)
    assert got == segments
    assert len(warnings) == len(segments) - 1
    assert not any("SEJOON" in w or "KIM" in w for w in warnings)  # positions, never values


@pytest.mark.parametrize("text", [
    "TIF+LATIF+ABDULMR:A:1'",  # a surname ending like a tag: TIF takes two elements
    "TIF+ABDUL LATIF:A+AHMEDMR:A:1'",
    "SSR+DOCS:HK:1:XY:::::/P/GBR/X1/GBR/01JAN80/M/01JAN30/ABDUL/LATIF+::1'",  # SSR takes any number
    "TIF+O\u2019NEILL+MARYMS:A:1'",  # a typographic apostrophe inside a name
    "TIF+D\u2019ADD:A+JEANNE:A:1'",  # ... even before letters that are a tag, when no element follows
    "IFT+4:28::DL+CALL MR DAT+BACK LATER'",  # free text takes any number of elements (no limit kept)
    "RPI+1+HKIFT'",  # a status that merely ends like a tag, within RPI's two elements
])  # fmt: skip
def test_names_and_texts_that_end_like_a_tag_are_left_alone(text: str) -> None:
    got, warnings = split(text)
    assert len(got) == 1 and warnings == []


def test_a_pnr_with_typographic_quotes_and_a_lost_terminator_reads_as_the_fixed_one() -> None:
    broken = (FIXTURES / "gtas-pnrMessagePg75-1.edi").read_text()
    fixed = broken.replace("\u2019", "'").replace("+9TIF+KIM", "+9'\nTIF+KIM")
    got, want = (parse_pnrgov(t, received_at=RECEIVED) for t in (broken, fixed))

    def reading(bookings):
        return [(b.locator, [(t.surname, t.given_names, t.date_of_birth, t.sex, [d.number for d in t.documents])
                             for t in booking_travellers(b)], [s.designator for s in b.itinerary]) for b in bookings]

    assert reading(got) == reading(want)
    assert [len(b.travellers) for b in got] == [1, 1]
    assert [t.given_names for b in got for t in booking_travellers(b)] == ["SEJOON", "KONG CHUN"]
    warnings = got[1].warnings
    assert sum("(a look-alike of ')" in w for w in warnings) == 3
    assert any(w.startswith("ORG at segment #36 (line 40): the next segment (TIF) runs into its element 9")
               for w in warnings)


KL590 = (Path(__file__).resolve().parents[2] / "paxscreen/samples/paxlst/demo_kl590_acc_ams.edi").read_text()


def _reading(manifests) -> list[tuple]:
    return [(t.surname, t.given_names, t.date_of_birth, t.sex, t.nationality,
             [(d.number, d.expiry, d.issuing_country) for d in t.documents])
            for m in manifests for t in m.travellers]


@pytest.mark.parametrize(("broken", "warning"), [
    # a look-alike of ' before the next traveller's NAD: the traveller was lost
    (KL590.replace("LOC+91+DEU'\nNAD", "LOC+91+DEU\u2019\nNAD", 1), "LOC at segment #20 (line 21): U+2019 before the next segment (NAD)"),
    # a lost terminator there: the NAD ran into the LOC's second element
    (KL590.replace("LOC+91+DEU'\nNAD", "LOC+91+DEUNAD", 1), "LOC at segment #20 (line 21): the next segment (NAD) runs into its element 2"),
    # a lost terminator after a document's expiry: its issuing country was lost
    (KL590.replace("DTM+36:310310'\n", "DTM+36:310310", 1), "DTM at segment #19 (line 20): the next segment (LOC) runs into its element 1"),
])  # fmt: skip
def test_a_paxlst_whose_segments_ran_together_reads_as_the_sent_one(broken: str, warning: str) -> None:
    from producers.paxlst import parse_paxlst

    assert broken != KL590
    got, want = (parse_paxlst(t, received_at=RECEIVED) for t in (broken, KL590))
    assert _reading(got) == _reading(want) and len(_reading(got)) == 15
    warnings = got[0].warnings
    new = [w for w in warnings if w not in want[0].warnings]  # the split; the UNT's count, one segment fewer
    assert len(new) == 2 and new[1].startswith(warning) and new[0].startswith("UNT says '160' segments")
    assert not any("CNT" in w for w in warnings)  # every traveller the count declares is there
    assert not any(v in w for w in warnings for v in ("PETRENKO", "SCHAEFER", "310310", "DEU"))


# the first traveller sent with its NAD alone (a crew list or a feed that knows no more of them)
_NAD_ONLY = KL590.replace(
    KL590[KL590.index("ATT+2++M'\nDTM+329:660130") : KL590.index("NAD+FL+++PETRENKO")], "", 1
)


@pytest.mark.parametrize(("sent", "broken", "warning"), [
    # a lost terminator between two travellers' NADs: within NAD's nine elements
    (_NAD_ONLY, _NAD_ONLY.replace("SCHAEFER:JUERGEN'\nNAD", "SCHAEFER:JUERGENNAD", 1),
     "NAD at segment #11 (line 12): the next segment (NAD) runs into its element 4"),
    # ... and in free text, which keeps no limit
    (_NAD_ONLY, _NAD_ONLY.replace("SCHAEFER:JUERGEN'\n", "SCHAEFER:JUERGEN'\nFTX+AAI+++SEE REMARKNAD", 1),
     "FTX at segment #12 (line 13): the next segment (NAD) runs into its element 4"),
    # within a traveller's group: the sex into the NAD's name, a nationality into a port, the
    # expiry into the document's number
    (KL590, KL590.replace("SCHAEFER:JUERGEN'\nATT", "SCHAEFER:JUERGENATT", 1),
     "NAD at segment #11 (line 12): the next segment (ATT) runs into its element 4"),
    (KL590, KL590.replace("LOC+179+AMS'\nNAT+2+DEU", "LOC+179+AMSNAT+2+DEU", 1),
     "LOC at segment #15 (line 16): the next segment (NAT) runs into its element 2"),
    (KL590, KL590.replace("DOC+P+C4J7R2K19'\nDTM", "DOC+P+C4J7R2K19DTM", 1),
     "DOC at segment #18 (line 19): the next segment (DTM) runs into its element 2"),
    # two terminators lost in a row: the birth date split off first, then the sex
    (KL590, KL590.replace("SCHAEFER:JUERGEN'\nATT+2++M'\nDTM", "SCHAEFER:JUERGENATT+2++MDTM", 1),
     "NAD at segment #11 (line 12): the next segment (ATT) runs into its element 4"),
])  # fmt: skip
def test_a_segment_glued_into_another_within_its_limit_is_split_off(
    sent: str, broken: str, warning: str
) -> None:
    from producers.paxlst import parse_paxlst

    assert broken != sent
    (want,), (got,) = (parse_paxlst(t, received_at=RECEIVED) for t in (sent, broken))
    assert _reading([got]) == _reading([want]) and len(got.travellers) == 15
    assert (got.travellers[0].surname, got.travellers[0].given_names) == ("SCHAEFER", "JUERGEN")
    assert any(w.startswith(warning) for w in got.warnings)
    assert not any("CNT" in w for w in got.warnings)
    assert not any(v in w for w in got.warnings for v in ("SCHAEFER", "JUERGEN", "C4J7R2K19", "AMS", "DEU"))


@pytest.mark.parametrize("nad", [
    "NAD+FL+++CONNAD:JOHN'",  # a name ending like the tag, no element after it
    "NAD+FL+++BEN AHMED:MOHANNAD+FLAT 3 RUE DE LA PAIX+TUNIS'",  # an address after it, no party code
    "NAD+FL+++KONNAD:ALI+++++FL'",  # FL further on, not right after the name
    "NAD+FL+++SMITH:MATT+2+BAKER STREET+LONDON++NW1+GBR'",  # ATT+2 would take three elements at most
])  # fmt: skip
def test_a_name_ending_like_a_tag_is_not_split(nad: str) -> None:
    from producers.paxlst import parse_paxlst

    (m,) = parse_paxlst(_NAD_ONLY.replace("NAD+FL+++SCHAEFER:JUERGEN'", nad, 1), received_at=RECEIVED)
    assert len(m.travellers) == 15 and not any("split" in w for w in m.warnings)


@pytest.mark.parametrize("name", ["O\u2019NEILL:MARY", "DUPONT:JEAN D\u2019ATT", "N\u2019DOC:AMINATA"])
def test_a_paxlst_name_with_a_typographic_apostrophe_is_read_whole(name: str) -> None:
    from producers.paxlst import parse_paxlst

    (m,) = parse_paxlst(KL590.replace("SCHAEFER:JUERGEN", name, 1), received_at=RECEIVED)
    first = m.travellers[0]
    assert f"{first.surname}:{first.given_names}" == name and len(m.travellers) == 15
    assert not any("look-alike" in w or "split" in w for w in m.warnings)


def test_the_interchange_says_whether_its_text_holds_a_lookalike_and_resync_trusts_it() -> None:
    from producers.edifact import read_interchange

    plain, curly = KL590, KL590.replace("LOC+91+DEU'\nNAD", "LOC+91+DEU\u2019\nNAD", 1)
    assert read_interchange(plain).lookalikes is False and read_interchange(curly).lookalikes is True
    # a ’ where ' is no terminator (UNA says ~) can be no look-alike of it
    tilde = "UNA:+.? ~" + curly.removeprefix("UNA:+.? '\n").replace("'\n", "~\n")
    assert read_interchange(tilde).lookalikes is False and "\u2019" in tilde
    _, segments, _ = tokenize("UNA:+.? '" + "RPI+1+HK\u2019SRC'")  # within RPI's two elements
    assert len(resync(segments, RESYNC)[0]) == 2
    assert len(resync(segments, RESYNC, lookalikes=False)[0]) == 1  # told there is none: not sought
