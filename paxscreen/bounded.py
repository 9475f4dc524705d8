"""Bounded memos whose dicts the cyclic collector keeps tracked (`Generations`), for pure
functions called again and again: the screening's memos (`matchers.memo`, by family) and, at
fixed sizes, the rooms that may not import `matchers` (a message's dates, a flight's times).

A memo is a closure over its two dicts, so a hit costs what an lru_cache hit costs (66 against
72 ns here; a class with ``__call__`` took 204), with ``get``, ``put``, ``put_many``, ``clear``
and ``size`` as attributes. `functools.lru_cache` is no substitute where a worker runs: its
dict holds nothing the collector tracks, so a full collection untracks it and its next new
key tracks it again, young, walked at every collection (`_pinned`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["Generations", "bounded"]

_MISSING: Any = object()


def bounded(fn: Callable[..., Any] | None, size: int) -> Any:
    """``fn`` (None for a memo filled by hand: ``put``/``get``) keeping at most ``size``
    values (`Generations`). A function of several arguments is kept by the tuple of them; an
    exception is raised again at every call, never kept."""
    gens = Generations(size)
    put, clear = gens.put, gens.clear

    def get(key: Any) -> Any:
        """The value kept for ``key`` (one argument, or the tuple of several), or None."""
        return gens.get(key)

    one = getattr(getattr(fn, "__code__", None), "co_argcount", 1) == 1  # builtins: one argument
    compute = fn if one else (lambda args: fn(*args))  # type: ignore[misc]

    def call(key: Any) -> Any:
        try:
            return gens.young[key]  # a hit is this one dict lookup
        except KeyError:
            got = gens.get(key, _MISSING)
            if got is _MISSING:
                got = compute(key)  # type: ignore[misc]
                put(key, got)
            return got

    def put_many(items: Iterable[tuple[Any, Any]]) -> None:
        for key, value in items:
            put(key, value)

    out: Any = call if one else (lambda *args: call(args))
    if fn is not None:
        functools.update_wrapper(out, fn)
    out.get, out.put, out.put_many, out.clear = get, put, put_many, clear
    out.size = gens.__len__
    out._resize = gens.resize
    return out


_PIN = object()  # the key of the one entry every `Generations` dict holds besides its values


def _pinned() -> dict:
    """An empty dict for a `Generations`, but for one entry whose value (a list) the cyclic
    collector tracks. A full collection stops tracking a dict whose keys and values it does
    not track (a memo of strings and tuples of them), and the dict's next new value tracks it
    again, in the youngest generation: there the collector walked it, hundreds of thousands
    of references, at every collection. A worker collects in full and freezes the survivors
    every second (`streams.app.Survivors`): in process at 1M persons, such a settle took
    12.4 ms with the memos young and 5.8 ms pinned, and the collector's time grew with the
    memos (docs/benchmarks.md). Tracked for good, a frozen dict stays frozen."""
    return {_PIN: []}


class Generations:
    """A bounded dict of values kept by key in two generations of at most half of ``size``
    each: a hit in the old one moves to the young one, and when the young one is full the old
    one is dropped whole (no per-hit bookkeeping). The memos (`bounded`) keep their values in
    one; so do the store's decoded entries, the screener's parsed entries and its kept
    screenings. Each generation's dict also holds one pinned entry (`_pinned`), never a
    value: ``young`` and ``old`` are not to be iterated."""

    __slots__ = ("half", "young", "old")

    def __init__(self, size: int) -> None:
        self.half = max(1, size // 2)
        self.young: dict = _pinned()
        self.old: dict = _pinned()

    def __len__(self) -> int:
        return len(self.young) + len(self.old) - 2

    def get(self, key: Any, default: Any = None) -> Any:
        """The value kept for ``key`` (moved to the young generation), else ``default``."""
        v = self.young.get(key, _MISSING)
        if v is _MISSING:
            v = self.old.get(key, _MISSING)
            if v is _MISSING:
                return default
            self.put(key, v)
        return v

    def put(self, key: Any, value: Any) -> None:
        if len(self.young) > self.half:  # the pin and ``half`` values
            self.old, self.young = self.young, _pinned()
        self.young[key] = value

    def clear(self) -> None:
        self.young, self.old = _pinned(), _pinned()

    def resize(self, size: int) -> None:
        """At most ``size`` values from now on (starting over if more are held)."""
        self.half = max(1, size // 2)
        if len(self.young) > self.half + 1 or len(self.old) > self.half + 1:
            self.clear()
