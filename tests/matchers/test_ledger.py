"""The alert ledger (`streams.ledger`) on a real redis-server (the fixtures of this directory)."""

from __future__ import annotations

from streams.ledger import AlertLedger


def test_recorded_alerts_are_seen_and_expire_on_their_own(redis_client, prefix) -> None:
    ledger = AlertLedger(redis_client, prefix, ttl_seconds=3600)
    assert ledger.unseen([]) == [] and ledger.unseen(["a-1", "a-2"]) == [True, True]
    ledger.record(["a-1"])
    ledger.record([])
    assert ledger.unseen(["a-1", "a-2", "a-1"]) == [False, True, False]
    assert 3590 < redis_client.ttl(f"{prefix}:alerted:a-1") <= 3600
