"""The ``ingest`` stage's handler on a batch of raw airline messages (unit: the real parser and
app, an outbox that records what it is given; tests/e2e/test_pipeline.py runs it on the broker)."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import orjson

from paxscreen.settings import Settings
from producers.decode import read_message
from streams.app import Pipeline, create_app
from streams.metrics import Metrics
from streams.outbox import DeliveryFailed
from streams.reader import Record

SAMPLES = Path(__file__).parents[2] / "paxscreen" / "samples" / "paxlst"


class _Outbox:
    """Acknowledges each send after a few loop turns, or refuses it when it carries a traveller
    of the `refuse` flight; logs when each send starts and ends."""

    def __init__(self, log: list[str], refuse: str) -> None:
        self.log, self.refuse = log, refuse
        self.sent: list[tuple[str, bytes | None, bytes]] = []

    async def send_all(self, records) -> None:
        topics = sorted({topic.rsplit(".", 1)[-1] for topic, _, _ in records})
        self.log.append(f"send {'+'.join(topics)}")
        for _ in range(3):
            await asyncio.sleep(0)
        if any(self.refuse.encode() in value for _, _, value in records):
            self.log.append("refused")
            raise DeliveryFailed("too large", records)
        self.sent.extend(records)
        self.log.append("acked")


def _ingest(tmp_path: Path, refuse: str):
    log: list[str] = []

    def decode(raw: bytes, **kwargs):
        log.append("read")
        return read_message(raw, **kwargs)

    outbox = _Outbox(log, refuse)
    settings = dataclasses.replace(Settings(), state_dir=str(tmp_path), web_port=0)
    pipeline = Pipeline(decode=decode, screener=None, ledger=None, metrics=Metrics(), outbox=outbox)  # type: ignore[arg-type]
    create_app(settings, pipeline)
    (reader,) = [r for r in pipeline.readers if r.name == "ingest"]
    assert reader.topic == settings.topic("raw") and reader.batch_timeout == 0
    return reader.handle, outbox, log, pipeline.metrics


def _record(offset: int, value: bytes) -> Record:
    return Record("paxscreen.raw", 0, offset, None, value, [("source", b"test")])


def test_a_batch_of_messages_sends_each_ones_travellers_and_dead_letters_what_fails(tmp_path) -> None:
    good = (SAMPLES / "demo_kl590_acc_ams.edi").read_bytes()
    refused = (SAMPLES / "av010_bog_mad_d05b.edi").read_bytes()
    handle, outbox, log, metrics = _ingest(tmp_path, refuse="AV010")
    asyncio.run(handle([_record(7, good), _record(8, b"not an airline message"), _record(9, refused)]))

    expected = read_message(good).travellers
    travellers = [orjson.loads(v) for t, _, v in outbox.sent if t.endswith(".travellers")]
    assert [t["event_id"] for t in travellers] == [t.event_id for t in expected] and expected
    letters = {orjson.loads(v)["source"]["offset"]: orjson.loads(v) for t, _, v in outbox.sent
               if t.endswith(".deadletter")}
    assert sorted(letters) == [8, 9]
    assert letters[8]["stage"] == "parse" and letters[9]["stage"] == "emit"
    assert metrics.travellers_emitted._value.get() == len(expected)
    # each message's travellers went out as soon as it was read, before the next was read,
    # and the handler returned only once every send was settled
    assert log[:3] == ["read", "send travellers", "read"]
    assert log.count("read") == 3 and log[-1] == "acked"
    assert log.count("acked") == 3 and log.count("refused") == 1  # 2 messages' sends, 2 dead letters; 1 refused
