"""The reference side of the benchmark: nomenklatura's logic-v2 (the algorithm behind yente /
OpenSanctions screening) on a sample of the same travellers and watchlist.

Each sampled traveller becomes a FollowTheMoney ``Person`` (name, first/last name, birth date,
nationality, gender, passport number) and is compared with ``LogicV2.compare`` to:

- its labelled entry (positives: logic-v2 gets perfect candidate retrieval),
- the entries a simple blocking finds (a shared name token of three letters or more after
  ASCII folding, top ``block`` by token overlap, plus document numbers within two edits),
- and every entry paxscreen alerted on for that traveller,

counting a match at logic-v2's usual 0.7 threshold. A listed person's ``Passport`` with a
holder is merged into its ``passportNumber``; a stolen/lost document becomes a nameless
``Person`` with that ``passportNumber`` (logic-v2 cannot compare a Person with a Passport),
so its identifier feature can fire.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from anyascii import anyascii
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from paxscreen.models import Traveller

THRESHOLD = 0.7
_TOKEN = re.compile(r"[A-Z]{3,}")


def nomenklatura_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nomenklatura")
    except PackageNotFoundError:
        return None


def _tokens(text: str) -> set[str]:
    return set(_TOKEN.findall(anyascii(text).upper()))


@dataclass
class Pair:
    pnr: str
    entry_id: str
    score: float


class LogicV2Reference:
    """Candidate entities from the watchlist's FtM lines, and logic-v2 comparisons."""

    def __init__(self, entities: Sequence[dict], *, block: int = 10) -> None:
        from followthemoney import model
        from nomenklatura.matching import LogicV2

        self.model = model
        self.algorithm = LogicV2
        self.config = LogicV2.default_config()
        self.block = block
        passports: dict[str, list[str]] = defaultdict(list)
        for e in entities:
            holder = e.get("properties", {}).get("holder")
            if e.get("schema") in ("Passport", "Identification") and holder:
                passports[holder[0]].extend(e["properties"].get("number", []))
        self.proxies: dict[str, object] = {}
        self.names: dict[str, str] = {}
        self.numbers: dict[str, str] = {}
        self._by_token: dict[str, set[str]] = defaultdict(set)
        for e in entities:
            props = e.get("properties", {})
            if e.get("schema") == "Person":
                proxy = model.get_proxy({"id": e["id"], "schema": "Person", "properties": props})
                for n in passports.get(e["id"], []):
                    proxy.add("passportNumber", n)
                names = " ".join(props.get("name", []) + props.get("alias", []))
                self.names[e["id"]] = names
                for tok in _tokens(names):
                    self._by_token[tok].add(e["id"])
                for n in proxy.get("passportNumber"):
                    self.numbers[e["id"] + "|" + n] = n
            elif not props.get("holder"):
                proxy = model.make_entity("Person")
                proxy.id = e["id"]
                for n in props.get("number", []):
                    proxy.add("passportNumber", n)
                    self.numbers[e["id"] + "|" + n] = n
            else:
                continue
            self.proxies[e["id"]] = proxy
        self._number_keys = list(self.numbers)
        self._number_values = [self.numbers[k] for k in self._number_keys]

    def query(self, t: Traveller, alpha2: dict[str, str]):
        q = self.model.make_entity("Person")
        q.id = f"q-{t.event_id}"
        given, surname = t.given_names or "", t.surname or ""
        q.add("name", f"{given} {surname}".strip())
        if given:
            q.add("firstName", given)
        if surname:
            q.add("lastName", surname)
        if t.date_of_birth:
            q.add("birthDate", t.date_of_birth)
        if t.nationality and t.nationality in alpha2:
            q.add("nationality", alpha2[t.nationality])
        if t.sex in ("M", "F"):
            q.add("gender", "male" if t.sex == "M" else "female")
        if t.document and t.document.number:
            q.add("passportNumber", t.document.number)
        return q

    def candidates(self, t: Traveller) -> list[str]:
        """Blocking: shared name tokens (ranked), plus document numbers within two edits."""
        toks = _tokens(f"{t.given_names or ''} {t.surname or ''}")
        counts: dict[str, int] = defaultdict(int)
        for tok in toks:
            for eid in self._by_token.get(tok, ()):
                counts[eid] += 1
        full = f"{t.given_names or ''} {t.surname or ''}"
        ranked = sorted(
            counts,
            key=lambda e: (-counts[e], -fuzz.token_sort_ratio(full, anyascii(self.names[e]).upper()), e),
        )
        out = ranked[: self.block]
        number = t.document.number if t.document else None
        if number and self._number_values:
            for _, _, i in process.extract(number, self._number_values, scorer=Levenshtein.distance, score_cutoff=2,
                                           limit=None):  # fmt: skip
                eid = self._number_keys[i].split("|", 1)[0]
                if eid not in out:
                    out.append(eid)
        return out

    def compare(self, query, entry_id: str) -> float:
        proxy = self.proxies.get(entry_id)
        if proxy is None:
            return 0.0
        return float(self.algorithm.compare(query, proxy, self.config).score)

    def screen(
        self, travellers: Iterable[tuple[str, Traveller, Sequence[str]]], alpha2: dict[str, str]
    ) -> list[Pair]:
        """Score every (traveller, candidate) pair: its blocked candidates plus ``extra`` ids."""
        pairs: list[Pair] = []
        for pnr, t, extra in travellers:
            q = self.query(t, alpha2)
            for eid in dict.fromkeys([*extra, *self.candidates(t)]):
                pairs.append(Pair(pnr, eid, self.compare(q, eid)))
        return pairs
