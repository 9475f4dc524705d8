"""Small factories for travellers and watchlist entries (nomenklatura's ``e(...)`` style)."""

from __future__ import annotations

import random

from matchers.names import clean
from matchers.translit import transliterate
from paxscreen.models import Document, Flight, Leg, Traveller, WatchDocument, WatchEntry

FLIGHT = Flight(legs=(Leg("AF", "AF718", "DSS", "CDG", "2024-03-01T23:40", "2024-03-02T06:10"),))
_counter = iter(range(10**9))


def pax(
    surname: str | None = None,
    given: str | None = None,
    *,
    dob: str | None = None,
    nat: str | None = None,
    sex: str | None = None,
    doc: str | None = None,
    country: str | None = None,
    event_id: str | None = None,
    flight: Flight = FLIGHT,
) -> Traveller:
    """A traveller as an airline would send it."""
    return Traveller(
        event_id=event_id or f"t-{next(_counter)}",
        flight=flight,
        surname=surname,
        given_names=given,
        date_of_birth=dob,
        sex=sex,
        nationality=nat,
        documents=(Document(number=doc, type="P", issuing_country=country),) if doc else (),
        received_at="2024-03-01T22:00:00Z",
    )


def person(
    *names: str,
    dob: str | tuple[str, ...] = (),
    nat: str | tuple[str, ...] = (),
    sex: str | tuple[str, ...] = (),
    docs: tuple[tuple[str, str | None], ...] = (),
    id: str | None = None,
    dataset: str = "test",
) -> WatchEntry:
    """A listed person (FtM Person)."""
    as_tuple = lambda v: (v,) if isinstance(v, str) else tuple(v)
    return WatchEntry(
        id=id or f"p-{next(_counter)}",
        schema="Person",
        names=tuple(names),
        birth_dates=as_tuple(dob),
        nationalities=as_tuple(nat),
        genders=as_tuple(sex),
        documents=tuple(WatchDocument(number=n, country=c, type="passport") for n, c in docs),
        dataset=dataset,
        reason="test listing",
    )


def stolen(number: str, country: str | None = None, *, id: str | None = None) -> WatchEntry:
    """A stolen or lost blank document (no holder)."""
    return WatchEntry(
        id=id or f"d-{next(_counter)}",
        schema="Document",
        documents=(WatchDocument(number=number, country=country, type="passport"),),
        dataset="sltd",
        reason="reported stolen",
    )


# --- a listing and its variants, for candidate-recall tests ---------------------------------

GIVEN = ["Mohamed", "Mamadou", "Ousmane", "Youssef", "Ibrahim", "Abdoulaye", "Fatou", "Aissatou", "Juan", "María",
         "José", "Jürgen", "Björn", "Олександр", "Юлия", "Дмитрий", "Γεώργιος", "John", "Peter", "Xiao Ming", "Wei",
         "Ahmed", "Khalid", "Omar", "Chinedu", "Svetlana", "Łukasz", "Zoë"]
SURNAMES = ["Diallo", "Camara", "Traoré", "N'Diaye", "Touré", "Coulibaly", "Sow", "de la Cruz", "García", "van der Berg",
            "Müller", "Schröder", "Шевченко", "Тимошенко", "Петров", "Παπαδόπουλος", "Smith", "Wang", "Li",
            "al-Hashimi", "Ben Ali", "Okafor", "Kowalczyk", "Escobar", "Jallow", "Kamara", "Yusuf"]
SPELLINGS = {"MOHAMED": "MUHAMMAD", "MAMADOU": "MOHAMMED", "OUSMANE": "USMAN", "YOUSSEF": "YUSUF", "DIALLO": "JALLOW",
             "CAMARA": "KAMARA", "NDIAYE": "NJIE", "IBRAHIM": "IBRAHIMA", "ABDOULAYE": "ABDULLAHI", "TOURE": "TOURAY",
             "JALLOW": "DIALLO", "KAMARA": "CAMARA", "YUSUF": "YOUSSEF", "FATOU": "FATOUMATA", "AHMED": "AHMAD",
             "KHALID": "KHALED", "OMAR": "OUMAR", "AISSATOU": "AISHA", "COULIBALY": "KULIBALY"}


PARTS: dict[str, tuple[str, list[str], str]] = {}  # entry id -> (given, middles, surname) as listed


def listed_people(n: int, seed: int = 7) -> list:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        given = rnd.choice(GIVEN)
        middle = [rnd.choice(GIVEN)] if rnd.random() < 0.35 else []
        surname = rnd.choice(SURNAMES)
        year = rnd.randint(1950, 2000)
        PARTS[f"p{i}"] = (given, middle, surname)
        out.append(person(" ".join([given, *middle, surname]), dob=f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
                          docs=((f"{rnd.choice('ABCXYZ')}{rnd.randint(10**7, 10**8 - 1)}", "FRA"),), id=f"p{i}"))
    return out


def mrz(text: str, simple: bool = False) -> list[str]:
    spellings = transliterate(text)
    return clean(spellings[-1] if simple else spellings[0]).split()


def _typo(tok: str, rnd: random.Random, swap: bool = False) -> str:
    if len(tok) < 4:
        return tok
    i = rnd.randrange(1, len(tok) - 1)
    if swap:
        return tok[:i] + tok[i + 1] + tok[i] + tok[i + 2 :]
    return tok[:i] + rnd.choice([c for c in "ABDEKMNRST" if c != tok[i]]) + tok[i + 1 :]


def vary(kind: str, entry, rnd: random.Random) -> Traveller:
    """A traveller as an airline might report the listed person, varied one way."""
    g, m, s = PARTS[entry.id]
    given, middle, surname = mrz(g), [t for x in m for t in mrz(x)], mrz(s)
    dob = entry.birth_dates[0]
    doc = entry.documents[0].number
    if kind == "swap":
        given, surname = surname, given + middle
        middle = []
    elif kind in ("typo", "transposition"):
        surname = [_typo(t, rnd, swap=kind == "transposition") for t in surname]
    elif kind == "given_typo":
        given = [_typo(t, rnd) for t in given]
    elif kind == "first_letter_typo":  # dropped, replaced or doubled first letter of the surname
        edit = rnd.choice([lambda t: t[1:], lambda t: rnd.choice("BKMST") + t[1:], lambda t: t[0] + t])
        surname = [edit(t) if len(t) >= 4 else t for t in surname]
    elif kind == "dropped_middle":
        middle = []
    elif kind == "initial":
        given, middle = [given[0][0]], []
    elif kind == "spelling":
        given, middle, surname = ([SPELLINGS.get(t, t) for t in x] for x in (given, middle, surname))
    elif kind == "particles_glued":
        surname = ["".join(surname)]
    elif kind == "title":
        middle = [*middle, "MR"]
    elif kind == "umlaut_simple":
        given, middle, surname = mrz(g, True), [t for x in m for t in mrz(x, True)], mrz(s, True)
    elif kind == "document_ocr":
        return pax("ANOTHER", "NAME", doc=doc.replace("0", "O").replace("1", "I").replace("5", "S"), country="FRA")
    elif kind == "document_transposition":
        return pax("ANOTHER", "NAME", doc=doc[:3] + doc[4] + doc[3] + doc[5:], country="FRA")
    return pax(" ".join(surname), " ".join(given + middle), dob=dob)


VARIATIONS = ["exact", "swap", "typo", "given_typo", "first_letter_typo", "transposition", "dropped_middle", "initial", "spelling",
         "particles_glued", "title", "umlaut_simple", "document_ocr", "document_transposition"]
