"""The watchlist in Redis: versioned loads, an atomic switch, and batched candidate lookup.

Layout (``P`` = prefix, ``L`` = list name, ``T`` = a load's token)::

    P:wl:lists                 hash   list name -> JSON of its active version (the pointer)
    {P:wl:L:T}:meta            hash   the version's counts; exists iff the version is complete
    {P:wl:L:T}:loading         string while a load writes (expires; lets `cleanup` skip it)
    {P:wl:L:T}:k:<bucket>      hash   8-byte key digest -> concatenated 8-byte entry digests
    {P:wl:L:T}:e:<bucket>      hash   8-byte entry digest -> the entry (orjson array)

Memory: keys and entry ids are stored as 8-byte blake2b digests and spread over a fixed
number of bucket hashes (default 2^19), so a list of 1M persons and 10M documents makes
about a million Redis keys of ~60 small fields each (listpack-encoded), not 30M keys. A
posting list that grows past `POSTING_CAP` entries is replaced by ``!`` (overflowed): such a
key says too little to be worth reading, and the birth-year keys (``y:``) stay selective.

Versions: a load streams entries into a fresh namespace, hashing their content as it goes
(order-insensitive), then writes ``meta`` and switches the list with one ``HSET`` of the
pointer, then deletes the previous namespace (``meta`` first, then ``UNLINK`` via ``SCAN``).
The version id is that content hash: loading the same file twice leaves the first version
active and drops the duplicate. Readers check, *after* reading, that every namespace they
read still has its ``meta``; the cleanup deletes ``meta`` before anything else, so a reader
either saw a whole version or retries: it never sees a mix.

Cluster: every key of a version carries one hash tag ``{P:wl:L:T}``, so the load script and
pipelines touch one slot. That concentrates a version on one shard (a 10M-document list is a
few GB on one node); spreading it would mean a tag per bucket group and per-slot scripts.
The pointer hash lives in its own slot; the switch is still a single command.
"""

from __future__ import annotations

import hashlib
import heapq
import logging
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
import redis

from matchers.keys import KEY_BYTES, digest, entry_keys, traveller_keys
from matchers.store_codec import Candidate, LoadReport, decode_entry, encode_entry
from paxscreen.errors import Unavailable
from paxscreen.models import Traveller, WatchEntry

__all__ = ["Candidate", "LoadReport", "WatchlistStore", "decode_entry", "encode_entry"]

log = logging.getLogger(__name__)

INDEX_FORMAT = "paxscreen.watchlist-index/1"  # bump when keys.py changes what keys mean
DEFAULT_BUCKETS = 1 << 19
POSTING_CAP = 4096  # entries per posting list before the key is marked overflowed
OVERFLOW = b"!"
LOADING_TTL = 3600
_LIST_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_SCRIPT_KEYS = 10_000  # posting appends per script call

# Append postings: KEYS[i] bucket hash, ARGV[1] cap in bytes, ARGV[2i], ARGV[2i+1] field, value.
_APPEND = """
local cap = tonumber(ARGV[1])
for i = 1, #KEYS do
  local f = ARGV[2 * i]
  local v = ARGV[2 * i + 1]
  local cur = redis.call('HGET', KEYS[i], f)
  if not cur then
    if #v > cap then v = '!' end
    redis.call('HSET', KEYS[i], f, v)
  elseif cur ~= '!' then
    if #cur + #v > cap then
      redis.call('HSET', KEYS[i], f, '!')
    else
      redis.call('HSET', KEYS[i], f, cur .. v)
    end
  end
end
return #KEYS
"""


