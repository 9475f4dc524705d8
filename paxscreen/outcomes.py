"""Outcomes: task forces' dispositions of alerts, and the operation report built from them.

``paxscreen disposition ALERT_ID --outcome seizure|arrest|no-action|false-positive [--note ...]
[--airport IATA] [--officer ID] [--force]`` records a result as an event on
``<prefix>.dispositions`` (schema ``paxscreen.disposition/1``, key = alert_id; the latest
disposition of an alert counts, so a task force corrects one by recording another). An id the
alert ledger never saw (a typo, or an alert older than its 30 days) is refused, but with ``--force``.

``paxscreen report [--since 24h|7d|ISO] [--json]`` reads the raw, travellers, bookings, alerts,
deadletter and dispositions topics (`paxscreen.topicrange`) and prints what an operation report
(COCAIR-style) needs: messages received by format, travellers screened, alerts by kind, rule
(risk profile) and list (watchlist dataset), dispositions by outcome, and per profile, per
indicator and per list: hits, dispositions and precision = (seizure + arrest) / dispositioned.
People tune the profiles from it; paxscreen never retrains itself.

`OperationReport` is the pure accumulator (tests feed it events); `collect_report` feeds it
from Kafka. Alerts count from ``--since``; dispositions are read from the start of their topic
so that an alert raised in the window and dispositioned later still counts.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO

import orjson

from paxscreen.codec import stable_id
from paxscreen.errors import InvalidMessage, PaxscreenError
from paxscreen.settings import Settings, from_env

__all__ = [
    "DISPOSITION_SCHEMA",
    "OUTCOMES",
    "OperationReport",
    "add_disposition_arguments",
    "add_report_arguments",
    "alert_published",
    "collect_report",
    "decode_disposition",
    "disposition_record",
    "format_report",
    "parse_since",
    "record_disposition",
    "run_disposition",
    "run_report",
]

DISPOSITION_SCHEMA = "paxscreen.disposition/1"
OUTCOMES = ("seizure", "arrest", "no-action", "false-positive")
POSITIVE = frozenset({"seizure", "arrest"})
_ALERT_ID = re.compile(r"^a-[0-9a-f]{24}$")
_IATA = re.compile(r"^[A-Z0-9]{3}$")
MAX_NOTE = 2000


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# --- dispositions -----------------------------------------------------------------------------


def disposition_record(
    alert_id: str,
    outcome: str,
    *,
    note: str | None = None,
    airport: str | None = None,
    officer: str | None = None,
    at: str | None = None,
) -> dict:
    """A validated disposition event (raises `InvalidMessage` naming the bad value)."""
    if not isinstance(alert_id, str) or not _ALERT_ID.match(alert_id):
        raise InvalidMessage(f"alert id {alert_id!r} is not an alert id (a- and 24 hex characters)")
    if outcome not in OUTCOMES:
        raise InvalidMessage(f"outcome {outcome!r} is not one of {', '.join(OUTCOMES)}")
    if note is not None and len(note) > MAX_NOTE:
        raise InvalidMessage(f"note is {len(note)} characters; at most {MAX_NOTE}")
    code = airport.strip().upper() if airport else None
    if code is not None and not _IATA.match(code):
        raise InvalidMessage(f"airport {airport!r} is not a 3-letter IATA code")
    at = at or utc_now()
    return {
        "schema": DISPOSITION_SCHEMA,
        "disposition_id": stable_id(alert_id, outcome, at, code, officer, prefix="d-"),
        "alert_id": alert_id,
        "outcome": outcome,
        "note": note or None,
        "airport": code,
        "officer": officer or None,
        "at": at,
    }


def decode_disposition(data: bytes | dict) -> dict:
    try:
        d = orjson.loads(data) if isinstance(data, (bytes, bytearray, str)) else data
    except orjson.JSONDecodeError as exc:
        raise InvalidMessage(f"not a disposition event: {exc}") from None
    if not isinstance(d, dict) or d.get("schema") != DISPOSITION_SCHEMA:
        got = d.get("schema") if isinstance(d, dict) else None
        raise InvalidMessage(f"expected schema {DISPOSITION_SCHEMA!r}, got {got!r}")
    return disposition_record(
        d.get("alert_id"), d.get("outcome"), note=d.get("note"), airport=d.get("airport"),
        officer=d.get("officer"), at=d.get("at"),
    )


def alert_published(settings: Settings, alert_id: str) -> bool:
    """Whether a worker published ``alert_id`` (its ledger in Redis, `streams.ledger`, keeps
    each id 30 days)."""
    from paxscreen.jobs import redis_client
    from streams.ledger import AlertLedger

    return not AlertLedger(redis_client(settings), settings.topic_prefix).unseen([alert_id])[0]


def record_disposition(settings: Settings, record: dict) -> None:
    """Publish a disposition (idempotent producer, acks=all), waiting for the broker."""
    from confluent_kafka import Producer

    from paxscreen.errors import Unavailable
    from paxscreen.kafka import ensure_topics, producer_config

    ensure_topics(settings)
    producer = Producer(producer_config(settings))
    errors: list[str] = []
    producer.produce(
        settings.topic("dispositions"), key=record["alert_id"].encode(), value=orjson.dumps(record),
        on_delivery=lambda err, _msg: errors.append(str(err)) if err else None,
    )
    if producer.flush(30) or errors:
        raise Unavailable(f"disposition not acknowledged by Kafka: {errors or 'timeout'}")


# --- the report --------------------------------------------------------------------------------


@dataclass
class _Tally:
    alerts: int = 0
    outcomes: Counter = field(default_factory=Counter)

    def row(self, name: str) -> dict:
        done = sum(self.outcomes.values())
        hits = sum(self.outcomes[o] for o in POSITIVE)
        return {
            "name": name,
            "alerts": self.alerts,
            "dispositioned": done,
            **{o: self.outcomes[o] for o in OUTCOMES},
            "precision": round(hits / done, 3) if done else None,
        }


class OperationReport:
    """Accumulates events; `summary` gives the report as a dict."""

    def __init__(self, since: str | None = None) -> None:
        self.since = since
        self.formats: Counter = Counter()
        self.deadletters: Counter = Counter()
        self.travellers: dict[str, str] = {}  # event_id -> source
        self.bookings: set[str] = set()
        self.alerts: dict[str, dict] = {}  # alert_id -> the alert's reporting keys
        self.dispositions: dict[str, dict] = {}  # alert_id -> latest disposition

    def raw(self, headers: dict[str, str], value: bytes | None = None) -> None:
        """A raw message: its format from the producer's header, else sniffed from the bytes."""
        fmt = headers.get("paxscreen-format")
        if not fmt or fmt == "unknown":
            from producers.edifact import sniff

            fmt = (sniff(value) if value else None) or "unknown"
        self.formats[fmt] += 1

    def deadletter(self, value: bytes) -> None:
        try:
            self.deadletters[orjson.loads(value).get("stage") or "?"] += 1
        except (orjson.JSONDecodeError, AttributeError):
            self.deadletters["?"] += 1

    def traveller(self, value: bytes) -> None:
        try:
            d = orjson.loads(value)
            self.travellers[d["event_id"]] = d.get("source") or "paxlst"
        except (orjson.JSONDecodeError, KeyError, TypeError):
            pass

    def booking(self, value: bytes) -> None:
        try:
            self.bookings.add(orjson.loads(value)["booking_id"])
        except (orjson.JSONDecodeError, KeyError, TypeError):
            pass

    def alert(self, value: bytes) -> None:
        try:
            a = orjson.loads(value)
            entry = a.get("entry") or {}
            self.alerts[a["alert_id"]] = {
                "kind": a.get("kind") or "?",
                "profile": entry.get("profile") or (a["entry_id"].split("@")[0] if a.get("kind") == "risk" else None),
                "indicators": list(entry.get("indicators") or ()),
                "dataset": entry.get("dataset") or "?",
                "airports": list(a.get("airports") or ()),
            }
        except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
            pass

    def disposition(self, value: bytes) -> None:
        try:
            d = decode_disposition(value)
        except InvalidMessage:
            return
        prev = self.dispositions.get(d["alert_id"])
        if prev is None or d["at"] >= prev["at"]:
            self.dispositions[d["alert_id"]] = d

    def summary(self) -> dict[str, Any]:
        kinds: Counter = Counter()
        by_rule: Counter = Counter()
        by_list: Counter = Counter()
        by_airport: Counter = Counter()
        outcomes: Counter = Counter()
        tallies: dict[str, dict[str, _Tally]] = {k: defaultdict(_Tally) for k in ("kinds", "rules", "indicators", "lists")}
        for aid, a in self.alerts.items():
            outcome = (self.dispositions.get(aid) or {}).get("outcome")
            kinds[a["kind"]] += 1
            by_airport.update(a["airports"])
            groups = [("kinds", a["kind"])]
            if a["kind"] == "risk":
                by_rule[a["profile"]] += 1
                groups.append(("rules", a["profile"]))
                groups += [("indicators", f"{a['profile']}.{i}") for i in a["indicators"]]
            else:
                by_list[a["dataset"]] += 1
                groups.append(("lists", a["dataset"]))
            if outcome:
                outcomes[outcome] += 1
            for group, name in groups:
                t = tallies[group][name]
                t.alerts += 1
                if outcome:
                    t.outcomes[outcome] += 1
        sources = Counter(self.travellers.values())
        return {
            "since": self.since,
            "until": utc_now(),
            "messages": {"total": sum(self.formats.values()), "by_format": dict(self.formats.most_common())},
            "deadletters": {"total": sum(self.deadletters.values()), "by_stage": dict(self.deadletters)},
            "travellers": {"screened": len(self.travellers), "by_source": dict(sources.most_common())},
            "bookings": len(self.bookings),
            "alerts": {
                "total": len(self.alerts),
                "by_kind": dict(kinds.most_common()),
                "by_rule": dict(by_rule.most_common()),
                "by_list": dict(by_list.most_common()),
                "by_airport": dict(by_airport.most_common()),
            },
            "dispositions": {
                "total": sum(outcomes.values()),
                "by_outcome": {o: outcomes[o] for o in OUTCOMES},
                "undispositioned": len(self.alerts) - sum(outcomes.values()),
                "of_earlier_alerts": sum(1 for aid in self.dispositions if aid not in self.alerts),
            },
            "precision": {
                group: [t.row(name) for name, t in sorted(tallies[group].items(), key=lambda kv: (-kv[1].alerts, kv[0]))]
                for group in ("rules", "indicators", "lists", "kinds")
            },
        }


