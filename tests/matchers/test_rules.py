"""Targeting rules: strict validation, each operator, the context fields, the starter profile on
the samples, and Hypothesis: evaluation never crashes and scores stay in bounds."""

from __future__ import annotations

import dataclasses
import functools
import math

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from rule_factories import GTAS, SAMPLES, STARTER, booking, family_return, person, rules_doc, seg

from matchers.rules import OPS, evaluate, evaluate_profile, parse_rules
from matchers.rules_context import FIELDS, api_context, booking_context
from matchers.targeting import pair_travellers
from paxscreen.booking import Bag, HistoryItem, Payment
from paxscreen.errors import InvalidRecord
from producers.pnrgov import booking_travellers, parse_pnrgov

IND = "{id: a, field: paid_cash, op: 'true', weight: 2}"
_KEYS = {"version", "profiles", "id", "threshold", "indicators", "field", "op", "value", "weight", "required",
         "applies_to", "enabled", "sources", "name", "description", "source"}


def ctx_of(b):
    t = booking_travellers(b)
    (tr, p), *_ = pair_travellers(b, t)
    return booking_context(b, p, tr)


# --- validation -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("profiles: []", ["missing key(s) 'version'"]),
        ("version: x\nprofiles: []", ["profiles must be a non-empty list"]),
        ("version: x\nprofiles: [1]", ["profile #1", "expected a mapping"]),
        ("version: x\nprofiles:\n  - {id: BAD ID, threshold: 1, indicators: [" + IND + "]}", ["id 'BAD ID'"]),
        (rules_doc("{id: a, field: paid_cassh, op: 'true', weight: 1}"), ["indicator 'a'", "unknown field 'paid_cassh'"]),
        (rules_doc("{id: a, field: paid_cash, op: truthy, weight: 1}"), ["indicator 'a'", "op 'truthy' is not one of"]),
        (rules_doc("{id: a, field: paid_cash, op: lt, value: 3, weight: 1}"), ["op 'lt' does not apply to 'paid_cash'"]),
        (rules_doc("{id: a, field: paid_cash, op: 'true', value: 1, weight: 1}"), ["takes no value (got 1)"]),
        (rules_doc("{id: a, field: stay_days, op: lt, weight: 1}"), ["op 'lt' needs a value"]),
        (rules_doc("{id: a, field: stay_days, op: lt, value: soon, weight: 1}"), ["value must be a finite number, got 'soon'"]),
        (rules_doc("{id: a, field: stay_days, op: between, value: [9, 2], weight: 1}"), ["low <= high, got [9, 2]"]),
        (rules_doc("{id: a, field: stay_days, op: between, value: 3, weight: 1}"), ["needs [low, high], got 3"]),
        (rules_doc("{id: a, field: origin_country, op: in, value: [], weight: 1}"), ["non-empty list, got []"]),
        (rules_doc("{id: a, field: origin_country, op: in, value: [BRA, no], weight: 1}"), ["got False", "quote"]),
        (rules_doc("{id: a, field: paid_cash, op: 'true', weight: 0}"), ["weight 0"]),
        (rules_doc("{id: a, field: paid_cash, op: 'true', weight: lots}"), ["weight must be a finite number, got 'lots'"]),
        (rules_doc("{id: a, field: paid_cash, op: 'true', wieght: 1}"), ["unknown key(s) 'wieght'"]),
        (rules_doc(IND, IND), ["duplicate indicator id(s) 'a'"]),
        (rules_doc(IND, threshold=5), ["threshold 5 exceeds the most points its indicators give (2)"]),
        (rules_doc(IND, threshold=0), ["threshold must be above 0"]),
        (rules_doc(IND, profile_extra="    applies_to: [web]\n"), ["applies_to must be a list of"]),
        (rules_doc(IND, profile_extra="    required: true\n"), ["unknown key(s) 'required'"]),
        ("version: x\nversion: y\nprofiles: []", ["duplicate key 'version'"]),
        ("version: [unclosed", ["not YAML"]),
    ],
)
def test_invalid_documents_say_where_and_what(text: str, needles: list[str]) -> None:
    with pytest.raises(InvalidRecord) as exc:
        parse_rules(text, source="r.yaml")
    message = str(exc.value)
    assert message.startswith("r.yaml")
    for needle in needles:
        assert needle in message


