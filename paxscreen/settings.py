"""Settings: one frozen object built from ``PAXSCREEN_*`` environment variables.

Each field has a default and a one-line comment. Values are parsed strictly: ``"false"`` is
false, and a malformed value raises `ConfigError` naming the variable. Core code receives a
`Settings` as an argument; tests build their own with `Settings(...)` or `from_env({...})`.

When ``PAXSCREEN_KAFKA_BOOTSTRAP`` / ``PAXSCREEN_REDIS_URL`` are unset, commands use the
embedded stack that ``paxscreen dev`` started (its addresses are in ``.paxscreen/dev.json``
under the state directory).
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from paxscreen.errors import ConfigError

PREFIX = "PAXSCREEN_"
EVENT_LOOPS = ("uvloop", "asyncio")


@dataclass(frozen=True, slots=True)
class Settings:
    # Kafka bootstrap servers (host:port,...); empty = the running `paxscreen dev` stack.
    kafka_bootstrap: str = ""
    # Redis URL (redis://host:port/db); empty = the running `paxscreen dev` stack.
    redis_url: str = ""
    # Prefix of every Kafka topic and Redis key, so several deployments can share a cluster.
    topic_prefix: str = "paxscreen"
    # Partitions for topics paxscreen creates (the unit of parallelism across workers).
    partitions: int = 4
    # Replication factor for topics paxscreen creates (3 in production, 1 on the dev broker).
    replication: int = 1
    # Faust application id = Kafka consumer group of the screening workers.
    app_id: str = "paxscreen-worker"
    # Port the worker serves Prometheus metrics on (0 = do not serve).
    metrics_port: int = 9108
    # Port of Faust's own web server (0 = pick a free one).
    web_port: int = 0
    # Name-match score at or above which a name alert is raised, in [0, 1].
    name_threshold: float = 0.80
    # Document-match score at or above which a document alert is raised, in [0, 1].
    document_threshold: float = 0.80
    # How many candidates of each list are scored per traveller at most, besides its document hits.
    max_candidates: int = 50
    # Kafka consumer session timeout in seconds (short on the dev broker, whose joins wait ~half of it).
    session_timeout: float = 10.0
    # Longest a worker's fetch request waits for data (ms); low keeps latency low on any broker.
    fetch_max_wait_ms: int = 100
    # Seconds a multi-part PAXLST waits for its missing parts before the parts are screened as they are.
    multipart_timeout: float = 900.0
    # Watchlist entries a worker keeps decoded and parsed (a few KB each; docs/benchmarks.md), and a quarter as many names.
    cache_entries: int = 100_000
    # Name tokens besides the lists' a worker keeps in its token table (and in each memo of matchers.memo; about 1 KB each).
    cache_tokens: int = 300_000
    # Screenings a worker keeps, so a traveller pushed again (matched alike, same list versions) is not screened again; 0: none.
    cache_screened: int = 100_000
    # Seconds screenings are also kept in Redis, for pushes days apart (T-72 h to the API message) and other workers; 0: none.
    screened_ttl: int = 345_600
    # Travellers screened per batch by the worker (Faust take()).
    batch_size: int = 500
    # Seconds at most a worker's batch waits for more travellers once its first is there (a message's arrive together); 0: none.
    batch_timeout: float = 0.02
    # Seconds without another traveller arriving that end that wait sooner (the message's travellers are all there).
    batch_gap: float = 0.003
    # The worker's asyncio event loop: "uvloop" (libuv: less CPU per Kafka event) or "asyncio".
    event_loop: str = "uvloop"
    # Directory for local state (the dev stack's addresses, Faust tables).
    state_dir: str = ".paxscreen"
    # Log level for the command line and the worker.
    log_level: str = "INFO"
    # Run risk targeting, task-force routing and retro-screening memory in the worker.
    targeting: bool = True
    # Seconds between a worker's checks for a new targeting rules version in Redis.
    rules_reload_seconds: float = 5.0
    # Retro-screening window: flights departing within this many hours from now...
    retro_ahead_hours: float = 72.0
    # ...or that landed within this many hours before now.
    retro_behind_hours: float = 24.0

    def topic(self, name: str) -> str:
        """The full topic name: ``<prefix>.<name>``."""
        return f"{self.topic_prefix}.{name}"

    def with_stack(self) -> Settings:
        """Fill empty Kafka/Redis addresses from the running `paxscreen dev` stack."""
        if self.kafka_bootstrap and self.redis_url:
            return self
        state = dev_state(self)
        if state is None:
            missing = [
                v
                for v, val in (("PAXSCREEN_KAFKA_BOOTSTRAP", self.kafka_bootstrap), ("PAXSCREEN_REDIS_URL", self.redis_url))
                if not val
            ]
            raise ConfigError(
                f"{' and '.join(missing)} not set and no `paxscreen dev` stack is running "
                f"(no {dev_state_path(self)}); start one with `paxscreen dev` or set the variables"
            )
        return dataclasses.replace(
            self,
            kafka_bootstrap=self.kafka_bootstrap or state["kafka_bootstrap"],
            redis_url=self.redis_url or state["redis_url"],
        )


def dev_state_path(settings: Settings) -> Path:
    return Path(settings.state_dir) / "dev.json"


def dev_state(settings: Settings) -> dict | None:
    """The running dev stack's addresses, or None when no live stack wrote its state."""
    path = dev_state_path(settings)
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    pid = state.get("pid")
    if isinstance(pid, int):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
    return state


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _parse(name: str, typ: type, raw: str) -> object:
    raw = raw.strip()
    try:
        if typ is bool:
            low = raw.lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            raise ValueError
        if typ is int:
            return int(raw)
        if typ is float:
            return float(raw)
        return raw
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a valid {typ.__name__}") from None


