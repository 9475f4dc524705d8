"""The prefilter only ever skips pairs that cannot alert: its bounds are checked against the real
features, and screening with and without it must give the same alerts."""

from __future__ import annotations

import random

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from matcher_factories import VARIATIONS, listed_people, pax, person, stolen, vary

import numpy as np

from matchers.features import dob_agreement, document_number_similarity, name_similarity, parse_date
from matchers.index import pack_dates
from matchers.keys import digest
from matchers.prefilter import (
    MARGIN,
    TokenTable,
    _doc_bounds,
    _name_bounds,
    glue_keys,
    may_glue,
    shape_of,
    thresholds_of,
    token_keys,
    widen,
)
from matchers.records import record_of
from matchers.screening import ScreenCache, Screener, screen_against
from matchers.store import WatchlistStore
from matchers.unread import IndexNameBound, dob_bounds, dob_scores, keyless_possible
from paxscreen import bench_data as bd
from paxscreen.settings import Settings

NOW = "2024-03-01T22:00:05.000Z"


def _pairs(n_travellers: int = 150) -> list[tuple]:
    """Travellers against listed persons: planted variations, namesakes, strangers."""
    rnd = random.Random(5)
    people = listed_people(60)
    listed, parts = bd.listed_chunk(3, 0, 3_000)
    out = []
    for e in people:
        for kind in VARIATIONS:
            out.append((vary(kind, e, rnd), e))
    flights = list(bd.manifests(9, n_travellers, listed=bd.Listed(listed, parts, []), hit_rate=0.2))
    travellers = [t for _, ts, _ in flights for t in ts]
    for t in travellers:
        for e in rnd.sample(listed, 15) + rnd.sample(people, 5):
            out.append((t, e))
        # namesakes: the same name parts, another birth date
        s, g = parts[rnd.randrange(len(parts))]
        out.append((pax(s, g, dob=t.date_of_birth), listed[rnd.randrange(len(listed))]))
    return out


@pytest.fixture(scope="module")
def pairs() -> list[tuple]:
    return _pairs()


def test_name_bound_is_never_below_the_name_similarity(pairs) -> None:
    table = TokenTable()
    recs = [(record_of(t), record_of(e)) for t, e in pairs]
    shapes = [(shape_of(a, table), shape_of(b, table)) for a, b in recs]
    bounds = _name_bounds(table, [x for x, _ in shapes], [y for _, y in shapes])
    below = [(a.names[0].text if a.names else "", b.names[0].text if b.names else "", float(ub), s)
             for (a, b), ub in zip(recs, bounds, strict=True)
             if (s := name_similarity(a, b).score) > ub + MARGIN / 2]
    assert below == []
    # and it is a useful bound: most random pairs are far below the 0.63 a name alert needs
    assert (bounds < 0.62).mean() > 0.5


def test_a_symbol_raises_the_token_bound_only_where_the_first_sounds_agree() -> None:
    """rigour links JOHN with IVAN and HANS, but `token_similarity` counts a shared symbol only
    for spellings that start alike; the bound does the same, and stays above it."""
    from matchers.names import name_symbols
    from matchers.prefilter import _token_sims
    from matchers.similarity import SYMBOL, token_similarity

    tokens = ["JOHN", "IVAN", "HANS", "JUAN", "GIOVANNI", "IOANNIS", "MOHAMMED", "MAHOMET", "YOUSSEF",
              "JOSEPH", "GIUSEPPE", "IOSIF", "KHADIDJAH", "XIAOMING"]
    table = TokenTable()
    ids = np.array([table.id(t) for t in tokens])
    x, y = np.repeat(ids, len(ids)), np.tile(ids, len(ids))
    bound = _token_sims(table, x, y)
    pairs = [(tokens[i], tokens[j]) for i in range(len(tokens)) for j in range(len(tokens))]
    assert all(ub + 1e-6 >= token_similarity(a, b) for (a, b), ub in zip(pairs, bound, strict=True))
    shared = [(a, b, ub) for (a, b), ub in zip(pairs, bound, strict=True)
              if a != b and name_symbols(a) & name_symbols(b)]
    assert any(ub < SYMBOL for _, _, ub in shared)  # JOHN / IVAN: linked, not alike
    assert any(ub >= SYMBOL and token_similarity(a, b) >= SYMBOL for a, b, ub in shared)



