"""`paxscreen demo`: the real pipeline on the embedded stack, with the sample data.

It starts the Tansu broker and a redis-server, loads the sample watchlists, starts a real
`paxscreen worker` process, publishes the sample PAXLST manifests (and one malformed message)
to the raw topic, prints alerts as they arrive from the alerts topic, and stops everything
when every traveller has been screened.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from paxscreen.settings import Settings

SAMPLES = Path(__file__).parent / "samples"
MALFORMED = b"UNA:+.? 'UNB+UNOA:4+DEMO+DEMO+261201:0600+1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'NAD+FL+++'UNT+3+1'"


def _metric(port: int, name: str) -> float:
    """Sum of a counter's samples scraped from the worker's /metrics (0 when absent)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
            text = r.read().decode()
    except OSError:
        return -1.0
    total = 0.0
    for m in re.finditer(rf"^{name}(?:{{[^}}]*}})? ([0-9.e+]+)$", text, re.M):
        total += float(m.group(1))
    return total


def run_demo(base: Settings, *, timeout: float = 180.0, out=sys.stdout) -> int:
    from paxscreen.console import follow_alerts, format_alert
    from paxscreen.devstack import free_port, start_stack
    from paxscreen.jobs import load_watchlist, produce_files
    from paxscreen.kafka import ensure_topics
    from producers.decode import read_files
    from producers.publish import iter_inputs

    manifests = sorted((SAMPLES / "paxlst").glob("*.edi")) + sorted((SAMPLES / "pnrgov").glob("*.edi"))
    watchlists = sorted(SAMPLES.glob("watchlist.*"))
    expected = len(read_files((m.source, m.data) for m in iter_inputs([str(p) for p in manifests])).travellers)

    print("starting the embedded stack (Tansu broker + redis-server)...", file=out, flush=True)
    stack = start_stack()
    worker = None
    try:
        s = dataclasses.replace(
            base,
            kafka_bootstrap=stack.kafka_bootstrap,
            redis_url=stack.redis_url,
            session_timeout=min(base.session_timeout, 10.0),
            state_dir=str(stack.workdir),
            metrics_port=free_port(),
        )
        ensure_topics(s)
        print(f"  kafka {s.kafka_bootstrap}   redis {s.redis_url}", file=out)
        for wl in watchlists:
            o = load_watchlist(s, str(wl), list_name=wl.name.split(".")[0] + "-" + wl.suffix.lstrip("."), show_progress=False)
            r = o.report
            print(f"  watchlist {wl.name}: {r.persons} persons, {r.documents} stolen/lost documents", file=out)

        from paxscreen.risk import STARTER_RULES, load_rules

        load_rules(s, str(STARTER_RULES), open(os.devnull, "w"))  # noqa: SIM115
        print(f"  targeting rules {STARTER_RULES.name} (risk profiles for couriers)", file=out)

        env = {
            **os.environ,
            "PAXSCREEN_KAFKA_BOOTSTRAP": s.kafka_bootstrap,
            "PAXSCREEN_REDIS_URL": s.redis_url,
            "PAXSCREEN_SESSION_TIMEOUT": str(s.session_timeout),
            "PAXSCREEN_STATE_DIR": s.state_dir,
            "PAXSCREEN_METRICS_PORT": str(s.metrics_port),
            "PAXSCREEN_TOPIC_PREFIX": s.topic_prefix,
        }
        log_path = stack.workdir / "worker.log"
        worker_log = open(log_path, "wb")  # noqa: SIM115
        worker = subprocess.Popen(
            [sys.executable, "-m", "paxscreen", "worker"], env=env, stdout=worker_log, stderr=subprocess.STDOUT
        )
        print(f"  worker pid {worker.pid}, metrics http://127.0.0.1:{s.metrics_port}/metrics, log {log_path}",
              file=out)

        # Ready once each of its consumers has its partitions (the raw topic's and the batch
        # readers'), each group join taking seconds: travellers published earlier would wait
        # for the joins, and the latency below would count them.
        ready = time.monotonic() + 90
        while _metric(s.metrics_port, "paxscreen_worker_ready") <= 0:
            if worker.poll() is not None or time.monotonic() > ready:
                print(f"the worker did not start; see {log_path}", file=out)
                return 1
            time.sleep(0.2)
        print("  worker joined the consumer groups", file=out)

        bad = stack.workdir / "malformed.edi"
        bad.write_bytes(MALFORMED)
        print(f"publishing {len(manifests)} PAXLST/PNRGOV messages ({expected} travellers) and 1 malformed message...", file=out)
        produce_files(s, [*map(str, manifests), str(bad)], open(os.devnull, "w"))  # noqa: SIM115
        print("alerts as they arrive:", file=out, flush=True)

        deadline = time.monotonic() + timeout
        state = {"done_at": None}

        kinds: dict[str, int] = {}

        def stop() -> bool:
            """Done when every traveller is screened and every alert the worker published has
            been printed (the worker's own counters say how many)."""
            if worker.poll() is not None or time.monotonic() > deadline:
                return True
            screened = _metric(s.metrics_port, "paxscreen_travellers_screened_total")
            published = _metric(s.metrics_port, "paxscreen_alerts_total")
            if screened >= expected and sum(kinds.values()) >= published:
                state["done_at"] = state["done_at"] or time.monotonic()
                return time.monotonic() - state["done_at"] > 2.0
            state["done_at"] = None
            return False

        for alert in follow_alerts(s, from_beginning=True, stop=stop):
            kinds[alert["kind"]] = kinds.get(alert["kind"], 0) + 1
            print("  " + format_alert(alert), file=out, flush=True)

        screened = _metric(s.metrics_port, "paxscreen_travellers_screened_total")
        dead = _metric(s.metrics_port, "paxscreen_deadletter_total")
        if worker.poll() is not None:
            print(f"the worker stopped (exit {worker.returncode}); see {log_path}", file=out)
            return 1
        total = sum(kinds.values())
        lat_sum = _metric(s.metrics_port, "paxscreen_event_to_alert_seconds_sum")
        lat_n = _metric(s.metrics_port, "paxscreen_event_to_alert_seconds_count")
        if lat_n > 0:
            # from when `produce` stamped each message to its alert's acknowledgement, on a worker
            # that has joined its groups: on two busy cores, a first push's cost (docs/benchmarks.md)
            print(f"mean time from message arrival to alert: {1000 * lat_sum / lat_n:.0f} ms", file=out)
        print(
            f"done: {'all ' + str(expected) if screened >= expected else f'only {int(screened)} of {expected}'} "
            f"travellers screened, {total} alerts "
            f"({', '.join(f'{k} {v}' for k, v in sorted(kinds.items())) or 'none'}), "
            f"{int(dead)} message(s) dead-lettered",
            file=out,
        )
        return 0 if screened >= expected and total > 0 else 1
    finally:
        if worker is not None and worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(15)
            except subprocess.TimeoutExpired:
                worker.kill()
        stack.stop()
        print(f"stopped the worker, broker and redis-server (their logs: {stack.workdir}).", file=out)
