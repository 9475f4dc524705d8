"""A seeded, labelled synthetic screening benchmark: a FollowTheMoney watchlist, PAXLST
manifests of flights on the Latin America -> West Africa -> Europe routes, and for every
traveller the alert it must raise (or none) and its variation class.

Pure: `generate(seed, ...)` returns a `Benchmark` from a seeded `random.Random` (same seed,
same bytes); `Benchmark.write(directory)` writes ``watchlist.ftm.jsonl``, ``paxlst/*.edi``
and ``labels.jsonl``. The classes are documented in `paxscreen.synth_cases` and
docs/evaluation.md; the name knowledge is the benchmark's own (`paxscreen.synth_names`,
`synth_scripts`, `synth_variants`), never the matcher's.
"""

from __future__ import annotations

import itertools
import random
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from paxscreen.codec import traveller_event_id
from paxscreen.models import Document, Flight, Leg, Traveller
from paxscreen.synth_cases import (
    KIND_OF,
    NEGATIVE_CLASSES,
    POSITIVE_CLASSES,
    Builders,
)
from paxscreen.synth_edits import CollisionIndex
from paxscreen.synth_people import (
    AIRPORT_COUNTRY,
    ALL_COUNTRIES,
    ALPHA2,
    Case,
    People,
    Person,
    StolenDoc,
    list_name,
    list_parts,
    mrz_parts,
    person_names,
    title_case,
)
from producers.paxlst_writer import Envelope, write_paxlst

__all__ = ["NEGATIVE_CLASSES", "POSITIVE_CLASSES", "Benchmark", "Label", "generate", "read_labels"]

DATASET = "paxscreen-synth"
PERSON_CLASSES = [c for c in POSITIVE_CLASSES if not c.startswith("stolen_")]
STOLEN_CLASSES = [c for c in POSITIVE_CLASSES if c.startswith("stolen_")]
HARD_NEGATIVES = [c for c in NEGATIVE_CLASSES if c != "ordinary"]

