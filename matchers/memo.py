"""Bounded memos for the pure functions of a token or of a name that screening calls again and
again (`names.skeleton`, `names.parse_parts`, `translit.transliterate`...).

`functools.lru_cache` fixes its size when the module is imported, so a worker's memory grew
with every new spelling until each cache reached its own constant (500,000 for some): for
minutes on a 1M-person list. Here each memo belongs to a family (``"token"`` or ``"name"``)
whose bound the worker sets from its settings (`bound`, called by `screening.Screener`: tokens
``Settings.cache_tokens``, names a quarter of ``Settings.cache_entries``). A memo keeps two generations of at
most half the bound each: hits in the old one move to the young one, and when the young one is
full the old one is dropped. So at most ``bound`` values are held, and the ones in use survive
a turn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

__all__ = ["FAMILIES", "Memo", "bound", "memo", "sizes", "store"]

V = TypeVar("V")
FAMILIES = {"token": 300_000, "name": 25_000}  # default bounds (as `screening.Screener` sets them)
_MISSING: Any = object()
_MEMOS: list[Memo] = []


class Memo(Generic[V]):
    """A function of hashable arguments with its values kept (see the module's docstring)."""

    def __init__(self, fn: Callable[..., V] | None, family: str) -> None:
        self.__wrapped__ = fn
        self.__doc__ = getattr(fn, "__doc__", None)
        self.__name__ = getattr(fn, "__name__", "memo")
        self.family = family
        self.half = max(1, FAMILIES[family] // 2)
        self.young: dict[Any, V] = {}
        self.old: dict[Any, V] = {}

    def __call__(self, *args: Any) -> V:
        key = args[0] if len(args) == 1 else args
        got = self.young.get(key, _MISSING)
        if got is _MISSING:
            got = self.old.get(key, _MISSING)
            if got is _MISSING:
                got = self.__wrapped__(*args)  # type: ignore[misc]
            self.put(key, got)
        return got

    def get(self, key: Any) -> V | None:
        """The value kept for ``key`` (one argument, or the tuple of several), or None."""
        got = self.young.get(key, _MISSING)
        if got is _MISSING:
            got = self.old.get(key, _MISSING)
            if got is _MISSING:
                return None
            self.put(key, got)
        return got

    def put(self, key: Any, value: V) -> None:
        if len(self.young) >= self.half:
            self.old, self.young = self.young, {}
        self.young[key] = value

    def put_many(self, items: Iterable[tuple[Any, V]]) -> None:
        for key, value in items:
            self.put(key, value)

    def clear(self) -> None:
        self.young, self.old = {}, {}

    def __len__(self) -> int:
        return len(self.young) + len(self.old)


def memo(family: str) -> Callable[[Callable[..., V]], Memo[V]]:
    """Decorator: the function as a `Memo` of ``family`` (``"token"`` or ``"name"``)."""
    if family not in FAMILIES:
        raise ValueError(f"unknown memo family {family!r}; expected one of {sorted(FAMILIES)}")

    def wrap(fn: Callable[..., V]) -> Memo[V]:
        m: Memo[V] = Memo(fn, family)
        _MEMOS.append(m)
        return m

    return wrap


def store(family: str) -> Memo[Any]:
    """A memo of ``family`` with no function: values are `Memo.put` and `Memo.get` by hand."""
    return memo(family)(None)  # type: ignore[arg-type]


def bound(family: str, entries: int) -> None:
    """At most ``entries`` values held by each memo of ``family`` in this process, from now on
    (a memo holding more now starts over)."""
    if family not in FAMILIES:
        raise ValueError(f"unknown memo family {family!r}; expected one of {sorted(FAMILIES)}")
    if entries < 2:
        raise ValueError(f"a memo bound must be at least 2, got {entries!r}")
    FAMILIES[family] = entries
    for m in _MEMOS:
        if m.family == family:
            m.half = max(1, entries // 2)
            if len(m.young) > m.half or len(m.old) > m.half:
                m.clear()


def sizes() -> dict[str, int]:
    """Values held per family, over all its memos (what a worker's memory holds for them)."""
    out = dict.fromkeys(FAMILIES, 0)
    for m in _MEMOS:
        out[m.family] += len(m)
    return out
