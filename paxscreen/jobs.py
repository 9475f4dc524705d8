"""The jobs behind the command line: each composes producers/, matchers/ and streams/.
Argument parsing and error reporting stay in `paxscreen.cli`."""

from __future__ import annotations

import contextlib
import errno
import logging
import shutil
import sys
import tempfile
import time
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TextIO

import orjson

from paxscreen.codec import encode_alert, traveller_dict
from paxscreen.errors import ConfigError, EmptyWatchlist, InvalidMessage, InvalidRecord, PaxscreenError
from paxscreen.models import WatchEntry
from paxscreen.settings import Settings

log = logging.getLogger(__name__)


def redis_client(settings: Settings):  # -> redis.Redis
    import redis

    return redis.Redis.from_url(settings.redis_url, socket_timeout=10, socket_connect_timeout=5)


# --- parse ------------------------------------------------------------------------------------


def parse_files(paths: Sequence[str], out: TextIO, err: TextIO) -> tuple[int, int]:
    """Print one JSON object per traveller; errors go to ``err``. Returns (travellers, errors)."""
    from producers.decode import read_files
    from producers.publish import iter_inputs

    from paxscreen.booking import booking_dict

    skipped: list[str] = []
    batch = read_files((m.source, m.data) for m in iter_inputs(paths, skipped))
    _say_skipped(skipped, err)
    for t in batch.travellers:
        if t.source != "pnrgov":
            out.write(orjson.dumps(traveller_dict(t)).decode() + "\n")
    for b in batch.bookings:
        out.write(orjson.dumps(booking_dict(b)).decode() + "\n")
    for w in batch.warnings:
        err.write(f"warning: {w}\n")
    for e in batch.errors:
        err.write(f"error: {e.describe()}\n")
    return len(batch.travellers), len(batch.errors)


def _say_skipped(skipped: list[str], err: TextIO) -> None:
    """The documentation files directories held, left out (`producers.publish.is_documentation`)."""
    if skipped:
        shown = ", ".join(skipped[:5]) + (f" and {len(skipped) - 5} more" if len(skipped) > 5 else "")
        err.write(f"note: {len(skipped)} documentation file(s) in the directories given left out: {shown} "
                  "(name a file to read it)\n")


# --- watchlist --------------------------------------------------------------------------------


@dataclass
class LoadOutcome:
    report: object | None
    errors: list[InvalidRecord] = field(default_factory=list)
    seconds: float = 0.0
    refused: str | None = None  # why nothing was loaded, but bad lines (`EmptyWatchlist`)
    stats: Any = None  # the reader's `matchers.watchlist.ReadStats`: what it skipped or dropped
    duplicate_ids: int = 0  # ids on more than one entry (the last one read is kept)
    # the list's version this load replaced, when it was read from another file (or from one
    # not known): its `watchlist_status` row, with ``source`` (None when not known)
    replaced: dict | None = None


def _valid_entries(path: Any, errors: list[InvalidRecord], progress, stats, ids: array, read: dict[str, Any]
                   ) -> Iterator[WatchEntry]:
    from matchers.watchlist import read_watchlist

    for item in read_watchlist(path, stats=stats, **read):
        if isinstance(item, InvalidRecord):
            errors.append(item)
            continue
        if progress is not None:
            progress.update(1)
        ids.append(hash(item.id))  # this process's hash: only compared within the load
        yield item


def _duplicates(ids: array) -> int:
    import numpy as np

    return len(ids) - len(np.unique(np.frombuffer(ids, np.int64))) if ids else 0


