"""The watchlist in Redis: versioned loads, an atomic switch, and batched candidate lookup
through an in-process posting index.

Layout (``P`` = prefix, ``L`` = list name, ``T`` = a load's token)::

    P:wl:lists                 hash   list name -> JSON of its active version (the pointer)
    {P:wl:L:T}:meta            hash   the version's counts; exists iff the version is complete
    {P:wl:L:T}:loading         string while a load writes (expires; lets `cleanup` skip it)
    {P:wl:L:T}:e:<bucket>      hash   8-byte entry digest -> the entry (orjson array), with its
                                      names as parsed at load (`records.entry_forms`)
    {P:wl:L:T}:ix:<array>:<i>  string chunk i of one array of the posting index (`matchers.index`)

Entries are spread over a fixed number of bucket hashes (default 2^19) under 8-byte blake2b
digests of their ids, so 11M entries make about half a million small listpack-encoded hashes,
not 11M keys. The blocking keys (`matchers.keys`) are not Redis keys at all: a load collects
every (key digest, entry digest) pair, sorts them once with numpy and writes the whole posting
index as a few large strings (keys, offsets, postings, entry digests). A posting list longer than
`POSTING_CAP` entries is left out (overflowed): such a key says too little to be worth reading,
and the birth-year keys (``y:``) stay selective.

Readers (`lookup`) hold each active version's index in memory (read once per version: about
350 MB for 1M persons and 10M documents) and rank a whole batch's candidates with numpy
(`matchers.index.rank`). The index keeps each entry's birth date, so namesakes born decades
apart are dropped there, unread (`unread.keyless_possible`; a name key's postings, ordered by
birth year, are read only in the traveller's years), and take no place among the ``limit``.
It also keeps each entry's name layout (`matchers.index.NameTable`): of the chosen entries
found through name keys only, those whose birth-date score and name bound
(`unread.bound_names`: the screener's own bounds) rule out every kind are dropped too, unread.
Only the rest are read from Redis, and decoded entries are kept in a two-generation cache. The
parsed names stored with each entry spare a reader the parsing, and its layouts are used,
unless its parser reads names otherwise than the loader's did (`records.parser_fingerprint`,
kept in the version's meta with `prefilter.NAME_LAYOUT`), and so are its tokens' properties
(`matchers.token_props`, computed at load) where the version's fingerprint of them is its own.

A load parses, encodes and keys the entries in a pool of processes (`load`'s ``workers``;
`load_chunks` takes picklable chunk makers, so an input that can be cut needs no entry to
cross between processes) while this process writes them to Redis.

Versions: a load streams entries into a fresh namespace, hashing their content as it goes
(order-insensitive), then writes the index and ``meta`` and switches the list with one ``HSET``
of the pointer, then deletes the previous namespace (``meta`` first, then ``UNLINK`` via
``SCAN``). The version id is that content hash: loading the same file twice leaves the first
version active and drops the duplicate. Readers check, *after* reading, that every namespace
they read still has its ``meta``; the cleanup deletes ``meta`` before anything else, so a reader
either saw a whole version or retries: it never sees a mix. A version never changes once
complete, so what a reader cached from it stays true while the version is active.

Cluster: every key of a version carries one hash tag ``{P:wl:L:T}``, so the load script and
pipelines touch one slot. That concentrates a version on one shard (a 10M-document list is a
few GB on one node); spreading it means one tag per bucket group (``{P:wl:L:T:g}``), with the
index strings anywhere, since readers fetch them whole. The pointer hash lives in its own slot;
the switch is still a single command.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from contextlib import closing
from functools import partial
from datetime import UTC, datetime

import numpy as np
import orjson
import redis

from matchers import token_props
from matchers.features import parse_date
from matchers.index import ARRAYS, NAME_ARRAYS, POSTS_ORDER, PostingIndex, pack_dates, rank
from matchers.keys import digest, query_digests
from matchers.memo import Generations
from matchers.prefilter import NAME_LAYOUT
from matchers.records import parser_fingerprint
from matchers.store_codec import ActiveVersion as _Active
from matchers.store_codec import Candidate, LoadReport, decode_entry, decode_entry_forms, encode_entry
from matchers.store_load import (NameParts, Prepared, chunks, given, indexing_seed, load_workers,
                                  prepared_chunks)
from matchers.unread import NameBound, bound_names, dob_filter, dob_windows
from paxscreen.errors import EmptyWatchlist, Unavailable
from paxscreen.models import Traveller, WatchEntry

__all__ = ["Candidate", "LoadReport", "WatchlistStore", "decode_entry", "encode_entry"]

log = logging.getLogger(__name__)

# Bump when keys.py changes what keys mean or the index or entry encoding changes (4: birth
# dates in the index, parsed names with the entries; 5: the entries' name layouts in the index;
# 6: a key's postings ordered by birth year; 7: the vocabulary's token properties; 8: Slavic
# names' German/Polish/French spellings, two-part names glued). Versions of an older format
# stay readable, but names spelled otherwise than they were keyed are missed: load the list
# again (a new format makes a new version of the same file).
INDEX_FORMAT = "paxscreen.watchlist-index/8"
DEFAULT_BUCKETS = 1 << 19
POSTING_CAP = 4096  # entries per posting list before the key is left out (overflowed)
LOADING_TTL = 3600
ENTRY_CACHE = 100_000  # decoded entries a reader keeps, two generations of half (Settings.cache_entries)
_LIST_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")

# Write entries: KEYS[i] bucket hash, ARGV[2i-1], ARGV[2i] field, value (one call per chunk).
_HSET_MANY = """
for i = 1, #KEYS do
  redis.call('HSET', KEYS[i], ARGV[2 * i - 1], ARGV[2 * i])
