"""Read watchlist files into `WatchEntry` objects: FollowTheMoney JSON lines and CSV.

Pure: no Redis, no Kafka. `read_watchlist` yields one `WatchEntry` per listed person or
stand-alone (stolen / lost) document, and one `InvalidRecord` per line it cannot read, so a
loader can report every bad line and still load the rest. `WatchlistReader` does the same and
keeps counters in ``.stats``.

FollowTheMoney (``.jsonl``, ``.json``, ``.ftm.json``, ``.ndjson``; ``format="ftm"``), one
entity per line:

- ``Person``: names from ``name``, then a full name built from ``firstName`` ...
  ``lastName`` when it differs, then ``alias`` and ``previousName``. ``weakAlias`` (nicknames
  such as "El Flaco", never on a passport) is not matched, as yente does not: it is told in
  the reason. ``title`` is dropped. Partial birth dates; ``nationality``/``citizenship`` as
  alpha-3 (``country`` is too weak and ignored); ``passportNumber``/``idNumber`` as documents;
  ``notes``/``summary`` as the reason.
- ``Passport``/``Identification``: attached to the Person named by ``holder`` wherever it
  appears in the file (before or after the document), or nested in the Person's properties;
  without a holder, or with one the file does not hold as a Person, a stand-alone
  ``WatchEntry(schema="Document")``.
- Other schemata (Company, Sanction, Address...) are skipped and counted, not errors.

Because a document may come after its holder, FtM files are read twice: a quick first pass
parses only the lines that mention a document schema and keeps the documents that name a
holder (nothing else is held in memory); the second pass yields every entry once, complete.
Standard input and other pipes are spooled to a temporary file for this.

CSV (``.csv``; ``format="csv"``): see docs/watchlist-csv.md and `matchers.watchlist_csv`.

Document numbers keep letters and digits only, upper-case (``"ab 12-34"`` -> ``"AB1234"``), as
printed in the MRZ. Country codes are ISO 3166-1 alpha-3 (``"ng"`` -> ``"NGA"``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import IO, Any

import orjson
from rigour.territories import get_territory

from paxscreen.errors import InvalidRecord
from paxscreen.models import WatchDocument, WatchEntry

Source = str | os.PathLike[str] | IO[bytes]

FTM_EXTENSIONS = (".ftm.json", ".jsonl", ".json", ".ndjson", ".ijson")
DOCUMENT_SCHEMATA = frozenset({"Passport", "Identification"})
MAX_BUILT_NAMES = 6  # full names made of name parts with several values (each spelling of each part)

# ICAO 9303 codes that are not ISO 3166 countries but do appear on travel documents.
ICAO_SPECIAL_CODES = frozenset(
    {"D", "EUE", "GBD", "GBN", "GBO", "GBP", "GBS", "RKS", "UNA", "UNK", "UNO", "UTO",
     "XBA", "XCC", "XCO", "XEC", "XES", "XIM", "XMP", "XOM", "XPO", "XXA", "XXB", "XXC", "XXX"}
)  # fmt: skip


@dataclass(slots=True)
class ReadStats:
    """What a read found; filled while iterating."""

    read: int = 0  # records read: JSON lines (entities) or CSV data rows
    persons: int = 0  # Person entries yielded
    documents: int = 0  # stand-alone (stolen / lost) document entries yielded
    attached: int = 0  # documents attached to a person (holder or nested)
    skipped: int = 0  # entities of other schemata, ignored on purpose
    errors: int = 0  # InvalidRecord yielded
    dropped_values: int = 0  # unreadable property values dropped from an otherwise good FtM entity
    skipped_schemata: Counter[str] = field(default_factory=Counter)
    ignored_columns: list[str] = field(default_factory=list)  # CSV header cells not understood

    @property
    def entries(self) -> int:
        return self.persons + self.documents


# --- values -----------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_PARENTHESES = re.compile(r"\([^)]*\)")
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DMY_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def clean_text(value: str) -> str:
    """Whitespace collapsed and trimmed."""
    return _SPACES.sub(" ", value).strip()


def clean_document_number(value: str) -> str:
    """Letters and digits only, upper-case, as in the MRZ; remarks in parentheses dropped
    (``"ab 12-34 (expired)"`` -> ``"AB1234"``)."""
    return "".join(c for c in _PARENTHESES.sub("", value) if c.isalnum()).upper()


def parse_date(value: str, *, day_first: bool = False) -> str | None:
    """``"1970"``, ``"1970-05"``, ``"1970-05-03"`` (or a longer ISO timestamp) as given;
    ``"03/05/1970"`` (day first) -> ``"1970-05-03"`` when ``day_first``; ``None`` if invalid."""
    value = value.strip()
    if len(value) > 10 and value[10:11] in ("T", " "):
        value = value[:10]
    m = _ISO_DATE.match(value)
    if m is None and day_first and (d := _DMY_DATE.match(value)):
        m = _ISO_DATE.match(f"{d[3]}-{int(d[2]):02d}-{int(d[1]):02d}")
    if m is None:
        return None
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    try:
        dt.date(year, month, day)
    except ValueError:
        return None
    return m[0]


@lru_cache(maxsize=4096)
def to_alpha3(code: str) -> str | None:
    """ISO 3166-1 alpha-2 (any case), alpha-3, or a few ICAO document codes -> upper alpha-3.

    Subdivision codes (``"gb-sct"``) give their country; historical states keep their own
    code (``"suhh"`` -> ``"SUN"``); ``xk`` -> ``"XKX"``; unknown codes -> ``None``.
    """
    code = code.strip()
    if code.upper() in ICAO_SPECIAL_CODES:
        return "DEU" if code.upper() == "D" else code.upper()
    territory = get_territory(code) if code else None
    while territory is not None and not territory.alpha3:
        territory = territory.parent
    return territory.alpha3.upper() if territory is not None and territory.alpha3 else None


def parse_gender(value: str) -> str | None:
    return {"m": "M", "male": "M", "f": "F", "female": "F"}.get(value.strip().lower())


def unique(values: Iterable[str], key=lambda v: v) -> tuple[str, ...]:
    """Non-empty values in first-seen order, without repeats (by ``key``)."""
    seen: set[str] = set()
    out: list[str] = []
    for v in values:
        k = key(v)
        if v and k not in seen:
            seen.add(k)
            out.append(v)
    return tuple(out)


def name_key(name: str) -> str:
    """Names that differ only in case are the same name."""
    return name.casefold()


# --- opening ----------------------------------------------------------------------------------


def _source_name(path: Source) -> str:
    if isinstance(path, (str, os.PathLike)):
        return "<stdin>" if str(path) == "-" else os.fspath(path)
    return getattr(path, "name", None) or "<stream>"


def detect_format(path: Source, format: str | None = None) -> str:
    """``"ftm"`` or ``"csv"``, from ``format`` if given, else from the file name."""
    if format is not None:
        f = format.lower().lstrip(".")
        if f in ("ftm", "jsonl", "json", "ndjson", "ftm.json", "ijson"):
            return "ftm"
        if f == "csv":
            return "csv"
        raise InvalidRecord(f"unknown watchlist format {format!r}: expected 'ftm' or 'csv'")
    name = _source_name(path).lower()
    if name.endswith(FTM_EXTENSIONS):
        return "ftm"
    if name.endswith(".csv"):
        return "csv"
    raise InvalidRecord(
        "cannot tell the watchlist format from the file name: give format='ftm' or 'csv'",
        source=_source_name(path),
    )


class _Opened:
    """A binary, seekable handle on the source (stdin and pipes spooled to a temp file)."""

    def __init__(self, path: Source, *, seekable: bool) -> None:
        self._owned: IO[bytes] | None = None
        self.start = 0
        if isinstance(path, (str, os.PathLike)) and str(path) != "-":
            self.fh: IO[bytes] = open(path, "rb")  # noqa: SIM115 - closed in close()
            self._owned = self.fh
            return
        stream: IO[bytes] = sys.stdin.buffer if isinstance(path, (str, os.PathLike)) else path
        if seekable and not (hasattr(stream, "seekable") and stream.seekable()):
            spool = tempfile.SpooledTemporaryFile(max_size=64 * 1024 * 1024)  # noqa: SIM115
            shutil.copyfileobj(stream, spool)
            spool.seek(0)
            self.fh = self._owned = spool  # type: ignore[assignment]
        else:
            self.fh = stream
        if seekable:
            self.start = self.fh.tell()

    def close(self) -> None:
        if self._owned is not None:
            self._owned.close()


def count_lines(path: Source) -> int | None:
    """Lines in a watchlist file (for a progress bar); ``None`` for stdin and streams."""
    if not isinstance(path, (str, os.PathLike)) or str(path) == "-":
        return None
    n, last = 0, b"\n"
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            n += chunk.count(b"\n")
            last = chunk[-1:]
    return n + (last != b"\n")


# --- the reader -------------------------------------------------------------------------------


class WatchlistReader:
    """Iterate over a watchlist file: `WatchEntry` or `InvalidRecord` per record; see ``stats``.

    ``path`` is a file path, ``"-"`` for standard input, or an open binary stream.
    ``format`` is ``"ftm"`` or ``"csv"`` (default: from the extension). ``dataset`` names the
    dataset of entries whose record names none (FtM ``datasets``, CSV ``dataset`` column).
    Raises `InvalidRecord` at once if the format cannot be told, `OSError` if the file cannot
    be opened.
    """

    def __init__(self, path: Source, *, format: str | None = None, dataset: str | None = None):
        self.path = path
        self.source = _source_name(path)
        self.format = detect_format(path, format)
        self.dataset = dataset
        self.stats = ReadStats()

    def __iter__(self) -> Iterator[WatchEntry | InvalidRecord]:
        if self.format == "csv":
            # Imported here: watchlist_csv builds on this module's helpers.
            from matchers.watchlist_csv import read_csv

            opened = _Opened(self.path, seekable=False)
            try:
                yield from read_csv(opened.fh, self)
            finally:
                opened.close()
        else:
            opened = _Opened(self.path, seekable=True)
            try:
                yield from self._read_ftm(opened)
            finally:
                opened.close()

    # -- outcomes --

    def invalid(self, reason: str, line: int | None) -> InvalidRecord:
        self.stats.errors += 1
        return InvalidRecord(reason, source=self.source, line=line)

    def emitted(self, entry: WatchEntry) -> WatchEntry:
        if entry.schema == "Document":
            self.stats.documents += 1
        else:
            self.stats.persons += 1
        return entry

    # -- FollowTheMoney --

    def _read_ftm(self, opened: _Opened) -> Iterator[WatchEntry | InvalidRecord]:
        fh = opened.fh
        # Pass 1: documents that name a holder, as the stand-alone entries they become if the
        # holder is not a Person of this file; keyed by holder id. Lines done with are noted.
        pending: dict[str, list[WatchEntry]] = {}
        done: set[int] = set()
        for lineno, raw in enumerate(fh, 1):
            if b'"Passport"' not in raw and b'"Identification"' not in raw:
                continue
            obj = self._parse_line(raw, lineno)
            if obj is not None and not isinstance(obj, InvalidRecord):
                holders = _strings(_props(obj).get("holder"))
                if obj["schema"] not in DOCUMENT_SCHEMATA or not holders:
                    continue  # the second pass reads it, in file order
                doc = _document_entry(obj, self.dataset)
                if doc is None:
                    obj = self._no_number(obj, lineno)
                for holder in holders if doc is not None else ():
                    pending.setdefault(holder, []).append(doc)
            done.add(lineno)
            self.stats.read += 1
            if isinstance(obj, InvalidRecord):
                yield obj

        # Pass 2: everything else, in file order.
        fh.seek(opened.start)
        holders_seen: set[str] = set()
        for lineno, raw in enumerate(fh, 1):
            if lineno in done or not raw.strip():
                continue
            self.stats.read += 1
            obj = self._parse_line(raw, lineno)
            if obj is None or isinstance(obj, InvalidRecord):
                yield obj  # type: ignore[misc] - never None: blank lines are skipped above
                continue
            schema = obj["schema"]
            if schema == "Person":
                attached = pending.get(obj["id"], [])
                if attached:
                    holders_seen.add(obj["id"])
                yield self._ftm_person(obj, lineno, [d for e in attached for d in e.documents])
            elif schema in DOCUMENT_SCHEMATA:
                doc = _document_entry(obj, self.dataset)  # no holder: stolen / lost
                yield self._no_number(obj, lineno) if doc is None else self.emitted(doc)
            else:
                self.stats.skipped += 1
                self.stats.skipped_schemata[schema] += 1

        # Documents whose holder is not a Person of this file: stolen / lost, stand-alone.
        orphans = {e.id: e for h, entries in pending.items() if h not in holders_seen for e in entries}
        for entry in orphans.values():
            yield self.emitted(entry)

    def _parse_line(self, raw: bytes, lineno: int) -> dict[str, Any] | InvalidRecord | None:
        """The entity on a line; ``None`` for a blank line."""
        if not raw.strip():
            return None
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError as e:
            return self.invalid(f"not valid JSON: {e.msg} at column {e.colno}", lineno)
        if not isinstance(obj, dict):
            return self.invalid(f"expected a JSON object, got a {type(obj).__name__}", lineno)
        schema, eid = obj.get("schema"), obj.get("id")
        if not isinstance(schema, str) or not schema:
            return self.invalid(f"entity has no 'schema' (got {schema!r})", lineno)
        if not isinstance(eid, str) or not eid.strip():
            return self.invalid(f"{schema} entity has no 'id' (got {eid!r})", lineno)
        if not isinstance(obj.get("properties", {}), dict):
            return self.invalid(f"{schema} {eid!r}: 'properties' is not an object", lineno)
        return obj

    def _ftm_person(
        self, obj: dict[str, Any], lineno: int, attached: list[WatchDocument]
    ) -> WatchEntry | InvalidRecord:
        props = _props(obj)
        get = props.get
        # name parts with several values (firstName Mohammed and Muhammad): each spelling, a few at most
        parts = [p for key in ("firstName", "secondName", "middleName", "fatherName", "lastName")
                 if (p := [clean_text(v) for v in _strings(get(key))])]
        built = [" ".join(combo) for combo in itertools.islice(itertools.product(*parts), MAX_BUILT_NAMES)]
        names = unique(
            (
                clean_text(n)
                for n in (*_strings(get("name")), *built, *_strings(get("alias"), get("previousName")))
            ),
            key=name_key,
        )
        birth_dates = []
        for value in _strings(get("birthDate")):
            if (d := parse_date(value)) is not None:
                birth_dates.append(d)
            else:
                self.stats.dropped_values += 1
        nationalities = []
        for value in _strings(get("nationality"), get("citizenship")):
            if (c := self._country(value)) is not None:
                nationalities.append(c)
        genders = [g for g in map(parse_gender, _strings(get("gender"))) if g]
        docs = [
            *(
                WatchDocument(clean_document_number(n), type="passport")
                for n in _strings(get("passportNumber"))
            ),
            *(WatchDocument(clean_document_number(n), type="id") for n in _strings(get("idNumber"))),
        ]
        docs = [d for d in docs if d.number]
        for nested in _nested_documents(props):
            found = _document_entry(nested, self.dataset)
            if found is None:
                self.stats.dropped_values += 1  # a nested document without a number
                continue
            self.stats.attached += len(found.documents)
            docs.extend(found.documents)
        self.stats.attached += len(attached)
        docs.extend(attached)
        documents = _merge_documents(docs)
        if not names and not documents:
            return self.invalid(f"Person {obj['id']!r} has no name and no document", lineno)
        return self.emitted(
            WatchEntry(
                id=obj["id"],
                schema="Person",
                names=names,
                birth_dates=unique(birth_dates),
                nationalities=unique(nationalities),
                genders=unique(genders),
                documents=documents,
                dataset=_dataset(obj, self.dataset),
                topics=unique(_strings(get("topics"))),
                reason=_reason(props, weak_aliases=unique(map(clean_text, _strings(get("weakAlias"))))),
            )
        )

    def _country(self, value: str) -> str | None:
        code = to_alpha3(value)
        if code is None:
            self.stats.dropped_values += 1
        return code

    def _no_number(self, obj: dict[str, Any], lineno: int) -> InvalidRecord:
        return self.invalid(f"{obj['schema']} {obj['id']!r} has no number", lineno)


def _dataset(obj: dict[str, Any], default: str | None) -> str | None:
    """The first dataset the entity names, else ``default``."""
    datasets = _strings(obj.get("datasets"))
    return datasets[0] if datasets else default


def _document_entry(obj: dict[str, Any], default_dataset: str | None) -> WatchEntry | None:
    """A Passport / Identification entity as a stand-alone ``Document`` entry, one
    `WatchDocument` per number; ``None`` if it has no number. Unknown countries are dropped."""
    props = _props(obj)
    numbers = unique(
        clean_document_number(n) for n in _strings(props.get("number"), props.get("passportNumber"))
    )
    if not numbers:
        return None
    kind = "passport"
    if obj.get("schema") != "Passport":
        kind = "passport" if "passport" in " ".join(_strings(props.get("type"))).lower() else "id"
    countries = [c for c in map(to_alpha3, _strings(props.get("country"))) if c]
    return WatchEntry(
        id=str(obj.get("id") or ""),
        schema="Document",
        documents=tuple(
            WatchDocument(number=n, country=countries[0] if countries else None, type=kind) for n in numbers
        ),
        dataset=_dataset(obj, default_dataset),
        topics=unique(_strings(props.get("topics"))),
        reason=_reason(props),
    )


def _props(obj: dict[str, Any]) -> dict[str, Any]:
    props = obj.get("properties")
    return props if isinstance(props, dict) else {}


def _strings(*values: Any) -> list[str]:
    """Property values as non-empty strings (FtM values are lists; a bare string is tolerated)."""
    out: list[str] = []
    for value in values:
        if value is None:
            continue
        for v in (value,) if isinstance(value, str) else value if isinstance(value, list) else ():
            if isinstance(v, str) and v and not v.isspace():
                out.append(v)
    return out


def _nested_documents(props: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Passport / Identification entities nested in a Person's properties (FtM nested export)."""
    for values in props.values():
        if isinstance(values, list):
            for v in values:
                if isinstance(v, dict) and v.get("schema") in DOCUMENT_SCHEMATA:
                    yield v


