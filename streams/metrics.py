"""Prometheus metrics of the screening worker. Base units, low-cardinality labels only:
never a passenger, document, flight or alert id in a label."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

log = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
REDIS_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)


class Metrics:
    """One set of metrics per registry (tests build their own registry)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        r = registry if registry is not None else CollectorRegistry()
        self.registry = r
        self.messages = Counter(
            "paxscreen_messages_total", "Raw airline messages consumed, by format", ["format"], registry=r
        )
        self.message_warnings = Counter(
            "paxscreen_message_warnings_total",
            "Warnings of messages read all the same (a count off, a date left out...), by format",
            ["format"],
            registry=r,
        )
        self.parse_failures = Counter(
            "paxscreen_parse_failures_total",
            "Messages that could not be read and went to the dead-letter topic, by error type",
            ["error"],
            registry=r,
        )
        self.travellers_emitted = Counter(
            "paxscreen_travellers_emitted_total", "Traveller events produced from raw messages", registry=r
        )
        self.bookings_emitted = Counter(
            "paxscreen_bookings_emitted_total", "Booking events (PNRs) produced from PNRGOV messages", registry=r
        )
        self.screened = Counter(
            "paxscreen_travellers_screened_total", "Travellers screened against the watchlists", registry=r
        )
        self.alerts = Counter("paxscreen_alerts_total", "Alerts published, by kind", ["kind"], registry=r)
        self.alerts_suppressed = Counter(
            "paxscreen_alerts_duplicate_total",
            "Alerts not republished because the same alert_id was already published (replays)",
            registry=r,
        )
        self.latency = Histogram(
            "paxscreen_event_to_alert_seconds",
            "Seconds from a message's arrival at paxscreen to its alert being published",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.screen_batch_seconds = Histogram(
            "paxscreen_screen_batch_seconds",
            "Seconds spent screening one batch of travellers (candidates + scoring)",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.redis_seconds = Histogram(
            "paxscreen_redis_call_seconds",
            "Latency of Redis round trips, by operation",
            ["op"],
            buckets=REDIS_BUCKETS,
            registry=r,
        )
        self.records_read = Counter(
            "paxscreen_reader_records_total", "Records a batch reader handed to its stage, by reader", ["reader"],
            registry=r,
        )
        self.offset_gaps = Counter(
            "paxscreen_reader_skipped_offsets_total",
            "Offsets a batch reader never received between two it read in one partition (none on these "
            "topics: a broker fault), by reader",
            ["reader"],
            registry=r,
        )
        self.lag = Gauge(
            "paxscreen_consumer_lag_messages",
            "Messages not yet consumed (high watermark minus position), by topic and partition",
            ["topic", "partition"],
            registry=r,
        )
        self.assigned = Gauge(
            "paxscreen_assigned_partitions",
            "Partitions this worker currently owns, over its consumers (Faust's and the batch readers')",
            registry=r,
        )
        self.produce_resent = Counter(
            "paxscreen_produce_resent_total",
            "Records the broker did not acknowledge in time and that were sent again",
            registry=r,
        )
        self.cache_tokens = Gauge(
            "paxscreen_screen_cache_tokens",
            "Name tokens the screener's token table holds: the lists' it met, and others up to its bound",
            registry=r,
        )
        self.cache_entries = Gauge(
            "paxscreen_screen_cache_entries",
            "Watchlist entries the screener holds parsed (two bounded generations)",
            registry=r,
        )
        self.cache_screened = Gauge(
            "paxscreen_screen_cache_travellers",
            "Screenings the screener keeps by what is matched of a traveller (two bounded generations)",
            registry=r,
        )
        self.repeats = Counter(
            "paxscreen_screen_repeats_total",
            "Travellers answered with the kept screening of one matched alike against the same list versions",
            registry=r,
        )
        self.shared_repeats = Counter(
            "paxscreen_screen_repeats_shared_total",
            "Of those, travellers answered with a screening kept in Redis (another worker's, or older)",
            registry=r,
        )
        self.partial_repeats = Counter(
            "paxscreen_screen_partial_total",
            "Travellers screened again against some lists only: those loaded since their kept screening",
            registry=r,
        )
        self._owned: dict[str, int] = {}
        self._expected: frozenset[str] = frozenset()
        self._ready = False
        self.ready = Gauge(
            "paxscreen_worker_ready",
            "1 once each of the worker's consumers (Faust's and the batch readers') has joined its group and been "
            "given its partitions: what it publishes from then on is screened without waiting for a join",
            registry=r,
        )
        self.deadletters = Counter(
            "paxscreen_deadletter_total", "Records sent to the dead-letter topic, by stage", ["stage"], registry=r
        )

    def expect(self, consumers: Iterable[str]) -> None:
        """The worker's consumers: it is ready once each has had its first assignment."""
        self._expected = frozenset(consumers)

    def owned(self, consumer: str, partitions: int) -> None:
        """``consumer`` (Faust's, or a batch reader's) now owns ``partitions``: ``assigned`` is the
        sum. The first time every expected consumer has been assigned (some, or no, partitions),
        the worker is ready: ``ready`` is set and it says so in its log."""
        self._owned[consumer] = partitions
        total = sum(self._owned.values())
        self.assigned.set(total)
        if self._expected and not self._ready and self._expected <= self._owned.keys():
            self._ready = True
            self.ready.set(1)
            log.info("joined the consumer group: %d partition(s) (%s)", total,
                     ", ".join(f"{name} {n}" for name, n in self._owned.items()))
