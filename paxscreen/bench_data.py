"""Seeded, fast synthetic data for `paxscreen bench`: a watchlist of persons and stolen/lost
documents (fed to the store as `WatchEntry`s, no FollowTheMoney JSON in between) and PAXLST
manifests of travellers, a small share of whom are planted hits.

Names: every name part is drawn either from the benchmark's frequency-ordered national pools
(`paxscreen.synth_names`, Zipf weights, so MAMADOU DIALLO and JOSE GARCIA collide as often as
they do in real traffic) or, for the long tail real populations have, built from syllables.
Travellers are drawn from the same distribution as listed persons, so a traveller meets as many
namesakes on the list as a real one would. All draws are vectorised with numpy per chunk of
`CHUNK` entities; chunk ``k`` of a stream depends only on (seed, stream, k), so any entity can
be regenerated without the others.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

import numpy as np

from paxscreen.codec import traveller_event_id
from paxscreen.models import Document, Flight, Leg, Traveller, WatchDocument, WatchEntry
from paxscreen.synth_names import CONCENTRATION, COUNTRIES, EUROPEAN_CONCENTRATION

__all__ = [
    "CHUNK", "Hit", "Listed", "document_makers", "documents", "listed_chunk", "manifests", "person_chunk",
    "person_makers", "persons",
]

CHUNK = 50_000
DATASET = "paxscreen-bench"
_COUNTRY_LIST = sorted(COUNTRIES)
_SYLLABLES = ["BA", "BE", "BI", "BO", "BU", "DA", "DE", "DI", "DO", "DU", "FA", "FE", "FI", "FO", "KA", "KE", "KI", "KO", "KU", "LA", "LE", "LI", "LO", "LU", "MA", "ME", "MI", "MO", "MU", "NA", "NE", "NI", "NO", "NU", "PA", "PE", "PI", "PO", "RA", "RE", "RI", "RO", "RU", "SA", "SE", "SI", "SO", "SU", "TA", "TE", "TI", "TO", "TU", "VA", "VE", "VI", "ZA", "ZE", "ZO", "YA", "YO", "GA", "GO", "GU", "HA", "HO", "BAR", "DAN", "KAR", "LEN", "MAR", "NOR", "SAN", "TOR", "VAL", "BEL", "DOR", "KEL", "MON", "RIN", "SOL", "TAN"]
_LETTERS = np.frombuffer(b"ABCDEFGHJKLMNPRSTUVWXYZ", dtype=np.uint8)
_DIGITS = np.frombuffer(b"0123456789", dtype=np.uint8)
_POOL_SHARE = (0.65, 0.5)  # share of given names / surnames drawn from the national pools


def _rng(seed: int, stream: int, chunk: int) -> np.random.Generator:
    return np.random.default_rng([seed, stream, chunk])


def _zipf_cum(n: int, s: float) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** s
    c = np.cumsum(w)
    return c / c[-1]


@dataclass(frozen=True, slots=True)
class _Pools:
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    culture: str
    cum_m: np.ndarray
    cum_f: np.ndarray
    cum_s: np.ndarray


def _pools() -> list[_Pools]:
    out = []
    for code in _COUNTRY_LIST:
        c = COUNTRIES[code]
        g, s = CONCENTRATION.get(code, EUROPEAN_CONCENTRATION)
        out.append(_Pools(c.male, c.female, c.surnames, c.culture,
                          _zipf_cum(len(c.male), g), _zipf_cum(len(c.female), g), _zipf_cum(len(c.surnames), s)))
    return out


_POOLS = _pools()


def _tail_names(rng: np.random.Generator, n: int, need: np.ndarray | None = None) -> list[str | None]:
    """Long-tail names of 2-3 syllables (about 250,000 distinct spellings); with ``need``, only
    for those rows (None for the others; the draws are the same)."""
    k = rng.integers(2, 4, n)
    idx = rng.integers(0, len(_SYLLABLES), (n, 3))
    syl = _SYLLABLES
    rows = range(n) if need is None else np.flatnonzero(need).tolist()
    out: list[str | None] = [None] * n
    for r, (a, b, c), kk in zip(rows, idx[rows].tolist(), k[rows].tolist(), strict=True):
        out[r] = syl[a] + syl[b] + (syl[c] if kk == 3 else "")
    return out


def _draw_part(rng, pools_idx, pool_attr, cum_attr, share, n, need: np.ndarray | None = None) -> list[str | None]:
    """One name part per row: a national-pool draw (Zipf) or a long-tail name; with ``need``,
    only for those rows (None for the others; the draws are the same)."""
    u = rng.random(n)
    from_pool = rng.random(n) < share
    wanted = np.ones(n, bool) if need is None else need
    out = _tail_names(rng, n, wanted & ~from_pool)
    for ci in np.unique(pools_idx):
        p = _POOLS[ci]
        rows = np.nonzero((pools_idx == ci) & from_pool & wanted)[0]
        if not len(rows):
            continue
        pool, cum = getattr(p, pool_attr), getattr(p, cum_attr)
        picks = np.minimum(np.searchsorted(cum, u[rows]), len(pool) - 1)
        for r, j in zip(rows.tolist(), picks.tolist()):
            out[r] = pool[j]
    return out


@dataclass(frozen=True, slots=True)
class _People:
    """A chunk of drawn people, column by column."""

    country: list[str]
    sex: list[str]
    given: list[str]
    surname: list[str]
    year: np.ndarray
    month: np.ndarray
    day: np.ndarray
    passport: list[str]


def _numbers(rng: np.random.Generator, n: int, letters: int = 2, digits: int = 7) -> list[str]:
    a = np.empty((n, letters + digits), dtype=np.uint8)
    a[:, :letters] = _LETTERS[rng.integers(0, len(_LETTERS), (n, letters))]
    a[:, letters:] = _DIGITS[rng.integers(0, 10, (n, digits))]
    return a.view(f"S{letters + digits}").ravel().astype(str).tolist()


def _people(rng: np.random.Generator, n: int) -> _People:
    ci = rng.integers(0, len(_POOLS), n)
    male = rng.random(n) < 0.55
    # every part is drawn for every row (the stream stays the same), written out where used
    g1m = _draw_part(rng, ci, "male", "cum_m", _POOL_SHARE[0], n, male)
    g1f = _draw_part(rng, ci, "female", "cum_f", _POOL_SHARE[0], n, ~male)
    g2m = _draw_part(rng, ci, "male", "cum_m", _POOL_SHARE[0], n, male)
    g2f = _draw_part(rng, ci, "female", "cum_f", _POOL_SHARE[0], n, ~male)
    s1 = _draw_part(rng, ci, "surnames", "cum_s", _POOL_SHARE[1], n)
    two = np.isin(ci, [i for i, p in enumerate(_POOLS) if p.culture in ("hispanic", "lusophone")])
    s2 = _draw_part(rng, ci, "surnames", "cum_s", _POOL_SHARE[1], n, two)
    two_given = (rng.random(n) < 0.3).tolist()
    two_surnames = (rng.random(n) < 0.5).tolist()
    cultures = [_POOLS[c].culture for c in ci.tolist()]  # lists: a numpy scalar costs ~100 ns a read
    given, surname, sex = [], [], []
    for i, m in enumerate(male.tolist()):
        g = g1m[i] if m else g1f[i]
        g2 = g2m[i] if m else g2f[i]
        if two_given[i] and g2 != g:
            g = f"{g} {g2}"
        culture = cultures[i]
        s = s1[i]
        if (culture == "hispanic" or (culture == "lusophone" and two_surnames[i])) and s2[i] != s:
            s = f"{s} {s2[i]}"
        given.append(g)
        surname.append(s)
        sex.append("M" if m else "F")
    return _People(
        country=[_COUNTRY_LIST[c] for c in ci.tolist()],
        sex=sex,
        given=given,
        surname=surname,
        year=rng.integers(1940, 2006, n),
        month=rng.integers(1, 13, n),
        day=rng.integers(1, 29, n),
        passport=_numbers(rng, n),
    )


def person_chunk(seed: int, k: int, n: int = CHUNK) -> list[WatchEntry]:
    return listed_chunk(seed, k, n)[0]


def listed_chunk(seed: int, k: int, n: int = CHUNK) -> tuple[list[WatchEntry], list[tuple[str, str]]]:
    """Listed persons ``k * CHUNK`` .. ``k * CHUNK + n - 1``: name (some with an alias written
    surname first), birth date (75% full, 15% year only, 10% none), nationality, sex and, for
    half of them, a passport."""
    rng = _rng(seed, 1, k)
    p = _people(rng, n)
    precision = rng.random(n).tolist()
    has_doc = (rng.random(n) < 0.5).tolist()
    alias = (rng.random(n) < 0.1).tolist()
    has_nat = (rng.random(n) < 0.9).tolist()
    year, month, day = p.year.tolist(), p.month.tolist(), p.day.tolist()
    out = []
    base = k * CHUNK
    for i in range(n):
        name = f"{p.given[i]} {p.surname[i]}".title()
        names = (name, f"{p.surname[i]} {p.given[i]}".title()) if alias[i] else (name,)
        y, pr = year[i], precision[i]
        dob = () if pr < 0.10 else (f"{y}",) if pr < 0.25 else (f"{y}-{month[i]:02d}-{day[i]:02d}",)
        c = p.country[i]
        out.append(WatchEntry(
            id=f"bp-{base + i:08d}",
            schema="Person",
            names=names,
            birth_dates=dob,
            nationalities=(c,) if has_nat[i] else (),
            genders=(p.sex[i],),
            documents=(WatchDocument(p.passport[i], c, "passport"),) if has_doc[i] else (),
            dataset=DATASET,
            reason="benchmark listing",
        ))
    return out, list(zip(p.surname, p.given, strict=True))


def persons(seed: int, n: int) -> Iterator[list[WatchEntry]]:
    """``n`` listed persons in chunks."""
    for k in range((n + CHUNK - 1) // CHUNK):
        yield person_chunk(seed, k, min(CHUNK, n - k * CHUNK))


def person_makers(seed: int, n: int) -> list[partial]:
    """`persons` as chunk makers for `WatchlistStore.load_chunks` (generated in its pool)."""
    return [partial(person_chunk, seed, k, min(CHUNK, n - k * CHUNK)) for k in range((n + CHUNK - 1) // CHUNK)]


def document_chunk(seed: int, k: int, n: int = CHUNK) -> list[WatchEntry]:
    """Stolen/lost blank documents (no holder): a number, an issuing country, a type."""
    rng = _rng(seed, 2, k)
    numbers = _numbers(rng, n, 2, 7)
    countries = rng.integers(0, len(_COUNTRY_LIST), n).tolist()
    kinds = (rng.random(n) < 0.8).tolist()
    base = k * CHUNK
    cl = _COUNTRY_LIST
    return [
        WatchEntry(
            id=f"bd-{base + i:09d}",
            schema="Document",
            documents=(WatchDocument(numbers[i], cl[countries[i]], "passport" if kinds[i] else "id"),),
            dataset=DATASET,
            reason="stolen/lost document",
        )
        for i in range(n)
    ]


def documents(seed: int, n: int) -> Iterator[list[WatchEntry]]:
    """``n`` stolen/lost documents in chunks."""
    for k in range((n + CHUNK - 1) // CHUNK):
        yield document_chunk(seed, k, min(CHUNK, n - k * CHUNK))


def document_makers(seed: int, n: int) -> list[partial]:
    """`documents` as chunk makers for `WatchlistStore.load_chunks`."""
    return [partial(document_chunk, seed, k, min(CHUNK, n - k * CHUNK)) for k in range((n + CHUNK - 1) // CHUNK)]


# --- travellers ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hit:
    """A planted traveller: who they are on the list (entry id) and the expected kind."""

    entry_id: str
    kind: str


_AIRPORTS = ("BOG", "GRU", "LOS", "ACC", "DSS", "CMN", "MAD", "LIS", "CDG", "BRU", "AMS", "FRA", "LHR", "FCO", "IST")


def _flight(i: int, rng: np.random.Generator) -> Flight:
    dep, arr = rng.choice(len(_AIRPORTS), 2, replace=False).tolist()
    day = 1 + i % 28
    return Flight(legs=(Leg("BX", f"BX{i:06d}", _AIRPORTS[dep], _AIRPORTS[arr],
                            f"2026-12-{day:02d}T{6 + i % 16:02d}:00", f"2026-12-{day:02d}T{8 + i % 16:02d}:30"),))


def _mrz(text: str) -> str:
    """A name as a travel document's MRZ (and so the airline) writes it: upper-case ASCII."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper().replace("'", "")


