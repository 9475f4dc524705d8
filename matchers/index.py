"""The in-process posting index of one watchlist version, and batched candidate ranking.

A version's blocking keys (`matchers.keys`) are turned into three numpy arrays when the list is
loaded, stored in Redis as a few large strings next to the entries, and read back whole by every
reader (a worker holds the index of each active version in memory: for 1M persons and 10M
documents about 300 MB):

* ``keys``    uint64, sorted: the 8-byte digest of every key that has postings;
* ``starts``  uint32, ``len(keys) + 1``: where each key's postings begin in ``posts``;
* ``posts``   uint32: entry ordinals; within a key ordered by the entry's birth-year code
  (`year_codes`: undated entries first), then ascending (`POSTS_ORDER`);
* ``eids``    uint64, sorted: the 8-byte digest of each entry id, by ordinal (so ordinal order
  is entry-digest order, the tie-break of the ranking);
* ``dobs``    int32, by ordinal: the entry's birth date packed as ``yyyymmdd`` (month and day 0
  when not given), 0 when it has none, -1 when it has several (`pack_dates`). Ranking uses it
  to drop namesakes born years apart before they are read at all (`matchers.prefilter`).

A reader also keeps ``years``, the birth-year code of each posting, so that a traveller's name
keys are read only in the years its birth date leaves possible (`rank`'s ``windows``).

And, for the entries with names, their names' layout (`NameTable`: each entry's distinct name
tokens, glued forms included, as ids into the version's vocabulary, and its variants as
positions into those; `prefilter.name_layout`), so a reader can bound a candidate's name
similarity before reading it.

Keys whose posting list would pass the cap are left out (overflowed: they say too little to be
worth reading; the birth-year keys stay selective).

`rank` answers a whole batch of travellers with numpy: every posting of every key of the batch is
gathered at once (of a name key, with ``windows``, only the undated entries and those born in
the traveller's window of years), one stable sort over (traveller, entry) counts the keys each
entry shares with each traveller, and per traveller every entry found through a document key is kept plus,
of each list, the ``limit`` best others (most shared keys first, then entry digest): a list's
candidates are the same whichever other lists are active (`screening.Screener` screens a
traveller pushed again against the lists loaded since only).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

__all__ = [
    "ARRAYS", "NAME_ARRAYS", "POSTS_ORDER", "NameTable", "PostingIndex", "Ranked", "YearWindows", "pack_dates", "rank",
    "ragged_take", "year_codes",
]

_CHUNK_BYTES = 32 << 20  # a Redis string holds at most this much of one array
ARRAYS = ("keys", "starts", "posts", "eids", "dobs")
# the name table's arrays (`NameTable`), stored beside them; "vocab" is its tokens, joined by "\n",
# and "vocab_props" their `token_props` lines (since index format 7)
NAME_ARRAYS = {"named": np.uint32, "tok_start": np.uint32, "toks": np.uint32, "var_start": np.uint32,
               "var_len": np.uint8, "pos_start": np.uint32, "pos": np.uint8, "glue_start": np.uint32, "glue": np.uint32}
# How postings are ordered within a key (a version's meta says it): by `year_codes`, then ordinal.
POSTS_ORDER = "birth-year/1"
_YEAR_BASE = 1899  # code 1 is 1900 or before, 255 is 2154 or after


def year_codes(dobs: np.ndarray) -> np.ndarray:
    """The birth-year code the index orders a key's postings by, per packed birth date
    (`pack_dates`): 0 for none or several, else the year as 1 (1900 or before) .. 255."""
    d = np.asarray(dobs, np.int64)
    return np.where(d > 0, np.clip(d // 10000 - _YEAR_BASE, 1, 255), 0).astype(np.uint8)


def ragged_take(lengths: np.ndarray, flat: np.ndarray, rows: np.ndarray, starts: np.ndarray | None = None):
    """Rows ``rows`` of a ragged array (row ``i`` is ``flat[starts[i]:starts[i] + lengths[i]]``,
    rows back to back when ``starts`` is None): (their lengths, their elements, flat)."""
    lengths = np.asarray(lengths, np.int64)
    if starts is None:
        starts = np.cumsum(lengths) - lengths
    return _take(np.asarray(starts, np.int64)[rows], lengths[rows], flat)


def _take(lo: np.ndarray, n: np.ndarray, flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The runs ``flat[lo[i]:lo[i] + n[i]]``, back to back: (``n``, their elements)."""
    idx = np.repeat(lo - (np.cumsum(n) - n), n) + np.arange(int(n.sum()), dtype=np.int64)
    return n, flat[idx]


