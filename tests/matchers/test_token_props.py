"""Token properties computed at load and stored with a version's vocabulary (matchers.token_props)."""

from __future__ import annotations

import numpy as np
import pytest
from matcher_factories import pax, person

from matchers import token_props
from matchers.names import loose_skeleton, name_symbols, parse_name
from matchers.prefilter import name_layout
from matchers.token_props import TokenTable
from matchers.store import WatchlistStore

ODD = ["MULLER", "MUELLER", "O", "AL", "XQZW", "ABDULRAHMAN", "KHADIDJAH", "FATIMAH", "MAMADOU", "MOHAMMED", "DE",
       "VANDENBROECK", "IVANOVICH", "MAMEDOGLU", "JO", "A1B2"]


def _tokens() -> list[str]:
    from paxscreen import bench_data as bd

    bench = {t for e in bd.person_chunk(3, 0, 1500) for n in e.names for t in name_layout([parse_name(n)])[0]}
    return sorted(bench) + ODD


def test_a_token_table_given_the_stored_properties_holds_what_it_computes() -> None:
    tokens = _tokens()
    lines = token_props.lines(tokens)
    assert all(line.count("\t") == 3 and "\n" not in line for line in lines)
    plain, told = TokenTable(), TokenTable()
    told.know(dict(zip(tokens, lines, strict=True)))
    order = tokens[::-1] + ["NOTLISTED", "ZZ"]  # another order, and tokens it was not told
    for t in order:
        plain.id(t)
        told.id(t)
    # told tokens need no symbols asked
    assert np.flatnonzero(told.symbol_columns()[1]).tolist() == [told.ids["NOTLISTED"]]
    for a, b in zip(plain.arrays(), told.arrays(), strict=True):
        assert a.tolist() == b.tolist()
    assert plain.has_symbols().tolist() == told.has_symbols().tolist()
    assert plain.symbols() == told.symbols()
    assert any(told.symbols()) and not all(told.symbols())
    # so are the loose skeletons, which the told table holds before any is asked for
    everything = np.arange(len(told))
    (a, a_ok), (b, b_ok) = told.loose_ids(everything), plain.loose_ids(everything)
    assert a.all() and a_ok.tolist() == b_ok.tolist()
    assert (a[:, None] == a[None, :]).tolist() == (b[:, None] == b[None, :]).tolist()  # equal where equal
    assert told.loose_firsts(everything).tolist() == plain.loose_firsts(everything).tolist()
    assert [told.symbols()[told.ids[t]] for t in order] == [name_symbols(t) if len(t) >= 3 else frozenset()
                                                            for t in order]


def test_what_a_token_table_is_told_serves_the_features_memos_too(monkeypatch) -> None:
    from matchers import names
    from matchers.memo import make

    monkeypatch.setattr(names, "_SYMBOLS", make(None, "token"))
    canon, skel, _, loose = token_props.parse(token_props.lines(["ZAHORELEK"])[0])
    table = TokenTable()
    table.know({"ZAHORELEK": f"{canon}\t{skel}\tQ42\t{loose}"})
    table.id("ZAHORELEK")
    assert names.name_symbols("ZAHORELEK") == frozenset({"Q42"})  # from the table, not rigour


def test_a_token_table_forgets_what_it_was_told_when_it_starts_over(monkeypatch) -> None:
    from matchers import names
    from matchers.memo import make

    monkeypatch.setattr(names, "_SYMBOLS", make(None, "token"))  # told values reach the memos
    table = TokenTable()
    table.know({"JOHN": "JOHN\tJNX\t\tJN:O"})  # a deliberately wrong skeleton and no symbols
    try:
        v = table.id("JOHN")
        assert table.symbols()[v] == frozenset() and not table.has_symbols()[v]
        names.skeleton.clear()
        names._SYMBOLS.clear()
        table.reset()
        v = table.id("JOHN")
        assert table.symbols()[v] == name_symbols("JOHN") != frozenset()
    finally:
        names.skeleton.clear()


def _same_properties(a: TokenTable, b: TokenTable, tokens: list[str]) -> None:
    """``a`` and ``b`` hold alike properties for ``tokens`` (ids into each; spellings' ids
    compared by which tokens share them)."""
    ia, ib = np.array([a.ids[t] for t in tokens]), np.array([b.ids[t] for t in tokens])
    for k, (x, y) in enumerate(zip(a.arrays(), b.arrays(), strict=True)):
        x, y = x[ia], y[ib]
        if k in (2, 3):  # canonical spelling and skeleton: ids, equal where equal
            assert ((x[:, None] == x[None, :]) == (y[:, None] == y[None, :])).all()
        else:  # length, first letter, skeleton usable
            assert x.tolist() == y.tolist()
    (la, oka), (lb, okb) = a.loose_ids(ia), b.loose_ids(ib)
    assert ((la[ia][:, None] == la[ia][None, :]) == (lb[ib][:, None] == lb[ib][None, :])).all()
    assert oka[ia].tolist() == okb[ib].tolist()
    assert a.letter_masks()[ia].tolist() == b.letter_masks()[ib].tolist()
    assert a.skeleton_firsts()[ia].tolist() == b.skeleton_firsts()[ib].tolist()
    assert [a.symbols()[v] for v in ia] == [b.symbols()[v] for v in ib]