def _counts(d: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in d.items()) or "none"


def format_report(s: dict) -> str:
    """The report as text for a person."""
    lines = [
        f"paxscreen operation report, {s['since'] or 'from the start of the topics'} to {s['until']}",
        "",
        f"messages received   {s['messages']['total']:>7}  ({_counts(s['messages']['by_format'])})",
        f"unreadable          {s['deadletters']['total']:>7}  ({_counts(s['deadletters']['by_stage'])})",
        f"travellers screened {s['travellers']['screened']:>7}  ({_counts(s['travellers']['by_source'])})",
        f"bookings (PNRs)     {s['bookings']:>7}",
        f"alerts              {s['alerts']['total']:>7}  by kind: {_counts(s['alerts']['by_kind'])}",
        f"  by rule: {_counts(s['alerts']['by_rule'])}",
        f"  by list: {_counts(s['alerts']['by_list'])}",
        f"  by airport: {_counts(s['alerts']['by_airport'])}",
        (
            f"dispositions        {s['dispositions']['total']:>7}  ({_counts(s['dispositions']['by_outcome'])}); "
            f"{s['dispositions']['undispositioned']} alert(s) without one; "
            f"{s['dispositions']['of_earlier_alerts']} of alerts before the window"
        ),
    ]
    header = f"  {'':44} {'alerts':>6} {'disp.':>5} {'seiz.':>5} {'arrest':>6} {'no-act':>6} {'false+':>6} {'precision':>9}"
    titles = {"rules": "risk profiles", "indicators": "risk indicators", "lists": "watchlists", "kinds": "alert kinds"}
    for group, title in titles.items():
        rows = s["precision"][group]
        if not rows:
            continue
        lines += ["", f"precision by {title} = (seizure + arrest) / dispositioned", header]
        for r in rows:
            prec = f"{r['precision']:.2f}" if r["precision"] is not None else "-"
            lines.append(
                f"  {r['name'][:44]:44} {r['alerts']:>6} {r['dispositioned']:>5} {r['seizure']:>5} {r['arrest']:>6} "
                f"{r['no-action']:>6} {r['false-positive']:>6} {prec:>9}"
            )
    return "\n".join(lines) + "\n"


