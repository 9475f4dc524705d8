"""People of the synthetic benchmark: drawing realistic names, birth dates and document numbers
for a country, and writing a person the way a watchlist does and the way a travel document
(the MRZ, hence the airline's PAXLST) does. Pure functions of a seeded `random.Random`."""

from __future__ import annotations

import datetime as dt
import random
import string
from dataclasses import dataclass, field
from itertools import accumulate

from paxscreen.synth_names import CONCENTRATION, COUNTRIES, EUROPEAN_CONCENTRATION, SCRIPT_COUNTRIES
from paxscreen.synth_scripts import (
    SCRIPT_POOLS,
    feminine_surname,
    mrz_latin,
    patronymic,
    popular_latin,
    romanisations,
)
from paxscreen.synth_variants import fold

ALL_COUNTRIES: tuple[str, ...] = (*COUNTRIES, *SCRIPT_COUNTRIES)
ALPHA2 = {
    **{c.alpha3: c.alpha2 for c in COUNTRIES.values()},
    **{k: v[0] for k, v in SCRIPT_COUNTRIES.items()},
}
AIRPORT_COUNTRY = {a: c.alpha3 for c in COUNTRIES.values() for a in c.airports} | {
    a: k for k, v in SCRIPT_COUNTRIES.items() for a in v[2]}  # fmt: skip

LOWER_PARTICLES = {"DE", "LA", "LAS", "LOS", "DEL", "DA", "DAS", "DO", "DOS", "VAN", "DER", "DEN", "VON", "TER", "TEN",
                   "DI", "DU", "LE", "E", "Y"}  # fmt: skip
_GERMAN_CHARSET = "CFGHJKLMNPRTVWXYZ0123456789"
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # passports avoid I, O and Q in letter positions


@dataclass(eq=False)
class Person:
    """A listed (or travelling) person, names in native spelling (diacritics, Cyrillic, Greek)."""

    country: str
    sex: str  # M | F
    given: list[str]
    surnames: list[str]
    dob: str  # full or partial ISO date as the list gives it
    script: bool = False  # names in Cyrillic or Greek
    patronymic: str | None = None
    common: bool = False  # drawn from the most frequent names (for common-name collisions)
    id: str = ""
    aliases: list[str] = field(default_factory=list)
    title: str | None = None  # a title written into the list name
    list_given: list[str] | None = None  # what the list holds when it differs from the person's names
    list_surnames: list[str] | None = None
    native_list: bool = False  # the list gives the name in its native script only
    popular_list: bool = False  # the list uses the English-language romanisation
    surname_first: bool = False
    split_props: bool = False  # firstName / lastName given besides name
    upper: bool = False
    with_gender: bool = True
    with_nationality: bool = True
    passport: tuple[str, str] | None = None  # (number, country)
    passport_entity: bool = False  # a Passport entity with holder, else the passportNumber property

    @property
    def year(self) -> int:
        return int(self.dob[:4])


def title_case(name: str) -> str:
    """``DE LA CRUZ NÚÑEZ`` -> ``de la Cruz Núñez``, ``N'DIAYE`` -> ``N'Diaye``."""
    words = []
    for i, w in enumerate(name.split()):
        if i and w in LOWER_PARTICLES:
            words.append(w.lower())
            continue
        parts = []
        for seg in w.split("-"):
            bits = seg.split("'")
            parts.append("'".join(b[:1].upper() + b[1:].replace("İ", "I").lower() for b in bits))
        word = "-".join(parts)
        if word.startswith("Mc") and len(word) > 2:
            word = "Mc" + word[2].upper() + word[3:]
        words.append(word)
    return " ".join(words)


