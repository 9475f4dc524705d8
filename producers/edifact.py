"""A pure UN/EDIFACT reader shared by the PAXLST and PNRGOV parsers.

Bytes in, segments and envelope out; nothing here knows what a passenger is.

- ``UNA`` service string advice sets the six service characters (component, element, decimal
  mark, release, repetition, segment terminator); without it the ISO 9735 defaults
  ``:+.? '`` apply.
- The release character escapes the next character (``O?'BRIEN`` is ``O'BRIEN``); a release
  character with nothing after it is an error.
- Line breaks are not data unless the segment terminator is one: segments split across lines
  (``...VANDENBE`` / ``RG/...``), several segments on one line, CRLF, blank lines and spaces
  before a segment tag are all read alike. Text after ``UNZ`` is ignored (with a warning), as
  is a Type B (SITA/ARINC) heading a few lines before ``UNA``/``UNB`` (`producers.typeb`).
- The repetition separator is recorded but not split on: PAXLST and PNRGOV repeat no data
  element, and real feeds put ``*`` in ids (``APIS*ABE``) under a UNA that names it.
- Bytes are read as UTF-16 where they start with its byte order mark, else as UTF-8 (UNOY,
  and what most feeds really send) and, failing that, in the character set UNB declares
  (UNOD Latin-2, UNOE Cyrillic, UNOF Greek... ISO 8859), else as Windows-1252 (a superset of
  UNOC's Latin-1 that feeds from Windows hosts really send); UNOA/UNOB are ASCII subsets of
  all. A byte that fits neither is read as Latin-1: decoding never fails.

Errors are `paxscreen.errors.InvalidMessage` with the segment tag, its 1-based position among
the interchange's segments (UNA is not counted) and the 1-based line where it starts.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import NamedTuple

from paxscreen.errors import InvalidMessage
from producers.typeb import skip_heading

__all__ = [
    "DEFAULT_CHARS",
    "Group",
    "Interchange",
    "Message",
    "Segment",
    "ServiceChars",
    "decode",
    "read_interchange",
    "sniff",
    "tokenize",
]

_TAG = re.compile(r"[A-Z][A-Z0-9]{2}")
_ENVELOPE = frozenset({"UNB", "UNG", "UNH", "UNT", "UNE", "UNZ"})
_LINE_BREAKS = "\r\n"
_LEADING_BLANKS = " \t\f\v\ufeff"


@dataclass(frozen=True, slots=True)
class ServiceChars:
    """The six service characters; ``None`` release or repetition means "not used"."""

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str | None = "?"
    repetition: str | None = None
    terminator: str = "'"


DEFAULT_CHARS = ServiceChars()

# Characters typed or converted in place of the ' terminator (’ ‘ ʼ ´ ` ′): `producers.resync`
LOOKALIKES = "\u2019\u2018\u02bc\u00b4\u0060\u2032"


class Segment(NamedTuple):
    """One segment: its tag, its data elements (each a tuple of components, the tag excluded),
    its 1-based position in the interchange and the 1-based line where it starts. A named
    tuple: a manifest has about ten segments per traveller, and a named tuple is made in
    less than half a frozen dataclass's time (0.6-0.8 against 2.0-2.2 µs here)."""

    tag: str
    elements: tuple[tuple[str, ...], ...]
    position: int
    line: int

    def get(self, element: int, component: int = 1) -> str | None:
        """Component ``component`` of data element ``element``, both 1-based as in the message
        guides (in ``NAD+FL+++DOE:JOHN``, ``get(1) == "FL"`` and ``get(4, 2) == "JOHN"``).
        Surrounding blanks are stripped; absent or empty gives ``None``."""
        if element < 1 or component < 1:
            return None
        try:  # a manifest asks this about 25 times a traveller: indexing, not lengths, first
            value = self.elements[element - 1][component - 1].strip()
        except IndexError:
            return None
        return value or None

    def components(self, element: int) -> tuple[str, ...]:
        """All components of data element ``element`` (1-based), stripped; () when absent."""
        if element < 1 or element > len(self.elements):
            return ()
        return tuple(c.strip() for c in self.elements[element - 1])

    def error(self, reason: str, *, source: str | None = None) -> InvalidMessage:
        """An `InvalidMessage` located at this segment."""
        return InvalidMessage(reason, segment=self.tag, position=self.position, line=self.line, source=source)


@dataclass(frozen=True, slots=True)
class Group:
    """A functional group (UNG ... UNE)."""

    type: str | None
    sender: str | None
    recipient: str | None
    ref: str | None


