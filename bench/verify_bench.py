"""Wall time of the full verification pipeline: the examples, and a 100-table synthetic schema.

Goals on this 2-core machine (issue 17): the examples with 10 000 rows a table in at most 1 s,
100 tables with 1 000 rows a table in at most 10 s. Prints the figures, the sample-data step's
share of the wall time, and writes bench/results/verify_bench.json.

    python bench/verify_bench.py [--tables 100] [--rows 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent import embedded  # noqa: E402
from agent.jobs.generate import generate_migrations, new_migrations  # noqa: E402
from agent.schema import LoadedSchema, load_schema_dir, load_schema_sources  # noqa: E402
from agent.schema.tables import Schema  # noqa: E402
from agent.verify.pipeline import run_pipeline  # noqa: E402
from tests.generate.synthetic import synthetic_schema  # noqa: E402

NOW = dt.datetime(2025, 12, 5, 10, 30, tzinfo=dt.UTC)


async def measure(server: str, loaded: LoadedSchema, rows: int) -> dict[str, object]:
    migrations = new_migrations(generate_migrations(loaded, Schema(), NOW, []))
    started = time.perf_counter()
    report = await run_pipeline(server, migrations, schema=loaded.schema, rows_per_table=rows)
    wall = time.perf_counter() - started
    sample_ms = next((step.duration_ms for step in report.steps if step.name == "sample_data"), 0.0)
    return {
        "tables": len(loaded.schema.tables),
        "rows_per_table": rows,
        "wall_s": round(wall, 2),
        "sample_data_share": round(sample_ms / 1000 / wall, 2) if wall else 0.0,
        "passed": report.passed,
        "steps_ms": {step.name: round(step.duration_ms, 1) for step in report.steps},
        "failures": [f"{s.name}: {f.table}: {f.message}" for s in report.steps for f in s.failures][:20],
    }


async def main(tables: int, rows: int) -> dict[str, object]:
    data_dir = Path(tempfile.mkdtemp(prefix="verify-bench-"))
    data_dir.chmod(0o755)
    (info,) = embedded.start(data_dir, (embedded.POSTGRES,), durable=False)
    try:
        examples = await measure(info.url, load_schema_dir(ROOT / "schemas"), rows)
        synthetic = await measure(info.url, load_schema_sources(synthetic_schema(tables)), max(rows // 10, 100))
    finally:
        embedded.stop(data_dir)
    return {"examples": examples, "synthetic": synthetic,
            "goals_s": {"examples": 1, "synthetic_100_tables": 10}}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tables", type=int, default=100)
    parser.add_argument("--rows", type=int, default=10_000)
    arguments = parser.parse_args()
    result = asyncio.run(main(arguments.tables, arguments.rows))
    print(json.dumps(result, indent=2))
    out = ROOT / "bench" / "results" / "verify_bench.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
