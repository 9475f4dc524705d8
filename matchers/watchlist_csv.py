"""The CSV watchlist format (docs/watchlist-csv.md): one person or document per row.

Read through `matchers.watchlist.read_watchlist`; this module only turns rows into entries.
Stricter than the FtM reader, because a person wrote the file and can fix it: a value that
cannot be read (a date, a country, a gender) rejects the row with an `InvalidRecord` naming
the column and quoting the value. Birth dates such as 01/02/1980 read in the order the file's
other dates tell (`DateOrder`): unless it is given, a first pass reads that column only.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING

from matchers.watchlist import (
    clean_document_number,
    clean_text,
    name_key,
    numeric_date_parts,
    parse_date,
    parse_gender,
    to_alpha3,
    unique,
)
from paxscreen.codec import stable_id
from paxscreen.errors import InvalidRecord
from paxscreen.models import WatchDocument, WatchEntry

if TYPE_CHECKING:
    from matchers.watchlist import WatchlistReader, _Opened

COLUMNS = (
    "id", "kind", "name", "aliases", "first_name", "middle_name", "last_name", "birth_date",
    "nationality", "gender", "passport_number", "id_number", "document_number",
    "document_country", "document_type", "dataset", "reason", "topics",
)  # fmt: skip
# Other spellings of the columns, as spreadsheets and other tools' exports name them
HEADER_ALIASES = {
    **dict.fromkeys(("surname", "surnames", "lastname", "family_name", "familyname"), "last_name"),
    **dict.fromkeys(("given_name", "given_names", "firstname", "first_names", "forename", "forenames"),
                    "first_name"),
    **dict.fromkeys(("middle_names", "middlename"), "middle_name"),
    **dict.fromkeys(("full_name", "fullname"), "name"),
    **dict.fromkeys(("alias", "aka", "other_names"), "aliases"),
    **dict.fromkeys(("date_of_birth", "dob", "birthdate", "birth_dates", "born"), "birth_date"),
    **dict.fromkeys(("citizenship", "nationalities"), "nationality"),
    **dict.fromkeys(("sex",), "gender"),
    **dict.fromkeys(("passport", "passport_no", "passport_nr", "passport_num", "passport_numbers"),
                    "passport_number"),
    **dict.fromkeys(("id_no", "id_nr", "national_id", "id_card_number", "identity_card_number"), "id_number"),
    **dict.fromkeys(("document_no", "document_nr", "doc_number", "doc_no", "travel_document_number"),
                    "document_number"),
    **dict.fromkeys(("issuing_country", "country_of_issue", "issuing_state", "issuer", "doc_country"),
                    "document_country"),
    **dict.fromkeys(("doc_type",), "document_type"),
    **dict.fromkeys(("datasets", "source", "list"), "dataset"),
    **dict.fromkeys(("topic",), "topics"),
}
# OpenSanctions' targets.simple.csv: a row per entity with its FollowTheMoney schema
SCHEMA_KINDS = {"person": "person", "passport": "document", "identification": "document"}
NAME_COLUMNS = ("name", "first_name", "middle_name", "last_name", "aliases")
NUMBER_COLUMNS = ("passport_number", "id_number", "document_number")
# columns whose value is never written over several lines
ONE_LINE_COLUMNS = frozenset({*NUMBER_COLUMNS, "id", "kind", "birth_date", "nationality", "gender",
                              "document_country", "document_type", "schema"})
# numbers run together in one cell (AB123456, CD654321 or AB123456 / CD654321): split where
# every part is long enough to be a document number
_NUMBER_SEPARATORS = re.compile(r"\s*[,/|]\s*")
DOCUMENT_TYPES = {
    "p": "passport", "passport": "passport",
    "i": "id", "id": "id", "a": "id", "c": "id", "id card": "id", "identity card": "id",
}  # fmt: skip
UNKNOWN_GENDERS = frozenset({"u", "x", "unknown"})


class _RowError(Exception):
    """A row cannot be read; the message is the InvalidRecord reason."""


def read_csv(opened: _Opened, reader: WatchlistReader) -> Iterator[WatchEntry | InvalidRecord]:
    """Entries and invalid rows of a CSV watchlist, counting into ``reader.stats``. Unless
    ``reader.date_order`` is given, a first pass reads the birth dates only, for their order
    (`date_order`), and the handle (then seekable) is read again."""
    dates = DateOrder(reader.date_order)
    if dates.order is None:
        dates.tell(_rows(opened.fh))
        opened.fh.seek(opened.start)
    dates.count_into(reader.stats)
    header: list[str] | None = None
    for start, end, fields in _rows(opened.fh):
        if isinstance(fields, str):  # a reason: the row cannot be read
            reader.stats.read += header is not None
            yield reader.invalid(fields, start)
            continue
        if header is None:
            header = _columns(fields)
            problem = _header_problem(header)
            if problem:
                yield reader.invalid(problem, start)
                return
            reader.stats.ignored_columns = [f for f, c in zip(fields, header, strict=True)
                                            if c not in COLUMNS and c != "schema" and f.strip()]
            # OpenSanctions' simple CSV has no topics: its PEPs cannot be told from the others
            reader.stats.topics_unknown = (
                bool(reader.skip_topics) and "schema" in header and "topics" not in header
            )
            continue
        reader.stats.read += 1
        if len(fields) > len(header) and any(f.strip() for f in fields[len(header) :]):
            yield reader.invalid(f"row has {len(fields)} fields, the header {len(header)}", start)
            continue
        spilt = [k for k, v in zip(header, fields) if k in ONE_LINE_COLUMNS and "\n" in v]
        if spilt:  # a quote left open takes the next rows into this cell
            yield reader.invalid(f"{spilt[0]} runs over lines {start}-{end}: a quote left open?", start)
            continue
        row = {k: clean_text(v) for k, v in zip(header, fields) if k in COLUMNS or k == "schema"}
        schema = row.pop("schema", "")
        if schema:  # an OpenSanctions-style export: entities of other schemata are not screened
            kind = SCHEMA_KINDS.get(schema.lower())
            if kind is None:
                reader.stats.skipped += 1
                reader.stats.skipped_schemata[schema] += 1
                continue
            row.setdefault("kind", kind)
        try:
            entry = _entry(row, reader.dataset, dates)
        except _RowError as e:
            yield reader.invalid(str(e), start)
            continue
        if entry.schema != "Person" or not reader.skips(entry.topics):
            yield reader.emitted(entry)
    if header is None:
        yield reader.invalid("file is empty: a header row naming the columns is required", 1)


def _rows(fh: IO[bytes]) -> Iterator[tuple[int, int, list[str] | str]]:
    """(first line, last line, cells) of each row but blank and ``#`` ones, header included;
    instead of the cells, the reason a row cannot be read."""
    bad_lines: set[int] = set()
    lines = _text_lines(fh, bad_lines)
    head = []  # up to the header: its delimiter is the file's (Excel writes ; where , is a decimal mark)
    for line in lines:
        head.append(line)
        if line.strip() and not line.lstrip().startswith("#"):
            break
    rows = csv.reader(itertools.chain(head, lines), delimiter=_delimiter(head[-1] if head else ""))
    end = 0
    while True:
        start = end + 1
        try:
            fields = next(rows)
        except StopIteration:
            return
        except csv.Error as e:
            end = rows.line_num
            yield start, end, f"not readable as CSV: {e}"
            continue
        end = rows.line_num
        if not any(f.strip() for f in fields) or fields[0].lstrip().startswith("#"):
            continue
        if any(start <= n <= end for n in bad_lines):
            yield start, end, "neither UTF-8 nor Windows-1252 text"
            continue
        yield start, end, fields


class DateOrder:
    """How a file's birth dates such as ``01/02/1980`` read: day first (``"dmy"``) or month first
    (``"mdy"``), given, or told by the file's own dates. A date whose first number is over 12
    (``13/01/1980``) can only be day first; one whose second is (``01/13/1980``), month first.
    The column reads as the most of those say (day first on a tie); a date that says the other
    rejects its row. When none says (each could be either), the dates read day first, the
    documented default, and the loader says it could not tell (``source`` ``"default"``).
    Only counters are kept: the first pass holds no row."""

    def __init__(self, order: str | None) -> None:
        self.order, self.source = order, "given" if order else None
        self.day_first = self.month_first = self.either = 0

    def tell(self, rows: Iterable[tuple[int, int, list[str] | str]]) -> None:
        """Count the evidence in the birth_date cells of ``rows`` (as `_rows` yields them)."""
        column: list[int] | None = None
        for _, _, fields in rows:
            if isinstance(fields, str):
                continue
            if column is None:
                column = [i for i, c in enumerate(_columns(fields)) if c == "birth_date"]
                if not column:
                    return  # no birth dates: nothing to tell (and no header problem to read past)
                continue
            for i in column:
                for value in _split(fields[i] if i < len(fields) else ""):
                    if (parts := numeric_date_parts(value)) is None or not all(1 <= p <= 31 for p in parts):
                        continue
                    first, second = parts
                    self.day_first += first > 12 >= second
                    self.month_first += second > 12 >= first
                    self.either += first != second and max(parts) <= 12
        if self.day_first or self.month_first:
            self.order, self.source = ("mdy" if self.month_first > self.day_first else "dmy"), "file"
        elif self.either:
            self.order, self.source = "dmy", "default"

    def count_into(self, stats) -> None:
        stats.date_order, stats.date_order_source = self.order, self.source
        stats.dates_day_first, stats.dates_month_first = self.day_first, self.month_first
        stats.dates_either_way = self.either

    def parse(self, value: str) -> str:
        """``value`` as a date; `_RowError` saying why not."""
        month_first = self.order == "mdy"
        date = parse_date(value, day_first=not month_first, month_first=month_first)
        if date is not None:
            return date
        shape = "MM/DD/YYYY" if month_first else "DD/MM/YYYY"
        if self.source == "file" and parse_date(value, day_first=month_first, month_first=not month_first):
            told = self.month_first if month_first else self.day_first
            raise _RowError(
                f"invalid birth_date {value!r}: the file's other dates are {'month' if month_first else 'day'} "
                f"first ({shape}), {told} of them can only be read so; fix this one, or give the order "
                "(--date-order dmy|mdy)"
            )
        raise _RowError(f"invalid birth_date {value!r}: expected YYYY, YYYY-MM, YYYY-MM-DD or {shape}")


def _columns(cells: list[str]) -> list[str]:
    """The header's cells as column names: case, spaces and hyphens aside, other spellings read
    as the column they name, unless the header has that column already (a `source` beside a
    `dataset` stays a column of the user's own)."""
    names = [clean_text(c).lower().replace(" ", "_").replace("-", "_") for c in cells]
    taken = set(names)
    out = []
    for name in names:
        column = HEADER_ALIASES.get(name) or HEADER_ALIASES.get(name.replace(".", ""))
        if column is None or column in taken:
            out.append(name)
        else:
            out.append(column)
            taken.add(column)
    return out


def _header_problem(header: list[str]) -> str | None:
    known = [c for c in header if c in COLUMNS]
    if not {*NAME_COLUMNS, *NUMBER_COLUMNS} & set(known):
        return (
            f"the first row is not a header naming a name or number column: got {header[:5]!r}, "
            f"expected columns among {', '.join(COLUMNS)}"
        )
    dupes = sorted({c for c in known if known.count(c) > 1})
    if dupes:
        return f"the header names column(s) {', '.join(dupes)} more than once"
    return None


def _split(value: str | None) -> list[str]:
    return [v for v in (clean_text(p) for p in (value or "").split(";")) if v]


def _split_numbers(value: str | None) -> list[str]:
    out = []
    for v in _split(value):
        parts = _NUMBER_SEPARATORS.split(v)
        long_enough = len(parts) > 1 and all(sum(c.isalnum() for c in p) >= 5 for p in parts)
        out += parts if long_enough else [v]
    return out


def _entry(row: dict[str, str], default_dataset: str | None, dates: DateOrder) -> WatchEntry:
    get = row.get
    kind = (get("kind") or "").lower()
    has_name = any(get(c) for c in NAME_COLUMNS)
    if not kind:
        kind = "person" if has_name else "document"
    if kind not in ("person", "document"):
        raise _RowError(f"unknown kind {get('kind')!r}: expected 'person' or 'document'")

    country = None
    if get("document_country"):
        country = to_alpha3(get("document_country") or "")
        if country is None:
            raise _RowError(
                f"unknown document_country {get('document_country')!r}: expected an ISO 3166 code"
            )
    doc_type = None
    if get("document_type"):
        doc_type = DOCUMENT_TYPES.get((get("document_type") or "").lower())
        if doc_type is None:
            raise _RowError(f"unknown document_type {get('document_type')!r}: expected 'passport' or 'id'")
    documents: list[WatchDocument] = []
    for column, type_ in (
        ("passport_number", "passport"),
        ("id_number", "id"),
        ("document_number", doc_type),
    ):
        for value in _split_numbers(get(column)):
            number = clean_document_number(value)
            if not number:
                raise _RowError(f"{column} {value!r} holds no letter or digit")
            if all(d.number != number for d in documents):
                documents.append(WatchDocument(number=number, country=country, type=type_))

    # topics only when given: the ids of files without them stay as they were
    hashed = (f"{c}={get(c) or ''}" for c in COLUMNS if c != "id" and (c != "topics" or get(c)))
    entry_id = get("id") or stable_id(*hashed, prefix="csv-")
    common = {"id": entry_id, "dataset": get("dataset") or default_dataset, "reason": get("reason") or None}
    topics = unique(t.lower() for t in _split(get("topics")))
    if kind == "document":
        if not documents:
            raise _RowError("document row has no number: fill document_number (or passport_number/id_number)")
        return WatchEntry(schema="Document", documents=tuple(documents), topics=topics, **common)

    built = " ".join(v for c in ("first_name", "middle_name", "last_name") if (v := get(c)))
    if not (get("name") or built):
        raise _RowError("person row has no name: fill name, or first_name and last_name")
    names = unique((n for n in (get("name") or "", built, *_split(get("aliases"))) if n), key=name_key)
    birth_dates = [dates.parse(value) for value in _split(get("birth_date"))]
    nationalities = []
    for value in _split(get("nationality")):
        code = to_alpha3(value)
        if code is None:
            raise _RowError(f"unknown nationality {value!r}: expected an ISO 3166 alpha-2 or alpha-3 code")
        nationalities.append(code)
    genders: tuple[str, ...] = ()
    if (gender := get("gender")) and gender.lower() not in UNKNOWN_GENDERS:
        if parse_gender(gender) is None:
            raise _RowError(f"unknown gender {gender!r}: expected M, F, male or female")
        genders = (parse_gender(gender),)  # type: ignore[assignment]
    return WatchEntry(
        schema="Person",
        names=names,
        birth_dates=unique(birth_dates),
        nationalities=unique(nationalities),
        genders=genders,
        documents=tuple(documents),
        topics=topics,
        **common,
    )


def _delimiter(header: str) -> str:
    """The header's delimiter: a comma, or a semicolon or tab where the header has those and
    no comma."""
    if "," in header:
        return ","
    return max(";\t", key=header.count) if (";" in header or "\t" in header) else ","


def _text_lines(fh: IO[bytes], bad_lines: set[int]) -> Iterator[str]:
    """Decode line by line as UTF-8 (a leading BOM dropped), else as Windows-1252 (what Excel's
    plain "CSV" writes on Windows); the numbers of lines that are neither go to ``bad_lines``
    so their rows are rejected rather than read with U+FFFD."""
    for lineno, raw in enumerate(fh, 1):
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                yield raw.decode("cp1252")
            except UnicodeDecodeError:
                bad_lines.add(lineno)
                yield raw.decode("utf-8", errors="replace")
