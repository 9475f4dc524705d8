"""The legacy US "CEDIPAX" PAXLST (UNH ``PAXLST:001:000``, one PDT segment a traveller), as the
UN/EDIFACT PAXLST segments `producers.paxlst` reads.

US carriers sent it to CBP before the UN/EDIFACT guide (2005); GTAS still reads it
(``PaxlstParserUSedifact``). Its layout::

    TDT++SA812+40+SA                       flight (a number ending in C: a crew list)
    LOC+005+NZAKL:50   DTM+136+020131+1030  departure: country + airport, YYMMDD + HHMM
    LOC+008+USLAX:50   DTM+132+020131+2200  arrival
    UNS+D
    PDT+P/182345345:990909:US+MANGUS:SIMON:P:590429:M+PAX+NZAKL:USLAX
        document type/number : expiry : issuing country
        + surname : first name : middle name : birth date : sex
        + PAX passenger | CRW crew | ITI in transit
        + embarkation : debarkation (country + airport)

`translate` rewrites each into its UN/EDIFACT form (``LOC+125+AKL``, ``DTM+189:0201311030:201``,
``NAD+FL+++MANGUS:SIMON:P``, ``ATT+2++M``, ``DOC+P+182345345``...), keeping each segment's
position and line, so errors and warnings still point at the PDT as sent.
"""

from __future__ import annotations

from collections.abc import Sequence

from producers.edifact import Message, Segment

__all__ = ["is_cedipax", "translate"]

_LOCATIONS = {"005": "125", "008": "87"}  # departure, arrival
_TIMES = {"136": "189", "132": "232"}
_PARTIES = {"PAX": "FL", "CRW": "FM", "ITI": "DDU"}
_DOCUMENTS = {"V": "V", "A": "A"}  # visa, alien registration; anything else a passport


def is_cedipax(msg: Message) -> bool:
    """A CEDIPAX message: not a UN/EDIFACT directory ("D") and holding PDT segments."""
    return (msg.version or "").upper() != "D" and any(seg.tag == "PDT" for seg in msg.segments)


def _seg(like: Segment, tag: str, *elements: tuple[str, ...]) -> Segment:
    return like._replace(tag=tag, elements=elements)


def _airport(code: str | None) -> str:
    """``"NZAKL"`` (country + airport) -> ``"AKL"``."""
    code = (code or "").strip()
    return code[2:] if len(code) == 5 else code


def _pdt(seg: Segment) -> list[Segment]:
    doc, expiry, issuing = (seg.get(1, i) or "" for i in (1, 2, 3))
    kind, _, number = doc.partition("/")
    names = tuple(c for c in (seg.get(2, i) or "" for i in (1, 2, 3)))
    birth, sex = seg.get(2, 4), seg.get(2, 5)
    embark, debark = seg.get(4, 1), seg.get(4, 2)
    out = [_seg(seg, "NAD", (_PARTIES.get((seg.get(3) or "").upper(), "FL"),), ("",), ("",), names)]
    if sex:
        out.append(_seg(seg, "ATT", ("2",), ("",), (sex,)))
    if birth:
        out.append(_seg(seg, "DTM", ("329", birth)))
    if embark:
        out.append(_seg(seg, "LOC", ("178",), (_airport(embark),)))
    if debark:
        out.append(_seg(seg, "LOC", ("179",), (_airport(debark),)))
    if number.strip():
        out.append(_seg(seg, "DOC", (_DOCUMENTS.get(kind.strip().upper()[:1], "P"),), (number.strip(),)))
        if expiry:
            out.append(_seg(seg, "DTM", ("36", expiry)))
        if issuing:
            out.append(_seg(seg, "LOC", ("91",), (issuing,)))
    return out


def translate(segments: Sequence[Segment]) -> tuple[list[Segment], list[str]]:
    """CEDIPAX segments as UN/EDIFACT PAXLST ones, and a warning saying so."""
    out: list[Segment] = []
    crew = False
    for seg in segments:
        tag, qualifier = seg.tag, seg.get(1)
        if tag == "TDT":
            number = (seg.get(2) or "").replace(" ", "").upper()
            crew = number.endswith("C") and number[:-1][-1:].isdigit()
            out.append(_seg(seg, "TDT", ("20",), (number[:-1] if crew else number,), ("",), ("",),
                            (seg.get(4) or "",)))
        elif tag == "LOC" and qualifier in _LOCATIONS:
            out.append(_seg(seg, "LOC", (_LOCATIONS[qualifier],), (_airport(seg.get(2, 1)),)))
        elif tag == "DTM" and qualifier in _TIMES:
            out.append(_seg(seg, "DTM", (_TIMES[qualifier], (seg.get(2) or "") + (seg.get(3) or ""), "201")))
        elif tag == "PDT":
            out += _pdt(seg)
        elif tag != "UNS":
            out.append(seg)
    if not any(seg.tag == "BGM" for seg in out) and segments:
        out.insert(0, _seg(segments[0], "BGM", ("250" if crew else "745",)))
    return out, ["legacy US CEDIPAX PAXLST (PDT segments) read as UN/EDIFACT PAXLST"]
