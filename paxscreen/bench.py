"""``paxscreen bench``: how fast the whole pipeline screens, on this machine, end to end.

One run, everything on the machine (the embedded broker, a redis-server, the producer, the
workers), every figure measured in the same run:

1. a seeded watchlist of N persons and M stolen/lost documents (`paxscreen.bench_data`),
   loaded into Redis through `matchers.store.WatchlistStore` (entities/s, Redis bytes per
   person and per document);
2. the passthrough baseline: one Python process consuming small messages from the broker,
   decoding and producing them (no screening), the ceiling that makes the result comparable
   across machines (``ratio`` = screened travellers/s over passthrough messages/s);
3. ``--workers`` real ``paxscreen worker`` processes (one consumer group), fed PAXLST manifests
   by a long-lived producer: first at a fixed offered load (``--rate`` travellers/s for
   ``--duration`` s: event-to-alert latency percentiles, from the raw message's
   ``paxscreen-received-at`` to the alert's arrival at a consumer), then at saturation (a
   backlog published as fast as possible: sustained travellers/s);
4. the batch path (`matchers.screening.Screener`, what ``paxscreen screen`` runs, no broker).

Progress goes to stderr; the last line on stdout is one JSON object with every figure.
``--quick`` runs small sizes in well under a minute (the test suite runs it).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import platform
import sys
import tempfile
import time
from pathlib import Path

import orjson

from paxscreen.settings import Settings

PUSHES = 5  # the mixed phase's pushes of each traveller: its PNR up to four times, then the API message
QUICK = {"persons": 5_000, "documents": 20_000, "rate": 200.0, "duration": 4.0, "saturation": 2_000,
         "passthrough": 10_000, "batch": 500, "per_flight": 50}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="small sizes, seconds (what the tests run)")
    parser.add_argument("--persons", type=int, default=None, help="listed persons (default 1,000,000)")
    parser.add_argument("--documents", type=int, default=None, help="stolen/lost documents (default 10,000,000)")
    parser.add_argument("--rate", type=float, default=None, help="offered travellers/s of the fixed-load phase (2000)")
    parser.add_argument("--duration", type=float, default=None, help="seconds of the fixed-load phase (60)")
    parser.add_argument("--saturation", type=int, default=None, help="travellers of the saturation backlog (60,000)")
    parser.add_argument("--passthrough", type=int, default=None, help="messages of the passthrough baseline (200,000)")
    parser.add_argument("--batch", type=int, default=None, help="travellers screened by the batch path (10,000)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes sharing the partitions")
    parser.add_argument("--partitions", type=int, default=4, help="partitions of each topic")
    parser.add_argument("--batch-size", type=int, default=1000, help="PAXSCREEN_BATCH_SIZE of the workers")
    parser.add_argument("--batch-timeout", type=float, default=None, help=f"PAXSCREEN_BATCH_TIMEOUT of the workers ({Settings().batch_timeout})")
    parser.add_argument("--per-flight", type=int, default=None, help="travellers per manifest (200)")
    parser.add_argument("--hit-rate", type=float, default=0.01, help="share of travellers planted on the list")
    parser.add_argument("--seed", type=int, default=1, help="generator seed")
    parser.add_argument("--workdir", default=None, help="keep the stack's files and worker logs here")


@dataclasses.dataclass
class Options:
    persons: int = 1_000_000
    documents: int = 10_000_000
    rate: float = 2000.0
    duration: float = 60.0
    saturation: int = 60_000
    passthrough: int = 200_000
    batch: int = 10_000
    workers: int = 1
    partitions: int = 4
    batch_size: int = 1000
    batch_timeout: float = Settings().batch_timeout  # the workers' own default
    per_flight: int = 200
    hit_rate: float = 0.01
    seed: int = 1
    workdir: str | None = None
    quick: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Options:
        base = {**(QUICK if args.quick else {})}
        kw = {f.name: getattr(args, f.name) for f in dataclasses.fields(cls) if getattr(args, f.name, None) is not None}
        return cls(**{**base, **kw})


def say(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _machine() -> dict:
    import os

    import psutil

    return {"cpus": os.cpu_count(), "cpu": platform.processor() or platform.machine(),
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1), "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}"}


def run_bench(o: Options) -> dict:
    from paxscreen.devstack import start_stack
    from paxscreen.jobs import redis_client
    from paxscreen.kafka import ensure_topics

    workdir = Path(o.workdir or tempfile.mkdtemp(prefix="paxscreen-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    result: dict = {"machine": _machine(), "options": dataclasses.asdict(o)}
    say(f"starting the embedded broker and redis-server in {workdir}")
    stack = start_stack(workdir=workdir / "stack")
    workers = None
    try:
        s = Settings(kafka_bootstrap=stack.kafka_bootstrap, redis_url=stack.redis_url, topic_prefix="bench",
                     app_id="bench-worker", partitions=o.partitions, session_timeout=6.0, metrics_port=0,
                     state_dir=str(workdir / "state"), batch_size=o.batch_size, batch_timeout=o.batch_timeout)
        ensure_topics(s)
        client = redis_client(s)
        result.update(_load(s, client, o))
        result.update(_passthrough(s, o))
        listed = _listed(o)
        from paxscreen.bench_kafka import AlertCollector, Pacer, Workers

        pacer = Pacer(s)
        alerts = AlertCollector(s)
        say(f"starting {o.workers} worker(s)")
        workers = Workers(s, o.workers, workdir, {"PAXSCREEN_BATCH_SIZE": str(o.batch_size),
                                                  "PAXSCREEN_BATCH_TIMEOUT": str(o.batch_timeout)})
        flight = 0
        warm, flight = _manifests(o, listed, 2 * o.per_flight, flight)
        t_ready = time.perf_counter()
        _wait(lambda: workers.total("paxscreen_assigned_partitions") >= 2 * o.partitions and alerts.wait_assigned(0),
              120, "the workers to join", workers)
        pacer.publish(warm, None)  # also pays the producer's first-send cost
        _wait(lambda: workers.total("paxscreen_travellers_screened_total") >= 2 * o.per_flight, 180,
              "the warm-up manifests to be screened", workers)
        result["worker_start_seconds"] = round(time.perf_counter() - t_ready, 1)
        result.update(_fixed(o, listed, pacer, alerts, workers, flight))
        flight += int(o.rate * o.duration) // o.per_flight + 1
        result.update(_saturation(o, listed, pacer, alerts, workers, flight))
        result.update(_repush(o, listed, pacer, workers, flight, result["pax_per_s"]))
        flight += o.saturation // o.per_flight + 1
        result.update(_mixed(o, listed, pacer, workers, flight))
        flight += o.saturation // PUSHES // o.per_flight + 1
        result.update(_mixed_load(o, listed, pacer, alerts, workers, flight))
        result["alert_duplicates"] = alerts.duplicates
        result["worker_rss_mb_end"] = workers.rss_mb()
        pacer.producer.flush(10)
        del pacer
        alerts.close()
        workers.stop()
        workers = None
        result.update(_batch(s, client, o, listed))
    finally:
        if workers is not None:
            workers.stop()
        stack.stop()
    return result


def _load(s: Settings, client, o: Options) -> dict:
    from matchers.store import WatchlistStore
    from paxscreen import bench_data as bd

    store = WatchlistStore(client, prefix=s.topic_prefix)
    out = {}
    total_t = 0.0
    for what, n, gen in (("persons", o.persons, bd.person_makers), ("documents", o.documents, bd.document_makers)):
        _purge(client)
        before = client.info("memory")["used_memory"]
        t0 = time.perf_counter()
        last = [t0]

        def progress(done: int, what=what, n=n, last=last, t0=t0) -> None:
            if time.perf_counter() - last[0] > 10:
                last[0] = time.perf_counter()
                say(f"  {what}: {done:,}/{n:,} ({done / (last[0] - t0):,.0f}/s)")

        say(f"generating and loading {n:,} {what}")
        # generated, parsed and keyed in the load's pool, chunk by chunk (`load_chunks`)
        report = store.load_chunks(gen(o.seed, n), list_name=f"bench-{what}", progress=progress, allow_empty=True)
        dt = time.perf_counter() - t0
        total_t += dt
        _purge(client)
        used = client.info("memory")["used_memory"] - before
        say(f"  {n:,} {what} in {dt:.1f} s ({n / dt:,.0f}/s), {used / max(1, n):,.0f} Redis bytes each")
        out[f"watchlist_{what}"] = getattr(report, what)
        out[f"load_{what}_per_s"] = round(n / dt) if dt else None
        out[f"redis_bytes_per_{what[:-1]}"] = round(used / max(1, n))
    out["load_seconds"] = round(total_t, 1)
    out["load_entities_per_s"] = round((o.persons + o.documents) / total_t) if total_t else None
    out["redis_used_memory_mb"] = round(client.info("memory")["used_memory"] / 2**20, 1)
    return out


def _purge(client) -> None:
    import redis

    try:
        client.execute_command("MEMORY", "PURGE")
    except redis.RedisError:
        pass


def _passthrough(s: Settings, o: Options) -> dict:
    from paxscreen.bench_data import manifests
    from paxscreen.bench_kafka import passthrough
    from paxscreen.codec import encode_traveller
    from paxscreen.kafka import ensure_topics

    pt = dataclasses.replace(s, topic_prefix="bench-pt")
    ensure_topics(pt)
    values = []
    for _, travellers, _ in manifests(o.seed + 100, min(o.passthrough, 20_000), per_flight=o.per_flight):
        values += [encode_traveller(t) for t in travellers]
    values = (values * (o.passthrough // len(values) + 1))[: o.passthrough]
    say(f"passthrough baseline: {len(values):,} traveller events consumed, decoded, produced by one process")
    rate = passthrough(pt, values, topic_in=pt.topic("travellers"), topic_out=pt.topic("alerts"))
    say(f"  {rate:,.0f} messages/s")
    return {"passthrough_msg_per_s": round(rate)}


def _listed(o: Options):
    from paxscreen import bench_data as bd

    persons, parts = bd.listed_chunk(o.seed, 0, min(bd.CHUNK, o.persons))
    stolen = bd.document_chunk(o.seed, 0, min(5_000, o.documents)) if o.documents else []
    return bd.Listed(persons, parts, stolen)


def _manifests(o: Options, listed, travellers: int, first_flight: int, push: int = 0):
    """Pre-written PAXLST manifests: [(key, bytes, travellers)], and the next flight number.
    ``push`` > 0: the same flights and travellers in a later message (its own reference)."""
    from paxscreen.bench_data import manifests
    from producers.paxlst_writer import Envelope, write_paxlst

    out = []
    n = 0
    for flight, ts, _ in manifests(o.seed + 7, travellers, per_flight=o.per_flight, hit_rate=o.hit_rate,
                                   listed=listed, first_flight=first_flight):
        ref = f"B{first_flight + n}" + (f"P{push}" if push else "")
        out.append((flight.key.encode(), write_paxlst(flight, ts, Envelope(reference=ref)), len(ts)))
        n += 1
    return out, first_flight + n


def _wait(predicate, timeout: float, what: str, workers, *, fatal: bool = True) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if workers is not None and workers.dead():
            raise RuntimeError(f"a worker exited while waiting for {what}; see the worker logs")
        if predicate():
            return True
        time.sleep(0.25)
    if fatal:
        raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")
    say(f"  gave up waiting for {what} after {timeout:.0f} s")
    return False


def _fixed(o: Options, listed, pacer, alerts, workers, flight: int) -> dict:
    from paxscreen.bench_kafka import RssSampler, percentiles

    n = int(o.rate * o.duration)
    say(f"fixed load: writing {n:,} travellers' manifests")
    batch, _ = _manifests(o, listed, n, flight)
    rss0 = workers.rss_mb()
    cpu0 = workers.cpu_seconds()
    say(f"fixed load: {o.rate:,.0f} travellers/s for {o.duration:.0f} s")
    rss_during = RssSampler(workers, max(1.0, o.duration / 10))
    try:
        t0, sent_s, kept_up, screened = _paced(o, lambda: pacer.publish(batch, o.rate), n, "fixed load", workers)
    finally:
        rss_during.stop()
    done = time.time() - t0
    alerts.settle()  # every alert of the phase counted, whichever tree is faster
    lat = alerts.since(t0)
    p = percentiles(lat)
    cpu = [round(b - a, 1) for a, b in zip(cpu0, workers.cpu_seconds(), strict=True)]
    say(f"  offered {n / sent_s:,.0f}/s, {screened:,.0f} of {n:,} screened after {done:.1f} s; {len(lat)} alerts, "
        f"latency p50 {p['p50_ms']} ms, p95 {p['p95_ms']} ms, p99 {p['p99_ms']} ms")
    stages = _stages(alerts, t0)
    growth = rss_during.growth_second_half()
    say(f"  worker RSS (MB): {rss0} at start, {rss_during.samples[-1][1]} at the end; "
        f"growth over the second half of the phase: {growth}")
    rate_key = f"{o.rate:g}"
    return {
        "offered_pax_per_s": round(n / sent_s),
        "fixed_kept_up": kept_up,
        "fixed_screened_per_s": round(screened / done),
        "fixed_alerts": len(lat),
        **{f"{k}_at_{rate_key}": v for k, v in p.items()},
        "p99_ms_at_2000": p["p99_ms"] if o.rate == 2000 else None,
        "fixed_stages_ms": stages,
        "fixed_latency_by_minute": _by_minute(alerts, t0, o.duration),
        "fixed_worker_cpu_seconds": cpu,
        "worker_rss_mb_start": rss0,
        "worker_rss_mb_during_fixed": rss_during.samples,
        "worker_rss_mb_growth_second_half": growth,
    }


def _by_minute(alerts, t0: float, seconds: float) -> list | None:
    """For a phase of two minutes or more, its latency minute by minute of sending
    (`bench_kafka.by_window`), said and returned: warming caches against a steady state."""
    from paxscreen.bench_kafka import by_window

    if seconds < 120:
        return None
    rows = by_window(list(alerts.latencies), t0, 60.0)
    say("  by minute sent (start s, alerts, p50 ms, p99 ms): " + ", ".join(map(str, rows)))
    return rows


def _stages(alerts, t0: float) -> dict:
    """Where the alerts' latency since ``t0`` went (`AlertCollector.stages_since`), said and returned."""
    stages = alerts.stages_since(t0)
    say("  of which " + "; ".join(f"{name} p50 {p['p50_ms']} ms, p99 {p['p99_ms']} ms" for name, p in stages.items()))
    return stages