@dataclass(frozen=True, slots=True)
class Message:
    """One message (UNH ... UNT): its header fields and the segments between UNH and UNT."""

    ref: str
    type: str | None  # PAXLST, PNRGOV...
    version: str | None  # "D", "10", "11"
    release: str | None  # "05B", "1"
    agency: str | None  # UN, IA
    association: str | None  # IATA
    common_ref: str | None  # UNH 0068 common access reference (multi-part grouping)
    sequence: str | None  # UNH S010 0070, "01"
    sequence_flag: str | None  # UNH S010 0073, C (more to come) | F (final)
    header: Segment
    trailer: Segment
    segments: tuple[Segment, ...]
    group: Group | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Interchange:
    """A whole interchange: service characters, UNB fields (raw), messages, warnings."""

    chars: ServiceChars
    syntax: str | None  # UNOA, UNOB, UNOC, UNOY, IATA...
    syntax_version: str | None
    sender: str | None
    recipient: str | None
    date: str | None  # UNB date as sent: YYMMDD or CCYYMMDD
    time: str | None  # UNB time as sent: HHMM
    control_ref: str | None
    messages: tuple[Message, ...]
    warnings: tuple[str, ...] = ()
    lookalikes: bool = True  # the terminator is ' and the text holds a look-alike of it (`LOOKALIKES`)


# --- bytes and service characters ----------------------------------------------------------------


# UNB syntax identifiers (UN/EDIFACT code list 0001) whose character set is not UTF-8 or a
# subset of Windows-1252, and the codec of each
_SYNTAX_CODECS = {
    "UNOD": "iso8859_2", "UNOE": "iso8859_5", "UNOF": "iso8859_7", "UNOG": "iso8859_3", "UNOH": "iso8859_4",
    "UNOI": "iso8859_6", "UNOJ": "iso8859_8", "UNOK": "iso8859_9",
}
_UTF8_SYNTAX = frozenset({"UNOW", "UNOY"})
_SYNTAX_ID = re.compile(rb"UNB[^A-Z0-9\s](UNO[A-Z])")


def _as_latin1(exc: UnicodeError) -> tuple[str, int]:
    assert isinstance(exc, UnicodeDecodeError)
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


def _as_cp1252(exc: UnicodeError) -> tuple[str, int]:
    assert isinstance(exc, UnicodeDecodeError)
    return exc.object[exc.start : exc.end].decode("cp1252", "paxscreen.latin1"), exc.end


codecs.register_error("paxscreen.latin1", _as_latin1)
codecs.register_error("paxscreen.cp1252", _as_cp1252)


