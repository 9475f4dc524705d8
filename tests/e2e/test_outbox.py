"""The agents' producer (streams/outbox.py) on a real broker: every record acknowledged before
`send_all` returns, records sent again until a broker that was down comes up, and a record the
broker refuses for good raised, not retried forever."""

from __future__ import annotations

import asyncio
import dataclasses
import threading

import pytest
from e2e.kafkautil import TopicReader

from paxscreen.devstack import free_port, start_broker
from paxscreen.kafka import ensure_named_topics, producer_config
from streams.outbox import DeliveryFailed, Outbox

pytestmark = pytest.mark.e2e


def test_send_all_returns_once_every_record_is_acknowledged(e2e_settings) -> None:
    topic = e2e_settings.topic("travellers")
    records = [(topic, f"k{i}".encode(), f"v{i}".encode()) for i in range(500)]
    outbox = Outbox(producer_config(e2e_settings))
    try:
        asyncio.run(outbox.send_all(records))
    finally:
        assert outbox.close() == 0
    reader = TopicReader(e2e_settings, "travellers")
    try:
        got = reader.wait_until(lambda rs: len(rs) >= 500, 60, "the 500 records")
    finally:
        reader.close()
    assert sorted((r.key(), r.value()) for r in got) == sorted((k, v) for _, k, v in records)


def test_records_are_sent_again_until_the_broker_comes_up(e2e_settings, tmp_path) -> None:
    """The broker is down when the records are produced and their delivery times out; the outbox
    keeps them and sends them again, and they land once a broker listens on that address."""
    port = free_port()
    settings = dataclasses.replace(e2e_settings, kafka_bootstrap=f"127.0.0.1:{port}")
    resends: list[int] = []
    outbox = Outbox({**producer_config(settings), "message.timeout.ms": 1000}, max_backoff=0.5,
                    on_resend=resends.append)
    broker = None
    up = threading.Event()

    def bring_up() -> None:
        nonlocal broker
        up.wait(30)
        broker = start_broker(tmp_path, port=port)
        ensure_named_topics(settings, [settings.topic("alerts")])

    starter = threading.Thread(target=bring_up)
    starter.start()

    async def run() -> None:
        task = asyncio.create_task(outbox.send_all([(settings.topic("alerts"), b"a1", b"alert")]))
        while outbox.resent == 0:  # at least one delivery failed and is being retried
            await asyncio.sleep(0.1)
        assert not task.done()
        up.set()
        await asyncio.wait_for(task, 90)

    try:
        asyncio.run(run())
        starter.join(30)
        reader = TopicReader(settings, "alerts")
        try:
            got = reader.wait_until(lambda rs: len(rs) >= 1, 60, "the alert")
        finally:
            reader.close()
        assert {r.value() for r in got} == {b"alert"}
        assert sum(resends) == outbox.resent > 0
    finally:
        up.set()
        outbox.close(timeout=2)
        starter.join(30)
        if broker is not None:
            broker.stop()


def test_a_record_the_broker_refuses_is_raised(e2e_settings) -> None:
    outbox = Outbox({**producer_config(e2e_settings), "message.max.bytes": 1000})
    try:
        with pytest.raises(DeliveryFailed, match="travellers"):
            asyncio.run(outbox.send_all([(e2e_settings.topic("travellers"), b"k", b"x" * 5000)]))
    finally:
        outbox.close()
