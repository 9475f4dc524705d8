"""One root exception for paxscreen, with subclasses for bad input and outages.

Bad input (`InvalidMessage`, `InvalidRecord`) is routed to the dead-letter topic or reported
by the CLI with where and why; outages (`Unavailable`) are retried, never swallowed.
Messages quote values with ``!r`` and never contain passenger names or document numbers.
"""

from __future__ import annotations


class PaxscreenError(Exception):
    """Root of every error paxscreen raises on purpose."""


class ConfigError(PaxscreenError):
    """A setting is missing or malformed (names the environment variable)."""


class InvalidMessage(PaxscreenError):
    """An airline message (PAXLST, PNRGOV, JSON) cannot be read.

    ``segment`` is the EDIFACT tag (e.g. ``"DTM"``) or ``None``; ``position`` is the
    1-based segment index in the interchange; ``line`` the 1-based line number in the
    source bytes; ``reason`` a sentence saying what is wrong.
    """

    def __init__(
        self,
        reason: str,
        *,
        segment: str | None = None,
        position: int | None = None,
        line: int | None = None,
        source: str | None = None,
    ) -> None:
        self.reason = reason
        self.segment = segment
        self.position = position
        self.line = line
        self.source = source
        super().__init__(self.describe())

    def describe(self) -> str:
        where = []
        if self.source:
            where.append(str(self.source))
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.segment is not None:
            seg = f"segment {self.segment}"
            if self.position is not None:
                seg += f" (#{self.position})"
            where.append(seg)
        elif self.position is not None:
            where.append(f"segment #{self.position}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.reason}" if prefix else self.reason

    def to_dict(self) -> dict:
        return {
            "error": type(self).__name__,
            "reason": self.reason,
            "segment": self.segment,
            "position": self.position,
            "line": self.line,
            "source": self.source,
        }


class InvalidRecord(PaxscreenError):
    """A watchlist line or a JSON record cannot be read (carries source and line number)."""

    def __init__(self, reason: str, *, source: str | None = None, line: int | None = None) -> None:
        self.reason = reason
        self.source = source
        self.line = line
        where = ":".join(str(p) for p in (source, line) if p is not None)
        super().__init__(f"{where}: {reason}" if where else reason)


class EmptyWatchlist(PaxscreenError):
    """A load read no entry: the list's active version is kept (an empty file, a header only,
    a file the reader could not read at all must not empty a list task forces screen against)."""


class Unavailable(PaxscreenError):
    """A dependency (Kafka, Redis, a binary) cannot be reached or started; retry or fix setup."""
