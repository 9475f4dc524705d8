"""How the worker keeps the cyclic collector's pauses short (`streams.app.Survivors`)."""

from __future__ import annotations

import gc
import weakref

import pytest

from streams.app import Survivors


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


@pytest.fixture
def clock(monkeypatch):
    now = [100.0]
    monkeypatch.setattr("streams.app.time.monotonic", lambda: now[0])
    yield now
    gc.unfreeze()


def test_garbage_is_collected_then_what_survived_is_frozen(clock) -> None:
    kept, dropped = _Node(), _Node()
    gone = weakref.ref(dropped)
    del dropped
    Survivors().settle()
    assert gone() is None  # collected first: a cycle frozen while garbage would never be freed
    assert gc.is_tracked(kept) and gc.get_freeze_count() > 0
    assert not any(o is kept for o in gc.get_objects())  # frozen: no collection scans it again


def test_survivors_are_frozen_after_the_first_batch_then_at_most_every_interval(clock) -> None:
    s = Survivors()
    s.settle()
    later = _Node()
    clock[0] += s.EVERY / 2
    s.settle()
    assert any(o is later for o in gc.get_objects())  # not yet
    clock[0] += s.EVERY / 2
    s.settle()
    assert not any(o is later for o in gc.get_objects())