def test_errors_carry_the_line_of_the_indicator() -> None:
    text = rules_doc(IND, "{id: b, field: nope, op: exists, weight: 1}")
    with pytest.raises(InvalidRecord) as exc:
        parse_rules(text, source="r.yaml")
    assert exc.value.line == 7 and "r.yaml:7:" in str(exc.value)


def test_starter_profile_is_valid_and_documented() -> None:
    rules = parse_rules(STARTER.read_text(), source=str(STARTER))
    (p,) = rules.profiles
    assert p.id == "couriers-latam-africa-europe" and p.threshold == 12 and p.sources
    assert all(i.description and i.source for i in p.indicators)
    assert rules.version == parse_rules(STARTER.read_text()).version  # the content decides the version
    assert rules.version != parse_rules(STARTER.read_text() + "\n# edited\n").version


# --- operators ----------------------------------------------------------------------------------

CTX = {
    "source": "pnr",
    "origin_country": "BRA",
    "transit_countries": ("TGO",),
    "transit_subregions": ("Western Africa",),
    "route_countries": (),
    "hours_before_departure": 20.0,
    "paid_cash": True,
    "one_way": False,
    "trip_type": "one-way",
    "bag_count": 0,
    "stay_days": None,
}


@pytest.mark.parametrize(
    ("indicator", "fires"),
    [
        ("{field: origin_country, op: in, value: [bra, COL]}", True),
        ("{field: origin_country, op: in, value: [COL]}", False),
        ("{field: origin_country, op: not_in, value: [COL]}", True),
        ("{field: transit_countries, op: in, value: [TGO, NGA]}", True),
        ("{field: transit_subregions, op: in, value: [western africa]}", True),
        ("{field: transit_countries, op: not_in, value: [TGO]}", False),
        ("{field: route_countries, op: not_in, value: [TGO]}", True),  # known empty: none is listed
        ("{field: route_countries, op: in, value: [TGO]}", False),
        ("{field: route_countries, op: exists}", False),  # empty is not there
        ("{field: transit_countries, op: exists}", True),
        ("{field: trip_type, op: eq, value: One-Way}", True),
        ("{field: bag_count, op: eq, value: 0}", True),
        ("{field: hours_before_departure, op: lt, value: 20}", False),
        ("{field: hours_before_departure, op: lte, value: 20}", True),
        ("{field: hours_before_departure, op: gt, value: 19.9}", True),
        ("{field: hours_before_departure, op: gte, value: 21}", False),
        ("{field: hours_before_departure, op: between, value: [12, 24]}", True),
        ("{field: hours_before_departure, op: between, value: [21, 24]}", False),
        ("{field: paid_cash, op: 'true'}", True),
        ("{field: one_way, op: 'false'}", True),
        ("{field: one_way, op: 'true'}", False),
        ("{field: stay_days, op: lt, value: 7}", False),  # unknown never fires
        ("{field: stay_days, op: exists}", False),
        ("{field: nationality, op: not_in, value: [BRA]}", False),  # absent from the context: unknown
    ],
)
def test_each_operator(indicator: str, fires: bool) -> None:
    rules = parse_rules(rules_doc(indicator.replace("{", "{id: x, weight: 1, ", 1)))
    result = evaluate_profile(rules.profiles[0], CTX)
    assert bool(result.fired) is fires
    assert result.matched is fires
    if fires:
        assert result.fired[0].detail.endswith("[+1]") and "x" in result.fired[0].detail


def test_every_op_is_covered_above() -> None:
    assert set(OPS) == {"in", "not_in", "eq", "lt", "lte", "gt", "gte", "between", "true", "false", "exists"}


