"""What the agents produce, and how they wait for it: a confluent-kafka (librdkafka) producer
whose delivery reports, counted per round of records, resolve one asyncio future per round.

Why not Faust's own producer: aiokafka's producer forgets a topic's partitions when the set of
topics it tracks changes. It starts by tracking *every* topic, then only those it was asked about
after start-up; once the worker routes its first alert to a new ``taskforce.<IATA>`` topic, the
``travellers`` topic can drop out of its metadata while a batch for it waits in its buffer. That
batch then waits for a leader that no refresh will bring back, the agent awaiting it stalls, and
no offset is committed again (seen on the embedded broker with two workers: one stopped for good
after a few manifests). librdkafka keeps metadata per topic it produced to and retries on its own.

At-least-once: ``send_all`` returns only when the broker acknowledged every record (acks=all,
idempotent producer); records that failed with a retriable error are sent again, with backoff,
until they are acknowledged. The caller commits its input only after that. So are records
refused for want of authorisation: that is the deployment's to mend (ACLs), and once mended
the records go through, so the agent waits, logging why. Records the broker refuses for what
they are (too large, invalid) can never go through: ``send_all`` delivers all the others, then
raises `DeliveryFailed` naming them, and the agent dead-letters what it can.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from confluent_kafka import KafkaError, KafkaException, Producer

log = logging.getLogger(__name__)

Record = tuple[str, bytes | None, bytes]  # topic, key, value

# Errors that resending cannot cure: the record itself is wrong.
_FATAL = frozenset(
    {
        KafkaError.MSG_SIZE_TOO_LARGE,
        KafkaError.INVALID_MSG_SIZE,
        KafkaError.INVALID_RECORD,
        KafkaError._INVALID_ARG,
    }
)


class DeliveryFailed(Exception):
    """Records the broker refused for good (too large, invalid): ``refused``. Every other
    record of the same `Outbox.send_all` was delivered."""

    def __init__(self, message: str, refused: Sequence[Record] = ()) -> None:
        super().__init__(message)
        self.refused = list(refused)


class Outbox:
    """One producer per worker process; ``send_all`` is safe to call from any agent."""

    def __init__(
        self,
        config: dict[str, Any],
        *,
        max_backoff: float = 10.0,
        on_resend: Callable[[int], None] | None = None,
    ) -> None:
        self._config = {"linger.ms": 2, "message.timeout.ms": 60_000, **config}
        self._producer: Producer | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._max_backoff = max_backoff
        self.resent = 0  # records sent again after a retriable failure
        self._on_resend = on_resend

    def _ensure(self) -> Producer:
        with self._lock:
            if self._producer is None:
                self._producer = Producer(self._config)
                self._stop = threading.Event()
                self._thread = threading.Thread(
                    target=self._serve, args=(self._producer, self._stop), name="paxscreen-outbox", daemon=True
                )
                self._thread.start()
            return self._producer

    def prepare(self, topics: Sequence[str], timeout: float = 10.0) -> None:
        """Start the producer and learn ``topics``' partitions now: left to a topic's first
        record, librdkafka's first metadata request for it holds that record back about a
        second (a worker's first alerts, on the embedded broker)."""
        producer = self._ensure()
        for topic in topics:
            try:
                producer.list_topics(topic, timeout=timeout)
            except KafkaException as exc:  # the first send asks again
                log.warning("no metadata for topic %s yet: %s", topic, exc.args[0] if exc.args else exc)

    @staticmethod
    def _serve(producer: Producer, stop: threading.Event) -> None:
        """Delivery reports are served here, off the event loop."""
        while not stop.is_set():
            producer.poll(0.05)

    def _enqueue(self, producer: Producer, record: Record, on_delivery: Callable[..., None]) -> bool:
        """Hand one record to librdkafka; False when its local queue is full (wait for
        deliveries to drain it, then try again). `DeliveryFailed` when it refuses the record
        before sending (too large for the producer...)."""
        topic, key, value = record
        try:
            producer.produce(topic, value=value, key=key, on_delivery=on_delivery)
            return True
        except BufferError:
            return False
        except KafkaException as exc:
            err = exc.args[0] if exc.args else None
            why = err.str() if isinstance(err, KafkaError) else str(exc)
            raise DeliveryFailed(f"topic {topic!r}: {why}") from exc

    async def send_all(self, records: Sequence[Record]) -> None:
        """Produce every record and return once the broker acknowledged all of them; or, when
        it refused some for good, once it acknowledged all the others: `DeliveryFailed`."""
        if not records:
            return
        producer = self._ensure()
        pending = list(records)
        refused: list[tuple[Record, str]] = []
        delay = 0.2
        while pending:
            sent: list[Record] = []
            round_ = _Round(asyncio.get_running_loop())
            for r in pending:
                try:
                    while not self._enqueue(producer, r, functools.partial(round_.report, len(sent))):
                        await asyncio.sleep(0.005)  # the local queue is full: let deliveries drain it
                    sent.append(r)
                except DeliveryFailed as exc:  # refused before sending
                    refused.append((r, str(exc)))
            failed = []
            fatal = False
            for i, err in sorted((await round_.settled(len(sent))).items()):
                record = sent[i]
                if err.code() in _FATAL:
                    refused.append((record, f"topic {record[0]!r}: {err.str()}"))
                    continue
                failed.append((record, KafkaException(err)))
                fatal = fatal or err.fatal()
            if not failed:
                break
            if fatal:  # the idempotent producer cannot go on: start a new one, send again
                log.error("the producer hit a fatal error (%s); starting a new one", failed[0][1])
                self.close(timeout=5)
                producer = self._ensure()
            self.resent += len(failed)
            if self._on_resend is not None:
                self._on_resend(len(failed))
            first = failed[0][1]
            log.log(
                logging.ERROR if delay >= self._max_backoff else logging.WARNING,
                "%d record(s) not acknowledged (%s); sending them again in %.1f s", len(failed), first, delay,
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._max_backoff)
            pending = [r for r, _ in failed]
        if refused:
            raise DeliveryFailed("; ".join(dict.fromkeys(why for _, why in refused)), [r for r, _ in refused])

    def close(self, timeout: float = 10.0) -> int:
        """Flush what is queued and stop; returns how many records were still undelivered."""
        with self._lock:
            producer, stop, thread = self._producer, self._stop, self._thread
            self._producer = self._thread = None
        if producer is None:
            return 0
        left = producer.flush(timeout)
        stop.set()
        if thread is not None:
            thread.join(timeout=2)
        return left


class _Round:
    """The delivery reports of one round of `Outbox.send_all`, counted in the producer's poll
    thread: the event loop is woken once, when the last one is in, not once per record."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._future: asyncio.Future[None] = loop.create_future()
        self._lock = threading.Lock()
        self._reported = 0
        self._expected: int | None = None
        self.errors: dict[int, KafkaError] = {}  # by the record's place in the round

    def report(self, i: int, err: KafkaError | None, _msg: Any) -> None:
        """librdkafka's delivery report of record ``i``."""
        with self._lock:
            if err is not None:
                self.errors[i] = err
            self._reported += 1
            last = self._reported == self._expected
        if last:
            try:
                self._loop.call_soon_threadsafe(_resolve, self._future)
            except RuntimeError:  # the loop is closed (shutdown): nobody awaits this round
                pass

    async def settled(self, expected: int) -> dict[int, KafkaError]:
        """Once ``expected`` records have their report: the errors, by record."""
        with self._lock:
            self._expected = expected
            done = self._reported == expected
        if not done:
            await self._future
        return self.errors


def _resolve(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)
