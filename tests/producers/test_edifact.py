"""The EDIFACT tokenizer and envelope reader: service characters, escapes, layout, envelope."""

from __future__ import annotations

from pathlib import Path

import pytest

from paxscreen.errors import InvalidMessage
from producers.edifact import DEFAULT_CHARS, ServiceChars, decode, read_interchange, sniff, tokenize

GTAS_DIR = Path(__file__).resolve().parents[3] / "shared/samples/gtas"


def tags(data: str | bytes) -> list[str]:
    return [s.tag for s in tokenize(data)[1]]


def seg(data: str | bytes, tag: str):
    return next(s for s in tokenize(data)[1] if s.tag == tag)


# --- service characters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "chars"),
    [
        ("UNB+UNOA:4+A+B+240101:1200+1'", DEFAULT_CHARS),
        ("UNA:+.? 'UNB+UNOA:4'", DEFAULT_CHARS),
        ("UNA:+.?*'UNB+UNOA:4'", ServiceChars(repetition="*")),
        ("UNA:*.? 'UNB*UNOA:4'", ServiceChars(element="*")),
        (
            "UNA^|,! ~UNB|UNOA^4~",
            ServiceChars(component="^", element="|", decimal=",", release="!", terminator="~"),
        ),
        ("UNA:+.  'UNB+UNOA:4'", ServiceChars(release=None)),
        ("  \r\nUNA:+.? '\r\nUNB+UNOA:4'", DEFAULT_CHARS),
    ],
)
def test_service_chars(text: str, chars: ServiceChars) -> None:
    got, segments, _ = tokenize(text)
    assert got == chars
    assert segments[0].tag == "UNB"
    assert segments[0].get(1, 2) == "4"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NAD+FL+++DOE:JOHN'", ("FL", "", "", "DOE:JOHN")),
        ("UNA|*.? ~NAD*FL***DOE|JOHN~", ("FL", "", "", "DOE:JOHN")),
        ("UNA:|.# \nNAD|FL|||DOE#|X:JOHN#'S\n", ("FL", "", "", "DOE|X:JOHN'S")),
        ("UNA:+.?*\nNAD+FL+++DOE:JOHN\n", ("FL", "", "", "DOE:JOHN")),  # newline as terminator
    ],
)
def test_custom_separators(text: str, expected: tuple[str, ...]) -> None:
    nad = seg(text, "NAD")
    assert tuple(":".join(e) for e in nad.elements) == expected


@pytest.mark.parametrize(
    "una",
    ["UNA:+.", "UNA::.? '", "UNA:+.?+'", "UNAa+.? '", "UNA:+.?\r'"],
)
def test_unusable_una(una: str) -> None:
    with pytest.raises(InvalidMessage) as exc:
        tokenize(una + "UNB+UNOA:4'")
    assert exc.value.segment == "UNA"
    assert exc.value.line == 1


# --- release character -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "surname", "given"),
    [
        ("O?'BRIEN:JOHN", "O'BRIEN", "JOHN"),
        ("SMITH?+JONES:ANN", "SMITH+JONES", "ANN"),
        ("A?:B:C", "A:B", "C"),
        ("Q??:X", "Q?", "X"),
        ("O?\n'BRIEN:JOHN", "O'BRIEN", "JOHN"),  # the escaped character on the next line
    ],
)
def test_release_character(raw: str, surname: str, given: str) -> None:
    nad = seg(f"UNB+UNOA:4'NAD+FL+++{raw}'", "NAD")
    assert nad.get(4, 1) == surname
    assert nad.get(4, 2) == given


@pytest.mark.parametrize("text", ["UNB+UNOA:4'NAD+FL+++DOE?", "UNB+UNOA:4'NAD+FL+++DOE?\r\n"])
def test_release_at_end_is_an_error(text: str) -> None:
    with pytest.raises(InvalidMessage) as exc:
        tokenize(text)
    assert "release" in exc.value.reason
    assert (exc.value.segment, exc.value.position, exc.value.line) == ("NAD", 2, 1)


# --- layout: lines, blanks, trailing text --------------------------------------------------------


