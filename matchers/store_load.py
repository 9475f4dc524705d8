"""Preparing a watchlist load: entries parsed, encoded and keyed (`prepare`), chunk by chunk,
in this process or in a pool of processes (`prepared_chunks`), and the versions' name layouts
collected (`NameParts`). No Redis here: `matchers.store.WatchlistStore.load` writes what comes
out of it."""

from __future__ import annotations

import gc
import hashlib
import itertools
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from matchers import token_props
from matchers.features import parse_date
from matchers.index import NameTable, pack_dates
from matchers.keys import digest, entry_keys
from matchers.names import warm_up
from matchers.prefilter import MAX_TOKENS, glue_codes, name_layout
from matchers.records import entry_forms, parser_fingerprint
from matchers.store_codec import encode_entry
from paxscreen.models import WatchEntry

__all__ = ["NameParts", "Prepared", "chunks", "given", "prepare", "prepared_chunks"]


def chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass(frozen=True, slots=True)
class Prepared:
    """One chunk of entries made ready for Redis (`prepare`): what the loader's processes
    send back to the one that writes."""

    buckets: list[int]  # per entry, its bucket hash
    eids: bytes  # per entry, its 8-byte digest, concatenated
    blobs: list[bytes]  # per entry, its encoding
    key_digests: bytes  # every (name or document) key of every entry, 8 bytes each
    per_entry: list[int]  # how many of those keys each entry has
    dated: list[tuple[bytes, int]]  # (entry digest, packed birth dates) of dated entries
    # names laid out for the index (`prefilter.name_layout`), of the entries with names:
    named: bytes  # their 8-byte digests
    vocab: list[str]  # the chunk's distinct tokens
    n_tok: list[int]  # per named entry, its distinct tokens
    toks: list[int]  # flat: those tokens, as positions into `vocab`
    n_var: list[int]  # per named entry, its variants
    var_len: list[int]  # flat: each variant's length
    pos: list[int]  # flat: each variant's tokens, as positions into its entry's tokens
    n_glue: list[int]  # per named entry, the words `align` may glue of its tokens
    glue: list[int]  # flat: those, as (first letter, length) codes (`prefilter.glue_codes`)
    props: dict[str, str]  # `token_props` lines of the ``vocab`` tokens its process had not sent
    content: int  # sum of the entries' content hashes (order-insensitive)
    persons: int
    documents: int
    doc_numbers: int
    name_keys: int


def prepare(chunk: list[WatchEntry], buckets: int, sent: set[str] | None = None) -> Prepared:
    """Parse, encode and key a chunk of entries: pure CPU, no Redis (runs in the load's pool).

    ``sent``: the tokens whose `token_props` lines this process has already sent in this load
    (chunks it prepared before this one, which the loader reads first); the lines of the
    chunk's other tokens are computed here and added to it. None: none sent."""
    content = persons = documents = doc_numbers = name_count = 0
    bucket_of: list[int] = []
    eids: list[bytes] = []
    blobs: list[bytes] = []
    key_digests: list[bytes] = []
    per_entry: list[int] = []
    dated: list[tuple[bytes, int]] = []
    named: list[bytes] = []
    vocab: dict[str, int] = {}
    n_tok: list[int] = []
    toks: list[int] = []
    n_var: list[int] = []
    var_len: list[int] = []
    pos: list[int] = []
    n_glue: list[int] = []
    glue: list[int] = []
    blake = hashlib.blake2b
    for entry in chunk:
        forms = entry_forms(entry) if entry.names else None
        blob = encode_entry(entry, forms)
        content += int.from_bytes(blake(blob, digest_size=16).digest(), "big")
        eid = digest("e:" + entry.id)
        bucket_of.append(int.from_bytes(eid[:4], "big") % buckets)
        eids.append(eid)
        blobs.append(blob)
        if entry.schema == "Document":
            documents += 1
        else:
            persons += 1
        names, docs = entry_keys(entry, forms)
        doc_numbers += len(docs)
        name_count += len(names)
        both = names | docs
        key_digests += map(digest, both)
        per_entry.append(len(both))
        if entry.birth_dates:
            packed = pack_dates(p for p in map(parse_date, entry.birth_dates) if p)
            if packed:
                dated.append((eid, packed))
        if forms:
            tokens, var_pos, lengths = name_layout(forms, glued=False)
            # longer names are never bounded, and positions are bytes: neither is laid out
            if lengths and max(lengths) <= MAX_TOKENS and len(tokens) <= 256:
                named.append(eid)
                n_tok.append(len(tokens))
                toks += (vocab.setdefault(t, len(vocab)) for t in tokens)
                n_var.append(len(lengths))
                var_len += lengths
                pos += var_pos
                codes = glue_codes(forms)
                n_glue.append(len(codes))
                glue += codes
    tokens = list(vocab)
    sent = set() if sent is None else sent
    new = [t for t in tokens if t not in sent]
    sent.update(new)
    return Prepared(bucket_of, b"".join(eids), blobs, b"".join(key_digests), per_entry, dated,
                    b"".join(named), tokens, n_tok, toks, n_var, var_len, pos, n_glue,
                    glue, dict(zip(new, token_props.lines(new), strict=True)), content, persons,
                    documents, doc_numbers, name_count)


