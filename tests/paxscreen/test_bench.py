"""`paxscreen bench`: its data generator and figures (unit), and a whole `--quick` run on the real
embedded stack (e2e) so the bench keeps working. No timed assertion: the bench prints figures."""

from __future__ import annotations

import argparse
import subprocess
import sys

import orjson
import pytest

from paxscreen import bench_data as bd
from paxscreen.bench import PUSHES, QUICK, Options, _crossing, add_arguments, interleave
from paxscreen.bench_kafka import by_window, percentiles
from producers.decode import read_message
from producers.paxlst_writer import Envelope, write_paxlst


def test_generator_is_seeded_and_sized() -> None:
    a = bd.person_chunk(4, 2, 300)
    assert a == bd.person_chunk(4, 2, 300) and a != bd.person_chunk(5, 2, 300)
    assert len({e.id for e in a}) == 300 and all(e.schema == "Person" and e.names for e in a)
    assert sum(len(c) for c in bd.documents(4, 70_001)) == 70_001
    docs = bd.document_chunk(4, 0, 200)
    assert all(e.schema == "Document" and len(e.documents) == 1 for e in docs)


def test_name_parts_written_out_only_where_used_are_those_drawn() -> None:
    """`_draw_part` draws every row (the stream stays the seed's) and writes out those asked."""
    import numpy as np

    ci = np.random.default_rng(3).integers(0, len(bd._POOLS), 2_000)
    need = np.random.default_rng(4).random(2_000) < 0.4
    every = bd._draw_part(bd._rng(5, 1, 0), ci, "male", "cum_m", 0.65, 2_000)
    some = bd._draw_part(bd._rng(5, 1, 0), ci, "male", "cum_m", 0.65, 2_000, need)
    assert [p for p, n in zip(every, need, strict=True) if n] == [p for p in some if p is not None]
    assert [p is not None for p in some] == need.tolist() and all(every)


def test_planted_travellers_survive_the_paxlst_round_trip() -> None:
    listed, parts = bd.listed_chunk(4, 0, 2_000)
    flights = list(bd.manifests(8, 600, per_flight=150, hit_rate=0.1,
                                listed=bd.Listed(listed, parts, bd.document_chunk(4, 0, 50))))
    assert [len(ts) for _, ts, _ in flights] == [150, 150, 150, 150]
    hits = {k: v for _, _, h in flights for k, v in h.items()}
    assert 30 <= len(hits) <= 100 and {h.kind for h in hits.values()} == {"name", "stolen_document"}
    flight, travellers, _ = flights[0]
    parsed = read_message(write_paxlst(flight, travellers, Envelope(reference="T1"))).travellers
    assert [t.event_id for t in parsed] == [t.event_id for t in travellers]


@pytest.mark.parametrize(("values", "expected"), [
    ([], {"p50_ms": None, "p95_ms": None, "p99_ms": None}),
    ([0.010] * 99 + [1.0], {"p50_ms": 10.0, "p95_ms": 10.0, "p99_ms": 10.0}),
    ([i / 1000 for i in range(1, 101)], {"p50_ms": 50.0, "p95_ms": 95.0, "p99_ms": 99.0}),
])  # fmt: skip
def test_percentiles(values, expected) -> None:
    assert percentiles(values) == expected


def test_by_window_groups_latencies_by_when_their_message_was_sent() -> None:
    t0 = 1000.0
    # (arrival, latency): sent at 10 s, 59.5 s (arrives in the next minute), 61 s and 150 s
    rows = [(t0 + 10.2, 0.2), (t0 + 60.5, 1.0), (t0 + 61.1, 0.1), (t0 + 150.3, 0.3), (t0 - 5, 0.1)]
    assert by_window(rows, t0, 60.0) == [
        [0.0, 2, 200.0, 1000.0], [60.0, 1, 100.0, 100.0], [120.0, 1, 300.0, 300.0],
    ]
    assert by_window([], t0, 60.0) == []


