"""Batch readers: a topic read in batches with librdkafka (confluent-kafka), for the stages
whose events are many and small (a traveller, an alert).

Faust's agents cost 61-72 µs of CPU per event read, against 3.1-3.5 µs for this reader and
~1 µs for librdkafka alone (`python -m paxscreen.bench_faust`): at 10,000 travellers a second,
Faust alone would take most of a core before any screening.
So the ``screen`` stage (the travellers topic), the risk targeting (the bookings topic) and
the task-force routing (the alerts topic) read through a `BatchReader`, each in a consumer
group of its own (``<app_id>-<name>``), while Faust keeps the raw topic (one event per
airline message, parsed at length) and the timers.

At-least-once, as the agents: a batch's offsets are committed only after its handler returned,
that is after everything it produced was acknowledged by the broker (the `Outbox`). A crash
before the commit reads the batch again (alerts keep their ids and the ledger keeps them
single). librdkafka calls the rebalance callbacks from within ``consume()``, which the reader
calls only between batches, so a batch is never in flight while its partitions move, unless
the group gave up waiting for this reader (no ``consume()`` for ``max.poll.interval.ms``, five
minutes: a very long Redis outage); its commit is then refused and the batch read again. Every
call on the consumer runs in one thread of the reader's own; handlers run on the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from paxscreen.kafka import client_config
from paxscreen.settings import Settings
from streams.metrics import Metrics

__all__ = ["BatchReader", "Record", "reader_group"]

log = logging.getLogger(__name__)

IDLE_WAIT = 0.1  # seconds a reader with nothing fetched blocks for a first record, between checks


@dataclass(frozen=True, slots=True)
class Record:
    """One record read: what the handlers and the dead-letter records need of it."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]] | None


Handler = Callable[[list[Record]], Awaitable[None]]


def reader_group(settings: Settings, name: str) -> str:
    """The consumer group of the ``name`` reader: one per stage, beside Faust's (``app_id``)."""
    return f"{settings.app_id}-{name}"


