"""Retro-screening: a watchlist entry added now is screened against the travellers of recent
and imminent flights, who were screened before it existed.

The worker keeps every traveller it sees in `matchers.recent.RecentTravellers` (flights
departing within ``PAXSCREEN_RETRO_AHEAD_HOURS``, 72 h, or landed within
``PAXSCREEN_RETRO_BEHIND_HOURS``, 24 h). `retro_screen` screens those travellers against ONLY
the given entries with the live screen's own code: the same blocking keys pick candidates
(`matchers.keys`), `matchers.screening.screen_against` scores them, and alerts go to the alerts
topic with the live alert ids through the live `AlertLedger`. So a retro alert is exactly the
alert a live screen would have raised, the router sends it to the airports' task forces, and a
later live screen (or a second retro run) never raises it twice.

`run_after_load` is what ``paxscreen watchlist load`` calls after a new version is active: it
finds the entries that are new or changed since the last load by comparing content digests
with a snapshot (``P:retro:wl:<list>``, entry digest -> content digest) of the previous
version, screens the window against them, then stores the new snapshot. The first load of a
list (no snapshot) screens the window against the whole list: those travellers were never
screened against it. Above `STORE_LOOKUP_ABOVE` added entries the candidates come from the
store's own lookup (restricted to the added entries) instead of an in-memory index.

Reads the store's documented key layout (`matchers.store`): the pointer hash ``P:wl:lists``
and the entry hashes ``{P:wl:L:T}:e:<bucket>``.
"""

from __future__ import annotations

import hashlib
import heapq
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import orjson

from paxscreen.models import Alert, Traveller, WatchEntry
from paxscreen.settings import Settings

__all__ = ["RetroReport", "added_entries", "retro_screen", "run_after_load"]

log = logging.getLogger(__name__)
STORE_LOOKUP_ABOVE = 20_000  # added entries above which candidates come from the store's lookup
Candidates = Callable[[Sequence[Traveller]], list[list]]


@dataclass
class RetroReport:
    list_name: str | None
    entries: int = 0  # entries screened against (new or changed)
    travellers: int = 0  # travellers in the window
    alerts: int = 0  # alerts published
    already: int = 0  # alerts found that were already published (live or an earlier run)
    seconds: float = 0.0
    note: str | None = None

    def line(self) -> str:
        if self.note:
            return f"retro-screening: {self.note}"
        return (
            f"retro-screening: {self.entries} new or changed entr{'y' if self.entries == 1 else 'ies'} against "
            f"{self.travellers} recent traveller(s): {self.alerts} alert(s) raised, {self.already} already raised, "
            f"{self.seconds:.1f} s"
        )


def _client(settings: Settings):
    from paxscreen.jobs import redis_client

    return redis_client(settings)


def _recent(settings: Settings, client):
    from matchers.recent import RecentTravellers

    return RecentTravellers(
        client, settings.topic_prefix, ahead_hours=settings.retro_ahead_hours, behind_hours=settings.retro_behind_hours
    )


def _in_memory(entries: Sequence[WatchEntry], list_name: str | None, version: str | None, limit: int) -> Candidates:
    """Candidates per traveller from the entries' blocking keys, as the store ranks them:
    every entry found through a document key, plus the ``limit`` sharing the most keys."""
    from matchers.keys import entry_keys, traveller_keys
    from matchers.store_codec import Candidate

    by_name: dict[str, list[int]] = {}
    by_doc: dict[str, list[int]] = {}
    for i, e in enumerate(entries):
        names, docs = entry_keys(e)
        for k in names:
            by_name.setdefault(k, []).append(i)
        for k in docs:
            by_doc.setdefault(k, []).append(i)

    def candidates(travellers: Sequence[Traveller]) -> list[list]:
        out = []
        for t in travellers:
            names, docs = traveller_keys(t)
            shared: dict[int, int] = {}
            hits: set[int] = set()
            for keys, index, is_doc in ((names, by_name, False), (docs, by_doc, True)):
                for k in keys:
                    for i in index.get(k, ()):
                        shared[i] = shared.get(i, 0) + 1
                        if is_doc:
                            hits.add(i)
            others = heapq.nsmallest(max(0, limit), ((-n, i) for i, n in shared.items() if i not in hits))
            chosen = sorted(hits) + [i for _, i in others]
            out.append([Candidate(entries[i], list_name, version, shared[i], i in hits) for i in chosen])
        return out

    return candidates


