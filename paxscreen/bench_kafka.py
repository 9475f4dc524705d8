"""Kafka-side helpers of `paxscreen bench`: a paced long-lived producer of PAXLST manifests, a
collector of alerts (event-to-alert latency), the passthrough baseline, worker processes and
their metrics."""

from __future__ import annotations

import itertools
import math
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from paxscreen.kafka import H_FORMAT, H_RECEIVED_AT, H_SOURCE, producer_config
from paxscreen.settings import Settings
from streams.records import parse_iso, utc_now_iso

__all__ = [
    "AlertCollector", "Pacer", "RssSampler", "Workers", "by_window", "passthrough", "percentiles", "reader",
    "write_all",
]


def percentiles(values: Sequence[float], qs: Sequence[float] = (50, 95, 99)) -> dict[str, float | None]:
    """Nearest-rank percentiles in milliseconds (None without values)."""
    out: dict[str, float | None] = {}
    s = sorted(values)
    for q in qs:
        rank = min(len(s), max(1, math.ceil(q / 100 * len(s) - 1e-9)))  # nearest rank
        out[f"p{q:g}_ms"] = round(1000 * s[rank - 1], 1) if s else None
    return out


def by_window(latencies: Iterable[tuple[float, float]], t0: float, width: float) -> list[list]:
    """Latency through a long phase: ``latencies`` as (arrival, seconds) pairs, grouped by when
    their raw message was sent (arrival minus latency) in windows of ``width`` seconds from
    ``t0``: ``[window start (s), alerts, p50 ms, p99 ms]`` per window that has alerts."""
    groups: dict[int, list[float]] = {}
    for at, lat in latencies:
        if at >= t0:
            groups.setdefault(max(0, int((at - lat - t0) // width)), []).append(lat)
    out = []
    for k in sorted(groups):
        p = percentiles(groups[k], (50, 99))
        out.append([round(k * width, 1), len(groups[k]), p["p50_ms"], p["p99_ms"]])
    return out


class Pacer:
    """One long-lived idempotent producer (its first send pays the broker's InitProducerId),
    publishing raw manifests at a controlled rate of travellers per second, each stamped with
    ``paxscreen-received-at`` when it is sent."""

    def __init__(self, settings: Settings) -> None:
        from confluent_kafka import Producer

        self.topic = settings.topic("raw")
        self.producer = Producer({**producer_config(settings), "linger.ms": 2, "message.max.bytes": 1_000_000})
        self.errors: list[str] = []

    def _done(self, err, _msg) -> None:
        if err is not None:
            self.errors.append(str(err))

    def send(self, key: bytes, data: bytes) -> None:
        headers = [(H_SOURCE, b"bench"), (H_RECEIVED_AT, utc_now_iso().encode()), (H_FORMAT, b"paxlst")]
        while True:
            try:
                self.producer.produce(self.topic, value=data, key=key, headers=headers, on_delivery=self._done)
                break
            except BufferError:
                self.producer.poll(0.05)
        self.producer.poll(0)

    def publish(self, manifests: Sequence[tuple[bytes, bytes, int]], rate: float | None) -> float:
        """Send (key, bytes, travellers) manifests; ``rate`` travellers/s (None: as fast as
        possible). Returns the seconds it took."""
        if not rate:
            return self.publish_at([(0.0, m) for m in manifests])
        dues = itertools.accumulate((n for _, _, n in manifests), initial=0)
        return self.publish_at([(sent / rate, m) for sent, m in zip(dues, manifests, strict=False)])

    def publish_at(self, schedule: Sequence[tuple[float, tuple[bytes, bytes, int]]]) -> float:
        """Send each (key, bytes, travellers) manifest of ``schedule`` once its seconds from the
        start have passed (in order). Returns the seconds it took."""
        t0 = time.perf_counter()
        for due_s, (key, data, _) in schedule:
            due = t0 + due_s
            while (now := time.perf_counter()) < due:
                time.sleep(min(0.01, due - now))
            self.send(key, data)
        self.producer.flush(60)
        return time.perf_counter() - t0


@dataclass
class AlertCollector:
    """Reads the alerts topic from its end in a thread: arrival time minus the raw message's
    ``paxscreen-received-at`` (carried in the alert's ``event_time``) per alert."""

    settings: Settings
    latencies: list[tuple[float, float]] = field(default_factory=list)  # (arrival, seconds)
    # (arrival, until screened, screened to published, published to arrival): seconds per alert
    stages: list[tuple[float, float, float, float]] = field(default_factory=list)
    alert_ids: set[str] = field(default_factory=set)
    duplicates: int = 0
    entries: dict[str, str] = field(default_factory=dict)  # traveller event id -> entry id

    def __post_init__(self) -> None:
        from confluent_kafka import Consumer

        self._consumer = Consumer({
            "bootstrap.servers": self.settings.kafka_bootstrap,
            "group.id": f"bench-alerts-{uuid.uuid4().hex[:8]}",
            "auto.offset.reset": "latest",
            "enable.auto.commit": False,
            "fetch.wait.max.ms": 10,
            "session.timeout.ms": 6000,
        })
        self._assigned = threading.Event()
        self._consumer.subscribe([self.settings.topic("alerts")], on_assign=lambda c, p: self._assigned.set())
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def wait_assigned(self, timeout: float = 30.0) -> bool:
        return self._assigned.wait(timeout)

    def _run(self) -> None:
        consume = self._consumer.consume
        while not self._stop.is_set():
            # what has arrived, else the first to arrive: consume(500, t) would hold early
            # arrivals until 500 came or t passed, and count that wait as latency
            for msg in consume(500, 0) or consume(1, 0.05):
                if msg.error():
                    continue
                now = time.time()
                a = orjson.loads(msg.value())
                if a["alert_id"] in self.alert_ids:
                    self.duplicates += 1
                    continue
                self.alert_ids.add(a["alert_id"])
                self.entries[a["traveller_event_id"]] = a["entry_id"]
                t = parse_iso(a.get("event_time"))
                if t is not None:
                    self.latencies.append((now, now - t))
                    screened = parse_iso(a.get("screened_at"))
                    kind, ms = msg.timestamp()
                    if screened is not None and kind and ms > 0:
                        self.stages.append((now, screened - t, ms / 1000 - screened, now - ms / 1000))

    def since(self, t0: float) -> list[float]:
        return [lat for at, lat in list(self.latencies) if at >= t0]

    def stages_since(self, t0: float) -> dict[str, dict[str, float | None]]:
        """Where the latency of alerts arrived since ``t0`` went, as percentiles of each stage:
        ``screened`` (the raw message's arrival to the alert's ``screened_at``: reading, the
        hops to a worker, waiting for it and screening), ``published`` (``screened_at`` to the
        alert record's timestamp: the ledger and the producer) and ``delivered`` (that to its
        arrival here: the broker and this consumer). The clocks are this machine's."""
        rows = [r[1:] for r in list(self.stages) if r[0] >= t0]
        return {name: percentiles([r[i] for r in rows])
                for i, name in enumerate(("screened", "published", "delivered"))}

    def settle(self, quiet: float = 1.0, most: float = 15.0) -> None:
        """Wait until no alert has arrived for ``quiet`` seconds (at most ``most``): the last
        batch's alerts are published after its travellers count as screened."""
        start = seen_at = time.monotonic()
        seen = len(self.latencies)
        while time.monotonic() - seen_at < quiet and time.monotonic() - start < most:
            time.sleep(0.1)
            if len(self.latencies) != seen:
                seen, seen_at = len(self.latencies), time.monotonic()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._consumer.close()


def write_all(settings: Settings, topic: str, values: Iterable[bytes]) -> None:
    """Write ``values`` to ``topic`` (keys spread over 64), returning once all are acknowledged."""
    from confluent_kafka import Producer

    prod = Producer({**producer_config(settings), "linger.ms": 5})
    for i, v in enumerate(values):
        while True:
            try:
                prod.produce(topic, value=v, key=str(i % 64).encode())
                break
            except BufferError:
                prod.poll(0.05)
    prod.flush(120)


def reader(settings: Settings, topic: str):  # -> confluent_kafka.Consumer
    """A consumer of ``topic`` from its start, in a group of its own, committing nothing."""
    from confluent_kafka import Consumer

    cons = Consumer({
        "bootstrap.servers": settings.kafka_bootstrap,
        "group.id": f"bench-reader-{uuid.uuid4().hex[:8]}",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "fetch.wait.max.ms": 10,
        "session.timeout.ms": 6000,
    })
    cons.subscribe([topic])
    return cons


def passthrough(settings: Settings, values: Sequence[bytes], *, topic_in: str, topic_out: str) -> float:
    """The machine's ceiling: one Python process consuming small messages from the broker,
    decoding them (orjson) and producing them again (confluent-kafka, batched), no screening.
    Returns messages per second, from the first message consumed to the last one acknowledged."""
    from confluent_kafka import Producer

    write_all(settings, topic_in, values)
    cons = reader(settings, topic_in)
    out = Producer({**producer_config(settings), "linger.ms": 5})
    n, t0 = 0, None
    deadline = time.monotonic() + 300
    while n < len(values) and time.monotonic() < deadline:
        for msg in cons.consume(1000, 0.2):
            if msg.error():
                continue
            if t0 is None:
                t0 = time.perf_counter()
            doc = orjson.loads(msg.value())
            while True:
                try:
                    out.produce(topic_out, value=orjson.dumps(doc), key=msg.key())
                    break
                except BufferError:
                    out.poll(0.01)
            n += 1
        out.poll(0)
    out.flush(120)
    seconds = time.perf_counter() - (t0 or time.perf_counter())
    cons.close()
    return n / seconds if seconds > 0 else 0.0


# --- worker processes -------------------------------------------------------------------------


def _scrape(port: int) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
            return r.read().decode()
    except OSError:
        return ""


def metric(text: str, name: str) -> float:
    return sum(float(m.group(1)) for m in re.finditer(rf"^{name}(?:{{[^}}]*}})? ([0-9.e+-]+)$", text, re.MULTILINE))


class RssSampler:
    """The workers' RSS every ``every`` seconds, in a thread: ``samples`` is a list of
    ``[seconds since start, [MB per worker], [token table size per worker]]`` (memory growth
    over a long fixed-load run, and how full the screener's bounded token table is)."""

    def __init__(self, workers, every: float) -> None:
        self.samples: list = []
        self._stop = threading.Event()
        self._t0 = time.monotonic()
        self._workers = workers
        self._thread = threading.Thread(target=self._run, args=(every,), name="rss-sampler", daemon=True)
        self._thread.start()

    def _run(self, every: float) -> None:
        while True:
            self._sample()
            if self._stop.wait(every):
                return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._sample()

    def growth_second_half(self) -> list[float]:
        """Per worker, RSS at the last sample minus RSS at the first sample of the second half
        of the sampled time (memory growth once the caches have had half the run to fill)."""
        end = self.samples[-1]
        mid = next(s for s in self.samples if s[0] >= end[0] / 2)
        return [round(b - a, 1) for a, b in zip(mid[1], end[1], strict=True)]

    def _sample(self) -> None:
        w = self._workers
        self.samples.append([round(time.monotonic() - self._t0, 1), w.rss_mb(),
                             [int(v) for v in w.each("paxscreen_screen_cache_tokens")]])


class Workers:
    """``count`` real `paxscreen worker` processes of one consumer group (the command operators
    run), each with its own metrics port and state directory."""

    def __init__(self, settings: Settings, count: int, workdir: Path, env: dict[str, str]) -> None:
        from paxscreen.devstack import free_port

        self.procs: list[subprocess.Popen] = []
        self.ports: list[int] = []
        for i in range(count):
            port = free_port()
            e = {
                **os.environ,
                **env,
                "PAXSCREEN_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
                "PAXSCREEN_REDIS_URL": settings.redis_url,
                "PAXSCREEN_TOPIC_PREFIX": settings.topic_prefix,
                "PAXSCREEN_APP_ID": settings.app_id,
                "PAXSCREEN_PARTITIONS": str(settings.partitions),
                "PAXSCREEN_METRICS_PORT": str(port),
                "PAXSCREEN_STATE_DIR": str(workdir / f"worker-{i}"),
                "PAXSCREEN_SESSION_TIMEOUT": str(settings.session_timeout),
            }
            log = open(workdir / f"worker-{i}.log", "wb")  # noqa: SIM115
            self.procs.append(subprocess.Popen([sys.executable, "-m", "paxscreen", "worker"], env=e,
                                               stdout=log, stderr=subprocess.STDOUT))
            self.ports.append(port)

    def total(self, name: str) -> float:
        return sum(metric(_scrape(p), name) for p in self.ports)

    def each(self, name: str) -> list[float]:
        return [metric(_scrape(p), name) for p in self.ports]

    def dead(self) -> list[int]:
        return [p.pid for p in self.procs if p.poll() is not None]

    def rss_mb(self) -> list[float]:
        import psutil

        out = []
        for p in self.procs:
            try:
                out.append(round(psutil.Process(p.pid).memory_info().rss / 2**20, 1))
            except psutil.Error:
                out.append(0.0)
        return out

    def cpu_seconds(self) -> list[float]:
        import psutil

        out = []
        for p in self.procs:
            try:
                t = psutil.Process(p.pid).cpu_times()
                out.append(t.user + t.system)
            except psutil.Error:
                out.append(0.0)
        return out

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(10)