def test_positions_and_lines_with_crlf_and_packed_segments() -> None:
    text = (
        "UNA:+.? '\r\nUNB+UNOA:4+A+B+240101:1200+1'\r\n\r\n"
        "   UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'\r\n"
        "NAD+FL+++DOE:JO\r\nHN'UNT+4+1'UNZ+1+1'"
    )
    _, segments, trailing = tokenize(text)
    assert [(s.tag, s.position, s.line) for s in segments] == [
        ("UNB", 1, 2),
        ("UNH", 2, 4),
        ("BGM", 3, 4),
        ("NAD", 4, 5),  # starts on line 5, ends on line 6
        ("UNT", 5, 6),
        ("UNZ", 6, 6),
    ]
    assert segments[3].get(4, 2) == "JOHN"  # a line break inside a segment is not data
    assert trailing == ""


def test_leading_spaces_are_not_data_but_inner_spaces_are() -> None:
    nad = seg("UNB+UNOA:4'\n    NAD+MS+++CREW SCHEDULING '", "NAD")
    assert nad.line == 2
    assert nad.elements[3] == ("CREW SCHEDULING ",)
    assert nad.get(4) == "CREW SCHEDULING"


def test_trailing_text_after_unz_is_ignored() -> None:
    _, segments, trailing = tokenize("UNB+UNOA:4'UNZ+1+1'\n13Nov09 not EDIFACT ?")
    assert [s.tag for s in segments] == ["UNB", "UNZ"]
    assert trailing.strip() == "13Nov09 not EDIFACT ?"


def test_last_segment_without_terminator_is_read() -> None:
    assert tags("UNB+UNOA:4'UNZ+1+00102181551362") == ["UNB", "UNZ"]


def test_doubled_terminator_is_an_empty_segment_skipped() -> None:
    assert tags("UNB+UNOA:4''UNZ+1+1'") == ["UNB", "UNZ"]


@pytest.mark.parametrize(
    ("text", "line", "position"),
    [
        ("UNB+UNOA:4'\nnad+FL'", 2, 2),
        ("UNB+UNOA:4'\n\n+FL'", 3, 2),
        ('{"surname": "DOE"}', 1, 1),
        ("UNB+UNOA:4'NA'", 1, 2),
    ],
)
def test_bad_tag_is_an_error(text: str, line: int, position: int) -> None:
    with pytest.raises(InvalidMessage) as exc:
        tokenize(text)
    assert exc.value.line == line
    assert exc.value.position == position
    assert "tag" in exc.value.reason


@pytest.mark.parametrize("data", [b"", "", " \r\n\t ", b"\xef\xbb\xbf"])
def test_empty_input(data: str | bytes) -> None:
    with pytest.raises(InvalidMessage, match="empty"):
        tokenize(data)


# --- character sets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        "UNB+UNOC:4'NAD+FL+++MUÑOZ:JOSÉ'".encode("latin-1"),
        "UNB+UNOY:4'NAD+FL+++MUÑOZ:JOSÉ'".encode(),
        "\ufeffUNB+UNOY:4'NAD+FL+++MUÑOZ:JOSÉ'".encode("utf-8"),
        "UNB+UNOY:4'NAD+FL+++MUÑOZ:JOSÉ'",
    ],
)
def test_utf8_and_latin1(data: bytes | str) -> None:
    nad = seg(data, "NAD")
    assert (nad.get(4, 1), nad.get(4, 2)) == ("MUÑOZ", "JOSÉ")


