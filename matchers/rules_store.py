"""Targeting rules in Redis: versioned by content, switched atomically, reloaded by workers.

Layout (``P`` = prefix)::

    P:rules:active           string  JSON of the active version: version, label, loaded_at, source, profiles
    P:rules:text:<version>   string  the YAML text of a version (kept: every version stays readable)
    P:rules:history          list    JSON of each load, newest first (the last 200)

`RulesStore.load` validates the text (`matchers.rules.parse_rules`) before anything is
written, writes the text under its content hash, then switches with one ``SET`` of the active
pointer: a reader sees the old version or the new one, never a mix, and loading the same text
twice changes nothing. `RulesRuntime` is what a worker holds: the active `RuleSet`, refreshed
when the pointer names another version (every few seconds, from a timer), without a restart.
A stored text that no longer validates (written by another build) is refused and the worker
keeps the rules it has.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

import orjson
import redis

from matchers.rules import RuleSet, parse_rules
from paxscreen.errors import InvalidRecord

__all__ = ["RulesRuntime", "RulesStore"]

log = logging.getLogger(__name__)
HISTORY = 200


class RulesStore:
    def __init__(self, client: redis.Redis, prefix: str = "paxscreen") -> None:
        self.redis = client
        self.prefix = prefix

    @property
    def active_key(self) -> str:
        return f"{self.prefix}:rules:active"

    def text_key(self, version: str) -> str:
        return f"{self.prefix}:rules:text:{version}"

    @property
    def history_key(self) -> str:
        return f"{self.prefix}:rules:history"

    def load(self, text: str, *, source: str | None = None) -> tuple[RuleSet, bool]:
        """Validate ``text`` and make it the active rules. Returns the rules and whether the
        active version changed. Raises `InvalidRecord` (nothing written) on a bad document."""
        rules = parse_rules(text, source=source)
        current = self.active_meta()
        if current is not None and current.get("version") == rules.version:
            return rules, False
        meta = {
            "version": rules.version,
            "label": rules.label,
            "loaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "source": source,
            "profiles": [p.id for p in rules.profiles],
            "previous": current.get("version") if current else None,
        }
        self.redis.set(self.text_key(rules.version), text.encode("utf-8"))
        self.redis.set(self.active_key, orjson.dumps(meta))  # the atomic switch
        pipe = self.redis.pipeline(transaction=False)
        pipe.lpush(self.history_key, orjson.dumps(meta))
        pipe.ltrim(self.history_key, 0, HISTORY - 1)
        pipe.execute()
        log.info("rules version %s (%s) active, %d profile(s)", rules.version, rules.label, len(rules.profiles))
        return rules, True

    def active_meta(self) -> dict | None:
        raw = self.redis.get(self.active_key)
        return orjson.loads(raw) if raw else None

    def active_version(self) -> str | None:
        meta = self.active_meta()
        return meta.get("version") if meta else None

    def text(self, version: str) -> str | None:
        raw = self.redis.get(self.text_key(version))
        return raw.decode("utf-8") if raw is not None else None

    def get(self, version: str) -> RuleSet | None:
        """A stored version, validated (`InvalidRecord` when it no longer validates)."""
        text = self.text(version)
        return parse_rules(text, source=f"rules version {version}") if text is not None else None

    def active(self) -> RuleSet | None:
        version = self.active_version()
        return self.get(version) if version else None

    def history(self, limit: int = 20) -> list[dict]:
        return [orjson.loads(x) for x in self.redis.lrange(self.history_key, 0, max(0, limit - 1))]

    def status(self) -> dict:
        """The active version's metadata (None when no rules are loaded) and the recent loads."""
        return {"active": self.active_meta(), "history": self.history()}


class RulesRuntime:
    """A worker's view of the active rules: `refresh` polls the pointer (one GET) and parses
    a new version only when it changed. Safe to call from several threads."""

    def __init__(self, store: RulesStore) -> None:
        self.store = store
        self.rules: RuleSet | None = None
        self.checked = False
        self._lock = threading.Lock()
        self._refused: str | None = None

    def refresh(self) -> bool:
        """Load the active version if it differs from the one held. Returns True on a switch."""
        with self._lock:
            version = self.store.active_version()
            self.checked = True
            held = self.rules.version if self.rules else None
            if version == held or version is None or version == self._refused:
                if version is None and self.rules is not None:
                    log.warning("no active rules in Redis any more; keeping version %s", held)
                return False
            try:
                rules = self.store.get(version)
            except InvalidRecord as exc:
                self._refused = version
                log.error("rules version %s does not validate (%s); keeping version %s", version, exc, held)
                return False
            if rules is None:
                return False
            self.rules = rules
            log.info("rules version %s (%s) loaded: %d profile(s)", rules.version, rules.label, len(rules.profiles))
            return True

    def current(self) -> RuleSet | None:
        """The rules held, loading them on first use."""
        if not self.checked:
            self.refresh()
        return self.rules
