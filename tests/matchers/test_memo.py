from __future__ import annotations

import gc

import pytest

from matchers import memo
from matchers.memo import Generations, make


@pytest.fixture
def token_bound():
    """Restore the token family's bound after a test changes it."""
    saved = memo.FAMILIES["token"]
    yield
    memo.bound("token", saved)


def test_a_memo_gives_the_functions_values_and_calls_it_once_per_argument() -> None:
    calls: list[tuple] = []

    def f(a: str, b: int = 0) -> str:
        calls.append((a, b))
        return a * (b + 1)

    m = make(f, "token")
    assert [m("x", 0), m("x", 0), m("y", 2), m("y", 2), m("y", 1)] == ["x", "x", "yyy", "yyy", "yy"]
    assert calls == [("x", 0), ("y", 2), ("y", 1)]
    assert m.get(("x", 0)) == "x" and m.get(("y", 2)) == "yyy" and m.get("z") is None
    assert m.__wrapped__ is f and m.__name__ == "f"
    one = make(str.upper, "token")
    assert [one("a"), one("a")] == ["A", "A"] and one.size() == 1 and one.get("a") == "A"
    with pytest.raises(TypeError):
        one(["unhashable"])


def test_a_memo_holds_at_most_its_bound_and_keeps_what_is_in_use(token_bound) -> None:
    memo.bound("token", 100)
    calls: list[str] = []

    def upper(s: str) -> str:
        calls.append(s)
        return s.upper()

    m = memo.memo("token")(upper)
    for i in range(1000):
        m(f"t{i}")
        m("hot")  # asked all along: it survives every turn
        assert m.size() <= 100
    assert calls.count("hot") == 1
    assert m.size() >= 50  # it does not start from nothing at each turn
    assert m.get("t0") is None and m.get("t999") == "T999"


def test_bound_applies_to_the_family_now_and_is_checked(token_bound) -> None:
    names_memo = memo.memo("name")(str.lower)
    tokens_memo = memo.memo("token")(str.lower)
    for i in range(300):
        names_memo(f"N{i}")
        tokens_memo(f"T{i}")
    memo.bound("token", 10)
    assert tokens_memo.size() <= 10 and names_memo.size() == 300
    held = memo.sizes()
    assert held["token"] >= tokens_memo.size() and held["name"] >= 300
    with pytest.raises(ValueError, match="at least 2"):
        memo.bound("token", 1)
    with pytest.raises(ValueError, match="'tokens'"):
        memo.bound("tokens", 10)
    with pytest.raises(ValueError, match="'person'"):
        memo.memo("person")


def test_the_screener_bounds_the_memos_of_names_from_its_settings(token_bound) -> None:
    import redis

    from matchers import names
    from matchers.screening import Screener
    from matchers.store import WatchlistStore
    from paxscreen.settings import Settings

    saved = memo.FAMILIES["name"]
    try:
        Screener(WatchlistStore(redis.Redis(port=1)), Settings(cache_tokens=1000, cache_entries=8000), warm=False)
        assert memo.FAMILIES == {"token": 1000, "name": 2000}
        for i in range(3000):
            names.skeleton(f"TOKEN{i}X")
            names.parse_parts(f"SURNAME{i}", "JOHN")
        assert names.skeleton.size() <= 1000 and names.parse_parts.size() <= 2000
    finally:
        memo.bound("name", saved)


def test_a_function_whose_value_is_none_is_called_once_per_argument(token_bound) -> None:
    calls: list[str] = []
    memo.FAMILIES["token"] = 4  # two generations of two

    def f(a: str) -> None:
        calls.append(a)

    m = make(f, "token")
    for a in ("a", "b", "c", "a", "b", "c", "a"):  # each hit in turn from the old generation
        m(a)
    assert calls == ["a", "b", "c"] and m.size() == 3


def test_generations_move_hits_up_and_drop_the_old_whole() -> None:
    g = memo.Generations(4)
    for k in "abc":
        g.put(k, None if k == "a" else k.upper())
    assert g.get("a", "absent") is None and g.get("z", "absent") == "absent"  # None is a value
    assert g.get("b") == "B" and len(g) == 3  # young ["b"], old ["c", "a"]
    g.put("d", "D")
    g.put("e", "E")  # the young one was full: it is now the old one, and "c" and "a" are gone
    assert g.get("c") is None and g.get("a", "absent") == "absent" and len(g) == 3
    assert [g.get(k) for k in "bde"] == ["B", "D", "E"]
    g.resize(2)
    assert len(g) == 0 and g.half == 1


def test_a_generations_dict_stays_tracked_by_the_cyclic_collector() -> None:
    """A full collection stops tracking a dict of untracked keys and values (strings, tuples
    of them), and its next value tracks it again in the youngest generation, where every
    collection walks it: a worker that freezes what survives (`streams.app.Survivors`) would
    walk its memos at every collection. Pinned, the dicts stay tracked, so stay frozen."""
    g = Generations(8)
    for i in range(6):  # one turn: both generations hold values
        g.put(f"k{i}", (f"v{i}",))
    gc.collect()
    assert gc.is_tracked(g.young) and gc.is_tracked(g.old)
    assert len(g) == 6 and g.get("k0") == ("v0",) and g.get("nope") is None
