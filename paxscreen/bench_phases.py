"""Where a screening batch spends its time, per traveller: ``python -m paxscreen.bench_phases``.

Starts its own redis-server (`paxscreen.devstack`), loads a seeded bench watchlist
(`paxscreen.bench_data`) unless ``--redis-url`` points at one already loaded, then screens
generated travellers in batches through `matchers.screening.Screener` (what a worker and
``paxscreen screen`` run) with each phase wrapped in a timer: the candidate lookup (of which
ranking and entry reads), the first sight of entries (`ScreenCache.entry`), the prefilter's
bounds (`prefilter.reachable`), scoring (`scoring.evaluate`) and alert building. The first
batch (index read, caches cold) is left out of the figures. Progress on stderr; the last line
on stdout is one JSON object: ms per traveller per phase, travellers/s, the share alerted and
the candidate pairs per traveller.

Time on a shared machine moves by ±15% between two runs of the same code. For changes smaller
than that, count instructions instead: two runs under callgrind against the same loaded list
gave counts 0.008% apart, whatever else the machine did (0.1% against a list loaded again)::

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=cg.out \
        python -m paxscreen.bench_phases --redis-url redis://127.0.0.1:6390 --travellers 2000 --instructions
    callgrind_annotate cg.out | grep "PROGRAM TOTALS"
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson


def _timed(acc: Counter, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            acc[name] += time.perf_counter() - t

    return wrapper


def instrument(on: bool) -> None:
    """Under valgrind's callgrind (started with ``--instr-atstart=no``), count instructions from
    here (``on``) or stop counting: only the measured batches are counted."""
    import os
    import subprocess

    subprocess.run(["callgrind_control", "-i", "on" if on else "off", str(os.getpid())], check=True,
                   stdout=subprocess.DEVNULL)


def measure(redis_url: str, travellers: int, batch: int, seed: int, *, instructions: bool = False) -> dict:
    import redis

    import matchers.screening as screening
    import matchers.store as store_module
    from matchers.screening import ScreenCache, Screener
    from matchers.store import WatchlistStore
    from paxscreen import bench_data as bd
    from paxscreen.settings import Settings

    client = redis.Redis.from_url(redis_url)
    store = WatchlistStore(client)
    listed_persons, parts = bd.listed_chunk(seed, 0, bd.CHUNK)
    listed = bd.Listed(listed_persons, parts, bd.document_chunk(seed, 0, bd.CHUNK))
    batches = [ts for _, ts, _ in bd.manifests(seed + 4, travellers + batch, per_flight=batch, listed=listed)]
    acc: Counter = Counter()
    saved = (store.lookup, store._fetch, store_module.rank, screening.reachable, screening.evaluate,
             screening.make_alert, ScreenCache.entry)
    store.lookup = _timed(acc, "lookup", store.lookup)  # type: ignore[method-assign]
    store._fetch = _timed(acc, "lookup: entry reads", store._fetch)  # type: ignore[method-assign]
    store_module.rank = _timed(acc, "lookup: ranking", store_module.rank)
    screening.reachable = _timed(acc, "prefilter bounds", screening.reachable)
    screening.evaluate = _timed(acc, "scoring", screening.evaluate)
    screening.make_alert = _timed(acc, "alerts", screening.make_alert)
    ScreenCache.entry = _timed(acc, "first sight of entries (and cache hits)", ScreenCache.entry)  # type: ignore[method-assign]
    pairs = Counter()
    reachable = screening.reachable

    def counting(table, p, th):  # type: ignore[no-untyped-def]
        pairs["pairs"] += len(p)
        return reachable(table, p, th)

    screening.reachable = counting
    try:
        gc.set_threshold(50_000, 20, 100)  # as the worker does
        # no screenings kept in Redis: a second run against the same list would be answered
        # from the first one's, and screening is what is measured here
        screener = Screener(store, Settings(screened_ttl=0))
        screener.screen(batches[0])  # reads the index; the worker then freezes what it holds
        gc.freeze()
        acc.clear()
        pairs.clear()
        alerted = 0
        if instructions:
            instrument(True)
        t0 = time.perf_counter()
        for i, b in enumerate(batches[1:], 1):
            alerted += len({a.traveller_event_id for a in screener.screen(b)})
            print(f"[phases] batch {i}: {i * batch:,} travellers", file=sys.stderr, flush=True)
        total = time.perf_counter() - t0
        if instructions:
            instrument(False)
    finally:
        (store.lookup, store._fetch, store_module.rank, screening.reachable, screening.evaluate,  # type: ignore[method-assign]
         screening.make_alert, ScreenCache.entry) = saved
    n = sum(len(b) for b in batches[1:])
    return {
        "travellers": n,
        "pax_per_s": round(n / total),
        "ms_per_traveller": {k: round(v / n * 1e3, 3) for k, v in sorted(acc.items())} | {"total": round(total / n * 1e3, 3)},
        "alerted_share": round(alerted / n, 4),
        "pairs_bounded_per_traveller": round(pairs["pairs"] / n, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m paxscreen.bench_phases", description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000, help="listed persons to load (1,000,000)")
    parser.add_argument("--documents", type=int, default=2_000_000, help="stolen/lost documents to load (2,000,000)")
    parser.add_argument("--travellers", type=int, default=8_000, help="travellers screened after the first batch")
    parser.add_argument("--batch", type=int, default=1_000, help="travellers per batch (a worker's PAXSCREEN_BATCH_SIZE)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--redis-url", default=None, help="a Redis already holding a bench list (no load then)")
    parser.add_argument("--instructions", action="store_true",
                        help="count the measured batches' instructions: run under valgrind --tool=callgrind "
                             "--instr-atstart=no (with --redis-url), then callgrind_annotate its output")
    args = parser.parse_args(argv)
    if args.redis_url:
        print(orjson.dumps(measure(args.redis_url, args.travellers, args.batch, args.seed,
                                   instructions=args.instructions)).decode())
        return 0
    import redis

    from matchers.store import WatchlistStore
    from paxscreen import bench_data as bd
    from paxscreen.devstack import start_redis

    svc = start_redis(Path(tempfile.mkdtemp(prefix="paxscreen-phases-")))
    try:
        url = f"redis://127.0.0.1:{svc.port}/0"
        print(f"[phases] loading {args.persons:,} persons and {args.documents:,} documents", file=sys.stderr, flush=True)

        def entries():  # type: ignore[no-untyped-def]
            for chunk in bd.persons(args.seed, args.persons):
                yield from chunk
            for chunk in bd.documents(args.seed, args.documents):
                yield from chunk

        WatchlistStore(redis.Redis.from_url(url)).load(entries(), list_name="bench")
        print(orjson.dumps(measure(url, args.travellers, args.batch, args.seed)).decode())
    finally:
        svc.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
