"""A three-node JetStream cluster for a test (agent.nats_cluster's nodes), whose nodes the test can
kill and start again."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from agent.nats_cluster import ClusterNode, cluster_url, plan_cluster, wait_for_meta_leader

__all__ = ["NatsCluster"]


class NatsCluster:
    def __init__(self, directory: Path, size: int = 3) -> None:
        self.nodes = plan_cluster(directory, size)
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    @property
    def url(self) -> str:
        return cluster_url(self.nodes)

    def running(self) -> list[ClusterNode]:
        return [node for node in self.nodes if node.name in self.processes]

    def start_node(self, name: str) -> None:
        self.processes[name] = next(node for node in self.nodes if node.name == name).spawn()

    def kill_node(self, name: str) -> None:
        process = self.processes.pop(name)
        process.kill()
        process.wait(10)

    def start(self, timeout: float = 30) -> None:
        for node in self.nodes:
            self.start_node(node.name)
        self.wait_for_meta_leader(timeout)
        self.wait_until_healthy(timeout)

    def stop(self) -> None:
        for process in self.processes.values():
            process.terminate()
            process.wait(10)
        self.processes.clear()

    def wait_for_meta_leader(self, timeout: float = 30) -> str:
        """The meta leader that the running nodes agree on (one of them)."""
        return wait_for_meta_leader(self.running(), timeout)

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
