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

A memo is `paxscreen.bounded.bounded` (a closure over a `Generations`), with its family.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from paxscreen.bounded import Generations, bounded

__all__ = ["FAMILIES", "Generations", "bound", "make", "memo", "sizes", "store"]

FAMILIES = {"token": 300_000, "name": 25_000}  # default bounds (as `screening.Screener` sets them)
_MEMOS: list[Any] = []


def _family(family: str) -> str:
    if family not in FAMILIES:
        raise ValueError(f"unknown memo family {family!r}; expected one of {sorted(FAMILIES)}")
    return family


def make(fn: Callable[..., Any] | None, family: str, size: int | None = None) -> Any:
    """``fn`` (None for a memo filled by hand: ``put``/``get``) as a memo of ``family``,
    not registered: `bound` does not reach it (tests, or a memo of a fixed ``size``; `memo`
    registers). A function of several arguments is kept by the tuple of them
    (`paxscreen.bounded.bounded`)."""
    _family(family)
    out = bounded(fn, FAMILIES[family] if size is None else size)
    out.family = family
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