def _paced(o: Options, publish, n: int, what: str, workers) -> tuple[float, float, bool, float]:
    """Run ``publish`` (a paced phase of ``n`` traveller events; it returns the seconds it took
    to send them) and wait until the workers screened them, for 3 x ``--duration`` (60 s at
    least): (the time it started, seconds to send, whether the workers kept up, travellers screened)."""
    base = workers.total("paxscreen_travellers_screened_total")
    t0 = time.time()
    sent_s = publish()
    kept_up = _wait(lambda: workers.total("paxscreen_travellers_screened_total") - base >= n,
                    max(60.0, 3 * o.duration), f"the {what} to be screened", workers, fatal=False)
    return t0, sent_s, kept_up, workers.total("paxscreen_travellers_screened_total") - base


def _saturation(o: Options, listed, pacer, alerts, workers, flight: int) -> dict:
    from paxscreen.bench_kafka import percentiles

    n = o.saturation
    say(f"saturation: writing {n:,} travellers' manifests")
    batch, _ = _manifests(o, listed, n, flight)
    _drain(workers)
    cpu0 = workers.cpu_seconds()
    per0 = workers.each("paxscreen_travellers_screened_total")
    say(f"saturation: publishing {n:,} travellers as fast as possible")
    t0 = time.time()
    pax_per_s, sent_s, _ = _backlog(pacer, batch, n, workers)
    alerts.settle()
    lat = percentiles(alerts.since(t0))
    per = [round(b - a) for a, b in zip(per0, workers.each("paxscreen_travellers_screened_total"), strict=True)]
    cpu = [round(b - a, 1) for a, b in zip(cpu0, workers.cpu_seconds(), strict=True)]
    say(f"  published in {sent_s:.1f} s; sustained {pax_per_s:,.0f} travellers/s; per worker {per}")
    return {"pax_per_s": round(pax_per_s), "saturation_published_per_s": round(n / sent_s),
            "saturation_latency": lat, "travellers_per_worker": per, "saturation_worker_cpu_seconds": cpu}