# (carrier, airports in order): direct and one-stop flights of the routes.
ROUTES = [
    ("IB", "BOG MAD"), ("AV", "BOG MAD"), ("AF", "BOG CDG"), ("TP", "GRU LIS"), ("AF", "GRU CDG"), ("LH", "GRU FRA"),
    ("TP", "REC LIS"), ("UX", "SDQ MAD"), ("IB", "SDQ MAD"), ("UX", "CCS MAD"), ("KL", "LIM AMS"), ("UX", "VVI MAD"),
    ("AT", "GRU CMN CDG"), ("AT", "GRU CMN ABJ"), ("ET", "GRU LFW BRU"), ("TP", "LIS OXB"), ("TP", "LIS RAI"),
    ("AT", "CMN DSS"), ("AT", "CMN BKO"), ("AF", "LOS CDG"), ("BA", "LOS LHR"), ("KL", "ACC AMS"), ("BA", "ACC LHR"),
    ("SN", "DSS BRU"), ("AF", "DSS CDG"), ("AF", "BKO CDG"), ("SN", "CKY BRU"), ("AF", "CKY CDG"), ("TP", "OXB LIS"),
    ("TP", "RAI LIS"), ("SN", "ABJ BRU"), ("AF", "ABJ CDG"), ("AF", "COO CDG"), ("SN", "LFW BRU"), ("AT", "CMN MAD"),
    ("TK", "IST LOS"), ("TK", "ACC IST"), ("ME", "BEY CDG"), ("A3", "ATH CDG"), ("SN", "BJL BRU"), ("TK", "IST SVO"),
    ("PS", "KBP AMS"), ("LH", "FRA LOS"), ("KL", "AMS ARN"), ("SK", "CPH OSL"), ("LO", "WAW CDG"),
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Label:
    """What screening one traveller must produce."""

    pnr: str
    flight: str
    cls: str
    expected: tuple[tuple[str, str], ...]  # (entry_id, kind); empty for negatives
    related: str | None  # the entry the case was built from (negatives too)
    detail: str
    surname: str
    given_names: str
    date_of_birth: str
    document_number: str
    event_id: str

    @property
    def positive(self) -> bool:
        return bool(self.expected)

    def to_dict(self) -> dict:
        return {"pnr": self.pnr, "flight": self.flight, "class": self.cls,
                "expected": [list(e) for e in self.expected], "related": self.related, "detail": self.detail,
                "surname": self.surname, "given_names": self.given_names, "date_of_birth": self.date_of_birth,
                "document_number": self.document_number, "event_id": self.event_id}  # fmt: skip

    @classmethod
    def from_dict(cls, d: dict) -> Label:
        return cls(d["pnr"], d["flight"], d["class"], tuple(tuple(e) for e in d["expected"]), d["related"],
                   d["detail"], d["surname"], d["given_names"], d["date_of_birth"], d["document_number"],
                   d["event_id"])  # fmt: skip


@dataclass
class Benchmark:
    seed: int
    entities: list[dict]
    flights: list[tuple[Flight, list[Traveller]]]
    labels: dict[str, Label]  # by PNR locator
    params: dict = field(default_factory=dict)

    def manifests(self) -> Iterator[tuple[str, bytes]]:
        for i, (flight, travellers) in enumerate(self.flights):
            leg = flight.legs[0]
            name = f"flight-{i:04d}-{flight.number}-{flight.departure_airport}{flight.arrival_airport}.edi"
            yield (
                name,
                write_paxlst(
                    flight,
                    travellers,
                    Envelope(reference=f"R{i:06d}", prepared=f"{(leg.departure_time or '')[:10]}T04:00"),
                ),
            )

    def write(self, directory: str | Path) -> dict[str, Path]:
        """Write the watchlist, one PAXLST file per flight and the labels; returns their paths."""
        out = Path(directory)
        (out / "paxlst").mkdir(parents=True, exist_ok=True)
        for old in (out / "paxlst").glob("flight-*.edi"):  # a previous benchmark's flights
            old.unlink()
        watchlist = out / "watchlist.ftm.jsonl"
        watchlist.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in self.entities))
        for name, data in self.manifests():
            (out / "paxlst" / name).write_bytes(data)
        labels = out / "labels.jsonl"
        labels.write_bytes(b"".join(orjson.dumps(lb.to_dict()) + b"\n" for lb in self.labels.values()))
        (out / "benchmark.json").write_bytes(
            orjson.dumps({"seed": self.seed, **self.params}, option=orjson.OPT_INDENT_2)
        )
        return {"watchlist": watchlist, "manifests": out / "paxlst", "labels": labels}


def read_labels(path: str | Path) -> dict[str, Label]:
    with open(path, "rb") as fh:
        return {lb.pnr: lb for lb in (Label.from_dict(orjson.loads(line)) for line in fh if line.strip())}


def _canon(number: str) -> str:
    return number.translate(str.maketrans("OISBZG", "015826"))


