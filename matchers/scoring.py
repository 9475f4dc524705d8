"""The matching algorithm: per alert kind, a table of features and weights.

A kind's score is its *base* feature's score plus, for every other feature, a contribution
``weight * (2 * score - 1)``: a feature at 1.0 adds its ``for`` weight, at 0.0 takes away its
``against`` weight, and a neutral 0.5 (missing data) changes nothing. The total is clipped to
[0, 1] and compared with the kind's threshold from `Settings`. Evidence works both ways: a
namesake born years apart falls well below the name threshold, however alike the name.

==================  ===================  ========  ==========  ================================
kind                feature              for       against     note
==================  ===================  ========  ==========  ================================
name                name_similarity      base      base        a listed person by name;
                                                               corroboration counts in full
                                                               from 0.8, not at all below 0.6
                    birth_date           0.10      0.35        3+ years apart: -0.35
                    nationality          0.05      0.10        0.04 when birth dates agree
                    sex                  0.02      0.20
                    name_gender          0         0.30        different sexes and MARIO/MARIA,
                                                               PETROV/PETROVA: relatives
document            document_number      base      base        a listed person's document
                    document_country     0.05      0.30        another country's series
                    name_similarity      0.05      0.05        alerts under another name
                    birth_date           0.05      0.05
stolen_document     document_number      base      base        a stolen/lost blank document
                    document_country     0.05      0.30
==================  ===================  ========  ==========  ================================

*Support*: a name that only partly agrees (a given name two edits away, a surname alone) is
not made a match by weak corroboration (the same birth year and nationality): the ``for``
weights count in proportion to where the name score sits between 0.6 and 0.8. Weights
``against`` always count in full. *Ease*: a second nationality is common, so when the birth
dates agree (exactly, on the year, by a slip or a swap) another nationality takes away 0.04,
not 0.10.

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
    name_gender_agreement,
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
class Ease:
    """A softer weight against when another feature agrees: ``weight_against`` becomes
    ``weight`` once ``feature`` scores at least ``at`` (``why`` says so in the explanation)."""

    feature: Feature
    at: float
    weight: float
    why: str


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of a kind's table: a feature, its weight for and against (base: counted as is),
    and optionally an `Ease` of the weight against. A base rule may carry ``support``
    ``(low, high)``: the other features' weights *for* count in proportion to where the base
    score sits between the two (none at ``low``, in full from ``high``)."""

    feature: Feature
    weight_for: float = 0.0
    weight_against: float = 0.0
    base: bool = False
    ease: Ease | None = None
    support: tuple[float, float] | None = None


# Dual nationals travel on either passport: when the birth dates agree (exactly, or by a
# slip or a swap) another nationality says little.
_DUAL_NATIONAL = Ease(dob_agreement, 0.7, 0.04, "eased: birth dates agree, a second nationality is common")


KINDS: dict[str, tuple[Rule, ...]] = {
    "name": (
        Rule(name_similarity, base=True, support=(0.6, 0.8)),
        Rule(dob_agreement, 0.10, 0.35),
        Rule(nationality_agreement, 0.05, 0.10, ease=_DUAL_NATIONAL),
        Rule(sex_agreement, 0.02, 0.20),
        # a brother and a sister (MARIO and MARIA ROSSI, twins even) are not one person
        Rule(name_gender_agreement, 0.0, 0.30),
    ),
    # A listed person's passport under another name must alert: name and birth date weigh
    # little against (an exact number with an unknown country still scores 0.9).
    "document": (
        Rule(document_number_similarity, base=True),
        Rule(document_country_agreement, 0.05, 0.30),
        Rule(name_similarity, 0.05, 0.05),
        Rule(dob_agreement, 0.05, 0.05),
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


def _support(rule: Rule, score: float) -> float:
    """How much of the other features' weights *for* a base score lets count, in [0, 1]."""
    if rule.support is None:
        return 1.0
    low, high = rule.support
    return min(1.0, max(0.0, (score - low) / (high - low)))


def _contribution(
    rule: Rule, score: float, results: dict[Feature, FeatureResult], support: float
) -> tuple[float, float, str]:
    """(weight applied, contribution, a note) of one feature score under a rule."""
    if rule.base:
        return 1.0, score, ""
    if score >= 0.5:
        weight, note = rule.weight_for * support, ""
        if support < 1.0 and score > 0.5:
            note = f"x{support:.2f}: the name agrees only partly"
    else:
        weight, note = rule.weight_against, ""
        ease = rule.ease
        if ease is not None and ease.feature in results and results[ease.feature].score >= ease.at:
            weight, note = min(weight, ease.weight), ease.why
    return weight, weight * (2.0 * score - 1.0), note


def _contributions(
    kind: str, results: dict[Feature, FeatureResult]
) -> tuple[float, list[tuple[float, float, str]]]:
    """A kind's score from already computed feature results, and each rule's (weight applied,
    contribution, note)."""
    rules = KINDS[kind]
    base = next(r for r in rules if r.base)
    support = _support(base, results[base.feature].score)
    parts = [_contribution(rule, results[rule.feature].score, results, support) for rule in rules]
    total = sum(contrib for _, contrib, _ in parts)
    return round(min(1.0, max(0.0, total)), 4), parts


def score_kind(kind: str, results: dict[Feature, FeatureResult], threshold: float) -> MatchResult:
    """Combine already computed feature results under one kind's table."""
    return _explained(kind, results, threshold, _contributions(kind, results))


def _explained(kind: str, results: dict[Feature, FeatureResult], threshold: float,
               scored: tuple[float, list[tuple[float, float, str]]]) -> MatchResult:
    score, parts = scored
    explained: list[FeatureResult] = []
    for rule, (weight, contrib, note) in zip(KINDS[kind], parts, strict=True):
        r = results[rule.feature]
        how = "base score" if rule.base else "no effect" if contrib == 0 else f"{contrib:+.2f}"
        how += f"; {note}" if note else ""
        explained.append(FeatureResult(r.feature, r.score, f"{r.detail} [{how}]", weight))
    return MatchResult(kind, score, threshold, tuple(explained))


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
    scored = {k: _contributions(k, results) for k in kinds}  # explained for the best one only
    order = list(THRESHOLDS)
    best = min(kinds, key=lambda k: (not scored[k][0] >= thresholds[k], -scored[k][0], order.index(k)))
    return _explained(best, results, thresholds[best], scored[best])


def compare(
    a: Traveller | WatchEntry | Record, b: Traveller | WatchEntry | Record, settings: Settings | None = None
) -> MatchResult:
    """Compare any two travellers, watchlist entries or records (``paxscreen compare``)."""
    result = evaluate(record_of(a), record_of(b), settings or Settings())
    assert result is not None  # only pruning returns None
    return result