def _drain(workers) -> None:
    _wait(lambda: workers.total("paxscreen_travellers_screened_total") >= workers.total(
        "paxscreen_travellers_emitted_total"), 1800, "the previous phase to drain", workers)


def _backlog(pacer, batch, n: int, workers) -> tuple[float, float, float]:
    """Publish ``batch`` (``n`` travellers) as fast as possible and wait until all are screened:
    (the sustained rate, between 10% and 90% of them screened; seconds to publish; when the
    last was screened, `time.perf_counter`). The workers' counters are read every 0.25 s, so
    those moments are placed between the two reads around them (`_crossing`)."""
    base = workers.total("paxscreen_travellers_screened_total")
    marks: list[tuple[float, float]] = [(time.perf_counter(), 0.0)]

    def progress() -> bool:
        done = workers.total("paxscreen_travellers_screened_total") - base
        marks.append((time.perf_counter(), done))
        return done >= n

    sent_s = pacer.publish(batch, None)
    _wait(progress, 1800, "the backlog to be screened", workers)
    lo, hi = _crossing(marks, 0.1 * n), _crossing(marks, 0.9 * n)
    return 0.8 * n / max(hi - lo, 1e-9), sent_s, _crossing(marks, n)


def _crossing(marks: list[tuple[float, float]], count: float) -> float:
    """When the count of travellers screened reached ``count``, from ``marks`` (time, count
    read; counts only grow): linear between the last read below it and the first at or above
    it, since a backlog is screened at a steady rate and the reads are 0.25 s apart."""
    below = marks[0]
    for t, done in marks:
        if done >= count:
            t0, d0 = below
            return t if done <= d0 else t0 + (count - d0) / (done - d0) * (t - t0)
        below = (t, done)
    raise ValueError(f"the count never reached {count}")


