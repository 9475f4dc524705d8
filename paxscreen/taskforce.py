"""A task force's own alert feed: the ``<prefix>.taskforce.<IATA>`` topics of its airports.

The worker's router (`streams.targeting`) republishes every alert to the topic of each airport
it concerns (departure, transits, arrival). A task force reads only its airports' topics, and
Kafka ACLs can enforce that (docs/targeting.md): ``paxscreen alerts --airport BRU`` reads
``paxscreen.taskforce.BRU`` with `follow_taskforce` instead of filtering the whole alerts topic.
"""

from __future__ import annotations

import logging
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator

import orjson

from paxscreen.errors import PaxscreenError, Unavailable
from paxscreen.kafka import TASKFORCE_CONFIG, client_config, ensure_named_topics, taskforce_topic
from paxscreen.settings import Settings

__all__ = ["follow_taskforce", "taskforce_topics"]

log = logging.getLogger(__name__)


def taskforce_topics(settings: Settings, airports: Iterable[str]) -> list[str]:
    names = []
    for a in airports:
        code = (a or "").strip().upper()
        if len(code) != 3 or not code.isalnum():
            raise PaxscreenError(f"airport {a!r} is not a 3-letter IATA code")
        names.append(taskforce_topic(settings, code))
    return list(dict.fromkeys(names))


def follow_taskforce(
    settings: Settings,
    airports: Iterable[str],
    *,
    from_beginning: bool = True,
    idle_timeout: float | None = None,
    stop: Callable[[], bool] | None = None,
) -> Iterator[dict]:
    """Yield each distinct alert (by alert_id) from the task-force topics of ``airports``, live;
    the same contract as `paxscreen.console.follow_alerts`. Topics not created yet (no alert
    so far) are created when this client may; otherwise they are read once they exist."""
    from confluent_kafka import Consumer, KafkaError

    topics = taskforce_topics(settings, airports)
    if not topics:
        raise PaxscreenError("give at least one airport")
    try:
        ensure_named_topics(settings, topics, TASKFORCE_CONFIG)
    except Unavailable as exc:  # no right to create: the router will
        log.info("task-force topics not created here: %s", exc)
    consumer = Consumer(
        {
            **client_config(settings),
            "group.id": f"paxscreen-taskforce-{uuid.uuid4().hex[:8]}",
            "auto.offset.reset": "earliest" if from_beginning else "latest",
            "enable.auto.commit": False,
            "session.timeout.ms": int(max(6.0, settings.session_timeout) * 1000),
            "topic.metadata.refresh.interval.ms": 5000,
        }
    )
    consumer.subscribe(topics)
    seen: set[str] = set()
    last = time.monotonic()
    try:
        while True:
            if stop is not None and stop():
                return
            if idle_timeout is not None and time.monotonic() - last > idle_timeout:
                return
            msg = consumer.poll(0.25)
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() not in (KafkaError._PARTITION_EOF, KafkaError.UNKNOWN_TOPIC_OR_PART):
                    print(f"paxscreen alerts: {msg.error()}", file=sys.stderr)
                continue
            try:
                alert = orjson.loads(msg.value())
            except orjson.JSONDecodeError:
                continue
            aid = alert.get("alert_id") if isinstance(alert, dict) else None
            if not aid or aid in seen:
                continue
            seen.add(aid)
            last = time.monotonic()
            yield alert
    finally:
        consumer.close()
