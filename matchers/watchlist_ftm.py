"""FollowTheMoney JSON lines (docs: `matchers.watchlist`): one entity per line into entries.

Read through `matchers.watchlist.read_watchlist`; this module only turns entities into entries.

- ``Person``: names from ``name``, then a full name built from ``firstName`` ...
  ``lastName`` when it differs, then ``alias`` and ``previousName``. ``weakAlias`` (nicknames
  such as "El Flaco", never on a passport) is not matched, as yente does not: it is told in
  the reason. ``title`` is dropped. Partial birth dates; ``nationality``/``citizenship`` as
  alpha-3 (``country`` is too weak and ignored); ``passportNumber``/``idNumber`` as documents;
  ``notes``/``summary`` as the reason.
- ``Passport``/``Identification``: attached to the Person named by ``holder`` wherever it
  appears in the file (before or after the document), or nested in the Person's properties;
  without a holder, or with holders the file does not hold, a stand-alone (stolen / lost)
  ``WatchEntry(schema="Document")``. A document whose holders the file holds as other
  schemata only (Company, Organization, LegalEntity...) is not screened: a company has no
  passport, and its papers (often a registration number as ``Identification``) are no
  traveller's stolen document. Counted in ``stats.held_by_non_persons``.
- Other schemata (Company, Sanction, Address...) are skipped and counted, not errors.
- A Person whose ``topics`` are all among the reader's ``skip_topics`` (by default ``role.*``:
  PEPs, their relatives and close associates...) is skipped and counted, and so are the
  documents it holds; one with no topics, or with a sanction, crime, wanted... topic, is kept.

Because a document may come after its holder, FtM files are read twice: a quick first pass
parses only the lines that mention a document schema and keeps the documents that name a
holder (nothing else is held in memory); the second pass yields every entry once, complete.
Standard input and other pipes are spooled to a temporary file for this.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import orjson

from matchers.watchlist import (
    DOCUMENT_SCHEMATA,
    MAX_BUILT_NAMES,
    clean_document_number,
    clean_text,
    name_key,
    parse_date,
    parse_gender,
    to_alpha3,
    unique,
)
from paxscreen.errors import InvalidRecord
from paxscreen.models import WatchDocument, WatchEntry

if TYPE_CHECKING:
    from matchers.watchlist import ReadStats, WatchlistReader, _Opened


def read_ftm(opened: _Opened, reader: WatchlistReader) -> Iterator[WatchEntry | InvalidRecord]:
    """Entries and invalid lines of a FollowTheMoney file, counting into ``reader.stats``."""
    return _Ftm(reader).read(opened)


class _Ftm:
    """One read of an FtM file on behalf of a `WatchlistReader`."""

    def __init__(self, reader: WatchlistReader) -> None:
        self.dataset = reader.dataset
        self.invalid = reader.invalid
        self.emitted = reader.emitted
        self.skips = reader.skips
        self.dropped = reader.dropped
        self._reader = reader

    @property
    def stats(self) -> ReadStats:
        return self._reader.stats

    def read(self, opened: _Opened) -> Iterator[WatchEntry | InvalidRecord]:
        fh = opened.fh
        # Pass 1: documents that name a holder, as the stand-alone entries they become if the
        # file holds none of their holders; keyed by holder id. Lines done with are noted.
        pending: dict[str, list[WatchEntry]] = {}
        held: list[tuple[WatchEntry, list[str]]] = []
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
                if doc is not None:
                    held.append((doc, holders))
                    for holder in holders:
                        pending.setdefault(holder, []).append(doc)
            done.add(lineno)
            self.stats.read += 1
            if isinstance(obj, InvalidRecord):
                yield obj

        # Pass 2: everything else, in file order.
        fh.seek(opened.start)
        holder_schemata: dict[str, str] = {}  # the schema of each holder the file holds
        for lineno, raw in enumerate(fh, 1):
            if lineno in done or not raw.strip():
                continue
            self.stats.read += 1
            obj = self._parse_line(raw, lineno)
            if obj is None or isinstance(obj, InvalidRecord):
                yield obj  # type: ignore[misc] - never None: blank lines are skipped above
                continue
            schema = obj["schema"]
            if obj["id"] in pending:
                holder_schemata[obj["id"]] = schema
            if schema == "Person":
                attached = pending.get(obj["id"], [])
                if self.skips(_strings(_props(obj).get("topics"))):
                    self.stats.skipped_topic_documents += len(attached)  # not stolen: their holder's
                    continue
                yield self._ftm_person(obj, lineno, [d for e in attached for d in e.documents])
            elif schema in DOCUMENT_SCHEMATA:
                doc = _document_entry(obj, self.dataset)  # no holder: stolen / lost
                yield self._no_number(obj, lineno) if doc is None else self.emitted(doc)
            else:
                self.stats.skipped += 1
                self.stats.skipped_schemata[schema] += 1

        # Documents none of whose holders is a Person of this file: stolen / lost, stand-alone,
        # when the file holds none of them; not screened when it holds one as a Company,
        # Organization, LegalEntity... (a company has no passport: its papers are no one's
        # travel document, and the holder itself is not screened).
        orphans: dict[str, WatchEntry] = {}
        for doc, holders in held:
            schemata = [s for h in holders if (s := holder_schemata.get(h))]
            if "Person" in schemata:
                continue  # attached to the person
            if schemata:
                self.stats.held_by_non_persons[schemata[0]] += 1
            else:
                orphans[doc.id] = doc
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
        entity = f"Person {obj['id']!r}"
        birth_dates = []
        for value in _strings(get("birthDate")):
            if (d := parse_date(value)) is not None:
                birth_dates.append(d)
            else:
                self.dropped(lineno, entity, "birthDate", value, "is not a date")
        nationalities = []
        for prop in ("nationality", "citizenship"):
            for value in _strings(get(prop)):
                if (c := to_alpha3(value)) is not None:
                    nationalities.append(c)
                else:
                    self.dropped(lineno, entity, prop, value, "is not a country")
        genders = [g for g in map(parse_gender, _strings(get("gender"))) if g]
        docs = [
            *(
                WatchDocument(clean_document_number(n), type="passport")
                for n in _strings(get("passportNumber"))
            ),
            *(WatchDocument(clean_document_number(n), type="id") for n in _strings(get("idNumber"))),
        ]
        docs = [d for d in docs if d.number]
        for prop, nested in _nested_documents(props):
            found = _document_entry(nested, self.dataset)
            if found is None:
                self.dropped(lineno, entity, prop, f"{nested.get('schema')} {nested.get('id') or ''}".strip(),
                             "has no number")
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


def _nested_documents(props: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(property, entity) of the Passport / Identification entities nested in a Person's
    properties (FtM nested export)."""
    for prop, values in props.items():
        if isinstance(values, list):
            for v in values:
                if isinstance(v, dict) and v.get("schema") in DOCUMENT_SCHEMATA:
                    yield prop, v


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

