"""The synthetic benchmark generator: deterministic, every class present, labels consistent
with the watchlist and the PAXLST files, and each class really carrying its variation."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz.distance import Hamming, Levenshtein

from paxscreen.synth import HARD_NEGATIVES, NEGATIVE_CLASSES, POSITIVE_CLASSES, generate, read_labels
from paxscreen.synth_edits import dates_confusable, dob_slip, ocr_confuse, three_away, transpose, typo
from paxscreen.synth_scripts import elot743, feminine_surname, icao_cyrillic, icao_greek, kmu2010, patronymic
from paxscreen.synth_variants import OCR_CONFUSIONS, fold, skeleton, variants
from producers.decode import read_files

PER_CLASS = 6


@pytest.fixture(scope="module")
def bench():
    return generate(5, travellers=700, persons=160, stolen=40, per_class=PER_CLASS)


@pytest.fixture(scope="module")
def entities(bench):
    return {e["id"]: e for e in bench.entities}


def by_class(bench, cls):
    return [lb for lb in bench.labels.values() if lb.cls == cls]


def names_of(entity) -> str:
    p = entity["properties"]
    return " ".join(p.get("name", []) + p.get("alias", []))


def test_same_seed_same_benchmark_other_seed_other_benchmark(bench):
    again = generate(5, travellers=700, persons=160, stolen=40, per_class=PER_CLASS)
    assert again.entities == bench.entities
    assert again.labels == bench.labels
    assert list(again.manifests()) == list(bench.manifests())
    other = generate(6, travellers=700, persons=160, stolen=40, per_class=PER_CLASS)
    assert other.entities != bench.entities


def test_every_class_present_in_its_numbers(bench):
    counts = Counter(lb.cls for lb in bench.labels.values())
    assert {c: counts[c] for c in POSITIVE_CLASSES} == {c: PER_CLASS for c in POSITIVE_CLASSES}
    assert {c: counts[c] for c in HARD_NEGATIVES} == {c: 2 * PER_CLASS for c in HARD_NEGATIVES}
    assert sum(counts.values()) == 700
    assert counts["ordinary"] == 700 - PER_CLASS * len(POSITIVE_CLASSES) - 2 * PER_CLASS * len(HARD_NEGATIVES)
    schemas = Counter(e["schema"] for e in bench.entities)
    assert schemas["Person"] == 160
    assert sum(1 for e in bench.entities if e["schema"] != "Person" and "holder" not in e["properties"]) == 40


def test_labels_point_at_entities_of_the_right_schema(bench, entities):
    for lb in bench.labels.values():
        if lb.cls in NEGATIVE_CLASSES:
            assert lb.expected == ()
            continue
        ((entry_id, kind),) = lb.expected
        schema = entities[entry_id]["schema"]
        if lb.cls.startswith("stolen_"):
            assert (kind, schema) == ("stolen_document", entities[entry_id]["schema"])
            assert (
                schema in ("Passport", "Identification") and "holder" not in entities[entry_id]["properties"]
            )
        else:
            assert schema == "Person"
            assert kind == ("document" if lb.cls == "document_other_name" else "name")
        if lb.related:
            assert lb.related in entities


def test_files_parse_back_to_the_labelled_travellers(bench, tmp_path):
    paths = bench.write(tmp_path)
    batch = read_files([(p.name, p.read_bytes()) for p in sorted(paths["manifests"].iterdir())])
    travellers = batch.travellers if hasattr(batch, "travellers") else batch[0]
    errors = batch.errors if hasattr(batch, "errors") else batch[1]
    assert errors == []
    assert len(travellers) == len(bench.labels) == 700
    labels = read_labels(paths["labels"])
    assert labels == bench.labels
    for t in travellers:
        lb = labels[t.pnr_locator]
        assert (t.surname, t.given_names, t.date_of_birth, t.document.number) == (
            lb.surname,
            lb.given_names,
            lb.date_of_birth,
            lb.document_number,
        )
        assert t.event_id == lb.event_id
    assert paths["watchlist"].read_bytes().count(b"\n") == len(bench.entities)


def test_rewriting_removes_a_previous_benchmark(bench, tmp_path):
    generate(9, travellers=700, persons=160, stolen=40, per_class=PER_CLASS).write(tmp_path)
    bench.write(tmp_path)
    assert len(list((tmp_path / "paxlst").glob("*.edi"))) == len(bench.flights)


def test_traveller_names_are_mrz_letters(bench):
    for lb in bench.labels.values():
        assert set(lb.surname + lb.given_names) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ "), lb


def _script(text: str) -> set[str]:
    return {unicodedata.name(c).split()[0] for c in text if c.isalpha()}


def test_translit_lists_native_script_or_another_romanisation(bench, entities):
    cases = by_class(bench, "translit")
    native = [lb for lb in cases if _script(names_of(entities[lb.expected[0][0]])) & {"CYRILLIC", "GREEK"}]
    assert len(native) >= len(cases) // 2
    for lb in cases:
        listed = fold(names_of(entities[lb.expected[0][0]]))
        assert not (
            {lb.surname} <= set(listed.split()) and set(lb.given_names.split()) <= set(listed.split())
        )


@pytest.mark.parametrize(("cls", "letters"), [("umlaut", "ÄÖÜßÅØÆäöüåøæ"), ("diacritics", None)])
def test_listed_names_carry_the_marks_the_traveller_lacks(bench, entities, cls, letters):
    for lb in by_class(bench, cls):
        name = names_of(entities[lb.expected[0][0]])
        if letters:
            assert set(name) & set(letters), name
        else:
            assert fold(name) != name.upper(), name


def test_spelling_variants_come_from_the_variant_table(bench, entities):
    for lb in by_class(bench, "spelling_variant"):
        listed = set(fold(names_of(entities[lb.expected[0][0]])).split())
        new = set((lb.surname + " " + lb.given_names).split()) - listed
        assert new and all(any(n in variants(old) for old in listed) for n in new), lb.detail


def test_typo_is_one_edit_from_the_list(bench):
    for lb in by_class(bench, "typo"):
        old, new = lb.detail.split("->")
        assert Levenshtein.distance(old, new) == 1


def test_dob_classes(bench, entities):
    for lb in by_class(bench, "dob_partial"):
        listed = entities[lb.expected[0][0]]["properties"]["birthDate"][0]
        assert len(listed) in (4, 7) and lb.date_of_birth.startswith(listed)
    for lb in by_class(bench, "dob_swapped"):
        listed = entities[lb.expected[0][0]]["properties"]["birthDate"][0]
        assert listed != lb.date_of_birth
        assert (listed[:4], listed[5:7], listed[8:]) == (
            lb.date_of_birth[:4],
            lb.date_of_birth[8:],
            lb.date_of_birth[5:7],
        )
    for lb in by_class(bench, "dob_slip"):
        listed = entities[lb.expected[0][0]]["properties"]["birthDate"][0]
        assert sum(a != b for a, b in zip(listed, lb.date_of_birth, strict=True)) == 1


def _numbers(entity, entities):
    props = entity["properties"]
    out = props.get("passportNumber", []) + props.get("number", [])
    out += [
        n
        for e in entities.values()
        if e["properties"].get("holder") == [entity["id"]]
        for n in e["properties"]["number"]
    ]
    return out


def test_document_classes(bench, entities):
    for lb in by_class(bench, "document_other_name"):
        entry = entities[lb.expected[0][0]]
        assert lb.document_number in _numbers(entry, entities)
        assert fold(lb.surname) not in fold(names_of(entry))
    for lb in by_class(bench, "stolen_exact"):
        assert _numbers(entities[lb.expected[0][0]], entities) == [lb.document_number]
    for lb in by_class(bench, "stolen_ocr"):
        (listed,) = _numbers(entities[lb.expected[0][0]], entities)
        diff = [(a, b) for a, b in zip(listed, lb.document_number, strict=True) if a != b]
        assert len(diff) == 1 and OCR_CONFUSIONS[diff[0][0]] == diff[0][1]
    for lb in by_class(bench, "stolen_transposition"):
        (listed,) = _numbers(entities[lb.expected[0][0]], entities)
        assert (
            sorted(listed) == sorted(lb.document_number)
            and Levenshtein.distance(listed, lb.document_number) == 2
        )


def test_hard_negatives_are_what_they_claim(bench, entities):
    for lb in by_class(bench, "neg_namesake"):
        entry = entities[lb.related]["properties"]
        assert abs(int(entry["birthDate"][0][:4]) - int(lb.date_of_birth[:4])) >= 10
    for lb in by_class(bench, "neg_common_name"):
        entry = entities[lb.related]["properties"]
        assert f"{lb.given_names} {lb.surname}" == fold(entry["name"][0]) or lb.surname in fold(
            entry["name"][0]
        )
        assert not dates_confusable(entry["birthDate"][0], lb.date_of_birth)
    for lb in by_class(bench, "neg_near_document"):
        listed = [n for n in _numbers(entities[lb.related], entities) if len(n) == len(lb.document_number)]
        assert min(Hamming.distance(n, lb.document_number) for n in listed) == 3
    for lb in by_class(bench, "neg_same_surname"):
        name = entities[lb.related]["properties"]["name"][0]
        entry = f"{fold(name)} {fold(name, 'icao')}"
        assert lb.surname in entry and not set(lb.given_names.split()) & set(entry.split())


@pytest.mark.parametrize(("fn", "text", "expected"), [
    (icao_cyrillic, "Юлия Щербакова", "IULIIA SHCHERBAKOVA"),
    (icao_cyrillic, "Фёдор Соловьёв", "FEDOR SOLOVEV"),
    (kmu2010, "Юлія Ємельяненко", "YULIIA YEMELIANENKO"),
    (kmu2010, "Олександр Згурський", "OLEKSANDR ZGHURSKYI"),
    (elot743, "Παπαδόπουλος", "PAPADOPOULOS"),
    (elot743, "Ευστάθιος Μπακογιάννης", "EFSTATHIOS BAKOGIANNIS"),
    (elot743, "Ευαγγέλου", "EVANGELOU"),
    (icao_greek, "Παπαδόπουλος", "PAPADOPOYLOS"),
])  # fmt: skip
def test_romanisations(fn, text, expected):
    assert fn(text) == expected


@pytest.mark.parametrize(("text", "mode", "expected"), [
    ("Müller", "icao", "MUELLER"), ("Müller", "drop", "MULLER"), ("Åsa Sørensen", "icao", "AASA SOERENSEN"),
    ("José de la Cruz Núñez", "drop", "JOSE DE LA CRUZ NUNEZ"), ("N'Diaye", "drop", "NDIAYE"),
    ("Jean-Pierre", "drop", "JEAN PIERRE"), ("Łukasz Włodarczyk", "drop", "LUKASZ WLODARCZYK"),
])  # fmt: skip
def test_fold(text, mode, expected):
    assert fold(text, mode) == expected


def test_gendered_forms():
    assert feminine_surname("Иванов", "RUS") == "Иванова"
    assert feminine_surname("Παπαδόπουλος", "GRC") == "Παπαδοπούλου"
    assert patronymic("Сергей", female=True) == "Сергеевна"
    assert patronymic("Олександр", female=False, ukrainian=True) == "Олександрович"


def test_collision_guard_keys():
    assert skeleton("DIALLO") == skeleton("JALLOW")
    assert skeleton("MOHAMED") == skeleton("MUHAMMAD")
    assert dates_confusable("1970", "1974") and not dates_confusable("1970", "1982")
    assert dates_confusable("1975-03-02", "1985-03-02")
    assert not dates_confusable("1975-03-02", "1986-07-19")


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=4, max_size=14), st.integers(0, 2**32))
def test_typo_is_always_one_edit(word, seed):
    assert Levenshtein.distance(word, typo(random.Random(seed), word)) == 1


@given(st.text(alphabet="ABCDEFGHJKLMNPRSTUVWXYZ0123456789", min_size=6, max_size=10), st.integers(0, 2**32))
def test_document_edits(number, seed):
    rng = random.Random(seed)
    ocr = ocr_confuse(rng, number)
    assert ocr is None or Hamming.distance(ocr, number) == 1
    tr = transpose(rng, number)
    assert tr is None or (sorted(tr) == sorted(number) and Levenshtein.distance(tr, number) == 2)
    assert Hamming.distance(three_away(rng, number), number) == 3


@given(st.dates(min_value=dt.date(1935, 1, 1), max_value=dt.date(2005, 12, 31)), st.integers(0, 2**32))
def test_dob_slip_is_one_valid_digit(day, seed):
    iso = day.isoformat()
    slipped = dob_slip(random.Random(seed), iso)
    if slipped is not None:
        assert sum(a != b for a, b in zip(iso, slipped, strict=True)) == 1
        assert dt.date.fromisoformat(slipped).year >= 1930
