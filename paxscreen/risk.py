"""Risk targeting jobs: the ``paxscreen rules`` command (load, status, show, check) and the
composition of the worker's targeting extension (`build_targeting`).

``paxscreen rules load FILE`` validates a rules document and makes it the active version in
Redis (running workers switch within ``PAXSCREEN_RULES_RELOAD_SECONDS``); ``status`` shows the
active version and the recent loads; ``show [VERSION]`` prints a stored version's YAML;
``check FILE [PNRGOV...]`` validates without loading and, given PNRGOV files, prints what
each profile scores for each booking traveller (no names: locator, traveller reference,
flight), so a profile can be tried on sample data before it goes live.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from paxscreen.errors import InvalidRecord, PaxscreenError
from paxscreen.settings import Settings, from_env

__all__ = ["STARTER_RULES", "add_arguments", "build_targeting", "check_rules", "run"]

STARTER_RULES = Path(__file__).parent / "rules" / "couriers.yaml"


def build_targeting(settings: Settings, client: Any) -> Callable[..., None]:
    """The ``Pipeline.extensions`` entry for the worker: risk rules on bookings (and API
    records), task-force routing, the rules reload timer, the retro-screening memory."""
    from matchers.recent import RecentTravellers
    from matchers.rules_store import RulesRuntime, RulesStore
    from matchers.targeting import api_risk_alerts, booking_risk_alerts
    from producers.pnrgov import booking_travellers
    from streams.targeting import Targeting, targeting_extension

    def booking_alerts(booking, rules, now: str):
        return booking_risk_alerts(booking, booking_travellers(booking), rules, screened_at=now)

    def api_alerts(travellers, rules, now: str):
        return api_risk_alerts(travellers, rules, screened_at=now)

    recent = RecentTravellers(
        client, settings.topic_prefix, ahead_hours=settings.retro_ahead_hours, behind_hours=settings.retro_behind_hours
    )
    return targeting_extension(
        Targeting(
            rules=RulesRuntime(RulesStore(client, settings.topic_prefix)),
            booking_alerts=booking_alerts,
            api_alerts=api_alerts,
            recent=recent,
        )
    )


def _store(settings: Settings):
    from matchers.rules_store import RulesStore
    from paxscreen.jobs import redis_client

    return RulesStore(redis_client(settings), settings.topic_prefix)


def _settings() -> Settings:
    s = from_env()
    return s if s.redis_url else s.with_stack()


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    p = Path(path)
    if not p.is_file():
        raise PaxscreenError(f"{path!r}: no such file")
    try:
        return p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidRecord(f"not UTF-8 text: {exc.reason}", source=path) from None


def load_rules(settings: Settings, path: str, out: TextIO) -> int:
    rules, changed = _store(settings).load(_read(path), source=path)
    state = "now active" if changed else "already active (unchanged)"
    out.write(
        f"rules version {rules.version} ({rules.label!r}) {state}: "
        f"{len(rules.profiles)} profile(s): {', '.join(p.id for p in rules.profiles)}\n"
    )
    return 0


def rules_status(settings: Settings, out: TextIO, as_json: bool) -> int:
    st = _store(settings).status()
    if as_json:
        out.write(json.dumps(st, indent=2) + "\n")
        return 0 if st["active"] else 1
    act = st["active"]
    if not act:
        out.write(f"no targeting rules loaded (paxscreen rules load {STARTER_RULES})\n")
        return 1
    out.write(
        f"active: version {act['version']} ({act['label']!r}), loaded {act['loaded_at']} from {act.get('source')}, "
        f"profiles: {', '.join(act['profiles'])}\n"
    )
    for h in st["history"][1:]:
        out.write(f"  earlier: version {h['version']} ({h['label']!r}) loaded {h['loaded_at']}\n")
    return 0


def show_rules(settings: Settings, version: str | None, out: TextIO) -> int:
    store = _store(settings)
    version = version or store.active_version()
    text = store.text(version) if version else None
    if text is None:
        raise PaxscreenError(f"no stored rules version {version!r}" if version else "no targeting rules loaded")
    out.write(text if text.endswith("\n") else text + "\n")
    return 0


def check_rules(path: str, pnr_paths: list[str], out: TextIO) -> int:
    """Validate a rules file; score the booking travellers of PNRGOV files against it."""
    from matchers.rules import evaluate, parse_rules
    from matchers.rules_context import booking_context
    from matchers.targeting import pair_travellers
    from producers.decode import read_files
    from producers.pnrgov import booking_travellers
    from producers.publish import iter_inputs

    rules = parse_rules(_read(path), source=path)
    out.write(f"{path}: valid, version {rules.version} ({rules.label!r})\n")
    for p in rules.profiles:
        state = "" if p.enabled else " (disabled)"
        out.write(
            f"  profile {p.id}{state}: {len(p.indicators)} indicators, threshold {p.threshold:g} "
            f"of {p.max_points:g} points, applies to {', '.join(sorted(p.applies_to))}\n"
        )
    if not pnr_paths:
        return 0
    batch = read_files((m.source, m.data) for m in iter_inputs(pnr_paths))
    for e in batch.errors:
        out.write(f"error: {e.describe()}\n")
    for b in batch.bookings:
        for t, person in pair_travellers(b, booking_travellers(b)):
            for r in evaluate(rules, booking_context(b, person, t), only_matched=False):
                verdict = "ALERT" if r.matched else "no alert"
                fired = ", ".join(f"{f.indicator.id}{f.indicator.weight:+g}" for f in r.fired) or "none"
                out.write(
                    f"{b.locator or b.booking_id} traveller {person.reference or '?'} {t.flight.key}: "
                    f"{r.profile.id} {r.points:g}/{r.profile.threshold:g} points, {verdict} [{fired}]\n"
                )
    return 2 if batch.errors else 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``paxscreen rules ACTION``: wire with ``risk.add_arguments(sub.add_parser("rules", ...))``
    and ``set_defaults(func=risk.run)``."""
    sub = parser.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    sp = sub.add_parser("load", help="validate a rules YAML file and make it the active version")
    sp.add_argument("file", metavar="FILE", help=f"rules YAML (the starter profile: {STARTER_RULES})")
    sp = sub.add_parser("status", help="the active rules version and the recent loads")
    sp.add_argument("--json", action="store_true")
    sp = sub.add_parser("show", help="print a stored rules version (default: the active one)")
    sp.add_argument("version", nargs="?", metavar="VERSION")
    sp = sub.add_parser("check", help="validate a rules file without loading; score PNRGOV files against it")
    sp.add_argument("file", metavar="FILE")
    sp.add_argument("pnrs", nargs="*", metavar="PNRGOV", help="PNRGOV files or directories to score")


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    action = args.rules_command
    if action == "check":
        return check_rules(args.file, args.pnrs, out)
    s = _settings()
    if action == "load":
        return load_rules(s, args.file, out)
    if action == "status":
        return rules_status(s, out, args.json)
    if action == "show":
        return show_rules(s, args.version, out)
    raise PaxscreenError(f"unknown rules action {action!r}")