def test_a_compacted_token_table_keeps_what_the_lists_told_of_it() -> None:
    tokens = list(dict.fromkeys(_tokens()))
    told = dict(zip(tokens[::2], token_props.lines(tokens[::2]), strict=True))
    table = TokenTable()
    table.know(told)
    for i, t in enumerate(tokens[::-1]):
        table.id(t)
        if i == len(tokens) // 2:  # the others' loose skeletons too (asked for), whose ids then go
            table.loose_ids(np.arange(len(table)))
    before = {t: table.ids[t] for t in tokens}
    assert table.listed == len(told) < len(table)
    table.compact()
    generation, moved = table.moved
    assert generation == table.generation - 1 and len(table) == table.listed == len(told)
    assert set(table.ids) == set(told) and table.text == [t for t in tokens[::-1] if t in told]  # in order
    assert all(moved[before[t]] == (table.ids[t] if t in told else -1) for t in tokens)
    # what it kept is what a table given those tokens alone holds, and so are the tokens it meets next
    fresh = TokenTable()
    fresh.know(told)
    for t in table.text + tokens:
        fresh.id(t)
        table.id(t)
    pending = np.flatnonzero(table.symbol_columns()[1]).tolist()
    assert pending == sorted(table.ids[t] for t in tokens[1::2] if len(t) >= 3)  # the others' are known
    _same_properties(table, fresh, tokens)
    # the lists tell it again after a compaction (`NameTable.attach`); one that does not (a
    # former version) has its tokens go at the next
    table.know(told)
    table.compact()
    assert len(table) == len(told)
    table.compact()
    assert len(table) == table.listed == 0 and not table._known


def test_parse_reads_lines_back() -> None:
    (line,) = token_props.lines(["MOHAMMED"])
    canon, skel, symbols, loose = token_props.parse(line)
    assert (canon, symbols) == ("MOHAMMED", name_symbols("MOHAMMED")) and skel
    assert loose == loose_skeleton("MOHAMMED")
    assert token_props.parse("AL\tAL\t\t:A") == ("AL", "AL", frozenset(), ":A")


def _people() -> list:
    return [person("Mohamed Ould Diallo", dob="1975-04-02", id="a"), person("Ivan Petrovich Shevchenko", id="b"),
            person("Abdul Rahman Al-Saud", dob="1961-08-30", id="c"), person("Fatou Ndiaye", dob="1990", id="d")]


def test_a_load_stores_the_vocabularys_properties_and_readers_use_only_their_own(redis_client, prefix,
                                                                                monkeypatch) -> None:
    from matchers import store as store_module

    store = WatchlistStore(redis_client, prefix, buckets=64)
    store.load(_people())
    (act,) = store._read_active().values()
    assert act.meta["token_props"] == token_props.fingerprint()
    reader = WatchlistStore(redis_client, prefix, buckets=64)
    reader.lookup([pax("DIALLO", "MOHAMED")], limit=5)
    names = reader._indexes[act.tag].names
    assert names.props == token_props.lines(names.vocab) and len(names.vocab) > 5
    # a reader computing other properties (other code or rigour data) does not read them
    monkeypatch.setattr(store_module.token_props, "fingerprint", lambda: "another")
    other = WatchlistStore(redis_client, prefix, buckets=64)
    other.lookup([pax("DIALLO", "MOHAMED")], limit=5)
    assert other._indexes[act.tag].names.props is None and other._indexes[act.tag].names.vocab == names.vocab


@pytest.mark.parametrize("told", [True, False])
def test_screening_with_the_stored_properties_alerts_as_without(redis_client, prefix, told: bool) -> None:
    from matchers.screening import Screener
    from paxscreen.settings import Settings

    store = WatchlistStore(redis_client, prefix, buckets=64)
    store.load(_people())
    travellers = [pax("DIALLO", "MOHAMED OULD", dob="1975-04-02"), pax("SHEVCHENKO", "IVAN", dob="1980-01-01"),
                  pax("ALSAUD", "ABDULRAHMAN", dob="1961-08-30"), pax("NDIAYE", "FATOU", dob="1990-05-05"),
                  pax("SMITH", "JOHN", dob="1970-01-01")]
    store.lookup(travellers[:1], limit=5)  # reads the index
    for index in store._indexes.values():
        if not told and index.names is not None:
            index.names.props = None
    screener = Screener(store, Settings(), warm=False)
    got = sorted((a.traveller_event_id, a.entry_id, round(a.score, 6)) for a in screener.screen(travellers))
    table = screener.cache.tokens
    assert bool(table._known) == told
    assert len({e for _, e, _ in got}) >= 3
    plain = Screener(WatchlistStore(redis_client, prefix, buckets=64), Settings(), warm=False, prefilter=False)
    assert got == sorted((a.traveller_event_id, a.entry_id, round(a.score, 6)) for a in plain.screen(travellers))
    assert np.all(table.has_symbols()[[table.ids[t] for t in ("MOHAMED", "IVAN")]])


def test_symbols_are_asked_only_for_the_tokens_given() -> None:
    table = TokenTable()
    ids = [table.id(t) for t in ("MOHAMMED", "FATIMAH", "XQZWVB", "AL")]
    has, pending = table.symbol_columns()
    assert pending.tolist() == [True, True, True, False]  # "AL": too short to ask
    got = table.symbols_of(np.array([ids[0], ids[0]]))
    assert got[ids[0]] == name_symbols("MOHAMMED") and got[ids[1]] is None
    assert table.symbol_columns()[1].tolist() == [False, True, True, False]
    assert table.symbol_columns()[0][ids[0]] == bool(name_symbols("MOHAMMED"))
    assert table.symbols() == [name_symbols(t) if len(t) >= 3 else frozenset()
                               for t in ("MOHAMMED", "FATIMAH", "XQZWVB", "AL")]
    assert not table.symbol_columns()[1].any()
