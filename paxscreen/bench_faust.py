"""What the stream framework costs per event: ``python -m paxscreen.bench_faust``.

Starts its own embedded broker (`paxscreen.devstack`), writes ``--count`` records of a
traveller event's size to one topic, then reads them all three times, doing nothing with them:

- with confluent-kafka (librdkafka) alone, as `bench_kafka.passthrough` reads, in this process;
- through the worker's own `streams.reader.BatchReader` (librdkafka in its thread, a handler
  on the event loop, each batch committed), as the ``screen`` stage reads, in this process;
- through a Faust agent taking batches as ``screen`` took them before it had a reader (the
  worker's transport, `streams.transport`, and event loop, `jobs.use_event_loop`), in a child
  process (a Faust worker owns its process).

For each: events/s and CPU time per event, timed from the first batch on. Progress on
stderr; the last line on stdout is one JSON object, with the ratio of the Faust agent's CPU
time to the reader's.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import orjson

from paxscreen.settings import Settings

VALUE = b"x" * 940  # a bench traveller event's size (`paxscreen.codec.encode_traveller`)


def _say(text: str) -> None:
    print(f"[bench-faust] {text}", file=sys.stderr, flush=True)


def _confluent(settings: Settings, topic: str, count: int) -> dict:
    from paxscreen.bench_kafka import reader

    cons = reader(settings, topic)
    n, t0, c0 = 0, 0.0, 0.0
    deadline = time.monotonic() + 300
    while n < count and time.monotonic() < deadline:
        for msg in cons.consume(1000, 0.2):
            if msg.error():
                continue
            if n == 0:
                t0, c0 = time.perf_counter(), time.process_time()
            n += 1
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    cons.close()
    if n < count:
        raise RuntimeError(f"confluent-kafka read {n} of {count} events in 300 s")
    return {"events_per_s": round(n / seconds), "cpu_us_per_event": round(cpu / n * 1e6, 1)}


def _batch_reader(settings: Settings, topic: str, count: int) -> dict:
    """Read through the worker's `BatchReader`, as the ``screen`` stage does (in its own group)."""
    import asyncio
    import dataclasses

    from streams.metrics import Metrics
    from streams.reader import BatchReader

    seen = {"n": 0, "first": 0, "t0": 0.0, "c0": 0.0}
    figures: dict = {}

    async def handle(batch: list) -> None:
        if seen["n"] == 0:  # timed from here, as the Faust reader is
            seen["t0"], seen["c0"], seen["first"] = time.perf_counter(), time.process_time(), len(batch)
        seen["n"] += len(batch)
        if seen["n"] >= count and not figures:
            seconds, cpu = time.perf_counter() - seen["t0"], time.process_time() - seen["c0"]
            timed = max(1, seen["n"] - seen["first"])
            figures.update(events_per_s=round(timed / seconds), cpu_us_per_event=round(cpu / timed * 1e6, 1))

    async def main() -> None:
        own = dataclasses.replace(settings, app_id=f"bench-{uuid.uuid4().hex[:8]}")
        task = asyncio.create_task(BatchReader(own, "reader", topic, handle, Metrics()).run())
        deadline = time.monotonic() + 300
        while not figures and not task.done() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass

    asyncio.run(main())
    if not figures:
        raise RuntimeError(f"the batch reader read {seen['n']} of {count} events in 300 s")
    return figures


def _faust_child(bootstrap: str, topic: str, count: int, workdir: str) -> None:
    """Run in the child: a Faust worker whose one agent counts events, then prints its
    figures as JSON and exits."""
    import faust

    from paxscreen.jobs import use_event_loop
    from paxscreen.settings import from_env
    from streams.transport import make_app_class

    settings = from_env()
    use_event_loop(settings.event_loop)
    app = make_app_class(settings.fetch_max_wait_ms)(
        f"bench-faust-{uuid.uuid4().hex[:8]}", broker=f"kafka://{bootstrap}", key_serializer="raw",
        value_serializer="raw", store="memory://", datadir=str(Path(workdir) / "faust"),
        topic_allow_declare=False, topic_disable_leader=True, consumer_auto_offset_reset="earliest",
        broker_session_timeout=6, broker_heartbeat_interval=0.6, web_enabled=False)
    source = app.topic(topic, key_type=bytes, value_type=bytes)
    seen = {"n": 0, "first": 0, "t0": 0.0, "c0": 0.0}

    @app.agent(source)
    async def count_events(stream: faust.StreamT) -> None:
        # Faust's take() needs a wait of its own to fill a batch (the readers' default is none)
        async for events in stream.take_events(settings.batch_size, within=settings.batch_timeout or 0.05):
            if seen["n"] == 0:  # timed from here: the first batch was read before, not counted
                seen["t0"], seen["c0"], seen["first"] = time.perf_counter(), time.process_time(), len(events)
            seen["n"] += len(events)
            if seen["n"] >= count:
                seconds, cpu = time.perf_counter() - seen["t0"], time.process_time() - seen["c0"]
                timed = max(1, seen["n"] - seen["first"])
                figures = {"events_per_s": round(timed / seconds),
                           "cpu_us_per_event": round(cpu / timed * 1e6, 1)}
                os.write(1, orjson.dumps(figures) + b"\n")  # fd 1: Faust redirects sys.stdout to its log
                os._exit(0)  # a Faust worker's shutdown takes seconds and measures nothing

    sys.argv = [sys.argv[0], "worker", "-l", "error"]
    app.main()


def measure(count: int) -> dict:
    from paxscreen.bench_kafka import write_all
    from paxscreen.devstack import start_broker
    from paxscreen.kafka import ensure_named_topics

    with tempfile.TemporaryDirectory(prefix="paxscreen-bench-faust-") as tmp:
        broker = start_broker(Path(tmp))
        try:
            settings = Settings(kafka_bootstrap=f"127.0.0.1:{broker.port}")
            topic = settings.topic("bench-faust")
            ensure_named_topics(settings, [topic])
            write_all(settings, topic, itertools.repeat(VALUE, count))
            _say(f"{count:,} events written; reading them with confluent-kafka")
            confluent = _confluent(settings, topic, count)
            _say("reading them through the worker's batch reader")
            reader = _batch_reader(settings, topic, count)
            _say("reading them through a Faust agent (child process)")
            child = subprocess.run(
                [sys.executable, "-m", "paxscreen.bench_faust", "--child", settings.kafka_bootstrap, topic,
                 str(count), tmp], capture_output=True, text=True, timeout=600)
            lines = [ln for ln in child.stdout.splitlines() if ln.startswith("{")]
            if not lines:
                why = child.stderr[-2000:]
                raise RuntimeError(f"the Faust reader failed (exit {child.returncode}): {why}")
            faust = orjson.loads(lines[-1])
        finally:
            broker.stop()
    return {
        "events": count,
        "confluent": confluent,
        "reader": reader,
        "faust": faust,
        "faust_cpu_ratio": round(faust["cpu_us_per_event"] / max(reader["cpu_us_per_event"], 0.1), 1),
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        bootstrap, topic, count, workdir = argv[1:5]
        _faust_child(bootstrap, topic, int(count), workdir)
        return 1  # not reached: the child exits once it has read them all
    parser = argparse.ArgumentParser(prog="python -m paxscreen.bench_faust",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="events written and read (100,000)")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    print(orjson.dumps(measure(args.count)).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
