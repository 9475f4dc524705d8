"""The `Manifest` a PAXLST message reads to, and the reassembly of multi-part messages.

Airlines split a long passenger list into several UNH messages that share a common access
reference (UNH element 3) and number their parts in UNH S010: ``01:C``, ``02`` ... ``03:F``
(code list 0073: C the first part, F the last; a middle part has no flag, though some airlines
send ``02:C``). Only F ends a message (or no flag on a lone part 1: a whole message). Parts
can arrive in any order, twice, or not at all.
`assemble` regroups a batch; `PartBuffer` does the same for a stream, one part at a time.
Both are pure: no I/O, the clock is passed in.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, replace

from paxscreen.codec import traveller_event_id
from paxscreen.models import Flight, Traveller

__all__ = [
    "Manifest",
    "PartBuffer",
    "assemble",
    "has_flight",
    "is_multipart",
    "may_lead_parts",
    "part_group_key",
    "with_flight",
]


@dataclass(frozen=True, slots=True)
class Manifest:
    """One PAXLST message (or several parts merged): a flight and its passengers or crew."""

    message_ref: str  # UNH message reference
    sender: str | None  # UNB sender id (the airline or its service provider)
    list_type: str  # passenger | crew
    flight: Flight
    part_number: int | None = None  # UNH S010 sequence number; None for a whole message
    final_part: bool = True  # UNH S010 "F" (or no sequence, or a lone 01 without flag); else False
    sequence_flag: str | None = None  # UNH S010 flag as sent ("C", "F"...), None if none
    declared_count: int | None = None  # CNT+42/41 as sent (a part's may count the whole message)
    common_ref: str | None = None  # UNH common access reference, shared by the parts
    prepared_at: str | None = None  # UNB date/time, ISO
    travellers: tuple[Traveller, ...] = ()
    warnings: tuple[str, ...] = ()
    version: str | None = None  # "D05B", "D02B"...
    interchange_ref: str | None = None  # UNB control reference


def has_flight(flight: Flight) -> bool:
    """Whether the flight says anything (a part without TDT gets an empty placeholder leg)."""
    return any(leg.number or leg.departure_airport or leg.arrival_airport for leg in flight.legs)


def with_flight(traveller: Traveller, flight: Flight) -> Traveller:
    """The traveller on another flight, with the event id that flight gives it."""
    doc = traveller.document
    return replace(
        traveller,
        flight=flight,
        event_id=traveller_event_id(
            flight,
            role=traveller.role,
            surname=traveller.surname,
            given_names=traveller.given_names,
            date_of_birth=traveller.date_of_birth,
            sex=traveller.sex,
            document_number=doc.number if doc else None,
        ),
    )


def is_multipart(manifest: Manifest) -> bool:
    """A part of a longer message (anything but no sequence or a lone ``01:F`` or ``01``)."""
    return manifest.part_number is not None and not (manifest.part_number == 1 and manifest.final_part)


def may_lead_parts(manifest: Manifest) -> bool:
    """A part ``01`` sent without flag, under a common access reference: read as a whole
    message, yet some airlines send the first part of a longer one so. A stream keeps it
    with its group, so that a sibling that comes later without flight details finds it.
    (Without a common reference, parts are grouped by flight, which a part without flight
    details cannot join.)"""
    return (
        manifest.part_number == 1
        and manifest.final_part  # no C (a flag neither C nor F reads as none)
        and manifest.sequence_flag != "F"
        and manifest.common_ref is not None
    )


def part_group_key(manifest: Manifest) -> str:
    """The key that the parts of one message share: sender, list type and the common access
    reference, or, when the airline sends none, the flight key."""
    if manifest.common_ref:
        return f"{manifest.sender or ''}|{manifest.list_type}|ref:{manifest.common_ref}"
    return f"{manifest.sender or ''}|{manifest.list_type}|flight:{manifest.flight.key}"


@dataclass(frozen=True, slots=True)
class _Parts:
    by_number: dict[int, Manifest]
    duplicates: tuple[int, ...]
    final: int | None  # number of the (first) part flagged final
    missing: tuple[int, ...]

    @property
    def complete(self) -> bool:
        return self.final is not None and not self.missing


def _survey(parts: Iterable[Manifest]) -> _Parts:
    by_number: dict[int, Manifest] = {}
    duplicates: list[int] = []
    for p in parts:
        n = p.part_number if p.part_number is not None else 1
        if n in by_number:
            duplicates.append(n)
        else:
            by_number[n] = p
    # a part 1 that looked whole (``01`` without flag) is not the final part of a longer message
    finals = sorted(n for n, p in by_number.items() if p.final_part and (n != 1 or len(by_number) == 1))
    final = finals[0] if finals else None
    top = final if final is not None else max(by_number, default=0)
    missing = tuple(n for n in range(1, top + 1) if n not in by_number)
    return _Parts(by_number, tuple(duplicates), final, missing)


def _nums(numbers: Iterable[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _merge(parts: list[Manifest]) -> Manifest:
    survey = _survey(parts)
    ordered = [survey.by_number[n] for n in sorted(survey.by_number)]
    first = ordered[0]
    flight = next((p.flight for p in ordered if has_flight(p.flight)), first.flight)
    warnings: list[str] = []
    travellers: list[Traveller] = []
    seen: set[str] = set()
    for part in ordered:
        warnings.extend(w for w in part.warnings if w not in warnings)
        inherit = not has_flight(part.flight) and has_flight(flight)
        for t in part.travellers:
            t = with_flight(t, flight) if inherit else t
            if t.event_id not in seen:
                seen.add(t.event_id)
                travellers.append(t)
    ref = first.common_ref or first.message_ref
    if not has_flight(flight):
        warnings.append(f"multi-part message {ref!r}: no part has flight details (TDT)")
    if survey.duplicates:
        warnings.append(f"multi-part message {ref!r}: duplicate part(s) {_nums(survey.duplicates)} dropped")
    if not survey.complete:
        received = _nums(sorted(survey.by_number))
        if survey.final is None:
            missing = "the final part" + (f" and part(s) {_nums(survey.missing)}" if survey.missing else "")
        else:
            missing = f"part(s) {_nums(survey.missing)} of {survey.final}"
        warnings.append(f"incomplete multi-part message {ref!r}: missing {missing} (received {received})")
    elif survey.final is not None and max(survey.by_number) > survey.final:
        extra = _nums(n for n in sorted(survey.by_number) if n > survey.final)
        warnings.append(f"multi-part message {ref!r}: part(s) {extra} after the final part")
    counts = sorted({p.declared_count for p in ordered if p.declared_count is not None})
    per_part = all(p.declared_count in (None, len(p.travellers)) for p in ordered)
    if survey.complete and counts and counts != [len(travellers)] and not per_part:
        warnings.append(
            f"multi-part message {ref!r}: CNT says {_nums(counts)} travellers, "
            f"the parts have {len(travellers)}"
        )
    return replace(
        first,
        flight=flight,
        part_number=None,
        final_part=survey.complete,
        prepared_at=min((p.prepared_at for p in ordered if p.prepared_at), default=None),
        travellers=tuple(travellers),
        warnings=tuple(warnings),
    )


def assemble(manifests: Iterable[Manifest]) -> list[Manifest]:
    """Reassemble multi-part messages, in any arrival order.

    Whole messages pass through in place. Parts are grouped by `part_group_key` and merged in
    part order, at the place of the group's first part; a duplicate part is dropped; parts
    without flight details take them from a sibling. A group is complete when parts 1..N are
    all there and N is flagged final; an incomplete group is still returned, merged as it is,
    with ``final_part=False`` and a warning naming the missing parts.
    """
    slots: list[Manifest | str] = []
    groups: dict[str, list[Manifest]] = {}
    manifests = list(manifests)
    keys = {part_group_key(m) for m in manifests if is_multipart(m)}
    for m in manifests:  # a part 1 sent without flag, beside parts of its message, is one of them
        if not is_multipart(m) and not (m.part_number == 1 and part_group_key(m) in keys):
            slots.append(m)
            continue
        key = part_group_key(m)
        if key not in groups:
            groups[key] = []
            slots.append(key)
        groups[key].append(m)
    return [_merge(groups[s]) if isinstance(s, str) else s for s in slots]


class PartBuffer:
    """Hold the parts of multi-part messages until they are complete, for a streaming worker.

    ``add`` returns what can go on now: a whole message at once, a multi-part message when its
    last missing part arrives, nothing otherwise. ``expire`` gives up on groups that have been
    idle too long and returns them merged as they are (with a warning naming the missing parts).
    Times are seconds (``time.time()`` unless given), so tests pass their own clock.
    """

    def __init__(self) -> None:
        self._parts: dict[str, list[Manifest]] = {}
        self._last_seen: dict[str, float] = {}
        self._leads: dict[str, tuple[Manifest, float]] = {}  # parts 01 without flag, given as whole

    def add(self, manifest: Manifest, *, now: float | None = None) -> list[Manifest]:
        """Add one message or part; return the manifests that are now complete. A part ``01``
        without flag (`may_lead_parts`) is whole unless its siblings are waiting: it is given
        at once, and again within its message if parts of it come before it expires."""
        lead = may_lead_parts(manifest)
        if not lead and not is_multipart(manifest):
            return [manifest]
        now = time.time() if now is None else now
        key = part_group_key(manifest)
        if lead and key not in self._parts:
            self._leads[key] = (manifest, now)
            return [manifest]
        parts = self._parts.setdefault(key, [])
        if key in self._leads:
            parts.append(self._leads.pop(key)[0])
        parts.append(manifest)
        self._last_seen[key] = now
        if _survey(parts).complete:
            del self._parts[key], self._last_seen[key]
            return [_merge(parts)]
        return []

    def pending(self) -> dict[str, tuple[int, ...]]:
        """Groups still waiting, by key, with the part numbers received so far."""
        return {key: tuple(sorted({p.part_number or 1 for p in parts})) for key, parts in self._parts.items()}

    def expire(self, older_than: float) -> list[Manifest]:
        """Give up on groups whose last part arrived before ``older_than``: return them merged,
        incomplete, and forget them."""
        stale = [key for key, seen in self._last_seen.items() if seen < older_than]
        out = [_merge(self._parts.pop(key)) for key in stale]
        for key in stale:
            del self._last_seen[key]
        for key in [key for key, (_, seen) in self._leads.items() if seen < older_than]:
            del self._leads[key]  # given when it came
        return out

    def __len__(self) -> int:
        return len(self._parts)
