"""The in-process posting index of one watchlist version, and batched candidate ranking.

A version's blocking keys (`matchers.keys`) are turned into three numpy arrays when the list is
loaded, stored in Redis as a few large strings next to the entries, and read back whole by every
reader (a worker holds the index of each active version in memory: for 1M persons and 10M
documents about 300 MB):

* ``keys``    uint64, sorted: the 8-byte digest of every key that has postings;
* ``starts``  uint32, ``len(keys) + 1``: where each key's postings begin in ``posts``;
* ``posts``   uint32: entry ordinals, ascending within a key;
* ``eids``    uint64, sorted: the 8-byte digest of each entry id, by ordinal (so ordinal order
  is entry-digest order, the tie-break of the ranking);
* ``dobs``    int32, by ordinal: the entry's birth date packed as ``yyyymmdd`` (month and day 0
  when not given), 0 when it has none, -1 when it has several (`pack_dates`). Ranking uses it
  to drop namesakes born years apart before they are read at all (`matchers.prefilter`).

Keys whose posting list would pass the cap are left out (overflowed: they say too little to be
worth reading; the birth-year keys stay selective).

`rank` answers a whole batch of travellers with numpy: every posting of every key of the batch is
gathered at once, one stable sort over (traveller, entry) counts the keys each entry shares with
each traveller, and per traveller every entry found through a document key is kept plus the
``limit`` best others (most shared keys first, then list, then entry digest).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["ARRAYS", "PostingIndex", "Ranked", "pack_dates", "rank"]

_CHUNK_BYTES = 32 << 20  # a Redis string holds at most this much of one array
ARRAYS = ("keys", "starts", "posts", "eids", "dobs")


def digests_to_u64(blob: bytes) -> np.ndarray:
    """Concatenated 8-byte digests as uint64 whose numeric order is the bytes' order."""
    return np.frombuffer(blob, dtype=">u8").astype(np.uint64)


def u64_to_digest(v: int) -> bytes:
    return int(v).to_bytes(8, "big")


@dataclass(frozen=True, slots=True)
class PostingIndex:
    keys: np.ndarray
    starts: np.ndarray
    posts: np.ndarray
    eids: np.ndarray
    dobs: np.ndarray  # int32 per ordinal, see the module docstring

    @classmethod
    def empty(cls) -> PostingIndex:
        return cls(np.zeros(0, np.uint64), np.zeros(1, np.uint32), np.zeros(0, np.uint32), np.zeros(0, np.uint64),
                   np.zeros(0, np.int32))

    @classmethod
    def build(
        cls, key_d: np.ndarray, entry_d: np.ndarray, cap: int, dates: tuple[np.ndarray, np.ndarray] | None = None
    ) -> PostingIndex:
        """From parallel arrays of (key digest, entry digest) pairs; lists longer than ``cap``
        are dropped (overflowed). ``dates``: (entry digests, packed birth dates) of the entries
        (`pack_dates`); an entry missing from it counts as having no birth date."""
        eids = np.unique(entry_d)
        dobs = np.zeros(len(eids), np.int32)
        if dates is not None and len(dates[0]) and len(eids):
            at = np.minimum(np.searchsorted(eids, dates[0]), len(eids) - 1)
            found = eids[at] == dates[0]
            dobs[at[found]] = dates[1][found]
        if not len(key_d):
            return cls(np.zeros(0, np.uint64), np.zeros(1, np.uint32), np.zeros(0, np.uint32), eids, dobs)
        ords = np.searchsorted(eids, entry_d).astype(np.uint64)
        order = np.lexsort((ords, key_d))
        k, o = key_d[order], ords[order]
        keep = np.ones(len(k), bool)
        keep[1:] = (k[1:] != k[:-1]) | (o[1:] != o[:-1])  # one posting per (key, entry)
        k, o = k[keep], o[keep]
        first = np.ones(len(k), bool)
        first[1:] = k[1:] != k[:-1]
        heads = np.flatnonzero(first)
        counts = np.diff(np.append(heads, len(k)))
        ok = counts <= cap
        keys = k[heads[ok]]
        mask = np.repeat(ok, counts)
        posts = o[mask].astype(np.uint32)
        starts = np.zeros(len(keys) + 1, np.uint32)
        np.cumsum(counts[ok], out=starts[1:])
        return cls(keys, starts, posts, eids, dobs)

    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.keys, self.starts, self.posts, self.eids, self.dobs))

    # --- Redis blobs ------------------------------------------------------------------------

    def to_chunks(self) -> dict[str, list[bytes]]:
        out = {}
        for name in ARRAYS:
            raw = getattr(self, name).tobytes()
            out[name] = [raw[i : i + _CHUNK_BYTES] for i in range(0, len(raw), _CHUNK_BYTES)] or [b""]
        return out

    @classmethod
    def from_chunks(cls, chunks: dict[str, list[bytes]]) -> PostingIndex:
        dt = {"keys": np.uint64, "starts": np.uint32, "posts": np.uint32, "eids": np.uint64, "dobs": np.int32}
        arrays = {n: np.frombuffer(b"".join(parts), dtype=dt[n]) for n, parts in chunks.items()}
        if "dobs" not in arrays:  # a version written before birth dates were indexed: none known
            arrays["dobs"] = np.zeros(len(arrays["eids"]), np.int32)
        return cls(**arrays)


