"""Each feature: a score in [0, 1] and a sentence; neutral (0.5) when data is missing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matcher_factories import pax, person, stolen

from matchers.features import (
    NEUTRAL,
    dob_agreement,
    dob_score,
    document_country_agreement,
    document_number_similarity,
    gender_pair,
    name_gender_agreement,
    name_similarity,
    nationality_agreement,
    nationality_score,
    parse_date,
    sex_agreement,
    sex_score,
)
from matchers.records import DocRef, Record, record_of

FEATURES = [
    name_similarity,
    dob_agreement,
    nationality_agreement,
    sex_agreement,
    document_number_similarity,
    document_country_agreement,
    name_gender_agreement,
]


def rec(dates=(), nats=(), sexes=(), docs=()) -> Record:
    return Record(id="r", birth_dates=tuple(dates), nationalities=tuple(nats), sexes=tuple(sexes), documents=tuple(docs))


@pytest.mark.parametrize(
    "traveller, listed, score",
    [
        ("1972-09-07", "1972-09-07", 1.0),  # exact
        ("1972-09-07", "1972", 0.75),  # year-only entry
        ("1972-09-07", "1972-09", 0.85),  # year-month entry
        ("1972-09-07", "1972-07-09", 0.85),  # day and month swapped
        ("1972-09-07", "1972-09-01", 0.8),  # one-digit slip in the day
        ("1972-09-07", "1972-08-07", 0.8),  # one-digit slip in the month
        ("1972-09-12", "1972-09-21", 0.8),  # two digits of the day swapped
        ("1972-09-07", "1973-09-07", 0.7),  # slip in the last year digit
        ("1996-11-13", "1990-11-13", 0.7),  # ... even when it makes six years
        ("1968-04-02", "1986-04-02", 0.7),  # two year digits swapped
        ("1972-09-07", "1972-01-01", 0.75),  # 1 January standing for "unknown"
        ("1972-01-01", "1978-01-01", 0.7),  # ... but a slipped digit still is one
        ("1990-07-29", "1989-03-19", 0.1),  # 16 months apart, not "a year"
        ("1990-12-30", "1991-01-05", 0.25),
        ("1973-09-07", "1972-01-01", 0.25),  # ... a year from it
        ("1972-09-07", "1972-03-15", 0.3),  # same year, another day: evidence against
        ("1972-09-07", "1973-03-15", 0.25),  # a year apart
        ("1972-09-07", "1974-03-15", 0.1),  # two years apart: doubtful
        ("1972-09-07", "1975-03-15", 0.0),  # three years apart: another person
        ("1991-03-16", "1999-01-23", 0.0),  # the same name born 8 years apart is a namesake
        ("1972-09-07", "1982-09-07", 0.0),  # a decade apart (one digit, but the decade)
        ("1972-09-07", "1962", 0.0),
        ("1971-02-20", "1964", 0.0),
        ("1972-09-07", "1973", 0.25),  # year-only, a year apart
        ("1972-09-07", "1974", 0.1),
        ("1972-09-07", "1972-03", 0.35),  # year-month, another month
        ("1972-09-07", "1990-02-11", 0.0),
    ],
)
def test_dob_agreement(traveller: str, listed: str, score: float) -> None:
    r = dob_agreement(rec([traveller]), rec([listed]))
    assert r.score == score
    assert dob_agreement(rec([listed]), rec([traveller])).score == score  # symmetric
    assert r.feature == "birth_date" and r.detail.startswith("Birth dates")


def test_dob_best_of_several_listed_dates() -> None:
    assert dob_agreement(rec(["1972-09-07"]), rec(["1960", "1972-09-07"])).score == 1.0


@pytest.mark.parametrize("a, b", [([], ["1970"]), (["1970-01-02"], []), (["garbage"], ["1970"]), (["19"], ["0000-00-00"])])
def test_dob_missing_or_malformed_is_neutral(a, b) -> None:
    r = dob_agreement(rec(a), rec(b))
    assert r.score == NEUTRAL and "neutral" in r.detail


@pytest.mark.parametrize(
    "value, parsed",
    [("1970", (1970, None, None)), ("1970-05", (1970, 5, None)), ("1970-05-03", (1970, 5, 3)), ("19700503", (1970, 5, 3)),
     ("1970-13-01", (1970, None, None)), ("hello", None), ("", None), (None, None)],
)
def test_parse_date(value, parsed) -> None:
    assert parse_date(value) == parsed


@pytest.mark.parametrize(
    "a, b, score",
    [
        (rec(nats=["SEN"]), rec(nats=["GIN", "SEN"]), 1.0),
        (rec(nats=["GBR"]), rec(nats=["USA"]), 0.0),
        (rec(nats=["GBR"], docs=[DocRef("X1", "USA")]), rec(nats=["USA"]), 0.65),
        (rec(), rec(nats=["USA"]), NEUTRAL),
    ],
)
def test_nationality_agreement(a: Record, b: Record, score: float) -> None:
    assert nationality_agreement(a, b).score == score


@pytest.mark.parametrize(
    "a, b, score", [(["M"], ["M"], 1.0), (["F"], ["M"], 0.0), ([], ["M"], NEUTRAL), (["F"], ["M", "F"], 1.0)]
)
def test_sex_agreement(a, b, score) -> None:
    assert sex_agreement(rec(sexes=a), rec(sexes=b)).score == score


@pytest.mark.parametrize(
    "x, y, paired",
    [
        ("MARIO", "MARIA", True), ("DANIELA", "DANIEL", True), ("PETROV", "PETROVA", True),
        ("KOWALSKI", "KOWALSKA", True), ("CHAIKOVSKIY", "CHAIKOVSKAYA", True), ("NOVAK", "NOVAKOVA", True),
        ("IVAN", "IVANA", True), ("ALEKSEEV", "ALEKSEEVA", True), ("PUTIN", "PUTINA", True),
        ("MARIA", "MARIA", False), ("MARIA", "MARTA", False), ("ANA", "ANNA", False), ("LEO", "LEA", True),
        ("AL", "ALA", False), ("ROSSI", "ROSSA", True), ("ANDREA", "ANDREO", True), ("MARIO", "MARIANA", False),
    ],
)
def test_gender_pairs(x: str, y: str, paired: bool) -> None:
    assert gender_pair(x, y) is paired and gender_pair(y, x) is paired


@pytest.mark.parametrize(
    "traveller, listed, score",
    [
        (pax("ROSSI", "MARIO", sex="M"), person("Maria Rossi", sex="F"), 0.0),  # a brother and a sister
        (pax("PETROV", "ALEKSANDR", sex="M"), person("Aleksandra Petrova", sex="F"), 0.0),
        (pax("KOWALSKA", "JANA", sex="F"), person("Jan Kowalski", sex="M"), 0.0),
        (pax("ROSSI", "MARIO"), person("Maria Rossi", sex="F"), NEUTRAL),  # a sex unknown: maybe a typo
        (pax("ROSSI", "MARIO", sex="F"), person("Maria Rossi", sex="F"), NEUTRAL),  # the same sex
        (pax("ROSSI", "MARIO", sex="M"), person("Mario Rossi", sex="F"), NEUTRAL),  # names alike: `sex_agreement`
        (pax("ROSSI", "PAOLO", sex="M"), person("Maria Rossi", sex="F"), NEUTRAL),
    ],
)
def test_name_gender_agreement(traveller, listed, score: float) -> None:
    r = name_gender_agreement(record_of(traveller), record_of(listed))
    assert r.score == score
    assert ("gender ending" in r.detail) is (score == 0.0)


@pytest.mark.parametrize(
    "a, b, score",
    [
        ("YY3478621G", "YY3478621G", 1.0),
        ("YY3478621G", "YY3478621", 0.65),
        ("123456789", "123456789", 0.3),  # placeholder: never confident
        ("A4821", "A4821", 0.6),  # short
        ("YY3478621G", "AB1234567", 0.0),
    ],
)
def test_document_number_similarity(a: str, b: str, score: float) -> None:
    r = document_number_similarity(rec(docs=[DocRef(a, "FRA")]), rec(docs=[DocRef(b, "FRA")]))
    assert r.score == score


def test_document_country() -> None:
    same = document_country_agreement(rec(docs=[DocRef("YY3478621G", "FRA")]), rec(docs=[DocRef("YY3478621G", "FRA")]))
    other = document_country_agreement(rec(docs=[DocRef("YY3478621G", "FRA")]), rec(docs=[DocRef("YY3478621G", "ESP")]))
    unrelated = document_country_agreement(rec(docs=[DocRef("YY3478621G", "FRA")]), rec(docs=[DocRef("AB1234567", "ESP")]))
    assert (same.score, other.score, unrelated.score) == (1.0, 0.0, NEUTRAL)


def test_missing_names_and_documents_are_neutral() -> None:
    t = record_of(pax(None, None))
    e = record_of(stolen("YY3478621G"))
    assert name_similarity(t, e).score == NEUTRAL
    assert document_number_similarity(t, e).score == NEUTRAL


def test_name_similarity_explains_the_pairing() -> None:
    r = name_similarity(record_of(pax("DIALLO", "MOHAMED")), record_of(person("Mo Diallo", "Mohammed Jallow")))
    assert r.score >= 0.9
    assert "alias 2 of 2" in r.detail and "DIALLO~JALLOW spelling variant" in r.detail


names = st.one_of(st.none(), st.text(max_size=30), st.sampled_from(["Mohamed Diallo", "John Smith", "Олег Петров"]))
dates = st.one_of(st.none(), st.sampled_from(["1970", "1970-05", "1970-05-03", "1980-01-01", "x"]), st.text(max_size=10))
codes = st.one_of(st.none(), st.sampled_from(["GBR", "SEN", "ru", "", "D"]))
numbers = st.one_of(st.none(), st.text(alphabet="AB0O1I5S9-< ", max_size=12))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names, names, dates, dates, codes, codes, st.sampled_from(["M", "F", "X", None]), numbers, numbers, codes)
def test_every_feature_scores_in_unit_range_and_never_raises(sn, en, td, ed, tn, en_, sx, tdoc, edoc, dc) -> None:
    t = record_of(pax(sn, None, dob=td, nat=tn, sex=sx, doc=tdoc, country=dc))
    e = record_of(person(*([en] if en else []), dob=(ed,) if ed else (), nat=(en_,) if en_ else (), docs=((edoc or "", dc),)))
    for f in FEATURES:
        r = f(t, e)
        assert 0.0 <= r.score <= 1.0
        assert r.detail


_COUNTRIES = st.lists(st.sampled_from(["SEN", "FRA", "GIN", "MLI", ""]), max_size=3).map(tuple)
_DATES = st.lists(st.one_of(
    st.tuples(st.integers(1930, 2010), st.integers(0, 13), st.integers(0, 32))
    .map(lambda d: "%04d-%02d-%02d" % d),
    st.integers(1930, 2010).map(str), st.sampled_from(["1975-01-01", "1957-06-15", "", "15/06/1975"]),
), max_size=3).map(tuple)


@st.composite
def _record(draw) -> Record:
    countries = st.sampled_from(["SEN", "FRA", None])
    docs = tuple(DocRef("AB123456", draw(countries)) for _ in range(draw(st.integers(0, 2))))
    return Record("x", birth_dates=draw(_DATES), nationalities=tuple(c for c in draw(_COUNTRIES) if c),
                  sexes=tuple(draw(st.lists(st.sampled_from(["M", "F"]), max_size=2))), documents=docs)


@settings(max_examples=500, deadline=None)
@given(_record(), _record())
def test_the_prefilters_scores_alone_are_the_features_scores(a, b) -> None:
    assert dob_score(a, b) == dob_agreement(a, b).score
    assert nationality_score(a, b) == nationality_agreement(a, b).score
    assert sex_score(a, b) == sex_agreement(a, b).score
