"""Schemas that guessed sample data could not fill (issue 17): a reference cycle whose required
side points at the table created first, and checks across two keys to the same table. Each
verifies through the whole pipeline, and its seed data loads under RLS as the application role."""

from __future__ import annotations

import asyncio
import re
import shutil
import uuid
from pathlib import Path

import asyncpg
import pytest
from click.testing import CliRunner

from agent.catalog import compare, read_catalog
from agent.cli import app
from agent.codegen import CodegenOptions, render
from agent.jobs.generate import new_migrations
from agent.schema import LoadedSchema, load_schema_sources
from agent.schema.diagnostics import SchemaError
from agent.verify.apply import apply_sql
from agent.verify.pipeline import run_pipeline
from agent.verify.sample_data import TENANTS, load_sample_data
from tests.generate.helpers import generate

pytestmark = pytest.mark.integration
HERE = Path(__file__).parent / "schemas"
REPO = Path(__file__).resolve().parents[2]
ROWS = 300


def _fixture(name: str, **replace: str) -> LoadedSchema:
    sources = {}
    for path in sorted((HERE / name).glob("*.yaml")):
        text = path.read_text()
        for old, new in replace.items():
            text = text.replace(old, new)
        sources[path.name] = text
    return load_schema_sources(sources)


CASES = {
    "cycle": lambda: _fixture("cycle"),
    "distinct": lambda: _fixture("transfers"),
    "not-equal": lambda: _fixture("transfers", **{"IS DISTINCT FROM": "<>"}),
}


def _failures(report: object) -> list[str]:
    return [f"{s.name}: {f.table}: {f.message}" for s in report.steps for f in s.failures]  # type: ignore[attr-defined]


@pytest.mark.parametrize("case", sorted(CASES))
async def test_the_schema_verifies_with_every_step(postgres_server_url: str, case: str) -> None:
    loaded = CASES[case]()
    migrations = new_migrations(generate(loaded))
    report = await run_pipeline(postgres_server_url, migrations, schema=loaded.schema, rows_per_table=ROWS)
    assert _failures(report) == []
    assert [s.name for s in report.steps if s.skipped] == []
    assert report.figures["sample_rows"] == ROWS * len(loaded.schema.tables)


@pytest.mark.parametrize("case", sorted(CASES))
async def test_seed_data_loads_under_rls_as_the_application_role(db: asyncpg.Connection, case: str) -> None:
    loaded = CASES[case]()
    for migration in generate(loaded).migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    await db.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO app_user")
    sql = render(loaded.schema, ["seed"], CodegenOptions(rows=12))["seed/dev.sql"]
    await db.execute("SET ROLE app_user")
    await apply_sql(db, "dev.sql", sql)
    await db.execute("RESET ROLE")
    for table in loaded.schema.tables:
        assert await db.fetchval(f"SELECT count(*) FROM {table.name}") == 24  # 12 for each of two tenants
    if case == "cycle":
        linked = await db.fetchval("SELECT count(*) FROM customers c JOIN addresses a "
                                   "ON a.address_id = c.default_address_id AND a.tenant_id = c.tenant_id")
        assert linked > 0
    else:
        assert await db.fetchval("SELECT count(*) FROM transfers WHERE from_location_id = to_location_id") == 0


CODES = """version: 1
entity: Part
table: parts
properties:
  code:
    type: string
    max_length: 20
    required: true
{example}constraints:
  - name: parts_code_prefix
    check: left(code, 3) = 'AB-'
"""


async def test_a_check_the_engine_cannot_read_is_one_failure_that_names_it(postgres_server_url: str) -> None:
    loaded = load_schema_sources({"parts.yaml": CODES.format(example="")})
    report = await run_pipeline(postgres_server_url, new_migrations(generate(loaded)), schema=loaded.schema,
                                rows_per_table=40)
    (failure,) = _failures(report)
    assert failure.startswith("sample_data: parts: only 0 of 40 sample rows")
    assert """check parts_code_prefix ("left"(code, 3) = 'AB-') at parts.yaml:11:12""" in failure
    assert "`example:` values" in failure


