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
    (``arriving``, one list per call that waits); each blocking call moves the fake clock
    (``now``) on by its timeout."""

    def __init__(self, queued: int, arriving: list[int]) -> None:
        self.queue = [_Msg(i) for i in range(queued)]
        self.made = queued
        self.arriving = list(arriving)
        self.calls: list[tuple[int, float]] = []
        self.now = 0.0

    def consume(self, num_messages: int, timeout: float) -> list[_Msg]:
        self.calls.append((num_messages, round(timeout, 6)))
        self.now += timeout
        if timeout > 0 and self.arriving:
            n = self.arriving.pop(0)
            self.queue += [_Msg(self.made + i) for i in range(n)]
            self.made += n
        out, self.queue = self.queue[:num_messages], self.queue[num_messages:]
        return out


@pytest.fixture(autouse=True)
def _clock(monkeypatch) -> None:
    """The reader's clock is the stand-in consumer's (set per test by `_reader`)."""
    monkeypatch.setattr("streams.reader.time.monotonic", lambda: _CLOCK[0].now if _CLOCK else 0.0)
    _CLOCK.clear()


_CLOCK: list[_Consumer] = []


def _reader(consumer: _Consumer, batch_timeout: float, batch_gap: float = 0.003) -> BatchReader:
    settings = dataclasses.replace(Settings(), batch_size=100, batch_timeout=batch_timeout, batch_gap=batch_gap)
    reader = BatchReader(settings, "screen", "t", None, Metrics())  # type: ignore[arg-type]
    reader._consumer = consumer
    _CLOCK.append(consumer)
    return reader


def test_records_already_fetched_are_taken_at_once_up_to_a_batch() -> None:
    c = _Consumer(queued=250, arriving=[])
    batch = _reader(c, batch_timeout=0.0)._consume()
    assert [r.offset for r in batch] == list(range(100)) and c.calls == [(100, 0)]


@pytest.mark.parametrize(("batch_timeout", "arriving", "expected", "calls"), [
    # the first record and those fetched with it: no wait for more
    (0.0, [3], 3, []),
    # then more while they keep coming (a message's travellers), until a gap without any
    (0.05, [3, 40], 43, [(97, 0.003), (57, 0.003)]),
    (0.05, [3, 40, 0, 9], 43, [(97, 0.003), (57, 0.003)]),
    # or a full batch
    (0.05, [3, 500], 100, [(97, 0.003)]),
    # or the batch timeout: the last wait is what is left of it
    (0.01, [1] + [2] * 20, 9, [(99, 0.003), (97, 0.003), (95, 0.003), (93, 0.001)]),
])  # fmt: skip
def test_an_idle_reader_waits_for_a_first_record_then_for_more_while_they_keep_coming(
    batch_timeout, arriving, expected, calls
) -> None:
    c = _Consumer(queued=0, arriving=arriving)
    batch = _reader(c, batch_timeout)._consume()
    assert [r.offset for r in batch] == list(range(expected))
    assert c.calls == [(100, 0), (1, IDLE_WAIT), (100 - 1, 0), *calls]


def test_records_already_fetched_then_gather_what_follows_them() -> None:
    c = _Consumer(queued=30, arriving=[20])
    batch = _reader(c, batch_timeout=0.05)._consume()
    assert len(batch) == 50 and c.calls == [(100, 0), (70, 0.003), (50, 0.003)]


def test_no_gap_waits_out_the_batch_timeout() -> None:
    c = _Consumer(queued=0, arriving=[3, 5])
    batch = _reader(c, batch_timeout=0.05, batch_gap=0.0)._consume()
    assert len(batch) == 8 and c.calls == [(100, 0), (1, IDLE_WAIT), (99, 0), (97, 0.05)]


def test_nothing_arriving_gives_an_empty_batch_after_the_idle_wait() -> None:
    c = _Consumer(queued=0, arriving=[])
    assert _reader(c, batch_timeout=0.05)._consume() == []
    assert c.calls == [(100, 0), (1, IDLE_WAIT)]


def test_offsets_the_broker_skipped_are_counted_and_logged(caplog) -> None:
    """The topics hold a record at every offset: one never received is a record lost to the
    reader, which commits past it; it must show (a metric, a warning without any content)."""
    c = _Consumer(queued=0, arriving=[])
    reader = _reader(c, batch_timeout=0.0)
    c.queue = [_Msg(o) for o in (0, 1, 2)]
    reader._consume()
    c.queue = [_Msg(o) for o in (3, 6, 7)]  # 4 and 5 never came
    with caplog.at_level("WARNING", logger="streams.reader"):
        reader._consume()
    metrics = reader.metrics
    assert metrics.offset_gaps.labels("screen")._value.get() == 2
    assert metrics.records_read.labels("screen")._value.get() == 6
    assert "partition 0: offsets 4-5 never received" in caplog.text


def test_a_new_assignment_expects_no_offset_in_particular() -> None:
    c = _Consumer(queued=0, arriving=[])
    reader = _reader(c, batch_timeout=0.0)
    c.queue = [_Msg(o) for o in (0, 1)]
    reader._consume()
    reader._revoke(None, [dataclasses.make_dataclass("TP", ["partition"])(0)])
    reader._assign(None, [dataclasses.make_dataclass("TP", ["partition"])(0)])
    c.queue = [_Msg(o) for o in (40, 41)]  # another member read 2-39 meanwhile
    reader._consume()
    c.queue = [_Msg(o) for o in (1, 2)]  # read again after a refused commit: not a gap either
    reader._consume()
    assert reader.metrics.offset_gaps.labels("screen")._value.get() == 0