def _from_store(client, settings: Settings, list_name: str, digests: set[bytes]) -> Candidates:
    """Candidates from the store's lookup (all active lists), keeping the added entries only."""
    from matchers.keys import digest
    from matchers.store import WatchlistStore

    store = WatchlistStore(client, prefix=settings.topic_prefix)

    def candidates(travellers: Sequence[Traveller]) -> list[list]:
        found = store.lookup(travellers, settings.max_candidates)
        return [
            [c for c in per if c.list_name == list_name and digest("e:" + c.entry.id) in digests] for per in found
        ]

    return candidates


class _LazyProducer:
    """A confluent-kafka Producer made on first use: a window without alerts needs no Kafka."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.producer = None

    def _get(self):
        if self.producer is None:
            from confluent_kafka import Producer

            from paxscreen.errors import ConfigError
            from paxscreen.kafka import producer_config

            if not self.settings.kafka_bootstrap:
                raise ConfigError("retro-screening alerts need Kafka: set PAXSCREEN_KAFKA_BOOTSTRAP or run `paxscreen dev`")
            self.producer = Producer(producer_config(self.settings))
        return self.producer

    def produce(self, *args, **kwargs) -> None:
        self._get().produce(*args, **kwargs)

    def flush(self, timeout: float) -> int:
        return self._get().flush(timeout)


def _publish(settings: Settings, client, alerts: list[Alert], producer) -> tuple[int, int]:
    """Publish the alerts the ledger has not seen, wait for Kafka, record them. Returns
    (published, already published)."""
    from paxscreen.codec import encode_alert
    from paxscreen.errors import Unavailable
    from streams.ledger import AlertLedger

    if not alerts:
        return 0, 0
    ledger = AlertLedger(client, settings.topic_prefix)
    unique = list({a.alert_id: a for a in alerts}.values())
    new = [a for a, fresh in zip(unique, ledger.unseen([a.alert_id for a in unique]), strict=True) if fresh]
    errors: list[str] = []
    for a in new:
        producer.produce(
            settings.topic("alerts"), key=a.alert_id.encode(), value=encode_alert(a),
            on_delivery=lambda err, _m: errors.append(str(err)) if err else None,
        )
    if new and (producer.flush(30) or errors):
        raise Unavailable(f"retro alerts not acknowledged by Kafka: {errors[:1] or 'timeout'}")
    ledger.record([a.alert_id for a in new])
    return len(new), len(unique) - len(new)


def _screen_window(
    settings: Settings, client, candidates: Candidates, report: RetroReport, *, now: float | None, producer
) -> RetroReport:
    from matchers.screening import screen_against

    started = time.monotonic()
    producer = producer if producer is not None else _LazyProducer(settings)
    for batch in _recent(settings, client).window(now=now, batch=max(1, settings.batch_size)):
        report.travellers += len(batch)
        alerts = screen_against(batch, candidates(batch), settings)
        published, already = _publish(settings, client, alerts, producer)
        report.alerts += published
        report.already += already
    report.seconds = time.monotonic() - started
    log.info("retro-screened %d traveller(s) against %d entries: %d alert(s)", report.travellers, report.entries, report.alerts)
    return report


def retro_screen(
    settings: Settings,
    new_entries: Iterable[WatchEntry],
    *,
    list_name: str | None = None,
    version: str | None = None,
    now: float | None = None,
    client=None,
    producer=None,
) -> RetroReport:
    """Screen the travellers of the retro window against ``new_entries`` only and publish the
    alerts a live screen would have raised (new ones only). ``producer``: a confluent-kafka
    Producer (default: one from settings); ``now``: epoch seconds (tests)."""
    entries = list(new_entries)
    report = RetroReport(list_name, entries=len(entries))
    if not entries:
        report.note = "no new or changed entries"
        return report
    client = client or _client(settings)
    candidates = _in_memory(entries, list_name, version, settings.max_candidates)
    return _screen_window(settings, client, candidates, report, now=now, producer=producer)


# --- which entries a load added ----------------------------------------------------------------


def _snapshot_key(settings: Settings, list_name: str) -> str:
    return f"{settings.topic_prefix}:retro:wl:{list_name}"


def _version_entries(client, settings: Settings, list_name: str) -> tuple[str | None, dict[bytes, bytes]]:
    """The active version of a list and its entries (entry digest -> encoded entry)."""
    raw = client.hget(f"{settings.topic_prefix}:wl:lists", list_name)
    if raw is None:
        return None, {}
    meta = orjson.loads(raw)
    tag = meta["tag"]
    out: dict[bytes, bytes] = {}
    keys = list(client.scan_iter(match=f"{tag}:e:*", count=1000))
    for i in range(0, len(keys), 500):
        pipe = client.pipeline(transaction=False)
        for k in keys[i : i + 500]:
            pipe.hgetall(k)
        for h in pipe.execute():
            out.update(h)
    if not client.exists(f"{tag}:meta"):  # dropped while we read: a newer load is running
        return None, {}
    return meta["version"], out


def _content(blob: bytes) -> bytes:
    return hashlib.blake2b(blob, digest_size=8).digest()


def added_entries(client, settings: Settings, list_name: str) -> tuple[str | None, dict[bytes, bytes], dict[bytes, bytes]]:
    """(active version, {entry digest: blob} of entries new or changed since the snapshot,
    the new snapshot {entry digest: content digest}). Nothing is written."""
    version, entries = _version_entries(client, settings, list_name)
    old = client.hgetall(_snapshot_key(settings, list_name))
    snapshot = {eid: _content(blob) for eid, blob in entries.items()}
    added = {eid: entries[eid] for eid, c in snapshot.items() if old.get(eid) != c}
    return version, added, snapshot


def _store_snapshot(client, settings: Settings, list_name: str, snapshot: dict[bytes, bytes]) -> None:
    key = _snapshot_key(settings, list_name)
    tmp = f"{key}:next"
    client.delete(tmp)
    items = list(snapshot.items())
    for i in range(0, len(items), 5000):
        client.hset(tmp, mapping=dict(items[i : i + 5000]))
    if items:
        client.rename(tmp, key)
    else:
        client.delete(key)


def run_after_load(
    settings: Settings,
    list_name: str,
    report,
    *,
    now: float | None = None,
    producer=None,
    lookup_above: int = STORE_LOOKUP_ABOVE,
) -> RetroReport:
    """After ``paxscreen watchlist load``: retro-screen the window against what the load added
    or changed (``report``: the store's `LoadReport`), then remember this version's content.
    Above ``lookup_above`` added entries, candidates come from the store's lookup."""
    from matchers.store_codec import decode_entry

    out = RetroReport(list_name)
    if report is None:
        out.note = "nothing loaded"
        return out
    client = _client(settings)
    if getattr(report, "unchanged", False) and client.exists(_snapshot_key(settings, list_name)):
        out.note = "list unchanged"
        return out
    version, added, snapshot = added_entries(client, settings, list_name)
    if version is None:
        out.note = f"list {list_name!r} is not active (a newer load may be running)"
        return out
    out.entries = len(added)
    if added:
        if len(added) > lookup_above:
            candidates = _from_store(client, settings, list_name, set(added))
        else:
            entries = [decode_entry(blob) for blob in added.values()]
            candidates = _in_memory(entries, list_name, version, settings.max_candidates)
        _screen_window(settings, client, candidates, out, now=now, producer=producer)
    else:
        out.note = "no new or changed entries"
    _store_snapshot(client, settings, list_name, snapshot)
    return out