@dataclass(frozen=True, slots=True)
class _Active:
    list_name: str
    version: str
    tag: str
    buckets: int
    meta: dict

    @classmethod
    def parse(cls, name: str, raw: bytes) -> _Active:
        m = orjson.loads(raw)
        return cls(name, m["version"], m["tag"], int(m["buckets"]), m)


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


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
    ) -> None:
        if redis_client.get_connection_kwargs().get("decode_responses"):
            raise ValueError("WatchlistStore needs a redis client with decode_responses=False (keys are binary)")
        self.redis = redis_client
        self.prefix = prefix
        self.buckets = buckets
        self.posting_cap = posting_cap
        self._append = redis_client.register_script(_APPEND)
        self._active: dict[str, _Active] | None = None

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
    ) -> LoadReport:
        """Write ``entries`` as a new version of ``list_name``, switch to it, drop the old one."""
        if not _LIST_NAME.match(list_name or ""):
            raise ValueError(f"list name {list_name!r} must be 1-64 characters of A-Z a-z 0-9 _ . -")
        started = time.monotonic()
        tag = self._tag(list_name, uuid.uuid4().hex[:12])
        buckets = self.buckets
        # The version hashes the content and how it is indexed: reloading the same file after an
        # upgrade that changes keys (INDEX_FORMAT) or buckets builds a new version.
        seed = f"{INDEX_FORMAT}|{buckets}|{self.posting_cap}".encode()
        content = int.from_bytes(hashlib.blake2b(seed, digest_size=16).digest(), "big")
        persons = documents = doc_numbers = name_keys = 0
        touched = bytearray(2 * buckets)  # which bucket hashes exist: entries, then postings
        try:
            self.redis.set(f"{tag}:loading", b"1", ex=LOADING_TTL)
            done = 0
            for chunk in _chunks(entries, max(1, batch)):
                stats = self._write_chunk(tag, buckets, chunk, touched)
                content = (content + stats[0]) % (1 << 128)
                persons += stats[1]
                documents += stats[2]
                doc_numbers += stats[3]
                name_keys += stats[4]
                done += len(chunk)
                self.redis.expire(f"{tag}:loading", LOADING_TTL)
                if progress:
                    progress(done)
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
            "keys": len(touched) - touched.count(0) + 1,
        }
        self.redis.hset(f"{tag}:meta", mapping={k: str(v) for k, v in meta.items()})
        self.redis.hset(self.lists_key, list_name, orjson.dumps(meta))  # the atomic switch
        self.redis.delete(f"{tag}:loading")
        self._active = None
        if current is not None:
            self._drop(current.tag)
        log.info(
            "watchlist %s version %s: %d persons, %d documents in %.1f s",
            list_name, version, persons, documents, time.monotonic() - started,
        )
        return LoadReport(list_name, version, persons, documents, doc_numbers, seconds, name_keys)

    def _write_chunk(
        self, tag: str, buckets: int, chunk: list[WatchEntry], touched: bytearray
    ) -> tuple[int, int, int, int, int]:
        postings: dict[bytes, bytearray] = {}
        content = persons = documents = doc_numbers = name_count = 0
        pipe = self.redis.pipeline(transaction=False)
        for entry in chunk:
            blob = encode_entry(entry)
            content += int.from_bytes(hashlib.blake2b(blob, digest_size=16).digest(), "big")
            eid = digest("e:" + entry.id)
            bucket = self._bucket(eid, buckets)
            ekey = f"{tag}:e:{bucket}"
            touched[bucket] = 1
            pipe.hset(ekey, eid, blob)
            if entry.schema == "Document":
                documents += 1
            else:
                persons += 1
            names, docs = entry_keys(entry)
            doc_numbers += len(docs)
            name_count += len(names)
            for key in names | docs:
                postings.setdefault(digest(key), bytearray()).extend(eid)
        pipe.execute()
        items = list(postings.items())
        cap = str(self.posting_cap * KEY_BYTES)
        for part in _chunks(items, _SCRIPT_KEYS):
            keys = []
            args: list[bytes | str] = [cap]
            for d, value in part:
                bucket = self._bucket(d, buckets)
                k = f"{tag}:k:{bucket}"
                touched[buckets + bucket] = 1
                keys.append(k)
                args += [d, bytes(value)]
            self._append(keys=keys, args=args)
        return content, persons, documents, doc_numbers, name_count

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
            }
            out.append(row)
        return out

    def _memory_estimate(self, act: _Active, samples: int = 16) -> int | None:
        """MEMORY USAGE of a few bucket hashes, scaled to the version's key count (None when
        the server does not say)."""
        step = max(1, act.buckets // samples)
        names = [f"{act.tag}:{kind}:{i}" for kind in ("e", "k") for i in range(0, act.buckets, step)]
        try:
            pipe = self.redis.pipeline(transaction=False)
            for name in names:
                pipe.memory_usage(name)
            sizes = [n for n in pipe.execute() if n]
        except redis.RedisError:
            return None
        if not sizes:
            return None
        return int(sum(sizes) / len(sizes) * int(act.meta.get("keys", len(sizes))))

    def remove_list(self, name: str) -> bool:
        """Deactivate a list and delete its keys; False when no such list is active."""
        current = self._read_active().get(name)
        if current is None:
            return False
        self.redis.hdel(self.lists_key, name)
        self._active = None
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

    def lookup(self, travellers: Sequence[Traveller], limit: int, attempts: int = 5) -> list[list[Candidate]]:
        """Candidates for a batch of travellers across every active list, in two pipelined
        round trips: postings of every key of the batch, then the chosen entries.

        Per traveller, entries are ranked by how many keys they share with it and at most
        ``limit`` are kept, plus every entry found through a document key (never dropped).
        """
        queries = []
        for t in travellers:
            names, docs = traveller_keys(t)
            queries.append(({digest(k) for k in names}, {digest(k) for k in docs}))
        wanted = sorted({d for n, dd in queries for d in n | dd})
        for _ in range(attempts):
            lists = sorted((self._active or {}).values(), key=lambda a: a.list_name)
            pipe = self.redis.pipeline(transaction=False)
            for act in lists:
                for d in wanted:
                    pipe.hget(f"{act.tag}:k:{self._bucket(d, act.buckets)}", d)
            for act in lists:
                pipe.exists(f"{act.tag}:meta")
            pipe.hgetall(self.lists_key)
            res = pipe.execute()
            pointer = self._parse_pointer(res[-1])
            markers = res[len(lists) * len(wanted) : -1]
            if {a.tag for a in lists} != {a.tag for a in pointer.values()} or not all(markers):
                self._active = pointer  # a switch happened (or first call): read again
                continue
            chosen = self._rank(queries, lists, wanted, res, limit)
            entries = self._fetch(lists, chosen)
            if entries is None:
                self._active = None
                continue
            return [
                [
                    Candidate(entries[(li, e)], lists[li].list_name, lists[li].version, n, hit)
                    for li, e, n, hit in per
                    if (li, e) in entries
                ]
                for per in chosen
            ]
        raise Unavailable(f"watchlist versions kept changing during {attempts} lookups; retry")

    def _rank(
        self, queries, lists: list[_Active], wanted: list[bytes], res: list, limit: int
    ) -> list[list[tuple[int, bytes, int, bool]]]:
        index = {d: i for i, d in enumerate(wanted)}
        width = len(wanted)
        chosen = []
        for names, docs in queries:
            ranked: list[tuple[int, int, bytes, bool]] = []  # (-count, list, entry, document hit)
            for li in range(len(lists)):
                base = li * width
                counts: Counter[bytes] = Counter()
                hits: set[bytes] = set()
                for group, is_doc in ((names, False), (docs, True)):
                    for d in group:
                        raw = res[base + index[d]]
                        if not raw or raw == OVERFLOW:
                            continue
                        ids = [raw[i : i + KEY_BYTES] for i in range(0, len(raw), KEY_BYTES)]
                        counts.update(ids)
                        if is_doc:
                            hits.update(ids)
                ranked += [(-n, li, e, e in hits) for e, n in counts.items()]
            kept = [r for r in ranked if r[3]]
            others = heapq.nsmallest(max(0, limit), (r for r in ranked if not r[3]))
            chosen.append([(li, e, -n, hit) for n, li, e, hit in sorted(kept) + others])
        return chosen

    def _fetch(self, lists: list[_Active], chosen) -> dict[tuple[int, bytes], WatchEntry] | None:
        want = sorted({(li, e) for per in chosen for li, e, _, _ in per})
        pipe = self.redis.pipeline(transaction=False)
        for li, e in want:
            act = lists[li]
            pipe.hget(f"{act.tag}:e:{self._bucket(e, act.buckets)}", e)
        for act in lists:
            pipe.exists(f"{act.tag}:meta")
        res = pipe.execute()
        if not all(res[len(want) :]):
            return None
        return {k: decode_entry(blob) for k, blob in zip(want, res, strict=False) if blob}
