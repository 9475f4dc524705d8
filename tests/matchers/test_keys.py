"""Blocking keys: compact, selective, and losing no true match (candidate recall)."""

from __future__ import annotations

import hashlib
import random
from collections import Counter

import pytest
from matcher_factories import VARIATIONS, listed_people, pax, person, stolen, vary

from matchers.keys import (
    KEY_BYTES,
    digest,
    document_keys,
    entry_keys,
    name_keys,
    query_document_keys,
    traveller_keys,
)
from matchers.names import parse_name


def shares_a_key(traveller, entry) -> bool:
    tn, td = traveller_keys(traveller)
    en, ed = entry_keys(entry)
    return bool(tn & en or td & ed)


def test_candidate_recall_on_constructed_variants() -> None:
    rnd = random.Random(11)
    people = listed_people(250)
    found, total = Counter(), Counter()
    for entry in people:
        for kind in VARIATIONS:
            total[kind] += 1
            found[kind] += shares_a_key(vary(kind, entry, rnd), entry)
    recall = {k: found[k] / total[k] for k in VARIATIONS}
    assert min(recall.values()) >= 0.95, recall
    assert sum(found.values()) / sum(total.values()) >= 0.99, recall
    for kind in ("exact", "swap", "dropped_middle", "initial", "spelling", "particles_glued", "title",
                 "umlaut_simple", "document_ocr", "document_transposition", "first_letter_typo"):
        assert recall[kind] == 1.0, (kind, recall)


def test_keys_are_selective() -> None:
    """Unrelated people rarely share a key: few candidates per traveller, not the whole list."""
    people = listed_people(400)
    index: dict[str, set[str]] = {}
    for e in people:
        n, d = entry_keys(e)
        for k in n | d:
            index.setdefault(k, set()).add(e.id)
    strangers = [pax("OKONKWO", "EMEKA", dob="1966-02-02"), pax("LINDQVIST", "ASTRID"), pax("TANAKA", "HIROSHI")]
    for t in strangers:
        n, d = traveller_keys(t)
        assert not set().union(*(index.get(k, set()) for k in n | d))
    t = pax("DIALLO", "MOHAMED", dob="1975-01-01")
    n, d = traveller_keys(t)
    hits = set().union(*(index.get(k, set()) for k in n | d))
    assert len(hits) < len(people) / 10


@pytest.mark.parametrize(
    "a, b",
    [
        (pax("SMITH", "JOHN"), person("John Smith")),
        (pax("SMITH", "J"), person("John Smith")),
        (pax("JALLOW", "MOHAMMED"), person("Mohamed Diallo")),
        (pax("DELACRUZ", "JUAN"), person("Juan de la Cruz")),
        (pax("SHEVCHENKO", "OLEKSANDR"), person("Олександр Шевченко")),
        (pax("MULLER", "JURGEN"), person("Jürgen Müller")),
    ],
)
def test_true_pairs_share_name_keys(a, b) -> None:
    assert traveller_keys(a)[0] & entry_keys(b)[0]


def test_key_shapes() -> None:
    keys = name_keys([parse_name("Mohamed Diallo")], [1975])
    assert keys == {"n:JL|MHMT", "h:MHMT|D", "h:JL|M", "t:AHMT|JL", "t:AL|MHMT", "y:JL|MHMT|1975"}
    assert name_keys([parse_name("Madonna")]) == {"m:MDN"}
    assert name_keys([parse_name("Li Wei")]) == {"n:LI|WEI", "h:LI|W", "h:WEI|L", "y:LI|WEI|0"}
    assert len(digest("n:JL|MHMT")) == KEY_BYTES
    # what stored indexes hold: BLAKE2b-64 of the key's UTF-8 (a change needs a new INDEX_FORMAT)
    assert digest("n:JL|MHMT").hex() == "b51c3ee355965a06"
    assert digest("d:XK4093017").hex() == "43c50b45332815db"
    assert digest("m:MÜLLER") == hashlib.blake2b("m:MÜLLER".encode(), digest_size=KEY_BYTES).digest()


@pytest.mark.parametrize(
    "traveller, listed",
    [
        (pax("MURPHY", "OHAMMED"), person("Mohammed Murphy")),  # first letter dropped
        (pax("ERRADA", "ABDELLAH"), person("Abdellah Berrada")),
        (pax("JOUAME", "EUGENE"), person("Eugène Kouamé")),  # first letter replaced
        (pax("VAUL", "JOHNSON"), person("Paul Johnson")),
        (pax("SMITH", "XJOHN"), person("John Smith")),  # a letter put before it
    ],
)
def test_a_typo_in_the_first_letter_still_shares_a_key(traveller, listed) -> None:
    assert traveller_keys(traveller)[0] & entry_keys(listed)[0]


# Names whose keys exercise every rule (particles, scripts, Slavic spellings, glued parts), and
# a digest of their keys under the `store.INDEX_FORMAT` that writes them
_PINNED = ["Mohamed Ould Diallo", "Ivan Shcherbakov", "Pjotr Tschaikowski", "Juan Carlos Garcia Lopez", "Li Wei",
           "Madonna", "Jürgen Müller", "Олександр Шевченко", "Abdul Rahman Al-Saud", "Wojciech Chmielewski"]
KEYS_OF_FORMAT = {"paxscreen.watchlist-index/8": "10c739736c6a97c4"}


def test_a_change_of_the_keys_comes_with_a_new_index_format() -> None:
    """Versions stay readable across formats, and a loaded list is indexed again only when its
    content hash changes, which the format is part of (`store_load.indexing_seed`): keys that
    change under the same format leave every list keyed otherwise than travellers ask."""
    from matchers.store import INDEX_FORMAT

    keys = sorted(k for n in _PINNED for k in name_keys([parse_name(n)], [1970]))
    assert hashlib.blake2b("\n".join(keys).encode(), digest_size=8).hexdigest() == KEYS_OF_FORMAT.get(INDEX_FORMAT)


