"""Screenings kept in Redis, for travellers pushed again after a worker's own memory forgot
them or on another worker.

An airline pushes a booking's PNR at about T-72 h, T-24 h, T-2 h and at departure, then the
API message; a journey's next leg is screened on whichever worker owns its partition; a
restart or a rebalance empties a worker's memory. `screening.Screener` keeps each screening
in its memory (`Settings.cache_screened`) and, through this module, in Redis for
`Settings.screened_ttl` seconds: a traveller matched alike (`records.matched_fields`) against
the same list versions gets those matches again, from either, without a lookup; after a
list's reload, it is screened again against that list only.

A traveller's screenings are kept under one key, a digest of what is matched of the traveller
and of the screener's own make (`fingerprint`: its thresholds, candidate limit,
name parser, token properties, and how it scores probe pairs, so that a worker whose scoring
differs reads none of them). No name or document number is written in a key. Keys
are spread over `SHARDS` Redis Cluster hash slots, one MGET and one script call a slot per
batch. The value holds, by list version tag (a new load, a new tag: what was screened against
an older version is never read again, and is left out when the value is written again), the
matches against that version (``[]`` for most travellers): per match the entry (as the store
encodes it), its list version, the kind, score, threshold and each feature's verdict.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

import orjson
import redis

from matchers import token_props
from matchers.records import parser_fingerprint, record_of
from matchers.scoring import MatchResult, evaluate
from matchers.store_codec import decode_entry, encode_entry
from paxscreen.models import Document, FeatureResult, Flight, Leg, Traveller, WatchDocument, WatchEntry
from paxscreen.settings import Settings

if TYPE_CHECKING:
    from matchers.screening import Matches

__all__ = ["SHARDS", "SharedScreenings", "decode_matches", "encode_matches", "fingerprint"]

log = logging.getLogger(__name__)

SHARDS = 16  # hash slots the keys are spread over
# Bump when screening changes what it finds in a way the probes below do not show.
# 2: a given-name field repeating the surname read as one name too; 3: German, Polish and
# French spellings of Slavic names, given names and surname both glued, a gender ending
# (MARIO/MARIA) on people of different sexes, the prefilter's bound of loose skeletons;
# 4: kept per list, each list's candidates limited on their own
SCREENING = "4"
# (listed name, birth date, nationality, document; traveller's surname, given names, birth
# date, nationality, document): pairs that exercise names, dates, nationalities, documents
_PROBES = (
    ("Ousmane Camara", "1980-02-03", "SEN", "A1234567", "KAMARA", "OUSMANE", "1980-02-03", "SEN", "A1234576"),
    ("Mohamed Ould Diallo", "1975", "MRT", None, "DIALO", "MOHAMMED", "1975-04-02", "MLI", None),
    ("Fatou Ndiaye", "1990-01-01", None, None, "NDIAYE", "FATOU BINTOU", "1991-01-10", "SEN", None),
    ("Ivan Petrovich Shevchenko", None, "UKR", None, "SCHEVTSCHENKO", "IWAN", "1961-08-30", "UKR", None),
    ("Jose Maria Garcia Lopez", "1970-05-06", "COL", "PA998877", "GARCIALOPEZ", "JOSEMARIA", "1970-06-05", "COL", "PA998877"),
)

_SET_MANY = """
local ttl = ARGV[#ARGV]
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], ARGV[i], 'EX', ttl)
end
return #KEYS
"""


def fingerprint(settings: Settings, *, prefilter: bool = True) -> str:
    """What, besides the traveller and the list versions, a screening's matches depend on."""
    how = (settings.name_threshold, settings.document_threshold, settings.max_candidates, prefilter)
    return repr((SCREENING, _package(), parser_fingerprint(), token_props.fingerprint(), how,
                 _probe_scores(settings.name_threshold, settings.document_threshold)))


@lru_cache(maxsize=8)
def _probe_scores(name_threshold: float, document_threshold: float) -> str:
    """How this code scores the `_PROBES` pairs (kind, score, threshold, each feature's verdict)."""
    settings = Settings(name_threshold=name_threshold, document_threshold=document_threshold)
    flight = Flight((Leg(None, None, None, None),))
    out = []
    for name, dob, nat, doc, surname, given, t_dob, t_nat, t_doc in _PROBES:
        entry = WatchEntry("probe", names=(name,), birth_dates=(dob,) if dob else (),
                           nationalities=(nat,) if nat else (), documents=(WatchDocument(doc, nat, "P"),) if doc else ())
        traveller = Traveller("probe", flight, surname=surname, given_names=given, date_of_birth=t_dob,
                              nationality=t_nat, documents=(Document(t_doc, "P", t_nat),) if t_doc else ())
        r = evaluate(record_of(traveller), record_of(entry), settings)
        out.append(None if r is None else (r.kind, r.score, r.threshold, r.explanation))
    return hashlib.blake2b(repr(out).encode(), digest_size=8).hexdigest()


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
    return _decode_rows(orjson.loads(data))


def _decode_rows(rows: list) -> Matches:
    return tuple(
        (MatchResult(kind, score, threshold, tuple(FeatureResult(*f) for f in features)), decode_entry(row), ver)
        for row, ver, kind, score, threshold, features in rows
    )


class SharedScreenings:
    """Screenings in Redis under ``prefix``, kept ``ttl`` seconds (`keys`, `get`, `put`)."""

    def __init__(self, redis_client: redis.Redis, prefix: str, ttl: int, make: str) -> None:
        if ttl < 1:
            raise ValueError(f"a kept screening lives at least 1 second, not {ttl!r}")
        self.redis = redis_client
        self.prefix = prefix
        self.ttl = ttl
        self._make = make.encode()
        self._set_many = redis_client.register_script(_SET_MANY)

    def keys(self, fields: Iterable[tuple]) -> list[str]:
        """The Redis key of each traveller's screenings, matched as its ``fields`` say
        (`records.matched_fields`): a digest of the screener's make and the fields, in one of
        `SHARDS` hash slots."""
        made = hashlib.blake2b(self._make, digest_size=16)
        out = []
        for f in fields:
            d = made.copy()
            d.update(orjson.dumps(f))
            raw = d.digest()
            out.append("{" + f"{self.prefix}:sc:{raw[0] % SHARDS}" + "}:" + raw.hex())
        return out

    def get(self, keys: Sequence[str]) -> list[dict[str, Matches] | None]:
        """The matches kept under each of `keys` by list version tag, None where none are: one
        round trip."""
        groups = _by_slot(keys)
        pipe = self.redis.pipeline(transaction=False)
        for at in groups.values():
            pipe.mget([keys[i] for i in at])
        out: list[dict[str, Matches] | None] = [None] * len(keys)
        for at, values in zip(groups.values(), pipe.execute(), strict=True):
            for i, v in zip(at, values, strict=True):
                if v is not None:
                    try:
                        out[i] = {tag: _decode_rows(rows) if rows else () for tag, rows in orjson.loads(v).items()}
                    except (ValueError, TypeError, AttributeError) as exc:  # screened again, written again
                        log.warning("a kept screening could not be read (%s): screened again", type(exc).__name__)
        return out

    def put(self, items: Iterable[tuple[str, dict[str, Matches]]]) -> None:
        """Keep each (key, {list version tag: matches}) for ``ttl`` seconds: one round trip."""
        keys, values = [], []
        for key, by_tag in items:
            keys.append(key)
            values.append(orjson.dumps({tag: orjson.Fragment(encode_matches(m)) for tag, m in by_tag.items()}))
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
