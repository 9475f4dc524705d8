"""How `BatchReader` makes a batch of what librdkafka has fetched (unit: a stand-in for the
consumer's ``consume``; tests/e2e/test_reader.py reads the real broker)."""

from __future__ import annotations

import dataclasses

import pytest

from paxscreen.settings import Settings
from streams.metrics import Metrics
from streams.reader import IDLE_WAIT, BatchReader


@dataclasses.dataclass
class _Msg:
    offset_: int

    def error(self):
        return None

    def topic(self) -> str:
        return "t"

    def partition(self) -> int:
        return 0

    def offset(self) -> int:
        return self.offset_

    def key(self) -> bytes:
        return b"k"

    def value(self) -> bytes:
        return b"v"

    def headers(self):
        return None


class _Consumer:
    """What is fetched now (``queued``), and what arrives during each blocking call after it
    (``arriving``, one list per call that waits)."""

    def __init__(self, queued: int, arriving: list[int]) -> None:
        self.queue = [_Msg(i) for i in range(queued)]
        self.made = queued
        self.arriving = list(arriving)
        self.calls: list[tuple[int, float]] = []

    def consume(self, num_messages: int, timeout: float) -> list[_Msg]:
        self.calls.append((num_messages, timeout))
        if timeout > 0 and self.arriving:
            n = self.arriving.pop(0)
            self.queue += [_Msg(self.made + i) for i in range(n)]
            self.made += n
        out, self.queue = self.queue[:num_messages], self.queue[num_messages:]
        return out


def _reader(consumer: _Consumer, batch_timeout: float) -> BatchReader:
    settings = dataclasses.replace(Settings(), batch_size=100, batch_timeout=batch_timeout)
    reader = BatchReader(settings, "screen", "t", None, Metrics())  # type: ignore[arg-type]
    reader._consumer = consumer
    return reader


def test_records_already_fetched_are_taken_at_once_up_to_a_batch() -> None:
    c = _Consumer(queued=250, arriving=[])
    batch = _reader(c, batch_timeout=0.0)._consume()
    assert [r.offset for r in batch] == list(range(100)) and c.calls == [(100, 0)]


@pytest.mark.parametrize(("batch_timeout", "arriving", "expected"), [
    (0.0, [3], 3),        # the first record and those fetched with it: no wait for more
    (0.05, [3, 40], 43),  # then what arrives within the batch timeout
    (0.05, [3, 500], 100),
])  # fmt: skip
def test_an_idle_reader_waits_for_a_first_record_then_for_more_within_the_timeout(
    batch_timeout, arriving, expected
) -> None:
    c = _Consumer(queued=0, arriving=arriving)
    batch = _reader(c, batch_timeout)._consume()
    assert [r.offset for r in batch] == list(range(expected))
    assert c.calls == [(100, 0), (1, IDLE_WAIT), (99, batch_timeout)]


def test_nothing_arriving_gives_an_empty_batch_after_the_idle_wait() -> None:
    c = _Consumer(queued=0, arriving=[])
    assert _reader(c, batch_timeout=0.05)._consume() == []
    assert c.calls == [(100, 0), (1, IDLE_WAIT)]