_SENT: set[str] = set()  # in a load's pool process: the tokens whose properties it has sent


def _pool_init() -> None:
    """A load process: what it inherited is frozen out of the collector's way, and collections
    are rarer (its caches of parsed names hold millions of objects; at the default thresholds
    the collector took a fifth of a load's time). It has sent no token properties yet."""
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    _SENT.clear()


def _pool_context() -> multiprocessing.context.BaseContext:
    """``fork`` (workers start at once, with what this process has imported) when this process
    runs no other thread; else ``spawn``, which is safe with threads."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def given(chunk: list[WatchEntry]) -> list[WatchEntry]:
    return chunk


def make_and_prepare(maker: Callable[[], Sequence[WatchEntry]], buckets: int, sent: set[str] | None = None) -> Prepared:
    """`prepare` of the maker's chunk; ``sent``: this load's set (None: this pool process's)."""
    return prepare(maker(), buckets, _SENT if sent is None else sent)


def load_workers(workers: int | None) -> int:
    """The processes a load uses: ``workers``, or one per CPU (at most 4) when None."""
    if workers is None:
        return min(4, os.cpu_count() or 1)
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    return workers


def indexing_seed(index_format: str, buckets: int, posting_cap: int) -> int:
    """What a version's content hash starts from: how its entries are indexed, so that a
    reload after an upgrade that changes the keys (``index_format``), buckets, name parsing or
    the tokens' properties builds a new version."""
    how = f"{index_format}|{buckets}|{posting_cap}|{parser_fingerprint()}|{token_props.fingerprint()}"
    return int.from_bytes(hashlib.blake2b(how.encode(), digest_size=16).digest(), "big")


def prepared_chunks(makers: Iterable[Callable[[], Sequence[WatchEntry]]], buckets: int, workers: int) -> Iterator[Prepared]:
    """`prepare` over the chunks the ``makers`` make, in order. With ``workers`` > 1 and more
    than one chunk, a pool of that many processes makes and prepares them, at most two each
    in flight (bounded memory), while this process writes to Redis.

    Each process computes the token properties of the tokens it meets first (`prepare`), so a
    token's are computed once per process, not once per chunk, and not in this process: a
    chunk's vocabulary new to the load was then either new to its process or sent by that
    process with an earlier chunk (a process takes its chunks in order). rigour's tagger,
    which they need, is built here first: forked processes share it."""
    makers = iter(makers)
    first = next(makers, None)
    if first is None:
        return
    second = next(makers, None) if workers > 1 else None
    if second is None:  # one process asked for, or one chunk: not worth starting processes
        sent: set[str] = set()
        yield make_and_prepare(first, buckets, sent)
        for maker in makers:
            yield make_and_prepare(maker, buckets, sent)
        return
    warm_up()  # ~6 s; under ``spawn`` each process builds its own on its first chunk
    with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(), initializer=_pool_init) as pool:
        pending: deque = deque()
        try:
            for maker in itertools.chain((first, second), makers):
                pending.append(pool.submit(make_and_prepare, maker, buckets))
                if len(pending) >= 2 * workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for f in pending:
                f.cancel()


class NameParts:
    """The load's collection of its entries' name layouts (`Prepared`), one vocabulary for
    the version, built into the index's `NameTable` once the entries' ordinals are known."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.props: list[str] = []  # per vocabulary token, its `token_props` line
        self.parts: list[tuple[np.ndarray, ...]] = []

    def add(self, chunk: Prepared) -> None:
        """Take the chunk's layouts, and the properties of its tokens new to the version from
        the chunk (`prepared_chunks` says why they are there; any missing are computed here)."""
        vocab, props = self.vocab, self.props
        new = [t for t in chunk.vocab if t not in vocab]
        for t in new:
            vocab[t] = len(vocab)
        missing = [t for t in new if t not in chunk.props]
        computed = dict(zip(missing, token_props.lines(missing), strict=True)) if missing else {}
        props += (chunk.props[t] if t in chunk.props else computed[t] for t in new)
        ids = np.array([vocab[t] for t in chunk.vocab], np.uint32)
        self.parts.append((
            np.frombuffer(chunk.named, dtype=">u8").astype(np.uint64),
            np.array(chunk.n_tok, np.int64),
            ids[np.array(chunk.toks, np.int64)],
            np.array(chunk.n_var, np.int64),
            np.array(chunk.var_len, np.uint8),
            np.array(chunk.pos, np.uint8),
            np.array(chunk.n_glue, np.int64),
            np.array(chunk.glue, np.uint32),
        ))

    def build(self, eids: np.ndarray) -> NameTable:
        types = (np.uint64, np.int64, np.uint32, np.int64, np.uint8, np.uint8, np.int64, np.uint32)
        cols = list(zip(*self.parts, strict=True)) if self.parts else [[np.zeros(0, t)] for t in types]
        return NameTable.build(eids, list(self.vocab), *(np.concatenate(c) for c in cols), props=self.props)