def _tally(workers) -> tuple[float, float, list[float]]:
    """The workers' travellers answered from kept screenings (all, from Redis) and CPU seconds."""
    return (workers.total("paxscreen_screen_repeats_total"), workers.total("paxscreen_screen_repeats_shared_total"),
            workers.cpu_seconds())


def _since(workers, before: tuple[float, float, list[float]]) -> tuple[float, float, list[float]]:
    """`_tally` since ``before`` (CPU seconds per worker, to a tenth)."""
    repeats, shared, cpu = _tally(workers)
    return repeats - before[0], shared - before[1], [round(b - a, 1) for a, b in zip(before[2], cpu, strict=True)]


def _repush(o: Options, listed, pacer, workers, flight: int, pax_per_s: int) -> dict:
    """The saturation phase's manifests pushed again, each in a new message (an airline's
    update at check-in close, a PNR pushed again), as fast as possible: the workers answer
    those travellers from their kept screenings (`Settings.cache_screened`), the same alerts
    already published (the ledger keeps them from being published twice)."""
    n = o.saturation
    batch, _ = _manifests(o, listed, n, flight, push=1)
    _drain(workers)
    before = _tally(workers)
    say(f"pushed again: publishing the saturation phase's {n:,} travellers again as fast as possible")
    rate, _, _ = _backlog(pacer, batch, n, workers)
    repeats, shared, cpu = _since(workers, before)
    say(f"  sustained {rate:,.0f} travellers/s ({rate / max(pax_per_s, 1):.1f} x first pushes); "
        f"{repeats:,.0f} of {n:,} answered from kept screenings ({shared:,.0f} of them from Redis)")
    return {"repush_pax_per_s": round(rate), "repush_ratio": round(rate / max(pax_per_s, 1), 2),
            "repush_repeats": round(repeats), "repush_shared_repeats": round(shared),
            "repush_worker_cpu_seconds": cpu}