def test_interleave_spaces_each_travellers_pushes_by_the_lag() -> None:
    rounds = [[(p, j) for j in range(4)] for p in range(3)]
    slots = interleave(rounds, 2)
    flat = [m for ms in slots for m in ms]
    assert sorted(flat) == sorted(m for r in rounds for m in r)  # each push once
    slot_of = {m: i for i, ms in enumerate(slots) for m in ms}
    assert all(slot_of[(p, j)] == j + 2 * p for p in range(3) for j in range(4))
    # a slot holds one flight's first push and the later pushes of flights lag slots before
    assert slots[3] == [(0, 3), (1, 1)] and slots[5] == [(1, 3), (2, 1)] and len(slots) == 8
    assert interleave([], 3) == []


def test_a_count_is_reached_between_the_two_reads_around_it() -> None:
    """The bench reads the workers' counters every 0.25 s; a backlog's moments (10%, 90%,
    all screened) are placed between the reads around them, not at the next read."""
    marks = [(0.0, 0.0), (0.25, 0.0), (0.5, 1000.0), (0.75, 3000.0), (1.0, 4000.0)]
    assert _crossing(marks, 2000) == pytest.approx(0.625)
    assert _crossing(marks, 1000) == pytest.approx(0.5)  # read exactly: the first read that says so
    assert _crossing(marks, 4000) == pytest.approx(1.0)
    assert _crossing(marks, 100) == pytest.approx(0.275)  # after the last read that saw none
    with pytest.raises(ValueError):
        _crossing(marks, 4001)


def test_options() -> None:
    p = argparse.ArgumentParser()
    add_arguments(p)
    full = Options.from_args(p.parse_args([]))
    assert (full.persons, full.documents, full.rate, full.workers, full.per_flight) == (
        1_000_000, 10_000_000, 2000.0, 1, 200)
    quick = Options.from_args(p.parse_args(["--quick", "--workers", "2"]))
    assert (quick.persons, quick.documents, quick.workers, quick.per_flight) == (
        QUICK["persons"], QUICK["documents"], 2, QUICK["per_flight"])


@pytest.mark.e2e
def test_quick_bench_prints_its_figures(tmp_path) -> None:
    proc = subprocess.run([sys.executable, "-m", "paxscreen.bench", "--quick", "--workdir", str(tmp_path)],
                          check=False, capture_output=True, timeout=400)
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    result = orjson.loads(proc.stdout.decode().strip().splitlines()[-1])
    for key in ("pax_per_s", "p99_ms_at_2000", "passthrough_msg_per_s", "ratio", "watchlist_persons",
                "watchlist_documents", "load_entities_per_s", "redis_bytes_per_person", "batch_pax_per_s"):
        assert key in result, key
    assert (result["watchlist_persons"], result["watchlist_documents"]) == (QUICK["persons"], QUICK["documents"])
    assert result["pax_per_s"] > 0 and result["passthrough_msg_per_s"] > 0 and 0 < result["ratio"] < 1
    assert result["fixed_alerts"] > 0 and result["alert_duplicates"] == 0
    # where the latency went: each stage measured, and no stage's median above the whole's p99
    stages = result["fixed_stages_ms"]
    assert set(stages) == {"screened", "published", "delivered"}
    assert all(0 <= p["p50_ms"] <= result[f"p99_ms_at_{QUICK['rate']:g}"] for p in stages.values()), stages
    assert result["travellers_per_worker"] == [QUICK["saturation"]]
    # pushed again in new messages: every traveller answered from the kept screenings, no alert twice
    assert result["repush_repeats"] == QUICK["saturation"] and result["repush_pax_per_s"] > 0
    # traffic as the issue describes it: each new traveller pushed five times, screened once
    events = result["mixed_events"]
    assert events == QUICK["saturation"] and result["mixed_events_per_s"] > 0
    assert result["mixed_repeats"] == events - events // result["mixed_pushes"]
    # the same traffic interleaved at the fixed load's rate: later pushes answered from kept screenings
    load = result["mixed_load_events"]
    assert load == QUICK["rate"] * QUICK["duration"] and result["mixed_load_kept_up"]
    assert 0 < result["mixed_load_repeats"] <= load - load // PUSHES
    # a restarted screener answers the batch phase's travellers from the screenings kept in Redis
    assert result["batch_redis_repeats"] == QUICK["batch"] and result["batch_redis_pax_per_s"] > 0
    # after another list's load, screened against that list only
    assert result["reload_partial"] == QUICK["batch"] and result["reload_pax_per_s"] > 0
    assert result["redis_bytes_per_person"] > 0 and result["load_entities_per_s"] > 0
    samples = result["worker_rss_mb_during_fixed"]
    assert len(samples) >= 2 and all(len(mb) == 1 and mb[0] > 0 and len(tokens) == 1 for _, mb, tokens in samples)
    assert samples[-1][2][0] > 0  # the worker reports its token table
    mid = next(mb for t, mb, _ in samples if t >= samples[-1][0] / 2)
    assert result["worker_rss_mb_growth_second_half"] == [round(samples[-1][1][0] - mid[0], 1)]