def load_watchlist(
    settings: Settings,
    path: str,
    *,
    list_name: str = "default",
    strict: bool = False,
    show_progress: bool = True,
    workers: int | None = None,
    format: str | None = None,
    skip_topics: Sequence[str] | None = None,
    date_order: str | None = None,
) -> LoadOutcome:
    """Read a FollowTheMoney JSONL or CSV watchlist into a new Redis version and switch to it.
    With ``strict``, any bad line aborts before the switch; a file with no entry never
    switches. ``workers``: see `WatchlistStore.load`; ``format``: ``ftm`` or ``csv`` (default:
    from the file name); ``skip_topics``: persons of only these topics are not loaded (default
    `matchers.watchlist.DEFAULT_SKIP_TOPICS`; ``()``: everyone); ``date_order``: ``dmy`` or
    ``mdy`` for CSV dates such as 01/02/1980 (default: as the file's dates tell)."""
    from matchers.store import WatchlistStore
    from matchers.watchlist import DEFAULT_SKIP_TOPICS, ReadStats, read_watchlist

    if path != "-" and not Path(path).is_file():
        raise PaxscreenError(f"{path!r}: no such file")
    read: dict[str, Any] = {"format": format, "date_order": date_order, "name": "<stdin>" if path == "-" else None,
                            "skip_topics": DEFAULT_SKIP_TOPICS if skip_topics is None else tuple(skip_topics)}
    # --strict reads the file twice (check, then load): standard input is kept for the second
    with _stdin_spooled() if strict and path == "-" else contextlib.nullcontext(path) as source:
        errors: list[InvalidRecord] = []
        if strict:
            errors = [x for x in read_watchlist(_rewound(source), **read) if isinstance(x, InvalidRecord)]
            if errors:
                return LoadOutcome(None, errors)
        t0 = time.perf_counter()
        store = WatchlistStore(redis_client(settings), prefix=settings.topic_prefix)
        before = next((st for st in store.status() if st["name"] == list_name), None)
        progress = _progress_bar(show_progress, "entities")
        stats, ids = ReadStats(), array("q")
        try:
            report = store.load(_valid_entries(_rewound(source), errors, progress, stats, ids, read),
                                list_name=list_name, workers=workers)
        except EmptyWatchlist as exc:
            return LoadOutcome(None, errors, time.perf_counter() - t0, refused=str(exc), stats=stats)
        finally:
            if progress is not None:
                progress.close()
    replaced = _note_source(settings, list_name, "<stdin>" if path == "-" else str(Path(path).resolve()),
                            report.version, before)
    return LoadOutcome(report, errors, time.perf_counter() - t0, stats=stats, duplicate_ids=_duplicates(ids),
                       replaced=replaced)


def _sources_key(settings: Settings) -> str:
    """Hash: list name -> JSON {version, source} of the file each list's active version was
    loaded from (the list's versions know their counts, not their file)."""
    return f"{settings.topic_prefix}:wl:sources"


def _note_source(settings: Settings, list_name: str, source: str, version: str, before: dict | None) -> dict | None:
    """Record where ``version`` of the list came from; ``before`` (the version active before
    the load, `watchlist_status`'s row) with its ``source`` if that version was read from
    another file, or from one not recorded: a second file loaded without ``--list`` replaced
    the first one's list."""
    client = redis_client(settings)
    key = _sources_key(settings)
    raw = client.hget(key, list_name)
    old = orjson.loads(raw) if raw else {}
    client.hset(key, list_name, orjson.dumps({"version": version, "source": source}))
    if before is None or before["version"] == version:
        return None  # a new list, or the same entries again
    known = old.get("source") if old.get("version") == before["version"] else None
    return None if known == source else {**before, "source": known}


@contextlib.contextmanager
def _stdin_spooled() -> Iterator[IO[bytes]]:
    """Standard input copied once to a temporary file (in memory up to 64 MiB, then on disk)."""
    with tempfile.SpooledTemporaryFile(max_size=64 << 20) as spool:
        shutil.copyfileobj(sys.stdin.buffer, spool)
        yield spool


def _rewound(source: str | IO[bytes]) -> str | IO[bytes]:
    if not isinstance(source, str):
        source.seek(0)
    return source


def _progress_bar(enabled: bool, unit: str):
    if not enabled or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(unit=f" {unit}", file=sys.stderr, mininterval=0.5)


def watchlist_status(settings: Settings) -> list[dict]:
    from matchers.store import WatchlistStore

    return WatchlistStore(redis_client(settings), prefix=settings.topic_prefix).status()


def remove_watchlist(settings: Settings, name: str) -> None:
    """Stop screening against list ``name`` and delete its version (workers follow at their
    next batch); `PaxscreenError` naming the active lists when there is no such list."""
    from matchers.store import WatchlistStore

    store = WatchlistStore(redis_client(settings), prefix=settings.topic_prefix)
    if not store.remove_list(name):
        active = ", ".join(repr(st["name"]) for st in store.status()) or "none"
        raise PaxscreenError(f"no active list {name!r} (active: {active})")
    store.redis.hdel(_sources_key(settings), name)


# --- produce ----------------------------------------------------------------------------------


