"""The token table of a worker's prefilter (`TokenTable`: ids and per-token properties), and
those properties as stored with a list version's vocabulary: canonical spelling, phonetic
skeleton and rigour symbols, one line of text per token.

Computing them is most of what a new token costs a worker (rigour's symbols alone about 15 µs a
token), and a 1M-person list has about 350,000 distinct tokens that workers meet again after
each start (a compaction keeps them: `TokenTable.compact`). So the load computes them once for the
version's vocabulary and stores them with it (`matchers.index.NameTable`); a worker's table takes
them from there (`TokenTable.know`), for the list's tokens and for travellers' tokens the list
also has. A reader uses them only when `fingerprint` is its own: the same code, name variants
and rigour data.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from functools import lru_cache
from importlib.metadata import version

import numpy as np

from matchers.names import canonical, loose_first, loose_skeleton, name_symbols_many, remember, skeleton

__all__ = ["TOKEN_PROPS", "TokenTable", "fingerprint", "lines", "parse"]

# Bump when what a line holds, or how `canonical`/`skeleton` compute it, changes.
TOKEN_PROPS = "3"  # 2: Slavic spellings in the skeleton; 3: the loose skeleton stored too
_PROBES = (
    "MOHAMMED", "MUHAMMAD", "MAMADOU", "KHADIDJAH", "FATIMAH", "JOHN", "IVAN", "IOANNIS", "SHEVCHENKO",
    "SCHEVTSCHENKO", "KHODORKOVSKY", "CHODORKOWSKI", "GADDAFI", "QADHAFI", "DIALLO", "NGUYEN", "OBRIEN",
    "ABDULRAHMAN", "MULLER", "MUELLER", "XQZW", "AL", "O", "VANDENBROECK", "PAPADOPOULOS", "TSHIMANGA",
)


def lines(tokens: Sequence[str]) -> list[str]:
    """Each token's properties as one line: ``canonical TAB skeleton TAB symbol,symbol... TAB
    loose skeleton``."""
    symbols = name_symbols_many(tokens)
    return [f"{canonical(t)}\t{skeleton(t)}\t{','.join(sorted(s))}\t{loose_skeleton(t)}"
            for t, s in zip(tokens, symbols, strict=True)]


def parse(line: str) -> tuple[str, str, frozenset[str], str]:
    """A line of `lines`, read back: (canonical spelling, skeleton, symbols, loose skeleton)."""
    canon, skel, symbols, loose = line.split("\t")
    return canon, skel, frozenset(symbols.split(",")) if symbols else _NONE, loose


_NONE: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A digest of this code's lines for probe tokens, of the name-variant table and of
    rigour's version: a version's stored lines are used only by a reader with the same."""
    from matchers.names import _VARIANTS

    text = repr((TOKEN_PROPS, version("rigour"), lines(_PROBES), sorted(_VARIANTS.items())))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