@pytest.mark.parametrize(("data", "surname", "given"), [
    # the character set UNB declares, where the bytes are not UTF-8
    ("UNB+UNOE:4'NAD+FL+++ИВАНОВ:ИВАН'".encode("iso8859_5"), "ИВАНОВ", "ИВАН"),
    ("UNB+UNOD:4'NAD+FL+++WAŁĘSA:ŁUKASZ'".encode("iso8859_2"), "WAŁĘSA", "ŁUKASZ"),
    ("UNB+UNOF:4'NAD+FL+++ΠΑΠΑΔΟΠΟΥΛΟΣ:ΓΙΩΡΓΟΣ'".encode("iso8859_7"), "ΠΑΠΑΔΟΠΟΥΛΟΣ", "ΓΙΩΡΓΟΣ"),
    ("UNA:+.? 'UNB+UNOE:4'NAD+FL+++ИВАНОВ:ИВАН'".encode("iso8859_5"), "ИВАНОВ", "ИВАН"),
    # UTF-8 bytes are UTF-8 whatever UNB declares
    ("UNB+UNOE:4'NAD+FL+++ИВАНОВ:ИВАН'".encode(), "ИВАНОВ", "ИВАН"),
    # Windows-1252 sent as UNOC (Š, Ž are not Latin-1), or with no UNB
    ("UNB+UNOC:4'NAD+FL+++DOŠEN:ŽELJKO'".encode("cp1252"), "DOŠEN", "ŽELJKO"),
    ("NAD+FL+++DOŠEN:ŽELJKO'".encode("cp1252"), "DOŠEN", "ŽELJKO"),
    # one stray Latin-1 byte in a UTF-8 interchange spoils no other name
    ("UNB+UNOY:4'NAD+FL+++MÜLLER:JÖRG'".encode() + "NAD+FL+++NUÑEZ:JOSE'".encode("latin-1"), "MÜLLER", "JÖRG"),
    # a UTF-8 byte order mark before Latin-1 bytes
    (b"\xef\xbb\xbf" + "UNB+UNOC:4'NAD+FL+++MUÑOZ:JOSÉ'".encode("latin-1"), "MUÑOZ", "JOSÉ"),
])  # fmt: skip
def test_the_declared_character_set_where_the_bytes_are_not_utf8(data: bytes, surname: str, given: str) -> None:
    nad = seg(data, "NAD")
    assert (nad.get(4, 1), nad.get(4, 2)) == (surname, given)


def test_a_stray_byte_in_utf8_is_read_alone() -> None:
    text = decode("UNB+UNOY:4'NAD+FL+++MÜLLER'".encode() + "NAD+FL+++NUÑEZ'".encode("latin-1"))
    assert text == "UNB+UNOY:4'NAD+FL+++MÜLLER'NAD+FL+++NUÑEZ'"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_utf16_with_its_byte_order_mark(codec: str) -> None:
    data = ("\ufeff" if codec.endswith("be") else "") + "UNB+UNOY:4'NAD+FL+++MUÑOZ:JOSÉ'"
    nad = seg(data.encode(codec), "NAD")
    assert (nad.get(4, 1), nad.get(4, 2)) == ("MUÑOZ", "JOSÉ")


def test_decode_never_fails() -> None:
    assert decode(bytes(range(256)))[:3] == "\x00\x01\x02"
    assert len(decode(b"UNB+UNOC:4'" + bytes(range(128, 256)))) == 11 + 128  # cp1252's five holes too
    assert decode(b"UNB+UNOY:4'\xff\x81") == "UNB+UNOY:4'ÿ\x81"


# --- segment accessors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("element", "component", "expected"),
    [(1, 1, "FL"), (2, 1, None), (4, 1, "DOE"), (4, 2, "JOHN"), (4, 3, None), (9, 1, None), (0, 1, None)],
)
def test_segment_get_is_one_based(element: int, component: int, expected: str | None) -> None:
    nad = seg("UNB+UNOA:4'NAD+FL+++DOE:JOHN'", "NAD")
    assert nad.get(element, component) == expected


# --- envelope -----------------------------------------------------------------------------------------

TWO_MESSAGES_IN_GROUPS = (
    "UNB+UNOA:4+AIR1:ZZ+DHS+240101:0930+IC7++APIS'"
    "UNG+PAXLST+AIR1+DHS+240101:0930+G1+UN+D:05B'"
    "UNH+A+PAXLST:D:05B:UN:IATA+COMMON+01:C'BGM+745'UNT+3+A'"
    "UNH+B+PAXLST:D:05B:UN:IATA+COMMON+02:F'BGM+745'UNT+3+B'"
    "UNE+2+G1'"
    "UNZ+1+IC7'"
)


