"""Segments run together by a lost or mistyped terminator, split back apart.

Two faults of real feeds make the tokenizer read one segment into the next, with no error:

- a look-alike of the ``'`` terminator: ``’`` (U+2019, what word processors make of ``'``)
  ends ``SSR+DOCS:...:/PARK/SEJOON’`` and the next line's ``TVL+270513:...`` becomes part of
  the SSR (``SEJOON’TVL``, then the TVL's elements);
- a lost terminator: ``ORG+...+CFDEA9+9TIF+KIM:I+KONG CHUN MRS:A:3`` is an ORG whose last
  element runs into a TIF (a traveller lost), ``RPI+1+HKIFT+4:19+...`` an RPI into an IFT.

`resync` splits such a segment where the glued tag begins, with a warning. It is strict, so
that names are never cut: a look-alike counts only right before a known tag that is followed by
an element separator (``’TVL+``); a tag glued without one only when the segment has more data
elements than its tag allows (``TIF+LATIF+ABDULMR`` is two elements, as a TIF may be, and is
left alone). The split-off segment keeps its host's position and line.

Within its host's limit (or in a host without one), a glued tag is split off only where it
starts a group and the element after it is what that group's first element must be
(``leads``): PAXLST's ``NAD+FL+++DOE:JOHNNAD+FL+++ROE:JANE``, a traveller with no other
segment followed by one whose ``'`` was lost, is two travellers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from producers.edifact import LOOKALIKES, Segment

__all__ = ["LOOKALIKES", "resync"]

_LOOKALIKE_TAG = re.compile(f"([{LOOKALIKES}])[ \t]*([A-Z][A-Z0-9]{{2}})$")
_GLUED_TAG = re.compile(r".([A-Z][A-Z0-9]{2})$")


def _split(seg: Segment, k: int, cut: int, tag: str) -> tuple[Segment, Segment]:
    """``seg`` cut in element ``k`` (0-based), whose last component keeps ``cut`` characters."""
    host_last = seg.elements[k][:-1] + (seg.elements[k][-1][:cut],)
    host = seg._replace(elements=(*seg.elements[:k], host_last))
    return host, seg._replace(tag=tag, elements=seg.elements[k + 1 :])


def _lookalike(seg: Segment, limits: Mapping[str, int | None]) -> tuple[int, int, str, str] | None:
    n = len(seg.elements)
    for k, comps in enumerate(seg.elements):
        m = _LOOKALIKE_TAG.search(comps[-1]) if comps else None
        if m and m.group(2) in limits and (k < n - 1 or limits[m.group(2)] == 0):
            return k, m.start(), m.group(2), m.group(1)
    return None


def _lost(seg: Segment, limits: Mapping[str, int | None]) -> tuple[int, int, str] | None:
    limit, n = limits.get(seg.tag), len(seg.elements)
    if limit is None or n <= limit:
        return None
    for k in range(min(limit, n - 1) - 1, -1, -1):  # the host keeps as many elements as it may
        comps = seg.elements[k]
        m = _GLUED_TAG.search(comps[-1]) if comps else None
        if m and m.group(1) in limits:
            tail = limits[m.group(1)]
            if tail is None or n - k - 1 <= tail:
                return k, m.start(1), m.group(1)
    return None


def _restart(seg: Segment, leads: Mapping[str, frozenset[str]]) -> tuple[int, int, str] | None:
    """A group's first segment glued into ``seg`` within its limit (see the module docstring)."""
    els, tags = seg.elements, tuple(leads)
    for k in range(len(els) - 1):
        comps = els[k]
        if comps and len(last := comps[-1]) > 3 and last.endswith(tags):
            after = els[k + 1]
            if after and after[0].upper() in leads[last[-3:]]:
                return k, len(last) - 3, last[-3:]
    return None


def resync(
    segments: Sequence[Segment], limits: Mapping[str, int | None], *, lookalikes: bool = True,
    leads: Mapping[str, frozenset[str]] | None = None,
) -> tuple[list[Segment], list[str]]:
    """Split segments that swallowed the next one (see the module docstring).

    ``limits`` maps every tag the message may hold to the most data elements it takes (None:
    no known limit). ``lookalikes``: whether a look-alike of the terminator may have been
    typed for it (`Interchange.lookalikes`); when not, only segments longer than their tag
    allows, and those `_restart` looks into, are looked into. ``leads``: the tags (of
    ``limits``) that start a group, each with the values its first element takes (`_restart`). Returns the segments and
    one warning per split (positions, never values).
    """
    leads = leads or {}
    # the segments `_restart` looks into: a group's first one, or one that keeps no limit
    hosts = ({tag for tag, limit in limits.items() if limit is None} | set(leads)) if leads else set()
    first = 0
    if not lookalikes:  # most messages need no split: find the first segment that may
        for first, seg in enumerate(segments):
            limit = limits.get(seg.tag)
            if (limit is not None and len(seg.elements) > limit) or (
                    seg.tag in hosts and _restart(seg, leads) is not None):
                break
        else:
            return list(segments), []
    out: list[Segment] = list(segments[:first])
    warnings: list[str] = []
    todo = list(reversed(segments[first:]))
    while todo:
        seg = todo.pop()
        found = _lookalike(seg, limits) if lookalikes else None
        if found is not None:
            k, cut, tag, char = found
            warnings.append(
                f"{_where(seg)}: U+{ord(char):04X} before the next segment ({tag}) read as its "
                "terminator (a look-alike of ')"
            )
        else:
            lost = _lost(seg, limits)
            if lost is None and seg.tag in hosts:
                lost = _restart(seg, leads)
            if lost is None:
                out.append(seg)
                continue
            k, cut, tag = lost
            warnings.append(
                f"{_where(seg)}: the next segment ({tag}) runs into its element {k + 1} "
                "(terminator missing?); split there"
            )
        host, tail = _split(seg, k, cut, tag)
        out.append(host)
        todo.append(tail)
    return out, warnings


def _where(seg: Segment) -> str:
    return f"{seg.tag} at segment #{seg.position} (line {seg.line})"
