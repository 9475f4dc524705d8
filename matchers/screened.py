"""Screenings kept in Redis, for travellers pushed again after a worker's own memory forgot
them or on another worker.

An airline pushes a booking's PNR at about T-72 h, T-24 h, T-2 h and at departure, then the
API message; a journey's next leg is screened on whichever worker owns its partition; a
restart or a rebalance empties a worker's memory. `screening.Screener` keeps each screening
in its memory (`Settings.cache_screened`) and, through this module, in Redis for
`Settings.screened_ttl` seconds: a traveller matched alike (`records.matched_fields`) against
the same list versions gets those matches again, from either, without a lookup.

A key is a digest of what the screening depended on: what is matched of the traveller, the
active versions' tags (a new load, a new tag: older screenings are never found again and
expire), and the screener's own make (`fingerprint`: its thresholds, candidate limit,
name parser and token properties). No name or document number is written in a key. Keys
are spread over `SHARDS` Redis Cluster hash slots, one MGET and one script call a slot per
batch. The value is the matches (``[]`` for most travellers): per match the entry (as the
store encodes it), its list version, the kind, score, threshold and each feature's verdict.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

import orjson
import redis

from matchers import token_props
from matchers.records import parser_fingerprint
from matchers.scoring import MatchResult
from matchers.store_codec import decode_entry_row, encode_entry
from paxscreen.models import FeatureResult
from paxscreen.settings import Settings

if TYPE_CHECKING:
    from matchers.screening import Matches

__all__ = ["SHARDS", "SharedScreenings", "decode_matches", "encode_matches", "fingerprint"]

SHARDS = 16  # hash slots the keys are spread over
# Bump when scoring changes what a screening finds: older screenings are then not read.
SCREENING = "1"

_SET_MANY = """
local ttl = ARGV[#ARGV]
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], ARGV[i], 'EX', ttl)
end
return #KEYS
"""


def fingerprint(settings: Settings, *, prefilter: bool = True) -> str:
    """What, besides the traveller and the list versions, a screening's matches depend on."""
    return repr((SCREENING, _package(), parser_fingerprint(), token_props.fingerprint(), settings.name_threshold,
                 settings.document_threshold, settings.max_candidates, prefilter))


@lru_cache(maxsize=1)
def _package() -> str:
    try:
        return version("paxscreen")
    except PackageNotFoundError:  # run from a checkout that is not installed
        return "unknown"


def encode_matches(matches: Matches) -> bytes:
    """A traveller's matches as one orjson array (``[]`` when none)."""
    return orjson.dumps([
        [orjson.Fragment(encode_entry(entry)), ver, r.kind, r.score, r.threshold,
         [[f.feature, f.score, f.detail, f.weight] for f in r.explanation]]
        for r, entry, ver in matches
    ])


def decode_matches(data: bytes) -> Matches:
    """The matches `encode_matches` wrote."""
    return tuple(
        (MatchResult(kind, score, threshold, tuple(FeatureResult(*f) for f in features)), decode_entry_row(row), ver)
        for row, ver, kind, score, threshold, features in orjson.loads(data)
    )


class SharedScreenings:
    """Screenings in Redis under ``prefix``, kept ``ttl`` seconds (`get`, `put`)."""

    def __init__(self, redis_client: redis.Redis, prefix: str, ttl: int, make: str) -> None:
        if ttl < 1:
            raise ValueError(f"a kept screening lives at least 1 second, not {ttl!r}")
        self.redis = redis_client
        self.prefix = prefix
        self.ttl = ttl
        self._make = make.encode()
        self._set_many = redis_client.register_script(_SET_MANY)

    def key(self, fields: tuple, versions: tuple[str, ...]) -> str:
        """The Redis key of a screening: a digest of ``fields`` (`records.matched_fields`),
        the versions and the screener's make, in one of `SHARDS` hash slots."""
        d = hashlib.blake2b(self._make, digest_size=16)
        d.update(orjson.dumps([versions, fields]))
        raw = d.digest()
        return "{" + f"{self.prefix}:sc:{raw[0] % SHARDS}" + "}:" + raw.hex()

    def get(self, keys: Sequence[str]) -> list[Matches | None]:
        """The matches kept under each `key`, None where none are: one round trip."""
        groups = _by_slot(keys)
        pipe = self.redis.pipeline(transaction=False)
        for at in groups.values():
            pipe.mget([keys[i] for i in at])
        out: list[Matches | None] = [None] * len(keys)
        for at, values in zip(groups.values(), pipe.execute(), strict=True):
            for i, v in zip(at, values, strict=True):
                if v is not None:
                    out[i] = decode_matches(v)
        return out

    def put(self, items: Iterable[tuple[str, Matches]]) -> None:
        """Keep each (`key`, matches) for ``ttl`` seconds: one round trip."""
        keys, values = [], []
        for key, matches in items:
            keys.append(key)
            values.append(encode_matches(matches))
        if not keys:
            return
        pipe = self.redis.pipeline(transaction=False)
        for at in _by_slot(keys).values():
            self._set_many(keys=[keys[i] for i in at], args=[*(values[i] for i in at), self.ttl], client=pipe)
        pipe.execute()


def _by_slot(keys: Sequence[str]) -> dict[str, list[int]]:
    """Positions of ``keys`` by their hash tag (one slot each)."""
    groups: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        groups.setdefault(k[: k.index("}") + 1], []).append(i)
    return groups
