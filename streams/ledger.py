"""The alert ledger: which alert_ids have already been published, kept in Redis.

Processing is at-least-once: after a crash, a batch whose offsets were not committed is
screened again. Alert ids are deterministic, so the replay produces the same ids; the worker
asks the ledger which are new and publishes only those, then records them. A crash between
publishing and recording can still republish an alert with the *same* alert_id (consumers
treat alert_id as the idempotency key; the alerts topic is keyed and compacted by it).
"""

from __future__ import annotations

from collections.abc import Sequence

import redis


class AlertLedger:
    def __init__(self, client: redis.Redis, prefix: str, ttl_seconds: int = 30 * 86400) -> None:
        self.client = client
        self.prefix = f"{prefix}:alerted:"
        self.ttl = ttl_seconds

    def unseen(self, alert_ids: Sequence[str]) -> list[bool]:
        """For each id, True when it was never published."""
        if not alert_ids:
            return []
        pipe = self.client.pipeline(transaction=False)
        for a in alert_ids:  # commands queued as such: redis-py's methods cost more (see `record`)
            pipe.execute_command("EXISTS", self.prefix + a)
        return [not bool(x) for x in pipe.execute()]

    def record(self, alert_ids: Sequence[str]) -> None:
        if not alert_ids:
            return
        pipe = self.client.pipeline(transaction=False)
        for a in alert_ids:  # redis-py 8's `set` inspects its signature at every call: 8x the cost
            pipe.execute_command("SET", self.prefix + a, b"1", "EX", self.ttl)
        pipe.execute()