class BatchReader:
    """Reads ``topic`` in batches of at most ``settings.batch_size`` records (waiting at most
    ``settings.batch_timeout`` for more once one is there, while they keep coming), hands
    each batch to ``handle``, then commits the batch's offsets. Reports its partitions and
    lag to ``metrics``."""

    def __init__(self, settings: Settings, name: str, topic: str, handle: Handler, metrics: Metrics) -> None:
        self.settings, self.name, self.topic = settings, name, topic
        self.handle, self.metrics = handle, metrics
        self.assigned: set[int] = set()
        self._next: dict[int, int] = {}  # per partition, the offset expected next (`_check_offsets`)
        self._consumer: Any = None
        self._thread = ThreadPoolExecutor(1, thread_name_prefix=f"paxscreen-{name}")

    def _config(self) -> dict[str, object]:
        s = self.settings
        session_ms = int(s.session_timeout * 1000)
        return {
            **client_config(s),
            "client.id": f"paxscreen-{self.name}",
            "group.id": reader_group(s, self.name),
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "auto.offset.reset": "earliest",
            "session.timeout.ms": session_ms,
            "heartbeat.interval.ms": max(500, session_ms // 10),
            "fetch.wait.max.ms": s.fetch_max_wait_ms,
            "enable.partition.eof": False,
        }

    # --- in the reader's thread -------------------------------------------------------------

    def _open(self) -> None:
        from confluent_kafka import Consumer

        self._consumer = Consumer(self._config(), logger=log)
        self._consumer.subscribe([self.topic], on_assign=self._assign, on_revoke=self._revoke,
                                 on_lost=self._revoke)

    def _assign(self, consumer: Any, partitions: list) -> None:
        self.assigned |= {p.partition for p in partitions}
        for p in partitions:  # read from the group's committed offset on: nothing expected yet
            self._next.pop(p.partition, None)
        self._assignment_changed()

    def _revoke(self, consumer: Any, partitions: list) -> None:
        self.assigned -= {p.partition for p in partitions}
        for p in partitions:  # another worker reads and reports it now
            self._next.pop(p.partition, None)
            try:
                self.metrics.lag.remove(self.topic, str(p.partition))
            except KeyError:
                pass
        self._assignment_changed()

    def _assignment_changed(self) -> None:
        log.info("%s reader: %d partition(s) of %s", self.name, len(self.assigned), self.topic)
        self.metrics.owned(self.name, len(self.assigned))

    def _consume(self) -> list[Record]:
        """Up to a batch of records: those already fetched, or else the first to arrive within
        `IDLE_WAIT` (none: an empty batch); then more, as long as they keep arriving (none
        for ``batch_gap``: the burst is over) and for ``batch_timeout`` at most (0: what has
        arrived). An airline message's travellers arrive as a burst; a batch that started on
        its first records would leave the others waiting for it. Under load a batch fills
        at once. Broker errors are logged."""
        s, consume = self.settings, self._consumer.consume
        msgs = consume(num_messages=s.batch_size, timeout=0)
        if not msgs:
            msgs = consume(num_messages=1, timeout=IDLE_WAIT)
            if msgs:  # and those fetched with it
                msgs += consume(num_messages=s.batch_size - 1, timeout=0)
        deadline = time.monotonic() + s.batch_timeout
        while msgs and len(msgs) < s.batch_size and (left := deadline - time.monotonic()) > 0:
            more = consume(num_messages=s.batch_size - len(msgs), timeout=min(left, s.batch_gap or left))
            if not more:
                break
            msgs += more
        out = []
        for m in msgs:
            err = m.error()
            if err is not None:
                log.warning("%s reader: %s", self.name, err)
                continue
            out.append(Record(m.topic(), m.partition(), m.offset(), m.key(), m.value(), m.headers()))
        self._check_offsets(out)
        self.metrics.records_read.labels(self.name).inc(len(out))
        return out

    def _check_offsets(self, batch: list[Record]) -> None:
        """Count and log the offsets of a partition skipped between two records read. The
        topics are neither compacted nor written in transactions, so the broker holds a record
        at every offset, and a skipped one is a record lost to this reader: the fault would
        otherwise show nowhere, since the reader commits past it."""
        expected = self._next
        for r in batch:
            want = expected.get(r.partition)
            if want is not None and r.offset > want:
                self.metrics.offset_gaps.labels(self.name).inc(r.offset - want)
                log.warning("%s reader: partition %d: offsets %d-%d never received (skipped by the broker)",
                            self.name, r.partition, want, r.offset - 1)
            expected[r.partition] = r.offset + 1

    def _commit(self, batch: list[Record]) -> None:
        from confluent_kafka import KafkaException, TopicPartition

        last: dict[int, int] = {}
        for r in batch:
            last[r.partition] = max(last.get(r.partition, -1), r.offset)
        try:
            self._consumer.commit(offsets=[TopicPartition(self.topic, p, o + 1) for p, o in last.items()],
                                  asynchronous=False)
        except KafkaException as exc:  # a rebalance took the partitions: their next owner reads them again
            log.warning("%s reader: commit refused (%s); the batch will be read again",
                        self.name, exc.args[0])

    def _observe_lag(self) -> None:
        from confluent_kafka import TopicPartition

        tps = [TopicPartition(self.topic, p) for p in sorted(self.assigned)]
        if not tps or self._consumer is None:
            return
        for tp in self._consumer.position(tps):
            if tp.offset < 0:
                continue
            try:
                _, high = self._consumer.get_watermark_offsets(tp, cached=True)
            except Exception:  # noqa: BLE001 - not known yet
                continue
            if high >= 0:
                self.metrics.lag.labels(self.topic, str(tp.partition)).set(max(0, high - tp.offset))

    def _close(self) -> None:
        if self._consumer is not None:
            self._consumer.close()  # leaves the group now: its partitions move without waiting
            self._consumer = None

    # --- on the event loop ------------------------------------------------------------------

    async def observe_lag(self) -> None:
        """Report the lag of the partitions owned now (in the reader's thread, between reads)."""
        if self._consumer is not None:
            await asyncio.get_running_loop().run_in_executor(self._thread, self._observe_lag)

    async def run(self) -> None:
        """Read, handle, commit, until cancelled (the app stopping); then leave the group."""
        loop = asyncio.get_running_loop()
        call = self._thread
        try:
            await loop.run_in_executor(call, self._open)
            while True:
                batch = await loop.run_in_executor(call, self._consume)
                if not batch:
                    continue
                await self.handle(batch)
                await loop.run_in_executor(call, self._commit, batch)
        finally:
            # the app is stopping (or the handler raised): whatever was not committed is read again
            call.submit(self._close).result(timeout=max(10.0, self.settings.session_timeout))
            call.shutdown(wait=False)