@dataclass(frozen=True, slots=True)
class Listed:
    """What the traveller generator may plant: listed persons (with their name parts as drawn)
    and stolen documents."""

    persons: list[WatchEntry]
    parts: list[tuple[str, str]]  # (surname, given names) per person
    stolen: list[WatchEntry]


def _planted(rng: np.random.Generator, listed: Listed):
    """(surname, given, dob, sex, nationality) or a (number, country) of one planted hit: a
    listed person with a full birth date travelling under the listed name, or anyone on a
    stolen document; with the Hit expected."""
    if listed.stolen and (not listed.persons or rng.random() < 0.3):
        e = listed.stolen[int(rng.integers(len(listed.stolen)))]
        d = e.documents[0]
        return None, (d.number, d.country), Hit(e.id, "stolen_document")
    for _ in range(1000):
        i = int(rng.integers(len(listed.persons)))
        e = listed.persons[i]
        if e.birth_dates and len(e.birth_dates[0]) == 10 and e.nationalities:
            surname, given = listed.parts[i]
            person = (_mrz(surname), _mrz(given), e.birth_dates[0], e.genders[0], e.nationalities[0])
            return person, None, Hit(e.id, "name")
    raise ValueError("no listed person with a full birth date and a nationality to plant")


def manifests(
    seed: int,
    travellers: int,
    *,
    per_flight: int = 200,
    hit_rate: float = 0.01,
    listed: Listed | None = None,
    first_flight: int = 0,
) -> Iterator[tuple[Flight, list[Traveller], dict[str, Hit]]]:
    """Flights of ``per_flight`` travellers drawn like the listed persons (so namesakes are as
    common as on a real list); a share ``hit_rate`` of them are planted hits on ``listed``. Yields (flight, travellers, {traveller event id: Hit})."""
    n_flights = (travellers + per_flight - 1) // per_flight
    for f in range(n_flights):
        rng = _rng(seed, 3, first_flight + f)
        flight = _flight(first_flight + f, rng)
        n = min(per_flight, travellers - f * per_flight)
        p = _people(rng, n)
        hits_mask = rng.random(n) < (hit_rate if listed is not None else 0.0)
        out: list[Traveller] = []
        hits: dict[str, Hit] = {}
        for i in range(n):
            surname, given, sex, nat = _mrz(p.surname[i]), _mrz(p.given[i]), p.sex[i], p.country[i]
            dob = f"{p.year[i]}-{p.month[i]:02d}-{p.day[i]:02d}"
            doc, country = p.passport[i], nat
            hit = None
            if hits_mask[i]:
                person, document, hit = _planted(rng, listed)
                if person is not None:
                    surname, given, dob, sex, nat = person
                else:
                    doc, country = document
            t = Traveller(
                event_id=traveller_event_id(flight, role="passenger", surname=surname, given_names=given,
                                            date_of_birth=dob, sex=sex, document_number=doc),
                flight=flight, surname=surname, given_names=given, date_of_birth=dob, sex=sex, nationality=nat,
                documents=(Document(number=doc, type="P", issuing_country=country, expiry="2031-01-01"),),
                embarkation=flight.departure_airport, debarkation=flight.arrival_airport,
            )
            out.append(t)
            if hit is not None:
                hits[t.event_id] = hit
        yield flight, out, hits
