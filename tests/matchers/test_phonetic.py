"""Phonetic keys: skeletons that join spellings of one name and keep others apart."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchers.phonetic import loose_first, loose_skeleton, skeleton


@pytest.mark.parametrize(
    "a, b",
    [
        ("SMITH", "SMYTHE"),
        ("YOUSSEF", "YUSUF"),
        ("DIALLO", "JALLOW"),
        ("CAMARA", "KAMARA"),
        ("OUSMANE", "USMAN"),
        ("PHILIPPE", "FILIP"),
        ("KHALID", "KALID"),
        ("SCHMIDT", "SHMIDT"),
        ("ALEXANDER", "ALEKSANDR"),
        ("OLEKSANDR", "ALEKSANDR"),
        ("HERNANDEZ", "HERNANDES"),
        ("MUELLER", "MULLER"),
        ("KOWALSKI", "KOWALSKY"),
        ("MEHMED", "MEHMET"),
        ("MOHAMMET", "MOHAMED"),
    ],
)
def test_skeleton_joins_sound_alikes(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b)


@pytest.mark.parametrize(
    "a, b",
    [("SMITH", "SMALL"), ("DIALLO", "DIOP"), ("JOHN", "JAMES"), ("LI", "LU"), ("HANNE", "ANNA"), ("HALYNA", "OLENA")],
)
def test_skeleton_keeps_different_names_apart(a: str, b: str) -> None:
    assert skeleton(a) != skeleton(b) or len(skeleton(a)) < 2


def _skeleton_reference(token: str, rules=None) -> str:
    """`skeleton` running every rewrite (no skipping of rules that cannot match); with the
    loose rules, `loose_skeleton`'s consonants (before its vowels)."""
    from matchers.phonetic import _DOUBLES, _RULES, _consonants

    s = _DOUBLES.sub(r"\1", token)
    for pattern, repl, _ in rules or _RULES:
        s = pattern.sub(repl, s)
    return _consonants(_DOUBLES.sub(r"\1", s), token)


def _loose_reference(token: str) -> str:
    from matchers.phonetic import _LOOSE_RULES

    return _skeleton_reference(token, _LOOSE_RULES)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="ABCDEGHIJKNOPQSTUVWXYZ", min_size=1, max_size=9))
def test_skipping_loose_rules_that_cannot_match_changes_no_loose_skeleton(token: str) -> None:
    assert loose_skeleton.__wrapped__(token).split(":")[0] == _loose_reference(token)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=string.ascii_uppercase + "É'-", max_size=7))
def test_the_loose_first_letter_is_that_of_the_loose_skeleton(token: str) -> None:
    assert loose_first(token) == loose_skeleton.__wrapped__(token)[:1]


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="ABCDEHIJKNOPQSTUWXYZG", min_size=1, max_size=9))
def test_skipping_rules_that_cannot_match_changes_no_skeleton(token: str) -> None:
    assert skeleton.__wrapped__(token) == _skeleton_reference(token)


def test_skeletons_of_bench_names_are_those_of_every_rule() -> None:
    from paxscreen import bench_data as bd

    names = {t for e in bd.person_chunk(4, 0, 3000) for n in e.names for t in n.upper().split()}
    names |= {"DIALLO", "NDIAYE", "JALLOW", "SCHMIDT", "TCHAIKOVSKY", "DZHAMBUL", "KHALID", "MEHMED", "ZACHARY"}
    assert [skeleton(t) for t in sorted(names)] == [_skeleton_reference(t) for t in sorted(names)]
    names |= {"GADDAFI", "QADHAFI", "KHODORKOVSKY", "CHODORKOWSKI", "STEPHEN", "TSHABALALA", "DZHOKHAR"}
    tokens = sorted(names)
    assert [loose_skeleton(t).split(":")[0] for t in tokens] == [_loose_reference(t) for t in tokens]
    assert [loose_first(t) for t in tokens] == [loose_skeleton(t)[:1] for t in tokens]
