"""Risk alerts: every risk profile evaluated for every traveller of a booking (or of an API
record alone), as `Alert`s of kind ``risk`` with the indicators that fired.

Pure: a booking, its `Traveller` events and a `RuleSet` in, alerts out. The contract is the
watchlist alerts' (`paxscreen.models.Alert`, docs/targeting.md):

- ``alert_id`` = `alert_id(traveller_event_id, profile_id, "risk")`: the same traveller on the
  same flight gets one risk alert per profile, whatever the rules version or how often the PNR
  is pushed (a re-evaluation after a rules change is not a new alert);
- ``entry_id`` = ``<profile id>@<rules version>``; ``entry`` names the profile (``caption``,
  ``dataset`` = ``risk-rules``, ``schema`` = ``RiskProfile``), the points, the threshold, the
  fired indicator ids, and ``links``: how to find the API record of the same traveller and
  flight (the ``traveller_event_id`` PAXLST gives when names, birth date and document agree;
  else the ``pnr_locator`` and ``flight_key``, which PAXLST carries as RFF+AVF and its flight);
- ``score`` = the profile's normalised score; ``explanation`` = one `FeatureResult` per fired
  indicator (``feature`` = ``<profile>.<indicator>``, ``score`` 1, ``weight`` its points,
  ``detail`` the sentence), then a ``<profile>.total`` summary.
"""

from __future__ import annotations

from collections.abc import Sequence

from matchers.rules import ProfileResult, RuleSet, evaluate
from matchers.rules_context import api_context, booking_context
from paxscreen.booking import Booking, BookingTraveller
from paxscreen.codec import alert_id, flight_dict, passenger_dict
from paxscreen.models import Alert, FeatureResult, Traveller

__all__ = ["RISK_DATASET", "api_risk_alerts", "booking_risk_alerts", "pair_travellers", "risk_alert"]

RISK_DATASET = "risk-rules"


def _airports(t: Traveller, booking: Booking | None) -> tuple[str, ...]:
    """The traveller's flight (departure, transits, arrival, own ports), then every other
    airport of the booking's flown itinerary: each of their task forces hears of the alert."""
    out = list(t.airports)
    if booking is not None:
        for s in booking.itinerary:
            if not s.active:
                continue
            for a in (s.origin, s.destination):
                if a and len(a) == 3 and a.isalpha() and a not in out:
                    out.append(a)
    return tuple(out)


def risk_alert(
    t: Traveller,
    result: ProfileResult,
    rules: RuleSet,
    *,
    screened_at: str,
    booking: Booking | None = None,
    person: BookingTraveller | None = None,
) -> Alert:
    """The alert for one profile that matched one traveller."""
    p = result.profile
    summary = (
        f"{len(result.fired)} of {len(p.indicators)} indicators fired: {result.points:g} points, "
        f"threshold {p.threshold:g} of {p.max_points:g} (profile {p.id!r}, rules {rules.label!r} version {rules.version})"
    )
    explanation = tuple(
        FeatureResult(f"{p.id}.{f.indicator.id}", 1.0, f.detail, f.indicator.weight) for f in result.fired
    ) + (FeatureResult(f"{p.id}.total", result.score, summary, 0.0),)
    links = {
        "traveller_event_id": t.event_id,
        "pnr_locator": t.pnr_locator,
        "flight_key": t.flight.key,
        "booking_id": booking.booking_id if booking else None,
        "traveller_reference": person.reference if person else None,
    }
    return Alert(
        alert_id=alert_id(t.event_id, p.id, "risk"),
        kind="risk",
        score=result.score,
        entry_id=f"{p.id}@{rules.version}",
        traveller_event_id=t.event_id,
        passenger=passenger_dict(t),
        flight=flight_dict(t.flight),
        airports=_airports(t, booking),
        explanation=explanation,
        event_time=t.received_at,
        screened_at=screened_at,
        entry={
            "caption": p.name,
            "dataset": RISK_DATASET,
            "reason": summary,
            "schema": "RiskProfile",
            "profile": p.id,
            "rules_version": rules.version,
            "rules_label": rules.label,
            "points": result.points,
            "threshold": p.threshold,
            "max_points": p.max_points,
            "indicators": [f.indicator.id for f in result.fired],
            "links": links,
        },
        watchlist_version=rules.version,
        source=t.source,
    )


def pair_travellers(booking: Booking, travellers: Sequence[Traveller]) -> list[tuple[Traveller, BookingTraveller]]:
    """Each `Traveller` event of a booking with the booking traveller it was made from.

    `producers.pnrgov.booking_travellers` makes one event per flight and per booking traveller,
    in the booking's order; the pairing follows that order and checks the birth date and the
    screening surname, skipping an event that does not agree (never pairing the wrong person).
    """
    people = booking.travellers
    if not people:
        return []
    out = []
    for i, t in enumerate(travellers):
        person = people[i % len(people)]
        if (person.screening_surname, person.date_of_birth) != (t.surname, t.date_of_birth):
            person = next(
                (p for p in people if (p.screening_surname, p.date_of_birth) == (t.surname, t.date_of_birth)), None
            )
        if person is not None:
            out.append((t, person))
    return out


def booking_risk_alerts(
    booking: Booking, travellers: Sequence[Traveller], rules: RuleSet, *, screened_at: str
) -> list[Alert]:
    """Risk alerts of every ``pnr`` profile for every traveller of the booking; best first."""
    alerts = []
    for t, person in pair_travellers(booking, travellers):
        ctx = booking_context(booking, person, t)
        for result in evaluate(rules, ctx):
            alerts.append(risk_alert(t, result, rules, screened_at=screened_at, booking=booking, person=person))
    return sorted(alerts, key=lambda a: -a.score)


def api_risk_alerts(travellers: Sequence[Traveller], rules: RuleSet, *, screened_at: str) -> list[Alert]:
    """Risk alerts of every ``api`` profile for API (PAXLST) travellers; PNR-derived travellers
    are skipped (their booking is evaluated with the richer context)."""
    if not any("api" in p.applies_to and p.enabled for p in rules.profiles):
        return []
    alerts = []
    for t in travellers:
        if t.source == "pnrgov":
            continue
        for result in evaluate(rules, api_context(t)):
            alerts.append(risk_alert(t, result, rules, screened_at=screened_at))
    return alerts
