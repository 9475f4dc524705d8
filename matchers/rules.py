"""Targeting rules as data: risk profiles of weighted indicators, read from YAML, evaluated on
the fields of `matchers.rules_context`.

A rules document (docs/targeting.md has the full reference)::

    version: "2025-04"                 # a label for people; the stored version is a content hash
    description: ...
    profiles:
      - id: couriers-latam-africa-europe
        name: Cocaine couriers, Latin America -> West/Central Africa -> Europe
        description: ...
        threshold: 12                  # points at or above which the profile alerts
        applies_to: [pnr]              # pnr (bookings) and/or api (API records alone)
        enabled: true
        indicators:
          - id: paid_cash
            field: paid_cash           # a field of matchers.rules_context.FIELDS
            op: "true"                 # in not_in eq lt lte gt gte between true false exists
            weight: 3                  # points when it fires (negative: lowers the score)
            required: false            # true: the profile never alerts unless this fires
            description: Ticket paid in cash
            source: UNODC/WCO AIRCOP ...

Evaluation: an indicator fires when its field is known and the operator holds (``in`` on a
set field: any element is listed; ``not_in``: none is; ``exists``: known and not empty). The
profile's *points* are the sum of the fired weights; it alerts when points reach the threshold
and every required indicator fired. Its *score* (the alert's, in [0, 1]) is points divided by
the most points the profile can give (the sum of its positive weights), clamped.

`parse_rules` validates strictly and raises `InvalidRecord` naming the line, the profile, the
indicator and the bad value; unknown keys are errors (a misspelt ``wieght`` must not silently
count as 0). Pure: no I/O beyond parsing the text it is given.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from matchers.rules_context import FIELDS
from paxscreen.errors import InvalidRecord

__all__ = [
    "OPS",
    "Fired",
    "Indicator",
    "Profile",
    "ProfileResult",
    "RuleSet",
    "content_version",
    "evaluate",
    "evaluate_profile",
    "parse_rules",
]

# op -> field kinds it applies to
OPS: dict[str, frozenset[str]] = {
    "in": frozenset({"code", "text", "codes", "texts"}),
    "not_in": frozenset({"code", "text", "codes", "texts"}),
    "eq": frozenset({"code", "text", "number"}),
    "lt": frozenset({"number"}),
    "lte": frozenset({"number"}),
    "gt": frozenset({"number"}),
    "gte": frozenset({"number"}),
    "between": frozenset({"number"}),
    "true": frozenset({"bool"}),
    "false": frozenset({"bool"}),
    "exists": frozenset({"code", "text", "number", "bool", "codes", "texts"}),
}
NO_VALUE = frozenset({"true", "false", "exists"})
APPLIES_TO = frozenset({"pnr", "api"})
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_SYMBOL = {"lt": "<", "lte": "≤", "gt": ">", "gte": "≥", "eq": "=", "in": "in", "not_in": "not in"}
_DOC_KEYS = {"version", "description", "profiles"}
_PROFILE_KEYS = {"id", "name", "description", "threshold", "indicators", "applies_to", "enabled", "sources"}
_INDICATOR_KEYS = {"id", "field", "op", "value", "weight", "description", "source", "required"}


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    field: str
    op: str
    value: Any  # frozenset[str] for in/not_in, float for comparisons, (lo, hi) for between, None
    weight: float
    description: str = ""
    source: str = ""
    required: bool = False


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    name: str
    threshold: float
    indicators: tuple[Indicator, ...]
    description: str = ""
    applies_to: frozenset[str] = frozenset({"pnr"})
    enabled: bool = True
    sources: tuple[str, ...] = ()

    @property
    def max_points(self) -> float:
        return sum(i.weight for i in self.indicators if i.weight > 0)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A validated rules document. ``version`` is the content hash (`content_version`),
    ``label`` the document's own ``version`` field."""

    version: str
    label: str
    profiles: tuple[Profile, ...]
    description: str = ""

    def profile(self, profile_id: str) -> Profile | None:
        return next((p for p in self.profiles if p.id == profile_id), None)


@dataclass(frozen=True, slots=True)
class Fired:
    indicator: Indicator
    value: Any
    detail: str


