"""Read watchlist files into `WatchEntry` objects: FollowTheMoney JSON lines and CSV.

Pure: no Redis, no Kafka. `read_watchlist` yields one `WatchEntry` per listed person or
stand-alone (stolen / lost) document, and one `InvalidRecord` per line it cannot read, so a
loader can report every bad line and still load the rest. `WatchlistReader` does the same and
keeps counters in ``.stats``.

FollowTheMoney (``.jsonl``, ``.json``, ``.ftm.json``, ``.ndjson``; ``format="ftm"``), one
entity per line: see `matchers.watchlist_ftm` (Person entities, and Passport / Identification
attached to their holder or stand-alone; other schemata skipped and counted).

CSV (``.csv``; ``format="csv"``): see docs/watchlist-csv.md and `matchers.watchlist_csv`.

Document numbers keep letters and digits only, upper-case (``"ab 12-34"`` -> ``"AB1234"``), as
printed in the MRZ. Country codes are ISO 3166-1 alpha-3 (``"ng"`` -> ``"NGA"``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import IO

from rigour.territories import get_territory

from paxscreen.errors import InvalidRecord
from paxscreen.models import WatchEntry

Source = str | os.PathLike[str] | IO[bytes]

FTM_EXTENSIONS = (".ftm.json", ".jsonl", ".json", ".ndjson", ".ijson")
DOCUMENT_SCHEMATA = frozenset({"Passport", "Identification"})
MAX_BUILT_NAMES = 6  # full names made of name parts with several values (each spelling of each part)
# A person whose topics are all among these is not screened (docs/watchlist-csv.md, "Topics"):
# FtM's role.* topics say what a person is or does (PEP, close associate, judge, diplomat...),
# not what they are listed for; a sanction, crime, wanted... topic beside them keeps the person.
DEFAULT_SKIP_TOPICS = ("role.*",)

# ICAO 9303 codes that are not ISO 3166 countries but do appear on travel documents.
ICAO_SPECIAL_CODES = frozenset(
    {"D", "EUE", "GBD", "GBN", "GBO", "GBP", "GBS", "RKS", "UNA", "UNK", "UNO", "UTO",
     "XBA", "XCC", "XCO", "XEC", "XES", "XIM", "XMP", "XOM", "XPO", "XXA", "XXB", "XXC", "XXX"}
)  # fmt: skip


DROPPED_SHOWN = 10  # unreadable property values a read describes; the rest are only counted


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
    # the first `DROPPED_SHOWN` of them, each "source:line: Person 'id': birthDate '1970-99' is
    # not a date" (the list's own data, not a traveller's: quoting it is what the user needs)
    dropped: list[str] = field(default_factory=list)
    skipped_schemata: Counter[str] = field(default_factory=Counter)
    # documents not screened, by their holder's schema (a Company's, an Organization's...)
    held_by_non_persons: Counter[str] = field(default_factory=Counter)
    ignored_columns: list[str] = field(default_factory=list)  # CSV header cells not understood
    skipped_by_topics: int = 0  # persons not screened: their topics are all among the skipped ones
    skipped_topics: Counter[str] = field(default_factory=Counter)  # ...by topic (each of a person's once)
    skipped_topic_documents: int = 0  # documents held by those persons (FtM holder), not screened either
    topics_unknown: bool = False  # an OpenSanctions-style CSV without a topics column: nothing filtered
    # CSV birth dates written DD/MM/YYYY or MM/DD/YYYY: the order read, and why
    date_order: str | None = None  # "dmy" or "mdy"; None: no such date (or not asked, FtM)
    date_order_source: str | None = None  # "given" (date_order=), "file" (its dates tell), "default" (not)
    dates_day_first: int = 0  # such dates that can only be day first (13/01/1980)
    dates_month_first: int = 0  # ...only month first (01/13/1980)
    dates_either_way: int = 0  # ...two different dates either way (01/02/1980)

    @property
    def entries(self) -> int:
        return self.persons + self.documents


# --- values -----------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_PARENTHESES = re.compile(r"\([^)]*\)")
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# 03/05/1970, 03.05.1970, 03-05-1970; a spreadsheet's time after it (" 0:00", " 12:00:00 AM") dropped
_NUMERIC_DATE = re.compile(
    r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)?$"
)


def clean_text(value: str) -> str:
    """Whitespace collapsed and trimmed."""
    return _SPACES.sub(" ", value).strip()


def clean_document_number(value: str) -> str:
    """Letters and digits only, upper-case, as in the MRZ; remarks in parentheses dropped
    (``"ab 12-34 (expired)"`` -> ``"AB1234"``)."""
    return "".join(c for c in _PARENTHESES.sub("", value) if c.isalnum()).upper()


def numeric_date_parts(value: str) -> tuple[int, int] | None:
    """The first two numbers of a ``DD/MM/YYYY`` or ``MM/DD/YYYY`` date (``/``, ``.`` or ``-``
    between them), whichever it is; ``None`` for any other value."""
    m = _NUMERIC_DATE.match(value.strip())
    return (int(m[1]), int(m[3])) if m else None


def parse_date(value: str, *, day_first: bool = False, month_first: bool = False) -> str | None:
    """``"1970"``, ``"1970-05"``, ``"1970-05-03"`` (or a longer ISO timestamp) as given;
    ``"03/05/1970"`` (also with ``.`` or ``-``) -> ``"1970-05-03"`` when ``day_first``,
    ``"1970-03-05"`` when ``month_first``; ``None`` if invalid."""
    value = value.strip()
    d = _NUMERIC_DATE.match(value) if day_first or month_first else None
    if len(value) > 10 and value[10:11] in ("T", " "):
        value = value[:10]
    m = _ISO_DATE.match(value)
    if m is None and d is not None:
        day, month = (d[3], d[1]) if month_first else (d[1], d[3])
        m = _ISO_DATE.match(f"{d[4]}-{int(month):02d}-{int(day):02d}")
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


def parse_topics(text: str) -> tuple[str, ...]:
    """Comma-separated topics (``"role.pep, role.rca"``) as lower-case patterns; ``""``: none."""
    return tuple(t for t in (p.strip().lower() for p in text.split(",")) if t)


def only_skipped_topics(topics: Iterable[str], skip: Iterable[str]) -> bool:
    """Whether an entity has topics and each is among ``skip``: ``role.pep`` also covers
    ``role.pep.frmr``; ``role.*`` covers every ``role.`` topic; ``*`` every topic."""
    prefixes = tuple(p.removesuffix(".*").removesuffix("*") for p in skip)
    found = False
    for topic in topics:
        t = topic.strip().lower()
        if not any(p == "" or t == p or t.startswith(p + ".") for p in prefixes):
            return False
        found = True
    return found


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
        "cannot tell the watchlist format from the file name (.jsonl, .json, .ndjson: FollowTheMoney; .csv): "
        "give it with --format ftm|csv",
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
    ``skip_topics``: a person whose topics (FtM ``topics``, CSV ``topics`` column) are all
    among these is not screened, but counted (`only_skipped_topics`; ``()`` keeps everyone).
    ``date_order``: how CSV birth dates such as ``01/02/1980`` read, ``"dmy"`` or ``"mdy"``;
    ``None`` (or ``"auto"``): as the file's other dates tell, else day first
    (`matchers.watchlist_csv`). ``name``: how messages name the input (default: the path,
    ``<stdin>``, or the stream's name).
    Raises `InvalidRecord` at once if the format cannot be told, `OSError` if the file cannot
    be opened.
    """

    def __init__(
        self,
        path: Source,
        *,
        format: str | None = None,
        dataset: str | None = None,
        skip_topics: Iterable[str] = DEFAULT_SKIP_TOPICS,
        date_order: str | None = None,
        name: str | None = None,
    ):
        if date_order not in (None, "auto", "dmy", "mdy"):
            raise InvalidRecord(f"unknown date order {date_order!r}: expected 'dmy', 'mdy' or 'auto'")
        self.date_order = None if date_order == "auto" else date_order
        self.path = path
        self.source = name or _source_name(path)
        self.format = detect_format(path, format)
        self.dataset = dataset
        self.skip_topics = tuple(skip_topics)
        self.stats = ReadStats()

    def __iter__(self) -> Iterator[WatchEntry | InvalidRecord]:
        # Imported here: watchlist_csv and watchlist_ftm build on this module's helpers.
        if self.format == "csv":
            from matchers.watchlist_csv import read_csv

            opened = _Opened(self.path, seekable=self.date_order is None)  # read twice to tell the order
            try:
                yield from read_csv(opened, self)
            finally:
                opened.close()
        else:
            from matchers.watchlist_ftm import read_ftm

            opened = _Opened(self.path, seekable=True)
            try:
                yield from read_ftm(opened, self)
            finally:
                opened.close()

    # -- outcomes --

    def invalid(self, reason: str, line: int | None) -> InvalidRecord:
        self.stats.errors += 1
        return InvalidRecord(reason, source=self.source, line=line)

    def dropped(self, line: int, entity: str, prop: str, value: str, why: str) -> None:
        """An unreadable property value left out of an entity otherwise read: counted, and
        described while fewer than `DROPPED_SHOWN` are."""
        self.stats.dropped_values += 1
        if len(self.stats.dropped) < DROPPED_SHOWN:
            shown = value if len(value) <= 60 else value[:57] + "..."
            self.stats.dropped.append(f"{self.source}:{line}: {entity}: {prop} {shown!r} {why}, left out")

    def skips(self, topics: Iterable[str]) -> bool:
        """Whether a person of these topics is not screened (then counted)."""
        topics = tuple(topics)
        if not self.skip_topics or not only_skipped_topics(topics, self.skip_topics):
            return False
        self.stats.skipped_by_topics += 1
        self.stats.skipped_topics.update(unique(t.strip().lower() for t in topics))
        return True

    def emitted(self, entry: WatchEntry) -> WatchEntry:
        if entry.schema == "Document":
            self.stats.documents += 1
        else:
            self.stats.persons += 1
        return entry


def read_watchlist(
    path: Source,
    *,
    format: str | None = None,
    dataset: str | None = None,
    stats: ReadStats | None = None,
    skip_topics: Iterable[str] = DEFAULT_SKIP_TOPICS,
    date_order: str | None = None,
    name: str | None = None,
) -> Iterator[WatchEntry | InvalidRecord]:
    """Yield a `WatchEntry` per listed person or stand-alone document, an `InvalidRecord` per
    unreadable line. Pass a `ReadStats` as ``stats`` to have it filled while iterating;
    ``skip_topics``, ``date_order``, ``name``: see `WatchlistReader`."""
    reader = WatchlistReader(
        path, format=format, dataset=dataset, skip_topics=skip_topics, date_order=date_order, name=name
    )
    if stats is not None:
        reader.stats = stats
    return iter(reader)


__all__ = [
    "DEFAULT_SKIP_TOPICS",
    "DROPPED_SHOWN",
    "ReadStats",
    "WatchlistReader",
    "clean_document_number",
    "count_lines",
    "detect_format",
    "numeric_date_parts",
    "parse_date",
    "parse_topics",
    "read_watchlist",
    "to_alpha3",
]
