from __future__ import annotations

import pytest

from matchers import memo
from matchers.memo import Memo


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

    m = Memo(f, "token")
    assert [m("x"), m("x"), m("y", 2), m("y", 2), m("y", 1)] == ["x", "x", "yyy", "yyy", "yy"]
    assert calls == [("x", 0), ("y", 2), ("y", 1)]
    assert m.get("x") == "x" and m.get(("y", 2)) == "yyy" and m.get("z") is None
    assert m.__wrapped__ is f and m.__name__ == "f"


def test_a_memo_holds_at_most_its_bound_and_keeps_what_is_in_use(token_bound) -> None:
    memo.bound("token", 100)
    m = Memo(str.upper, "token")
    for i in range(1000):
        m(f"t{i}")
        m("hot")  # asked all along: it survives every turn
        assert len(m) <= 100
    assert "hot" in m.young or "hot" in m.old
    assert len(m) >= 50  # it does not start from nothing at each turn
    assert m.get("t0") is None and m.get("t999") == "T999"


def test_bound_applies_to_the_family_now_and_is_checked(token_bound) -> None:
    names_memo = memo.memo("name")(str.lower)
    tokens_memo = memo.memo("token")(str.lower)
    for i in range(300):
        names_memo(f"N{i}")
        tokens_memo(f"T{i}")
    memo.bound("token", 10)
    assert len(tokens_memo) <= 10 and len(names_memo) == 300
    held = memo.sizes()
    assert held["token"] >= len(tokens_memo) and held["name"] >= 300
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
        assert len(names.skeleton) <= 1000 and len(names.parse_parts) <= 2000
    finally:
        memo.bound("name", saved)
