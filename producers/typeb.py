"""A Type B (SITA/ARINC teletype) heading before an EDIFACT interchange.

Gateways that carry API and PNR data over the airline Type B network send the interchange as
the text of a teletype message::

    <SOH>QK LONPPXS            priority and addressees
    .MUCKMTS 250521            originator and time
    <STX>UNA:(.) -             the interchange, then <ETX> after UNZ

Logs render the control characters as ``SOH``/``STX``. `skip_heading` finds the UNA or UNB a
few lines down and blanks what comes before it, line breaks kept, so positions and lines in
errors still count from the top of the message as it was received.
"""

from __future__ import annotations

import re

__all__ = ["skip_heading"]

_START = re.compile(r"(?:^|\x02)[ \t]*(?:STX[ \t]+)?(UNA|UNB)(?![A-Za-z0-9])", re.MULTILINE)
_FIRST = re.compile("[^ \t\r\n\f\v\ufeff]")
_MAX_LINES = 12  # a heading has a few lines; more is not a heading but data
_MAX_CHARS = 2048


def skip_heading(text: str) -> tuple[str, str | None]:
    """``text`` with a heading before UNA/UNB blanked out, and a warning saying so (None when
    the text starts with UNA, UNB or UNH, or no UNA/UNB follows a short heading)."""
    first = _FIRST.search(text)
    if first is None or text.startswith(("UNA", "UNB", "UNH"), first.start()):
        return text, None
    m = _START.search(text, 0, _MAX_CHARS)
    if m is None:
        return text, None
    start = m.start(1)
    heading = text[:start]
    lines = heading.count("\n") + 1
    if lines > _MAX_LINES:
        return text, None
    typeb = "\x01" in heading or "\x02" in heading or re.search(r"\b(?:SOH|STX)\b", heading)
    what = "a Type B (SITA/ARINC) heading" if typeb else "text"
    blanked = "".join(ch if ch in "\r\n" else " " for ch in heading)
    return blanked + text[start:], f"{what} of {lines} line(s) before {m.group(1)} skipped"
