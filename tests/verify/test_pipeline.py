"""The verification pipeline passes the generated examples and catches each broken migration."""

from __future__ import annotations

import importlib
import re

import asyncpg
import pytest

from agent.catalog import read_catalog
from agent.schema.tables import Schema
from agent.verify.apply import MigrationText, apply_sql
from agent.verify.context import VerifyContext
from agent.verify.pipeline import run_pipeline
from agent.verify.report import VerificationReport
from agent.verify.scratch import ScratchProvider
from tests.generate.helpers import examples, generate, migration_texts

pytestmark = pytest.mark.integration

ROWS = 200
FORCE_LOTS = "ALTER TABLE lots FORCE ROW LEVEL SECURITY;\n"
LOTS_POLICY = ("    USING (tenant_id = CAST(NULLIF(current_setting('app.current_tenant_id', TRUE), '') AS uuid))\n"
               "    WITH CHECK (tenant_id = CAST(NULLIF(current_setting('app.current_tenant_id', TRUE), '') AS uuid));")


def migrations(replace_in_lots: tuple[str, str] | None = None, extra: MigrationText | None = None,
               replace_in_lots_down: tuple[str, str] | None = None) -> list[MigrationText]:
    found = []
    for m in generate(examples()).migrations:
        up, down = m.up_sql, m.down_sql
        if m.slug == "create_lots" and replace_in_lots:
            assert replace_in_lots[0] in up, replace_in_lots[0]
            up = up.replace(*replace_in_lots)
        if m.slug == "create_storage_locations" and replace_in_lots_down:
            assert replace_in_lots_down[0] in down
            down = down.replace(*replace_in_lots_down)
        found.append(MigrationText(m.up_name, up, down))
    return found + ([extra] if extra else [])


async def verify(server: str, files: list[MigrationText], schema: Schema | None = None) -> VerificationReport:
    return await run_pipeline(server, files, schema=schema or examples().schema, rows_per_table=ROWS)


def failures(report: VerificationReport) -> list[str]:
    return [f"{f.table}: {f.message}" for step in report.steps for f in step.failures]


async def test_the_generated_examples_pass_every_step(postgres_server_url: str) -> None:
    report = await verify(postgres_server_url, migrations())
    assert failures(report) == []
    assert [s.name for s in report.steps] == [
        "apply", "round_trip", "sample_data", "rls", "constraints", "delete_behaviour", "index_use"]
    assert report.passed
    assert report.figures["sample_rows"] == 2 * ROWS


async def test_rls_enabled_but_not_forced(postgres_server_url: str) -> None:
    report = await verify(postgres_server_url, migrations((FORCE_LOTS, "")))
    assert "lots: lots / row level security: the YAML promises enabled=True, forced=True, " \
           "the database has enabled=True, forced=False" in failures(report)


async def test_policy_without_with_check(postgres_server_url: str) -> None:
    files = migrations((LOTS_POLICY, LOTS_POLICY.split("\n")[0] + ";"))
    assert any(f.startswith("lots: lots / policy lots_tenant_isolation: the YAML promises") and
               f.endswith("with check -") for f in failures(await verify(postgres_server_url, files)))
    report = await verify(postgres_server_url, files, schema=_promise_as_built(files))
    assert "lots: policy lots_tenant_isolation has no WITH CHECK: which rows may be written is left implicit" \
        in failures(report)


async def test_policy_reading_current_setting_without_missing_ok(postgres_server_url: str) -> None:
    strict = ("    USING (tenant_id = current_setting('app.current_tenant_id')::uuid)\n"
              "    WITH CHECK (tenant_id = current_setting('app.current_tenant_id')::uuid);")
    files = migrations((LOTS_POLICY, strict))
    report = await verify(postgres_server_url, files, schema=_promise_as_built(files))
    found = failures(report)
    assert any(f.startswith("lots: in a session that never set the tenant: the query fails with 42704") for f in found)
    assert any(f.startswith("lots: with an empty tenant setting: the query fails with 22P02") for f in found)


async def test_down_that_forgets_the_trigger_function(postgres_server_url: str) -> None:
    report = await verify(postgres_server_url, migrations(
        replace_in_lots_down=("DROP FUNCTION update_updated_at_column();", "")))
    assert "function update_updated_at_column(): function update_updated_at_column() is in the database now " \
           "but not in before up" in failures(report)


async def test_down_that_forgets_an_index(postgres_server_url: str) -> None:
    extra = MigrationText("20251205103002_index_zone.sql",
                          "CREATE INDEX idx_storage_locations_zone ON storage_locations (zone);", "SELECT 1;")
    report = await verify(postgres_server_url, migrations(extra=extra), schema=None)
    assert any("idx_storage_locations_zone" in f for f in failures(report)), failures(report)