async def test_example_values_meet_what_the_engine_cannot_read(postgres_server_url: str) -> None:
    loaded = load_schema_sources({"parts.yaml": CODES.format(example="    example: [AB-1, AB-22, AB-333]\n")})
    report = await run_pipeline(postgres_server_url, new_migrations(generate(loaded)), schema=loaded.schema,
                                rows_per_table=40)
    assert _failures(report) == []
    assert report.figures["sample_rows"] == 40


def test_an_example_the_column_cannot_hold_is_refused_at_its_place() -> None:
    text = CODES.format(example="    example: [AB-1, 7]\n").replace("max_length: 20", "max_length: 4")
    with pytest.raises(SchemaError) as raised:
        load_schema_sources({"parts.yaml": text.replace("AB-1,", "AB-12345,")})
    assert str(raised.value).splitlines() == [
        "parts.yaml:9:15 properties.code.example[0]: example is longer than max_length 4",
        "parts.yaml:9:25 properties.code.example[1]: example must be text for a column of type string",
    ]


async def test_a_table_referencing_lots_joins_the_examples_through_diff_verify(
        tmp_path: Path, postgres_server_url: str, fresh_database_url: str) -> None:
    shutil.copytree(REPO / "schemas", tmp_path / "schemas")
    shutil.copytree(REPO / "migrations", tmp_path / "migrations")
    shutil.copy(HERE / "stock-movements.yaml", tmp_path / "schemas")
    result = await asyncio.to_thread(CliRunner().invoke, app, [
        "diff", "--to", str(tmp_path / "schemas"), "--dir", str(tmp_path / "migrations"), "--verify", "--rows", "500",
        "--now", "2025-12-06T09:00:00Z"], env={"SCRATCH_DATABASE_URL": postgres_server_url,
                                               "DATABASE_URL": fresh_database_url})
    assert result.exit_code == 0, result.output
    for step in ("Sample data", "Constraints", "Delete behaviour", "Index use"):
        assert re.search(rf"^  ok   {step} \(", result.output, re.MULTILINE), result.output
    added = sorted(p.name for p in (tmp_path / "migrations").iterdir())
    assert any("stock_movements" in name for name in added), added


RARE = """version: 1
entity: Bin
table: bins
properties:
  qty:
    type: integer
  label:
    type: string
    max_length: 30
indexes:
  - columns: [qty]
    where: qty = 777
  - columns: [upper(label)]
    where: label IS NOT NULL AND qty > 900
"""


async def test_every_index_gets_rows_its_predicate_selects(postgres_server_url: str) -> None:
    """No drawn value hits `qty = 777` among 40 rows: the engine mends one row per tenant towards it."""
    loaded = load_schema_sources({"bins.yaml": RARE})
    report = await run_pipeline(postgres_server_url, new_migrations(generate(loaded)), schema=loaded.schema,
                                rows_per_table=40)
    assert _failures(report) == []
    used = [f.message for s in report.steps if s.name == "index-use" or s.name == "index_use" for f in s.findings]
    assert any(m.startswith("idx_bins_qty ") for m in used) and any(m.startswith("idx_bins_upper_label") for m in used)


async def test_a_check_no_row_can_meet_is_one_failure_that_names_it(postgres_server_url: str) -> None:
    text = RARE.replace("  qty:\n    type: integer\n", "  qty:\n    type: integer\n    required: true\n") + (
        "constraints:\n  - name: bins_qty_window\n    check: qty > 10 AND qty < 5\n")
    loaded = load_schema_sources({"bins.yaml": text})
    report = await run_pipeline(postgres_server_url, new_migrations(generate(loaded)), schema=loaded.schema,
                                rows_per_table=40)
    assert _failures(report) == ["sample_data: bins: no sample row satisfies check bins_qty_window "
                                 "(qty > 10 AND qty < 5) at bins.yaml:18:12; give the columns it reads `example:` "
                                 "values that meet it"]
    assert [s.name for s in report.steps if s.skipped] == ["rls", "constraints", "delete_behaviour", "index_use"]