def test_envelope_with_group_and_two_messages() -> None:
    ic = read_interchange(TWO_MESSAGES_IN_GROUPS)
    assert (ic.syntax, ic.syntax_version, ic.sender, ic.recipient) == ("UNOA", "4", "AIR1", "DHS")
    assert (ic.date, ic.time, ic.control_ref) == ("240101", "0930", "IC7")
    assert [m.ref for m in ic.messages] == ["A", "B"]
    a, b = ic.messages
    assert (a.type, a.version, a.release, a.agency, a.association) == ("PAXLST", "D", "05B", "UN", "IATA")
    assert (a.common_ref, a.sequence, a.sequence_flag) == ("COMMON", "01", "C")
    assert (b.sequence, b.sequence_flag) == ("02", "F")
    assert a.group is not None and a.group.ref == "G1" and a.group.type == "PAXLST"
    assert [s.tag for s in a.segments] == ["BGM"]
    assert ic.warnings == ()


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        (
            "UNB+UNOA:4+A+B+240101:0930+IC'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'UNT+9+1'UNZ+1+IC'",
            "UNT says '9'",
        ),
        ("UNB+UNOA:4+A+B+240101:0930+IC'UNH+1+PAXLST:D:05B:UN:IATA'UNT+2+1'UNZ+1+XX'", "UNZ reference 'XX'"),
        ("UNB+UNOA:4+A+B+240101:0930+IC'UNH+1+PAXLST:D:05B:UN:IATA'UNT+2+1'", "no UNZ"),
        ("UNH+1+PAXLST:D:05B:UN:IATA'UNT+2+1'", "no UNB"),
        (
            (
                "UNB+UNOA:4+A+B+240101:0930+IC'UNG+PAXLST+A+B+240101:0930+G+UN+D:05B'"
                "UNH+1+PAXLST:D:05B:UN:IATA'UNT+2+1'UNE+1+H'UNZ+1+IC'"
            ),
            "UNE reference 'H'",
        ),
        (
            "UNB+UNOA:4+A+B+240101:0930+IC'UNH+1+PAXLST:D:05B:UN:IATA'UNT+2+1'UNZ+1+IC'junk",
            "characters after UNZ",
        ),
        # a UNT without its message reference (GTAS's PNRGOV fixtures) ends the message open
        ("UNB+UNOA:4+A+B+240101:0930+IC'UNH+1+PAXLST:D:05B:UN:IATA'UNT+2'UNZ+1+IC'", "UNT at segment #3 has no message"),
        # ... as does one with another reference (GTAS's UN/EDIFACT test: UNH PAX001, UNT 1)
        ("UNB+UNOA:4+A+B+240101:0930+IC'UNH+PAX001+PAXLST:D:05B:UN:IATA'UNT+2+1'UNZ+1+IC'",
         "UNT reference '1' at segment #3 differs from UNH reference 'PAX001'; ends message 'PAX001'"),
    ],
)
def test_sloppy_envelopes_give_warnings(text: str, warning: str) -> None:
    ic = read_interchange(text)
    assert len(ic.messages) == 1
    assert any(warning in w for w in ic.warnings + ic.messages[0].warnings)


def test_blanks_in_a_unt_reference_are_not_a_difference() -> None:
    text = "UNB+UNOA:4+A+B+240101:0930+IC'UNH+1402111800+PAXLST:D:05B:UN:IATA'UNT+2+140211180 0'UNZ+1+IC'"
    ic = read_interchange(text)  # the JMAPIS template's stray space
    assert [m.ref for m in ic.messages] == ["1402111800"]
    assert not any("UNT reference" in w for w in ic.warnings)