_TOKEN = st.text(alphabet="AEIOUBDKLMNRSTY'-Ç", min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_TOKEN, _TOKEN), min_size=1, max_size=30))
def test_token_bounds_skip_the_exact_similarity_only_where_it_counts_for_nothing(pairs) -> None:
    """Where the letters and lengths leave an OSA similarity of at most FIRM / 2, the bound
    uses that ceiling instead of computing it (`_eff` makes both 0): never below the token
    similarity, whatever the letters (accents, apostrophes, hyphens count as other characters)."""
    from matchers.prefilter import _token_sims
    from matchers.similarity import token_similarity

    table = TokenTable()
    x = np.array([table.id(a) for a, _ in pairs])
    y = np.array([table.id(b) for _, b in pairs])
    bound = _token_sims(table, x, y)
    exact = np.array([token_similarity(a, b) for a, b in pairs])
    assert (bound + 1e-6 >= exact).all()

# letters romanisations trade (`names.loose_skeleton`): Arabic qaf, Cyrillic Х, PH/F/V/W, DH/D
_TRADED = {"G": ("Q", "K", "GH"), "Q": ("G", "K"), "K": ("Q", "KH", "CH"), "V": ("W", "F", "PH"), "W": ("V",),
           "F": ("PH", "V"), "D": ("DH",), "T": ("TH",), "S": ("Z",), "Z": ("S",)}


@st.composite
def _traded_pair(draw) -> tuple[str, str]:
    a = draw(st.text(alphabet="AEIOUYGQKVWFDTSZHLMNR", min_size=3, max_size=10))
    b = "".join(draw(st.sampled_from((c, *_TRADED[c]))) if c in _TRADED else c for c in a)
    return a, b


@settings(max_examples=150, deadline=None)
@given(st.lists(_traded_pair(), min_size=1, max_size=20))
@example([("GADDAFI", "QADHAFI"), ("STEPHEN", "STEVEN"), ("KHODORKOVSKY", "CHODORKOWSKI")])
def test_token_bounds_hold_where_romanisations_trade_consonants(pairs) -> None:
    """The loose skeleton's score (GADDAFI / QADHAFI 0.82, above their OSA similarity 0.71) is
    bounded too."""
    from matchers.prefilter import _token_sims
    from matchers.similarity import token_similarity

    table = TokenTable()
    x = np.array([table.id(a) for a, _ in pairs])
    y = np.array([table.id(b) for _, b in pairs])
    bound = _token_sims(table, x, y)
    assert [(a, b) for (a, b), ub in zip(pairs, bound, strict=True) if ub + 1e-6 < token_similarity(a, b)] == []


def test_a_name_only_the_loose_skeleton_joins_alerts_with_the_prefilter_too() -> None:
    t, e = pax("GADDAFI", None), person("Qadhafi")
    full = screen_against([t], [[e]], Settings(), now=NOW, prefilter=False)
    assert len(full) == 1 and screen_against([t], [[e]], Settings(), now=NOW) == full


_NUMBER = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=4, max_size=10)


@st.composite
def _number_pair(draw):
    a = draw(_NUMBER)
    how = draw(st.sampled_from(["random", "ocr", "swap", "edit", "two"]))
    b = list(a)
    if how == "random":
        return a, draw(_NUMBER)
    if how == "ocr":
        return a, a.translate(str.maketrans("0O1I5S8B", "O0I1S5B8"))
    i = draw(st.integers(0, len(a) - 2))
    if how == "swap":
        b[i], b[i + 1] = b[i + 1], b[i]
    else:
        for j in range(1 if how == "edit" else 2):
            b[(i + j) % len(b)] = draw(st.sampled_from("ABCXYZ0789"))
    return a, "".join(b)


@settings(max_examples=200, deadline=None)
@given(_number_pair())
def test_document_bound_is_never_below_the_document_similarity(numbers) -> None:
    a, b = numbers
    ra, rb = record_of(pax("X", "Y", doc=a)), record_of(person("X Y", docs=((b, "FRA"),)))
    table = TokenTable()
    (ub,) = _doc_bounds([shape_of(ra, table)], [shape_of(rb, table)])
    assert document_number_similarity(ra, rb).score <= ub + 1e-9


