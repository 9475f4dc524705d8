"""Parts of multi-part PAXLST messages, kept in Redis until their flight is known.

Airlines split long manifests into parts (UNH sequence ``01:C`` ... ``nn:F``). Each part
normally repeats the flight header and is screened on arrival; a part without it must wait
for a sibling. The worker therefore keeps the raw bytes of every multi-part message in a
Redis hash per part group (field = its source coordinates, so a redelivered part is stored
once) for ``ttl`` seconds, re-reads the group on each arrival, and emits the travellers it can
place on a flight. Groups whose flight never arrives are dead-lettered with their raw bytes
after the timeout. The raw bytes are in Redis before the Kafka offset is committed, so a
crash loses no part.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import redis


class PartStore:
    def __init__(self, client: redis.Redis, prefix: str, ttl_seconds: float) -> None:
        self.client = client
        self.prefix = f"{prefix}:parts"
        self.pending_key = f"{prefix}:parts:pending"
        self.ttl = max(60, int(ttl_seconds * 2))

    def _key(self, group: str) -> str:
        return f"{self.prefix}:{hashlib.blake2b(group.encode(), digest_size=12).hexdigest()}"

    def add(self, groups: Sequence[str], field: str, raw: bytes, now: float) -> dict[str, list[bytes]]:
        """Store this part under each of its groups; return every part now held per group."""
        pipe = self.client.pipeline(transaction=False)
        for g in groups:
            k = self._key(g)
            pipe.hset(k, field, raw)
            pipe.expire(k, self.ttl)
            pipe.zadd(self.pending_key, {g: now}, nx=True)
            pipe.hvals(k)
        out = pipe.execute()
        return {g: list(out[i * 4 + 3]) for i, g in enumerate(groups)}

    def resolve(self, group: str) -> None:
        """The group's flight is known: no longer pending (its parts stay until the TTL, so a
        late part still finds its siblings)."""
        self.client.zrem(self.pending_key, group)

    def expired(self, older_than: float) -> list[tuple[str, dict[str, bytes]]]:
        """Groups pending since before ``older_than`` (epoch s), with their raw parts."""
        groups = [g.decode() for g in self.client.zrangebyscore(self.pending_key, "-inf", older_than)]
        return [(g, {f.decode(): v for f, v in self.client.hgetall(self._key(g)).items()}) for g in groups]

    def drop(self, group: str) -> None:
        pipe = self.client.pipeline(transaction=False)
        pipe.zrem(self.pending_key, group)
        pipe.delete(self._key(group))
        pipe.execute()
