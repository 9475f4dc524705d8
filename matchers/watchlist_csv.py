"""The CSV watchlist format (docs/watchlist-csv.md): one person or document per row.

Read through `matchers.watchlist.read_watchlist`; this module only turns rows into entries.
Stricter than the FtM reader, because a person wrote the file and can fix it: a value that
cannot be read (a date, a country, a gender) rejects the row with an `InvalidRecord` naming
the column and quoting the value.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from matchers.watchlist import (
    clean_document_number,
    clean_text,
    name_key,
    parse_date,
    parse_gender,
    to_alpha3,
    unique,
)
from paxscreen.codec import stable_id
from paxscreen.errors import InvalidRecord
from paxscreen.models import WatchDocument, WatchEntry

if TYPE_CHECKING:
    from matchers.watchlist import WatchlistReader

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


def read_csv(fh: IO[bytes], reader: WatchlistReader) -> Iterator[WatchEntry | InvalidRecord]:
    """Entries and invalid rows of a CSV watchlist, counting into ``reader.stats``."""
    bad_lines: set[int] = set()
    lines = _text_lines(fh, bad_lines)
    head = []  # up to the header: its delimiter is the file's (Excel writes ; where , is a decimal mark)
    for line in lines:
        head.append(line)
        if line.strip() and not line.lstrip().startswith("#"):
            break
    rows = csv.reader(itertools.chain(head, lines), delimiter=_delimiter(head[-1] if head else ""))
    header: list[str] | None = None
    end = 0
    while True:
        start = end + 1
        try:
            fields = next(rows)
        except StopIteration:
            break
        except csv.Error as e:
            end = rows.line_num
            reader.stats.read += header is not None
            yield reader.invalid(f"not readable as CSV: {e}", start)
            continue
        end = rows.line_num
        if not any(f.strip() for f in fields) or fields[0].lstrip().startswith("#"):
            continue
        if any(start <= n <= end for n in bad_lines):
            reader.stats.read += header is not None
            yield reader.invalid("neither UTF-8 nor Windows-1252 text", start)
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
            reader.stats.topics_unknown = bool(reader.skip_topics) and "schema" in header and "topics" not in header
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
            entry = _entry(row, reader.dataset)
        except _RowError as e:
            yield reader.invalid(str(e), start)
            continue
        if entry.schema != "Person" or not reader.skips(entry.topics):
            yield reader.emitted(entry)
    if header is None:
        yield reader.invalid("file is empty: a header row naming the columns is required", 1)


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


def _entry(row: dict[str, str], default_dataset: str | None) -> WatchEntry:
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
    common = {"id": entry_id, "dataset": get("dataset") or default_dataset, "reason": get("reason") or None,
              "topics": unique(t.lower() for t in _split(get("topics")))}
    if kind == "document":
        if not documents:
            raise _RowError("document row has no number: fill document_number (or passport_number/id_number)")
        return WatchEntry(schema="Document", documents=tuple(documents), **common)

    built = " ".join(v for c in ("first_name", "middle_name", "last_name") if (v := get(c)))
    if not (get("name") or built):
        raise _RowError("person row has no name: fill name, or first_name and last_name")
    names = unique((n for n in (get("name") or "", built, *_split(get("aliases"))) if n), key=name_key)
    birth_dates = []
    for value in _split(get("birth_date")):
        date = parse_date(value, day_first=True)
        if date is None:
            raise _RowError(f"invalid birth_date {value!r}: expected YYYY, YYYY-MM, YYYY-MM-DD or DD/MM/YYYY")
        birth_dates.append(date)
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