async def test_a_down_that_cannot_run_a_second_time(postgres_server_url: str) -> None:
    """It leaves a backup under a fixed name: the first rollback passes, the second one fails on it."""
    extra = MigrationText("20251205103002_notes.sql", "SELECT 1;", "CREATE TABLE _backup_notes AS SELECT 1 AS a;")
    report = await verify(postgres_server_url, migrations(extra=extra), schema=None)
    (round_trip,) = [step for step in report.steps if step.name == "round_trip"]
    assert [f.message for f in round_trip.failures] == [
        '20251205103002_notes.sql (down): relation "_backup_notes" already exists (rolled back a second time)']


async def test_missing_foreign_key_index(postgres_server_url: str) -> None:
    index = "CREATE INDEX idx_lots_tenant_id_storage_location_id\n    ON lots (tenant_id, storage_location_id);"
    files = migrations((index, ""))
    report = await verify(postgres_server_url, files)
    assert "lots: missing lots / index idx_lots_tenant_id_storage_location_id: the YAML promises " \
           "btree (tenant_id, storage_location_id)" in failures(report)
    report = await verify(postgres_server_url, files, schema=_promise_as_built(files))
    assert any(f.startswith("lots: lots_storage_location_id_fkey (tenant_id, storage_location_id) has no index")
               for f in failures(report))


async def test_a_check_in_yaml_missing_from_sql(postgres_server_url: str) -> None:
    line = ("    CONSTRAINT lots_shelf_life_check CHECK (expiration_date IS NULL OR manufactured_date IS NULL "
            "OR expiration_date >= manufactured_date),\n")
    report = await verify(postgres_server_url, migrations((line, "")))
    assert any(f.startswith("lots: missing lots / check lots_shelf_life_check") for f in failures(report))


async def test_foreign_key_whose_on_delete_differs_from_yaml(postgres_server_url: str) -> None:
    files = migrations(("ON DELETE SET NULL (storage_location_id)", "ON DELETE CASCADE"))
    assert any("on delete CASCADE" in f for f in failures(await verify(postgres_server_url, files)))
    found = await _steps_only(postgres_server_url, files, ("sample_data", "delete_behaviour"))
    assert "lots: lots_storage_location_id_fkey: deleting a storage_locations row deleted the child; " \
           "the YAML promises ON DELETE SET NULL" in found


async def test_view_over_a_tenant_table_without_security_invoker(postgres_server_url: str) -> None:
    view = MigrationText("20251205103002_view.sql", "CREATE VIEW lot_overview AS SELECT lot_id, tenant_id FROM lots;",
                         "DROP VIEW lot_overview;")
    report = await verify(postgres_server_url, migrations(extra=view))
    assert any(f.startswith("lots: view lot_overview reads lots with its owner's rights") for f in failures(report))


def _promise_as_built(files: list[MigrationText]) -> Schema:
    """The examples' schema with the sabotaged policy written into it, so only the probes can tell."""
    schema = examples().schema
    for migration in files:
        if "CREATE POLICY lots_tenant_isolation" in migration.up_sql:
            text = migration.up_sql.split("CREATE POLICY lots_tenant_isolation ON lots\n")[1].split(";")[0]
            using = text.split("USING (", 1)[1].rsplit(")", 1)[0].split(")\n    WITH CHECK (")[0]
            with_check = text.split("WITH CHECK (", 1)[1].rsplit(")", 1)[0] if "WITH CHECK" in text else None
            return _with_lots_policy(schema, using, with_check, index_dropped="CREATE INDEX idx_lots_tenant_id_storage"
                                     not in migration.up_sql)
    return schema


def _with_lots_policy(schema: Schema, using: str, with_check: str | None, index_dropped: bool) -> Schema:
    tables = []
    for table in schema.tables:
        if table.name == "lots":
            policy = table.policies[0].model_copy(update={"using": using, "with_check": with_check})
            indexes = tuple(i for i in table.indexes
                            if not (index_dropped and i.name == "idx_lots_tenant_id_storage_location_id"))
            table = table.model_copy(update={"policies": (policy, *table.policies[1:]), "indexes": indexes})
        tables.append(table)
    return schema.model_copy(update={"tables": tuple(tables)})


async def _steps_only(server: str, files: list[MigrationText], steps: tuple[str, ...]) -> list[str]:
    """Run only some data steps on the applied files, past the schema comparison."""
    provider = ScratchProvider(server)
    async with provider.database() as url:
        connection = await asyncpg.connect(url)
        try:
            for migration in files:
                await apply_sql(connection, migration.name, migration.up_sql)
            context = VerifyContext(connection, url, examples().schema, await read_catalog(connection),
                                    rows_per_table=ROWS)
            found = []
            for name in steps:
                module = importlib.import_module(f"agent.verify.steps.{name}")
                found += [f"{f.table}: {f.message}" for f in await module.run(context) if not f.passed]
            return found
        finally:
            await connection.close()