@pytest.mark.e2e
def test_phase_breakdown_prints_its_figures() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "paxscreen.bench_phases", "--persons", "3000", "--documents", "5000",
         "--travellers", "400", "--batch", "200"],
        check=False, capture_output=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    result = orjson.loads(proc.stdout.decode().strip().splitlines()[-1])
    assert result["travellers"] == 400 and result["pax_per_s"] > 0
    phases = result["ms_per_traveller"]
    assert {"lookup", "lookup: ranking", "prefilter bounds", "total"} <= set(phases)
    assert 0 < phases["lookup"] < phases["total"]
    # the planted hits alert; at this size the index's bounds leave the prefilter few pairs or none
    assert result["alerted_share"] > 0 and result["pairs_bounded_per_traveller"] >= 0


def test_reading_cost_prints_its_figures() -> None:
    proc = subprocess.run([sys.executable, "-m", "paxscreen.bench_read", "--travellers", "300", "--warm", "200",
                           "--per-flight", "100"], check=False, capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    result = orjson.loads(proc.stdout.decode().strip().splitlines()[-1])
    assert result["travellers"] == 300 and result["messages"] == 3 and result["bytes_per_traveller"] > 50
    for figure in ("read_us_per_traveller", "encode_us_per_traveller", "decode_us_per_traveller",
                   "read_travellers_per_s"):
        assert result[figure] > 0


@pytest.mark.e2e
def test_framework_cost_prints_its_figures() -> None:
    proc = subprocess.run([sys.executable, "-m", "paxscreen.bench_faust", "--count", "3000"],
                          check=False, capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    result = orjson.loads(proc.stdout.decode().strip().splitlines()[-1])
    assert result["events"] == 3000
    for reader in ("confluent", "reader", "faust"):
        assert result[reader]["events_per_s"] > 0 and result[reader]["cpu_us_per_event"] > 0
    assert result["faust_cpu_ratio"] > 0


@pytest.mark.e2e
def test_a_terminated_bench_stops_its_stack_and_workers(tmp_path) -> None:
    import signal
    import time

    import psutil

    proc = subprocess.Popen([sys.executable, "-m", "paxscreen.bench", "--quick", "--workdir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        children: list[psutil.Process] = []
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            children = psutil.Process(proc.pid).children(recursive=True)
            if any("worker" in _cmdline(c) for c in children):
                break
            time.sleep(0.5)
        assert proc.poll() is None, "the bench ended before its workers started"
        assert len(children) >= 3  # redis-server, the broker, a worker
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 143
        _, alive = psutil.wait_procs(children, timeout=10)
        assert [c for c in alive if c.status() != psutil.STATUS_ZOMBIE] == []
    finally:
        if proc.poll() is None:
            proc.kill()


def _cmdline(p) -> str:  # type: ignore[no-untyped-def]
    import psutil

    try:
        return " ".join(p.cmdline())
    except psutil.Error:  # gone meanwhile
        return ""
