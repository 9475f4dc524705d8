"""The posting index reads a name key only in the years a traveller's birth date leaves possible:
the candidates must be exactly those of a full read, at any thresholds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from matchers.index import PostingIndex, _bisect, rank, year_codes
from matchers.prefilter import thresholds_of
from matchers.unread import dob_bounds, dob_filter, dob_windows, keyless_possible
from paxscreen.settings import Settings

THRESHOLDS = thresholds_of(Settings())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 9), max_size=40).map(sorted), min_size=1, max_size=8),
       st.lists(st.integers(-1, 11), min_size=8, max_size=8))
def test_bisect_finds_in_every_run_what_searchsorted_finds(runs, targets) -> None:
    codes = np.array([c for r in runs for c in r], np.uint8)
    hi = np.cumsum([len(r) for r in runs]).astype(np.int64)
    lo = hi - [len(r) for r in runs]
    target = np.array(targets[: len(runs)], np.int16)
    got = _bisect(codes, lo, hi, target)
    want = [lo[i] + np.searchsorted(np.array(r, np.int16), target[i]) for i, r in enumerate(runs)]
    assert got.tolist() == want


def _packed(year: int, month: int = 0, day: int = 0) -> int:
    return year * 10000 + month * 100 + (day if month else 0)


_ENTRY_DATES = st.one_of(
    st.just(0), st.just(-1),  # none, several
    st.builds(_packed, st.integers(1850, 2200)),
    st.builds(_packed, st.integers(1890, 2160), st.integers(1, 12), st.integers(1, 28)),
)
_TRAVELLER_DATES = st.one_of(
    st.just(0),
    st.builds(_packed, st.integers(1890, 2160)),
    st.builds(_packed, st.integers(1890, 2160), st.integers(1, 12), st.integers(0, 28)),
)


@settings(max_examples=400, deadline=None)
@given(_TRAVELLER_DATES, st.lists(_ENTRY_DATES, min_size=1, max_size=30), st.sampled_from([0.3, 0.5, 0.8]))
@example(19750615, [19570615, 19710615, 19780615, 19700101], 0.8)  # digits swapped, a slip in the decade, close
@example(19991231, [19191231, 20001231, 19901231], 0.8)  # a slip across the century stays apart
def test_every_entry_the_birth_date_filter_keeps_is_inside_the_travellers_window(t, entries, name) -> None:
    thresholds = {**THRESHOLDS, "name": name}
    windows = dob_windows(np.array([t], np.int32), thresholds)
    e = np.array(entries, np.int32)
    kept = keyless_possible(thresholds, dob_bounds(np.full(len(e), t, np.int32), e))
    if windows is None or windows.lo[0] == 0:
        return  # every year is read
    code = year_codes(e).astype(np.int16)
    inside = (code == 0) | ((code >= windows.lo[0]) & (code <= windows.hi[0])) | (code == windows.swap[0])
    assert not (kept & ~inside).any(), (t, e[kept & ~inside])


def _dates(rng: np.random.Generator, n: int, undated: tuple[int, ...]) -> np.ndarray:
    """Packed birth dates drawn so that swaps, slips and clipped years are frequent: years of
    two decades (and some far outside 1900..2154), one of two days or none."""
    years = np.where(rng.random(n) < 0.9, rng.integers(1958, 1982, n), rng.choice([1850, 1899, 2160, 2200], n))
    days = rng.choice([0, 615, 101], n)
    kinds = rng.integers(0, len(undated) + 3, n)
    return np.where(kinds < len(undated), np.array(undated + (0,))[np.minimum(kinds, len(undated))],
                    years * 10000 + days).astype(np.int32)


def _random_index(rng: np.random.Generator, n_entries: int, n_keys: int) -> PostingIndex:
    keys = rng.integers(1, 1 + n_keys, 6 * n_entries).astype(np.uint64)
    owners = rng.integers(1, 1 + n_entries, 6 * n_entries).astype(np.uint64) * np.uint64(7919)
    eids = np.unique(owners)
    return PostingIndex.build(keys, owners, cap=10_000, dates=(eids, _dates(rng, len(eids), (0, -1))))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([0.3, 0.5, 0.8, 0.95]), st.sampled_from([-1, 3, 20]))
def test_ranking_with_year_windows_finds_the_candidates_a_full_read_finds(seed, name, limit) -> None:
    rng = np.random.default_rng(seed)
    indexes = [_random_index(rng, 300, 40), _random_index(rng, 80, 25)]
    assert all(ix.years is not None for ix in indexes)
    n = 40
    queries = [(rng.choice(np.arange(1, 41, dtype=np.uint64), rng.integers(0, 6), replace=False),
                rng.choice(np.arange(1, 41, dtype=np.uint64), rng.integers(0, 2), replace=False)) for _ in range(n)]
    t_dobs = _dates(rng, n, (0,))
    thresholds = {**THRESHOLDS, "name": name}
    possible = dob_filter(indexes, t_dobs, thresholds)
    full = rank(indexes, queries, limit, possible)
    cut = rank(indexes, queries, limit, possible, dob_windows(t_dobs, thresholds))

    def rows(r, shared: bool) -> list[tuple]:
        return sorted(zip(r.trav.tolist(), r.lst.tolist(), r.ords.tolist(), r.hit.tolist(),
                          (r.shared if shared else r.hit).tolist()))

    assert rows(cut, False) == rows(full, False)  # the same candidates, in the same places
    assert [x for x in rows(cut, True) if not x[3]] == [x for x in rows(full, True) if not x[3]]


def test_an_index_whose_postings_are_not_ordered_by_year_is_read_whole() -> None:
    index = PostingIndex.build(np.array([5, 5, 5], np.uint64), np.array([1, 2, 3], np.uint64), 10,
                               (np.array([1, 2, 3], np.uint64), np.array([19100101, 0, 19750402], np.int32)))
    assert index.posts.tolist() == [1, 0, 2]  # undated first, then by year
    older = PostingIndex.from_chunks(index.to_chunks())  # a version written before: no order known
    assert older.years is None
    t_dobs = np.array([19750402], np.int32)
    windows = dob_windows(t_dobs, THRESHOLDS)
    queries = [(np.array([5], np.uint64), np.zeros(0, np.uint64))]
    assert sorted(rank([older], queries, -1, windows=windows).ords.tolist()) == [0, 1, 2]
    assert sorted(rank([index], queries, -1, windows=windows).ords.tolist()) == [1, 2]
    reread = PostingIndex.from_chunks(index.to_chunks(), by_year=True)
    assert reread.years.tolist() == index.years.tolist()


@pytest.mark.parametrize("name", [0.0, 0.2])
def test_no_window_where_years_apart_never_rule_a_candidate_out(name) -> None:
    # with a name threshold this low, even namesakes born two centuries apart could alert
    assert dob_windows(np.array([19750402], np.int32), {**THRESHOLDS, "name": name}) is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 2), st.integers(0, 50), st.integers(1, 9),
                          st.booleans()),
                max_size=300, unique_by=lambda c: c[:3]),
       st.integers(0, 12))
def test_each_travellers_most_shared_are_those_the_sort_puts_first(cands, limit: int) -> None:
    """`_most_shared` keeps of each traveller the ``limit`` candidates found through name
    keys only that a sort by (most shared keys, list, ordinal) puts first, and no hit."""
    from matchers.index import _most_shared

    cands = sorted(cands)
    trav = np.array([c[0] for c in cands], np.int64)
    shared = np.array([c[3] for c in cands], np.int64)
    hit = np.array([c[4] for c in cands], bool)
    want = set()
    for t in set(trav.tolist()):
        mine = sorted((-c[3], c[1], c[2], i) for i, c in enumerate(cands) if c[0] == t and not c[4])
        want |= {i for *_, i in mine[:limit]}
    assert set(np.flatnonzero(_most_shared(trav, shared, hit, limit)).tolist()) == want


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 2), st.integers(0, 50), st.integers(1, 40), st.booleans()),
                max_size=300, unique_by=lambda c: c[:3]),
       st.sampled_from([0, 1 << 56]))
def test_the_rank_order_is_the_five_key_sort_it_packs(cands, offset: int) -> None:
    """`_rank_order` (one sort of a packed word) orders candidates as np.lexsort over
    (traveller, not hit, fewer shared keys, list, ordinal) does; with travellers too large to
    pack (offset), through its fallback."""
    from matchers.index import _rank_order

    cands = sorted(cands)  # as the ranking holds them: by (traveller, list, ordinal)
    trav = np.array([c[0] + offset for c in cands], np.int64)
    lst = np.array([c[1] for c in cands], np.int64)
    ords = np.array([c[2] for c in cands], np.uint64)
    shared = np.array([c[3] for c in cands], np.int64)
    hit = np.array([c[4] for c in cands], bool)
    expected = np.lexsort((ords, lst, -shared, ~hit, trav))
    assert _rank_order(trav, shared, hit).tolist() == expected.tolist()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0, 5, 2**63 - 1, 2**63, 2**64 - 1]) | st.integers(0, 2**64 - 1),
                          st.integers(0, 255), st.sampled_from([0, 1, 2**24 - 1]) | st.integers(0, 2**25)),
                max_size=60))
def test_postings_sorted_in_two_halves_are_sorted_as_one(rows) -> None:
    """In halves or whole, packed or by `np.lexsort` (ordinals from 2**24), rows come out
    as `np.lexsort` puts them (rows equal in all three may swap: they are the same)."""
    from matchers.index import _posting_order

    keys = np.array([k for k, _, _ in rows] + [2**63, 2**63 - 1], np.uint64)  # both halves, at their edge
    years = np.array([y for _, y, _ in rows] + [1, 1], np.uint8)
    ords = np.array([o for _, _, o in rows] + [0, 0], np.int64)
    expected = np.lexsort((ords, years, keys))
    for threads_from in (0, 10**9):
        got = _posting_order(keys, years, ords, threads_from=threads_from)
        assert sorted(got.tolist()) == list(range(len(keys)))
        for column in (keys, years, ords):
            assert np.array_equal(column[got], column[expected])


def test_an_index_built_from_interleaved_entries_is_the_one_built_from_grouped_ones() -> None:
    """The build finds distinct entries from runs of pairs; entries whose pairs come apart
    (not as the store writes them) give the same index."""
    rng = np.random.default_rng(3)
    entries = rng.integers(0, 2**63, 40, dtype=np.uint64)
    entry_d = np.repeat(entries, 6)
    key_d = rng.integers(0, 30, len(entry_d)).astype(np.uint64)
    dates = (entries[:20], rng.integers(19400101, 20001231, 20).astype(np.int32))
    grouped = PostingIndex.build(key_d, entry_d, 50, dates)
    mixed = rng.permutation(len(entry_d))
    shuffled = PostingIndex.build(key_d[mixed], entry_d[mixed], 50, dates)
    for name in ("keys", "starts", "posts", "eids", "dobs", "years"):
        assert np.array_equal(getattr(grouped, name), getattr(shuffled, name)), name
