"""One entry point from airline bytes to traveller events, whatever the format.

`read_message` is what the worker's ingest agent and `paxscreen screen` call (the worker gets
it injected by the command line, so streams/ never imports producers/). It raises
`InvalidMessage` for anything it cannot read; callers dead-letter or report it.
"""

from __future__ import annotations

from collections.abc import Iterable

from paxscreen.errors import InvalidMessage
from paxscreen.models import Traveller
from producers.edifact import sniff
from producers.paxlst import Manifest, assemble, parse_paxlst


def read_message(
    data: bytes, *, source: str | None = None, received_at: str | None = None
) -> tuple[str, list[Traveller]]:
    """(format, travellers) for one airline message (an EDIFACT interchange)."""
    if not data or not data.strip():
        raise InvalidMessage("empty message", source=source)
    kind = sniff(data)
    if kind == "paxlst":
        manifests = parse_paxlst(data, source=source, received_at=received_at)
        return kind, [t for m in manifests for t in m.travellers]
    if kind is None:
        raise InvalidMessage("not a PAXLST message (no UNH segment naming PAXLST)", source=source)
    raise InvalidMessage(f"message type {kind!r} is not supported yet", source=source)


def read_files(
    blobs: Iterable[tuple[str, bytes]], *, received_at: str | None = None
) -> tuple[list[Traveller], list[InvalidMessage], list[str]]:
    """Batch reading (``paxscreen parse`` / ``screen``): every PAXLST part of every file is
    reassembled per flight before travellers are taken. Returns (travellers, errors, warnings)."""
    manifests: list[Manifest] = []
    errors: list[InvalidMessage] = []
    for source, data in blobs:
        try:
            if sniff(data) != "paxlst":
                read_message(data, source=source)  # raises the precise error
            manifests.extend(parse_paxlst(data, source=source, received_at=received_at))
        except InvalidMessage as exc:
            if exc.source is None:
                exc.source = source
            errors.append(exc)
    travellers: list[Traveller] = []
    warnings: list[str] = []
    for m in assemble(manifests):
        travellers.extend(m.travellers)
        warnings.extend(m.warnings)
    return travellers, errors, warnings
