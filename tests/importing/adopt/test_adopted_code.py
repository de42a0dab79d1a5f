"""The adopted Prisma-shaped schema's code compiles (issue 23): TypeScript, Zod and TypeORM under
`tsc --strict`, the Prisma schema under `prisma validate`, each keeping the database's exact
names (`@@map("TemplateDirectLink")`, `name: "order"`)."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from agent.codegen import CodegenOptions, render
from agent.schema import load_schema_dir, load_schema_sources
from agent.schema.tables import Schema
from tests.codegen.conftest import node_tools  # noqa: F401  (the fixture)
from tests.codegen.helpers import prisma_validate, tsc, write_files
from tests.importing.adopt.helpers import run_import
from tests.importing.adopt.test_prisma_style import SQL

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("node_tools")]


def _compiled(schema: Schema, out: Path) -> str:
    """TypeScript, Zod and TypeORM pass tsc --strict and the Prisma schema validates; its text."""
    files = render(schema, ["ts", "zod", "typeorm", "prisma"], CodegenOptions())
    write_files(out, files)
    done = tsc(out, ["ts/*.ts", "zod/*.ts", "typeorm/*.ts", "prisma/prisma.config.ts"])
    assert done.returncode == 0, done.stdout + done.stderr
    validated = prisma_validate(out / "prisma")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    return files["prisma/schema.prisma"]


async def test_the_adopted_schemas_code_compiles(db: asyncpg.Connection, fresh_database_url: str,
                                                 tmp_path: Path) -> None:
    await db.execute(SQL)
    assert (await run_import(fresh_database_url, tmp_path / "schemas")).exit_code == 0
    prisma = _compiled(load_schema_dir(tmp_path / "schemas").schema, tmp_path / "code")
    assert 'enum Role {\n  USER\n  ADMIN\n\n  @@map("Role")\n}' in prisma
    assert '@id(map: "TeamMember_pkey") @default(autoincrement()) @map("id")' in prisma
    assert 'Role     @default(USER) @map("role")' in prisma
    assert '@default(now()) @map("createdAt") @db.Timestamp(3)' in prisma
    assert '@@map("TemplateDirectLink")' in prisma


ODD = """version: 1
entity: Odd
table: 'x; DROP TABLE y'
tenant_scoped: false
audit: false
primary_key: id
properties:
  id: {type: integer, serial: true}
  a b: {type: text, required: true}
  "'quoted'": {type: integer}
  "0": {type: boolean}
  order: {type: integer, index: true}
  $$: {type: enum, native: "it's", default: A}
"""


def test_code_for_names_no_language_allows_compiles(tmp_path: Path) -> None:
    """Columns and tables named with spaces, quotes, digits first or punctuation get identifiers in
    code (`aB`, `quoted`, `c0`, `column`) mapped to their exact database names."""
    schema = load_schema_sources({"project.yaml": "project:\n  naming: preserve\n  enums:\n    \"it's\": [A, B]\n",
                                  "odd.yaml": ODD}).schema
    prisma = _compiled(schema, tmp_path)
    assert '@map("a b")' in prisma and '@@map("x; DROP TABLE y")' in prisma and '@map("$$")' in prisma