def test_screening_with_and_without_the_prefilter_gives_the_same_alerts(pairs) -> None:
    by_traveller: dict[str, tuple] = {}
    for t, e in pairs:
        by_traveller.setdefault(t.event_id, (t, []))[1].append(e)
    travellers = [t for t, _ in by_traveller.values()]
    cands = [c for _, c in by_traveller.values()]
    extra = [stolen("XK4093017", "FRA", id="s1")]
    travellers.append(pax("ROE", "RICHARD", doc="XK4O93O17", country="FRA"))
    cands.append(extra)
    s = Settings()
    full = screen_against(travellers, cands, s, now=NOW, prefilter=False)
    fast = screen_against(travellers, cands, s, now=NOW, cache=ScreenCache())
    assert len(full) > 50  # the planted variations alert
    assert [(a.alert_id, a.score, a.kind) for a in fast] == [(a.alert_id, a.score, a.kind) for a in full]


@pytest.mark.parametrize("threshold", [0.5, 0.7, 0.9])
def test_same_alerts_at_other_thresholds(pairs, threshold) -> None:
    subset = pairs[:3000]
    travellers = [t for t, _ in subset]
    cands = [[e] for _, e in subset]
    s = Settings(name_threshold=threshold, document_threshold=threshold)
    full = screen_against(travellers, cands, s, now=NOW, prefilter=False)
    fast = screen_against(travellers, cands, s, now=NOW)
    assert {(a.alert_id, a.score) for a in fast} == {(a.alert_id, a.score) for a in full}


# --- birth dates from the index, before any entry is read ---------------------------------------

_DATE_FORMS = st.one_of(
    st.tuples(st.integers(1930, 2010), st.integers(1, 12), st.integers(1, 28)).map(lambda d: "%04d-%02d-%02d" % d),
    st.tuples(st.integers(1930, 2010), st.integers(1, 12)).map(lambda d: "%04d-%02d" % d),
    st.integers(1930, 2010).map(str),
    st.sampled_from(["1975-01-01", "1957-06-15", "1975-06-15", "1979-06-15", "1975-15-06", ""]),
)


@settings(max_examples=600, deadline=None)
@given(st.lists(_DATE_FORMS, min_size=1, max_size=1), st.lists(_DATE_FORMS, max_size=3))
@example(["1975-12-28"], ["1978-01-02"])  # three years apart by the calendar, 736 days by the clock
@example(["1975-06-15"], ["1957-06-15"])  # the year's last two digits swapped
def test_dob_bound_is_never_below_the_birth_date_feature(t_dates, e_dates) -> None:
    a, b = record_of(pax("DOE", "JOHN", dob=t_dates[0] or None)), record_of(person("John Doe", dob=tuple(e_dates)))
    t = pack_dates([p for p in map(parse_date, a.birth_dates) if p])
    e = pack_dates([p for p in map(parse_date, b.birth_dates) if p])
    (bound,) = dob_bounds(np.array([t]), np.array([e]))
    real = dob_agreement(a, b).score
    assert real <= bound + 1e-9, (t_dates, e_dates)
    (score,) = dob_scores(np.array([t]), np.array([e]))
    assert real <= score <= bound + 1e-9, (t_dates, e_dates)
    if t > 0 and e > 0:  # one date on each side: exact
        assert score == pytest.approx(real), (t_dates, e_dates)


def _packed(y: int, m: int, d: int) -> int:
    return y * 10000 + m * 100 + d


_NEAR_DATES = st.tuples(st.integers(1900, 2030), st.integers(0, 12), st.integers(0, 31))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_NEAR_DATES, st.sampled_from(["random", "near", "swap", "slip", "same", "jan"]),
                          _NEAR_DATES), min_size=1, max_size=40))