def test_points_threshold_required_and_negative_weights() -> None:
    text = rules_doc(
        "{id: cash, field: paid_cash, op: 'true', weight: 3}",
        "{id: late, field: hours_before_departure, op: lt, value: 72, weight: 2}",
        "{id: ow, field: one_way, op: 'true', weight: 2, required: true}",
        "{id: ff, field: bag_count, op: eq, value: 0, weight: -1}",
        threshold=4,
    )
    p = parse_rules(text).profiles[0]
    r = evaluate_profile(p, CTX)
    assert r.points == 4 and r.missing_required == ("ow",) and not r.matched  # 3 + 2 - 1, but one_way is false
    r = evaluate_profile(p, {**CTX, "one_way": True})
    assert r.points == 6 and r.matched and math.isclose(r.score, 6 / 7)
    assert [f.indicator.id for f in r.fired] == ["cash", "late", "ow", "ff"]


def test_disabled_profiles_and_sources() -> None:
    off = parse_rules(rules_doc(IND, profile_extra="    enabled: false\n"))
    assert evaluate(off, CTX) == []
    api = parse_rules(rules_doc(IND, profile_extra="    applies_to: [api]\n"))
    assert evaluate(api, CTX) == [] and evaluate(api, {**CTX, "source": "api"})[0].matched


# --- context fields -------------------------------------------------------------------------------


def test_context_of_the_gtas_v11_cash_sample() -> None:
    path = GTAS / "pnrgov_v11_cash_history.edi"
    if not path.is_file():
        pytest.skip(f"GTAS sample not found in {GTAS} (the shared/ folder beside the repo)")
    (b,) = parse_pnrgov(path.read_bytes())
    ctx = ctx_of(b)
    assert set(ctx) == set(FIELDS)
    assert (ctx["origin_airport"], ctx["origin_country"], ctx["destination_airport"], ctx["destination_country"]) == (
        "SIN", "SGP", "OOL", "AUS")
    assert ctx["transit_airports"] == () and ctx["route_countries"] == ("SGP", "AUS")
    assert ctx["paid_cash"] is True and ctx["payment_types"] == ("CA",)
    assert (ctx["trip_type"], ctx["one_way"], ctx["stay_days"]) == ("return", False, 3)
    assert ctx["hours_before_departure"] == 124.2 and ctx["days_before_departure"] == 5
    assert (ctx["party_size"], ctx["travelling_alone"]) == (1, True)
    assert ctx["bag_count"] is None  # no TBD: unknown, not zero
    assert (ctx["route_changes"], ctx["flights_cancelled"]) == (4, 2)
    assert (ctx["nationality"], ctx["age"], ctx["age_band"], ctx["sex"]) == ("USA", 32, "25-34", "M")
    assert ctx["ticket_amount"] == 1999.99 and ctx["ticket_currency"] == "SGD"


def test_context_of_the_courier_sample() -> None:
    (b,) = parse_pnrgov((SAMPLES / "sn2880_gru_lfw_bru_oneway_cash.edi").read_bytes())
    ctx = ctx_of(b)
    assert (ctx["origin_airport"], ctx["transit_airports"], ctx["destination_airport"]) == ("GRU", ("LFW",), "BRU")
    assert ctx["transit_countries"] == ("TGO",) and ctx["transit_subregions"] == ("Western Africa",)
    assert (ctx["origin_region"], ctx["destination_region"]) == ("Americas", "Europe")
    assert (ctx["bag_count"], ctx["one_way"], ctx["agency"], ctx["booked_at_agency"]) == (0, True, "57512345", True)
    assert ctx["hours_before_departure"] == 20.0 and ctx["route_changes"] == 0


@pytest.mark.parametrize(
    ("changes", "field", "value"),
    [
        ({}, "destination_airport", "BRU"),
        ({}, "one_way", True),
        ({"payments": ()}, "paid_cash", None),
        ({"payments": (Payment("CC", traveller_reference="1"), Payment("CA", traveller_reference="1"))}, "paid_cash", True),
        ({"payments": (Payment("CA", traveller_reference="9"),)}, "paid_cash", None),  # someone else's
        ({"bags": (Bag("1", 2, 23.0, "KG", "GRU", "LFW"), Bag("1", 2, 23.0, "KG", "LFW", "BRU"))}, "bag_count", 2),
        ({"bags": (Bag("1", 1, 20.0), Bag("1", 3, None, excess=True))}, "bag_weight", 20.0),
        ({"travellers": (person(), person("2", "ROE"))}, "travelling_alone", False),
        ({"travellers": (person(dob="2010-01-01"),)}, "age_band", "0-17"),
        ({"travellers": (person(dob=None),)}, "age", None),
        ({"office": None}, "booked_at_agency", None),
        ({"created_at": None}, "hours_before_departure", None),
    ],
)
def test_context_fields_of_constructed_bookings(changes: dict, field: str, value: object) -> None:
    assert ctx_of(booking(**changes))[field] == value