def pack_dates(dates) -> int:
    """One entry's birth dates (parsed ``(year, month, day)`` tuples, month and day possibly
    None) packed for the index: ``yyyymmdd``, 0 for none, -1 for several distinct ones."""
    distinct = set(dates)
    if not distinct:
        return 0
    if len(distinct) > 1:
        return -1
    y, m, d = distinct.pop()
    return y * 10000 + (m or 0) * 100 + ((d or 0) if m else 0)


@dataclass(frozen=True, slots=True)
class Ranked:
    """Candidates of a batch, flat: traveller, list, entry ordinal, shared keys, document hit;
    grouped by traveller in output order."""

    trav: np.ndarray
    lst: np.ndarray
    ords: np.ndarray
    shared: np.ndarray
    hit: np.ndarray


def _gather(index: PostingIndex, q_trav: np.ndarray, q_key: np.ndarray, q_doc: np.ndarray):
    """Every posting of the queried keys: (traveller, ordinal, is document key)."""
    if not len(index.keys) or not len(q_key):
        z = np.zeros(0, np.int64)
        return z, z.astype(np.uint64), z.astype(bool)
    pos = np.searchsorted(index.keys, q_key)
    pos = np.minimum(pos, len(index.keys) - 1)
    found = index.keys[pos] == q_key
    pos, t, d = pos[found], q_trav[found], q_doc[found]
    lo = index.starts[pos].astype(np.int64)
    n = index.starts[pos + 1].astype(np.int64) - lo
    total = int(n.sum())
    if not total:
        z = np.zeros(0, np.int64)
        return z, z.astype(np.uint64), z.astype(bool)
    # position of every posting: lo of its key plus its rank inside the key
    run_start = np.cumsum(n) - n
    idx = np.arange(total, dtype=np.int64) - np.repeat(run_start - lo, n)
    return np.repeat(t, n), index.posts[idx].astype(np.uint64), np.repeat(d, n)


def rank(
    indexes: list[PostingIndex],
    queries: list[tuple[np.ndarray, np.ndarray]],
    limit: int,
    possible: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> Ranked:
    """Rank the candidates of a batch (see the module docstring). ``queries[i]`` holds the name
    and document key digests (uint64) of traveller ``i``; ``indexes[li]`` is list ``li``'s index.

    ``possible(trav, lst, ords)``: which candidates found through name keys only could still
    match (a bool array); the others are dropped before the ``limit`` is applied, so they take
    no place from one that could. Document hits are always kept."""
    nt = len(queries)
    q_trav = np.repeat(np.arange(nt, dtype=np.int64), [len(a) + len(b) for a, b in queries])
    q_key = np.concatenate([np.concatenate([a, b]) for a, b in queries]) if nt else np.zeros(0, np.uint64)
    q_doc = np.concatenate([np.r_[np.zeros(len(a), bool), np.ones(len(b), bool)] for a, b in queries]) if nt else np.zeros(0, bool)
    parts = []
    for li, index in enumerate(indexes):
        t, o, d = _gather(index, q_trav, q_key.astype(np.uint64), q_doc)
        if len(t):
            # traveller (20 bits) | list (4) | ordinal (32) | document key (1), one sortable word
            parts.append((t.astype(np.uint64) << np.uint64(37)) | (np.uint64(li) << np.uint64(33))
                         | (o << np.uint64(1)) | d.astype(np.uint64))
    if not parts:
        z = np.zeros(0, np.int64)
        return Ranked(z, z, z.astype(np.uint64), z, z.astype(bool))
    word = np.sort(np.concatenate(parts), kind="stable")
    ent = word >> np.uint64(1)
    head = np.ones(len(ent), bool)
    head[1:] = ent[1:] != ent[:-1]
    heads = np.flatnonzero(head)
    shared = np.diff(np.append(heads, len(ent)))
    hit = np.maximum.reduceat((word & np.uint64(1)).astype(np.int8), heads).astype(bool)
    e = ent[heads]
    trav = (e >> np.uint64(36)).astype(np.int64)
    lst = ((e >> np.uint64(32)) & np.uint64(0xF)).astype(np.int64)
    ords = e & np.uint64(0xFFFFFFFF)
    if possible is not None and len(e):
        live = hit | possible(trav, lst, ords)
        trav, lst, ords, shared, hit = trav[live], lst[live], ords[live], shared[live], hit[live]
    # per traveller: document hits, then the `limit` best others by (-shared, list, ordinal)
    order = np.lexsort((ords, lst, -shared, ~hit, trav))
    trav, lst, ords, shared, hit = trav[order], lst[order], ords[order], shared[order], hit[order]
    if limit >= 0:
        other = ~hit
        grp = np.ones(len(trav), bool)
        grp[1:] = (trav[1:] != trav[:-1]) | (hit[1:] != hit[:-1])
        start = np.maximum.accumulate(np.where(grp, np.arange(len(trav)), 0))
        keep = hit | ((np.arange(len(trav)) - start) < limit)
        keep &= hit | other
        trav, lst, ords, shared, hit = trav[keep], lst[keep], ords[keep], shared[keep], hit[keep]
    return Ranked(trav, lst, ords, shared, hit)