@dataclass(frozen=True, slots=True)
class ProfileResult:
    profile: Profile
    points: float
    score: float  # points / max_points, clamped to [0, 1]
    fired: tuple[Fired, ...]
    matched: bool
    missing_required: tuple[str, ...] = ()


def content_version(text: str) -> str:
    """The version id of a rules text: a hash of its bytes (12 hex characters)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()[:12]


# --- YAML with line numbers and no duplicate keys -------------------------------------------


class _Loader(yaml.SafeLoader):
    pass


def _map(loader: _Loader, node: yaml.MappingNode):
    seen: set = set()
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise InvalidRecord("mapping keys must be plain text", line=key_node.start_mark.line + 1)
        key = key_node.value
        if key in seen:
            raise InvalidRecord(f"duplicate key {key!r}", line=key_node.start_mark.line + 1)
        seen.add(key)
    gen = yaml.SafeLoader.construct_yaml_map(loader, node)
    data = next(gen)
    loader.lines[id(data)] = node.start_mark.line + 1
    yield data
    for _ in gen:
        pass


_Loader.add_constructor("tag:yaml.org,2002:map", _map)


class _Where:
    """Builds error messages that say where: source, line, profile, indicator."""

    def __init__(self, source: str | None, lines: dict[int, int]) -> None:
        self.source = source
        self.lines = lines

    def error(self, node: object, what: str, reason: str) -> InvalidRecord:
        return InvalidRecord(f"{what}: {reason}" if what else reason, source=self.source, line=self.lines.get(id(node)))


def _keys(where: _Where, d: Any, allowed: set[str], required: set[str], what: str) -> None:
    if not isinstance(d, dict):
        raise where.error(d, what, f"expected a mapping, got {type(d).__name__} {d!r}")
    unknown = sorted(set(map(str, d)) - allowed)
    if unknown:
        raise where.error(d, what, f"unknown key(s) {', '.join(map(repr, unknown))} (allowed: {', '.join(sorted(allowed))})")
    missing = sorted(required - set(d))
    if missing:
        raise where.error(d, what, f"missing key(s) {', '.join(map(repr, missing))}")


def _number(where: _Where, node: dict, what: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise where.error(node, what, f"{key} must be a finite number, got {value!r}")
    return float(value)


def _text(where: _Where, node: dict, what: str, key: str, value: Any, *, allow_list: bool = False) -> str:
    if value is None:
        return ""
    if allow_list and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    if not isinstance(value, str):
        raise where.error(node, what, f"{key} must be text, got {value!r}")
    return value.strip()


def _id(where: _Where, node: dict, what: str, value: Any) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise where.error(node, what, f"id {value!r} must be 1-64 characters of a-z 0-9 _ . - (lower case)")
    return value


def _value(where: _Where, node: dict, what: str, field: str, op: str) -> Any:
    kind = FIELDS[field].kind
    has = "value" in node
    value = node.get("value")
    if op in NO_VALUE:
        if has:
            raise where.error(node, what, f"op {op!r} takes no value (got {value!r})")
        return None
    if not has:
        raise where.error(node, what, f"op {op!r} needs a value")
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            raise where.error(node, what, f"op {op!r} needs a non-empty list, got {value!r}")
        bad = [v for v in value if not isinstance(v, str) or not v.strip()]
        if bad:
            hint = " (quote codes YAML reads as booleans or numbers, e.g. 'NO', '001')"
            raise where.error(node, what, f"list items must be text, got {bad[0]!r}{hint}")
        if kind in ("code", "codes"):
            return frozenset(v.strip().upper() for v in value)
        return frozenset(v.strip().casefold() for v in value)
    if op == "between":
        if not isinstance(value, list) or len(value) != 2:
            raise where.error(node, what, f"op 'between' needs [low, high], got {value!r}")
        lo = _number(where, node, what, "value", value[0])
        hi = _number(where, node, what, "value", value[1])
        if lo > hi:
            raise where.error(node, what, f"between needs low <= high, got {value!r}")
        return (lo, hi)
    if kind == "number":
        return _number(where, node, what, "value", value)
    if not isinstance(value, str) or not value.strip():
        raise where.error(node, what, f"op {op!r} on {field!r} needs text, got {value!r}")
    return value.strip().upper() if kind == "code" else value.strip().casefold()


def _indicator(where: _Where, node: Any, profile_id: str, index: int) -> Indicator:
    what = f"profile {profile_id!r} indicator #{index + 1}"
    _keys(where, node, _INDICATOR_KEYS, {"id", "field", "op", "weight"}, what)
    ind_id = _id(where, node, what, node["id"])
    what = f"profile {profile_id!r} indicator {ind_id!r}"
    field = node["field"]
    if not isinstance(field, str) or field not in FIELDS:
        raise where.error(node, what, f"unknown field {field!r} (known: {', '.join(sorted(FIELDS))})")
    op = node["op"]
    if op is True or op is False:  # `op: true` unquoted: YAML reads a boolean
        op = str(op).lower()
    if not isinstance(op, str) or op not in OPS:
        raise where.error(node, what, f"op {op!r} is not one of {', '.join(OPS)}")
    kind = FIELDS[field].kind
    if kind not in OPS[op]:
        raise where.error(node, what, f"op {op!r} does not apply to {field!r} (a {kind} field)")
    weight = _number(where, node, what, "weight", node["weight"])
    if weight == 0:
        raise where.error(node, what, "weight 0 never counts; remove the indicator or give it a weight")
    required = node.get("required", False)
    if not isinstance(required, bool):
        raise where.error(node, what, f"required must be true or false, got {required!r}")
    return Indicator(
        id=ind_id,
        field=field,
        op=op,
        value=_value(where, node, what, field, op),
        weight=weight,
        description=_text(where, node, what, "description", node.get("description")),
        source=_text(where, node, what, "source", node.get("source"), allow_list=True),
        required=required,
    )


def _profile(where: _Where, node: Any, index: int) -> Profile:
    what = f"profile #{index + 1}"
    _keys(where, node, _PROFILE_KEYS, {"id", "threshold", "indicators"}, what)
    pid = _id(where, node, what, node["id"])
    what = f"profile {pid!r}"
    items = node["indicators"]
    if not isinstance(items, list) or not items:
        raise where.error(node, what, f"indicators must be a non-empty list, got {items!r}")
    indicators = tuple(_indicator(where, item, pid, i) for i, item in enumerate(items))
    ids = [i.id for i in indicators]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise where.error(node, what, f"duplicate indicator id(s) {', '.join(map(repr, dupes))}")
    threshold = _number(where, node, what, "threshold", node["threshold"])
    top = sum(i.weight for i in indicators if i.weight > 0)
    if threshold <= 0:
        raise where.error(node, what, f"threshold must be above 0, got {node['threshold']!r}")
    if threshold > top:
        raise where.error(node, what, f"threshold {threshold:g} exceeds the most points its indicators give ({top:g})")
    applies = node.get("applies_to", ["pnr"])
    if not isinstance(applies, list) or not applies or not all(a in APPLIES_TO for a in applies if isinstance(a, str)) \
            or not all(isinstance(a, str) for a in applies):
        raise where.error(node, what, f"applies_to must be a list of {sorted(APPLIES_TO)}, got {applies!r}")
    enabled = node.get("enabled", True)
    if not isinstance(enabled, bool):
        raise where.error(node, what, f"enabled must be true or false, got {enabled!r}")
    sources = node.get("sources") or []
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise where.error(node, what, f"sources must be a list of text, got {sources!r}")
    return Profile(
        id=pid,
        name=_text(where, node, what, "name", node.get("name")) or pid,
        threshold=threshold,
        indicators=indicators,
        description=_text(where, node, what, "description", node.get("description")),
        applies_to=frozenset(applies),
        enabled=enabled,
        sources=tuple(sources),
    )


def parse_rules(text: str, *, source: str | None = None) -> RuleSet:
    """Validate a rules document; `InvalidRecord` says where and what is wrong."""
    loader = _Loader(text)
    loader.lines = {}
    try:
        doc = loader.get_single_data()
    except InvalidRecord as exc:
        raise InvalidRecord(exc.reason, source=source, line=exc.line) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise InvalidRecord(f"not YAML: {problem}", source=source, line=mark.line + 1 if mark else None) from None
    finally:
        loader.dispose()
    where = _Where(source, loader.lines)
    _keys(where, doc, _DOC_KEYS, {"version", "profiles"}, "rules document")
    label = doc["version"]
    if isinstance(label, bool) or not isinstance(label, (str, int, float)) or not str(label).strip():
        raise where.error(doc, "rules document", f"version must be a label such as '2025-04', got {label!r}")
    profiles = doc["profiles"]
    if not isinstance(profiles, list) or not profiles:
        raise where.error(doc, "rules document", f"profiles must be a non-empty list, got {profiles!r}")
    parsed = tuple(_profile(where, p, i) for i, p in enumerate(profiles))
    ids = [p.id for p in parsed]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise where.error(doc, "rules document", f"duplicate profile id(s) {', '.join(map(repr, dupes))}")
    description = _text(where, doc, "rules document", "description", doc.get("description"))
    return RuleSet(content_version(text), str(label).strip(), parsed, description)


# --- evaluation -------------------------------------------------------------------------------


def _norm(value: Any, kind: str) -> Any:
    if isinstance(value, str):
        return value.upper() if kind in ("code", "codes") else value.casefold()
    return value


def _holds(ind: Indicator, value: Any) -> bool:
    """Whether a known value satisfies the indicator."""
    kind = FIELDS[ind.field].kind
    many = kind in ("codes", "texts")
    op = ind.op
    if op == "exists":
        return bool(value) if many else True
    if op in ("true", "false"):
        return value is (op == "true")
    if op in ("in", "not_in"):
        items = {_norm(v, kind) for v in value} if many else {_norm(value, kind)}
        hit = bool(items & ind.value)
        return hit if op == "in" else not hit
    if op == "eq":
        return _norm(value, kind) == ind.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if op == "between":
        return ind.value[0] <= value <= ind.value[1]
    return {"lt": value < ind.value, "lte": value <= ind.value, "gt": value > ind.value, "gte": value >= ind.value}[op]


def _show(value: Any) -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(map(str, value)) or "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _detail(ind: Indicator, value: Any) -> str:
    if ind.op in ("true", "false"):
        test = f"{ind.field} is {ind.op}"
    elif ind.op == "exists":
        test = f"{ind.field} = {_show(value)}"
    elif ind.op == "between":
        test = f"{ind.field} = {_show(value)} (between {ind.value[0]:g} and {ind.value[1]:g})"
    elif ind.op in ("in", "not_in", "eq"):
        test = f"{ind.field} = {_show(value)}"
    else:
        shown = f"{ind.value:g}" if isinstance(ind.value, float) else str(ind.value)
        test = f"{ind.field} = {_show(value)} ({_SYMBOL[ind.op]} {shown})"
    lead = ind.description or ind.id
    return f"{lead}: {test} [{ind.weight:+g}]"


def evaluate_profile(profile: Profile, context: Mapping[str, Any]) -> ProfileResult:
    """Which indicators fire on ``context``, the points, the score and whether it alerts.
    Never raises on missing or odd values: an indicator whose field is unknown does not fire."""
    fired: list[Fired] = []
    for ind in profile.indicators:
        value = context.get(ind.field)
        if value is None:
            continue
        try:
            ok = _holds(ind, value)
        except (TypeError, ValueError):
            ok = False
        if ok:
            fired.append(Fired(ind, value, _detail(ind, value)))
    points = round(sum(f.indicator.weight for f in fired), 6)
    top = profile.max_points
    score = min(1.0, max(0.0, points / top)) if top > 0 else 0.0
    ids = {f.indicator.id for f in fired}
    missing = tuple(i.id for i in profile.indicators if i.required and i.id not in ids)
    matched = profile.enabled and points >= profile.threshold and not missing
    return ProfileResult(profile, points, score, tuple(fired), matched, missing)


def evaluate(rules: RuleSet, context: Mapping[str, Any], *, only_matched: bool = True) -> list[ProfileResult]:
    """Every enabled profile that applies to the context's source (``pnr``/``api``)."""
    source = context.get("source") or "pnr"
    out = []
    for p in rules.profiles:
        if not p.enabled or source not in p.applies_to:
            continue
        r = evaluate_profile(p, context)
        if r.matched or not only_matched:
            out.append(r)
    return out
