"""Risk alerts: the alert contract for kind ``risk``, pairing events with booking travellers,
API-only profiles."""

from __future__ import annotations

import dataclasses

from rule_factories import SAMPLES, STARTER, booking, person, rules_doc, seg

from matchers.rules import parse_rules
from matchers.targeting import RISK_DATASET, api_risk_alerts, booking_risk_alerts, pair_travellers
from paxscreen.codec import alert_id, decode_alert, encode_alert
from producers.pnrgov import booking_travellers, parse_pnrgov

NOW = "2025-04-08T10:00:00.000Z"


def test_risk_alert_contract_on_the_courier_sample() -> None:
    rules = parse_rules(STARTER.read_text())
    (b,) = parse_pnrgov((SAMPLES / "sn2880_gru_lfw_bru_oneway_cash.edi").read_bytes(), received_at="2025-04-08T09:59:00Z")
    travellers = booking_travellers(b)
    (a,) = booking_risk_alerts(b, travellers, rules, screened_at=NOW)
    (t,) = travellers
    profile = "couriers-latam-africa-europe"
    assert a.kind == "risk" and a.alert_id == alert_id(t.event_id, profile, "risk")
    assert a.entry_id == f"{profile}@{rules.version}" and a.watchlist_version == rules.version
    assert a.traveller_event_id == t.event_id and a.source == "pnrgov" and a.event_time == "2025-04-08T09:59:00Z"
    assert a.airports == ("GRU", "LFW", "BRU") and a.screened_at == NOW
    assert a.score == 19.5 / 25.5
    features = [r.feature for r in a.explanation]
    assert features[-1] == f"{profile}.total" and f"{profile}.paid_cash" in features
    fired = a.explanation[:-1]
    assert sum(r.weight for r in fired) == 19.5 and all(r.score == 1.0 and r.detail for r in fired)
    assert "19.5 points, threshold 12" in a.explanation[-1].detail
    assert a.entry["dataset"] == RISK_DATASET and a.entry["profile"] == profile and a.entry["points"] == 19.5
    assert a.entry["indicators"] == [r.feature.split(".", 1)[1] for r in fired]
    assert a.entry["links"] == {
        "traveller_event_id": t.event_id, "pnr_locator": "7XKQ4D", "flight_key": "SN2880/GRU/2025-04-08",
        "booking_id": b.booking_id, "traveller_reference": "1",
    }
    assert a.passenger["document_number"] == "GC7734591"
    assert decode_alert(encode_alert(a)).entry == a.entry  # the codec carries the risk details


def test_a_rules_change_does_not_make_a_second_alert_id() -> None:
    b = booking()
    one = booking_risk_alerts(b, booking_travellers(b), parse_rules(STARTER.read_text()), screened_at=NOW)
    two = booking_risk_alerts(
        b, booking_travellers(b), parse_rules(STARTER.read_text().replace("threshold: 12", "threshold: 10")), screened_at=NOW
    )
    assert [a.alert_id for a in one] == [a.alert_id for a in two] and one[0].entry_id != two[0].entry_id


def test_alert_airports_cover_the_whole_itinerary() -> None:
    legs = (seg("GRU", "ADD", "2025-04-08T10:00", "2025-04-09T06:00", "507", "ET"),
            seg("ADD", "LFW", "2025-04-09T09:00", "2025-04-09T13:00", "507", "ET"),
            seg("LFW", "BRU", "2025-04-09T20:00", "2025-04-10T05:00"))
    b = booking(itinerary=legs, pushed_flight=legs[2])
    (a,) = booking_risk_alerts(b, booking_travellers(b), parse_rules(STARTER.read_text()), screened_at=NOW)
    assert a.airports == ("LFW", "BRU", "GRU", "ADD")  # the pushed flight's first, then the rest of the trip


def test_pairing_follows_order_and_checks_the_person() -> None:
    b = booking(travellers=(person("1", "DOE", dob="1990-01-01"), person("2", "ROE", dob="1991-01-01")))
    events = booking_travellers(b)
    assert [(t.surname, p.reference) for t, p in pair_travellers(b, events)] == [("DOE", "1"), ("ROE", "2")]
    swapped = list(reversed(events))
    assert [(t.surname, p.reference) for t, p in pair_travellers(b, swapped)] == [("ROE", "2"), ("DOE", "1")]
    stranger = dataclasses.replace(events[0], surname="NOBODY")
    assert pair_travellers(b, [stranger]) == []
    assert pair_travellers(dataclasses.replace(b, travellers=()), events) == []


def test_api_profiles_run_on_api_records_only() -> None:
    rules = parse_rules(rules_doc(
        "{id: via, field: transit_subregions, op: in, value: [Western Africa], weight: 2}",
        "{id: eu, field: destination_region, op: in, value: [Europe], weight: 1}",
        threshold=3, profile_extra="    applies_to: [api]\n",
    ))
    (t,) = booking_travellers(booking())
    assert api_risk_alerts([t], rules, screened_at=NOW) == []  # a PNR traveller: its booking is evaluated instead
    (a,) = api_risk_alerts([dataclasses.replace(t, source="paxlst")], rules, screened_at=NOW)
    assert a.kind == "risk" and a.score == 1.0 and a.entry["links"]["booking_id"] is None
    assert booking_risk_alerts(booking(), [t], rules, screened_at=NOW) == []  # not a pnr profile
    assert api_risk_alerts([t], parse_rules(STARTER.read_text()), screened_at=NOW) == []
