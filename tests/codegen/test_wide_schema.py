"""Every YAML type, shared tables, a reference cycle and self-references, through every target."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from agent.codegen import TARGETS, CodegenOptions, render
from agent.schema import LoadedSchema
from agent.verify.apply import apply_sql
from tests.codegen.helpers import prisma_validate, tsc, write_files
from tests.generate.helpers import generate, load
from tests.generate.synthetic import synthetic_schema

pytestmark = pytest.mark.integration

KINDS = """version: 1
entity: KindSample
table: kind_samples
tenant_scoped: false
audit: false
properties:
  s: {type: string}
  t: {type: text, min_length: 2}
  si: {type: smallint, minimum: 1, maximum: 9}
  i: {type: integer, required: true, default: 3}
  b: {type: bigint}
  d: {type: decimal}
  f: {type: float}
  dd: {type: double}
  bo: {type: boolean}
  da: {type: date}
  ti: {type: time}
  ts: {type: timestamp}
  iv: {type: interval}
  js: {type: json}
  jb: {type: jsonb, default: []}
  by: {type: bytea}
  ip: {type: inet}
  tags: {type: array, items: {type: string, max_length: 10}}
  days: {type: array, items: {type: date}}
  from_t0003:
    type: uuid
    references: {table: t0003, on_delete: CASCADE, reason: any tenant's row}
"""

CONTACTS = """version: 1
entity: Contact
table: contacts
description: Every check form and index kind the schema language has, for the typed targets.
properties:
  email: {type: string, max_length: 120, required: true, pattern: '^[a-z0-9.]+@[a-z0-9]+[.][a-z]+$'}
  nickname: {type: text, min_length: 2}
  code: {type: string, max_length: 8, pattern: '^C[0-9]+$', unique: true}
  age: {type: smallint, minimum: 0, maximum: 150}
  score: {type: decimal, precision: 6, scale: 2, minimum: 0}
  rating: {type: integer, maximum: 5}
  kind: {type: enum, values: [PERSON, COMPANY, "O'NEIL"], required: true, default: PERSON}
  starts_on: {type: date}
  ends_on: {type: date}
  profile: {type: jsonb}
constraints:
  - check: ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on
indexes:
  - columns: [tenant_id, lower(email)]
    unique: true
  - columns: [profile]
    using: gin
  - columns: [tenant_id, kind]
    include: [email]
  - columns: [tenant_id, nickname]
    unique: true
    where: kind = 'COMPANY'
"""


def wide() -> LoadedSchema:
    return load({**synthetic_schema(12), "kind-samples.yaml": KINDS, "contacts.yaml": CONTACTS})


@pytest.mark.usefixtures("node_tools")
def test_wide_schema_compiles_and_validates(tmp_path: Path) -> None:
    write_files(tmp_path, render(wide().schema, ["ts", "typeorm", "prisma"], CodegenOptions()))
    done = tsc(tmp_path, ["ts/**/*.ts", "typeorm/**/*.ts", "prisma/*.ts"])
    assert done.returncode == 0, done.stdout
    validated = prisma_validate(tmp_path / "prisma")
    assert validated.returncode == 0, validated.stdout + validated.stderr


@pytest.mark.usefixtures("compat_node_tools")
def test_wide_schema_compiles_and_validates_on_the_previous_majors(tmp_path: Path) -> None:
    write_files(tmp_path, render(wide().schema, ["ts", "typeorm", "prisma"], CodegenOptions(compat=True)))
    done = tsc(tmp_path, ["ts/**/*.ts", "typeorm/**/*.ts"], "compat")
    assert done.returncode == 0, done.stdout
    validated = prisma_validate(tmp_path / "prisma", "compat")
    assert validated.returncode == 0, validated.stdout + validated.stderr


def test_wide_schema_renders_every_target() -> None:
    files = render(wide().schema, list(TARGETS), CodegenOptions())
    assert "  iv?: string | null;" in files["ts/kind-sample.ts"]
    assert 'Unsupported("interval")?' in files["prisma/schema.prisma"]


async def test_wide_seed_applies_as_app_role(db: asyncpg.Connection) -> None:
    loaded = wide()
    for migration in generate(loaded).migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    await db.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO app_user")
    await db.execute("SET ROLE app_user")
    sql = render(loaded.schema, ["seed"], CodegenOptions(rows=4))["seed/staging.sql"]
    await apply_sql(db, "staging.sql", sql)
    await db.execute("RESET ROLE")
    assert await db.fetchval("SELECT count(*) FROM kind_samples") == 4
    assert await db.fetchval("SELECT count(*) FROM t0012") == 12
