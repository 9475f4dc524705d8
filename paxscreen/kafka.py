"""Kafka plumbing shared by the command line, producers and the worker: the topic catalogue,
topic creation (AdminClient), and client configs. Kafka protocol only, so the same code runs
on the embedded Tansu broker and on Apache Kafka.

Topics (``<prefix>.<name>``):

- ``raw``: airline messages exactly as received (value = the bytes; headers = source
  metadata; key = flight key when readable). Nothing is ever lost: everything can be replayed.
- ``travellers``: one traveller event per passenger/crew member (schema paxscreen.traveller/1).
- ``bookings``: one booking event per PNR pushed (schema paxscreen.booking/1).
- ``alerts``: screening alerts (schema paxscreen.alert/1), key = alert_id, compacted.
- ``deadletter``: messages that could not be read: raw bytes, source offset and the reason.
- ``dispositions``: task forces' outcomes of alerts (schema paxscreen.disposition/1), key = alert_id.
- ``taskforce.<IATA>``: every alert concerning that airport (created on first use by the worker's
  router, `taskforce_topic`), key = alert_id, compacted. Kafka ACLs on these topics give each task
  force its own airports only (docs/targeting.md).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from paxscreen.errors import Unavailable
from paxscreen.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TopicSpec:
    name: str
    description: str
    config: tuple[tuple[str, str], ...] = ()


DEADLETTER_MAX_BYTES = 4 * 1024 * 1024

TOPICS: tuple[TopicSpec, ...] = (
    TopicSpec("raw", "airline messages as received (bytes + source headers)", (("retention.ms", "604800000"),)),
    TopicSpec("travellers", "traveller events, paxscreen.traveller/1"),
    TopicSpec("bookings", "PNR booking events, paxscreen.booking/1, keyed by record locator"),
    TopicSpec("alerts", "screening alerts, paxscreen.alert/1, keyed by alert_id", (("cleanup.policy", "compact,delete"),)),
    # A dead letter carries the raw message base64-encoded (4/3 of its size) plus the reason:
    # room for a raw message as large as the producers send (1 MB).
    TopicSpec(
        "deadletter",
        "unreadable messages: raw bytes, source offset, reason",
        (("max.message.bytes", str(DEADLETTER_MAX_BYTES)),),
    ),
    TopicSpec("dispositions", "task-force outcomes of alerts, paxscreen.disposition/1, keyed by alert_id"),
)
TASKFORCE_CONFIG = (("cleanup.policy", "compact,delete"),)

# Raw-message headers (all values UTF-8 bytes).
H_SOURCE = "paxscreen-source"  # where it came from: a file name, an endpoint, "stdin"
H_RECEIVED_AT = "paxscreen-received-at"  # UTC ISO time paxscreen received it
H_FORMAT = "paxscreen-format"  # paxlst | pnrgov | unknown (a guess; the worker decides)


# librdkafka's own log lines (a broker that does not answer: ``%3|...|FAIL|...``, again at every
# retry) go through Python logging to this logger: the command line shows them with --verbose
# only, having said what failed in a line of its own (`cluster_metadata`); the worker logs them.
LIBRDKAFKA_LOG = logging.getLogger("paxscreen.librdkafka")


class KafkaUnreachable(Unavailable):
    """No broker of the bootstrap servers answered."""


def client_config(settings: Settings) -> dict[str, object]:
    return {"bootstrap.servers": settings.kafka_bootstrap, "client.id": "paxscreen", "logger": LIBRDKAFKA_LOG}


def cluster_metadata(client: Any, settings: Settings, *, topic: str | None = None, timeout: float = 15.0) -> Any:
    """The cluster's metadata (of ``topic`` only, if given) as ``client`` (an AdminClient,
    Consumer or Producer) gets it: `KafkaUnreachable` naming the bootstrap servers when no
    broker answers within ``timeout`` seconds. Commands call it before they read or write, so
    an outage is one clear line and exit 3, not a wait on librdkafka's retries."""
    from confluent_kafka import KafkaException

    try:
        return client.list_topics(topic, timeout=timeout)
    except KafkaException as exc:
        raise KafkaUnreachable(f"Kafka at {settings.kafka_bootstrap!r} is not reachable: {exc}") from exc