@example([((1975, 2, 29), "random", (1975, 3, 1))])  # 29 February of no leap year: no days apart
@example([((2000, 2, 29), "random", (2001, 3, 1))])  # of a leap year: 366 days
@example([((1972, 6, 15), "random", (1982, 6, 15))])  # a decade apart, not a slip
@example([((1975, 1, 1), "random", (1975, 6, 15))])  # 1 January: by year
@example([((1900, 2, 29), "random", (1901, 3, 1))])  # 1900 was no leap year
@example([((1975, 6, 12), "random", (1975, 6, 21)), ((1975, 6, 15), "random", (1957, 6, 15))])  # digits swapped
def test_the_vectorised_birth_date_scores_are_the_features_own(pairs) -> None:
    from matchers.unread import _full_scores, _packed_pair

    t, e = [], []
    for (y, m, d), how, (y2, m2, d2) in pairs:
        other = {"random": (y2, m2, d2), "near": (y + y2 % 3 - 1, m2, d2), "swap": (y, d, m),
                 "slip": (y, m, d2 % 10 + d // 10 * 10), "same": (y, m, d), "jan": (y2, 1, 1)}[how]
        if m and d and other[1] <= 12 and other[2] <= 31 and (other[1] or not other[2]):
            t.append(_packed(y, m, d))
            e.append(_packed(*other))
    t_arr, e_arr = np.array(t, np.int64), np.array(e, np.int64)
    scores, done = _full_scores(t_arr, e_arr)
    for a, b, score, ok in zip(t, e, scores.tolist(), done.tolist(), strict=True):
        if ok:
            assert score == pytest.approx(_packed_pair(a, b)), (a, b)
    # and through dob_scores, which scores the rest one by one
    got = dob_scores(t_arr.astype(np.int32), e_arr.astype(np.int32))
    bounds = dob_bounds(t_arr, e_arr).tolist()
    assert got.tolist() == pytest.approx([_packed_pair(a, b) if bound >= 1 else bound
                                          for a, b, bound in zip(t, e, bounds, strict=True)])


def test_keyless_candidates_born_years_apart_cannot_alert() -> None:
    thresholds = thresholds_of(Settings())
    pairs = [("1975-04-02", "1975-04-02"), ("1975-04-02", "1976-04-02"), ("1975-04-02", "1961-08-30"),
             ("1975-04-02", "1957-04-02"), ("1975-04-02", "1990"), ("1975-04-02", ""), ("", "1950-01-01")]
    t = np.array([pack_dates([parse_date(x)] if x else []) for x, _ in pairs])
    e = np.array([pack_dates([parse_date(y)] if y else []) for _, y in pairs])
    ok = keyless_possible(thresholds, dob_bounds(t, e)).tolist()
    # exact, a year apart, decades apart, year digits swapped, another year alone, none, none
    assert ok == [True, True, False, True, False, True, True]
    # the same pairs can alert through a document key: the store never asks then
    assert keyless_possible({**thresholds, "name": 0.5}, dob_bounds(t, e)).all()


def test_the_exact_birth_date_score_drops_only_what_cannot_alert() -> None:
    from matchers.index import PostingIndex, Ranked
    from matchers.unread import bound_names

    thresholds = thresholds_of(Settings())
    t = pack_dates([parse_date("1975-06-15")])
    dates = {1: "1976-03-01", 2: "1978-06-01", 3: "1975-06-15", 4: "1976-06-15"}  # a year apart, three, same, slip
    eids = np.array(sorted(dates), np.uint64)
    index = PostingIndex.build(np.ones(len(eids), np.uint64), eids, 100,
                               (eids, np.array([pack_dates([parse_date(dates[int(e)])]) for e in eids], np.int32)))
    n = len(eids)
    ranked = Ranked(np.zeros(n, np.int64), np.zeros(n, np.int64), np.arange(n, dtype=np.uint64), np.ones(n, np.int64),
                    np.zeros(n, bool))
    scores = dob_scores(np.full(n, t), index.dobs)
    assert scores.tolist() == pytest.approx([0.25, 0.0, 1.0, 0.7])
    asked: list[int] = []

    def names(tables, trav, lst, ords):  # names agreeing in full: only the birth dates decide
        asked.extend(ords.tolist())
        return np.ones(len(ords))

    for tables in ([None], [object()]):
        kept = bound_names(ranked, tables, [index], np.array([t], np.int32), thresholds, names)
        # at the default thresholds a year apart can still alert with names agreeing in full
        assert keyless_possible(thresholds, [0.25], [1.0]).all() and not keyless_possible(thresholds, [0.0], [1.0]).all()
        assert sorted(kept.ords.tolist()) == [0, 2, 3]
    assert sorted(asked) == [0, 2, 3]  # the name bound is not asked for what the dates rule out


def test_glued_variants_are_bounded_only_where_align_may_glue() -> None:
    entry = record_of(person("Abdul Rahman Khan"))
    glue = glue_keys(entry)
    assert ("A", 11) in glue  # ABDUL + RAHMAN
    assert may_glue(glue, widen(token_keys(record_of(pax("KHAN", "ABDULRAHMAN")))))
    assert may_glue(glue, widen(token_keys(record_of(pax("KHAN", "ABDULRAHMANE")))))  # one letter more
    assert may_glue(widen(glue), token_keys(record_of(pax("KHAN", "ABDULRAHMANE"))))  # either way
    assert not may_glue(glue, widen(token_keys(record_of(pax("KHAN", "ABDUL")))))
    # the screener's shapes, chosen per pair, still bound every name similarity
    cache = ScreenCache()
    pairs = _pairs(60)
    for t, e in pairs:
        shapes = cache.traveller(t)
        e_rec, e_shape, e_keys = cache.entry(e, None, shapes.tokens_wide)
        (ub,) = _name_bounds(cache.tokens, [shapes.shape_against(e_keys)], [e_shape])
        assert name_similarity(shapes.rec, e_rec).score <= ub + MARGIN / 2, (t, e)


def test_entries_held_follow_a_compaction_of_the_token_table() -> None:
    """A compaction renumbers the lists' tokens and forgets the others (glued words): the
    entries held keep their records, their shapes take the new ids, and a glued shape that
    needed a forgotten word is made again, the same as a new cache makes it."""
    from matchers import token_props

    entries = [person("Abdul Rahman Khan"), person("Maria Garcia Lopez")]
    unglued = frozenset()  # a traveller against whom nothing glues: the shape without glued words

    def texts(cache: ScreenCache, shape) -> list[str]:
        return [cache.tokens.text[i] for i in shape.tokens.tolist()]

    fresh = ScreenCache()
    want = [(texts(fresh, fresh.entry(e, None, unglued)[1]), texts(fresh, fresh.entry(e, None, None)[1]))
            for e in entries]
    plain = sorted({t for base, _ in want for t in base})  # what a list's vocabulary holds
    assert all(set(full) - set(plain) for _, full in want)  # glued words, which no list tells of
    cache = ScreenCache()
    cache.tokens.know(dict(zip(plain, token_props.lines(plain), strict=True)))
    cache.tokens.id("TRAVELLERSOWN")  # a token no list tells of, first: the lists' ids move
    records = [cache.entry(e, None, None)[0] for e in entries]  # both shapes held
    before = cache.tokens.generation
    cache.tokens.compact()
    assert cache.tokens.generation != before and len(cache.tokens) == len(plain)
    for e, rec, (base, full) in zip(entries, records, want, strict=True):
        got_rec, got_base, _ = cache.entry(e, None, unglued)
        assert got_rec is rec and texts(cache, got_base) == base  # kept, renumbered
        assert texts(cache, cache.entry(e, None, None)[1]) == full  # made again: it needed a forgotten word
    cache.tokens.reset()  # not a compaction: the shapes are made again, from the entries
    assert cache.entry(entries[0], None, unglued)[0] is not records[0]
    assert texts(cache, cache.entry(entries[0], None, unglued)[1]) == want[0][0]


@pytest.mark.parametrize(
    ("surname", "given", "listed"),
    [
        ("SSCHROEDER", "GEORGIOS GEORGIOS", "Γεώργιος Γεώργιος Schröder"),  # a long token weighs at most 8
        ("MAKAROV", "SERGEI", "Sergei Mikhailovich Makarov"),  # an unpaired patronymic weighs a quarter
        ("IVANOVA", "OLGA", "Olga Petrovna Ivanova"),
    ],
)
def test_name_bound_holds_where_align_clamps_or_discounts_weights(surname, given, listed) -> None:
    a, b = record_of(pax(surname, given)), record_of(person(listed))
    table = TokenTable()
    (ub,) = _name_bounds(table, [shape_of(a, table, glued=False)], [shape_of(b, table, glued=False)])
    assert name_similarity(a, b).score <= ub + MARGIN / 2


# --- names from the index, before any entry is read ---------------------------------------------


@pytest.fixture(scope="module")
def loaded(redis_server, pairs):
    """The entries of `pairs` loaded as one list (a real redis-server), and its reader."""
    import redis

    client = redis.Redis(port=redis_server.port, db=2)
    client.flushdb()
    store = WatchlistStore(client, "idx", buckets=256)
    store.load(list({e.id: e for _, e in pairs}.values()), list_name="x")
    yield store
    client.flushdb()


def test_the_index_name_bound_is_at_most_the_prefilters_and_never_below_the_score(loaded, pairs) -> None:
    store = loaded
    act = store._read_active()["x"]
    index = store._indexes[act.tag]
    assert index.names is not None and store._names_usable(act)
    cache = ScreenCache()
    travellers = list({t.event_id: t for t, _ in pairs}.values())
    where = {t.event_id: i for i, t in enumerate(travellers)}
    shapes = [cache.traveller(t) for t in travellers]
    trav = np.array([where[t.event_id] for t, _ in pairs], np.int64)
    ords = np.searchsorted(index.eids, np.array([int.from_bytes(digest("e:" + e.id), "big") for _, e in pairs], np.uint64))
    got = IndexNameBound(cache.tokens, shapes.__getitem__)([index.names], trav, np.zeros(len(pairs), np.int64), ords)
    glued = said = 0
    for (t, e), ti, ub_index in zip(pairs, trav.tolist(), got.tolist(), strict=True):
        s = shapes[ti]
        e_rec, e_shape, e_keys = cache.entry(e, None, s.tokens_wide)
        assert name_similarity(s.rec, e_rec).score <= ub_index + MARGIN / 2, (t, e)
        (ub,) = _name_bounds(cache.tokens, [s.shape_against(e_keys)], [e_shape])
        if s.rec.names and e_rec.names:
            # the bound reachable computes, or below it: the index leaves out the glued words
            # `align` could not try against this traveller
            assert ub_index <= ub + 1e-9, (t, e)
            said += ub < 1
            glued += may_glue(glue_keys(e_rec), s.tokens_wide) or may_glue(s.glue_wide, token_keys(e_rec))
        else:
            assert ub_index == 1.0
    assert said > 0.6 * len(pairs)  # most pairs are bounded before reading
    assert glued > 0.05 * len(pairs)  # pairs `align` may glue among them


def test_glued_variants_made_from_a_stored_layout_are_those_of_the_names() -> None:
    from matchers.prefilter import glued_layout, name_layout

    def variants(layout) -> set[tuple[str, ...]]:
        tokens, var_pos, var_len = layout
        out, at = set(), 0
        for n in var_len:
            out.add(tuple(tokens[p] for p in var_pos[at : at + n]))
            at += n
        return out

    names = [e for e in bd.person_chunk(3, 0, 400)] + [person(n) for n in (
        "Abdul Rahman Al Hassan", "Abdulrahman Al-Hassan", "Maria de la Cruz Lopez", "Ng Ah Kow", "Jean Jacques")]
    def glued(forms, allowed=lambda word: True) -> set[tuple[str, ...]]:
        """Each variant with two adjacent tokens glued into one word (`align`'s)."""
        return {v[:i] + (v[i] + v[i + 1],) + v[i + 2 :] for n in forms for v in n.variants
                for i in range(len(v) - 1) if allowed(v[i] + v[i + 1])}

    # against another name: only the glued words `align` could try against its tokens
    against = widen(frozenset({("A", 11), ("J", 12), ("N", 5)}))
    for e in names:
        forms = record_of(e).names
        base = name_layout(forms, glued=False)
        unglued = {v for n in forms for v in n.variants if v}
        assert variants(base) == unglued, e.names
        full = unglued | glued(forms)
        assert variants(glued_layout(*base)) == variants(name_layout(forms)) == full, e.names
        kept = variants(glued_layout(*base, against))
        assert kept == unglued | glued(forms, lambda w: (w[:1], len(w)) in against), e.names


def test_both_shapes_at_once_are_those_made_one_at_a_time() -> None:
    from matchers.prefilter import shapes_of

    def variants(shape, table) -> set[tuple[str, ...]]:
        out, at = set(), 0
        for n in shape.var_len.tolist():
            out.add(tuple(table.text[t] for t in shape.tokens[shape.var_pos[at : at + n]].tolist()))
            at += n
        return out

    table = TokenTable()
    records = [record_of(e) for e in bd.person_chunk(5, 0, 300)] + [record_of(person(n)) for n in (
        "Abdul Rahman Al Hassan", "Madonna", "Ng Ah Kow")] + [record_of(pax("DOE", "JOHN", doc="P1234567"))]
    for rec in records:
        base, make_full = shapes_of(rec, table)
        for got, glued in ((base, False), (make_full(), True)):
            want = shape_of(rec, table, glued=glued)
            assert variants(got, table) == variants(want, table)
            assert np.array_equal(got.docs, want.docs)
            assert (got.has_names, got.too_long) == (want.has_names, want.too_long)


def test_screening_through_redis_with_and_without_the_index_bounds_gives_the_same_alerts(loaded, pairs) -> None:
    travellers = list({t.event_id: t for t, _ in pairs}.values())
    s = Settings(max_candidates=100_000)  # no limit binds: both see every candidate
    fast = Screener(loaded, s, warm=False).screen(travellers, now=NOW)
    full = Screener(loaded, s, warm=False, prefilter=False).screen(travellers, now=NOW)
    assert len(full) > 50
    assert [(a.alert_id, a.score, a.kind) for a in fast] == [(a.alert_id, a.score, a.kind) for a in full]
