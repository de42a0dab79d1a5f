"""Recall latency with 100 000 memories of one agent: p50 and p99. Goal: p99 under 10 ms.

Prints the figures and writes bench/results/memory_bench.json.

    python bench/memory_bench.py [--memories 100000] [--recalls 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent import embedded  # noqa: E402
from agent.memory import connect_store  # noqa: E402

AGENT = "database-migration"
TIERS = ("core", "long", "medium", "recent", "compost")


async def load(store: object, count: int) -> None:
    connection = store.connection  # type: ignore[attr-defined]
    await connection.execute(f"""
        INSERT INTO memories (agent_name, tier, kind, key, content, about, importance)
        SELECT $1, (ARRAY{list(TIERS)})[1 + i % 5], 'note', 'key-' || i, jsonb_build_object('i', i),
               ARRAY['table_' || (i % 500), 'MA' || (100 + i % 60)], (i % 100) / 100.0
        FROM generate_series(1, $2) AS i""", AGENT, count)
    await connection.execute("ANALYZE memories")


async def main(count: int, recalls: int) -> dict[str, object]:
    data_dir = Path(tempfile.mkdtemp(prefix="memory-bench-"))
    data_dir.chmod(0o755)
    (info,) = embedded.start(data_dir, (embedded.POSTGRES,), durable=False)
    try:
        store = await connect_store(info.url)
        await load(store, count)
        for n in range(30):  # warm the caches; not measured
            await store.recall(AGENT, about=[f"table_{n}"] if n % 2 else None, limit=20)
        latencies = []
        for n in range(recalls):
            about = [f"table_{n % 500}"] if n % 2 else None
            started = time.perf_counter()
            await store.recall(AGENT, about=about, limit=20)
            latencies.append((time.perf_counter() - started) * 1000)
        await store.close()
    finally:
        embedded.stop(data_dir)
    ordered = sorted(latencies)
    return {"memories": count, "recalls": recalls, "p50_ms": round(statistics.median(ordered), 2),
            "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1], 2), "max_ms": round(ordered[-1], 2),
            "goal_p99_ms": 10}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--memories", type=int, default=100_000)
    parser.add_argument("--recalls", type=int, default=300)
    arguments = parser.parse_args()
    result = asyncio.run(main(arguments.memories, arguments.recalls))
    print(json.dumps(result, indent=2))
    out = ROOT / "bench" / "results" / "memory_bench.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
