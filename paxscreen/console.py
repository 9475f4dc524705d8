"""The task-force console, terminal edition: follow the alerts topic, one readable line per
alert, filtered to a task force's airports, deduplicated by alert_id."""

from __future__ import annotations

import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

import orjson

from paxscreen.errors import Unavailable
from paxscreen.kafka import client_config, cluster_metadata
from paxscreen.settings import Settings

CHECK_TIMEOUT = 10.0  # seconds a broker has to answer the console's first metadata request
JOIN_TIMEOUT = 60.0  # seconds to be given partitions, when an idle timeout is asked for

KIND_LABEL = {
    "name": "NAME",
    "document": "DOC",
    "stolen_document": "STOLEN-DOC",
    "risk": "RISK",
}


def for_airports(alert: dict, airports: Iterable[str]) -> bool:
    wanted = {a.upper() for a in airports}
    return not wanted or bool(wanted & {a.upper() for a in alert.get("airports") or ()})


def format_alert(alert: dict) -> str:
    """One line a task-force officer reads at a glance."""
    p = alert.get("passenger") or {}
    f = alert.get("flight") or {}
    entry = alert.get("entry") or {}
    name = " ".join(x for x in (p.get("surname"), p.get("given_names")) if x) or "?"
    bits = [f"DOB {p['date_of_birth']}" if p.get("date_of_birth") else None, p.get("nationality")]
    doc = p.get("document_number")
    if doc:
        bits.append(f"doc {doc}{'/' + p['document_country'] if p.get('document_country') else ''}")
    route = "→".join(a for a in alert.get("airports") or () if a)
    dep = (f.get("departure_time") or "")[:16].replace("T", " ")
    reasons = sorted(alert.get("explanation") or (), key=lambda r: -(r.get("weight") or 0) * (r.get("score") or 0))
    why = "; ".join(r.get("detail", "") for r in reasons[:3] if r.get("detail"))
    return (
        f"[{KIND_LABEL.get(alert.get('kind'), str(alert.get('kind')).upper())} {alert.get('score', 0):.2f}] "
        f"{f.get('number') or '?'} {route} {dep} | {name} ({', '.join(b for b in bits if b)}) "
        f"≈ {entry.get('caption') or alert.get('entry_id')} [{alert.get('entry_id')}] | {why}"
    )


def follow_alerts(
    settings: Settings,
    *,
    from_beginning: bool = True,
    idle_timeout: float | None = None,
    stop: Callable[[], bool] | None = None,
) -> Iterator[dict]:
    """Yield each distinct alert (by alert_id) from the alerts topic, live."""
    return follow_topics(
        settings, [settings.topic("alerts")], from_beginning=from_beginning, idle_timeout=idle_timeout, stop=stop
    )


def follow_topics(
    settings: Settings,
    topics: list[str],
    *,
    from_beginning: bool = True,
    idle_timeout: float | None = None,
    stop: Callable[[], bool] | None = None,
) -> Iterator[dict]:
    """Yield each distinct alert (by alert_id) from ``topics``, live (a consumer group of its
    own, so topics created later are picked up). Stops after ``idle_timeout`` seconds without
    a new alert, counted from when the group gave this console its partitions (joining takes
    seconds), or when ``stop()`` is true. `KafkaUnreachable` (exit 3) when no broker answers
    within `CHECK_TIMEOUT`; `Unavailable` when the group is not joined within `JOIN_TIMEOUT`."""
    from confluent_kafka import Consumer, KafkaError

    consumer = Consumer(
        {
            **client_config(settings),
            "group.id": f"paxscreen-console-{uuid.uuid4().hex[:8]}",
            "auto.offset.reset": "earliest" if from_beginning else "latest",
            "enable.auto.commit": False,
            "session.timeout.ms": int(max(6.0, settings.session_timeout) * 1000),
            "topic.metadata.refresh.interval.ms": 5000,
        }
    )
    joined: list[float] = []  # when the first assignment came (possibly of no partition)

    def on_assign(_consumer: Any, _partitions: list) -> None:
        if not joined:
            joined.append(time.monotonic())

    seen: set[str] = set()
    last = 0.0  # when the last new alert came
    quiet = (KafkaError._PARTITION_EOF, KafkaError.UNKNOWN_TOPIC_OR_PART)
    try:
        cluster_metadata(consumer, settings, timeout=CHECK_TIMEOUT)
        consumer.subscribe(topics, on_assign=on_assign)
        started = time.monotonic()
        while True:
            if stop is not None and stop():
                return
            if idle_timeout is not None:
                if joined and time.monotonic() - max(last, joined[0]) > idle_timeout:
                    return
                if not joined and time.monotonic() - started > JOIN_TIMEOUT:
                    raise Unavailable(f"no partitions of {', '.join(topics)} assigned within {JOIN_TIMEOUT:.0f} s "
                                      f"(Kafka at {settings.kafka_bootstrap!r})")
            msg = consumer.poll(0.25)
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() not in quiet:
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


def print_alerts(alerts: Iterable[dict], airports: Iterable[str], as_json: bool, out: TextIO = sys.stdout) -> int:
    n = 0
    airports = list(airports)
    for alert in alerts:
        if not for_airports(alert, airports):
            continue
        n += 1
        out.write((orjson.dumps(alert).decode() if as_json else format_alert(alert)) + "\n")
        out.flush()
    return n