def decode(data: bytes | bytearray | memoryview | str) -> str:
    """Bytes to text, never failing: UTF-8 (a BOM dropped) or, when that fails, the character
    set UNB declares; a UTF-8 interchange's stray bytes are read as Windows-1252 one by one."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    raw = bytes(data)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte order mark
        return raw.decode("utf-16", "paxscreen.latin1").removeprefix("\ufeff")
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        pass
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 BOM before bytes that are not UTF-8
    m = _SYNTAX_ID.search(raw, 0, 512)
    syntax = m.group(1).decode() if m else ""
    if syntax in _UTF8_SYNTAX:
        return raw.decode("utf-8", "paxscreen.cp1252")
    return raw.decode(_SYNTAX_CODECS.get(syntax, "cp1252"), "paxscreen.latin1")


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _service_chars(text: str) -> tuple[ServiceChars, int]:
    """The service characters and the offset where segments start (past a UNA, if any)."""
    start = len(text) - len(text.lstrip(_LEADING_BLANKS + _LINE_BREAKS))
    if not text.startswith("UNA", start):
        return DEFAULT_CHARS, start
    line = _line_of(text, start)
    advice = text[start + 3 : start + 9]
    if len(advice) < 6:
        raise InvalidMessage("UNA service string advice is cut short", segment="UNA", line=line)
    comp, elem, dec, rel, rep, term = advice
    chars = ServiceChars(
        component=comp,
        element=elem,
        decimal=dec,
        release=None if rel == " " else rel,
        repetition=None if rep == " " else rep,
        terminator=term,
    )
    used = [c for c in (comp, elem, chars.release, chars.repetition, term) if c is not None]
    bad = [c for c in used if c.isalnum() or c in " \t\r" or (c == "\n" and c != term)]
    if bad or len(set(used)) != len(used):
        raise InvalidMessage(
            f"UNA service characters {advice!r} are not usable (must be distinct, not letters, "
            "digits or blanks)",
            segment="UNA",
            line=line,
        )
    return chars, start + 9


# --- tokenizer -------------------------------------------------------------------------------------


def _tag_of(elements: list[tuple[str, ...]]) -> str | None:
    """The tag of a segment being read, if it has a valid one yet (for error messages)."""
    tag = elements[0][0].strip() if elements and elements[0] else ""
    return tag if _TAG.fullmatch(tag) else None


def tokenize(data: bytes | str, *, fast: bool = True) -> tuple[ServiceChars, list[Segment], str]:
    """Split an interchange into segments.

    Returns the service characters, the segments up to and including UNZ, and the text after
    UNZ (ignored by readers). Raises `InvalidMessage` on empty input, a bad UNA, a release
    character at the very end, or a segment whose tag is not three upper-case letters/digits.
    """
    text = decode(data)
    if not text.strip(_LEADING_BLANKS + _LINE_BREAKS):
        raise InvalidMessage("empty message: no EDIFACT data")
    chars, pos = _service_chars(text)
    comp, elem, rel, term = chars.component, chars.element, chars.release, chars.terminator
    if fast and term not in _LINE_BREAKS and (rel is None or text.find(rel, pos) < 0):
        return _tokenize_plain(text, pos, chars)
    specials = {comp, elem, term, "\r", "\n"} | ({rel} if rel else set())
    pattern = re.compile("[" + re.escape("".join(sorted(specials))) + "]")
    line = _line_of(text, pos)
    size = len(text)

    segments: list[Segment] = []
    elements: list[tuple[str, ...]] = []
    components: list[str] = []
    buf: list[str] = []
    start_line: int | None = None  # line where the current segment's first character is

    def finish() -> Segment:
        components.append("".join(buf))
        elements.append(tuple(components))
        seg_line = start_line if start_line is not None else line
        tag = elements[0][0].strip()
        if not _TAG.fullmatch(tag):
            raise InvalidMessage(
                f"not an EDIFACT segment: tag {tag[:8]!r} is not three upper-case letters or digits",
                position=len(segments) + 1,
                line=seg_line,
            )
        return Segment(tag, tuple(elements[1:]), len(segments) + 1, seg_line)

    while pos < size:
        m = pattern.search(text, pos)
        end = m.start() if m else size
        if end > pos:
            chunk = text[pos:end]
            if start_line is None:
                chunk = chunk.lstrip(_LEADING_BLANKS)
                if chunk:
                    start_line = line
            if chunk:
                buf.append(chunk)
        if m is None:
            break
        ch = m.group()
        pos = m.end()
        if ch == "\n" or (ch == "\r" and text[pos : pos + 1] != "\n"):
            line += 1
        if ch in _LINE_BREAKS and ch != term:
            continue  # a line break that is not the terminator is not data
        if ch == rel:
            while pos < size and text[pos] in _LINE_BREAKS and text[pos] != term:
                if text[pos] == "\n" or text[pos + 1 : pos + 2] != "\n":
                    line += 1
                pos += 1
            if pos >= size:
                raise InvalidMessage(
                    "release character at the end of the data escapes nothing",
                    segment=_tag_of(elements),
                    position=len(segments) + 1,
                    line=start_line or line,
                )
            if start_line is None:
                start_line = line
            if text[pos] == "\n":
                line += 1
            buf.append(text[pos])
            pos += 1
            continue
        if ch == term:
            if start_line is None and not elements and not components:
                continue  # an empty segment (a doubled terminator): nothing to read
            segment = finish()
            segments.append(segment)
            elements, components, buf, start_line = [], [], [], None
            if segment.tag == "UNZ":
                return chars, segments, text[pos:]
            continue
        if start_line is None:
            start_line = line
        if ch == comp:
            components.append("".join(buf))
            buf = []
        else:  # element separator
            components.append("".join(buf))
            elements.append(tuple(components))
            components, buf = [], []
    if start_line is not None or elements or components:
        segments.append(finish())  # last segment without a terminator: read it anyway
    return chars, segments, ""


def _tokenize_plain(text: str, pos: int, chars: ServiceChars) -> tuple[ServiceChars, list[Segment], str]:
    """The common case, with no release character in the data and a terminator that is not a
    line break: split with `str` methods instead of a character scan (same result as the
    general loop above, several times faster; `tests/producers/test_edifact.py` checks both)."""
    comp, elem, term = chars.component, chars.element, chars.terminator
    segments: list[Segment] = []
    line = _line_of(text, pos)
    strip_chars = _LEADING_BLANKS + _LINE_BREAKS
    rest = text[pos:]
    pieces = rest.split(term)
    # the usual layout, a segment a line: every line break right after a terminator, so at
    # the start of a piece, once at most (what the general case below finds, in fewer steps)
    by_line = "\r" not in rest and rest.count("\n") == rest.count(term + "\n")
    new = tuple.__new__  # a `Segment` without its Python-level __new__ (half the time)
    append = segments.append
    n = 0
    for k, raw in enumerate(pieces):
        if by_line:
            if raw and raw[0] == "\n":
                line += 1
            start_line = line
            body = raw.lstrip(strip_chars)
        else:
            body = raw.lstrip(strip_chars)
            start_line = line
            if "\r" in raw:  # CRLF or a lone CR: one line break each
                start_line += _breaks(raw[: len(raw) - len(body)])
                line += _breaks(raw)
                body = body.replace("\r", "").replace("\n", "")
            elif "\n" in raw:
                start_line += raw.count("\n", 0, len(raw) - len(body))
                line += raw.count("\n")
                if "\n" in body:
                    body = body.replace("\n", "")
        if not body:
            continue  # blank text between terminators
        first, sep, data = body.partition(elem)  # the tag's element, and the data elements
        tag = sent = first.partition(comp)[0]
        if tag not in _TAGS_SEEN:
            tag = tag.strip()
            if not _TAG.fullmatch(tag):
                raise InvalidMessage(
                    f"not an EDIFACT segment: tag {tag[:8]!r} is not three upper-case letters or digits",
                    position=n + 1,
                    line=start_line,
                )
            if tag == sent:
                _TAGS_SEEN.add(tag)
        n += 1
        elements = tuple([tuple(e.split(comp)) for e in data.split(elem)]) if sep else ()
        append(new(Segment, (tag, elements, n, start_line)))
        if tag == "UNZ" and k < len(pieces) - 1:
            return chars, segments, term.join(pieces[k + 1 :])
    return chars, segments, ""


def _breaks(text: str) -> int:
    """Line breaks in ``text``: a CRLF, an LF or a lone CR counts one."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


