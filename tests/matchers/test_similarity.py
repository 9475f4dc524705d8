"""Token similarity (batched and single) and order-insensitive name alignment."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchers.similarity import (
    EXTRA_EDIT,
    INITIAL,
    NAME_FORM,
    SOUNDS_ALIKE,
    VARIANT,
    TokenSims,
    align,
    token_relation,
    token_similarity,
)

TOKENS = ["KISELEVA", "KOZLOVA", "LEVCHENKO", "SHEVCHENKO", "KWAKU", "KWAME", "PHILIPPE", "PHILIP", "MOHAMED", "MAMADOU", "DIALLO", "JALLOW", "SMITH", "SMYTHE", "J", "JOHN", "JON", "LI", "LU", "KHALED", "KHALID", "OLEG", "OLEH", "BROWN", "SMTIH", "MIKHAIL", "MICHAEL",
          "SCHUKOW", "ZHUKOV", "WOJCIECHOWSKI", "VOITSEKHOVSKY", "KUSNEZOW", "KUZNETSOV", "SCHEWTSCHENKO"]


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("DIALLO", "DIALLO", 1.0),
        ("MOHAMED", "MAMADOU", NAME_FORM),  # another language's form of the name
        ("MOHAMED", "MUHAMMAD", VARIANT),
        ("DIALLO", "JALLOW", VARIANT),
        ("SMITH", "SMYTHE", 0.65 + 0.25 * (2 / 3 - 0.5) / 0.25),  # sounds alike, two letters apart
        ("PHILIPPE", "PHILIP", SOUNDS_ALIKE),
        ("KISELEVA", "KOZLOVA", 0.65),  # one skeleton, but half the letters differ: not firm
        ("HASSAN", "HUSSEIN", 0.65 + 0.25 * (4 / 7 - 0.5) / 0.25),
        ("MARIA", "MARIAMA", 1 - 2 / 7 - EXTRA_EDIT),  # a second edit costs more
        ("LEVCHENKO", "SHEVCHENKO", 1 - 2 / 10 - 2 * EXTRA_EDIT),  # ... more again with another initial
        ("KWAKU", "KWAME", 1 - 2 / 5 - EXTRA_EDIT),
        ("SOUMAH", "SOUMAORO", 1 - 3 / 8 - 2 * EXTRA_EDIT),
        ("J", "JOHN", INITIAL),
        ("J", "PAUL", 0.0),
        ("MIKHAIL", "MICHAEL", 0.9),  # rigour name symbol
    ],
)
def test_token_similarity(a: str, b: str, expected: float) -> None:
    assert token_similarity(a, b) == pytest.approx(expected, abs=1e-6)
    assert token_similarity(b, a) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    "a, b",
    [("SCHUKOW", "ZHUKOV"), ("TSCHAIKOWSKI", "CHAIKOVSKIY"), ("WOJCIECHOWSKI", "VOITSEKHOVSKY"),
     ("KUSNEZOW", "KUZNETSOV"), ("SZCZERBAKOW", "SHCHERBAKOV"), ("CHRUSCHTSCHOW", "KHRUSHCHEV")],
)
def test_german_polish_and_french_spellings_of_slavic_names_sound_alike(a: str, b: str) -> None:
    """Graded by their spelling with the letters transliteration systems trade read alike, not
    by raw letters (SCHUKOW / ZHUKOV have but 4 of 7 in common)."""
    assert token_similarity(a, b) == pytest.approx(SOUNDS_ALIKE)
    assert token_relation(a, b) == "sounds alike"


def test_one_transposition_counts_as_one_edit() -> None:
    assert token_similarity("MARTIN", "MATRIN") == pytest.approx(1 - 1 / 6)
    assert token_relation("MARTIN", "MATRIN") == "one edit"


def test_batched_matrix_equals_single_pairs() -> None:
    sims = TokenSims(TOKENS, TOKENS)
    for a in TOKENS:
        for b in TOKENS:
            assert sims(a, b) == pytest.approx(token_similarity(a, b), abs=1e-6), (a, b)


def test_sims_computed_for_many_groups_at_once_are_those_of_each_group() -> None:
    import random

    rng = random.Random(7)
    groups = [(rng.sample(TOKENS, rng.randint(0, 4)), rng.sample(TOKENS, rng.randint(0, 6)))
              for _ in range(40)]
    for (left, right), together in zip(groups, TokenSims.many(groups), strict=True):
        alone = TokenSims(left, right)
        for a in left:
            assert together.row(a) == alone.row(a)
            for b in right:
                assert together(a, b) == pytest.approx(token_similarity(a, b), abs=1e-6), (a, b)
    assert TokenSims.many([]) == []


def test_lookups_outside_the_batch_fall_back() -> None:
    sims = TokenSims(["SMITH"], ["SMYTHE"])
    assert sims("DIALLO", "JALLOW") == pytest.approx(VARIANT)


@pytest.mark.parametrize(
    "a, b, low, high",
    [
        (("JOHN", "SMITH"), ("SMITH", "JOHN"), 1.0, 1.0),  # order-insensitive
        (("J", "SMITH"), ("JOHN", "SMITH"), 0.85, 0.95),  # initial
        (("MOHAMED", "DIALLO"), ("MOHAMED", "ABDOULAYE", "DIALLO"), 0.85, 0.92),  # dropped middle
        (("XIAOMING", "WANG"), ("XIAO", "MING", "WANG"), 1.0, 1.0),  # glued compound
        (("JOHN", "SMITH"), ("JOHN", "BROWN"), 0.0, 0.5),  # a namesake by given name only
        (("LI", "WEI"), ("LU", "WEI"), 0.0, 0.65),  # short surnames still decide
        (("DIALLO",), ("MOHAMED", "DIALLO"), 0.0, 0.65),  # one token cannot confirm a name
    ],
)
def test_align(a: tuple[str, ...], b: tuple[str, ...], low: float, high: float) -> None:
    assert low <= align(a, b).score <= high


def test_align_reports_pairs_and_leftovers() -> None:
    al = align(("MOHAMED", "DIALLO"), ("MOHAMED", "ABDOULAYE", "DIALLO"))
    assert {(x, y) for x, y, _ in al.pairs} == {("MOHAMED", "MOHAMED"), ("DIALLO", "DIALLO")}
    assert al.unmatched_right == ("ABDOULAYE",)


def test_empty_names_align_to_zero() -> None:
    assert align((), ("JOHN",)).score == 0.0


words = st.lists(st.text(alphabet="ABCDEHIJKLMNOSTUY", min_size=1, max_size=9), min_size=1, max_size=5)


@settings(deadline=None)
@given(words, words)
def test_alignment_score_in_unit_range_and_symmetric_for_identity(a: list[str], b: list[str]) -> None:
    s = align(a, b).score
    assert 0.0 <= s <= 1.0
    assert align(a, a).score == pytest.approx(1.0)