def _reason(props: dict[str, Any], weak_aliases: tuple[str, ...] = ()) -> str | None:
    """``notes`` and ``summary`` joined; weak aliases (nicknames) are told here, not matched."""
    notes = unique(clean_text(v) for v in _strings(props.get("notes"), props.get("summary")))
    if weak_aliases:
        notes += (f"Weak alias: {', '.join(weak_aliases)}.",)
    return " ".join(n if n.endswith(".") else n + "." for n in notes) or None


def _merge_documents(docs: list[WatchDocument]) -> tuple[WatchDocument, ...]:
    """Unique by number; a document with a country wins over the same number without."""
    by_number: dict[str, WatchDocument] = {}
    for d in docs:
        old = by_number.get(d.number)
        if old is None or (old.country is None and d.country is not None):
            by_number[d.number] = d
    return tuple(by_number.values())


def read_watchlist(
    path: Source,
    *,
    format: str | None = None,
    dataset: str | None = None,
    stats: ReadStats | None = None,
) -> Iterator[WatchEntry | InvalidRecord]:
    """Yield a `WatchEntry` per listed person or stand-alone document, an `InvalidRecord` per
    unreadable line. Pass a `ReadStats` as ``stats`` to have it filled while iterating."""
    reader = WatchlistReader(path, format=format, dataset=dataset)
    if stats is not None:
        reader.stats = stats
    return iter(reader)


__all__ = [
    "ReadStats",
    "WatchlistReader",
    "clean_document_number",
    "count_lines",
    "detect_format",
    "parse_date",
    "read_watchlist",
    "to_alpha3",
]
