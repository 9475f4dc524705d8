"""Rules in Redis (a real redis-server): versions by content, atomic switch, worker reload."""

from __future__ import annotations

import pytest
from rule_factories import STARTER, rules_doc

from matchers.rules_store import RulesRuntime, RulesStore
from paxscreen.errors import InvalidRecord

V1 = rules_doc("{id: a, field: paid_cash, op: 'true', weight: 2}")
V2 = rules_doc("{id: a, field: paid_cash, op: 'true', weight: 2}", threshold=2)


def test_load_switch_and_history(redis_client, prefix) -> None:
    store = RulesStore(redis_client, prefix)
    assert store.active() is None and store.status() == {"active": None, "history": []}
    r1, changed = store.load(V1, source="v1.yaml")
    assert changed and store.active_version() == r1.version and store.active() == r1
    again, changed = store.load(V1, source="v1-copy.yaml")
    assert not changed and again.version == r1.version  # same content: same version, nothing written
    r2, changed = store.load(V2, source="v2.yaml")
    assert changed and r2.version != r1.version
    st = store.status()
    assert st["active"]["version"] == r2.version and st["active"]["previous"] == r1.version
    assert [h["version"] for h in st["history"]] == [r2.version, r1.version]
    assert store.text(r1.version) == V1  # every version stays readable


def test_invalid_rules_write_nothing(redis_client, prefix) -> None:
    store = RulesStore(redis_client, prefix)
    store.load(V1)
    with pytest.raises(InvalidRecord):
        store.load(V1.replace("paid_cash", "paid_kash"), source="bad.yaml")
    assert store.active().profiles[0].indicators[0].field == "paid_cash"
    assert len(store.history()) == 1


def test_runtime_reloads_without_restart(redis_client, prefix) -> None:
    store = RulesStore(redis_client, prefix)
    runtime = RulesRuntime(store)
    assert runtime.current() is None and runtime.refresh() is False
    r1, _ = store.load(V1)
    assert runtime.refresh() is True and runtime.current().version == r1.version
    assert runtime.refresh() is False  # unchanged: no parse
    r2, _ = store.load(STARTER.read_text())
    assert runtime.refresh() is True and runtime.current().version == r2.version


def test_runtime_keeps_its_rules_when_a_stored_version_does_not_validate(redis_client, prefix) -> None:
    store = RulesStore(redis_client, prefix)
    r1, _ = store.load(V1)
    runtime = RulesRuntime(store)
    assert runtime.current().version == r1.version
    redis_client.set(store.text_key("bogus"), b"version: x\nprofiles: nope\n")
    redis_client.set(store.active_key, b'{"version": "bogus"}')
    assert runtime.refresh() is False and runtime.current().version == r1.version
