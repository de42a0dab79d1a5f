"""Step: N rows per table for two tenants, loaded with COPY, then ANALYZE."""

from __future__ import annotations

import time

from agent.plan.planner import creation_order
from agent.verify.context import VerifyContext
from agent.verify.report import Finding
from agent.verify.sample_data import load_sample_data

__all__ = ["run"]


async def run(context: VerifyContext) -> list[Finding]:
    started = time.perf_counter()
    ordered = creation_order(list(context.schema.tables))
    data = await load_sample_data(context.connection, context.schema, ordered, context.rows_per_table,
                                  context.seed)
    context.sample = data
    context.figures["sample_rows"] = data.rows
    context.figures["sample_load_ms"] = round((time.perf_counter() - started) * 1000, 1)
    findings = []
    for table in ordered:
        loaded = sum(len(keys) for keys in data.keys.get(table.name, {}).values())
        findings.append(Finding(
            check="sample-data", table=table.name, passed=loaded > 0,
            message=f"{loaded} rows loaded" if loaded else
            "no generated row satisfied the table's checks and keys; the data checks cannot run on it"))
    return findings