def _mixed(o: Options, listed, pacer, workers, flight: int, pushes: int = PUSHES) -> dict:
    """Traffic as the issue describes it: new travellers, each pushed ``pushes`` times (its
    PNR pushed again, then the API message), ``--saturation`` traveller events in all, in
    rounds: every flight's first push as fast as possible, then, once those are screened,
    every flight's second... (a later push comes after the earlier one is screened, as hours
    apart; all rounds at once would let a batch screen a traveller's five pushes as one).
    Reported: traveller events/s over the whole phase, each round's seconds, the events
    answered from kept screenings, and the workers' CPU."""
    new = o.saturation // pushes
    rounds = [_manifests(o, listed, new, flight, push=p)[0] for p in range(pushes)]
    n = sum(count for r in rounds for _, _, count in r)
    _drain(workers)
    before = _tally(workers)
    say(f"mixed: {new:,} new travellers pushed {pushes} times each, {n:,} traveller events, round after round")
    seconds = []
    for r in rounds:
        t0 = time.perf_counter()
        _, _, done = _backlog(pacer, r, sum(count for _, _, count in r), workers)
        seconds.append(round(done - t0, 2))
    rate = n / sum(seconds)
    repeats, _, cpu = _since(workers, before)
    say(f"  {rate:,.0f} traveller events/s (rounds {seconds} s); {repeats:,.0f} of {n:,} answered from kept "
        f"screenings; worker CPU {sum(cpu) / max(n, 1) * 1000:.2f} ms an event")
    return {"mixed_events_per_s": round(rate), "mixed_events": n, "mixed_pushes": pushes,
            "mixed_round_seconds": seconds, "mixed_repeats": round(repeats), "mixed_worker_cpu_seconds": cpu}