def from_env(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Build settings from ``PAXSCREEN_*`` variables (unknown ones are an error), then overrides."""
    env = os.environ if environ is None else environ
    known = {f.name: f for f in fields(Settings)}
    kwargs: dict[str, object] = {}
    types = {"str": str, "int": int, "float": float, "bool": bool}
    for key, raw in env.items():
        if not key.startswith(PREFIX):
            continue
        name = key[len(PREFIX):].lower()
        if name not in known:
            raise ConfigError(f"unknown setting {key!r}; known: {', '.join(PREFIX + k.upper() for k in known)}")
        typ = types[known[name].type] if isinstance(known[name].type, str) else known[name].type
        kwargs[name] = _parse(key, typ, raw)
    kwargs.update({k: v for k, v in overrides.items() if v is not None})
    s = Settings(**kwargs)  # type: ignore[arg-type]
    for name in ("name_threshold", "document_threshold"):
        v = getattr(s, name)
        if not 0.0 <= v <= 1.0:
            raise ConfigError(f"{PREFIX}{name.upper()}={v!r} must be within [0, 1]")
    if s.event_loop not in EVENT_LOOPS:
        raise ConfigError(f"{PREFIX}EVENT_LOOP={s.event_loop!r} must be one of {', '.join(EVENT_LOOPS)}")
    for name in ("cache_entries", "cache_tokens"):
        if getattr(s, name) < 1000:
            raise ConfigError(f"{PREFIX}{name.upper()}={getattr(s, name)!r} must be at least 1000")
    for name in ("cache_screened", "screened_ttl"):
        if getattr(s, name) < 0:
            raise ConfigError(f"{PREFIX}{name.upper()}={getattr(s, name)!r} must be 0 (keep none) or more")
    for name in ("batch_timeout", "batch_gap"):
        if not getattr(s, name) >= 0:
            raise ConfigError(f"{PREFIX}{name.upper()}={getattr(s, name)!r} must be 0 (no wait) or more seconds")
    return s
