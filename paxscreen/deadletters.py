"""`paxscreen deadletter`: what could not be read, why, and a way back in.

Lists the dead-letter topic (one line per record: when, source, stage, where in the
message, why), or ``--replay`` republishes the raw bytes to the raw topic, with their original
source headers plus ``paxscreen-replay-of``, once the cause is fixed (a parser release, a
corrected airline file is better sent with `paxscreen produce`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import Any, TextIO

import orjson

from paxscreen.kafka import H_RECEIVED_AT, H_SOURCE
from paxscreen.settings import Settings

H_REPLAY_OF = "paxscreen-replay-of"


def read_deadletters(settings: Settings, since_ms: int | None = None) -> Iterator[dict[str, Any]]:
    from paxscreen.topicrange import read_range
    from streams.records import decode_deadletter

    for msg in read_range(settings, [settings.topic("deadletter")], since_ms):
        try:
            d = decode_deadletter(msg.value())
        except (orjson.JSONDecodeError, ValueError):
            continue
        d["offset"] = msg.offset()
        d["partition"] = msg.partition()
        yield d


def format_deadletter(d: dict[str, Any]) -> str:
    src = d.get("source") or {}
    headers = src.get("headers") or {}
    err = d.get("error") or {}
    return (
        f"{d.get('failed_at', '?')} {d.get('stage', '?'):<6} {headers.get(H_SOURCE, '?')} "
        f"({src.get('topic')}[{src.get('partition')}]@{src.get('offset')}, {d.get('raw_bytes', 0)} bytes) "
        f"{err.get('error', '')}: {d.get('reason', '')}"
    )


def replay(settings: Settings, letters: list[dict[str, Any]], out: TextIO) -> int:
    from confluent_kafka import Producer

    from paxscreen.kafka import producer_config
    from producers.publish import utc_now

    producer = Producer(producer_config(settings))
    n = 0
    for d in letters:
        if d.get("stage") not in ("parse", "emit"):
            continue  # other stages hold traveller events or alerts, not airline messages
        src = d.get("source") or {}
        headers = dict(src.get("headers") or {})
        headers[H_RECEIVED_AT] = utc_now()
        headers[H_REPLAY_OF] = f"{src.get('topic')}/{src.get('partition')}/{src.get('offset')}"
        producer.produce(
            settings.topic("raw"),
            value=d["raw"],
            key=(src.get("key") or "").encode() or None,
            headers=[(k, str(v).encode()) for k, v in headers.items()],
        )
        n += 1
    remaining = producer.flush(30)
    out.write(f"replayed {n - remaining} message(s) to {settings.topic('raw')}\n")
    return 0 if remaining == 0 else 3


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="one JSON object per dead letter (with raw_base64)")
    p.add_argument("--replay", action="store_true",
                   help="republish the airline messages (parse and emit stages) to the raw topic")
    p.add_argument("--offset", type=int, action="append", help="only the dead letter at this offset (repeatable)")


def run(settings: Settings, args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    letters = [d for d in read_deadletters(settings) if not args.offset or d["offset"] in args.offset]
    if args.replay:
        return replay(settings, letters, out)
    for d in letters:
        if args.json:
            out.write(orjson.dumps({k: v for k, v in d.items() if k != "raw"}).decode() + "\n")
        else:
            out.write(format_deadletter(d) + "\n")
    if not args.json:
        print(f"{len(letters)} dead letter(s) in {settings.topic('deadletter')}", file=sys.stderr)
    return 0
