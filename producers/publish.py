"""Publishing airline files to the raw topic, exactly as received.

The value is the file's bytes, untouched; headers carry where it came from and when; the key
is the flight key when the message can be read (so every part of one flight's manifest lands
on one partition, in order), else a digest of the bytes. Unreadable messages are published
too: the worker dead-letters them with the reason, so nothing an airline sent is lost.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from paxscreen.errors import InvalidMessage, PaxscreenError, Unavailable
from paxscreen.kafka import H_FORMAT, H_RECEIVED_AT, H_SOURCE, cluster_metadata, producer_config
from paxscreen.settings import Settings
from producers.decode import read_message

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 900_000  # below Kafka's default 1 MiB message.max.bytes


@dataclass(frozen=True, slots=True)
class RawMessage:
    source: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Published:
    source: str
    format: str
    key: str
    travellers: int | None  # None when the message could not be read (it will be dead-lettered)
    problem: str | None


# What a directory holds beside airline messages: documentation (a sample folder's
# SOURCES.md, a README), never read from a directory; a file named on its own always is.
DOC_SUFFIXES = frozenset({".md", ".markdown", ".rst", ".adoc", ".html", ".htm", ".pdf", ".doc", ".docx"})
DOC_NAMES = ("readme", "license", "licence", "notice", "changelog", "sources", "authors")


def is_documentation(path: Path) -> bool:
    """Whether a file in a directory of messages is its documentation: by its suffix
    (`DOC_SUFFIXES`) or its name (README, LICENSE, SOURCES...: `DOC_NAMES`, any suffix but .edi)."""
    name = path.name.lower()
    return path.suffix.lower() in DOC_SUFFIXES or (name.startswith(DOC_NAMES) and path.suffix.lower() != ".edi")


def iter_inputs(paths: Iterable[str], skipped: list[str] | None = None) -> Iterator[RawMessage]:
    """Files, directories (every regular file inside, sorted, recursively, but hidden files and
    documentation, `is_documentation`, whose paths go to ``skipped``) or ``-`` for stdin."""
    for p in paths:
        if p == "-":
            yield RawMessage("stdin", sys.stdin.buffer.read())
            continue
        path = Path(p)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if not child.is_file() or child.name.startswith("."):
                    continue
                if is_documentation(child):
                    if skipped is not None:
                        skipped.append(str(child))
                    continue
                yield RawMessage(str(child), child.read_bytes())
        elif path.is_file():
            yield RawMessage(str(path), path.read_bytes())
        else:
            raise PaxscreenError(f"{p!r}: no such file or directory")


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def message_key(msg: RawMessage) -> tuple[str, str, int | None, str | None]:
    """(key, format, traveller count, problem) for one raw message, reading it if possible."""
    try:
        decoded = read_message(msg.data, source=msg.source)
    except InvalidMessage as exc:
        digest = hashlib.blake2b(msg.data, digest_size=12).hexdigest()
        return f"raw/{digest}", "unknown", None, exc.describe()
    travellers = decoded.travellers
    if travellers:
        return travellers[0].flight.key, decoded.format, len(travellers), None
    digest = hashlib.blake2b(msg.data, digest_size=12).hexdigest()
    return f"raw/{digest}", decoded.format, 0, None


class RawPublisher:
    """A thin idempotent confluent-kafka producer for the raw topic."""

    def __init__(self, settings: Settings) -> None:
        from confluent_kafka import Producer

        self.settings = settings
        self.topic = settings.topic("raw")
        self._errors: list[str] = []
        self._producer = Producer({**producer_config(settings), "message.max.bytes": 1_000_000})
        # the topic's partitions now: asked at the first send, they would hold the first
        # messages back ~1 s after `utc_now` stamped them; and no broker is one clear error
        cluster_metadata(self._producer, settings, topic=self.topic)

    def _on_delivery(self, err: object, _msg: object) -> None:
        if err is not None:
            self._errors.append(str(err))

    def publish(self, msg: RawMessage) -> Published:
        if len(msg.data) > MAX_MESSAGE_BYTES:
            raise InvalidMessage(
                f"message is {len(msg.data)} bytes, over the {MAX_MESSAGE_BYTES} limit; split it into parts",
                source=msg.source,
            )
        key, fmt, count, problem = message_key(msg)
        headers = [
            (H_SOURCE, msg.source.encode()),
            (H_RECEIVED_AT, utc_now().encode()),
            (H_FORMAT, fmt.encode()),
        ]
        while True:
            try:
                self._producer.produce(
                    self.topic,
                    value=msg.data,
                    key=key.encode(),
                    headers=headers,
                    on_delivery=self._on_delivery,
                )
                break
            except BufferError:
                self._producer.poll(0.1)
        self._producer.poll(0)
        return Published(msg.source, fmt, key, count, problem)

    def flush(self, timeout: float = 30.0) -> None:
        remaining = self._producer.flush(timeout)
        if remaining:
            raise Unavailable(
                f"{remaining} message(s) not delivered to {self.settings.kafka_bootstrap!r} in {timeout:.0f} s"
            )
        if self._errors:
            raise Unavailable(f"delivery failed: {self._errors[0]}")
