"""Adopting a database someone else built (issue 23): a hand-written schema in Prisma's shape
(PascalCase tables, camelCase columns, native enums, an id function in defaults, a trigger,
a reserved word as a column, no tenant column) imported, loaded, generated, applied again and
turned into code."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest

from agent.catalog import read_catalog
from agent.codegen import CodegenOptions, render
from agent.schema import load_schema_dir
from agent.verify.schema_compare import compare_schema
from tests.generate.helpers import generate
from tests.generate.test_apply import apply_up
from tests.importing.adopt.helpers import (
    HERE,
    assert_round_trip,
    imported_whole,
    run_cli,
    run_import,
    servers,
)

pytestmark = pytest.mark.integration

SQL = (HERE / "prisma_style.sql").read_text()


async def test_without_allow_loss_everything_is_expressed(
    db: asyncpg.Connection, fresh_database_url: str, tmp_path: Path
) -> None:
    """Names, native enums, serial keys, TIMESTAMP(3), the id function its defaults call and the
    trigger with its function: nothing is lost, so the import needs no --allow-loss."""
    files = await imported_whole(db, SQL, fresh_database_url, tmp_path / "schemas")
    assert "  sql_objects:\n  - name: generate_id\n" in files["project.yaml"]
    assert "- name: Webhook_touch\n" in files["project.yaml"]
    assert "      sql: generate_id()\n" in files["template-direct-link.yaml"]


async def test_allow_loss_writes_yaml_that_loads_generates_and_applies(
    db: asyncpg.Connection, fresh_database_url: str, scratch: asyncpg.Connection, tmp_path: Path
) -> None:
    await db.execute(SQL)
    out = tmp_path / "schemas"
    result = await run_import(fresh_database_url, out, "--allow-loss")
    assert result.exit_code == 0, result.output
    assert "error:" not in result.output
    names = sorted(p.name for p in out.iterdir())
    assert "template-direct-link.yaml" in names and "webhook-call.yaml" in names and "team-member.yaml" in names
    project = (out / "project.yaml").read_text()
    assert "naming: camelCase" in project and "  enums:\n    DocumentStatus:\n    - DRAFT\n" in project
    link = (out / "template-direct-link.yaml").read_text()
    assert "table: TemplateDirectLink\ntenant_scoped: false\n" in link
    database = fresh_database_url.rsplit("/", 1)[1]
    assert f"reason: imported from {database} (" in link and "); review" in link

    loaded = load_schema_dir(out)
    assert [str(w).split(" ", 1)[1] for w in loaded.warnings] == [
        "properties.order: warning: column name 'order' is a reserved word in PostgreSQL: every query must quote it"]
    member = loaded.schema.table("TeamMember")
    assert member is not None and not member.tenant_scoped and not member.policies
    assert next(c for c in member.columns if c.name == "role").sql_type == '"Role"'

    await apply_up(scratch, generate(loaded))
    failed = [f.message for f in compare_schema(loaded.schema, await read_catalog(scratch)) if not f.passed]
    assert failed == []
    await scratch.execute("""INSERT INTO "User" (email, roles) VALUES ('a@b.c', '{ADMIN}')""")
    assert await scratch.fetchval("""SELECT id FROM "User" """) == 1  # SERIAL, as the original
    assert await scratch.fetchval("""SELECT "order" FROM "Field" LIMIT 1""") is None


async def test_code_maps_to_the_exact_database_names(
    db: asyncpg.Connection, fresh_database_url: str, tmp_path: Path
) -> None:
    await db.execute(SQL)
    out = tmp_path / "schemas"
    assert (await run_import(fresh_database_url, out, "--allow-loss")).exit_code == 0
    files = render(load_schema_dir(out).schema, ["ts", "zod", "prisma", "typeorm"], CodegenOptions())
    prisma = next(text for path, text in files.items() if path.endswith("schema.prisma"))
    assert '@@map("TemplateDirectLink")' in prisma and '@map("webhookId")' in prisma
    typeorm = next(text for path, text in files.items() if path.startswith("typeorm/") and "class Field" in text)
    assert 'name: "order"' in typeorm
    ts = next(text for path, text in files.items() if path.startswith("ts/") and "interface WebhookCall" in text)
    assert "webhookId: string;" in ts


async def test_the_adopted_project_generates_verified_migrations_and_code(
    db: asyncpg.Connection, fresh_database_url: str, postgres_server_url: str, tmp_path: Path
) -> None:
    """As a team would: import, then `generate --verify` (up, down, up, data, constraints, delete
    behaviour, index use) and `codegen` on the files it wrote."""
    await db.execute(SQL)
    env = servers(postgres_server_url)
    imported = await asyncio.to_thread(run_cli, tmp_path, "import", "--database-url", fresh_database_url,
                                       "-o", "schemas", "--allow-loss", env=env)
    assert imported.returncode == 0, imported.stderr
    generated = await asyncio.to_thread(run_cli, tmp_path, "generate", "--verify", "--rows", "50",
                                        "--now", "2025-12-05T10:30:00Z", env=env)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "Verification passed" in generated.stdout
    assert "ok   Constraints" in generated.stdout and "ok   Delete behaviour" in generated.stdout
    names = sorted(p.name for p in (tmp_path / "migrations").glob("*.sql"))
    assert names[0] == "20251205103000_enum_types.sql"
    code = await asyncio.to_thread(run_cli, tmp_path, "codegen", "-t", "all", "-o", "generated", env=env)
    assert code.returncode == 0, code.stderr
    verified = await asyncio.to_thread(run_cli, tmp_path, "verify", "--rows", "50", env=env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "ok   Down restores before, up again gives after" in verified.stdout


async def test_the_round_trip_is_exact_and_diff_plans_nothing(
    db: asyncpg.Connection, fresh_database_url: str, scratch: asyncpg.Connection, postgres_server_url: str,
    tmp_path: Path,
) -> None:
    """Import, generate, apply to an empty database: the same catalog fingerprint as the original
    (names, types, defaults, constraints, indexes, enums, functions, triggers); and
    `diff --from-database` against the original finds nothing to do."""
    await imported_whole(db, SQL, fresh_database_url, tmp_path / "schemas")
    await assert_round_trip(db, scratch, fresh_database_url, tmp_path, servers(postgres_server_url))
