from __future__ import annotations

import pytest

from matchers import memo
from matchers.memo import make


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