_TAGS_SEEN: set[str] = set()  # valid tags met, as sent (without blanks): at most 26 * 36 * 36


# --- envelope --------------------------------------------------------------------------------------


def _count_is(declared: str | None, count: int) -> bool:
    return declared is not None and declared.isascii() and declared.isdigit() and int(declared) == count


def _message(header: Segment, body: list[Segment], trailer: Segment, group: Group | None) -> Message:
    ref = header.get(1) or ""
    warnings: list[str] = []
    declared = trailer.get(1)
    count = len(body) + 2
    if not _count_is(declared, count):
        warnings.append(f"UNT says {declared!r} segments, message {ref!r} has {count}")
    return Message(
        ref=ref,
        type=header.get(2, 1),
        version=header.get(2, 2),
        release=header.get(2, 3),
        agency=header.get(2, 4),
        association=header.get(2, 5),
        common_ref=header.get(3),
        sequence=header.get(4, 1),
        sequence_flag=(header.get(4, 2) or "").upper() or None,
        header=header,
        trailer=trailer,
        segments=tuple(body),
        group=group,
        warnings=tuple(warnings),
    )


def read_interchange(data: bytes | str, *, source: str | None = None) -> Interchange:
    """Read an interchange's envelope: UNB, optional UNG/UNE groups, UNH...UNT messages, UNZ.

    Strict where the structure would be misread (no UNH, a UNH inside a message, a data segment
    outside a message, an interchange cut before UNT); lenient where feeds are sloppy (segment
    counts, UNT/UNZ/UNE references (blanks in them ignored), a UNT without one, a missing UNZ:
    warnings).
    """
    try:
        text, skipped = skip_heading(decode(data))
        chars, segments, trailing = tokenize(text)
    except InvalidMessage as exc:
        exc.source = source
        exc.args = (exc.describe(),)
        raise
    if not segments:
        raise InvalidMessage("no segments after the UNA service string advice", line=1, source=source)
    first = segments[0]
    if first.tag not in ("UNB", "UNH"):
        raise first.error(
            "not an EDIFACT interchange: the first segment is neither UNB nor UNH", source=source
        )
    warnings: list[str] = [skipped] if skipped else []
    unb: Segment | None = None
    unz: Segment | None = None
    group: Group | None = None
    group_seg: Segment | None = None
    group_count = 0
    open_msg: Segment | None = None
    body: list[Segment] = []
    messages: list[Message] = []

    for seg in segments:
        tag = seg.tag
        if open_msg is not None and tag not in _ENVELOPE:
            body.append(seg)
            continue
        if tag == "UNT":
            if open_msg is None:
                raise seg.error("UNT without a UNH", source=source)
            ref = open_msg.get(1)
            if seg.get(2) is None:  # the message it ends is the one open: sloppy, not ambiguous
                warnings.append(f"UNT at segment #{seg.position} has no message reference; ends message {ref!r}")
            elif "".join((seg.get(2) or "").split()) != "".join((ref or "").split()):
                # the UNT ends the message open whatever its reference: sloppy, not ambiguous
                warnings.append(
                    f"UNT reference {seg.get(2)!r} at segment #{seg.position} differs from UNH reference "
                    f"{ref!r}; ends message {ref!r}"
                )
            messages.append(_message(open_msg, body, seg, group))
            group_count += 1
            open_msg, body = None, []
        elif open_msg is not None:
            raise seg.error(f"{tag} inside message {open_msg.get(1)!r}: its UNT is missing", source=source)
        elif tag == "UNH":
            if not seg.get(1):
                raise seg.error("UNH without a message reference", source=source)
            open_msg, body = seg, []
        elif tag == "UNB":
            if seg.position != 1:
                raise seg.error("a second UNB inside the interchange", source=source)
            unb = seg
        elif tag == "UNG":
            if group is not None:
                raise seg.error("UNG inside a group that has no UNE", source=source)
            group = Group(seg.get(1), seg.get(2), seg.get(3), seg.get(5))
            group_seg, group_count = seg, 0
        elif tag == "UNE":
            if group is None:
                warnings.append("UNE without a UNG")
            else:
                if not _count_is(seg.get(1), group_count):
                    warnings.append(f"UNE says {seg.get(1)!r} messages, the group has {group_count}")
                if seg.get(2) != group.ref:
                    warnings.append(f"UNE reference {seg.get(2)!r} differs from UNG reference {group.ref!r}")
            group, group_seg = None, None
        elif tag == "UNZ":
            unz = seg
        else:
            raise seg.error(f"{tag} outside any message (between UNT and UNH)", source=source)

    last = segments[-1]
    if open_msg is not None:
        raise last.error(
            f"interchange ends inside message {open_msg.get(1)!r}: no UNT (truncated?)",
            source=source,
        )
    if not messages:
        raise last.error("no message (UNH ... UNT) in the interchange", source=source)
    if group_seg is not None:
        warnings.append("UNG group without a UNE")
    if unb is not None and unz is None:
        warnings.append("no UNZ at the end of the interchange")
    if unb is None:
        warnings.append("no UNB envelope")
    if unb is not None and unz is not None and unz.get(2) != unb.get(5):
        warnings.append(f"UNZ reference {unz.get(2)!r} differs from UNB reference {unb.get(5)!r}")
    rest = trailing.strip(_LEADING_BLANKS + _LINE_BREAKS + ("\x03" if skipped else ""))  # Type B's ETX
    if rest.startswith(("UNA", "UNB")):
        raise InvalidMessage(
            "a second interchange follows UNZ: send one interchange per message",
            segment=rest[:3],
            line=last.line + trailing[: trailing.index(rest[:3])].count("\n"),
            source=source,
        )
    if rest:
        warnings.append(f"{len(rest)} characters after UNZ ignored")
    return Interchange(
        chars=chars,
        syntax=unb.get(1, 1) if unb else None,
        syntax_version=unb.get(1, 2) if unb else None,
        sender=unb.get(2, 1) if unb else None,
        recipient=unb.get(3, 1) if unb else None,
        date=unb.get(4, 1) if unb else None,
        time=unb.get(4, 2) if unb else None,
        control_ref=unb.get(5) if unb else None,
        messages=tuple(messages),
        warnings=tuple(warnings),
        lookalikes=chars.terminator == "'" and any(c in text for c in LOOKALIKES),
    )


def sniff(data: bytes | str) -> str | None:
    """``"paxlst"`` or ``"pnrgov"`` from the first UNH message type, else ``None``. Never raises."""
    try:
        text, _ = skip_heading(decode(data[:65536]))
        chars, start = _service_chars(text)
    except (InvalidMessage, TypeError):
        return None
    el, term = re.escape(chars.element), re.escape(chars.terminator)
    body = text[start:]
    # UNH comes in the first lines: looked for there first, then in the whole text. A match
    # ending inside the first 4,096 characters is the whole text's first: a match starting
    # earlier ends where it does or before (its reference stops at the first separator)
    for part in (body[:4096], body) if len(body) > 4096 else (body,):
        flat = re.sub("[\r\n]", "", part) if chars.terminator != "\n" else part
        m = re.search(rf"UNH{el}[^{el}{term}]*{el}\s*(PAXLST|PNRGOV)\b", flat)
        if m and (m.end() < len(flat) or part is body):
            return m.group(1).lower()
    return None
