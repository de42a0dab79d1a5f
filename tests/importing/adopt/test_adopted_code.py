"""The adopted Prisma-shaped schema's code compiles (issue 23): TypeScript, Zod and TypeORM under
`tsc --strict`, the Prisma schema under `prisma validate`, each keeping the database's exact
names (`@@map("TemplateDirectLink")`, `name: "order"`)."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from agent.codegen import CodegenOptions, render
from agent.schema import load_schema_dir
from tests.codegen.conftest import node_tools  # noqa: F401  (the fixture)
from tests.codegen.helpers import prisma_validate, tsc, write_files
from tests.importing.adopt.helpers import run_import
from tests.importing.adopt.test_prisma_style import SQL

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("node_tools")]


async def test_the_adopted_schemas_code_compiles(db: asyncpg.Connection, fresh_database_url: str,
                                                 tmp_path: Path) -> None:
    await db.execute(SQL)
    assert (await run_import(fresh_database_url, tmp_path / "schemas")).exit_code == 0
    files = render(load_schema_dir(tmp_path / "schemas").schema, ["ts", "zod", "typeorm", "prisma"], CodegenOptions())
    out = tmp_path / "code"
    write_files(out, files)
    done = tsc(out, ["ts/*.ts", "zod/*.ts", "typeorm/*.ts", "prisma/prisma.config.ts"])
    assert done.returncode == 0, done.stdout + done.stderr
    validated = prisma_validate(out / "prisma")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    prisma = files["prisma/schema.prisma"]
    assert 'enum Role {\n  USER\n  ADMIN\n\n  @@map("Role")\n}' in prisma
    assert '@id(map: "TeamMember_pkey") @default(autoincrement()) @map("id")' in prisma
    assert 'Role     @default(USER) @map("role")' in prisma
    assert '@default(now()) @map("createdAt") @db.Timestamp(3)' in prisma
    assert '@@map("TemplateDirectLink")' in prisma
