"""A task force's own alert feed: the ``<prefix>.taskforce.<IATA>`` topics of its airports.

The worker's router (`streams.targeting`) republishes every alert to the topic of each airport
it concerns (departure, transits, arrival). A task force reads only its airports' topics, and
Kafka ACLs can enforce that (docs/targeting.md): ``paxscreen alerts --airport BRU`` reads
``paxscreen.taskforce.BRU`` with `follow_taskforce` instead of filtering the whole alerts topic.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator

from paxscreen.errors import PaxscreenError, Unavailable
from paxscreen.kafka import TASKFORCE_CONFIG, KafkaUnreachable, ensure_named_topics, taskforce_topic
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
    from paxscreen.console import follow_topics

    topics = taskforce_topics(settings, airports)
    if not topics:
        raise PaxscreenError("give at least one airport")
    try:
        ensure_named_topics(settings, topics, TASKFORCE_CONFIG)
    except KafkaUnreachable:
        raise
    except Unavailable as exc:  # no right to create: the router will
        log.info("task-force topics not created here: %s", exc)
    return follow_topics(settings, topics, from_beginning=from_beginning, idle_timeout=idle_timeout, stop=stop)