def interleave(rounds: list[list], lag: int) -> list[list]:
    """The pushes of ``rounds`` (``rounds[p][j]``: flight ``j``'s push ``p``) in slots: flight
    ``j``'s push ``p`` in slot ``j + p * lag``, so each slot holds one flight's first push and the
    later pushes of flights ``lag``, ``2 * lag``... slots before (traffic in which a traveller's
    pushes come a while apart, interleaved with others')."""
    flights = len(rounds[0]) if rounds else 0
    return [[pushes[slot - p * lag] for p, pushes in enumerate(rounds) if 0 <= slot - p * lag < flights]
            for slot in range(flights + (len(rounds) - 1) * lag)]


def _mixed_load(o: Options, listed, pacer, alerts, workers, flight: int, pushes: int = PUSHES,
                lag_s: float = 2.0) -> dict:
    """Traffic as the issue describes it, at the fixed load's offered rate: ``--rate`` traveller
    events/s for ``--duration`` s, a fifth of them new travellers, the rest later pushes of
    travellers first pushed ``lag_s``, ``2 * lag_s``... seconds before (`interleave`). Slots are
    paced at the steady rate, a slot's manifests spread over it, so the phase's first and last
    seconds offer less. Reported: the event-to-alert latency percentiles (alerts come from
    first pushes: a later push finds its alert already published), whether the workers kept
    up, and the events answered from kept screenings."""
    from paxscreen.bench_kafka import percentiles

    new = max(o.per_flight, int(o.rate * o.duration) // pushes)
    rounds = [_manifests(o, listed, new, flight, push=p)[0] for p in range(pushes)]
    slot_s = pushes * o.per_flight / o.rate
    slots = interleave(rounds, max(1, math.ceil(lag_s / slot_s)))
    schedule = [((i + k / len(ms)) * slot_s, m) for i, ms in enumerate(slots) for k, m in enumerate(ms)]
    n = sum(count for _, (_, _, count) in schedule)
    _drain(workers)
    before = _tally(workers)
    say(f"mixed load: {o.rate:,.0f} traveller events/s, {new:,} new travellers pushed {pushes} times, {n:,} events")
    t0, sent_s, kept_up, _ = _paced(o, lambda: pacer.publish_at(schedule), n, "mixed load", workers)
    done = time.time() - t0
    alerts.settle()
    lat = alerts.since(t0)
    p = percentiles(lat)
    repeats, _, cpu = _since(workers, before)
    say(f"  published in {sent_s:.1f} s, all screened after {done:.1f} s; {len(lat)} alerts, latency p50 "
        f"{p['p50_ms']} ms, p95 {p['p95_ms']} ms, p99 {p['p99_ms']} ms; {repeats:,.0f} of {n:,} answered from kept "
        f"screenings; worker CPU {sum(cpu) / max(n, 1) * 1000:.2f} ms an event")
    stages = _stages(alerts, t0)
    return {"mixed_load_events": n, "mixed_load_kept_up": kept_up, "mixed_load_seconds": round(done, 1),
            "mixed_load_alerts": len(lat), **{f"mixed_load_{k}": v for k, v in p.items()},
            "mixed_load_stages_ms": stages, "mixed_load_latency_by_minute": _by_minute(alerts, t0, sent_s),
            "mixed_p99_ms_at_2000": p["p99_ms"] if o.rate == 2000 else None,
            "mixed_load_repeats": round(repeats), "mixed_load_worker_cpu_seconds": cpu}


def _batch(s: Settings, client, o: Options, listed) -> dict:
    from matchers.screening import Screener
    from matchers.store import WatchlistStore
    from paxscreen.bench_data import manifests

    travellers = [t for _, ts, _ in manifests(o.seed + 11, o.batch, per_flight=o.per_flight, hit_rate=o.hit_rate,
                                              listed=listed) for t in ts]
    say(f"batch screen (paxscreen screen's path, no broker): {len(travellers):,} travellers")
    t0 = time.perf_counter()
    screener = Screener(WatchlistStore(client, prefix=s.topic_prefix), s)
    screener.screen(travellers[:1])  # reads the indexes
    ready = time.perf_counter() - t0
    import gc

    gc.freeze()  # as the worker does after its first batch
    t0 = time.perf_counter()
    alerts = 0
    for i in range(0, len(travellers), s.batch_size):
        alerts += len(screener.screen(travellers[i : i + s.batch_size]))
    dt = time.perf_counter() - t0
    say(f"  {len(travellers) / dt:,.0f} travellers/s ({ready:.1f} s to read the indexes first), {alerts} alerts")
    out = {"batch_pax_per_s": round(len(travellers) / dt), "batch_index_read_seconds": round(ready, 1)}
    if s.screened_ttl:
        # the same travellers again in a new screener (a restarted worker, another one): from Redis
        again = Screener(screener.store, s)
        again.screen(travellers[:1])
        t0 = time.perf_counter()
        same = sum(len(again.screen(travellers[i : i + s.batch_size])) for i in range(0, len(travellers), s.batch_size))
        dt = time.perf_counter() - t0
        say(f"  again after a restart: {len(travellers) / dt:,.0f} travellers/s, {again.shared_repeats:,} "
            f"answered from Redis, {same} alerts")
        out |= {"batch_redis_pax_per_s": round(len(travellers) / dt), "batch_redis_repeats": again.shared_repeats}
    out |= _after_a_reload(s, screener, travellers, o.seed + 13)
    return out


def _after_a_reload(s: Settings, screener, travellers, seed: int) -> dict:
    """The batch's travellers once more, after another list was loaded (a stolen documents
    update, as daily): each is screened against that list only, the others' screenings kept."""
    from paxscreen import bench_data as bd

    update = f"bench-update-{time.time_ns()}"
    screener.store.load_chunks(bd.document_makers(seed, 20_000), list_name=update)
    try:
        partial = screener.partial
        screener.screen(travellers[:1])
        t0 = time.perf_counter()
        for i in range(0, len(travellers), s.batch_size):
            screener.screen(travellers[i : i + s.batch_size])
        dt = time.perf_counter() - t0
    finally:
        screener.store.remove_list(update)
    partial = screener.partial - partial
    say(f"  again after another list's load (20,000 documents): {len(travellers) / dt:,.0f} travellers/s, "
        f"{partial:,} screened against that list only")
    return {"reload_pax_per_s": round(len(travellers) / dt), "reload_partial": partial}


def run(args: argparse.Namespace) -> int:
    import signal

    # SIGTERM unwinds like Ctrl-C, so the broker, redis-server and workers are stopped too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    o = Options.from_args(args)
    result = run_bench(o)
    result["ratio"] = round(result["pax_per_s"] / result["passthrough_msg_per_s"], 4) if result.get("passthrough_msg_per_s") else None
    print(orjson.dumps(result).decode(), flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="paxscreen bench", description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