class Generator:
    """Draws the watchlist and the labelled travellers, keeping them free of unintended matches."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.people = People(self.rng)
        self.entries = CollisionIndex()
        self.labelled = CollisionIndex()
        self.persons: list[Person] = []
        self.common: list[Person] = []
        self.stolen: list[StolenDoc] = []
        self._canon: set[str] = set()
        self._masked: set[str] = set()
        self.builders = Builders(self)

    # --- documents -----------------------------------------------------------------------------

    def _register_number(self, number: str) -> None:
        c = _canon(number)
        self._canon.add(c)
        self._masked.update(c[:i] + "*" + c[i + 1 :] for i in range(len(c)))

    def near_listed(self, number: str) -> bool:
        """Within one OCR confusion, one substitution or one transposition of a listed number."""
        c = _canon(number)
        if any(c[:i] + "*" + c[i + 1 :] in self._masked for i in range(len(c))):
            return True
        return any(c[:i] + c[i + 1] + c[i] + c[i + 2 :] in self._canon for i in range(len(c) - 1))

    def fresh_number(self, country: str) -> str:
        while True:
            n = self.people.document_number(country)
            if not self.near_listed(n):
                return n

    def new_stolen(self) -> StolenDoc:
        country = self.rng.choice(ALL_COUNTRIES)
        return StolenDoc(
            self.fresh_number(country), country, "Passport" if self.rng.random() < 0.8 else "Identification"
        )

    # --- persons -------------------------------------------------------------------------------

    def new_person(self, country: str | None = None, *, common: bool = False, **kw) -> Person:
        """A candidate listed person (registered only when its case is committed)."""
        rng = self.rng
        p = self.people.person(country, "M" if rng.random() < 0.85 else "F", common=common, **kw)
        if rng.random() < 0.2:
            p.dob = p.dob[:4]
        p.split_props = rng.random() < 0.3
        p.upper = rng.random() < 0.2
        p.with_gender = rng.random() < 0.85
        p.with_nationality = rng.random() < 0.9
        if rng.random() < 0.45:
            p.passport = (self.fresh_number(p.country), p.country)
            p.passport_entity = rng.random() < 0.5
        return p

    def _person_ok(self, p: Person) -> bool:
        names = person_names(p)
        return not self.entries.clashes(names, p.dob) and not self.labelled.clashes(names, p.dob)

    def _register_person(self, p: Person) -> None:
        self.persons.append(p)
        if p.common:
            self.common.append(p)
        self.entries.add(p, person_names(p), [p.dob])
        if p.passport:
            self._register_number(p.passport[0])

    def background_person(self, common: bool = False) -> Person:
        while True:
            p = self.new_person(common=common)
            if self.rng.random() < 0.1:
                other = self.people.person(p.country, p.sex)
                p.aliases.append(" ".join(mrz_parts(other)[::-1]).title())
            if self._person_ok(p):
                self._register_person(p)
                return p

    def listed_person(self, common: bool = False) -> Person:
        if common:
            return self.rng.choice(self.common) if self.common else self.background_person(common=True)
        return self.rng.choice(self.persons)

    def listed_document(self) -> Person | StolenDoc:
        with_passport = [p for p in self.persons if p.passport]
        if self.stolen and (not with_passport or self.rng.random() < 0.5):
            return self.rng.choice(self.stolen)
        return self.rng.choice(with_passport)

    # --- cases ---------------------------------------------------------------------------------

    def commit(self, case: Case) -> bool:
        """Register a case's listed person or document and its traveller, unless it would make
        an unintended match (then the caller draws again)."""
        tnames = [f"{case.given} {case.surname}"]
        target = case.target
        exclude = [target] if isinstance(target, Person) else []
        if case.cls == "neg_same_surname":
            exclude = [case.related]
        if isinstance(target, Person) and not self._person_ok(target):
            return False
        if self.entries.clashes(tnames, case.dob, exclude=exclude):
            return False
        if isinstance(target, Person):
            self._register_person(target)
        elif isinstance(target, StolenDoc):
            self.stolen.append(target)
            self._register_number(target.number)
        self.labelled.add(case, tnames, [case.dob])
        return True

    def build(self, cls: str, tries: int = 400) -> Case:
        method = getattr(self.builders, cls)
        for _ in range(tries):
            case = method()
            if case is not None and self.commit(case):
                return case
        raise RuntimeError(f"could not build a {cls!r} case in {tries} draws")

    def ordinary(self, country: str) -> Case:
        rng = self.rng
        while True:
            p = self.people.person(country)
            if rng.random() < 0.08:
                p.dob = self.people.birth_date(2008, 2024)
            elif rng.random() < 0.5:
                p.dob = self.people.birth_date(1940, 2007)
            s, gv = mrz_parts(p)
            if not self.entries.clashes([f"{gv} {s}"], p.dob):
                nat = p.country
                return Case("ordinary", s, gv, p.dob, p.sex, nat, self.fresh_number(nat), nat)


def _flights(rng: random.Random, total: int) -> list[tuple[Flight, int]]:
    """Flights in December 2026 with 110-280 seats taken, until ``total`` travellers fit."""
    out: list[tuple[Flight, int]] = []
    seen: set[tuple[str, int]] = set()
    remaining = total
    while remaining > 0:
        carrier, route = rng.choice(ROUTES)
        airports = route.split()
        day = rng.randint(1, 27)
        number = f"{carrier}{rng.randint(10, 999)}"
        if (number, day) in seen:
            continue
        seen.add((number, day))
        hour, t = rng.randint(0, 20), 0
        legs = []
        for a, b in itertools.pairwise(airports):
            dep_h = hour + t
            arr_h = dep_h + rng.randint(3, 10)
            legs.append(Leg(carrier, number, a, b, _stamp(day, dep_h, rng.choice((0, 15, 30, 45))),
                            _stamp(day, arr_h, rng.choice((0, 10, 25, 40, 55)))))  # fmt: skip
            t = arr_h - hour + 2
        size = min(remaining, rng.randint(110, 280))
        out.append((Flight(tuple(legs)), size))
        remaining -= size
    return out


def _stamp(day: int, hour: int, minute: int) -> str:
    day += hour // 24
    return f"2026-12-{day:02d}T{hour % 24:02d}:{minute:02d}"


def _nationality(rng: random.Random, flight: Flight) -> str:
    r = rng.random()
    airports = [flight.departure_airport, *flight.transit_airports, flight.arrival_airport]
    if r < 0.4:
        a = airports[0]
    elif r < 0.7:
        a = airports[-1]
    elif r < 0.78:
        a = rng.choice(airports)
    else:
        return rng.choice(ALL_COUNTRIES)
    return AIRPORT_COUNTRY.get(a or "", rng.choice(ALL_COUNTRIES))


def generate(
    seed: int = 1,
    *,
    travellers: int = 20_000,
    persons: int = 2_000,
    stolen: int = 500,
    per_class: int | None = None,
    negatives_per_class: int | None = None,
) -> Benchmark:
    """The benchmark for ``seed``: ``persons`` listed people and ``stolen`` stolen/lost documents,
    ``travellers`` travellers of which ``per_class`` per positive class and
    ``negatives_per_class`` per hard-negative class are labelled cases; the rest are ordinary."""
    per_class = per_class or max(5, min(200, travellers // 250))
    negatives_per_class = negatives_per_class or 2 * per_class
    need_persons = per_class * len(PERSON_CLASSES) + 10
    if persons < need_persons:
        raise ValueError(
            f"persons={persons!r} is too small: {per_class} cases per class need at least {need_persons}"
        )
    if stolen < per_class * len(STOLEN_CLASSES):
        raise ValueError(f"stolen={stolen!r} is too small: need at least {per_class * len(STOLEN_CLASSES)}")
    labelled_n = per_class * len(POSITIVE_CLASSES) + negatives_per_class * len(HARD_NEGATIVES)
    if travellers < labelled_n:
        raise ValueError(f"travellers={travellers!r} is too small for {labelled_n} labelled cases")

    g = Generator(seed)
    for _ in range(stolen - per_class * len(STOLEN_CLASSES)):
        doc = g.new_stolen()
        g.stolen.append(doc)
        g._register_number(doc.number)
    for _ in range(persons - per_class * len(PERSON_CLASSES)):
        g.background_person(common=g.rng.random() < 0.2)
    cases: list[Case] = []
    for _ in range(per_class):
        cases.extend(g.build(cls) for cls in POSITIVE_CLASSES)
    for _ in range(negatives_per_class):
        cases.extend(g.build(cls) for cls in HARD_NEGATIVES)

    rng = g.rng
    order = g.persons[:]
    rng.shuffle(order)
    for i, p in enumerate(order):
        p.id = f"syn-p-{i:05d}"
    docs = g.stolen[:]
    rng.shuffle(docs)
    for i, d in enumerate(docs):
        d.id = f"syn-d-{i:05d}"
    entities = [e for p in order for e in _person_entities(rng, p)] + [_stolen_entity(d) for d in docs]
    rng.shuffle(entities)

    plan = _flights(rng, travellers)
    slots = [i for i, (_, size) in enumerate(plan) for _ in range(size)]
    rng.shuffle(slots)
    per_flight: list[list[Case]] = [[] for _ in plan]
    for case, slot in zip(cases, slots, strict=False):
        per_flight[slot].append(case)
    pnrs: set[str] = set()
    flights: list[tuple[Flight, list[Traveller]]] = []
    labels: dict[str, Label] = {}
    for (flight, size), labelled in zip(plan, per_flight, strict=True):
        batch = labelled + [g.ordinary(_nationality(rng, flight)) for _ in range(size - len(labelled))]
        rng.shuffle(batch)
        row = []
        for k, case in enumerate(batch):
            pnr = _pnr(rng, pnrs)
            t = _traveller(rng, g.people, flight, case, pnr, f"{k // 6 + 1}{'ABCDEF'[k % 6]}")
            row.append(t)
            labels[pnr] = _label(case, t, flight)
        flights.append((flight, row))
    params = {"travellers": travellers, "persons": persons, "stolen": stolen, "per_class": per_class,
              "negatives_per_class": negatives_per_class, "flights": len(flights)}  # fmt: skip
    return Benchmark(seed, entities, flights, labels, params)


def _pnr(rng: random.Random, seen: set[str]) -> str:
    while True:
        pnr = "".join(rng.choices(string.ascii_uppercase + string.digits, k=6))
        if pnr not in seen:
            seen.add(pnr)
            return pnr


def _traveller(rng, people: People, flight: Flight, case: Case, pnr: str, seat: str) -> Traveller:
    embark, debark = flight.departure_airport, flight.arrival_airport
    if len(flight.legs) > 1 and rng.random() < 0.15:
        embark = flight.legs[1].departure_airport
    doc = Document(
        number=case.doc_number, type=case.doc_type, issuing_country=case.doc_country, expiry=people.expiry()
    )
    return Traveller(
        event_id=traveller_event_id(flight, role="passenger", surname=case.surname, given_names=case.given,
                                    date_of_birth=case.dob, sex=case.sex, document_number=case.doc_number),
        flight=flight, surname=case.surname, given_names=case.given, date_of_birth=case.dob, sex=case.sex,
        nationality=case.nationality, documents=(doc,), embarkation=embark, debarkation=debark,
        pnr_locator=pnr, seat=seat,
    )  # fmt: skip


def _label(case: Case, t: Traveller, flight: Flight) -> Label:
    expected = ((case.target.id, KIND_OF[case.cls]),) if case.target is not None else ()
    related = case.related.id if case.related is not None else None
    return Label(t.pnr_locator or "", flight.key, case.cls, expected, related, case.detail, case.surname,
                 case.given, case.dob, case.doc_number, t.event_id)  # fmt: skip


def _person_entities(rng: random.Random, p: Person) -> list[dict]:
    props: dict[str, list[str]] = {"name": [list_name(p)], "birthDate": [p.dob]}
    if p.split_props:
        given, surnames = list_parts(p)
        style = (
            str.upper if p.upper else (str if p.script and p.native_list else lambda x: title_case(x.upper()))
        )
        props["firstName"] = [style(" ".join(given))]
        props["lastName"] = [style(" ".join(surnames))]
        if p.patronymic and p.native_list:
            props["middleName"] = [p.patronymic]
    if p.aliases:
        props["alias"] = list(p.aliases)
    if p.with_nationality:
        props["nationality"] = [ALPHA2[p.country]]
    if p.with_gender:
        props["gender"] = ["male" if p.sex == "M" else "female"]
    props["notes"] = ["Synthetic benchmark entry"]
    out = [{"id": p.id, "schema": "Person", "datasets": [DATASET], "properties": props}]
    if p.passport:
        number, country = p.passport
        if p.passport_entity:
            out.append(
                {
                    "id": f"{p.id}-pp",
                    "schema": "Passport",
                    "datasets": [DATASET],
                    "properties": {"number": [number], "country": [ALPHA2[country]], "holder": [p.id]},
                }
            )
        else:
            props["passportNumber"] = [number]
    return out


def _stolen_entity(d: StolenDoc) -> dict:
    props = {
        "number": [d.number],
        "country": [ALPHA2[d.country]],
        "summary": ["Reported stolen or lost, blank"],
    }
    if d.schema == "Identification":
        props["type"] = ["national identity card"]
    return {"id": d.id, "schema": d.schema, "datasets": [DATASET], "properties": props}
