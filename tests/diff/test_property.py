"""Property: for random pairs of valid schemas, plan(v1, v2) applied to v1 gives v2's catalog,
and its inverse gives v1's back (column positions aside, which PostgreSQL cannot restore)."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from agent.catalog import compare, read_catalog
from agent.jobs.generate import generate_migrations
from agent.schema import load_schema_sources
from agent.schema.tables import Schema
from agent.verify.apply import apply_sql, columns_by_name, without_backups
from tests.diff.scratch_databases import drop_database, fresh_database
from tests.property_budget import examples

pytestmark = pytest.mark.integration
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

COLUMN_KINDS = {
    "label": "    type: string\n    max_length: {width}\n",
    "qty": "    type: integer\n{required}{default}",
    "note": "    type: text\n",
    "state": "    type: enum\n    values: [{values}]\n    max_length: 12\n",
    "price": "    type: decimal\n    precision: 12\n    scale: 2\n{minimum}",
}


@st.composite
def versions(draw: st.DrawFn) -> dict[str, object]:
    return {
        "columns": draw(st.sets(st.sampled_from(sorted(COLUMN_KINDS)), min_size=1)),
        "width": draw(st.sampled_from([20, 40, 80])),
        "qty_required": draw(st.booleans()),
        "qty_default": draw(st.sampled_from([None, 0, 5])),
        "values": draw(st.sampled_from([["NEW"], ["NEW", "DONE"], ["NEW", "DONE", "HELD"]])),
        "minimum": draw(st.booleans()),
        "index": draw(st.booleans()),
    }


def entity(version: dict[str, object]) -> str:
    lines = ["version: 1", "entity: Item", "table: items", "properties:"]
    for name in sorted(version["columns"]):  # type: ignore[call-overload]
        body = COLUMN_KINDS[name].format(
            width=version["width"], values=", ".join(version["values"]),  # type: ignore[arg-type]
            required="    required: true\n    backfill: 1\n" if version["qty_required"] else "",
            default=f"    default: {version['qty_default']}\n" if version["qty_default"] is not None else "",
            minimum="    minimum: 0\n" if version["minimum"] else "",
        )
        lines.append(f"  {name}:\n{body.rstrip()}")
    if version["index"] and "note" in version["columns"]:  # type: ignore[operator]
        lines.append("indexes:\n  - columns: [note]")
    return "\n".join(lines) + "\n"


def widening_only(v1: dict[str, object], v2: dict[str, object]) -> bool:
    removed = set(v1["values"]) - set(v2["values"])  # type: ignore[call-overload, arg-type]
    return v2["width"] >= v1["width"] and not removed  # type: ignore[operator]


async def _check(server: str, v1_text: str, v2_text: str) -> None:
    v1 = load_schema_sources({"items.yaml": v1_text})
    v2 = load_schema_sources({"items.yaml": v2_text})
    direct, direct_name = await fresh_database(server, "prop")
    evolved, evolved_name = await fresh_database(server, "prop")
    try:
        for migration in generate_migrations(v2, Schema(), NOW, []).migrations:
            await apply_sql(direct, migration.up_name, migration.up_sql)
        creates = generate_migrations(v1, Schema(), NOW, []).migrations
        for migration in creates:
            await apply_sql(evolved, migration.up_name, migration.up_sql)
        await evolved.execute("ALTER TABLE items NO FORCE ROW LEVEL SECURITY")
        await evolved.execute("INSERT INTO items (tenant_id) SELECT gen_random_uuid() FROM generate_series(1, 3)"
                              if "required: true" not in v1_text else "SELECT 1")
        await evolved.execute("ALTER TABLE items FORCE ROW LEVEL SECURITY")
        v1_catalog = columns_by_name(await read_catalog(evolved))
        diff = generate_migrations(v2, v1.schema, NOW, ["20260101000000"], allow_changes=True,
                                   allow_destructive=True).migrations
        for migration in diff:
            await apply_sql(evolved, migration.up_name, migration.up_sql)
        target = columns_by_name(await read_catalog(direct))
        assert compare(target, columns_by_name(without_backups(await read_catalog(evolved)))) == []
        for migration in reversed(diff):
            await apply_sql(evolved, migration.down_name, migration.down_sql)
        assert compare(v1_catalog, columns_by_name(without_backups(await read_catalog(evolved)))) == []
    finally:
        await drop_database(server, direct, direct_name)
        await drop_database(server, evolved, evolved_name)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(v1=versions(), v2=versions())
def test_plan_moves_between_any_two_versions_and_back(postgres_server_url: str,
                                                      v1: dict[str, object], v2: dict[str, object]) -> None:
    assume(widening_only(v1, v2))
    asyncio.run(_check(postgres_server_url, entity(v1), entity(v2)))
