"""The agents' producer (streams/outbox.py) on a real broker: every record acknowledged before
`send_all` returns, records sent again until a broker that was down comes up, and a record the
broker refuses for good named (the others delivered), not retried forever; an alert refused so
dead-lettered with its reason."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import threading

import pytest
from e2e.kafkautil import read_topic

from paxscreen.devstack import free_port, start_broker
from paxscreen.kafka import ensure_named_topics, producer_config
from paxscreen.models import Alert, FeatureResult
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
    got = read_topic(e2e_settings, "travellers", 500, "the 500 records")
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
        got = read_topic(settings, "alerts", 1, "the alert")
        assert {r.value() for r in got} == {b"alert"}
        assert sum(resends) == outbox.resent > 0
    finally:
        up.set()
        outbox.close(timeout=2)
        starter.join(30)
        if broker is not None:
            broker.stop()


def test_a_record_the_broker_refuses_is_named_and_the_others_delivered(e2e_settings) -> None:
    topic = e2e_settings.topic("travellers")
    records = [(topic, b"k1", b"small one"), (topic, b"k2", b"x" * 5000), (topic, b"k3", b"small two")]
    outbox = Outbox({**producer_config(e2e_settings), "message.max.bytes": 1000})
    try:
        with pytest.raises(DeliveryFailed, match="travellers") as exc:
            asyncio.run(outbox.send_all(records))
    finally:
        outbox.close()
    assert exc.value.refused == [records[1]]
    got = read_topic(e2e_settings, "travellers", 2, "the two small records")
    assert sorted(r.key() for r in got) == [b"k1", b"k3"]


class _Refusing(Outbox):
    """The real producer, except that records for one topic are refused as librdkafka refuses
    a record larger than it may send (a broker-side limit of one topic; Tansu has none)."""

    def __init__(self, config, refused_topic: str) -> None:
        super().__init__(config)
        self.refused_topic = refused_topic

    def _enqueue(self, producer, record, on_delivery):
        if record[0] == self.refused_topic and len(record[2]) > 600:
            raise DeliveryFailed(f"topic {record[0]!r}: Message size too large")
        return super()._enqueue(producer, record, on_delivery)


def _alert(i: int, size: int) -> Alert:
    return Alert(
        alert_id=f"a-refused-{i}", kind="name", score=0.9, entry_id=f"e{i}", traveller_event_id=f"t-{i}",
        passenger={"surname": "X" * size}, flight={"number": "XX1"}, airports=("GRU",),
        explanation=(FeatureResult("name", 0.9, "names agree", 0.6),), event_time=None,
        screened_at="2026-12-01T00:00:00Z", entry={"caption": "X"}, watchlist_version="v1",
    )


def test_an_alert_the_broker_refuses_is_dead_lettered_and_recorded(e2e_settings) -> None:
    import orjson
    import redis

    from paxscreen.codec import encode_alert
    from streams.ledger import AlertLedger
    from streams.metrics import Metrics
    from streams.publish import publish_alerts

    ledger = AlertLedger(redis.Redis.from_url(e2e_settings.redis_url), e2e_settings.topic_prefix)
    alerts = [_alert(1, 10), _alert(2, 2000), _alert(3, 10)]
    outbox = _Refusing(producer_config(e2e_settings), e2e_settings.topic("alerts"))
    metrics = Metrics()
    kw = dict(outbox=outbox, topic=e2e_settings.topic("alerts"), ledger=ledger, metrics=metrics,
              deadletter=e2e_settings.topic("deadletter"))
    try:
        published = asyncio.run(publish_alerts(alerts, **kw))
        assert [a.alert_id for a in published] == ["a-refused-1", "a-refused-3"]
        assert asyncio.run(publish_alerts(alerts, **kw)) == []  # all three recorded: a replay sends none
        with pytest.raises(DeliveryFailed):  # with nowhere to keep it, the agent is told
            asyncio.run(publish_alerts([_alert(4, 2000)], **{**kw, "deadletter": None}))
    finally:
        outbox.close()
    (record,) = read_topic(e2e_settings, "deadletter", 1, "the refused alert")
    got = read_topic(e2e_settings, "alerts", 2, "the two others")
    value = orjson.loads(record.value())
    assert value["stage"] == "alert" and "too large" in value["reason"]
    assert base64.b64decode(value["raw_base64"]) == encode_alert(alerts[1])
    assert sorted(r.key() for r in got) == [b"a-refused-1", b"a-refused-3"]
    assert metrics.deadletters.labels("alert")._value.get() == 1


def test_replay_republishes_airline_messages_not_alerts(e2e_settings) -> None:
    import io

    from paxscreen.deadletters import replay
    from streams.records import deadletter_record, decode_deadletter

    def letter(stage: str, raw: bytes) -> dict:
        return decode_deadletter(deadletter_record(
            stage=stage, raw=raw, reason="Message size too large", error={"error": "DeliveryFailed"},
            topic=e2e_settings.topic("raw"), partition=0, offset=7, key=b"k", headers={}))

    letters = [letter("emit", b"UNA:+.? 'UNB+emit'"), letter("alert", b'{"alert_id": "a-1"}'),
               letter("route", b'{"alert_id": "a-2"}'), letter("parse", b"UNB+parse'")]
    out = io.StringIO()
    assert replay(e2e_settings, letters, out) == 0 and "replayed 2 message(s)" in out.getvalue()
    got = read_topic(e2e_settings, "raw", 2, "the two airline messages")
    assert sorted(r.value() for r in got) == [b"UNA:+.? 'UNB+emit'", b"UNB+parse'"]