@pytest.mark.parametrize(
    ("text", "segment", "position", "reason"),
    [
        ("UNB+UNOA:4+A+B+1+IC'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'NAD+FL+++DOE", "NAD", 4, "no UNT"),
        (
            "UNB+UNOA:4+A+B+1+IC'UNH+1+PAXLST:D:05B:UN:IATA'UNH+2+PAXLST:D:05B:UN:IATA'UNT+2+2'UNZ+1+IC'",
            "UNH",
            3,
            "UNT is missing",
        ),
        ("UNB+UNOA:4+A+B+1+IC'UNH+1+PAXLST:D:05B:UN:IATA'UNT+2+1'BGM+745'UNZ+1+IC'", "BGM", 4, "outside"),
        ("UNB+UNOA:4+A+B+1+IC'UNZ+0+IC'", "UNZ", 2, "no message"),
        ("UNB+UNOA:4+A+B+1+IC'UNT+2+1'UNZ+0+IC'", "UNT", 2, "without a UNH"),
        ("BGM+745'UNH+1+PAXLST:D:05B:UN:IATA'UNT+2+1'", "BGM", 1, "neither UNB nor UNH"),
        ("UNB+UNOA:4'UNH'UNT+2'UNZ+1'", "UNH", 2, "without a message reference"),
    ],
)
def test_broken_envelopes_raise(text: str, segment: str, position: int, reason: str) -> None:
    with pytest.raises(InvalidMessage) as exc:
        read_interchange(text, source="feed.edi")
    assert (exc.value.segment, exc.value.position, exc.value.line) == (segment, position, 1)
    assert reason in exc.value.reason
    assert exc.value.source == "feed.edi"
    assert str(exc.value).startswith("feed.edi, line 1, segment ")


def test_a_second_interchange_is_not_silently_dropped() -> None:
    one = "UNB+UNOA:4+A+B+1+IC'UNH+1+PAXLST:D:05B:UN:IATA'UNT+2+1'UNZ+1+IC'\n"
    with pytest.raises(InvalidMessage) as exc:
        read_interchange(one + "\n" + one)
    assert (exc.value.segment, exc.value.line) == ("UNB", 3)
    assert "second interchange" in exc.value.reason


def test_tokenizer_errors_carry_the_source() -> None:
    with pytest.raises(InvalidMessage) as exc:
        read_interchange("", source="kafka:apis/0@42")
    assert exc.value.source == "kafka:apis/0@42"
    assert str(exc.value).startswith("kafka:apis/0@42: ")


# --- sniff -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (TWO_MESSAGES_IN_GROUPS, "paxlst"),
        (b"UNA:*.? 'UNB*UNOA:4'UNH*7*PNRGOV:11:1:IA*X'", "pnrgov"),
        ("UNB+IATA:1+TZ'UNH+00102181551362+PNRGOV:11:1:IA+AUTZ0006230520\n13'", "pnrgov"),
        ("UNB+UNOA:4'UNH+1+CUSRES:D:05B:UN'", None),
        ('{"surname": "DOE"}', None),
        (b"\xff\xfe\x00", None),
        ("", None),
        ("UNA:+", None),
    ],
)
def test_sniff(data: str | bytes, kind: str | None) -> None:
    assert sniff(data) == kind


def test_sniff_finds_a_unh_far_from_the_start() -> None:
    # sniff looks in the first 4,096 characters first, then in the whole text
    una = "UNA:+.? '"

    def message(filler: int, after: str) -> str:
        return una + "UNB+UNOA:4'FTX+" + "A" * filler + "'UNH+1+PAXLST" + after

    assert sniff(message(5000, ":D:05B:UN:IATA'BGM+745'")) == "paxlst"
    # the first 4,096 characters end right after PAXLST, which the whole text carries on: no type
    cut = 4096 - len("UNB+UNOA:4'FTX+") - len("'UNH+1+PAXLST")
    assert len(message(cut, "")) - len(una) == 4096
    assert sniff(message(cut, ":D:05B'")) == "paxlst"
    assert sniff(message(cut, "X:D:05B'")) is None
    assert sniff(message(cut - 1, "X:D:05B'")) is None


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("paxlst_d02b_crew.edi", "paxlst"),
        ("paxlst_d05b_multileg.edi", "paxlst"),
        ("paxlst_d05b_docs_trailing_junk.edi", "paxlst"),
        ("pnrgov_v10_business_case.edi", "pnrgov"),
        ("pnrgov_v11_cash_history.edi", "pnrgov"),
    ],
)
def test_sniff_gtas_samples(name: str, kind: str) -> None:
    if not GTAS_DIR.is_dir():
        pytest.skip(f"GTAS samples not found at {GTAS_DIR}")
    assert sniff((GTAS_DIR / name).read_bytes()) == kind