class People:
    """Draws people, dates and document numbers; every document number it makes is unique."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._cum: dict[tuple[int, float], list[float]] = {}
        self.numbers: set[str] = set()

    # --- names ---------------------------------------------------------------------------------

    def pick(self, pool: tuple[str, ...], *, common: bool = False, s: float = 0.7) -> str:
        """A Zipf-weighted draw with exponent ``s`` (the pools are ordered most frequent first)."""
        if common:
            return self.rng.choice(pool[:3])
        cum = self._cum.get((id(pool), s))
        if cum is None:
            cum = self._cum[(id(pool), s)] = list(accumulate(1.0 / (r + 1) ** s for r in range(len(pool))))
        return self.rng.choices(pool, cum_weights=cum)[0]

    def pools(self, country: str, sex: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if country in SCRIPT_POOLS:
            p = SCRIPT_POOLS[country]
            return (p["male"] if sex == "M" else p["female"]), p["surnames"]
        c = COUNTRIES[country]
        return (c.male if sex == "M" else c.female), c.surnames

    def given_names(self, country: str, sex: str, n: int, *, common: bool = False) -> list[str]:
        pool, _ = self.pools(country, sex)
        conc = CONCENTRATION.get(country, EUROPEAN_CONCENTRATION)[0]
        out: list[str] = []
        while len(out) < n:
            g = self.pick(pool, common=common and not out, s=conc if not out else 0.5)
            if g not in out and not (out and "-" in g):
                out.append(g)
        return out

    def person(
        self,
        country: str | None = None,
        sex: str | None = None,
        *,
        given_n: int | None = None,
        surnames_n: int | None = None,
        common: bool = False,
        dob: str | None = None,
    ) -> Person:
        """A realistic person of ``country`` (drawn when None)."""
        rng = self.rng
        country = country or rng.choice(ALL_COUNTRIES)
        sex = sex or ("M" if rng.random() < 0.55 else "F")
        script = country in SCRIPT_POOLS
        culture = "script" if script else COUNTRIES[country].culture
        if given_n is None:
            given_n = (
                1
                if script
                else (2 if rng.random() < {"hispanic": 0.45, "lusophone": 0.5}.get(culture, 0.3) else 1)
            )
        if surnames_n is None:
            surnames_n = {"hispanic": 2, "lusophone": 2 if rng.random() < 0.65 else 1}.get(culture, 1)
            if culture == "lusophone" and country == "PRT" and rng.random() < 0.3:
                surnames_n = 3
        _, spool = self.pools(country, sex)
        conc = CONCENTRATION.get(country, EUROPEAN_CONCENTRATION)[1]
        surnames: list[str] = []
        while len(surnames) < surnames_n:
            s = self.pick(spool, common=common and not surnames, s=conc)
            if s not in surnames:
                surnames.append(s)
        if script and sex == "F":
            surnames = [feminine_surname(s, country) for s in surnames]
        p = Person(
            country,
            sex,
            self.given_names(country, sex, given_n, common=common),
            surnames,
            dob or self.birth_date(),
            script=script,
            common=common,
        )
        if country in ("RUS", "UKR"):
            father = self.pick(SCRIPT_POOLS[country]["male"], s=0.7)
            p.patronymic = patronymic(father, female=sex == "F", ukrainian=country == "UKR")
        return p

    # --- dates ---------------------------------------------------------------------------------

    def birth_date(self, lo: int = 1950, hi: int = 2004) -> str:
        year = self.rng.randint(lo, hi)
        day = dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))
        return day.isoformat()

    def date_in(self, partial: str) -> str:
        """A full date inside a partial one (``"1975"`` -> ``"1975-08-14"``)."""
        if len(partial) >= 10:
            return partial[:10]
        year = int(partial[:4])
        if len(partial) >= 7:
            month = int(partial[5:7])
            return dt.date(year, month, self.rng.randint(1, 28)).isoformat()
        return (dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))).isoformat()

    def shift_years(self, iso: str, lo: int, hi: int) -> str:
        """A full date ``lo``..``hi`` years before or after ``iso`` (births 1935-2010)."""
        base = int(iso[:4])
        years = [y for d in range(lo, hi + 1) for y in (base - d, base + d) if 1935 <= y <= 2010]
        return self.date_in(str(self.rng.choice(years)))

    # --- documents -----------------------------------------------------------------------------

    def document_number(self, country: str) -> str:
        pattern = COUNTRIES[country].passport if country in COUNTRIES else SCRIPT_COUNTRIES[country][1]
        while True:
            out = []
            for ch in pattern:
                if ch == "L":
                    out.append(self.rng.choice(_LETTERS))
                elif ch == "D":
                    out.append(self.rng.choice(string.digits))
                elif ch == "G":
                    out.append(self.rng.choice(_GERMAN_CHARSET))
                else:
                    out.append(self.rng.choice(_LETTERS + string.digits))
            number = "".join(out)
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def expiry(self) -> str:
        return self.date_in(str(self.rng.randint(2027, 2036)))

    # --- how a person is written ---------------------------------------------------------------

    def latin(self, text: str, country: str, *, popular: bool = False) -> str:
        """A native name in Latin letters as that country's passports (or English sources) write it."""
        if country not in SCRIPT_POOLS:
            return text
        return popular_latin(text, country) if popular else mrz_latin(text, country)