_RELATIVE = re.compile(r"^(\d+(?:\.\d+)?)\s*([mhdw])$")


def parse_since(value: str | None, *, now: datetime | None = None) -> datetime | None:
    """``"24h"``, ``"7d"``, ``"30m"``, ``"2w"`` before now, or an ISO date/time (UTC unless it
    says otherwise); None for everything. Raises `PaxscreenError` on anything else."""
    if value is None or value.strip().lower() in ("", "all"):
        return None
    now = now or datetime.now(UTC)
    text = value.strip()
    m = _RELATIVE.match(text.lower())
    if m:
        seconds = float(m.group(1)) * {"m": 60, "h": 3600, "d": 86400, "w": 604800}[m.group(2)]
        return datetime.fromtimestamp(now.timestamp() - seconds, UTC)
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise PaxscreenError(f"--since {value!r}: give 24h, 7d, 30m, 2w or an ISO date/time") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def collect_report(settings: Settings, since: datetime | None, *, timeout: float = 120.0) -> OperationReport:
    """Read the topics (from ``since``; dispositions from their start) into a report."""
    from paxscreen.topicrange import read_range
    from streams.records import headers_dict

    report = OperationReport(since.isoformat(timespec="seconds") if since else None)
    since_ms = int(since.timestamp() * 1000) if since else None
    feed = {
        settings.topic("raw"): lambda m: report.raw(headers_dict(m.headers()), m.value()),
        settings.topic("travellers"): lambda m: report.traveller(m.value()),
        settings.topic("bookings"): lambda m: report.booking(m.value()),
        settings.topic("alerts"): lambda m: report.alert(m.value()),
        settings.topic("deadletter"): lambda m: report.deadletter(m.value()),
    }
    for msg in read_range(settings, list(feed), since_ms, timeout=timeout):
        if msg.value() is not None:
            feed[msg.topic()](msg)
    for msg in read_range(settings, [settings.topic("dispositions")], None, timeout=timeout):
        if msg.value() is not None:
            report.disposition(msg.value())
    return report