def produce_files(settings: Settings, paths: Sequence[str], err: TextIO) -> tuple[int, int]:
    """Publish each file to the raw topic. Returns (messages, unreadable ones)."""
    from paxscreen.kafka import ensure_topics
    from producers.publish import RawPublisher, iter_inputs

    ensure_topics(settings)
    pub = RawPublisher(settings)
    n = bad = 0
    skipped: list[str] = []
    for msg in iter_inputs(paths, skipped):
        p = pub.publish(msg)
        n += 1
        if p.problem:
            bad += 1
            err.write(f"warning: {p.problem} (published; the worker will dead-letter it)\n")
        else:
            err.write(f"published {p.source}: {p.format}, {p.travellers} traveller(s), key {p.key}\n")
    pub.flush()
    _say_skipped(skipped, err)
    return n, bad


# --- screen (batch) ---------------------------------------------------------------------------


@dataclass
class ScreenSummary:
    travellers: int
    alerts: int
    errors: int  # unreadable messages
    seconds: float
    by_kind: dict[str, int]
    watchlist_errors: int = 0  # bad watchlist lines, and watchlist files of which nothing was loaded

    def line(self) -> str:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.by_kind.items())) or "none"
        bad_lists = f", {self.watchlist_errors} bad watchlist line(s) or file(s)" if self.watchlist_errors else ""
        return (
            f"screened {self.travellers} travellers: {self.alerts} alerts ({kinds}), "
            f"{self.errors} unreadable message(s){bad_lists}, {self.seconds:.2f} s"
        )


@contextlib.contextmanager
def _redis_for_batch(settings: Settings) -> Iterator[Settings]:
    """Use PAXSCREEN_REDIS_URL when set, under a prefix of this run's own (the lists it loads
    never replace the workers' lists of the same name, and go when it ends; no screening is
    kept there); otherwise a private embedded redis-server."""
    import dataclasses
    import uuid

    if settings.redis_url:
        own = dataclasses.replace(settings, topic_prefix=f"{settings.topic_prefix}-screen-{uuid.uuid4().hex[:12]}",
                                  screened_ttl=0)
        try:
            yield own
        finally:
            client = redis_client(own)
            for pattern in (f"{own.topic_prefix}:*", f"{{{own.topic_prefix}:*"):  # hash-tagged keys too
                keys = list(client.scan_iter(pattern, count=1000))
                for i in range(0, len(keys), 500):
                    client.delete(*keys[i : i + 500])
        return
    from paxscreen.devstack import running_stack

    with running_stack(kafka=False, redis=True) as stack:
        yield dataclasses.replace(settings, redis_url=stack.redis_url)


def screen_files(
    settings: Settings,
    watchlists: Sequence[str],
    manifests: Sequence[str],
    out: TextIO,
    err: TextIO,
    *,
    list_prefix: str = "batch",
) -> ScreenSummary:
    """Screen manifest files against watchlist files with the worker's own code, no broker."""
    from matchers.screening import Screener
    from producers.decode import read_files
    from producers.publish import iter_inputs

    t0 = time.perf_counter()
    skipped: list[str] = []
    batch = read_files((m.source, m.data) for m in iter_inputs(manifests, skipped))
    _say_skipped(skipped, err)
    travellers, errors = batch.travellers, batch.errors
    for w in batch.warnings:
        err.write(f"warning: {w}\n")
    for e in errors:
        err.write(f"error: {e.describe()}\n")
    bad_lists = 0
    with _redis_for_batch(settings) as s:
        for i, wl in enumerate(watchlists):
            outcome = load_watchlist(s, wl, list_name=f"{list_prefix}{i}" if len(watchlists) > 1 else "default")
            for e in outcome.errors:
                err.write(f"error: {e}\n")
            for dropped in outcome.stats.dropped if outcome.stats is not None else ():
                err.write(f"warning: {dropped}\n")
            if outcome.report is None:
                err.write(f"error: {wl}: not loaded: {outcome.refused}\n")
            bad_lists += len(outcome.errors) + (outcome.report is None)
        screener = Screener(_store(s), s)
        alerts = []
        for i in range(0, len(travellers), max(1, s.batch_size)):
            alerts.extend(screener.screen(travellers[i : i + s.batch_size]))
    by_kind: dict[str, int] = {}
    for a in alerts:
        by_kind[a.kind] = by_kind.get(a.kind, 0) + 1
        out.write(encode_alert(a).decode() + "\n")
    return ScreenSummary(len(travellers), len(alerts), len(errors), time.perf_counter() - t0, by_kind, bad_lists)


def _store(settings: Settings):
    from matchers.store import WatchlistStore

    return WatchlistStore(redis_client(settings), prefix=settings.topic_prefix, entry_cache=settings.cache_entries)


# --- worker -----------------------------------------------------------------------------------


