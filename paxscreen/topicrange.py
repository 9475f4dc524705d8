"""Read Kafka topics from a point in time to their current end, without a consumer group.

For reports: partitions are assigned (not subscribed), the start offset of each comes from
``offsets_for_times`` (or the beginning), and a partition is done at its end-of-partition
event (``enable.partition.eof``): the end the broker's fetch reports, which is exact on every
broker (the embedded Tansu broker's ListOffsets answer can lag behind the last batch, so
the watermark from `get_watermark_offsets` is not used). Nothing is committed. Records older than ``since`` are skipped as well, so a broker that
cannot look offsets up by time still gives the right answer (only slower).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator, Sequence

from paxscreen.errors import Unavailable
from paxscreen.kafka import client_config, cluster_metadata
from paxscreen.settings import Settings

__all__ = ["read_range"]

log = logging.getLogger(__name__)


def read_range(
    settings: Settings, topics: Sequence[str], since_ms: int | None, *, timeout: float = 120.0
) -> Iterator:
    """Yield every record (confluent ``Message``) of ``topics`` at or after ``since_ms``
    (epoch milliseconds; None: from the beginning) up to the end at call time. Missing topics
    are skipped. Raises `Unavailable` when Kafka cannot be read within ``timeout`` seconds."""
    from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, TopicPartition

    consumer = Consumer(
        {
            **client_config(settings),
            "group.id": f"paxscreen-report-{uuid.uuid4().hex[:8]}",
            "enable.auto.commit": False,
            "enable.partition.eof": True,
            "auto.offset.reset": "earliest",
        }
    )
    try:
        meta = cluster_metadata(consumer, settings)
        wanted = [
            TopicPartition(t, p, since_ms if since_ms is not None else OFFSET_BEGINNING)
            for t in topics
            if t in meta.topics and meta.topics[t].error is None
            for p in sorted(meta.topics[t].partitions)
        ]
        if since_ms is not None and wanted:
            try:
                wanted = consumer.offsets_for_times(wanted, timeout=15)
            except KafkaException as exc:
                log.info("offsets by time not available (%s); reading from the beginning", exc)
                wanted = [TopicPartition(tp.topic, tp.partition, OFFSET_BEGINNING) for tp in wanted]
        pending: set[tuple[str, int]] = set()
        assign = []
        for tp in wanted:
            if tp.offset == -1:  # offsets_for_times: nothing at or after the time
                continue
            pending.add((tp.topic, tp.partition))
            assign.append(tp)
        if not assign:
            return
        consumer.assign(assign)
        deadline = time.monotonic() + timeout
        while pending:
            if time.monotonic() > deadline:
                raise Unavailable(f"reading {', '.join(topics)} did not finish within {timeout:.0f} s")
            for msg in consumer.consume(500, timeout=0.5):
                err = msg.error()
                if err is not None:
                    if err.code() == KafkaError._PARTITION_EOF:
                        pending.discard((msg.topic(), msg.partition()))
                        continue
                    raise Unavailable(f"reading {msg.topic()!r}: {err}")
                kind, stamp = msg.timestamp()
                if since_ms is not None and kind and stamp < since_ms:  # kind 0: no timestamp
                    continue
                yield msg
    finally:
        consumer.close()
