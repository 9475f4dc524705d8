"""A constructed screening scenario for the end-to-end tests: a small FollowTheMoney watchlist
and PAXLST manifests (written with producers.paxlst_writer) whose expected alerts are known."""

from __future__ import annotations

import random
from pathlib import Path

import orjson

from paxscreen.codec import traveller_event_id
from paxscreen.models import Document, Flight, Leg, Traveller
from producers.paxlst_writer import Envelope, write_paxlst

WATCHLIST = [
    {"id": "e2e-p-diallo", "schema": "Person", "datasets": ["e2e"], "properties": {
        "name": ["Mohamed Diallo"], "birthDate": ["1975-03-02"], "nationality": ["gn"], "gender": ["male"]}},
    {"id": "e2e-p-cruz", "schema": "Person", "datasets": ["e2e"], "properties": {
        "firstName": ["José"], "lastName": ["de la Cruz Núñez"], "birthDate": ["1981"], "nationality": ["co"]}},
    {"id": "e2e-p-okafor", "schema": "Person", "datasets": ["e2e"], "properties": {
        "name": ["Chinedu Okafor"], "birthDate": ["1969-11-20"], "nationality": ["ng"]}},
    {"id": "e2e-pp-okafor", "schema": "Passport", "datasets": ["e2e"], "properties": {
        "number": ["A07731942"], "country": ["ng"], "holder": ["e2e-p-okafor"]}},
    {"id": "e2e-doc-stolen", "schema": "Passport", "datasets": ["e2e"], "properties": {
        "number": ["BR5581203"], "country": ["br"]}},
]

# (surname, given, dob, sex, nationality, passport, passport country) -> expected (entry id, kind) or None
HITS = [
    (("JALLOW", "MOHAMMED", "1975-03-02", "M", "GIN", "G44120871", "GIN"), ("e2e-p-diallo", "name")),
    (("DELACRUZ NUNEZ", "JOSE", "1981-06-14", "M", "COL", "PE118822", "COL"), ("e2e-p-cruz", "name")),
    (("MENSAH", "KOFI", "1988-01-09", "M", "GHA", "A07731942", "NGA"), ("e2e-p-okafor", "document")),
    (("SILVA", "ANA PAULA", "1990-04-21", "F", "BRA", "BR558I203", "BRA"), ("e2e-doc-stolen", "stolen_document")),
]
MISSES = [
    ("DIALLO", "MOHAMED", "1995-08-30", "M", "FRA", "19AB23456", "FRA"),  # namesake, decade apart, other nationality
    ("OKAFOR", "GRACE", "1992-02-02", "F", "GHA", "A07791852", "GHA"),  # passport 3 characters away, another name
]

SURNAMES = ["PEREIRA", "SANTOS", "MARTIN", "DUBOIS", "KOWALSKI", "ADEYEMI", "TRAORE", "GARCIA", "MULLER",
            "ROSSI", "NOVAK", "OWUSU", "MENDY", "LOPEZ", "FERREIRA", "JANSSEN", "PETERS", "COSTA", "BAKER"]
GIVEN = ["MARIA", "JOAO", "PIERRE", "ANNA", "LUCAS", "AMINATA", "FATOU", "CARLOS", "SOPHIE", "PAUL",
         "IBRAHIMA", "ELENA", "DAVID", "GRACE", "YAW", "INES", "TOMAS", "LAURA"]
ROUTES = [("GRU", "LFW", "BRU"), ("BOG", "MAD", None), ("CCS", "ACC", "AMS"), ("DSS", "CDG", None)]


def write_watchlist(path: Path) -> Path:
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in WATCHLIST))
    return path


def _flight(i: int) -> Flight:
    dep, mid, arr = ROUTES[i % len(ROUTES)]
    day = 1 + i % 27
    num = f"XZ{100 + i}"
    if arr is None:
        return Flight(legs=(Leg("XZ", num, dep, mid, f"2026-12-{day:02d}T10:00", f"2026-12-{day:02d}T22:00"),))
    return Flight(legs=(
        Leg("XZ", num, dep, mid, f"2026-12-{day:02d}T10:00", f"2026-12-{day:02d}T18:00"),
        Leg("XZ", num, mid, arr, f"2026-12-{day:02d}T20:00", f"2026-12-{day + 1:02d}T05:00"),
    ))


def _traveller(flight: Flight, row: tuple) -> Traveller:
    surname, given, dob, sex, nat, doc, country = row
    return Traveller(
        event_id=traveller_event_id(flight, role="passenger", surname=surname, given_names=given,
                                    date_of_birth=dob, sex=sex, document_number=doc),
        flight=flight, surname=surname, given_names=given, date_of_birth=dob, sex=sex, nationality=nat,
        documents=(Document(number=doc, type="P", issuing_country=country, expiry="2030-01-01"),),
        embarkation=flight.departure_airport, debarkation=flight.arrival_airport,
    )


def manifests(n_flights: int, pax_per_flight: int, seed: int = 7) -> tuple[list[tuple[str, bytes]], dict]:
    """(source, bytes) per flight, and {(flight number, surname): (entry_id, kind)} for the hits.
    Flights 0..3 carry the hits and the near misses; the rest are random clean travellers."""
    rng = random.Random(seed)
    out: list[tuple[str, bytes]] = []
    expected: dict = {}
    for i in range(n_flights):
        flight = _flight(i)
        rows = []
        if i < len(HITS):
            row, hit = HITS[i]
            rows.append(row)
            expected[(flight.number, row[0])] = hit
        if i < len(MISSES):
            rows.append(MISSES[i])
        while len(rows) < pax_per_flight:
            y, m, d = rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28)
            rows.append((rng.choice(SURNAMES), rng.choice(GIVEN), f"{y}-{m:02d}-{d:02d}", rng.choice("MF"),
                         rng.choice(["BRA", "COL", "FRA", "ESP", "NLD", "BEL", "GHA", "SEN"]),
                         f"{rng.choice('CPX')}{rng.randint(10**7, 10**8 - 1)}", "FRA"))
        travellers = [_traveller(flight, r) for r in rows]
        out.append((f"flight-{i:03d}.edi", write_paxlst(flight, travellers, Envelope(reference=f"M{i:05d}"))))
    return out, expected
