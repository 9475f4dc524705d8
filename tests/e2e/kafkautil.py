"""Small Kafka helpers for the end-to-end tests (real broker, confluent-kafka)."""

from __future__ import annotations

import re
import time
import urllib.request
import uuid

from confluent_kafka import Consumer, KafkaError, Producer

from paxscreen.kafka import H_RECEIVED_AT, H_SOURCE
from paxscreen.settings import Settings
from producers.publish import utc_now


def produce_raw(settings: Settings, messages: list[tuple[str, bytes]]) -> None:
    """Publish (source, bytes) pairs to the raw topic as `paxscreen produce` does."""
    p = Producer({"bootstrap.servers": settings.kafka_bootstrap, "enable.idempotence": True, "acks": "all"})
    for source, data in messages:
        p.produce(
            settings.topic("raw"), value=data, key=source.encode(),
            headers=[(H_SOURCE, source.encode()), (H_RECEIVED_AT, utc_now().encode())],
        )
    assert p.flush(30) == 0


class TopicReader:
    """Reads a topic from the beginning, accumulating records across calls."""

    def __init__(self, settings: Settings, name: str) -> None:
        self.consumer = Consumer(
            {
                "bootstrap.servers": settings.kafka_bootstrap,
                "group.id": f"test-{uuid.uuid4().hex[:8]}",
                "auto.offset.reset": "earliest",
                "enable.auto.commit": False,
                "session.timeout.ms": 6000,
            }
        )
        self.consumer.subscribe([settings.topic(name)])
        self.records: list = []

    def poll_for(self, seconds: float) -> list:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            msg = self.consumer.poll(0.2)
            if msg is None:
                continue
            if msg.error():
                assert msg.error().code() == KafkaError._PARTITION_EOF, msg.error()
                continue
            self.records.append(msg)
        return self.records

    def wait_until(self, predicate, timeout: float, what: str, worker=None) -> list:
        """Poll until ``predicate(records)``; fail early (with its log) if ``worker`` died."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if worker is not None and worker.proc is not None and worker.proc.poll() is not None:
                raise AssertionError(f"the worker exited with {worker.proc.returncode}:\n{worker.log()}")
            self.poll_for(0.5)
            if predicate(self.records):
                return self.records
        raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}; have {len(self.records)} records")

    def close(self) -> None:
        self.consumer.close()


def read_topic(settings: Settings, name: str, count: int, what: str, timeout: float = 60) -> list:
    """The records of a topic, read from the beginning until at least ``count`` came."""
    reader = TopicReader(settings, name)
    try:
        return reader.wait_until(lambda rs: len(rs) >= count, timeout, what)
    finally:
        reader.close()


def metric(port: int, name: str) -> float:
    """A worker's metric (summed over its labels) from its /metrics endpoint; 0 when unreachable."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
            text = r.read().decode()
    except OSError:
        return 0.0
    return sum(float(m.group(1)) for m in re.finditer(rf"^{name}(?:{{[^}}]*}})? ([0-9.e+-]+)$", text, re.MULTILINE))