async def test_loading_sets_keys_aside_and_back_exactly(db: asyncpg.Connection) -> None:
    """The keys dropped for the load come back as they were: definition, ON DELETE, comment."""
    loaded = _fixture("cycle")
    for migration in generate(loaded).migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    before = await read_catalog(db)
    data = await load_sample_data(db, loaded.schema, 60)
    assert data.rows == 120
    assert compare(before, await read_catalog(db)) == []
    linked = await db.fetchval("SELECT count(*) FROM customers WHERE default_address_id IS NOT NULL")
    assert linked > 0


async def test_an_owner_without_bypassrls_loads_through_the_policies(db: asyncpg.Connection) -> None:
    """COPY FROM is refused on a table whose policies apply to the role: rows then go through a
    staging table per tenant with the tenant set; the cycle's keys are linked tenant by tenant."""
    owner = f"sample_owner_{uuid.uuid4().hex[:8]}"
    await db.execute(f"CREATE ROLE {owner} NOLOGIN NOBYPASSRLS")
    await db.execute(f"GRANT CREATE, USAGE ON SCHEMA public TO {owner}")
    await db.execute(f"SET ROLE {owner}")
    loaded = _fixture("cycle")
    for migration in generate(loaded).migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    data = await load_sample_data(db, loaded.schema, 60)
    assert data.rows == 120
    assert all(len(data.keys[t][tenant]) == 30 for t in ("customers", "addresses") for tenant in TENANTS)
    await db.execute("RESET ROLE")
    linked = await db.fetchval("SELECT count(*) FROM customers c JOIN addresses a "
                               "ON a.address_id = c.default_address_id AND a.tenant_id = c.tenant_id")
    assert linked > 0


def test_a_cycle_of_required_keys_is_refused_at_load_naming_it() -> None:
    customers = (HERE / "cycle" / "customers.yaml").read_text().replace(
        "    type: uuid\n    references:", "    type: uuid\n    required: true\n    references:").replace(
        "on_delete: SET NULL", "on_delete: RESTRICT")
    with pytest.raises(SchemaError) as raised:
        load_schema_sources({"customers.yaml": customers,
                             "addresses.yaml": (HERE / "cycle" / "addresses.yaml").read_text()})
    assert str(raised.value) == (
        "addresses.yaml:9:5 properties.customer_id.references: required keys form a cycle (addresses.customer_id -> "
        "customers.default_address_id -> addresses): no row of any of these tables could be inserted first; "
        "make one of these keys optional (not `required`)")


async def test_a_schema_no_row_can_enter_is_one_failure_naming_the_check(postgres_server_url: str) -> None:
    """t00 needs a t01 row first; t01's keys into t00 are NULL until then, and its check refuses two
    NULLs: no row of either table can go in (without deferrable keys). One finding says which check."""
    base = "version: 1\nentity: T0{n}\ntable: t0{n}\nproperties:\n"
    key = "  {name}:\n    type: uuid\n{required}    references:\n      table: t0{to}\n      on_delete: RESTRICT\n"
    files = {
        "t00.yaml": base.format(n=0) + key.format(name="ref0_id", required="    required: true\n", to=1),
        "t01.yaml": base.format(n=1) + key.format(name="ref0_id", required="", to=0)
        + key.format(name="ref1_id", required="", to=0)
        + "constraints:\n  - check: ref0_id IS DISTINCT FROM ref1_id\n",
    }
    loaded = load_schema_sources(files)
    report = await run_pipeline(postgres_server_url, new_migrations(generate(loaded)), schema=loaded.schema,
                                rows_per_table=20)
    assert _failures(report) == ["sample_data: t01: no sample row satisfies check t01_ref0_id_ref1_id_check "
                                 "(ref0_id IS DISTINCT FROM ref1_id) at t01.yaml:16:12; give the columns it reads "
                                 "`example:` values that meet it"]