def test_gtas_pnrgov_segment_broken_across_lines() -> None:
    if not GTAS_DIR.is_dir():
        pytest.skip(f"GTAS samples not found at {GTAS_DIR}")
    ic = read_interchange((GTAS_DIR / "pnrgov_v11_cash_history.edi").read_bytes())
    (msg,) = ic.messages
    assert msg.common_ref == "AUTZ000623052013221001SIN20130528"
    ssr = next(s for s in msg.segments if s.tag == "SSR" and (s.get(1) or "").startswith("DOCS"))
    assert "/VANDENBERG/KEVIN/MICHAEL" in ssr.get(1, 9)
    assert ssr.line == 17


# --- the plain fast path reads exactly what the general scanner reads -------------------------

from hypothesis import given, settings as hsettings, strategies as hst  # noqa: E402

from paxscreen.errors import InvalidMessage as _Invalid  # noqa: E402
from producers.edifact import tokenize as _tokenize  # noqa: E402

_PIECES = ["UNB", "UNH", "NAD", "DTM", "UNZ", "+", ":", "'", "\n", "\r\n", "\r", "UNB ", " ", "  ",
           "FL", "DOE", "12", "x", "\t"]


@hsettings(max_examples=300, deadline=None)
@given(hst.lists(hst.sampled_from(_PIECES), max_size=40), hst.booleans())
def test_fast_path_equals_general_scanner(pieces: list[str], una: bool) -> None:
    text = ("UNA:+.? '" if una else "") + "".join(pieces)

    def run(fast: bool):
        try:
            return _tokenize(text, fast=fast)
        except _Invalid as exc:
            return ("error", exc.line, exc.position)

    assert run(True) == run(False)


# --- a Type B (SITA/ARINC) heading before the interchange ---------------------------------------------

TYPEB_BODY = (
    "UNB(UNOA:4(1A:TS(IRLAPIS(250725:0121(1A8323504((APIS-\r\n"
    "UNH(1(PAXLST:D:05B:UN:IATA(TS2302507251130(01:F-\r\nBGM(745-\r\nUNT(3(1-\r\nUNZ(1(1A8323504-\r\n"
)


@pytest.mark.parametrize(("heading", "typeb"), [
    ("\x01QK LONPPXS\r\n.MUCKMTS 250521\r\n\x02", True),  # SOH ... STX, as sent
    ("SOH QK LONPPXS\r\n.MUCKMTS 250521\r\nSTX ", True),  # as a gateway log writes it
    ("QK LONPPXS\r\n.MUCKMTS 250521\r\n", False),
])  # fmt: skip
def test_a_heading_before_una_is_skipped_with_a_warning(heading: str, typeb: bool) -> None:
    text = heading + "UNA:(.) -\r\n" + TYPEB_BODY + ("\x03" if typeb else "")
    assert sniff(text.encode()) == "paxlst"
    ic = read_interchange(text.encode())
    (msg,) = ic.messages
    assert (msg.ref, msg.header.line, msg.trailer.line) == ("1", 5, 7)  # lines as received
    what = "a Type B (SITA/ARINC) heading" if typeb else "text"
    assert ic.warnings == (f"{what} of 3 line(s) before UNA skipped",)  # the ETX after UNZ is Type B's


def test_a_truncated_message_after_a_type_b_heading_says_so() -> None:
    text = "SOH QK LONPPXS\n.MUCKMTS 250521\nSTX UNA:(.) -\n" + TYPEB_BODY.split("BGM")[0].replace("\r", "")
    with pytest.raises(InvalidMessage) as exc:
        read_interchange(text)
    assert "no UNT (truncated?)" in exc.value.reason and exc.value.line == 5


def test_text_far_before_unb_is_not_a_heading() -> None:
    with pytest.raises(InvalidMessage) as exc:
        read_interchange("x\n" * 12 + "UNB+UNOA:4+A+B+1+IC'UNH+1+PAXLST:D:05B:UN:IATA'UNT+2+1'UNZ+1+IC'")
    assert "not an EDIFACT segment" in exc.value.reason
