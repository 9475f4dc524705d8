"""The evaluation harness: the metrics on hand-made labels, and the small benchmark through the
real batch screen (`paxscreen.jobs.screen_files` on a real embedded redis-server) with
nomenklatura's logic-v2 beside it. Thresholds are a little looser than the issue's targets
(recall >= 0.98 overall and >= 0.9 per class, <= 0.3 false-alert travellers per 1,000)."""

from __future__ import annotations

import argparse
from collections import Counter

import pytest

from paxscreen.evaluate import Options, add_arguments, format_report, metrics, run_benchmark, verdict
from paxscreen.settings import Settings
from paxscreen.synth import POSITIVE_CLASSES, Label


def label(pnr: str, cls: str, expected=()) -> Label:
    return Label(
        pnr,
        "XZ1/GRU/2026-12-01",
        cls,
        tuple(expected),
        None,
        "",
        "DOE",
        "JOHN",
        "1970-01-01",
        "X1",
        "t-" + pnr,
    )


LABELS = [
    label("P1", "exact", [("e1", "name")]),
    label("P2", "exact", [("e2", "name")]),
    label("P3", "stolen_ocr", [("d1", "stolen_document")]),
    label("N1", "neg_namesake"),
    label("N2", "ordinary"),
    label("N3", "ordinary"),
]


@pytest.mark.parametrize(("alerts", "recall", "exact", "false_alerts"), [
    ({}, 0.0, 0.0, 0),
    ({"P1": [("e1", "name", 0.9)], "P2": [("e2", "name", 0.9)], "P3": [("d1", "stolen_document", 0.9)]}, 1.0, 1.0, 0),
    ({"P1": [("e1", "document", 0.9)]}, 0.0, 0.0, 0),  # right entry, wrong kind: not found, not false
    ({"P1": [("e1", "name", 0.9), ("e9", "name", 0.8)]}, 1 / 3, 0.5, 1),  # found, plus a false alert
    ({"N1": [("e1", "name", 0.8)], "N2": [("d1", "stolen_document", 0.9)]}, 0.0, 0.0, 2),
])  # fmt: skip
def test_metrics(alerts, recall, exact, false_alerts):
    m = metrics(LABELS, alerts)
    assert m["overall_recall"] == pytest.approx(recall, abs=1e-4)
    assert m["per_class"]["exact"]["recall"] == exact
    assert m["false_alert_travellers"] == false_alerts
    assert m["false_alerts_per_1000"] == pytest.approx(false_alerts / 6 * 1000, abs=1e-3)


def test_metrics_entry_only_and_stratified_estimate():
    m = metrics(
        LABELS,
        {"P1": [("e1", "document", 0.9)], "N2": [("x", "name", 0.9)]},
        check_kind=False,
        population=Counter({"exact": 2, "stolen_ocr": 1, "neg_namesake": 1, "ordinary": 996}),
    )
    assert m["per_class"]["exact"]["found"] == 1
    # one of two sampled ordinary travellers false-alerts: half of 996 of 1,000
    assert m["false_alerts_per_1000"] == pytest.approx(498.0)


def test_verdict():
    good = {"overall_recall": 0.99, "false_alerts_per_1000": 0.2, "per_class": {"a": {"recall": 0.95}}}
    assert verdict(good) == {
        "overall_recall": True,
        "every_class_recall": True,
        "false_alerts_per_1000": True,
    }
    bad = {"overall_recall": 0.97, "false_alerts_per_1000": 0.5, "per_class": {"a": {"recall": 0.85}}}
    assert verdict(bad) == {
        "overall_recall": False,
        "every_class_recall": False,
        "false_alerts_per_1000": False,
    }


def test_command_line_defaults():
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args([])
    assert (args.seed, args.travellers, args.watchlist, args.stolen) == (1, 20_000, 2_000, 500)
    assert parser.parse_args(["--no-logic-v2", "--out", "x"]).no_logic_v2 is True


@pytest.fixture(scope="module")
def small_report(tmp_path_factory):
    """1,500 travellers, 300 listed persons, 100 stolen documents, 15 cases per class."""
    opts = Options(
        seed=11,
        travellers=1_500,
        persons=300,
        stolen=100,
        per_class=15,
        out=str(tmp_path_factory.mktemp("bench")),
        lv2_positives=285,
        lv2_negatives=600,
    )
    return run_benchmark(opts, Settings())


def test_small_benchmark_recall(small_report):
    ours = small_report["paxscreen"]
    assert ours["travellers"] == 1_500 and ours["unreadable"] == 0
    assert set(ours["per_class"]) == set(POSITIVE_CLASSES)
    assert ours["overall_recall"] >= 0.95, format_report(small_report)
    weak = {c: v["recall"] for c, v in ours["per_class"].items() if v["recall"] < 0.8}
    assert weak == {}, format_report(small_report)


def test_small_benchmark_false_alerts(small_report):
    ours = small_report["paxscreen"]
    assert ours["false_alerts_per_1000"] <= 1.0, (format_report(small_report), small_report["false_alerts"])


def test_small_benchmark_logic_v2_side_by_side(small_report):
    sample = small_report["sample"]
    assert sample["algorithm"] == "logic-v2" and sample["nomenklatura"]
    lv2 = sample["logic_v2"]
    assert lv2["positives"] == 285 and lv2["travellers"] == 885
    assert 0.0 <= lv2["overall_recall"] <= 1.0 and lv2["false_alerts_per_1000"] >= 0.0
    assert set(lv2["per_class"]) == set(POSITIVE_CLASSES)
    # logic-v2 compares entities, not documents: a misread stolen number never matches exactly
    assert lv2["per_class"]["stolen_ocr"]["recall"] == 0.0
    text = format_report(small_report)
    assert "logic-v2" in text and "overall recall" in text
