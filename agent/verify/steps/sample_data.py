"""Step: N rows per table for two tenants, loaded with COPY, then ANALYZE.

See `agent.verify.sample_data` for how rows are made consistent with keys and checks
and how they pass the tenant policies. A table passes when both tenants (or, for a
shared table, the table) hold rows, since the later steps attack real rows. A check no
row can meet is one failure that names it (the later steps are then skipped).
"""

from __future__ import annotations

import time
import uuid

import asyncpg

from agent.sample.engine import SampleError
from agent.schema.tables import Schema, Table
from agent.verify.context import TENANT_A, TENANT_B, VerifyContext
from agent.verify.report import Finding
from agent.verify.sample_data import LoadError, SampleData, load_sample_data

__all__ = ["run"]


def _finding(table: Table, data: SampleData, asked: int, schema: Schema) -> Finding:
    loaded = data.loaded(table.name)
    tenants = data.keys.get(table.name, {})
    details = {"rows": loaded, "asked": asked}
    short = table.tenant_scoped and not all(tenants.get(uuid.UUID(t)) for t in (TENANT_A, TENANT_B))
    if short or not loaded:
        return Finding(check="sample-data", table=table.name, passed=False, details=details,
                       message=f"only {loaded} of {asked} sample rows, not both tenants: {_why(table, data, schema)}")
    refused = "" if loaded == asked else f" ({asked - loaded} generated rows were refused by a check or unique key)"
    return Finding(check="sample-data", table=table.name, passed=True, details=details,
                   message=f"{loaded} rows loaded{refused}")


def _why(table: Table, data: SampleData, schema: Schema) -> str:
    unread = data.unread.get(table.name)
    if not unread:
        return "PostgreSQL refused the rest (a unique key)"
    named = "; ".join(f"check {name} ({expression}) at {schema.check_place(table.name, name) or table.source_file}"
                      for name, expression in unread)
    return (f"PostgreSQL refused the rest under {named}, which the sample engine cannot read; give the columns "
            "it reads `example:` values that meet it")


async def run(context: VerifyContext) -> list[Finding]:
    started = time.perf_counter()
    ordered = list(context.schema.tables)
    try:
        data = await load_sample_data(context.connection, context.schema, context.rows_per_table, context.seed)
    except SampleError as error:
        return [Finding(check="sample-data", table=error.table, passed=False, message=error.detail)]
    except LoadError as error:
        return [Finding(check="sample-data", table=error.table, passed=False,
                        details={"sqlstate": error.error.sqlstate}, message=str(error))]
    except asyncpg.PostgresError as error:
        return [Finding(check="sample-data", passed=False, details={"sqlstate": error.sqlstate},
                        message=f"loading sample data failed: {error.sqlstate} {error}")]
    context.sample = data
    context.figures["sample_rows"] = data.rows
    context.figures["sample_load_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return [_finding(table, data, context.rows_per_table, context.schema) for table in ordered]
