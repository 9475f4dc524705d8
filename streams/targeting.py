"""The worker's targeting extension: risk rules on bookings, task-force routing, the rules
reload timer and the retro-screening memory. Registered through ``Pipeline.extensions``.

- ``target`` (bookings topic, in batches: a `streams.reader.BatchReader`, as airlines push each
  PNR up to five times): every booking's travellers against every risk profile; risk alerts go
  to the alerts topic through the same `AlertLedger` as watchlist alerts.
- ``remember`` (a `streams.app.Pipeline.on_travellers` hook: each batch ``screen`` screened,
  decoded once): keeps each traveller in the recent travellers store for retro-screening, and
  evaluates the profiles that apply to API records.
- ``route`` (alerts topic, in batches: a `streams.reader.BatchReader`, librdkafka rather than a
  Faust agent, since alerts can be as many as travellers): republishes every alert, unchanged
  and keyed by its alert_id, to
  ``<prefix>.taskforce.<IATA>`` for each airport in ``alert.airports`` (departure, transits,
  arrival), creating the topic on first use. A replay republishes the same key: consumers
  keep the last record per alert_id, as on the alerts topic.
- ``reload_rules`` (timer): polls the active rules version and switches without a restart.

Agents stay thin: the rules, the contexts and the alerts are built by the injected callables
(matchers/ and the PNRGOV traveller derivation, composed by `paxscreen.risk`). Redis outages
are retried with backoff inside the agent, as in `streams.app`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import faust
import orjson
import redis
from prometheus_client import Counter

from paxscreen.booking import Booking, decode_booking
from paxscreen.errors import InvalidMessage
from paxscreen.kafka import TASKFORCE_CONFIG, ensure_named_topics, taskforce_topic
from paxscreen.models import Alert, Traveller
from paxscreen.settings import Settings
from streams.publish import dead_letter as send_dead_letter
from streams.outbox import DeliveryFailed
from streams.publish import publish_alerts, retry_redis
from streams.reader import BatchReader, Record
from streams.records import headers_dict, utc_now_iso

__all__ = ["Targeting", "targeting_extension"]

log = logging.getLogger(__name__)
_IATA = re.compile(r"^[A-Z0-9]{3}$")


class Rules(Protocol):
    def refresh(self) -> bool: ...
    def current(self) -> Any: ...


class Recent(Protocol):
    def remember(self, travellers: Sequence[Traveller], *, encoded: Sequence[bytes] | None = None) -> int: ...


@dataclass
class Targeting:
    """What the agents call, built by `paxscreen.risk.build_targeting`."""

    rules: Rules
    # (booking, rules, screened_at) -> risk alerts of the booking's travellers
    booking_alerts: Callable[[Booking, Any, str], list[Alert]]
    # (travellers, rules, screened_at) -> risk alerts of API travellers (profiles for `api`)
    api_alerts: Callable[[list[Traveller], Any, str], list[Alert]]
    recent: Recent | None = None
    route: bool = True
    # creates topics by name; default: `paxscreen.kafka.ensure_named_topics`
    create_topics: Callable[[list[str]], Any] | None = None


class _Metrics:
    def __init__(self, registry: Any) -> None:
        self.bookings = Counter(
            "paxscreen_bookings_evaluated_total", "Bookings evaluated against the risk profiles", registry=registry
        )
        self.reloads = Counter(
            "paxscreen_rules_reloads_total", "Rules versions a worker has taken up (the first load included)", registry=registry
        )
        self.routed = Counter(
            "paxscreen_taskforce_routed_total", "Alert records republished to task-force topics", registry=registry
        )
        self.failures = Counter(
            "paxscreen_risk_failures_total", "Bookings or travellers whose risk evaluation raised (a bug)", registry=registry
        )
        self.remembered = Counter(
            "paxscreen_recent_travellers_total", "Travellers kept for retro-screening", registry=registry
        )


def targeting_extension(targeting: Targeting) -> Callable[[faust.App, Settings, Any], None]:
    """The ``Pipeline.extensions`` callable that registers the agents and the timer."""

    def extend(app: faust.App, settings: Settings, pipeline: Any) -> None:
        _register(app, settings, pipeline, targeting)

    return extend


def _register(app: faust.App, settings: Settings, pipeline: Any, t: Targeting) -> None:
    outbox = pipeline.outbox
    alerts_out, deadletter_out = settings.topic("alerts"), settings.topic("deadletter")
    m, tm = pipeline.metrics, _Metrics(pipeline.metrics.registry)
    create = t.create_topics or (lambda names: ensure_named_topics(settings, names, TASKFORCE_CONFIG))
    known_topics: set[str] = set()
    held: dict[str, str | None] = {"version": None}

    def observe(rules: Any) -> Any:
        """Count each switch to another rules version, whichever path loaded it."""
        version = getattr(rules, "version", None)
        if version is not None and version != held["version"]:
            held["version"] = version
            tm.reloads.inc()
        return rules

    async def retrying(op: str, fn: Callable[..., Any], *args: Any) -> Any:
        return await retry_redis(op, fn, *args, observe=m.redis_seconds.labels(op).observe)

    async def publish(alerts: list[Alert]) -> None:
        """Alerts not published before (ledger), awaited, then recorded: as `screen` does."""
        await publish_alerts(alerts, outbox=outbox, topic=alerts_out, ledger=pipeline.ledger, metrics=m,
                             deadletter=deadletter_out)

    def evaluate(fn: Callable[..., list[Alert]], *args: Any) -> list[Alert]:
        """A bug in the core must not stop the agent: count it, log its type (never the data)."""
        try:
            return fn(*args)
        except Exception as exc:  # noqa: BLE001 - a bug in the core must not stop the stream
            tm.failures.inc()
            log.error("risk evaluation failed: %s", type(exc).__name__)
            return []

    async def dead_letter(message: Any, exc: InvalidMessage) -> None:
        await send_dead_letter(
            "target", message.value or b"", exc, message, headers_dict(message.headers),
            outbox=outbox, topic=deadletter_out, metrics=m,
        )

    async def target(batch: list[Record]) -> None:
        bookings: list[Booking] = []
        for record in batch:
            try:
                bookings.append(decode_booking(record.value))
            except InvalidMessage as exc:
                await dead_letter(record, exc)
        if not bookings:
            return
        rules = observe(await retrying("rules", t.rules.current))
        tm.bookings.inc(len(bookings))
        if rules is None:
            return
        now = utc_now_iso()
        await publish([a for b in bookings for a in evaluate(t.booking_alerts, b, rules, now)])

    pipeline.readers.append(BatchReader(settings, "target", settings.topic("bookings"), target, m))

    async def remember(travellers: list[Traveller], encoded: list[bytes]) -> None:
        """Each batch `screen` screened (with each traveller's event as read): kept for
        retro-screening, and API profiles evaluated."""
        if t.recent is not None:
            write = functools.partial(t.recent.remember, travellers, encoded=encoded)
            tm.remembered.inc(await retrying("recent_write", write))
        rules = observe(await retrying("rules", t.rules.current))
        if rules is not None:
            await publish(evaluate(t.api_alerts, travellers, rules, utc_now_iso()))

    pipeline.on_travellers.append(remember)

    async def out_topic(name: str) -> str:
        if name not in known_topics:
            await retrying("create_topics", create, [name])
            known_topics.add(name)
        return name

    async def route(batch: list[Record]) -> None:
        """Each alert of the batch to its airports' task-force topics, all awaited at once."""
        out: list[tuple[str, bytes | None, bytes | None]] = []
        source: dict[tuple, Record] = {}  # each record sent -> the alert it came from
        for r in batch:
            try:
                airports = orjson.loads(r.value).get("airports") or ()
            except (orjson.JSONDecodeError, AttributeError, TypeError):
                log.warning("unreadable alert topic=%s partition=%s offset=%s",
                            r.topic, r.partition, r.offset)
                continue
            names = list(dict.fromkeys(
                taskforce_topic(settings, a) for a in airports
                if isinstance(a, str) and _IATA.match(a.upper())
            ))
            for n in names:
                out.append((await out_topic(n), r.key, r.value))
                source[out[-1]] = r
        try:
            await outbox.send_all(out)
        except DeliveryFailed as exc:  # a task force's topic refused one: keep the alert
            refused = exc.refused
            for a in {(a.topic, a.partition, a.offset): a for a in (source[x] for x in refused)}.values():
                await send_dead_letter("route", a.value or b"", exc, a, headers_dict(a.headers),
                                       outbox=outbox, topic=deadletter_out, metrics=m)
            tm.routed.inc(len(out) - len(refused))
            return
        tm.routed.inc(len(out))

    if t.route:
        pipeline.readers.append(BatchReader(settings, "route", settings.topic("alerts"), route, m))

    @app.timer(interval=max(0.5, settings.rules_reload_seconds))
    async def reload_rules() -> None:
        try:
            await asyncio.to_thread(t.rules.refresh)
            observe(t.rules.current())
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            log.warning("Redis unavailable while checking the rules version (%s)", type(exc).__name__)