def test_return_trip_destination_is_the_longest_stay() -> None:
    out = (seg("GRU", "ADD", "2025-04-08T10:00", "2025-04-09T06:00", "507", "ET"),
           seg("ADD", "LFW", "2025-04-09T09:00", "2025-04-09T13:00", "507", "ET"),
           seg("LFW", "BRU", "2025-04-10T08:00", "2025-04-10T15:00"))
    back = (seg("BRU", "LFW", "2025-04-14T10:00", "2025-04-14T16:00"),
            seg("LFW", "GRU", "2025-04-14T20:00", "2025-04-15T04:00"))
    ctx = ctx_of(booking(itinerary=out + back, pushed_flight=out[2]))
    assert ctx["trip_type"] == "return" and ctx["stay_days"] == 6
    assert ctx["destination_airport"] == "BRU" and ctx["transit_airports"] == ("ADD", "LFW")
    assert ctx["transit_subregions"] == ("Eastern Africa", "Western Africa")


def test_route_changes_count_cancellations_and_later_additions() -> None:
    b = booking()
    later = HistoryItem("A", "added", "2025-04-08T09:00", None, "flight", b.itinerary[1])
    gone = HistoryItem("X", "cancelled", "2025-04-08T09:00", None, "flight", seg("GRU", "CDG", "2025-04-08T20:00"))
    ctx = ctx_of(dataclasses.replace(b, history=b.history + (later, gone)))
    assert (ctx["route_changes"], ctx["flights_cancelled"]) == (2, 1)


def test_api_context_has_route_and_person_only() -> None:
    (t,) = booking_travellers(booking())
    ctx = api_context(dataclasses.replace(t, source="paxlst"))
    assert ctx["source"] == "api" and set(ctx) == set(FIELDS)
    assert (ctx["origin_airport"], ctx["transit_countries"], ctx["destination_country"]) == ("GRU", ("TGO",), "BEL")
    assert ctx["paid_cash"] is None and ctx["hours_before_departure"] is None and ctx["age"] == 25


# --- the starter profile on the samples ------------------------------------------------------------


@functools.cache
def _starter():
    return parse_rules(STARTER.read_text())


def test_starter_fires_on_the_courier_sample() -> None:
    (b,) = parse_pnrgov((SAMPLES / "sn2880_gru_lfw_bru_oneway_cash.edi").read_bytes())
    (r,) = evaluate(_starter(), ctx_of(b))
    assert r.matched and r.points == 19.5
    assert {f.indicator.id for f in r.fired} >= {"paid_cash", "one_way", "booked_late", "transit_west_central_africa",
                                                  "origin_source_country", "destination_europe", "no_checked_bags"}


def test_starter_does_not_fire_on_the_family_return_sample() -> None:
    (b,) = parse_pnrgov((SAMPLES / "av010_bog_mad_return_family.edi").read_bytes())
    for t, p in pair_travellers(b, booking_travellers(b)):
        assert evaluate(_starter(), booking_context(b, p, t)) == []
        assert evaluate(_starter(), booking_context(b, p, t), only_matched=False)[0].points < 12


@pytest.mark.parametrize(("b", "fires"), [(booking(), True), (family_return(), False)])
def test_starter_on_constructed_bookings(b, fires: bool) -> None:
    assert all(bool(evaluate(_starter(), booking_context(b, p, t))) is fires
               for t, p in pair_travellers(b, booking_travellers(b)))


# --- Hypothesis -----------------------------------------------------------------------------------

