"""Faust's aiokafka transport with a configurable fetch wait.

Faust hard-codes ``fetch_max_wait_ms=1500`` for its consumer. Apache Kafka answers a fetch
as soon as one byte is there, so that is harmless there, but a broker that holds fetches (the
embedded Tansu broker holds each for about half its wait, docs/benchmarks.md) would add up to
0.75 s per hop. paxscreen caps the wait with ``PAXSCREEN_FETCH_MAX_WAIT_MS`` (default 100 ms):
an idle consumer then sends a few more fetch requests a second, which costs nothing
measurable, and latency stays low on any broker. Only public aiokafka behaviour is relied on,
plus the one attribute the consumer reads when it starts its fetcher.
"""

from __future__ import annotations

from typing import Any

import faust
from faust.transport.drivers import aiokafka as faust_aiokafka


def make_app_class(fetch_max_wait_ms: int) -> type[faust.App]:
    class LowLatencyConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
        def _create_worker_consumer(self, transport: Any) -> Any:
            consumer = super()._create_worker_consumer(transport)
            consumer._fetch_max_wait_ms = fetch_max_wait_ms  # read by AIOKafkaConsumer.start()
            return consumer

    class LowLatencyConsumer(faust_aiokafka.Consumer):
        def _new_consumer_thread(self) -> Any:
            return LowLatencyConsumerThread(self, loop=self.loop, beacon=self.beacon)

    class LowLatencyTransport(faust_aiokafka.Transport):
        Consumer = LowLatencyConsumer

    class App(faust.App):
        def _new_transport(self) -> Any:
            return LowLatencyTransport(self.conf.broker_consumer, self)

    return App