# --- command line -------------------------------------------------------------------------------


def _settings() -> Settings:
    s = from_env()
    return s if s.kafka_bootstrap and s.redis_url else s.with_stack()


def add_disposition_arguments(parser: argparse.ArgumentParser) -> None:
    """``paxscreen disposition``: wire with ``set_defaults(func=outcomes.run_disposition)``."""
    parser.add_argument("alert_id", metavar="ALERT_ID")
    parser.add_argument("--outcome", required=True, choices=OUTCOMES, help="what the task force found")
    parser.add_argument("--note", help="free text for the report (no more than needed)")
    parser.add_argument("--airport", metavar="IATA", help="the task force's airport")
    parser.add_argument("--officer", metavar="ID", help="officer or team identifier")
    parser.add_argument("--force", action="store_true",
                        help="record it even if no worker published this alert (the ledger keeps 30 days; "
                             "an alert of a batch `paxscreen screen`)")


def run_disposition(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    record = disposition_record(args.alert_id, args.outcome, note=args.note, airport=args.airport, officer=args.officer)
    settings = _settings()
    if not getattr(args, "force", False) and not alert_published(settings, record["alert_id"]):
        raise InvalidMessage(
            f"alert {record['alert_id']!r} is not in the alert ledger: no worker published it in the last 30 days "
            "(a typo? `paxscreen alerts --json` shows the ids); --force records it all the same")
    record_disposition(settings, record)
    out.write(f"recorded {record['outcome']} for alert {record['alert_id']} ({record['disposition_id']})\n")
    return 0


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    """``paxscreen report``: wire with ``set_defaults(func=outcomes.run_report)``."""
    parser.add_argument("--since", help="24h, 7d, 30m, 2w or an ISO date/time (default: everything kept)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def run_report(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    summary = collect_report(_settings(), parse_since(args.since)).summary()
    out.write(orjson.dumps(summary, option=orjson.OPT_INDENT_2).decode() + "\n" if args.json else format_report(summary))
    return 0