def mrz_parts(p: Person, *, mode: str | None = None) -> tuple[str, str]:
    """(surname, given names) as the person's own travel document has them in the MRZ."""
    if p.script:
        return mrz_latin(" ".join(p.surnames), p.country), mrz_latin(" ".join(p.given), p.country)
    mode = mode or (COUNTRIES[p.country].mrz if p.country in COUNTRIES else "drop")
    return fold(" ".join(p.surnames), mode), fold(" ".join(p.given), mode)


def list_parts(p: Person) -> tuple[list[str], list[str]]:
    """(given names, surnames) as the watchlist spells them (native or romanised)."""
    given = p.list_given if p.list_given is not None else p.given
    surnames = p.list_surnames if p.list_surnames is not None else p.surnames
    if p.script and not p.native_list:
        given = [popular_latin(g, p.country) if p.popular_list else mrz_latin(g, p.country) for g in given]
        surnames = [
            popular_latin(s, p.country) if p.popular_list else mrz_latin(s, p.country) for s in surnames
        ]
    return given, surnames


def list_name(p: Person) -> str:
    """The ``name`` a watchlist gives the person."""
    given, surnames = list_parts(p)
    middle = []
    if p.patronymic and (p.native_list or p.popular_list):
        middle = [p.patronymic if p.native_list else popular_latin(p.patronymic, p.country)]
    if p.surname_first:
        words = [*surnames, *given, *middle]
    else:
        words = [*given, *middle, *surnames]
    text = " ".join(words)
    if p.upper:
        text = text.upper()
    elif not (p.script and p.native_list):
        text = title_case(text.upper())
    if p.title:
        text = f"{p.title} {text}"
    return text


@dataclass(eq=False)
class StolenDoc:
    number: str
    country: str
    schema: str = "Passport"  # Passport | Identification
    id: str = ""


@dataclass
class Case:
    """A labelled traveller before it is placed on a flight."""

    cls: str
    surname: str
    given: str
    dob: str
    sex: str
    nationality: str
    doc_number: str
    doc_country: str
    doc_type: str = "P"
    target: Person | StolenDoc | None = None  # what it must match (positives)
    related: Person | StolenDoc | None = None  # what it was built from
    detail: str = ""


def person_names(p: Person) -> list[str]:
    """Every Latin form under which a listed person may be found (for the guard)."""
    s, g = mrz_parts(p)
    forms = [f"{g} {s}"]
    lg, ls = list_parts(p)
    if not (p.script and p.native_list):
        forms.append(" ".join([*lg, *ls]))
    if p.script:
        forms += [f for _, f in romanisations(" ".join([*p.given, *p.surnames]), p.country)]
        forms.append(popular_latin(" ".join([*p.given, *p.surnames]), p.country))
    return forms + list(p.aliases)
