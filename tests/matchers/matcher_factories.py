"""Small factories for travellers and watchlist entries (nomenklatura's ``e(...)`` style)."""

from __future__ import annotations

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
    as_tuple = lambda v: (v,) if isinstance(v, str) else tuple(v)  # noqa: E731
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
