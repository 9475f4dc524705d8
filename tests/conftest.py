"""Shared fixtures: the real embedded stack for end-to-end tests (session-wide), a settings
factory with a unique topic/key prefix per test, and a real worker process."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from paxscreen.devstack import DevStack, free_port, start_stack
from paxscreen.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED_SAMPLES = ROOT.parent / "shared" / "samples" / "gtas"
SAMPLES = ROOT / "paxscreen" / "samples"


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevStack]:
    """A Tansu broker and a redis-server on free loopback ports, for the whole session."""
    st = start_stack(workdir=tmp_path_factory.mktemp("stack"))
    yield st
    st.stop()


@pytest.fixture
def e2e_settings(stack: DevStack, tmp_path: Path) -> Settings:
    """Settings pointing at the embedded stack, with topics and keys private to this test."""
    from paxscreen.kafka import ensure_topics

    prefix = "t" + uuid.uuid4().hex[:10]
    s = Settings(
        kafka_bootstrap=stack.kafka_bootstrap,
        redis_url=stack.redis_url,
        topic_prefix=prefix,
        app_id=f"{prefix}-worker",
        session_timeout=10.0,
        metrics_port=free_port(),
        state_dir=str(tmp_path / "state"),
        batch_timeout=0.02,
    )
    ensure_topics(s)
    return s


class WorkerProcess:
    """A real `paxscreen worker` process (the same command operators run)."""

    def __init__(self, settings: Settings, log_path: Path) -> None:
        self.settings = settings
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        """Every setting as its PAXSCREEN_ variable, as an operator would configure it."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAXSCREEN_")}
        for f in dataclasses.fields(self.settings):
            env[f"PAXSCREEN_{f.name.upper()}"] = str(getattr(self.settings, f.name))
        return env

    def start(self) -> WorkerProcess:
        log = open(self.log_path, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "paxscreen", "worker"], env=self.env(), stdout=log, stderr=subprocess.STDOUT
        )
        return self

    def kill(self) -> None:
        """SIGKILL: a crash, no chance to commit or flush."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:] if self.log_path.exists() else ""


@pytest.fixture
def worker(e2e_settings: Settings, tmp_path: Path) -> Iterator[WorkerProcess]:
    w = WorkerProcess(e2e_settings, tmp_path / "worker.log")
    yield w
    w.stop()


def wait_for(predicate, timeout: float, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
