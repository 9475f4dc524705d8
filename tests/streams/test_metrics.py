"""The worker's metrics: readiness once every consumer has joined its group."""

from __future__ import annotations

import logging

from streams.metrics import Metrics


def ready(m: Metrics) -> float:
    return m.registry.get_sample_value("paxscreen_worker_ready")


def test_ready_once_every_consumer_has_had_an_assignment(caplog) -> None:
    m = Metrics()
    m.expect(["faust", "screen", "route"])
    with caplog.at_level(logging.INFO, logger="streams.metrics"):
        m.owned("faust", 4)
        m.owned("screen", 4)
        assert ready(m) == 0 and not caplog.records
        m.owned("route", 0)  # a group with more workers than partitions gives some none: joined all the same
        assert ready(m) == 1
        m.owned("screen", 0)  # a rebalance later: still ready, said once
        m.owned("screen", 4)
    assert [r.getMessage() for r in caplog.records] == [
        "joined the consumer group: 8 partition(s) (faust 4, screen 4, route 0)"]
    assert m.registry.get_sample_value("paxscreen_assigned_partitions") == 8


def test_not_ready_before_its_consumers_are_known() -> None:
    m = Metrics()
    m.owned("faust", 4)
    assert ready(m) == 0
