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

Within its host's limit (or in a host without one), a glued tag is split off only where the
element after it is one of the few values that tag's first element takes (``leads``: the
qualifiers a reader acts on) and what follows fits that tag's limit: PAXLST's
``NAD+FL+++DOE:JOHNNAD+FL+++ROE:JANE`` (a traveller with no other segment, then one whose
``'`` was lost) is two travellers, ``DOC+P+X1234567DTM+36:310310`` a document number and its
expiry, ``LOC+179+AMSNAT+2+DEU`` a port and a nationality.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from producers.edifact import LOOKALIKES, Segment

__all__ = ["LOOKALIKES", "Rules", "resync"]

_LOOKALIKE_TAG = re.compile(f"([{LOOKALIKES}])[ \t]*([A-Z][A-Z0-9]{{2}})$")
_GLUED_TAG = re.compile(r".([A-Z][A-Z0-9]{2})$")
_NEVER = 1 << 30  # more elements than any segment has


@dataclass(frozen=True)
class Rules:
    """What `resync` knows of a message type's segments; a reader makes its own once.

    ``limits`` maps every tag the message may hold to the most data elements it takes (None:
    no known limit). ``leads``: tags (of ``limits``), each with the values of its first
    element that let it be split off a segment within that segment's limit (`_restart`).
    ``hosts``: the tags of the segments `_restart` looks into, each with the fewest elements
    such a segment has with another glued into it (its own, up to the one the glue ends, and
    one more)."""

    limits: Mapping[str, int | None]
    leads: Mapping[str, frozenset[str]] = field(default_factory=dict)
    hosts: Mapping[str, int] = field(default_factory=dict)
    # per tag, the fewest elements that make a segment worth a look: past its limit, or
    # enough to hold a glued one (what the fast path of `resync` compares with)
    watch: dict[str, int] = field(init=False, repr=False)
    lead_tags: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lead_tags", tuple(self.leads))
        object.__setattr__(self, "watch", {
            tag: min(_NEVER if limit is None else limit + 1, self.hosts.get(tag, _NEVER))
            for tag, limit in self.limits.items()
        })


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


def _restart(seg: Segment, rules: Rules) -> tuple[int, int, str] | None:
    """A segment of ``rules.leads`` glued into ``seg`` within its limit (see the module docstring)."""
    els, n, leads = seg.elements, len(seg.elements), rules.leads
    for k in range(n - 1):
        comps = els[k]
        if comps and len(last := comps[-1]) > 3 and last.endswith(rules.lead_tags):
            tag, after = last[-3:], els[k + 1]
            tail = rules.limits.get(tag)
            if after and after[0].upper() in leads[tag] and (tail is None or n - k - 1 <= tail):
                return k, len(last) - 3, tag
    return None


def resync(
    segments: Sequence[Segment], rules: Rules, *, lookalikes: bool = True
) -> tuple[list[Segment], list[str]]:
    """Split segments that swallowed the next one (see the module docstring), by ``rules``.

    ``lookalikes``: whether a look-alike of the terminator may have been typed for it
    (`Interchange.lookalikes`); when not, only segments longer than their tag allows, and
    those of ``rules.hosts`` that may hold a tag of ``rules.leads``, are looked into. Returns
    the segments and one warning per split (positions, never values).
    """
    limits, hosts = rules.limits, rules.hosts
    first = 0
    if not lookalikes:  # most messages need no split: find the first segment that may
        watch = rules.watch
        for first, seg in enumerate(segments):
            n = len(seg.elements)
            if n >= watch.get(seg.tag, _NEVER):
                limit = limits[seg.tag]
                if (limit is not None and n > limit) or _restart(seg, rules) is not None:
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
            if lost is None and len(seg.elements) >= hosts.get(seg.tag, _NEVER):
                lost = _restart(seg, rules)
            if lost is None:
                out.append(seg)
                continue
            k, cut, tag = lost
            warnings.append(
                f"{_where(seg)}: the next segment ({tag}) runs into its element {k + 1} "
                "(terminator missing?); split there"
            )
        host, tail = _split(seg, k, cut, tag)
        todo += (tail, host)  # the host again: a second lost terminator may lie before the first
    return out, warnings


def _where(seg: Segment) -> str:
    return f"{seg.tag} at segment #{seg.position} (line {seg.line})"
