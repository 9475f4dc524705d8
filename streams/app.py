"""The Faust application: topics and two thin stages, an agent and a batch reader.

- ``ingest`` reads raw airline messages, turns them into traveller events with the injected
  ``decode`` function, and dead-letters what cannot be read (raw bytes, offset, reason).
- ``screen`` takes batches of traveller events (a `streams.reader.BatchReader`: librdkafka,
  not a Faust agent, since travellers are many and small), screens them with the injected
  screener (matchers/), publishes alerts not published before, then hands the batch to
  ``Pipeline.on_travellers`` (the targeting extension keeps the travellers for retro-screening).

At-least-once: Faust acks (and later commits) an event only after the agent moved past it, the
readers commit a batch only after its handler returned, and both await the broker's
acknowledgement of everything they produce (through the ``Outbox``, streams/outbox.py) before
moving on. Redis outages are retried with backoff inside the handlers, so no offset is committed
past a traveller that was not screened. The agents hold no matching logic.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Protocol

import faust

from paxscreen.booking import encode_booking
from paxscreen.codec import decode_traveller, encode_traveller
from paxscreen.errors import InvalidMessage
from paxscreen.kafka import H_RECEIVED_AT, H_SOURCE
from paxscreen.models import Alert, Traveller
from paxscreen.settings import Settings
from streams.ledger import AlertLedger
from streams.metrics import Metrics
from streams.outbox import DeliveryFailed, Outbox
from streams.parts import PartStore
from streams.publish import dead_letter as send_dead_letter
from streams.publish import publish_alerts, retry_redis
from streams.reader import BatchReader, Record
from streams.records import headers_dict, utc_now_iso
from streams.transport import make_app_class

log = logging.getLogger(__name__)

class Decoded(Protocol):
    format: str
    travellers: list[Traveller]
    bookings: list[Any]
    part_groups: tuple[str, ...]
    pending_groups: tuple[str, ...]
    warnings: tuple[str, ...]


Decoder = Callable[..., Decoded]


class Screener(Protocol):
    def screen(self, travellers: Sequence[Traveller], *, now: str | None = None) -> list[Alert]: ...
    def cache_sizes(self) -> dict[str, int]: ...

    repeats: int  # travellers answered from kept screenings, since the start
    shared_repeats: int  # of those, from the screenings kept in Redis
    partial: int  # travellers screened again against the lists loaded since their kept screening only


@dataclass
class Pipeline:
    """What the agents call: built by the command line from producers/ and matchers/."""

    decode: Decoder
    screener: Screener
    ledger: AlertLedger
    metrics: Metrics
    outbox: Outbox  # where the agents produce (acks=all)
    # Multi-part PAXLST: where raw parts wait for their flight, and how a group is re-read.
    parts: PartStore | None = None
    assemble_parts: Callable[[list[bytes]], Decoded] | None = None
    # More stages (targeting rules, routing...): each is called with (app, settings, pipeline)
    # once the core stages are defined.
    extensions: tuple[Callable[..., None], ...] = ()
    # What else is done with each batch of travellers, awaited by `screen` after its alerts
    # (an extension adds to it): one reader reads the topic, and each traveller is decoded once.
    # Called with the travellers and each one's event as read (bytes).
    on_travellers: list[Callable[[list[Traveller], list[bytes]], Awaitable[None]]] = dataclasses.field(
        default_factory=list)
    # Topics read in batches with librdkafka (`streams.reader`): ``screen``'s, and what the
    # extensions add; each runs as an app task once the app started.
    readers: list[BatchReader] = dataclasses.field(default_factory=list)


class Survivors:
    """Keeps the cyclic collector's pauses short. The first batch reads the watchlist indexes
    and warms the caches, and the caches keep growing: millions of long-lived objects. A full
    collection scanned them all, stopping the worker for ~300 ms at 1M listed persons (once
    per worker in the ~100 s traced), and the alerts of the batch it fell in were the slowest
    1%. So after the first batch, and then after a batch at most every `EVERY` seconds, the
    garbage is collected and what survived is frozen (`gc.freeze`): a collection then scans
    only what came since (5-10 ms). A frozen object is still freed when nothing refers to it;
    only one that dies in a reference cycle once frozen is never freed (0-10 objects in 30 s
    of the bench's mixed load, measured: docs/benchmarks.md). The memos' dicts stay frozen
    (`paxscreen.bounded._pinned` says why they would not)."""

    EVERY = 1.0  # seconds

    def __init__(self) -> None:
        self.last: float | None = None

    def settle(self) -> None:
        now = time.monotonic()
        if self.last is None or now - self.last >= self.EVERY:
            gc.collect()
            gc.freeze()
            self.last = now


def _broker_urls(bootstrap: str) -> list[str]:
    return [f"kafka://{h.strip()}" for h in bootstrap.split(",") if h.strip()]


def create_app(settings: Settings, pipeline: Pipeline) -> faust.App:
    # Screening allocates many short-lived objects per batch; collect the young generation
    # less often (the default, 700 allocations, means a collection every few travellers).
    gc.set_threshold(50_000, 20, 100)
    datadir = Path(settings.state_dir) / "faust"
    datadir.mkdir(parents=True, exist_ok=True)
    app = make_app_class(settings.fetch_max_wait_ms)(
        settings.app_id,
        broker=_broker_urls(settings.kafka_bootstrap),
        key_serializer="raw",
        value_serializer="raw",
        store="memory://",
        datadir=str(datadir),
        topic_allow_declare=False,  # `ensure_topics` creates them with our partitions
        topic_disable_leader=True,
        consumer_auto_offset_reset="earliest",
        broker_session_timeout=settings.session_timeout,
        broker_heartbeat_interval=max(0.5, settings.session_timeout / 10),
        broker_commit_interval=1.0,
        producer_acks=-1,
        web_enabled=settings.web_port > 0,
        web_port=settings.web_port or 6066,
        web_bind="127.0.0.1",
    )
    raw_topic = app.topic(settings.topic("raw"), key_type=bytes, value_type=bytes)
    m, outbox = pipeline.metrics, pipeline.outbox
    bookings_out, travellers_out = settings.topic("bookings"), settings.topic("travellers")
    alerts_out, deadletter_out = settings.topic("alerts"), settings.topic("deadletter")

    async def dead_letter(stage: str, raw: bytes, exc: Exception, message: Any, headers: dict[str, str]) -> None:
        await send_dead_letter(stage, raw, exc, message, headers, outbox=outbox, topic=deadletter_out, metrics=m)

    @app.agent(raw_topic, name="ingest")
    async def ingest(stream: faust.StreamT) -> None:
        async for event in stream.events():
            msg = event.message
            headers = headers_dict(msg.headers)
            raw = msg.value or b""
            try:
                decoded = pipeline.decode(
                    raw,
                    source=headers.get(H_SOURCE),
                    received_at=headers.get(H_RECEIVED_AT) or utc_now_iso(),
                )
            except InvalidMessage as exc:
                m.messages.labels("invalid").inc()
                m.parse_failures.labels(type(exc).__name__).inc()
                await dead_letter("parse", raw, exc, msg, headers)
                continue
            except Exception as exc:  # a parser bug must not stop the stream: keep the bytes
                log.exception("parser failed on topic=%s partition=%s offset=%s", msg.topic, msg.partition, msg.offset)
                m.messages.labels("invalid").inc()
                m.parse_failures.labels(type(exc).__name__).inc()
                await dead_letter("parse", raw, exc, msg, headers)
                continue
            m.messages.labels(decoded.format).inc()
            if decoded.warnings:  # read, but sloppy: counted (the texts are for `paxscreen parse`)
                m.message_warnings.labels(decoded.format).inc(len(decoded.warnings))
            travellers = decoded.travellers
            if decoded.part_groups and pipeline.parts is not None and pipeline.assemble_parts is not None:
                travellers = await with_sibling_parts(decoded, raw, msg)
            try:
                await outbox.send_all(
                    [(bookings_out, (b.locator or "").encode(), encode_booking(b)) for b in decoded.bookings]
                    + [(travellers_out, t.event_id.encode(), encode_traveller(t)) for t in travellers]
                )
            except DeliveryFailed as exc:  # what it made cannot be kept: keep what came in
                await dead_letter("emit", raw, exc, msg, headers)
                continue
            m.travellers_emitted.inc(len(travellers))
            m.bookings_emitted.inc(len(decoded.bookings))

    async def with_sibling_parts(decoded: Decoded, raw: bytes, msg: Any) -> list[Traveller]:
        """Keep this part with its siblings; return every traveller the group can now place
        on a flight (re-emitting one is harmless: same event_id, alerts de-duplicated)."""
        assert pipeline.parts is not None and pipeline.assemble_parts is not None
        field = f"{msg.topic}/{msg.partition}/{msg.offset}"
        groups = await ledger_call("parts_add", pipeline.parts.add, list(decoded.part_groups), field, raw, time.time())
        out = {t.event_id: t for t in decoded.travellers}
        for group, blobs in groups.items():
            if not decoded.pending_groups and blobs == [raw]:  # alone and all placed: no reread
                await ledger_call("parts_resolve", pipeline.parts.resolve, group)
                continue
            assembled = pipeline.assemble_parts(blobs)
            out.update((t.event_id, t) for t in assembled.travellers)
            if group not in assembled.pending_groups:
                await ledger_call("parts_resolve", pipeline.parts.resolve, group)
        return list(out.values())

    @app.timer(interval=max(1.0, min(30.0, settings.multipart_timeout / 4)))
    async def expire_parts() -> None:
        """Dead-letter multi-part groups whose flight details never arrived (raw bytes kept)."""
        if pipeline.parts is None:
            return
        cutoff = time.time() - settings.multipart_timeout
        for group, blobs in await ledger_call("parts_expired", pipeline.parts.expired, cutoff):
            for field, raw in blobs.items():
                topic, partition, offset = (field.rsplit("/", 2) + ["", ""])[:3]
                where = SimpleNamespace(topic=topic, partition=int(partition or -1), offset=int(offset or -1), key=None)
                exc = InvalidMessage(
                    f"part of multi-part message {group!r}: no part with flight details (TDT) arrived "
                    f"within {settings.multipart_timeout:.0f} s"
                )
                await dead_letter("parse", raw, exc, where, {})
            await ledger_call("parts_drop", pipeline.parts.drop, group)

    async def ledger_call(op: str, fn: Callable[..., Any], *args: Any) -> Any:
        return await retry_redis(op, fn, *args, observe=m.redis_seconds.labels(op).observe)

    survivors = Survivors()

    async def screen(batch: list[Record]) -> None:
        travellers: list[Traveller] = []
        encoded: list[bytes] = []
        for record in batch:
            try:
                travellers.append(decode_traveller(record.value))
            except InvalidMessage as exc:
                await dead_letter("screen", record.value or b"", exc, record, headers_dict(record.headers))
                continue
            encoded.append(record.value)
        if not travellers:
            return
        repeats, shared, partial = (pipeline.screener.repeats, pipeline.screener.shared_repeats,
                                    pipeline.screener.partial)
        alerts = await retry_redis(
            "screen", pipeline.screener.screen, travellers, observe=m.screen_batch_seconds.observe
        )
        m.screened.inc(len(travellers))
        m.repeats.inc(pipeline.screener.repeats - repeats)
        m.shared_repeats.inc(pipeline.screener.shared_repeats - shared)
        m.partial_repeats.inc(pipeline.screener.partial - partial)
        held = pipeline.screener.cache_sizes()
        m.cache_tokens.set(held["tokens"])
        m.cache_entries.set(held["entries"])
        m.cache_screened.set(held["screened"])
        await publish_alerts(alerts, outbox=outbox, topic=alerts_out, ledger=pipeline.ledger, metrics=m,
                             deadletter=deadletter_out)
        for hook in pipeline.on_travellers:
            await hook(travellers, encoded)
        survivors.settle()  # once the batch's alerts are out

    pipeline.readers.append(BatchReader(settings, "screen", travellers_out, screen, m))

    @app.on_partitions_assigned.connect
    async def on_assigned(sender: Any, assigned: Any, **kwargs: Any) -> None:
        m.owned("faust", len(assigned))
        log.info("assigned %d partition(s)", len(assigned))

    @app.timer(interval=5.0)
    async def observe_lag() -> None:
        consumer = app.consumer
        for tp in consumer.assignment():
            try:
                hw = consumer.highwater(tp)
                pos = await consumer.position(tp)
            except Exception:  # not yet assigned/fetched
                continue
            if hw is not None and pos is not None:
                m.lag.labels(tp.topic, str(tp.partition)).set(max(0, hw - pos))
        for reader in pipeline.readers:  # also while a batch is being handled (a Redis outage...)
            await reader.observe_lag()

    for extend in pipeline.extensions:
        extend(app, settings, pipeline)
    m.expect(["faust", *(reader.name for reader in pipeline.readers)])
    for reader in pipeline.readers:
        app.task(reader.run)
    return app
