"""Event models shared by every room: travellers, flights, documents, watchlist entries, alerts.

Frozen, slotted dataclasses. Encoding to and from JSON lives in `paxscreen.codec`; the
schemas are documented in docs/events.md and versioned by the ``SCHEMA`` constants.

Dates are ISO-8601 strings (``"1972-09-07"``), times ISO-8601 local airport times without
offset (``"2007-02-19T15:40"``) as airlines send them; ``None`` means "not given".
Country codes are ISO 3166-1 alpha-3 as on travel documents (``"GBR"``, ``"D"`` is
normalised to ``"DEU"`` by the parsers).
"""

from __future__ import annotations

from dataclasses import dataclass, field

TRAVELLER_SCHEMA = "paxscreen.traveller/1"
ALERT_SCHEMA = "paxscreen.alert/1"


@dataclass(frozen=True, slots=True)
class Document:
    """A travel document as declared by the airline (DOC + DTM+36 + LOC+91)."""

    number: str | None = None
    type: str | None = None  # P passport, I/A/C identity cards, V visa... (CBP code list)
    issuing_country: str | None = None
    expiry: str | None = None


@dataclass(frozen=True, slots=True)
class Leg:
    """One flight leg (TDT + LOC/DTM pairs)."""

    carrier: str | None
    number: str | None  # the full flight designator as sent, e.g. "AA123"
    departure_airport: str | None
    arrival_airport: str | None
    departure_time: str | None = None
    arrival_time: str | None = None


@dataclass(frozen=True, slots=True)
class Flight:
    """The flight a manifest reports: its legs, first departure and last arrival."""

    legs: tuple[Leg, ...]

    @property
    def reported(self) -> Leg:
        """The leg the manifest is about: the last leg (LOC+125/87 or the final LOC+92 pair)."""
        return self.legs[-1]

    @property
    def carrier(self) -> str | None:
        return self.reported.carrier

    @property
    def number(self) -> str | None:
        return self.reported.number

    @property
    def departure_airport(self) -> str | None:
        return self.legs[0].departure_airport

    @property
    def arrival_airport(self) -> str | None:
        return self.legs[-1].arrival_airport

    @property
    def departure_time(self) -> str | None:
        return self.legs[0].departure_time

    @property
    def arrival_time(self) -> str | None:
        return self.legs[-1].arrival_time

    @property
    def transit_airports(self) -> tuple[str, ...]:
        """Airports between first departure and last arrival, in order, without repeats."""
        out: list[str] = []
        for leg in self.legs[:-1]:
            a = leg.arrival_airport
            if a and a not in out and a != self.departure_airport and a != self.arrival_airport:
                out.append(a)
        return tuple(out)

    @property
    def key(self) -> str:
        """Stable flight key: carrier+number+first departure date (used for partitioning)."""
        date = (self.departure_time or "")[:10]
        return f"{self.number or '?'}/{self.departure_airport or '?'}/{date}"


@dataclass(frozen=True, slots=True)
class Traveller:
    """One passenger or crew member on one flight, as read from a PAXLST (or PNRGOV) message.

    ``event_id`` is deterministic: the same traveller on the same flight re-pushed by the
    airline (or replayed from Kafka) gets the same id, so alerts derived from it are
    idempotent.
    """

    event_id: str
    flight: Flight
    role: str = "passenger"  # passenger | crew
    surname: str | None = None
    given_names: str | None = None
    date_of_birth: str | None = None
    sex: str | None = None  # M | F | U (unknown / X)
    nationality: str | None = None
    residence_country: str | None = None
    birth_place: str | None = None
    documents: tuple[Document, ...] = ()
    embarkation: str | None = None  # LOC+178 (or 22 for crew)
    debarkation: str | None = None  # LOC+179
    pnr_locator: str | None = None  # RFF+AVF
    seat: str | None = None  # RFF+SEA
    source: str = "paxlst"  # paxlst | pnrgov | json
    message_ref: str | None = None  # UNH reference / interchange control ref
    sender: str | None = None  # UNB sender id (the airline)
    received_at: str | None = None  # when paxscreen received the raw message (UTC ISO)
    schema: str = TRAVELLER_SCHEMA

    @property
    def document(self) -> Document | None:
        """The first document, the one most airlines send (passport)."""
        return self.documents[0] if self.documents else None

    @property
    def airports(self) -> tuple[str, ...]:
        """Every airport whose task force should hear about this traveller: departure,
        transits and arrival of the flight, plus the traveller's own embark/debark ports."""
        out: list[str] = []
        f = self.flight
        for a in (
            f.departure_airport,
            *f.transit_airports,
            f.arrival_airport,
            self.embarkation,
            self.debarkation,
        ):
            if a and len(a) == 3 and a.isalpha() and a not in out:
                out.append(a)
        return tuple(out)


@dataclass(frozen=True, slots=True)
class WatchDocument:
    """A document number on a watchlist: a listed person's passport, or a stolen/lost one."""

    number: str
    country: str | None = None
    type: str | None = None  # passport | id

    def __reduce__(self):  # pickled as a plain tuple: the watchlist load ships entries to its pool
        return (WatchDocument, (self.number, self.country, self.type))


@dataclass(frozen=True, slots=True)
class WatchEntry:
    """One watchlist entity (FollowTheMoney Person, Passport or Identification).

    ``birth_dates`` may be partial: ``"1970"``, ``"1970-05"`` or ``"1970-05-03"``.
    ``schema`` is ``"Person"`` for a listed person, ``"Document"`` for a stolen or lost
    document with no holder.
    """

    id: str
    schema: str = "Person"
    names: tuple[str, ...] = ()  # full names: the primary name first, then aliases
    birth_dates: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()  # ISO alpha-3
    genders: tuple[str, ...] = ()  # M | F
    documents: tuple[WatchDocument, ...] = ()
    dataset: str | None = None
    topics: tuple[str, ...] = ()
    reason: str | None = None  # why listed (free text for the analyst)

    def __reduce__(self):  # pickled as a plain tuple (dataclass pickling reads `fields()` per object)
        return (WatchEntry, (self.id, self.schema, self.names, self.birth_dates, self.nationalities, self.genders,
                             self.documents, self.dataset, self.topics, self.reason))

    @property
    def caption(self) -> str:
        if self.names:
            return self.names[0]
        if self.documents:
            return f"document {self.documents[0].country or ''}".strip()
        return self.id


@dataclass(frozen=True, slots=True)
class FeatureResult:
    """One matching feature's verdict: a score in [0, 1] and a sentence for the analyst."""

    feature: str
    score: float
    detail: str
    weight: float = 0.0


@dataclass(frozen=True, slots=True)
class Alert:
    """A screening hit, the contract every alert consumer reads (docs/alerts.md)."""

    alert_id: str
    kind: str  # name | document | stolen_document | risk
    score: float
    entry_id: str
    traveller_event_id: str
    passenger: dict
    flight: dict
    airports: tuple[str, ...]
    explanation: tuple[FeatureResult, ...]
    event_time: str | None
    screened_at: str
    entry: dict = field(default_factory=dict)  # caption, dataset, reason of the listed entity
    watchlist_version: str | None = None
    source: str = "paxlst"
    schema: str = ALERT_SCHEMA
