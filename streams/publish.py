"""What every agent that raises alerts shares: Redis calls retried through outages, and
alert publication through the ledger (at-least-once in, each alert_id out once)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

import redis

from paxscreen.codec import encode_alert
from paxscreen.errors import InvalidMessage, Unavailable
from paxscreen.models import Alert
from streams.ledger import AlertLedger
from streams.metrics import Metrics
from streams.outbox import DeliveryFailed, Outbox
from streams.records import deadletter_record, parse_iso

log = logging.getLogger(__name__)

RETRIED = (redis.ConnectionError, redis.TimeoutError, Unavailable)


async def retry_redis(
    op: str, fn: Callable[..., Any], *args: Any, observe: Callable[[float], None] | None = None
) -> Any:
    """Run a blocking Redis-backed call in a thread, retrying with backoff (0.2 s doubling to
    10 s) while Redis is unreachable: the agent waits, and no offset moves past unscreened data.
    ``observe`` receives the seconds the successful call took."""
    delay = 0.2
    while True:
        try:
            t0 = time.perf_counter()
            result = await asyncio.to_thread(fn, *args)
            if observe is not None:
                observe(time.perf_counter() - t0)
            return result
        except RETRIED as exc:
            log.warning("%s: Redis unavailable (%s); retrying in %.1f s", op, type(exc).__name__, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)


async def dead_letter(
    stage: str,
    raw: bytes,
    exc: Exception,
    message: Any,
    headers: dict[str, str],
    *,
    outbox: Outbox,
    topic: str,
    metrics: Metrics,
) -> None:
    """Send what could not be read to the dead-letter topic: the raw bytes, where they came
    from (``message``: topic, partition, offset, key) and why; awaited like any output."""
    error = exc.to_dict() if isinstance(exc, InvalidMessage) else {"error": type(exc).__name__}
    reason = exc.describe() if isinstance(exc, InvalidMessage) else f"{type(exc).__name__}: {exc}"
    value = deadletter_record(
        stage=stage,
        raw=raw,
        reason=reason,
        error=error,
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        key=message.key,
        headers=headers,
    )
    await outbox.send_all([(topic, message.key, value)])
    metrics.deadletters.labels(stage).inc()
    log.warning(
        "dead-lettered %s record topic=%s partition=%s offset=%s: %s",
        stage, message.topic, message.partition, message.offset, error.get("error"),
    )


async def publish_alerts(
    alerts: Sequence[Alert], *, outbox: Outbox, topic: str, ledger: AlertLedger, metrics: Metrics,
    deadletter: str | None = None,
) -> list[Alert]:
    """Publish the alerts never published before, wait for the broker's acknowledgement, then
    record them in the ledger. A crash between the two republishes the same alert_id, never a
    new one. An alert the broker refuses for good (`DeliveryFailed`: too large...) goes to the
    ``deadletter`` topic instead, with the reason (raised again without one), and is recorded
    too. Returns what was published."""
    unique = list({a.alert_id: a for a in alerts}.values())
    if not unique:
        return []
    m = metrics
    fresh = await retry_redis(
        "ledger_check", ledger.unseen, [a.alert_id for a in unique],
        observe=m.redis_seconds.labels("ledger_check").observe,
    )
    new = [a for a, is_new in zip(unique, fresh, strict=True) if is_new]
    m.alerts_suppressed.inc(len(unique) - len(new))
    published = new
    try:
        await outbox.send_all([(topic, a.alert_id.encode(), encode_alert(a)) for a in new])
    except DeliveryFailed as exc:
        if deadletter is None:
            raise
        refused = {key for _, key, _ in exc.refused}
        published = [a for a in new if a.alert_id.encode() not in refused]
        for a in new:
            if a.alert_id.encode() in refused:
                where = SimpleNamespace(topic=topic, partition=None, offset=None, key=a.alert_id.encode())
                await dead_letter("alert", encode_alert(a), exc, where, {}, outbox=outbox, topic=deadletter,
                                  metrics=metrics)
    await retry_redis(
        "ledger_record", ledger.record, [a.alert_id for a in new],
        observe=m.redis_seconds.labels("ledger_record").observe,
    )
    now = time.time()
    for a in published:
        m.alerts.labels(a.kind).inc()
        sent = parse_iso(a.event_time)
        if sent is not None:
            m.latency.observe(max(0.0, now - sent))
    return published
