"""Code for tables keyed by several columns and tables without a key (issue 23): Prisma `@@id`, and
`@@ignore` for a table it cannot identify rows of (as `prisma db pull` writes it); TypeORM
primary columns for each key column, and for a table without a key the columns of its first
unique key, else its required ones (TypeORM needs one; the database keeps none); SQLAlchemy a PrimaryKeyConstraint of
several columns, and for a table without a key a mapper identity with no constraint. tsc --strict,
prisma validate and SQLAlchemy's own mapper configuration accept them."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from agent.codegen import CodegenOptions, render
from agent.schema import load_schema_sources
from tests.codegen.helpers import prisma_validate, tsc, write_files
from tests.schema.test_key_shapes import SOURCES

TOKENS = """version: 1
entity: LoginToken
table: login_tokens
primary_key: false
tenant_scoped: false
audit: false
properties:
  token: {type: string, max_length: 64, required: true, unique: true}
  expires_at: {type: timestamp, required: true}
"""


def _files() -> dict[str, str]:
    schema = load_schema_sources({**SOURCES, "login-tokens.yaml": TOKENS}).schema
    return render(schema, ["ts", "zod", "typeorm", "prisma", "sqlalchemy"], CodegenOptions())


def test_each_target_says_the_key_as_the_database_has_it() -> None:
    files = _files()
    prisma = files["prisma/schema.prisma"]
    assert '@@id([projectId, memberEmail], map: "memberships_pkey")' in prisma
    page_views = prisma[prisma.index("model PageView"):]
    assert "@@ignore" in page_views[:page_views.index("}")]
    tokens = prisma[prisma.index("model LoginToken"):]
    assert "@@ignore" not in tokens[:tokens.index("}")]
    membership = files["typeorm/membership.entity.ts"]
    assert membership.count("@PrimaryColumn(") == 2
    assert "@PrimaryColumn(" in files["typeorm/login-token.entity.ts"]
    assert "primaryKeyConstraintName" not in files["typeorm/login-token.entity.ts"]
    models = files["sqlalchemy/models.py"]
    assert 'PrimaryKeyConstraint("project_id", "member_email", name="memberships_pkey")' in models
    assert '__mapper_args__ = {"primary_key": ["token"]}' in models


@pytest.mark.integration
@pytest.mark.usefixtures("node_tools")
def test_the_code_compiles_and_validates(tmp_path: Path) -> None:
    write_files(tmp_path, _files())
    done = tsc(tmp_path, ["ts/*.ts", "zod/*.ts", "typeorm/*.ts"])
    assert done.returncode == 0, done.stdout + done.stderr
    validated = prisma_validate(tmp_path / "prisma")
    assert validated.returncode == 0, validated.stdout + validated.stderr


def test_the_sqlalchemy_models_map_every_table(tmp_path: Path) -> None:
    path = tmp_path / "key_shape_models.py"
    path.write_text(_files()["sqlalchemy/models.py"])
    spec = importlib.util.spec_from_file_location("key_shape_models", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["key_shape_models"] = module
    try:
        spec.loader.exec_module(module)
        from sqlalchemy.orm import configure_mappers

        configure_mappers()
        assert [c.name for c in module.PageView.__mapper__.primary_key] == ["tenant_id", "path"]
        assert module.PageView.__table__.primary_key.columns.keys() == []
        assert [c.name for c in module.Membership.__mapper__.primary_key] == ["project_id", "member_email"]
    finally:
        del sys.modules["key_shape_models"]
