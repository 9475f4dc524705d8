"""The matching algorithm: per alert kind, a table of features and weights.

A kind's score is its *base* feature's score plus, for every other feature, a contribution
``weight * (2 * score - 1)``: a feature at 1.0 adds its ``for`` weight, at 0.0 takes away its
``against`` weight, and a neutral 0.5 (missing data) changes nothing. The total is clipped to
[0, 1] and compared with the kind's threshold from `Settings`. Evidence works both ways: a
namesake born a decade apart with another nationality falls well below the name threshold.

==================  ===================  ========  ==========  ==========================
kind                feature              for       against     note
==================  ===================  ========  ==========  ==========================
name                name_similarity      base      base        a listed person by name
                    birth_date           0.10      0.30        a decade apart: -0.30
                    nationality          0.05      0.15
                    sex                  0.02      0.20
document            document_number      base      base        a listed person's document
                    document_country     0.05      0.30        another country's series
                    name_similarity      0.05      0.10        alerts under another name
                    birth_date           0.05      0.10
stolen_document     document_number      base      base        a stolen/lost blank document
                    document_country     0.05      0.30
==================  ===================  ========  ==========  ==========================

Thresholds: ``name`` uses ``settings.name_threshold``, the two document kinds
``settings.document_threshold``. Every alert carries all of its kind's feature results, each
sentence ending with its contribution, so an analyst sees why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from matchers.features import (
    dob_agreement,
    document_country_agreement,
    document_number_similarity,
    name_similarity,
    nationality_agreement,
    sex_agreement,
)
from matchers.records import Record, record_of
from matchers.similarity import TokenSims
from paxscreen.models import FeatureResult, Traveller, WatchEntry
from paxscreen.settings import Settings

__all__ = ["KINDS", "MatchResult", "Rule", "compare", "evaluate", "score_kind"]

Feature = Callable[[Record, Record, TokenSims | None], FeatureResult]


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of a kind's table: a feature, its weight for and against (base: counted as is)."""

    feature: Feature
    weight_for: float = 0.0
    weight_against: float = 0.0
    base: bool = False


KINDS: dict[str, tuple[Rule, ...]] = {
    "name": (
        Rule(name_similarity, base=True),
        Rule(dob_agreement, 0.10, 0.30),
        Rule(nationality_agreement, 0.05, 0.15),
        Rule(sex_agreement, 0.02, 0.20),
    ),
    "document": (
        Rule(document_number_similarity, base=True),
        Rule(document_country_agreement, 0.05, 0.30),
        Rule(name_similarity, 0.05, 0.10),
        Rule(dob_agreement, 0.05, 0.10),
    ),
    "stolen_document": (
        Rule(document_number_similarity, base=True),
        Rule(document_country_agreement, 0.05, 0.30),
    ),
}
# Which threshold each kind answers to; ties between kinds go to the first listed here.
THRESHOLDS = {"document": "document_threshold", "stolen_document": "document_threshold", "name": "name_threshold"}


@dataclass(frozen=True, slots=True)
class MatchResult:
    """A scored comparison: the kind, its score in [0, 1], the threshold, and why."""

    kind: str
    score: float
    threshold: float
    explanation: tuple[FeatureResult, ...]

    @property
    def matched(self) -> bool:
        return self.score >= self.threshold


def kinds_for(a: Record, b: Record) -> tuple[str, ...]:
    """The kinds that apply: a blank stolen document on either side, else name and document."""
    if "Document" in (a.schema, b.schema):
        return ("stolen_document",)
    return ("document", "name") if a.documents and b.documents else ("name",)


def _contribution(rule: Rule, score: float) -> tuple[float, float]:
    """(weight applied, contribution) of one feature score under a rule."""
    if rule.base:
        return 1.0, score
    weight = rule.weight_for if score >= 0.5 else rule.weight_against
    return weight, weight * (2.0 * score - 1.0)


def score_kind(kind: str, results: dict[Feature, FeatureResult], threshold: float) -> MatchResult:
    """Combine already computed feature results under one kind's table."""
    total = 0.0
    explained: list[FeatureResult] = []
    for rule in KINDS[kind]:
        r = results[rule.feature]
        weight, contrib = _contribution(rule, r.score)
        total += contrib
        how = "base score" if rule.base else "no effect" if contrib == 0 else f"{contrib:+.2f}"
        explained.append(FeatureResult(r.feature, r.score, f"{r.detail} [{how}]", weight))
    return MatchResult(kind, round(min(1.0, max(0.0, total)), 4), threshold, tuple(explained))


def _ceiling(kind: str, base: FeatureResult) -> float:
    """The most a kind can score given its base feature: every other feature fully for."""
    return base.score + sum(r.weight_for for r in KINDS[kind] if not r.base)


def evaluate(
    a: Record, b: Record, settings: Settings, sims: TokenSims | None = None, *, prune: bool = False
) -> MatchResult | None:
    """Score every kind that applies and return the best: the highest-scoring kind that
    passes its threshold (ties: document before stolen_document before name), else the
    highest-scoring kind.

    ``prune``: return None, without computing the other features, when no kind can reach
    its threshold even if every other feature agreed (the screening hot path).
    """
    kinds = kinds_for(a, b)
    results: dict[Feature, FeatureResult] = {}
    thresholds = {k: getattr(settings, THRESHOLDS[k]) for k in kinds}
    if prune:
        reachable = []
        for kind in kinds:
            base = next(r.feature for r in KINDS[kind] if r.base)
            if base not in results:
                results[base] = base(a, b, sims)
            if _ceiling(kind, results[base]) >= thresholds[kind] - 1e-9:
                reachable.append(kind)
        if not reachable:
            return None
    for kind in kinds:
        for rule in KINDS[kind]:
            if rule.feature not in results:
                results[rule.feature] = rule.feature(a, b, sims)
    order = list(THRESHOLDS)
    scored = [score_kind(k, results, thresholds[k]) for k in kinds]
    scored.sort(key=lambda m: (not m.matched, -m.score, order.index(m.kind)))
    return scored[0]


def compare(
    a: Traveller | WatchEntry | Record, b: Traveller | WatchEntry | Record, settings: Settings | None = None
) -> MatchResult:
    """Compare any two travellers, watchlist entries or records (``paxscreen compare``)."""
    result = evaluate(record_of(a), record_of(b), settings or Settings())
    assert result is not None  # only pruning returns None
    return result
