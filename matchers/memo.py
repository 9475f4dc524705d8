"""Bounded memos for the pure functions of a token or of a name that screening calls again and
again (`names.skeleton`, `names.parse_parts`, `translit.transliterate`...).

`functools.lru_cache` fixes its size when the module is imported, so a worker's memory grew
with every new spelling until each cache reached its own constant (500,000 for some): for
minutes on a 1M-person list. Here each memo belongs to a family (``"token"`` or ``"name"``)
whose bound the worker sets from its settings (`bound`, called by `screening.Screener`: tokens
``Settings.cache_tokens``, names a quarter of ``Settings.cache_entries``). A memo keeps two
generations of at most half the bound each: hits in the old one move to the young one, and
when the young one is full the old one is dropped. So at most ``bound`` values are held, and
the ones in use survive a turn.

A memo is a closure over its two dicts, so a hit costs what an lru_cache hit costs (66 against
72 ns here; a class with ``__call__`` took 204), with ``get``, ``put``, ``put_many``, ``clear``
and ``size`` as attributes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["FAMILIES", "Generations", "bound", "make", "memo", "sizes", "store"]

FAMILIES = {"token": 300_000, "name": 25_000}  # default bounds (as `screening.Screener` sets them)
_MISSING: Any = object()
_MEMOS: list[Any] = []


def _family(family: str) -> str:
    if family not in FAMILIES:
        raise ValueError(f"unknown memo family {family!r}; expected one of {sorted(FAMILIES)}")
    return family


def make(fn: Callable[..., Any] | None, family: str, size: int | None = None) -> Any:
    """``fn`` (None for a memo filled by hand: ``put``/``get``) as a memo of ``family``,
    not registered: `bound` does not reach it (tests, or a memo of a fixed ``size``; `memo`
    registers). A function of several arguments is kept by the tuple of them."""
    _family(family)
    gens = Generations(FAMILIES[family] if size is None else size)
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
    out.family, out._resize = family, gens.resize
    return out


def memo(family: str) -> Callable[[Callable[..., Any]], Any]:
    """Decorator: the function as a memo of ``family`` (``"token"`` or ``"name"``), registered
    so that `bound` applies to it."""
    _family(family)

    def wrap(fn: Callable[..., Any]) -> Any:
        m = make(fn, family)
        _MEMOS.append(m)
        return m

    return wrap


def store(family: str) -> Any:
    """A registered memo of ``family`` with no function: values are ``put`` and ``get`` by
    hand."""
    return memo(family)(None)  # type: ignore[arg-type]


def bound(family: str, entries: int) -> None:
    """At most ``entries`` values held by each memo of ``family`` in this process, from now on
    (a memo holding more now starts over)."""
    _family(family)
    if entries < 2:
        raise ValueError(f"a memo bound must be at least 2, got {entries!r}")
    FAMILIES[family] = entries
    for m in _MEMOS:
        if m.family == family:
            m._resize(entries)


def sizes() -> dict[str, int]:
    """Values held per family, over all its memos (what a worker's memory holds for them)."""
    out = dict.fromkeys(FAMILIES, 0)
    for m in _MEMOS:
        out[m.family] += m.size()
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
    one is dropped whole (no per-hit bookkeeping). The memos (`make`) keep their values in
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