def producer_config(settings: Settings) -> dict[str, object]:
    """Idempotent, acks=all: a retried send never doubles a message in the log."""
    return {
        **client_config(settings),
        "enable.idempotence": True,
        "acks": "all",
        "linger.ms": 5,
        "compression.type": "none",
    }


def ensure_topics(settings: Settings, *, timeout: float = 15.0) -> list[str]:
    """Create the catalogue's topics with the configured partitions; existing ones are kept.
    Returns the names created."""
    from confluent_kafka import KafkaException
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient(client_config(settings))
    existing = set(cluster_metadata(admin, settings, timeout=timeout).topics)
    wanted = [t for t in TOPICS if settings.topic(t.name) not in existing]
    if not wanted:
        return []
    created: list[str] = []

    def new(spec: TopicSpec, with_config: bool) -> NewTopic:
        return NewTopic(
            settings.topic(spec.name),
            num_partitions=settings.partitions,
            replication_factor=settings.replication,
            config=dict(spec.config) if with_config else {},
        )

    futures = admin.create_topics([new(t, True) for t in wanted], operation_timeout=timeout)
    retry: list[TopicSpec] = []
    for spec in wanted:
        name = settings.topic(spec.name)
        try:
            futures[name].result(timeout)
            created.append(name)
        except KafkaException as exc:
            err = exc.args[0]
            if getattr(err, "name", lambda: "")() == "TOPIC_ALREADY_EXISTS":
                continue
            if spec.config:
                # Some brokers (the embedded one) reject topic configs they don't know.
                retry.append(spec)
                continue
            raise Unavailable(f"cannot create topic {name!r}: {exc}") from exc
    if retry:
        futures = admin.create_topics([new(t, False) for t in retry], operation_timeout=timeout)
        for spec in retry:
            name = settings.topic(spec.name)
            try:
                futures[name].result(timeout)
                created.append(name)
                log.warning("topic %s created without its config %s", name, dict(spec.config))
            except KafkaException as exc:
                raise Unavailable(f"cannot create topic {name!r}: {exc}") from exc
    return created


def taskforce_topic(settings: Settings, airport: str) -> str:
    """``<prefix>.taskforce.<IATA>``: the alerts of one airport's task force."""
    return settings.topic(f"taskforce.{airport.upper()}")


def ensure_named_topics(
    settings: Settings, names: list[str], config: tuple[tuple[str, str], ...] = (), *, timeout: float = 15.0
) -> list[str]:
    """Create topics by full name (partitions and replication from settings) unless they exist;
    a broker that rejects ``config`` gets the topic without it. Returns the names created."""
    from confluent_kafka import KafkaException
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient(client_config(settings))
    existing = set(cluster_metadata(admin, settings, timeout=timeout).topics)
    created: list[str] = []
    for attempt in (dict(config), {}):
        wanted = [n for n in dict.fromkeys(names) if n not in existing and n not in created]
        if not wanted:
            break
        new = [NewTopic(n, num_partitions=settings.partitions, replication_factor=settings.replication, config=attempt) for n in wanted]
        failed = []
        for name, fut in admin.create_topics(new, operation_timeout=timeout).items():
            try:
                fut.result(timeout)
                created.append(name)
            except KafkaException as exc:
                if getattr(exc.args[0], "name", lambda: "")() == "TOPIC_ALREADY_EXISTS":
                    existing.add(name)
                elif not attempt:
                    raise Unavailable(f"cannot create topic {name!r}: {exc}") from exc
                else:
                    failed.append(name)
        if not failed:
            break
        log.warning("topics %s created without their config %s", failed, attempt)
    return created