def build_pipeline(settings: Settings, metrics=None):
    """The worker's stages' parts; ``metrics`` (a `streams.metrics.Metrics`) if already made."""
    from matchers.screening import Screener
    from paxscreen.risk import build_targeting
    from producers.decode import read_message, read_parts
    from streams.app import Pipeline
    from streams.parts import PartStore
    from streams.ledger import AlertLedger
    from streams.metrics import Metrics
    from paxscreen.kafka import DEADLETTER_MAX_BYTES, producer_config
    from streams.outbox import Outbox

    client = redis_client(settings)
    metrics = metrics if metrics is not None else Metrics()
    store = _store(settings)
    store.versions()  # the active lists' indexes read now (seconds for a large list), not by the first batch
    return Pipeline(
        decode=read_message,
        screener=Screener(store, settings),  # builds rigour's name tagger now (seconds), too
        ledger=AlertLedger(client, settings.topic_prefix),
        metrics=metrics,
        outbox=Outbox(
            # room for a dead letter of the largest raw message (its bytes base64-encoded)
            {**producer_config(settings), "client.id": settings.app_id, "message.max.bytes": DEADLETTER_MAX_BYTES},
            on_resend=metrics.produce_resent.inc,
        ),
        parts=PartStore(client, settings.topic_prefix, settings.multipart_timeout),
        assemble_parts=read_parts,
        extensions=(build_targeting(settings, client),) if settings.targeting else (),
    )


def use_event_loop(name: str) -> str:
    """Make ``name`` ("uvloop" or "asyncio") the event loop of every loop created from now on
    (the worker's, and its Kafka consumer thread's); "asyncio" where uvloop is not installed
    (it is not built for Windows). Returns the one in use."""
    import asyncio

    if name == "uvloop":
        try:
            import uvloop
        except ImportError:
            log.warning("uvloop is not installed: the worker runs on asyncio's own event loop")
            return "asyncio"
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
        return "uvloop"
    asyncio.set_event_loop_policy(None)
    return "asyncio"


def run_worker(settings: Settings, *, verbose: bool = False) -> None:
    """Run the screening worker until SIGINT/SIGTERM. It serves its metrics first (a port in
    use is a `ConfigError`), builds its screener (rigour's name tagger, seconds) and only then
    joins the consumer groups; its log says when it has (``joined the consumer group``)."""
    from faust.worker import Worker

    from paxscreen.kafka import ensure_topics
    from streams.app import create_app
    from streams.metrics import Metrics

    metrics = Metrics()
    if settings.metrics_port:
        serve_metrics(settings.metrics_port, metrics.registry)
    use_event_loop(settings.event_loop)
    ensure_topics(settings)
    pipeline = build_pipeline(settings, metrics)
    pipeline.outbox.prepare([settings.topic(t) for t in ("travellers", "bookings", "alerts", "deadletter")])
    app = create_app(settings, pipeline)
    # Faust's services ("Starting...", and ours built on them in streams.transport) log from WARNING
    # on, the worker's own lines from INFO (assignments, "joined the consumer group")
    quiet = {name: {"level": "INFO" if verbose else "WARNING"}
             for name in ("faust", "mode", "aiokafka", "streams.transport")}
    worker = Worker(app, loglevel="debug" if verbose else "info", quiet=True, redirect_stdouts=False,
                    logging_config={"version": 1, "merge": True, "loggers": quiet})
    if not worker.spinner or not worker.spinner.file.isatty():
        worker.spinner = None  # its cursor codes (ESC[?25l) are for a terminal, not a log file
    try:
        worker.execute_from_commandline()
    finally:
        if left := pipeline.outbox.close():
            # not lost: their input was not committed, so the next worker produces them again
            log.warning("%d record(s) still undelivered at shutdown", left)


def serve_metrics(port: int, registry) -> None:
    """Serve ``registry`` on ``:port/metrics``; `ConfigError` when the port is taken (by
    another worker on this host, most often)."""
    from prometheus_client import start_http_server

    try:
        start_http_server(port, addr="0.0.0.0", registry=registry)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        raise ConfigError(f"metrics port {port} is in use (another worker on this host?): give each worker its "
                          "own PAXSCREEN_METRICS_PORT (or --metrics-port), or 0 for none") from None
    log.info("metrics on :%d/metrics", port)


def require_input(paths: Sequence[str]) -> None:
    for p in paths:
        if p != "-" and not Path(p).exists():
            raise InvalidMessage(f"{p!r}: no such file or directory")