end
return #KEYS
"""


class WatchlistStore:
    """Watchlists in Redis (sync redis-py; safe to share between threads).

    ``buckets`` is fixed per version at load time (stored in the version's pointer), so
    readers built with another value still read correctly.
    """

    def __init__(
        self,
        redis_client: redis.Redis,
        prefix: str = "paxscreen",
        *,
        buckets: int = DEFAULT_BUCKETS,
        posting_cap: int = POSTING_CAP,
        entry_cache: int = ENTRY_CACHE,
    ) -> None:
        if redis_client.get_connection_kwargs().get("decode_responses"):
            raise ValueError("WatchlistStore needs a redis client with decode_responses=False (keys are binary)")
        self.redis = redis_client
        self.prefix = prefix
        self.buckets = buckets
        self.posting_cap = posting_cap
        self._hset_many = redis_client.register_script(_HSET_MANY)
        self._active: dict[str, _Active] | None = None
        self._indexes: dict[str, PostingIndex] = {}  # by version tag
        self._entries = Generations(entry_cache)  # decoded entries

    # --- key names --------------------------------------------------------------------------

    @property
    def lists_key(self) -> str:
        return f"{self.prefix}:wl:lists"

    def _tag(self, list_name: str, token: str) -> str:
        return "{" + f"{self.prefix}:wl:{list_name}:{token}" + "}"

    @staticmethod
    def _bucket(d: bytes, buckets: int) -> int:
        return int.from_bytes(d[:4], "big") % buckets

    # --- loading ----------------------------------------------------------------------------

    def load(
        self,
        entries: Iterable[WatchEntry],
        *,
        list_name: str = "default",
        progress: Callable[[int], None] | None = None,
        batch: int = 5000,
        workers: int | None = None,
        allow_empty: bool = False,
    ) -> LoadReport:
        """Write ``entries`` as a new version of ``list_name``, switch to it, drop the old one.

        ``workers``: processes that parse, encode and key the entries (chunks of ``batch``)
        while this one reads ``entries`` and writes to Redis; None: one per CPU (at most 4), 1:
        all in this process. Lists of one chunk are always prepared here. No entry at all
        raises `EmptyWatchlist` and switches nothing, unless ``allow_empty``."""
        return self.load_chunks((partial(given, c) for c in chunks(entries, max(1, batch))),
                                list_name=list_name, progress=progress, workers=workers, allow_empty=allow_empty)

    def load_chunks(
        self,
        makers: Iterable[Callable[[], Sequence[WatchEntry]]],
        *,
        list_name: str = "default",
        progress: Callable[[int], None] | None = None,
        workers: int | None = None,
        allow_empty: bool = False,
    ) -> LoadReport:
        """`load` from chunk makers: picklable callables that each return a chunk of entries
        (say ``functools.partial(read_part, path, k)``), called in the pool's processes. Where
        the input can be cut so, nothing but the makers crosses between processes."""
        if not _LIST_NAME.match(list_name or ""):
            raise ValueError(f"list name {list_name!r} must be 1-64 characters of A-Z a-z 0-9 _ . -")
        started = time.monotonic()
        tag = self._tag(list_name, uuid.uuid4().hex[:12])
        buckets = self.buckets
        content = 0
        persons = documents = doc_numbers = name_keys = 0
        touched = bytearray(buckets)  # which entry bucket hashes exist
        key_parts: list[np.ndarray] = []
        entry_parts: list[np.ndarray] = []
        dated: list[tuple[bytes, int]] = []  # (entry digest, packed birth dates) of dated entries
        names = NameParts()
        try:
            self.redis.set(f"{tag}:loading", b"1", ex=LOADING_TTL)
            done = 0
            prepared = prepared_chunks(makers, buckets, load_workers(workers))
            with closing(prepared):  # closed at once on an error, so the pool stops
                for chunk in prepared:
                    self._write_chunk(tag, chunk, touched, key_parts, entry_parts, dated)
                    names.add(chunk)
                    content = (content + chunk.content) % (1 << 128)
                    persons += chunk.persons
                    documents += chunk.documents
                    doc_numbers += chunk.doc_numbers
                    name_keys += chunk.name_keys
                    done += len(chunk.buckets)
                    self.redis.expire(f"{tag}:loading", LOADING_TTL)
                    if progress:
                        progress(done)
            if persons + documents == 0 and not allow_empty:
                raise EmptyWatchlist(f"no entry to load into list {list_name!r}: its active version is kept")
            # asked now, not first: rigour's tagger (~7 s) is then built as the pool works
            content = (content + indexing_seed(INDEX_FORMAT, buckets, self.posting_cap)) % (1 << 128)
            index = PostingIndex.build(
                np.concatenate(key_parts) if key_parts else np.zeros(0, np.uint64),
                np.concatenate(entry_parts) if entry_parts else np.zeros(0, np.uint64),
                self.posting_cap,
                (
                    np.frombuffer(b"".join(d for d, _ in dated), dtype=">u8").astype(np.uint64),
                    np.array([p for _, p in dated], np.int32),
                ),
            )
            del key_parts, entry_parts, dated
            index = dataclasses.replace(index, names=names.build(index.eids))
            del names
            chunks = self._write_index(tag, index)
        except redis.RedisError as exc:
            self._drop_quietly(tag)
            raise Unavailable(f"loading watchlist {list_name!r} failed: {exc!r}") from exc
        except BaseException:
            self._drop_quietly(tag)  # a bad input line: the active version stays as it was
            raise
        version = f"{content:032x}"[:16]
        current = self._read_active().get(list_name)
        seconds = time.monotonic() - started
        if current is not None and current.version == version:
            self._drop(tag)
            m = current.meta
            log.info("watchlist %s unchanged (version %s)", list_name, version)
            return LoadReport(
                list_name, version, m["persons"], m["documents"], m["document_numbers"], seconds,
                m.get("name_keys", 0), unchanged=True,
            )
        meta = {
            "list": list_name,
            "version": version,
            "tag": tag,
            "buckets": buckets,
            "loaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "persons": persons,
            "documents": documents,
            "document_numbers": doc_numbers,
            "name_keys": name_keys,
            "index": chunks,
            "parser": parser_fingerprint(),  # entries carry their names parsed by this parser
            "names_layout": NAME_LAYOUT,  # and the index their layout (`prefilter.name_layout`)
            "posts_order": POSTS_ORDER,  # a key's postings by birth year (`index.year_codes`)
            "token_props": token_props.fingerprint(),  # the vocabulary's token properties
            "index_format": INDEX_FORMAT,  # what its keys mean
            "index_keys": len(index.keys),
            "index_postings": len(index.posts),
            "keys": len(touched) - touched.count(0) + sum(chunks.values()) + 1,
        }
        self._indexes[tag] = index  # the loader may screen next (batch screen)
        self.redis.hset(f"{tag}:meta", mapping={k: orjson.dumps(v) for k, v in meta.items()})
        self.redis.hset(self.lists_key, list_name, orjson.dumps(meta))  # the atomic switch
        self.redis.delete(f"{tag}:loading")
        self._active = None
        if current is not None:
            self._drop(current.tag)
            self._indexes.pop(current.tag, None)
        log.info(
            "watchlist %s version %s: %d persons, %d documents in %.1f s",
            list_name, version, persons, documents, time.monotonic() - started,
        )
        return LoadReport(list_name, version, persons, documents, doc_numbers, seconds, name_keys)

    def _write_chunk(
        self,
        tag: str,
        chunk: Prepared,
        touched: bytearray,
        key_parts: list[np.ndarray],
        entry_parts: list[np.ndarray],
        dated: list[tuple[bytes, int]],
    ) -> None:
        """Write one prepared chunk's entries (one script call) and keep its postings."""
        for b in chunk.buckets:
            touched[b] = 1
        if chunk.buckets:
            eids = [chunk.eids[i : i + 8] for i in range(0, len(chunk.eids), 8)]
            args: list[bytes] = []
            for eid, blob in zip(eids, chunk.blobs, strict=True):
                args += (eid, blob)
            self._hset_many(keys=[f"{tag}:e:{b}" for b in chunk.buckets], args=args)
        key_parts.append(np.frombuffer(chunk.key_digests, dtype=">u8").astype(np.uint64))
        entry_parts.append(np.repeat(np.frombuffer(chunk.eids, dtype=">u8").astype(np.uint64), chunk.per_entry))
        dated += chunk.dated

    def _write_index(self, tag: str, index: PostingIndex) -> dict[str, int]:
        counts = {}
        pipe = self.redis.pipeline(transaction=False)
        for name, parts in index.to_chunks().items():
            counts[name] = len(parts)
            for i, part in enumerate(parts):
                pipe.set(f"{tag}:ix:{name}:{i}", part)
        pipe.execute()
        return counts

    def _read_index(self, act: _Active) -> PostingIndex | None:
        """The version's index from Redis (None when the version is gone)."""
        chunks = act.meta.get("index")
        if not chunks:
            return None
        arrays = [name for name in ARRAYS if name in chunks]  # "dobs" since index format 4
        if self._names_usable(act):
            arrays += [name for name in (*NAME_ARRAYS, "vocab") if name in chunks]
            if "vocab_props" in chunks and act.meta.get("token_props") == token_props.fingerprint():
                arrays.append("vocab_props")
        pipe = self.redis.pipeline(transaction=False)
        for name in arrays:
            for i in range(int(chunks[name])):
                pipe.get(f"{act.tag}:ix:{name}:{i}")
        pipe.exists(f"{act.tag}:meta")
        res = pipe.execute()
        if not res[-1] or any(r is None for r in res[:-1]):
            return None
        out: dict[str, list[bytes]] = {}
        pos = 0
        for name in arrays:
            n = int(chunks[name])
            out[name] = res[pos : pos + n]
            pos += n
        return PostingIndex.from_chunks(out, by_year=act.meta.get("posts_order") == POSTS_ORDER)

    @staticmethod
    def _names_usable(act: _Active) -> bool:
        """Whether this reader may bound names with the version's stored layouts: laid out by
        the same `prefilter.name_layout` from names parsed by the same parser."""
        return act.meta.get("names_layout") == NAME_LAYOUT and act.meta.get("parser") == parser_fingerprint()

    # --- versions ---------------------------------------------------------------------------

    def _read_active(self) -> dict[str, _Active]:
        raw = self.redis.hgetall(self.lists_key)
        return self._parse_pointer(raw)

    @staticmethod
    def _parse_pointer(raw: dict) -> dict[str, _Active]:
        out = {}
        for name, value in (raw or {}).items():
            n = name.decode() if isinstance(name, bytes) else name
            out[n] = _Active.parse(n, value)
        return out

    def _drop(self, tag: str) -> int:
        """Delete a namespace: its ``meta`` first (readers check it), then every key."""
        self.redis.delete(f"{tag}:meta")
        removed = 0
        batch: list[bytes] = []
        for key in self.redis.scan_iter(match=f"{tag}:*", count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                removed += self.redis.unlink(*batch)
                batch = []
        if batch:
            removed += self.redis.unlink(*batch)
        return removed

    def _drop_quietly(self, tag: str) -> None:
        try:
            self._drop(tag)
        except redis.RedisError:  # Redis is gone: `cleanup` removes the debris later
            log.warning("could not delete a partly loaded watchlist version; run cleanup later")

    def status(self) -> list[dict]:
        """One dict per list: name, version, loaded_at, persons, documents, document_numbers,
        keys (Redis keys of the version) and an estimate of its memory in bytes."""
        out = []
        for name, act in sorted(self._read_active().items()):
            m = act.meta
            row = {
                "name": name,
                "version": act.version,
                "loaded_at": m.get("loaded_at"),
                "persons": m.get("persons", 0),
                "documents": m.get("documents", 0),
                "document_numbers": m.get("document_numbers", 0),
                "keys": m.get("keys", 0),
                "memory_bytes": self._memory_estimate(act),
                "index_format": m.get("index_format", "older"),  # not INDEX_FORMAT: load it again
            }
            out.append(row)
        return out

    def _memory_estimate(self, act: _Active, samples: int = 16) -> int | None:
        """MEMORY USAGE of a few entry bucket hashes, scaled to the version's bucket count, plus
        the index strings (None when the server does not say). The buckets sampled hold entries
        (read off the index's first entry digests): most buckets of a small list are empty."""
        index = [f"{act.tag}:ix:{n}:{i}" for n, c in (act.meta.get("index") or {}).items() for i in range(int(c))]
        try:
            raw = self.redis.getrange(f"{act.tag}:ix:eids:0", 0, 8 * 64 * samples - 1)  # sorted uint64
            eids = np.frombuffer(raw[: len(raw) // 8 * 8], np.uint64)[:: max(1, len(raw) // 8 // samples)]
            names = [f"{act.tag}:e:{self._bucket(d.to_bytes(8, 'big'), act.buckets)}"
                     for d in dict.fromkeys(eids.tolist())]
            pipe = self.redis.pipeline(transaction=False)
            for name in names + index:
                pipe.memory_usage(name)
            res = pipe.execute()
        except redis.RedisError:
            return None
        sizes = [n for n in res[: len(names)] if n]
        if not sizes:
            return None
        ix_keys = len(index)
        e_keys = max(0, int(act.meta.get("keys", len(sizes))) - ix_keys - 1)
        return int(sum(sizes) / len(sizes) * e_keys + sum(n or 0 for n in res[len(names) :]))

    def remove_list(self, name: str) -> bool:
        """Deactivate a list and delete its keys; False when no such list is active."""
        current = self._read_active().get(name)
        if current is None:
            return False
        self.redis.hdel(self.lists_key, name)
        self._active = None
        self._indexes.pop(current.tag, None)
        self._drop(current.tag)
        return True

    def cleanup(self) -> int:
        """Delete namespaces of this prefix that no list points at and no load is writing
        (left behind by a crashed load). Returns the number of keys removed."""
        active = {a.tag for a in self._read_active().values()}
        tags: set[str] = set()
        for key in self.redis.scan_iter(match="{" + f"{self.prefix}:wl:*", count=1000):
            k = key.decode() if isinstance(key, bytes) else key
            tags.add(k[: k.index("}") + 1])
        removed = 0
        for tag in tags - active:
            if not self.redis.exists(f"{tag}:loading"):
                removed += self._drop(tag)
        return removed

    # --- reading ----------------------------------------------------------------------------

    def entry(self, entry_id: str) -> WatchEntry | None:
        """An entry by id from any active list (None when absent)."""
        eid = digest("e:" + entry_id)
        for act in self._read_active().values():
            blob = self.redis.hget(f"{act.tag}:e:{self._bucket(eid, act.buckets)}", eid)
            if blob:
                return decode_entry(blob)
        return None

    def candidates(self, travellers: Sequence[Traveller], limit: int) -> list[list[WatchEntry]]:
        """Candidate entries per traveller, best first (see `lookup`)."""
        return [[c.entry for c in cands] for cands in self.lookup(travellers, limit)]

    def lookup(
        self,
        travellers: Sequence[Traveller],
        limit: int,
        attempts: int = 5,
        *,
        thresholds: dict[str, float] | None = None,
        names: NameBound | None = None,
        lists: Collection[str] | None = None,
    ) -> list[list[Candidate]]:
        """Candidates for a batch of travellers across every active list (or those of them
        named in ``lists``): one round trip to check the active versions, the ranking in
        memory, one round trip for the entries not cached yet.

        Per traveller and list, entries are ranked by how many keys they share with it and at
        most ``limit`` are kept, plus every entry found through a document key (never dropped).
        With ``thresholds`` (kind -> threshold), entries found through name keys only whose
        birth date rules out every kind (`unread.keyless_possible`) are dropped first,
        unread, and take no place among the ``limit``. With ``names`` too (a bound of name
        similarity from the versions' `NameTable`s, which the screener computes with its token
        table), the chosen ones that still cannot reach a threshold are dropped, unread: the
        same ones the screener's own prefilter would drop after reading them, or fewer.
        """
        if not travellers:
            return []
        wanted = None if lists is None else set(lists)
        queries = [query_digests(t) for t in travellers]
        possible = windows = None
        if thresholds is not None:
            t_dobs = np.array([pack_dates([p] if (p := parse_date(t.date_of_birth)) else []) for t in travellers],
                              np.int32)
            windows = dob_windows(t_dobs, thresholds)
        for _ in range(attempts):
            if (active := self._current()) is None:
                continue  # a switch happened (or first call): read again
            lists = active if wanted is None else [a for a in active if a.list_name in wanted]
            indexes = [self._indexes[a.tag] for a in lists]
            if thresholds is not None:
                possible = dob_filter(indexes, t_dobs, thresholds)
            ranked = rank(indexes, queries, limit, possible, windows)
            if thresholds is not None and names is not None:
                tables = [ix.names if self._names_usable(a) else None for a, ix in zip(lists, indexes, strict=True)]
                ranked = bound_names(ranked, tables, indexes, t_dobs, thresholds, names)
            entries = self._fetch(lists, ranked)
            if entries is None:
                self._active = None
                continue
            out: list[list[Candidate]] = [[] for _ in travellers]
            trusted = [a.meta.get("parser") == parser_fingerprint() for a in lists]
            for t, li, got, n, hit in zip(
                ranked.trav.tolist(), ranked.lst.tolist(), entries, ranked.shared.tolist(), ranked.hit.tolist(),
                strict=True,
            ):
                if got is not None:
                    act = lists[li]
                    out[t].append(Candidate(got[0], act.list_name, act.version, n, hit, got[1] if trusted[li] else None))
            return out
        raise Unavailable(f"watchlist versions kept changing during {attempts} lookups; retry")

    def _current(self) -> list[_Active] | None:
        """The active versions by list name, checked with one round trip; None after adopting
        a switch (or on the first call): ask again."""
        lists = sorted((self._active or {}).values(), key=lambda a: a.list_name)
        pipe = self.redis.pipeline(transaction=False)
        for act in lists:
            pipe.exists(f"{act.tag}:meta")
        pipe.hgetall(self.lists_key)
        res = pipe.execute()
        pointer = self._parse_pointer(res[-1])
        if ({a.tag for a in lists} != {a.tag for a in pointer.values()} or not all(res[:-1])
                or any(a.tag not in self._indexes for a in lists)):
            self._switch(pointer)
            return None
        return lists

    def versions(self, attempts: int = 5) -> tuple[tuple[str, str], ...]:
        """(list name, tag) of each active version, by list name, checked with one round trip
        (adopting a switch, as `lookup` does): what a screening against each list depends on.
        Each load writes under a new random tag."""
        for _ in range(attempts):
            if (lists := self._current()) is not None:
                return tuple((a.list_name, a.tag) for a in lists)
        raise Unavailable(f"watchlist versions kept changing during {attempts} checks; retry")

    def _switch(self, pointer: dict[str, _Active]) -> None:
        """Adopt the active versions: read the index of each new one, forget the old ones."""
        for act in pointer.values():
            if act.tag not in self._indexes:
                if act.meta.get("index_format") != INDEX_FORMAT:
                    log.warning("watchlist %s version %s was keyed by an older paxscreen: names spelled otherwise "
                                "than then are missed; load it again", act.list_name, act.version)
                index = self._read_index(act)
                if index is not None:
                    self._indexes[act.tag] = index
        live = {a.tag for a in pointer.values()}
        for tag in list(self._indexes):
            if tag not in live:
                del self._indexes[tag]
        self._active = pointer

    def _fetch(self, lists: list[_Active], ranked) -> list[tuple[WatchEntry, tuple | None] | None] | None:
        """The ranked entries with their stored parsed names, from the cache or (one pipeline)
        from Redis; None when a version went away while reading."""
        out: list[tuple[WatchEntry, tuple | None] | None] = []
        missing: dict[tuple[str, int], list[int]] = {}
        eid_tables = [self._indexes[a.tag].eids for a in lists]
        cache = self._entries
        for i, (li, o) in enumerate(zip(ranked.lst.tolist(), ranked.ords.tolist(), strict=True)):
            key = (lists[li].tag, int(eid_tables[li][o]))
            e = cache.get(key)
            out.append(e)
            if e is None:
                missing.setdefault(key, []).append(i)
        pipe = self.redis.pipeline(transaction=False)
        want = list(missing)
        by_tag = {a.tag: a for a in lists}
        for tag, eid in want:
            d = eid.to_bytes(8, "big")
            pipe.hget(f"{tag}:e:{self._bucket(d, by_tag[tag].buckets)}", d)
        for act in lists:
            pipe.exists(f"{act.tag}:meta")
        res = pipe.execute()
        if not all(res[len(want) :]):
            return None
        for key, blob in zip(want, res, strict=False):
            if not blob:
                continue
            e = decode_entry_forms(blob)
            cache.put(key, e)
            for i in missing[key]:
                out[i] = e
        return out