_codes = st.sampled_from(["GRU", "LFW", "BRU", "BOG", "MAD", "ADD", "XXX", "", "lfw", "ZZ9"])
_times = st.one_of(st.none(), st.sampled_from(["2025-04-08T17:30", "2025-04-09", "2025-13-01T00:00", "garbage", "2025-04-20T08:00"]))
_segments = st.builds(seg, _codes, _codes, _times.map(lambda x: x or ""), _times,
                      status=st.sampled_from(["HK", "XX", "HL", ""]))


@settings(max_examples=150, deadline=None)
@given(
    itinerary=st.lists(_segments, max_size=5),
    created=_times,
    pay=st.lists(st.sampled_from(["CA", "CC", "MS", "", "ca"]), max_size=3),
    bags=st.lists(st.tuples(st.one_of(st.none(), st.integers(-1, 9)), st.one_of(st.none(), st.floats(allow_nan=True))), max_size=3),
    dob=st.one_of(st.none(), st.sampled_from(["1999-02-29", "2001-02-14", "2030-01-01", "x"])),
)
def test_random_bookings_never_crash_and_scores_stay_in_bounds(itinerary, created, pay, bags, dob) -> None:
    b = booking(
        itinerary=tuple(itinerary), created_at=created,
        payments=tuple(Payment(p, traveller_reference="1") for p in pay),
        bags=tuple(Bag("1", n, w) for n, w in bags), travellers=(person(dob=dob),),
    )
    rules = _starter()
    for t in booking_travellers(b) or []:
        for p in b.travellers:
            for r in evaluate(rules, booking_context(b, p, t), only_matched=False):
                assert 0.0 <= r.score <= 1.0
                assert r.matched == (r.points >= rules.profiles[0].threshold)


_values = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5), st.lists(st.text(max_size=4), max_size=3).map(tuple),
)


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({}, optional={name: _values for name in FIELDS}))
def test_random_contexts_never_crash(ctx: dict) -> None:
    for r in evaluate(_starter(), ctx, only_matched=False):
        assert 0.0 <= r.score <= 1.0
        assert all(f.detail for f in r.fired)


def test_every_field_and_starter_indicator_is_documented() -> None:
    doc = (STARTER.parents[2] / "docs/targeting.md").read_text()
    assert [f for f in FIELDS if f"`{f}`" not in doc] == []
    assert [i.id for i in _starter().profiles[0].indicators if f"`{i.id}`" not in doc] == []


_yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 30), st.floats(allow_nan=True),
                          st.sampled_from(["true", "in", "lt", "between", "paid_cash", "origin_country", "age", "BRA",
                                           "pnr", "api", "x", ""]))
_yaml_values = st.recursive(
    _yaml_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(sorted(_KEYS)), inner, max_size=4)),
    max_leaves=8,
)
_ids = st.sampled_from(["a", "b", "p1"]) | _yaml_values
_indicator = st.fixed_dictionaries(
    {"id": _ids, "field": _yaml_values, "op": _yaml_values, "weight": _yaml_values},
    optional={k: _yaml_values for k in ("value", "required", "description", "source")},
)
_profile = st.fixed_dictionaries(
    {"id": _ids, "threshold": _yaml_values, "indicators": st.lists(_indicator, min_size=1, max_size=3)},
    optional={k: _yaml_values for k in ("applies_to", "enabled", "sources", "name")},
)
_document = st.fixed_dictionaries(
    {"version": _yaml_values, "profiles": st.lists(_profile, min_size=1, max_size=2)}, optional={"description": _yaml_values}
) | _yaml_values


@settings(max_examples=250, deadline=None)
@given(_document)
def test_any_yaml_document_is_a_ruleset_or_an_invalid_record(doc) -> None:
    text = yaml.safe_dump(doc)
    try:
        parse_rules(text)
    except InvalidRecord as exc:
        assert str(exc)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_mutated_starter_is_a_ruleset_or_an_invalid_record(data) -> None:
    lines = STARTER.read_text().splitlines()
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["drop", "dup", "cut", "swap"]))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "cut":
            lines[i] = lines[i][: data.draw(st.integers(0, len(lines[i])))]
        else:
            j = data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    try:
        rules = parse_rules("\n".join(lines))
    except InvalidRecord as exc:
        assert str(exc)
    else:
        for r in evaluate(rules, CTX, only_matched=False):
            assert 0.0 <= r.score <= 1.0
