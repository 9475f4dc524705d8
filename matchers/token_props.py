"""What the prefilter's token table needs of a name token (`prefilter.TokenTable`): its
canonical spelling, phonetic skeleton and rigour symbols, as one line of text.

Computing them is most of what a new token costs a worker (rigour's symbols alone about 15 µs a
token), and a 1M-person list has about 350,000 distinct tokens that workers meet again after
each start and each time their token table starts over. So the load computes them once for the
version's vocabulary and stores them with it (`matchers.index.NameTable`); a worker takes them
from there, for the list's tokens and for travellers' tokens the list also has. A reader uses
them only when `fingerprint` is its own: the same code, name variants and rigour data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from importlib.metadata import version

from matchers.names import canonical, name_symbols_many, skeleton

__all__ = ["TOKEN_PROPS", "fingerprint", "lines", "parse"]

# Bump when what a line holds, or how `canonical`/`skeleton` compute it, changes.
TOKEN_PROPS = "1"
_PROBES = (
    "MOHAMMED", "MUHAMMAD", "MAMADOU", "KHADIDJAH", "FATIMAH", "JOHN", "IVAN", "IOANNIS", "SHEVCHENKO",
    "SCHEVTSCHENKO", "KHODORKOVSKY", "CHODORKOWSKI", "GADDAFI", "QADHAFI", "DIALLO", "NGUYEN", "OBRIEN",
    "ABDULRAHMAN", "MULLER", "MUELLER", "XQZW", "AL", "O", "VANDENBROECK", "PAPADOPOULOS", "TSHIMANGA",
)


def lines(tokens: Sequence[str]) -> list[str]:
    """Each token's properties as one line: ``canonical TAB skeleton TAB symbol,symbol...``."""
    symbols = name_symbols_many(tokens)
    return [f"{canonical(t)}\t{skeleton(t)}\t{','.join(sorted(s))}" for t, s in zip(tokens, symbols, strict=True)]


def parse(line: str) -> tuple[str, str, frozenset[str]]:
    """A line of `lines`, read back: (canonical spelling, skeleton, symbols)."""
    canon, skel, symbols = line.split("\t")
    return canon, skel, frozenset(symbols.split(",")) if symbols else _NONE


_NONE: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A digest of this code's lines for probe tokens, of the name-variant table and of
    rigour's version: a version's stored lines are used only by a reader with the same."""
    from matchers.names import _VARIANTS

    text = repr((TOKEN_PROPS, version("rigour"), lines(_PROBES), sorted(_VARIANTS.items())))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
