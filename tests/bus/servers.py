"""A nats-server of a test's own, on a fixed port, so the test can stop and restart it."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

from agent import embedded


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class NatsServer:
    def __init__(self, directory: Path) -> None:
        self.directory, self.port = directory, free_port()
        self.process: subprocess.Popen[bytes] | None = None
        (directory / "nats.conf").write_text("max_payload: 8MB\n", encoding="utf-8")

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = (self.directory / "nats.log").open("ab")
        self.process = subprocess.Popen(
            [embedded._nats_binary(), "-c", str(self.directory / "nats.conf"), "-a", "127.0.0.1",
             "-p", str(self.port), "-js", "-sd", str(self.directory / "store")],
            stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"nats-server did not listen on {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None