async def test_a_destructive_diff_with_backups_passes_the_round_trip(postgres_server_url: str) -> None:
    """Backups made by `up` are data, not schema: the second `up` makes them again, and the
    round trip compares the schema without them on both sides."""
    import datetime as dt
    from pathlib import Path

    from agent.jobs.generate import generate_migrations, new_migrations
    from agent.schema import LoadedSchema, load_schema_dir

    evolution = Path(__file__).resolve().parents[1] / "diff" / "evolution"
    v1, v2 = load_schema_dir(evolution / "v1"), load_schema_dir(evolution / "v2")
    now = dt.datetime(2025, 12, 5, 10, 30, tzinfo=dt.UTC)
    baseline = new_migrations(generate_migrations(LoadedSchema(v1.schema), Schema(), now, []))
    change = generate_migrations(v2, v1.schema, now, [], allow_changes=True, allow_destructive=True)
    assert "CREATE TABLE _backup_lots_notes_" in "".join(m.up_sql for m in change.migrations)
    report = await run_pipeline(postgres_server_url, new_migrations(change), schema=v2.schema, baseline=baseline,
                                rows_per_table=ROWS)
    assert failures(report) == []
    probes = _backup_probes(report)
    assert ("_backup_lots_notes_20251205103004", True) in probes and all(passed for _, passed in probes)
    seal = re.compile(r"ALTER TABLE _backup_\w+ ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;\n")
    unsealed = [MigrationText(m.name, seal.sub("", m.up_sql), m.down_sql) for m in new_migrations(change)]
    assert unsealed != new_migrations(change)
    report = await run_pipeline(postgres_server_url, unsealed, schema=v2.schema, baseline=baseline,
                                rows_per_table=ROWS)
    assert ("_backup_lots_notes_20251205103004", False) in _backup_probes(report)


def _backup_probes(report: VerificationReport) -> list[tuple[str | None, bool]]:
    """The backups' RLS probes: a backup holds every tenant's rows, the application role sees none."""
    return [(f.table, f.passed) for step in report.steps for f in step.findings if f.check == "rls-backup"]


PATTERNED = """version: 1
entity: Part
table: parts
properties:
  sku:
    type: string
    max_length: 12
    required: true
    pattern: '^[A-Z]{3}-[0-9]{4}$'
  name:
    type: text
    required: true
    min_length: 5
  code:
    type: string
    max_length: 8
    pattern: '^P[0-9]+$'
    unique: true
  parent_id:
    type: uuid
    references:
      table: parts
      on_delete: SET NULL
      reason: a part may lose its parent
"""


async def test_sample_rows_follow_patterns_and_lengths_so_every_step_runs(postgres_server_url: str) -> None:
    """Rows that only a regex accepts are generated from the regex, so the data steps are not skipped."""
    from agent.schema import load_schema_sources

    loaded = load_schema_sources({"parts.yaml": PATTERNED})
    files = migration_texts(loaded)
    report = await verify(postgres_server_url, files, loaded.schema)
    assert failures(report) == []
    assert all(step.skipped is None for step in report.steps)
    assert report.figures["sample_rows"] == ROWS  # one table: every generated row accepted


COUNTRIES = """version: 1
entity: Country
table: countries
tenant_scoped: false
primary_key: code
properties:
  code:
    type: string
    max_length: 2
    pattern: '^[A-Z]{2}$'
  name:
    type: text
    required: true
    unique: true
"""
LEAKY = """version: 1
entity: Note
table: notes
properties:
  body:
    type: text
  public:
    type: boolean
    required: true
    default: false
policies:
  - name: notes_read_public
    command: SELECT
    using: public = true
"""


async def test_a_key_with_little_room_still_gets_fresh_values_for_the_copies(postgres_server_url: str) -> None:
    """676 two-letter codes, 200 of them taken by sample rows: copies pick codes no row holds."""
    from agent.schema import load_schema_sources

    loaded = load_schema_sources({"countries.yaml": COUNTRIES})
    files = migration_texts(loaded)
    for _ in range(3):
        report = await verify(postgres_server_url, files, loaded.schema)
        assert failures(report) == []


async def test_a_leak_through_a_permissive_policy_names_the_policy(postgres_server_url: str) -> None:
    from agent.schema import load_schema_sources

    loaded = load_schema_sources({"notes.yaml": LEAKY})
    files = migration_texts(loaded)
    report = await verify(postgres_server_url, files, loaded.schema)
    leaks = [f for s in report.steps if s.name == "rls" for f in s.failures]
    assert leaks and all("permissive policy notes_read_public OR-ed with tenant isolation" in f.message
                         for f in leaks)
