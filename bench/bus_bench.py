"""Jobs through the bus: N jobs of each kind, with one and with two agent processes.

Goals on this 2-core machine: lint jobs >= 50/s; generate+verify of the examples >= 1/s per
agent process. With `--cluster`, the same rounds also run on a three-node JetStream cluster on
loopback (streams with three replicas) beside the single server. Prints the figures and writes
bench/results/bus_bench.json.

    python bench/bus_bench.py [--lint 200] [--generate 12] [--cluster]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
import nats  # noqa: E402

from agent import embedded, nats_cluster  # noqa: E402
from agent.bus.contract import ASSIGNMENTS, RESULTS, assignment_subject  # noqa: E402


@dataclass(frozen=True)
class Bus:
    urls: list[str]
    replicas: int


LINT_SQL = "ALTER TABLE lots ADD COLUMN note text;\nCREATE INDEX CONCURRENTLY idx_lots_note ON lots (note);\n"


def _job(job_id: str, kind: str) -> bytes:
    if kind == "lint":
        payload = {"a.sql": LINT_SQL}
    else:
        payload = {p.name: p.read_text() for p in sorted((ROOT / "schemas").glob("*.yaml"))}
    return json.dumps({"job_id": job_id, "kind": kind, "requested_by": "bench", "payload": payload,
                       "options": {"now": "2025-12-05T10:30:00Z", "rows": 1000}}).encode()


def _agents(count: int, bus: Bus, memory_url: str, scratch_url: str, work: Path) -> list[subprocess.Popen[bytes]]:
    environment = {**os.environ, "NATS_URL": ",".join(bus.urls), "AGENT_STREAM_REPLICAS": str(bus.replicas),
                   "DATABASE_URL": memory_url, "SCRATCH_DATABASE_URL": scratch_url,
                   "AGENT_LOG_FORMAT": "json", "AGENT_LOG_LEVEL": "warning"}
    return [subprocess.Popen([sys.executable, "-m", "agent", "serve", "--activity-log", str(work / "activity.md")],
                             cwd=work, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(count)]


async def _wait_for_consumer(js: nats.js.JetStreamContext, count: int) -> None:
    for _ in range(600):
        try:
            info = await js.consumer_info(ASSIGNMENTS, "database-migration")
            if info.num_waiting >= count:
                return
        except Exception:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("the agents did not start")


async def _run_kind(js: nats.js.JetStreamContext, kind: str, count: int, tag: str) -> dict[str, object]:
    sent: dict[str, float] = {}
    latencies: list[float] = []
    subscription = await js.subscribe("results.database-migration.*", stream=RESULTS, ordered_consumer=True,
                                      config=nats.js.api.ConsumerConfig(deliver_policy=nats.js.api.DeliverPolicy.NEW))
    started = time.perf_counter()
    for i in range(count):
        job_id = f"{tag}-{kind}-{i}"
        sent[job_id] = time.perf_counter()
        await js.publish(assignment_subject(kind), _job(job_id, kind), headers={"Nats-Msg-Id": job_id})
    statuses: dict[str, int] = {}
    while len(latencies) < count:
        message = await subscription.next_msg(timeout=600)
        result = json.loads(message.data)
        if result["job_id"] in sent:
            latencies.append(time.perf_counter() - sent.pop(result["job_id"]))
            statuses[result["status"]] = statuses.get(result["status"], 0) + 1
    wall = time.perf_counter() - started
    await subscription.unsubscribe()
    ordered = sorted(latencies)
    return {"jobs": count, "wall_s": round(wall, 2), "jobs_per_s": round(count / wall, 2),
            "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1), "statuses": statuses}


async def _round(processes: int, counts: dict[str, int], bus: Bus, pg_url: str, work: Path) -> dict[str, object]:
    memory_db = f"bus_bench_memory_{processes}_{bus.replicas}"
    admin = await asyncpg.connect(pg_url)
    await admin.execute(f"DROP DATABASE IF EXISTS {memory_db} WITH (FORCE)")
    await admin.execute(f"CREATE DATABASE {memory_db}")
    await admin.close()
    memory_url = pg_url.rsplit("/", 1)[0] + f"/{memory_db}"
    client = await nats.connect(bus.urls)
    js = client.jetstream()
    agents = _agents(processes, bus, memory_url, pg_url, work)
    try:
        await _wait_for_consumer(js, processes)
        tag = f"p{processes}r{bus.replicas}"
        figures: dict[str, object] = {kind: await _run_kind(js, kind, count, tag) for kind, count in counts.items()}
    finally:
        for agent in agents:
            agent.terminate()
        for agent in agents:
            agent.wait(60)
        await client.close()
    return figures


async def main(counts: dict[str, int], cluster: bool) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="bus-bench-"))
    work.chmod(0o755)
    postgres, single = embedded.start(work / "servers", (embedded.POSTGRES, embedded.NATS), durable=False)
    buses = {"single_server": Bus([single.url], 1)}
    try:
        if cluster:
            nodes = nats_cluster.start_cluster(work / "servers", 3)
            buses["cluster_of_3"] = Bus([node.url for node in nodes], 3)
        rounds = {f"{name}/{n}_process": await _round(n, counts, bus, postgres.url, work)
                  for name, bus in buses.items() for n in (1, 2)}
    finally:
        nats_cluster.stop_cluster(work / "servers")
        embedded.stop(work / "servers")
    goals: dict[str, object] = {"goals": {"lint_jobs_per_s": 50, "generate_jobs_per_s_per_process": 1}}
    return {**goals, **rounds}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lint", type=int, default=200)
    parser.add_argument("--generate", type=int, default=12)
    parser.add_argument("--cluster", action="store_true", help="also run on a three-node JetStream cluster")
    arguments = parser.parse_args()
    result = asyncio.run(main({"lint": arguments.lint, "generate": arguments.generate}, arguments.cluster))
    print(json.dumps(result, indent=2))
    out = ROOT / "bench" / "results" / "bus_bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