class NameTable:
    """The names of a version's entries, for bounding name similarity before an entry is read.

    ``named``: the ordinals of entries with names (ascending); for row ``r`` (that entry):
    ``toks[tok_start[r]:tok_start[r + 1]]`` its distinct tokens (ids into ``vocab``),
    ``var_len[var_start[r]:var_start[r + 1]]`` its variants' lengths,
    ``pos[pos_start[r]:pos_start[r + 1]]`` their tokens as positions into its tokens, and
    ``glue[glue_start[r]:glue_start[r + 1]]`` the words `align` may glue of them, as
    (first letter, length) codes (`prefilter.glue_codes`). Glued variants are not laid out.
    A reader keeps here the map from vocabulary ids to its own token table's (`token_ids`),
    and what else it derives from rows with that table (`derived`)."""

    __slots__ = (*NAME_ARRAYS, "vocab", "props", "_known", "_map", "_owner", "_codes", "_derived")
    DERIVED_MAX = 200_000  # rows' derived values kept (then they start over)

    def __init__(self, vocab: list[str], props: list[str] | None = None, **arrays: np.ndarray) -> None:
        """``props``: per vocabulary token, its `token_props` line (None: the reader computes them)."""
        for name in NAME_ARRAYS:
            setattr(self, name, arrays[name])
        self.vocab = vocab
        self.props = props
        self._known: dict[str, str] | None = None
        self._map: np.ndarray | None = None
        self._owner: tuple[int, int] | None = None
        self._codes: np.ndarray | None = None
        self._derived: dict = {}

    @classmethod
    def build(cls, eids: np.ndarray, vocab: list[str], named_eids: np.ndarray, n_tok: np.ndarray,
              tok_ids: np.ndarray, n_var: np.ndarray, var_len: np.ndarray, pos: np.ndarray,
              n_glue: np.ndarray, glue: np.ndarray, props: list[str] | None = None) -> NameTable:
        """From per-entry layouts in any order (entry digests ``named_eids``, each with at least
        one variant; ragged, entry after entry: ``tok_ids`` (into ``vocab``) by ``n_tok``,
        ``var_len`` by ``n_var``, ``pos`` by each entry's sum of variant lengths, ``glue`` by
        ``n_glue``); ``eids`` is the index's sorted entry digests (ordinal order). Entries not
        in it are left out. ``props``: per ``vocab`` token, its `token_props` line."""
        ords = np.searchsorted(eids, named_eids)
        found = (ords < len(eids)) & (eids[np.minimum(ords, len(eids) - 1)] == named_eids) if len(eids) else ords < 0
        order = np.flatnonzero(found)[np.argsort(ords[found], kind="stable")]
        n_pos = np.add.reduceat(var_len.astype(np.int64), np.cumsum(n_var) - n_var) if len(n_var) else n_var
        ntk, toks = ragged_take(n_tok, tok_ids, order)
        nvr, vlen = ragged_take(n_var, var_len, order)
        npos, ps = ragged_take(n_pos, pos, order)
        ngl, gl = ragged_take(n_glue, glue, order)

        def starts(n: np.ndarray) -> np.ndarray:
            out = np.zeros(len(n) + 1, np.uint32)
            np.cumsum(n, out=out[1:])
            return out

        return cls(vocab, props, named=ords[order].astype(np.uint32), tok_start=starts(ntk), toks=toks,
                   var_start=starts(nvr), var_len=vlen.astype(np.uint8), pos_start=starts(npos), pos=ps.astype(np.uint8),
                   glue_start=starts(ngl), glue=gl.astype(np.uint32))

    def take(self, column: str, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows of one stored ragged column ("toks", "var_len", "pos", "glue"): (lengths, elements)."""
        starts = getattr(self, {"toks": "tok_start", "var_len": "var_start"}.get(column, column + "_start"))
        lo = starts[rows].astype(np.int64)
        return _take(lo, starts[rows + 1].astype(np.int64) - lo, getattr(self, column))

    def rows(self, ords: np.ndarray) -> np.ndarray:
        """The row of each ordinal, -1 for entries without names."""
        if not len(self.named):
            return np.full(len(ords), -1, np.int64)
        at = np.minimum(np.searchsorted(self.named, ords), len(self.named) - 1)
        return np.where(self.named[at] == ords, at, -1)

    def token_ids(self, vocab_ids: np.ndarray, table) -> np.ndarray:
        """Vocabulary ids as ids of ``table`` (a `token_props.TokenTable`), adding the tokens it
        lacks; the map is kept until the table starts over, and follows it when compacted."""
        self.attach(table)
        got = self._map[vocab_ids]
        missing = np.unique(vocab_ids[got < 0])
        if len(missing):
            vocab = self.vocab
            self._map[missing] = [table.id(vocab[v]) for v in missing.tolist()]
            got = self._map[vocab_ids]
        return got

    def attach(self, table) -> None:
        """Derive from rows with ``table`` (a `token_props.TokenTable`) from now on, and let it take
        the properties of the vocabulary's tokens from ``props`` (`TokenTable.know`)."""
        owner = (table.serial, table.generation)
        if self._map is None or self._owner != owner:
            moved = table.moved
            if self._map is not None and moved is not None and self._owner == (table.serial, moved[0]):
                got = self._map >= 0  # the table was compacted: the ids it kept, renumbered
                self._map[got] = moved[1][self._map[got]]
            else:
                self._map = np.full(len(self.vocab), -1, np.int64)
            self._derived = {}
            self._owner = owner
            if self.props is not None:
                if self._known is None:
                    self._known = dict(zip(self.vocab, self.props, strict=True))
                table.know(self._known)

    def derived(self, table) -> dict:
        """A reader's cache of values derived from rows with ``table`` (a `token_props.TokenTable`),
        dropped when the table starts over, or when it holds `DERIVED_MAX` of them."""
        self.attach(table)
        if len(self._derived) >= self.DERIVED_MAX:
            self._derived.clear()
        return self._derived

    def token_codes(self) -> np.ndarray:
        """Per vocabulary id, the token's (first letter, length) code (`prefilter.key_code`)."""
        if self._codes is None:
            self._codes = np.fromiter(((ord(t[0]) << 8 | min(len(t), 255)) if t else 0 for t in self.vocab),
                                      np.int64, len(self.vocab))
        return self._codes

    def nbytes(self) -> int:
        text = sum(len(t) + 50 for t in self.vocab) + sum(len(t) + 50 for t in self.props or ())
        return sum(getattr(self, n).nbytes for n in NAME_ARRAYS) + text

    def to_chunks(self) -> dict[str, list[bytes]]:
        out = {n: _split(getattr(self, n).tobytes()) for n in NAME_ARRAYS}
        out["vocab"] = _split("\n".join(self.vocab).encode())
        if self.props is not None:
            out["vocab_props"] = _split("\n".join(self.props).encode())
        return out

    @classmethod
    def from_chunks(cls, chunks: dict[str, list[bytes]]) -> NameTable | None:
        if not all(n in chunks for n in (*NAME_ARRAYS, "vocab")):
            return None  # a version written before names were laid out in the index
        vocab, props = (_lines(chunks[n]) if n in chunks else None for n in ("vocab", "vocab_props"))
        return cls(vocab, props, **{n: np.frombuffer(b"".join(chunks[n]), dtype=t) for n, t in NAME_ARRAYS.items()})


def _lines(parts: list[bytes]) -> list[str]:
    raw = b"".join(parts).decode()
    return raw.split("\n") if raw else []


def _split(raw: bytes) -> list[bytes]:
    return [raw[i : i + _CHUNK_BYTES] for i in range(0, len(raw), _CHUNK_BYTES)] or [b""]


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
    names: NameTable | None = None  # None: a version written before names were laid out
    years: np.ndarray | None = None  # uint8 `year_codes` per posting; None: not ordered by them

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
        # an entry's pairs come together: the distinct entries are among each run's first
        run = np.ones(len(entry_d), bool)
        run[1:] = entry_d[1:] != entry_d[:-1]
        runs = np.flatnonzero(run)
        eids, run_ords = np.unique(entry_d[runs], return_inverse=True)  # ordinals: digest order
        dobs = np.zeros(len(eids), np.int32)
        if dates is not None and len(dates[0]) and len(eids):
            at = np.minimum(np.searchsorted(eids, dates[0]), len(eids) - 1)
            found = eids[at] == dates[0]
            dobs[at[found]] = dates[1][found]
        if not len(key_d):
            return cls(np.zeros(0, np.uint64), np.zeros(1, np.uint32), np.zeros(0, np.uint32), eids, dobs,
                       years=np.zeros(0, np.uint8))
        ords = np.repeat(run_ords, np.diff(np.append(runs, len(entry_d))))
        order = _posting_order(key_d, year_codes(dobs)[ords], ords)
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
        return cls(keys, starts, posts, eids, dobs, years=year_codes(dobs)[posts.astype(np.int64)])

    def nbytes(self) -> int:
        own = sum(a.nbytes for a in (self.keys, self.starts, self.posts, self.eids, self.dobs))
        return own + (self.names.nbytes() if self.names is not None else 0)

    # --- Redis blobs ------------------------------------------------------------------------

    def to_chunks(self) -> dict[str, list[bytes]]:
        out = {name: _split(getattr(self, name).tobytes()) for name in ARRAYS}
        if self.names is not None:
            out.update(self.names.to_chunks())
        return out

    @classmethod
    def from_chunks(cls, chunks: dict[str, list[bytes]], *, by_year: bool = False) -> PostingIndex:
        """``by_year``: its postings are ordered as `POSTS_ORDER` says (the version's meta)."""
        dt = {"keys": np.uint64, "starts": np.uint32, "posts": np.uint32, "eids": np.uint64, "dobs": np.int32}
        arrays = {n: np.frombuffer(b"".join(parts), dtype=dt[n]) for n, parts in chunks.items() if n in dt}
        if "dobs" not in arrays:  # a version written before birth dates were indexed: none known
            arrays["dobs"] = np.zeros(len(arrays["eids"]), np.int32)
        years = year_codes(arrays["dobs"])[arrays["posts"].astype(np.int64)] if by_year else None
        return cls(**arrays, names=NameTable.from_chunks(chunks), years=years)


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


@dataclass(frozen=True, slots=True)
class YearWindows:
    """Per traveller, the birth-year codes (`year_codes`) of the entries its name keys are to be
    read for, besides the undated ones: ``lo``..``hi`` and ``swap`` (0: none); ``lo`` 0 means
    every entry (no birth date, or no window). Built by `unread.dob_windows`."""

    lo: np.ndarray  # int16 per traveller
    hi: np.ndarray
    swap: np.ndarray


def _bisect(codes: np.ndarray, lo: np.ndarray, hi: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Per run ``codes[lo[i]:hi[i]]`` (ascending), the first position whose code is at least
    ``target[i]`` (``hi[i]`` if none): a binary search in every run at once."""
    lo, hi = lo.copy(), hi.copy()
    live = np.flatnonzero(lo < hi)
    while len(live):
        mid = (lo[live] + hi[live]) >> 1
        below = codes[mid] < target[live]
        lo[live[below]] = mid[below] + 1
        hi[live[~below]] = mid[~below]
        live = live[lo[live] < hi[live]]
    return lo


def _gather(index: PostingIndex, q_trav: np.ndarray, q_key: np.ndarray, q_doc: np.ndarray,
            windows: YearWindows | None = None):
    """Every posting of the queried keys: (traveller, ordinal, is document key). With
    ``windows`` (and postings ordered by year), of a name key only the undated entries and
    those in the traveller's years."""
    if not len(index.keys) or not len(q_key):
        z = np.zeros(0, np.int64)
        return z, z.astype(np.uint64), z.astype(bool)
    pos = np.searchsorted(index.keys, q_key)
    pos = np.minimum(pos, len(index.keys) - 1)
    found = index.keys[pos] == q_key
    pos, t, d = pos[found], q_trav[found], q_doc[found]
    lo = index.starts[pos].astype(np.int64)
    hi = index.starts[pos + 1].astype(np.int64)
    if windows is not None and index.years is not None:
        wl, wh, ws = windows.lo[t], windows.hi[t], windows.swap[t]
        cut = ~d & (wl > 0)  # name keys of travellers with a window
        if cut.any():
            years, c = index.years, np.flatnonzero(cut)
            clo, chi = lo[c], hi[c]
            dated = _bisect(years, clo, chi, np.ones(len(c), np.int16))  # [clo, dated): undated
            a = _bisect(years, dated, chi, wl[c])
            b = _bisect(years, a, chi, wh[c] + 1)
            alone = (ws[c] > 0) & ((ws[c] < wl[c]) | (ws[c] > wh[c]))  # the swapped year, outside
            s0 = _bisect(years, dated, chi, np.where(alone, ws[c], 256))
            s1 = _bisect(years, s0, chi, ws[c] + 1)
            whole = np.flatnonzero(~cut)
            n = np.concatenate([hi[whole] - lo[whole], dated - clo, b - a, np.where(alone, s1 - s0, 0)])
            lo = np.concatenate([lo[whole], clo, a, s0])
            t = np.concatenate([t[whole], t[c], t[c], t[c]])
            d = np.concatenate([d[whole], d[c], d[c], d[c]])
            n, posts = _take(lo, n, index.posts)
            return np.repeat(t, n), posts.astype(np.uint64), np.repeat(d, n)
    n, posts = _take(lo, hi - lo, index.posts)
    return np.repeat(t, n), posts.astype(np.uint64), np.repeat(d, n)


def _rank_order(trav: np.ndarray, shared: np.ndarray, hit: np.ndarray) -> np.ndarray:
    """The order of candidates already sorted by (traveller, list, ordinal) that sorts them by
    (traveller, document hits first, most shared keys, list, ordinal): one sort of a packed
    word (traveller | not hit | fewer shared | position) where it fits in 64 bits, five
    times faster than the `np.lexsort` of five keys it stands for (the fallback)."""
    n = len(trav)
    if not n:
        return np.zeros(0, np.int64)
    most = int(shared.max())
    p_bits, s_bits, t_bits = n.bit_length(), max(1, most.bit_length()), max(1, int(trav.max()).bit_length())
    if t_bits + 1 + s_bits + p_bits > 64:  # (shared counts are at least 1)
        return np.lexsort((np.arange(n), -shared, ~hit, trav))
    word = ((trav.astype(np.uint64) << np.uint64(1 + s_bits + p_bits))
            | ((~hit).astype(np.uint64) << np.uint64(s_bits + p_bits))
            | ((most - shared).astype(np.uint64) << np.uint64(p_bits))
            | np.arange(n, dtype=np.uint64))
    return np.argsort(word)


def rank(
    indexes: list[PostingIndex],
    queries: list[tuple[np.ndarray, np.ndarray]],
    limit: int,
    possible: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None = None,
    windows: YearWindows | None = None,
) -> Ranked:
    """Rank the candidates of a batch (see the module docstring). ``queries[i]`` holds the name
    and document key digests (uint64) of traveller ``i``; ``indexes[li]`` is list ``li``'s index.

    ``possible(trav, lst, ords)``: which candidates found through name keys only could still
    match (a bool array); the others are dropped before the ``limit`` is applied, so they take
    no place from one that could. Document hits are always kept.

    ``windows`` (`YearWindows`, given with a ``possible`` that drops at least every entry outside
    them): name keys are read only for the undated entries and those born in the traveller's
    window of years. The candidates are the same; only a document hit born outside the window
    counts fewer shared keys (those of its name are not read)."""
    nt = len(queries)
    # per traveller its name keys, then its document keys
    runs = np.array([(len(a), len(b)) for a, b in queries], np.int64).reshape(-1)
    q_trav = np.repeat(np.arange(nt, dtype=np.int64), runs[0::2] + runs[1::2])
    q_key = (np.concatenate([k for ab in queries for k in ab]).astype(np.uint64) if nt
             else np.zeros(0, np.uint64))
    q_doc = np.repeat(np.tile(np.array([False, True]), nt), runs)
    # in key order: each index's binary searches then walk its keys forwards (a third of the
    # time of the travellers' order, where each search reads the keys afresh); the postings
    # are sorted below whatever order they come in
    order = np.argsort(q_key)
    q_trav, q_key, q_doc = q_trav[order], q_key[order], q_doc[order]
    parts = []
    for li, index in enumerate(indexes):
        t, o, d = _gather(index, q_trav, q_key, q_doc, windows)
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
    # per traveller and list: document hits, then the `limit` best others by (-shared, ordinal)
    # (per list, so that a list's candidates do not depend on which other lists are active)
    if limit >= 0:  # the kept ones first (a tenth of them on the bench), then only those sorted
        keep = np.flatnonzero(hit | _most_shared(trav * len(indexes) + lst, shared, hit, limit))
        trav, lst, ords, shared, hit = trav[keep], lst[keep], ords[keep], shared[keep], hit[keep]
    order = _rank_order(trav, shared, hit)
    return Ranked(trav[order], lst[order], ords[order], shared[order], hit[order])


def _most_shared(group: np.ndarray, shared: np.ndarray, hit: np.ndarray, limit: int) -> np.ndarray:
    """Of candidates sorted by ``group`` (a traveller's list: traveller x lists + list), then
    ordinal, which are each group's ``limit`` found through name keys only that share the most
    keys with it, ties to the first: a mask, made from a histogram of the shared counts per
    group rather than a sort."""
    out = np.zeros(len(group), bool)
    other = np.flatnonzero(~hit)
    if not len(other) or limit <= 0:
        return out
    t, s = group[other], shared[other]
    levels = int(s.max()) + 1
    level = levels - 1 - s  # 0: the most keys shared
    head = np.ones(len(t), bool)
    head[1:] = t[1:] != t[:-1]
    local = np.cumsum(head) - 1  # the group, counted from 0
    n = int(local[-1]) + 1
    counts = np.bincount(local * levels + level, minlength=n * levels).reshape(n, levels)
    above = np.cumsum(counts, axis=1) - counts  # per group and level: how many share more
    cut = (above < limit).sum(axis=1) - 1  # the level where the limit falls (the last, if it never does)
    room = limit - above[np.arange(n), cut]  # places left at that level, for the first there
    keep = level < cut[local]
    at = np.flatnonzero(level == cut[local])
    if len(at):
        who = local[at]
        first = np.ones(len(at), bool)
        first[1:] = who[1:] != who[:-1]
        starts = np.flatnonzero(first)
        place = np.arange(len(at)) - np.repeat(starts, np.diff(np.append(starts, len(at))))
        keep[at] = place < room[who]
    out[other] = keep
    return out


def _posting_order(keys: np.ndarray, years: np.ndarray, ords: np.ndarray, *, threads_from: int = 1_000_000
                   ) -> np.ndarray:
    """An order of (key, year code, ordinal) rows: ``np.lexsort((ords, years, keys))`` up to
    rows with all three equal (`_order`); from ``threads_from`` keys, the two halves of the
    key space are sorted at once in two threads (numpy sorts without holding the GIL)."""
    if len(keys) < threads_from:
        return _order(keys, years, ords)
    top = keys >= np.uint64(1 << 63)
    halves = [np.flatnonzero(~top), np.flatnonzero(top)]

    def order(rows: np.ndarray) -> np.ndarray:
        return rows[_order(keys[rows], years[rows], ords[rows])]

    with ThreadPoolExecutor(2) as pool:
        return np.concatenate(list(pool.map(order, halves)))


def _order(keys: np.ndarray, years: np.ndarray, ords: np.ndarray) -> np.ndarray:
    """Rows by key, year code (`year_codes`: uint8), then ordinal (rows equal in all three in
    any order). With ordinals below 2**24, two plain sorts instead of `np.lexsort`'s three
    stable ones (14M rows, two threads: 1.6-2.3 against 2.9-3.1 s, three runs): by key, then
    by (the key's rank, year, ordinal) packed in one uint64."""
    if not len(ords) or int(ords.max()) >= 1 << 24:
        return np.lexsort((ords, years, keys))
    by_key = np.argsort(keys)
    k = keys[by_key]
    rank = np.zeros(len(k), np.uint64)  # each row's key's rank among the distinct keys
    np.not_equal(k[1:], k[:-1], out=rank[1:], casting="unsafe")
    np.cumsum(rank, out=rank)
    packed = rank << np.uint64(32) | years[by_key].astype(np.uint64) << np.uint64(24) | ords[by_key].astype(np.uint64)
    return by_key[np.argsort(packed)]
