"""``paxscreen evaluate``: the labelled synthetic benchmark screened through the same code as
``paxscreen screen`` (`paxscreen.jobs.screen_files`, on a private embedded redis-server),
with recall per variation class, false-alert travellers per 1,000 screened, and nomenklatura's
logic-v2 on a sample of the same set side by side.

A traveller is *found* when an alert names its labelled entry with the labelled kind; a
traveller *false-alerts* when any alert names an entry its labels do not. docs/evaluation.md
describes the classes, the targets and the latest figures.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import orjson

from paxscreen.models import Traveller
from paxscreen.settings import Settings, from_env
from paxscreen.synth import HARD_NEGATIVES, NEGATIVE_CLASSES, POSITIVE_CLASSES, Benchmark, Label, generate

TARGETS = {"overall_recall": 0.98, "class_recall": 0.9, "false_alerts_per_1000": 0.3}
CLASSES = [*POSITIVE_CLASSES, *NEGATIVE_CLASSES]

# (entry_id, kind, score) per PNR
Alerts = dict[str, list[tuple[str, str, float]]]


@dataclasses.dataclass
class Options:
    seed: int = 1
    travellers: int = 20_000
    persons: int = 2_000
    stolen: int = 500
    per_class: int | None = None
    out: str = ".paxscreen/benchmark"
    logic_v2: bool = True
    lv2_positives: int = 600  # class-balanced positives compared by logic-v2
    lv2_negatives: int = 3_000  # negative travellers (all hard negatives first, then ordinary)
    examples: int = 5  # failing examples per class in the report


# --- metrics ----------------------------------------------------------------------------------


def metrics(
    labels: Sequence[Label], alerts: Alerts, *, check_kind: bool = True, population: Counter | None = None
) -> dict:
    """Recall per positive class, overall recall, false-alert travellers (and per 1,000).

    With ``population`` (travellers per class in the full set), ``labels`` is a stratified
    sample and the rate per 1,000 is the stratified estimate for the full set."""
    per_class: dict[str, dict] = {}
    fa_by_class: Counter = Counter()
    n_by_class: Counter = Counter()
    found = positives = 0
    for lb in labels:
        got = alerts.get(lb.pnr, [])
        n_by_class[lb.cls] += 1
        wanted_ids = {e for e, _ in lb.expected}
        if lb.expected:
            hit = any((e, k) in lb.expected if check_kind else e in wanted_ids for e, k, _ in got)
            c = per_class.setdefault(lb.cls, {"n": 0, "found": 0})
            c["n"] += 1
            c["found"] += hit
            found += hit
            positives += 1
        if any(e not in wanted_ids for e, _, _ in got):
            fa_by_class[lb.cls] += 1
    for c in per_class.values():
        c["recall"] = round(c["found"] / c["n"], 4) if c["n"] else None
    total = sum(n_by_class.values())
    fa = sum(fa_by_class.values())
    if population:
        n_pop = sum(population.values())
        rate = sum(population[c] * fa_by_class[c] / n_by_class[c] for c in n_by_class) / n_pop * 1000
    else:
        rate = fa / total * 1000 if total else 0.0
    return {
        "travellers": total,
        "positives": positives,
        "found": found,
        "overall_recall": round(found / positives, 4) if positives else None,
        "false_alert_travellers": fa,
        "false_alerts_per_1000": round(rate, 3),
        "per_class": {c: per_class[c] for c in POSITIVE_CLASSES if c in per_class},
        "false_alerts_by_class": {
            c: {"n": n_by_class[c], "false_alert_travellers": fa_by_class[c]}
            for c in CLASSES
            if n_by_class[c]
        },
    }


def verdict(m: dict) -> dict:
    classes = [c["recall"] for c in m["per_class"].values() if c["recall"] is not None]
    return {
        "overall_recall": m["overall_recall"] is not None
        and m["overall_recall"] >= TARGETS["overall_recall"],
        "every_class_recall": bool(classes) and min(classes) >= TARGETS["class_recall"],
        "false_alerts_per_1000": m["false_alerts_per_1000"] <= TARGETS["false_alerts_per_1000"],
    }


# --- running ----------------------------------------------------------------------------------


def _read_alerts(path: Path, pnr_of: dict[str, str]) -> Alerts:
    out: Alerts = defaultdict(list)
    with open(path, "rb") as fh:
        for line in fh:
            if line.strip():
                a = orjson.loads(line)
                pnr = pnr_of.get(a["traveller_event_id"])
                if pnr is not None:
                    out[pnr].append((a["entry_id"], a["kind"], float(a["score"])))
    return out


def _diagnose(
    settings: Settings,
    watchlist: Path,
    travellers: dict[str, Traveller],
    labels: dict[str, Label],
    alerts: Alerts,
    limit: int,
) -> tuple[dict, list]:
    """Missed positives (up to ``limit`` per class) and false alerts, with the matcher's own
    score for the labelled pair and whether candidate retrieval found the entry."""
    from matchers.scoring import compare
    from matchers.store import WatchlistStore
    from matchers.watchlist import read_watchlist
    from paxscreen.jobs import redis_client

    entries = {e.id: e for e in read_watchlist(str(watchlist)) if hasattr(e, "id")}
    store = WatchlistStore(redis_client(settings), prefix=settings.topic_prefix)
    misses: dict[str, list] = defaultdict(list)
    for pnr, lb in labels.items():
        if not lb.expected or any((e, k) in lb.expected for e, k, _ in alerts.get(pnr, [])):
            continue
        if len(misses[lb.cls]) >= limit or pnr not in travellers:
            continue
        entry_id, kind = lb.expected[0]
        t, entry = travellers[pnr], entries.get(entry_id)
        cands = store.lookup([t], settings.max_candidates)[0]
        result = compare(t, entry, settings) if entry else None
        misses[lb.cls].append({
            "traveller": _traveller_text(t), "entry": _entry_text(entry) if entry else entry_id,
            "expected_kind": kind, "detail": lb.detail, "candidate": any(c.entry.id == entry_id for c in cands),
            "score": result.score if result else None, "kind": result.kind if result else None,
            "explanation": [f"{f.feature} {f.score:.2f}: {f.detail}" for f in result.explanation] if result else [],
            "alerts": [f"{e} {k} {s:.2f}" for e, k, s in alerts.get(pnr, [])],
        })  # fmt: skip
    false_alerts = []
    for pnr, got in alerts.items():
        lb = labels.get(pnr)
        wanted = {e for e, _ in lb.expected} if lb else set()
        for e, k, s in got:
            if e not in wanted and len(false_alerts) < 10 * limit:
                entry = entries.get(e)
                false_alerts.append({"class": lb.cls if lb else "?", "traveller": _traveller_text(travellers[pnr]),
                                     "entry": _entry_text(entry) if entry else e, "kind": k, "score": s,
                                     "detail": lb.detail if lb else ""})  # fmt: skip
    return dict(misses), false_alerts


def _traveller_text(t: Traveller) -> str:
    d = t.document
    return (
        f"{t.surname}, {t.given_names} b. {t.date_of_birth} {t.sex or '?'} {t.nationality or '?'}"
        f" doc {d.number if d else '-'} ({d.issuing_country if d else '-'})"
    )


def _entry_text(e) -> str:
    names = " / ".join(e.names) or "(no name)"
    docs = ", ".join(f"{d.number} ({d.country or '?'})" for d in e.documents)
    return f"{e.id} {names} b. {','.join(e.birth_dates) or '?'} {','.join(e.nationalities) or '?'} {docs}".strip()


def _sample(bench: Benchmark, opts: Options) -> list[Label]:
    rng = random.Random(opts.seed + 7919)
    by_class: dict[str, list[Label]] = defaultdict(list)
    for lb in bench.labels.values():
        by_class[lb.cls].append(lb)
    out: list[Label] = []
    per = max(1, opts.lv2_positives // len(POSITIVE_CLASSES))
    for c in POSITIVE_CLASSES:
        out += rng.sample(by_class[c], min(per, len(by_class[c])))
    hard = [lb for c in HARD_NEGATIVES for lb in by_class[c]]
    hard = rng.sample(hard, min(len(hard), opts.lv2_negatives // 3))
    ordinary = rng.sample(
        by_class["ordinary"], min(len(by_class["ordinary"]), max(0, opts.lv2_negatives - len(hard)))
    )
    return out + hard + ordinary


def run_logic_v2(bench: Benchmark, travellers: dict[str, Traveller], alerts: Alerts, opts: Options) -> dict:
    from paxscreen.evaluate_logicv2 import THRESHOLD, LogicV2Reference, nomenklatura_version
    from paxscreen.synth_people import ALPHA2

    version = nomenklatura_version()
    if version is None:
        return {"skipped": "nomenklatura is not installed (pip install nomenklatura)"}
    t0 = time.perf_counter()
    sample = [lb for lb in _sample(bench, opts) if lb.pnr in travellers]
    ref = LogicV2Reference(bench.entities)
    jobs = [(lb.pnr, travellers[lb.pnr], [e for e, _ in lb.expected] + [e for e, _, _ in alerts.get(lb.pnr, [])])
            for lb in sample]  # fmt: skip
    pairs = ref.screen(jobs, ALPHA2)
    lv2: Alerts = defaultdict(list)
    for p in pairs:
        if p.score >= THRESHOLD:
            lv2[p.pnr].append((p.entry_id, "?", p.score))
    population = Counter(lb.cls for lb in bench.labels.values())
    sample_pnrs = {lb.pnr for lb in sample}
    ours = {pnr: a for pnr, a in alerts.items() if pnr in sample_pnrs}
    return {
        "nomenklatura": version,
        "algorithm": "logic-v2",
        "threshold": THRESHOLD,
        "sample_travellers": len(sample),
        "pairs": len(pairs),
        "seconds": round(time.perf_counter() - t0, 1),
        "logic_v2": metrics(sample, lv2, check_kind=False, population=population),
        "paxscreen": metrics(sample, ours, population=population),
    }


def run_benchmark(opts: Options, settings: Settings | None = None, log: TextIO = sys.stderr) -> dict:
    """Generate, screen, score; returns the report (also written to ``<out>/report.json``)."""
    from paxscreen.devstack import running_stack
    from paxscreen.jobs import screen_files
    from producers.decode import read_files
    from producers.publish import iter_inputs

    settings = settings or from_env()
    t0 = time.perf_counter()
    log.write(f"generating seed {opts.seed}: {opts.travellers} travellers, {opts.persons} persons, "
              f"{opts.stolen} stolen documents...\n")  # fmt: skip
    bench = generate(opts.seed, travellers=opts.travellers, persons=opts.persons, stolen=opts.stolen,
                     per_class=opts.per_class)  # fmt: skip
    paths = bench.write(opts.out)
    gen_seconds = time.perf_counter() - t0
    batch = read_files([(m.source, m.data) for m in iter_inputs([str(paths["manifests"])])])
    travellers_list = batch.travellers if hasattr(batch, "travellers") else batch[0]
    travellers = {t.pnr_locator: t for t in travellers_list if t.pnr_locator}
    pnr_of = {t.event_id: t.pnr_locator for t in travellers_list if t.pnr_locator}
    alerts_path = Path(opts.out) / "alerts.jsonl"
    log.write(f"screening {len(travellers_list)} travellers through paxscreen screen...\n")
    with running_stack(kafka=False, redis=True, workdir=Path(opts.out) / "redis") as stack:
        s = dataclasses.replace(settings, redis_url=stack.redis_url)
        err = io.StringIO()
        with open(alerts_path, "w") as out:
            summary = screen_files(s, [str(paths["watchlist"])], [str(paths["manifests"])], out, err)
        alerts = _read_alerts(alerts_path, pnr_of)
        ours = metrics(list(bench.labels.values()), alerts)
        ours.update(alerts=summary.alerts, by_kind=summary.by_kind, seconds=round(summary.seconds, 1),
                    travellers_per_second=round(summary.travellers / summary.seconds, 1) if summary.seconds else None,
                    unreadable=summary.errors)  # fmt: skip
        misses, false_alerts = _diagnose(
            s, paths["watchlist"], travellers, bench.labels, alerts, opts.examples
        )
    report = {
        "benchmark": {"seed": opts.seed, **bench.params, "directory": str(Path(opts.out).resolve()),
                      "generation_seconds": round(gen_seconds, 1)},
        "settings": {"name_threshold": settings.name_threshold, "document_threshold": settings.document_threshold,
                     "max_candidates": settings.max_candidates},
        "targets": TARGETS,
        "paxscreen": ours,
        "verdict": verdict(ours),
        "misses": misses,
        "false_alerts": false_alerts,
    }  # fmt: skip
    if opts.logic_v2:
        log.write("running nomenklatura logic-v2 on a sample...\n")
        report["sample"] = run_logic_v2(bench, travellers, alerts, opts)
        if "logic_v2" in report["sample"]:
            a, b = report["sample"]["paxscreen"], report["sample"]["logic_v2"]
            report["verdict"]["better_than_logic_v2"] = (
                a["overall_recall"] >= b["overall_recall"]
                and a["false_alerts_per_1000"] <= b["false_alerts_per_1000"]
            )
    Path(opts.out, "report.json").write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    return report


# --- output -----------------------------------------------------------------------------------


def format_report(r: dict) -> str:
    ours, sample = r["paxscreen"], r.get("sample", {})
    lv2, ours_s = sample.get("logic_v2"), sample.get("paxscreen")
    b = r["benchmark"]
    title = (
        f"paxscreen benchmark: seed {b['seed']}, {ours['travellers']} travellers on {b['flights']} flights, "
        f"{b['persons']} listed persons + {b['stolen']} stolen/lost documents"
    )
    lines = [title]
    head = f"{'class':<22} {'n':>5} {'paxscreen':>9}"
    if lv2:
        head += f"   | sample {'n':>4} {'paxscreen':>9} {'logic-v2':>9}"
    lines += ["", head, "-" * len(head)]
    for c in POSITIVE_CLASSES:
        pc = ours["per_class"].get(c)
        if not pc:
            continue
        row = f"{c:<22} {pc['n']:>5} {pc['recall']:>9.3f}"
        if lv2 and c in lv2["per_class"]:
            row += f"   |        {lv2['per_class'][c]['n']:>4} {ours_s['per_class'][c]['recall']:>9.3f} {lv2['per_class'][c]['recall']:>9.3f}"
        lines.append(row)
    row = f"{'overall recall':<22} {ours['positives']:>5} {ours['overall_recall']:>9.3f}"
    if lv2:
        row += f"   |        {lv2['positives']:>4} {ours_s['overall_recall']:>9.3f} {lv2['overall_recall']:>9.3f}"
    lines += ["-" * len(head), row, "", "false-alert travellers (any alert not in the labels):"]
    for c, v in ours["false_alerts_by_class"].items():
        row = f"  {c:<20} {v['n']:>5} {v['false_alert_travellers']:>9}"
        if lv2 and c in lv2["false_alerts_by_class"]:
            s1, s2 = ours_s["false_alerts_by_class"][c], lv2["false_alerts_by_class"][c]
            row += f"   |        {s2['n']:>4} {s1['false_alert_travellers']:>9} {s2['false_alert_travellers']:>9}"
        lines.append(row)
    row = f"{'per 1,000 screened':<22} {'':>5} {ours['false_alerts_per_1000']:>9.3f}"
    if lv2:
        row += (
            f"   | est. {'':>6} {ours_s['false_alerts_per_1000']:>9.3f} {lv2['false_alerts_per_1000']:>9.3f}"
        )
    lines.append(row)
    if sample.get("nomenklatura"):
        lines.append(f"\nlogic-v2: nomenklatura {sample['nomenklatura']}, threshold {sample['threshold']}, "
                     f"{sample['sample_travellers']} sampled travellers, {sample['pairs']} pairs, "
                     f"{sample['seconds']} s (per-1,000 rates on the sample are stratified estimates)")  # fmt: skip
    elif sample.get("skipped"):
        lines.append(f"\nlogic-v2 skipped: {sample['skipped']}")
    lines.append(f"paxscreen screen: {ours['seconds']} s, {ours['travellers_per_second']} travellers/s, "
                 f"alerts {ours['by_kind']}")  # fmt: skip
    t = r["targets"]
    lines.append(
        f"targets: recall >= {t['overall_recall']} overall and >= {t['class_recall']} per class, "
        f"<= {t['false_alerts_per_1000']} false-alert travellers per 1,000; "
        + ", ".join(f"{k} {'PASS' if v else 'FAIL'}" for k, v in r["verdict"].items())
    )
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=1, help="generator seed (same seed, same benchmark)")
    parser.add_argument(
        "--travellers", type=int, default=20_000, help="travellers to screen (default 20,000)"
    )
    parser.add_argument("--watchlist", type=int, default=2_000, help="listed persons (default 2,000)")
    parser.add_argument("--stolen", type=int, default=500, help="stolen/lost documents listed (default 500)")
    parser.add_argument(
        "--per-class", type=int, default=None, help="cases per variation class (default travellers/250)"
    )
    parser.add_argument(
        "--out", default=".paxscreen/benchmark", help="directory for the generated files and report.json"
    )
    parser.add_argument(
        "--no-logic-v2", action="store_true", help="skip the nomenklatura logic-v2 comparison"
    )
    parser.add_argument(
        "--logic-v2-positives", type=int, default=600, help="class-balanced positives for logic-v2"
    )
    parser.add_argument(
        "--logic-v2-negatives", type=int, default=3_000, help="negative travellers for logic-v2"
    )
    parser.add_argument("--examples", type=int, default=5, help="failing examples per class in the report")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")


def run(args: argparse.Namespace) -> int:
    opts = Options(seed=args.seed, travellers=args.travellers, persons=args.watchlist, stolen=args.stolen,
                   per_class=args.per_class, out=args.out, logic_v2=not args.no_logic_v2,
                   lv2_positives=args.logic_v2_positives, lv2_negatives=args.logic_v2_negatives,
                   examples=args.examples)  # fmt: skip
    report = run_benchmark(opts)
    print(format_report(report))
    print(f"\nreport: {Path(opts.out, 'report.json')}")
    return 1 if args.check and not all(report["verdict"].values()) else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="paxscreen evaluate", description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