@pytest.mark.parametrize(
    "traveller, listed",
    [
        (pax("KUSNEZOW", "DMITRIJ"), person("Dmitry Kuznetsov")),  # German
        (pax("SCHUKOW", "GEORGI"), person("Georgi Zhukov")),
        (pax("TSCHAIKOWSKI", "PETER"), person("Peter Chaikovskiy")),
        (pax("TCHAIKOVSKY", "PETER"), person("Peter Tschaikowski")),
        (pax("SHCHERBAKOV", "IVAN"), person("Iwan Schtscherbakow")),
        (pax("SZCZERBAKOW", "IWAN"), person("Ivan Shcherbakov")),  # Polish
        (pax("WOJCIECHOWSKI", "ANDRZEJ"), person("Andrzej Voytsekhovskiy")),
        (pax("SMIRNOFF", "ALEXANDER"), person("Alexander Smirnov")),  # an old French -OFF
        (pax("CHRUSCHTSCHOW", "NIKITA"), person("Nikita Khrushchev")),
    ],
)
def test_german_polish_and_french_spellings_of_slavic_names_share_the_pair_key(traveller, listed) -> None:
    """The selective pair key (``n:``), not only a name with the other's initial (``h:``), which
    a common given name and initial overflow on a large list."""
    shared = traveller_keys(traveller)[0] & entry_keys(listed)[0]
    assert any(k.startswith("n:") for k in shared), shared


@pytest.mark.parametrize(
    "traveller, listed",
    [
        (pax("GARCIALOPEZ", "JUANCARLOS"), person("Juan Carlos Garcia Lopez")),
        (pax("GARCIA LOPEZ", "JUAN CARLOS"), person("Garcialopez Juancarlos")),
        (pax("DASILVASANTOS", "MARIADELCARMEN"), person("Maria del Carmen da Silva Santos")),
        (pax("DA SILVA SANTOS", "MARIA DEL CARMEN"), person("Mariadelcarmen Dasilvasantos")),
    ],
)
def test_given_names_and_surname_both_glued_share_the_pair_key(traveller, listed) -> None:
    """One glued part meets the other side's tokens through ``h:`` (JUANCARLOS GARCIA has
    GARCIA with J); with both parts glued, no token is left in common."""
    shared = traveller_keys(traveller)[0] & entry_keys(listed)[0]
    assert any(k.startswith("n:") for k in shared), shared


@pytest.mark.parametrize(
    "traveller, listed",
    [
        (pax("DIALLO", "ABDOU"), person("Abdou Diallo")),  # a compound head that is a given name
        (pax("DARKO", "ABDUL MR"), person("Abdul Darko")),
        (pax("BAH", "ELHADJI"), person("Elhadji Alhassane Bah")),  # a title that is a given name
        (pax("AGYEMAN", "PRINCE"), person("Prince Agyeman")),
        (pax("DARBOE", "IBRAHIMA"), person("Ebrima Darboe")),  # Gambian spelling
        (pax("TARAWALLIE", "MOMODOU"), person("Mamadou Traoré")),  # Sierra Leonean spelling
    ],
)
def test_given_names_that_look_like_titles_or_compounds_share_a_key(traveller, listed) -> None:
    assert traveller_keys(traveller)[0] & entry_keys(listed)[0]


def test_an_entry_without_birth_date_ranks_with_the_right_year() -> None:
    """Entries without a birth date are keyed under year 0, which every traveller asks for,
    so among many namesakes they share as many keys as the right year, more than a wrong one."""
    t = traveller_keys(pax("DIALLO", "MAMADOU", dob="1994-10-24"))[0]
    right, unknown, wrong = (entry_keys(person("Mamadou Diallo", dob=d))[0] for d in ("1994", (), "1970"))
    assert len(t & right) == len(t & unknown) > len(t & wrong)


def test_document_keys() -> None:
    assert document_keys("xk-4O93017") == {"d:XK4093017"}
    assert document_keys("123456789") == set()  # placeholders are not keys
    assert document_keys("A12") == set()
    q = query_document_keys("XK4093017")
    assert "d:XK4093017" in q and "d:XK4093107" in q and len(q) == 9


def test_a_travellers_document_asks_for_each_transposition_as_read_by_ocr() -> None:
    """The keys of every adjacent transposition of the number as sent, OCR-canonical (what
    `query_document_keys` makes by transposing the canonical number instead)."""
    from matchers.documents import normalize_number, ocr_canonical, transpositions

    rnd = random.Random(7)
    for _ in range(3000):
        number = "".join(rnd.choice("AB0O1I5S8Z2 -<o") for _ in range(rnd.randint(0, 12)))
        own = document_keys(number)
        moved = {f"d:{ocr_canonical(t)}" for t in transpositions(normalize_number(number))}
        want = own | moved if own else set()
        assert query_document_keys(number) == want, number


def test_stolen_documents_have_only_document_keys() -> None:
    names, docs = entry_keys(stolen("XK4O93O17", "FRA"))
    assert names == set() and docs == {"d:XK4093017"}


def test_gtas_crew_placeholder_makes_no_document_key() -> None:
    assert traveller_keys(pax("STEUR", "ANDREA", doc="123456789", country="GBR"))[1] == set()


def test_a_one_token_alias_is_a_candidate_for_a_full_name() -> None:
    assert traveller_keys(pax("GUZMAN", "JOAQUIN"))[0] & entry_keys(person("Joaquín Guzmán Loera", "Guzman"))[0]
    assert traveller_keys(pax("LOERA", "CHAPO"))[0] & entry_keys(person("Chapo"))[0]