class TokenTable:
    """Token ids and per-token properties (length, first letter, canonical spelling, phonetic
    skeleton, rigour symbols), kept across batches. `compact` (or `reset`) when it grows too
    large. Symbols not stored with the list are asked of rigour when first needed, in one call
    for a batch's tokens that need them (`symbols_of`)."""

    def __init__(self) -> None:
        self.serial = next(_SERIALS)  # which table (unlike id(), never reused by another one)
        self.generation = 0
        self.reset()

    def reset(self) -> None:
        """Forget every token; ids given before mean nothing now (``generation`` says so)."""
        self.generation += 1
        self.ids: dict[str, int] = {}
        self.text: list[str] = []
        self._symbols: list[frozenset[str] | None] = []  # None: not asked yet ("pending")
        self._strings: dict[str, int] = {}
        self._loose: dict[str, int] = {}
        self._known: list[dict[str, str]] = []  # token -> stored properties (`know`)
        self._told: list[dict[str, str]] = []  # those told since the last `compact`
        self.moved: tuple[int, np.ndarray] | None = None  # set by `compact`
        # per-token columns, grown by doubling (no rebuild when the table grows by a batch)
        self._cols = {name: np.zeros(0, t) for name, t in _COLUMNS}
        self._text = np.zeros(0, object)

    def __len__(self) -> int:
        return len(self.text)

    @property
    def listed(self) -> int:
        """How many of its tokens have their properties from a list (`know`): `compact` keeps those."""
        return int(np.count_nonzero(self._cols["listed"][: len(self.text)]))

    def _sid(self, s: str) -> int:
        v = self._strings.get(s)
        if v is None:
            v = self._strings[s] = len(self._strings)
        return v

    def _lid(self, loose: str) -> int:
        """A loose skeleton's id, from 1 (0: not known yet)."""
        v = self._loose.get(loose)
        if v is None:
            v = self._loose[loose] = len(self._loose) + 1
        return v

    def _grow(self) -> None:
        cap = max(1024, 2 * len(self._text))
        for name, old in self._cols.items():
            new = np.zeros(cap, old.dtype)
            new[: len(old)] = old
            self._cols[name] = new
        text = np.empty(cap, object)
        text[: len(self._text)] = self._text
        self._text = text

    def know(self, props: dict[str, str]) -> None:
        """Take the properties of these tokens from ``props`` (token -> `token_props` line, a
        list version's: `matchers.index.NameTable`) instead of computing them, until `reset`."""
        if not any(k is props for k in self._known):
            self._known.append(props)
        if not any(k is props for k in self._told):
            self._told.append(props)

    def compact(self) -> None:
        """Forget the tokens no list told of since the last compaction (travellers' tokens,
        glued words, a former version's), keeping the lists' tokens with their properties,
        renumbered in their order. ``moved`` is then (the former ``generation``, its ids' new
        ids, -1 for those forgotten), so that what holds ids can follow
        (`matchers.index.NameTable.attach`). A list's tokens are bounded by its vocabulary,
        which the reader holds anyway; the others grow with the traffic."""
        n, told, text = len(self.text), self._told, self.text
        keep = np.flatnonzero(self._cols["listed"][:n])
        if any(not any(k is t for t in told) for k in self._known):  # a list not told of since
            keep = keep[[any(text[v] in k for k in told) for v in keep.tolist()]]
        moved = np.full(n, -1, np.int64)
        moved[keep] = np.arange(len(keep))
        cols = {name: col[keep] for name, col in self._cols.items()}
        rows = keep.tolist()
        kept, symbols = [text[v] for v in rows], [self._symbols[v] for v in rows]
        # the spellings' ids renumbered too, so that those of forgotten tokens go
        strings, new = _renumber(self._strings, cols["canon"], cols["skel"])
        cols["canon"], cols["skel"] = new
        loose, (lo,) = _renumber(self._loose, cols["lo_skel"], start=1)  # 0: not known yet
        cols["lo_skel"] = lo
        former = self.generation
        self.reset()
        self._known, self.moved = list(told), (former, moved)
        self._strings, self._loose = strings, loose
        self.ids = dict(zip(kept, range(len(kept)), strict=True))
        self.text, self._symbols = kept, symbols
        while len(self._text) < len(kept):
            self._grow()
        for name, col in cols.items():
            self._cols[name][: len(kept)] = col
        self._text[: len(kept)] = kept

    def id(self, tok: str) -> int:
        v = self.ids.get(tok)
        if v is not None:
            return v
        v = self.ids[tok] = len(self.text)
        if v >= len(self._text):
            self._grow()
        c = self._cols
        line = None
        for known in self._known:
            if (line := known.get(tok)) is not None:
                break
        self.text.append(tok)
        if line is not None:
            c["listed"][v] = True
            canon, sk, found, lo = parse(line)  # no symbols for tokens under 3 letters (`lines`)
            self._symbols.append(found)
            c["has_sym"][v] = bool(found)
            remember(tok, sk, found)  # the scoring's `TokenSims` asks for them too
            c["lo_skel"][v], c["lo_ok"][v] = self._lid(lo), lo.index(":") >= 3
            c["lo_first"][v] = ord(lo[0]) + 1 if lo else 1  # as `loose_firsts` sets it
        else:
            canon, sk = canonical(tok), skeleton(tok)
            if len(tok) >= 3:
                self._symbols.append(None)  # asked of rigour when first needed (`_resolve`)
                c["pending"][v] = True
            else:
                self._symbols.append(_NONE)
        self._text[v] = tok
        c["len"][v] = len(tok)
        c["first"][v] = ord(tok[0]) if tok else 0
        c["canon"][v] = self._sid("c:" + canon)
        c["skel"][v] = self._sid("s:" + sk)
        c["skel_ok"][v] = len(tok) >= 3 and len(sk) >= 2
        c["sk_first"][v] = ord(sk[0]) if sk else 0
        c["letters"][v] = letter_mask(tok)
        return v

    def _resolve(self, ids: np.ndarray | None = None) -> None:
        """Ask rigour for the symbols of the tokens not known yet (of ``ids``, if given)."""
        pend = self._cols["pending"][: len(self.text)]
        todo = np.flatnonzero(pend) if ids is None else np.unique(ids[pend[ids]])
        if not len(todo):
            return
        todo = todo.tolist()
        has = self._cols["has_sym"]
        for v, found in zip(todo, name_symbols_many([self.text[v] for v in todo]), strict=True):
            self._symbols[v] = found
            has[v] = bool(found)
            pend[v] = False

    def has_symbols(self) -> np.ndarray:
        """Per token, whether rigour knows it as (part of) a person name."""
        self._resolve()
        return self._cols["has_sym"][: len(self.text)]

    def symbols(self) -> list[frozenset[str]]:
        """Per token, its rigour symbols (`names.name_symbols`)."""
        self._resolve()
        return self._symbols  # type: ignore[return-value]

    def symbol_columns(self) -> tuple[np.ndarray, np.ndarray]:
        """Per token, whether it has symbols and whether that is not known yet (not asked of
        rigour: `has_symbols` then says False), without asking."""
        n = len(self.text)
        return self._cols["has_sym"][:n], self._cols["pending"][:n]

    def symbols_of(self, ids: np.ndarray) -> list[frozenset[str] | None]:
        """Per token, its symbols, asked of rigour first for those of ``ids`` not known yet
        (the other tokens not known yet are None)."""
        self._resolve(ids)
        return self._symbols

    def loose_firsts(self, ids: np.ndarray) -> np.ndarray:
        """Per token, the first letter of its `names.loose_skeleton` (as an int, equal where
        the letters are: 1 for none), computed first for those of ``ids`` not known yet (0
        for the others not known yet)."""
        col = self._cols["lo_first"]
        todo = np.unique(ids[col[ids] == 0]).tolist()
        for v in todo:
            lo = loose_first(self.text[v])
            col[v] = ord(lo) + 1 if lo else 1
        return col[: len(self.text)]

    def loose_ids(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per token, its `names.loose_skeleton` as an int (equal where the keys are) and whether
        the key has three consonants or more (`similarity` asks for both), computed first for
        those of ``ids`` not known yet (0 for the others not known yet; a list's tokens come
        with theirs, `know`)."""
        col, ok = self._cols["lo_skel"], self._cols["lo_ok"]
        for v in np.unique(ids[col[ids] == 0]).tolist():
            lo = loose_skeleton(self.text[v])
            col[v], ok[v] = self._lid(lo), lo.index(":") >= 3
        n = len(self.text)
        return col[:n], ok[:n]

    def text_array(self) -> np.ndarray:
        return self._text[: len(self.text)]

    def arrays(self) -> tuple[np.ndarray, ...]:
        """(length, first letter, canonical spelling id, skeleton id, skeleton usable) per token."""
        n, c = len(self.text), self._cols
        return c["len"][:n], c["first"][:n], c["canon"][:n], c["skel"][:n], c["skel_ok"][:n]

    def skeleton_firsts(self) -> np.ndarray:
        """Per token, the first letter of its skeleton (as an int; 0 for none)."""
        return self._cols["sk_first"][: len(self.text)]

    def letter_masks(self) -> np.ndarray:
        """Per token, its `letter_mask`."""
        return self._cols["letters"][: len(self.text)]


_LETTER_BITS = {chr(65 + i): 1 << i for i in range(26)}
_OTHER_BIT = 1 << 26


def letter_mask(tok: str) -> int:
    """Which letters A-Z a token has, one bit each (bit 26: any other character)."""
    mask = 0
    for ch in tok:
        mask |= _LETTER_BITS.get(ch, _OTHER_BIT)
    return mask


def _renumber(ids: dict[str, int], *cols: np.ndarray, start: int = 0) -> tuple[dict[str, int], list[np.ndarray]]:
    """``ids`` (string -> id, given in order from ``start``) kept for the strings ``cols`` use,
    renumbered in the same order from ``start``, and the columns with the new ids (ids under
    ``start`` stay as they are)."""
    used = np.zeros(len(ids) + start, bool)
    for col in cols:
        used[col] = True
    used[:start] = False
    new = np.cumsum(used) - 1 + start
    new[:start] = np.arange(start)
    texts = np.array(list(ids), object)[used[start:]].tolist()
    return dict(zip(texts, range(start, start + len(texts)), strict=True)), [new[col] for col in cols]


_SERIALS = itertools.count(1)
_COLUMNS = (("len", np.int32), ("first", np.int32), ("canon", np.int64), ("skel", np.int64), ("skel_ok", bool),
            ("has_sym", bool), ("pending", bool), ("sk_first", np.int32), ("lo_first", np.int32),
            ("lo_skel", np.int64), ("lo_ok", bool), ("letters", np.uint32), ("listed", bool))
