"""The docs target: erd.svg without Graphviz, and a query guide the planner agrees with."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from click.testing import CliRunner

from agent.codegen import CodegenOptions, render
from agent.codegen.query_guide import scans, served
from agent.commands.codegen import codegen_command
from agent.exit_codes import ExitCode
from agent.schema.literals import quote_ident
from agent.schema.tables import Schema
from agent.verify.apply import apply_sql
from tests.codegen.helpers import example_schema, migration_files
from tests.codegen.test_wide_schema import wide
from tests.generate.helpers import EXAMPLES, generate

SVG = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> set[str]:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return {"".join(element.itertext()).strip() for element in root.iter(f"{SVG}text")}


def test_codegen_docs_writes_an_svg_naming_every_table_without_dot(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("dot") is None
    result = CliRunner().invoke(codegen_command, [str(EXAMPLES), "-t", "docs", "-o", str(tmp_path / "out")])
    assert result.exit_code == ExitCode.OK, result.output
    texts = _texts((tmp_path / "out" / "docs" / "erd.svg").read_text())
    assert {t.name for t in example_schema().tables} <= texts
    assert "[erd.svg](erd.svg)" in (tmp_path / "out" / "docs" / "README.md").read_text()


def test_the_wide_schema_svg_names_every_table() -> None:
    schema = wide().schema
    texts = _texts(render(schema, ["docs"], CodegenOptions())["docs/erd.svg"])
    assert {t.name for t in schema.tables} <= texts
    assert len(schema.tables) == 14


def test_the_guide_lists_what_scans_and_what_is_served() -> None:
    schema = wide().schema
    contacts = schema.table("contacts")
    assert contacts is not None
    columns = {s.column: s for s in scans(schema, contacts)}
    assert "email" in columns  # only lower(email) is indexed: `email = $1` cannot use it
    assert "kind" not in columns  # (tenant_id, kind) INCLUDE (email) leads with it under RLS
    assert "nickname" in columns  # the (tenant_id, nickname) index is partial
    assert "profile" not in columns  # its GIN index serves containment
    samples = schema.table("kind_samples")
    assert samples is not None
    kinds = {s.column: s.query for s in scans(schema, samples)}
    assert kinds["jb"] == "SELECT * FROM kind_samples WHERE jb @> $1"
    assert kinds["tags"] == "SELECT * FROM kind_samples WHERE tags @> $1"
    assert "js" not in kinds and "by" not in kinds
    queries = {s.index: s.query for s in served(contacts)}
    assert queries["idx_contacts_profile"] == "SELECT * FROM contacts WHERE profile @> $1"
    assert queries["idx_contacts_tenant_id_lower_email"] == (
        "SELECT * FROM contacts WHERE tenant_id = $1 AND (lower(email)) = $2")
    page = render(schema, ["docs"], CodegenOptions())["docs/contacts.md"]
    assert "| `SELECT * FROM contacts WHERE email = $1` | reads every row of the tenant through" in page


def _uses(plan: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(plan, dict):
        found |= {plan["Index Name"]} if "Index Name" in plan else set()
        for value in plan.values():
            found |= _uses(value)
    elif isinstance(plan, list):
        for item in plan:
            found |= _uses(item)
    return found


async def _plan(db: asyncpg.Connection, sql: str, drop: list[str]) -> set[str]:
    """Indexes the generic plan uses (no parameter values) with sequential scans off, `drop` run first;
    all rolled back."""
    nulls = ", ".join(["NULL"] * max(int(n) for n in re.findall(r"\$(\d+)", sql)))
    transaction = db.transaction()
    await transaction.start()
    try:
        await db.execute("SET LOCAL enable_seqscan = off; SET LOCAL plan_cache_mode = force_generic_plan")
        for statement in drop:
            await db.execute(statement)
        await db.execute(f"PREPARE guide_probe AS {sql}")  # simple protocol: the server types $n itself
        try:
            plan = await db.fetchval(f"EXPLAIN (FORMAT JSON) EXECUTE guide_probe({nulls})")
        finally:
            await db.execute("DEALLOCATE guide_probe")
    finally:
        await transaction.rollback()
    return _uses(json.loads(plan))


def _set_aside(schema: Schema, table_name: str, keep: str) -> list[str]:
    table = schema.table(table_name)
    assert table is not None
    drops = [f"DROP INDEX {quote_ident(i.name)}" for i in table.indexes if i.name != keep]
    drops += [f"ALTER TABLE {quote_ident(table.name)} DROP CONSTRAINT {quote_ident(u.name)} CASCADE"
              for u in table.uniques if u.name != keep]
    return drops


async def _check_guide(db: asyncpg.Connection, schema: Schema) -> None:
    for table in schema.tables:
        for entry in served(table):
            assert entry.index in await _plan(db, entry.query, _set_aside(schema, table.name, entry.index)), entry
        tenant = f"{quote_ident(schema.tenant_column)} = $2::uuid AND " if table.tenant_scoped else ""
        keyed = {i.name: i.keys for i in table.indexes}
        for scan in scans(schema, table):
            if scan.partly:
                continue
            used = await _plan(db, scan.query.replace(" WHERE ", f" WHERE {tenant}", 1), [])
            assert not [n for n in used if scan.column in keyed.get(n, ())], (scan, used)


@pytest.mark.integration
async def test_the_planner_agrees_with_the_guide_for_the_examples(db: asyncpg.Connection) -> None:
    for path in migration_files():
        await apply_sql(db, path.name, path.read_text())
    await _check_guide(db, example_schema())


@pytest.mark.integration
async def test_the_planner_agrees_with_the_guide_for_the_wide_schema(db: asyncpg.Connection) -> None:
    loaded = wide()
    for migration in generate(loaded).migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    await _check_guide(db, loaded.schema)
