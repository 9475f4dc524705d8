"""Small, documented edits of the synthetic benchmark (a one-edit typo, an OCR look-alike, a
transposed pair, a number three characters away, a one-digit date slip) and the generator's
collision guard, which keeps unintended true matches out of the labels."""

from __future__ import annotations

import datetime as dt
import string
from collections import defaultdict
from collections.abc import Iterable

from paxscreen.synth_variants import OCR_CONFUSIONS, token_keys

_KEYBOARD = ["QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM"]


def dates_confusable(a: str, b: str, window: int = 5) -> bool:
    """Could a list date ``a`` (full or partial) and a traveller date ``b`` be the same
    person's? Within ``window`` years, one digit apart, or day and month swapped."""
    ya, yb = int(a[:4]), int(b[:4])
    if abs(ya - yb) <= window:
        return True
    if len(a) >= 10 and len(b) >= 10:
        da, db = a[:10].replace("-", ""), b[:10].replace("-", "")
        if sum(x != y for x, y in zip(da, db, strict=True)) <= 1:
            return True
        return a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]
    return sum(x != y for x, y in zip(a[:4], b[:4], strict=True)) <= 1


class CollisionIndex:
    """The generator's guard against unintended true matches: two names clash when two of
    their tokens match (or one, for a one-word name) by sound key or by one edit, and their
    birth dates are confusable."""

    def __init__(self, window: int = 5) -> None:
        self.window = window
        self._by_key: dict[str, list[tuple[object, tuple[frozenset[str], ...], tuple[str, ...]]]] = (
            defaultdict(list)
        )

    def add(self, owner: object, names: Iterable[str], dates: Iterable[str]) -> None:
        ds = tuple(dates)
        for n in names:
            toks = token_keys(n)
            rec = (owner, toks, ds)
            for k in set().union(*toks):
                self._by_key[k].append(rec)

    def clashes(self, names: Iterable[str], date: str, exclude: Iterable[object] = ()) -> list[object]:
        skip = {id(o) for o in exclude}
        out: dict[int, object] = {}
        for n in names:
            toks = token_keys(n)
            checked: set[int] = set()
            for k in set().union(*toks):
                for rec in self._by_key.get(k, ()):
                    owner, otoks, dates = rec
                    if id(rec) in checked or id(owner) in skip or id(owner) in out:
                        continue
                    checked.add(id(rec))
                    matched = sum(1 for tk in toks if any(tk & ok for ok in otoks))
                    if (matched >= 2 or min(len(toks), len(otoks)) == 1) and any(
                        dates_confusable(d, date, self.window) for d in dates
                    ):
                        out[id(owner)] = owner
        return list(out.values())


def typo(rng, word: str) -> str:
    """One substitution (often a neighbouring key), deletion or insertion."""
    i = rng.randrange(len(word))
    op = rng.random()
    if op < 0.5:
        row = next((r for r in _KEYBOARD if word[i] in r), None)
        if row and rng.random() < 0.6:
            j = row.index(word[i])
            choices = [row[k] for k in (j - 1, j + 1) if 0 <= k < len(row)]
        else:
            choices = [c for c in string.ascii_uppercase if c != word[i]]
        return word[:i] + rng.choice(choices) + word[i + 1 :]
    if op < 0.75 and len(word) > 4:
        return word[:i] + word[i + 1 :]
    ins = word[i] if rng.random() < 0.5 else rng.choice(string.ascii_uppercase)
    return word[:i] + ins + word[i:]


def ocr_confuse(rng, number: str) -> str | None:
    spots = [i for i, c in enumerate(number) if c in OCR_CONFUSIONS]
    if not spots:
        return None
    i = rng.choice(spots)
    return number[:i] + OCR_CONFUSIONS[number[i]] + number[i + 1 :]


def transpose(rng, number: str) -> str | None:
    spots = [i for i in range(len(number) - 1) if number[i] != number[i + 1]]
    if not spots:
        return None
    i = rng.choice(spots)
    return number[:i] + number[i + 1] + number[i] + number[i + 2 :]


def three_away(rng, number: str) -> str:
    """Three substitutions, none of them an OCR look-alike or a transposition."""
    chars = list(number)
    for i in rng.sample(range(len(chars)), 3):
        pool = string.digits if chars[i].isdigit() else "ABCDEFHJKLMNPRTUVWXY"
        chars[i] = rng.choice([c for c in pool if c != chars[i] and OCR_CONFUSIONS.get(chars[i]) != c])
    return "".join(chars)


def dob_slip(rng, iso: str) -> str | None:
    pos = rng.choice((3, 5, 6, 8, 9))
    for d in rng.sample(string.digits, 10):
        cand = iso[:pos] + d + iso[pos + 1 :]
        if cand == iso:
            continue
        try:
            dt.date.fromisoformat(cand)
        except ValueError:
            continue
        if 1930 <= int(cand[:4]) <= 2010:
            return cand
    return None
