"""`type: custom` columns (ltree, tsvector) in every code target (issue 23): text in TypeScript, Zod
and Python, TypeORM's own type name where it has one, Prisma's Unsupported("...") and a named
SQLAlchemy type; tsc --strict and prisma validate accept them."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.codegen import CodegenOptions, render
from agent.schema import load_schema_sources
from tests.codegen.helpers import prisma_validate, tsc, write_files
from tests.schema.test_custom_types import SOURCES


def test_every_code_target_types_it_as_text(tmp_path: Path) -> None:
    files = render(load_schema_sources(SOURCES).schema, ["ts", "zod", "typeorm", "prisma", "sqlalchemy"],
                   CodegenOptions())
    assert "  path: string;" in files["ts/category.ts"]
    assert 'path: z.string()' in files["zod/category.ts"].replace("\n", " ")
    assert '@Column({ name: "aliases", type: "ltree", array: true, nullable: true })' in \
        files["typeorm/category.entity.ts"]
    assert 'Unsupported("ltree[]")' in files["prisma/schema.prisma"]
    assert 'mapped_column(ARRAY(PostgresType("ltree")), nullable=True)' in files["sqlalchemy/models.py"]


@pytest.mark.integration
@pytest.mark.usefixtures("node_tools")
def test_the_code_compiles_and_validates(tmp_path: Path) -> None:
    files = render(load_schema_sources(SOURCES).schema, ["ts", "zod", "typeorm", "prisma"], CodegenOptions())
    write_files(tmp_path, files)
    done = tsc(tmp_path, ["ts/*.ts", "zod/*.ts", "typeorm/*.ts"])
    assert done.returncode == 0, done.stdout + done.stderr
    validated = prisma_validate(tmp_path / "prisma")
    assert validated.returncode == 0, validated.stdout + validated.stderr
