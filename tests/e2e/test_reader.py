"""The batch reader (streams/reader.py) on the real embedded broker: every record handed over
in batches, a batch committed only once its handler returned (a handler that fails leaves its
batch to the next reader of the group: nothing lost), partitions and lag reported."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from confluent_kafka import Producer

from streams.metrics import Metrics
from streams.reader import BatchReader, Record

pytestmark = pytest.mark.e2e


def _write(settings, n: int) -> list[bytes]:
    values = [f"v{i:04d}".encode() for i in range(n)]
    p = Producer({"bootstrap.servers": settings.kafka_bootstrap, "acks": "all"})
    for i, v in enumerate(values):
        p.produce(settings.topic("travellers"), key=f"k{i % 37}".encode(), value=v, headers=[("h", b"x")])
    assert p.flush(30) == 0
    return values


async def _read(reader: BatchReader, until, timeout: float = 60.0, then=None) -> None:
    """Run ``reader`` until ``until()`` holds, await ``then()``, then stop it as the app does."""
    task = asyncio.create_task(reader.run())
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not until() and not task.done() and loop.time() < deadline:
        await asyncio.sleep(0.05)
    if task.done():
        task.result()  # raises what the handler raised
    if then is not None:
        await then()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert until(), "the reader did not get there in time"


def test_every_record_is_handed_over_in_batches_with_its_place(e2e_settings) -> None:
    settings = dataclasses.replace(e2e_settings, batch_size=100)
    values = _write(settings, 1000)
    batches: list[list[Record]] = []
    metrics = Metrics()

    async def handle(batch: list[Record]) -> None:
        batches.append(batch)

    reader = BatchReader(settings, "screen", settings.topic("travellers"), handle, metrics)

    async def main() -> None:
        await _read(reader, lambda: sum(map(len, batches)) >= len(values))
        assert reader.assigned == set()  # left the group on the way out

    asyncio.run(main())
    got = [r for b in batches for r in b]
    assert sorted(r.value for r in got) == values  # each once: nothing lost, nothing twice
    assert max(map(len, batches)) <= 100 and len(batches) >= 10
    assert {r.topic for r in got} == {settings.topic("travellers")}
    assert all(r.headers == [("h", b"x")] and r.key.startswith(b"k") for r in got)
    by_partition: dict[int, list[int]] = {}
    for r in got:
        by_partition.setdefault(r.partition, []).append(r.offset)
    assert len(by_partition) == settings.partitions
    assert all(offsets == sorted(offsets) for offsets in by_partition.values())
    assert metrics.registry.get_sample_value("paxscreen_assigned_partitions") == 0


def test_a_batch_whose_handler_failed_is_read_again_by_the_next_reader(e2e_settings) -> None:
    settings = dataclasses.replace(e2e_settings, batch_size=50)
    values = _write(settings, 400)
    first: list[list[Record]] = []

    async def fail_on_the_second(batch: list[Record]) -> None:
        first.append(batch)
        if len(first) == 2:
            raise RuntimeError("a bug in the handler")

    async def run_first() -> None:
        reader = BatchReader(settings, "screen", settings.topic("travellers"), fail_on_the_second, Metrics())
        with pytest.raises(RuntimeError, match="a bug"):
            await reader.run()

    asyncio.run(run_first())
    done, failed = first[0], first[1]
    second: list[Record] = []
    metrics = Metrics()

    async def keep(batch: list[Record]) -> None:
        second.extend(batch)

    reader = BatchReader(settings, "screen", settings.topic("travellers"), keep, metrics)

    async def lag() -> dict[str, float]:
        await asyncio.sleep(0.5)  # the last batch committed
        await reader.observe_lag()
        return {str(p): metrics.registry.get_sample_value(
            "paxscreen_consumer_lag_messages", {"topic": settings.topic("travellers"), "partition": str(p)})
            for p in sorted(reader.assigned)}

    lags: list[dict] = []

    async def run_second() -> None:
        async def then() -> None:
            lags.append(await lag())

        await _read(reader, lambda: len(second) >= len(values) - len(done), then=then)

    asyncio.run(run_second())
    assert lags == [{str(p): 0.0 for p in range(settings.partitions)}]  # read to the end, reported
    again = {(r.partition, r.offset) for r in second}
    assert {(r.partition, r.offset) for r in failed} <= again  # the failed batch: read again
    assert not {(r.partition, r.offset) for r in done} & again  # the committed one: not
    assert sorted({r.value for r in second} | {r.value for r in done}) == values
