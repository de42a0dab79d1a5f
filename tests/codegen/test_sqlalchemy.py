"""SQLAlchemy models build the schema the migrations build: `metadata.create_all`'s DDL runs in a schema of
its own beside the migrated one, and the two catalogs agree table by table (names aside); the mappers
configure without a warning."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import uuid
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import asyncpg
import pytest

from agent.catalog import read_catalog
from agent.catalog.model import Catalog
from agent.codegen import CodegenOptions, render
from agent.schema.tables import Schema
from agent.verify.apply import apply_sql
from tests.codegen.helpers import example_schema, migration_files
from tests.codegen.test_wide_schema import wide
from tests.generate.helpers import generate

sqlalchemy = pytest.importorskip("sqlalchemy", reason="sqlalchemy is needed to test the sqlalchemy target")
pytestmark = pytest.mark.integration


def _models(tmp_path: Path, schema: Schema) -> ModuleType:
    name = f"generated_sqlalchemy_{uuid.uuid4().hex[:8]}"
    path = tmp_path / f"{name}.py"
    path.write_text(render(schema, ["sqlalchemy"], CodegenOptions())["sqlalchemy/models.py"])
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _create_all(models: ModuleType) -> list[str]:
    """The DDL `metadata.create_all` runs on PostgreSQL, in order (cycles closed by ALTER TABLE)."""
    statements: list[str] = []

    def execute(sql: Any, *_: Any, **__: Any) -> None:
        statements.append(str(sql.compile(dialect=engine.dialect)))
    engine = sqlalchemy.create_mock_engine("postgresql://", execute)
    models.Base.metadata.create_all(engine, checkfirst=False)
    return statements


def _comparable(catalog: Catalog) -> dict[str, Any]:
    """Per table what models can say: columns, constraints and indexes without names or definitions
    (a definition names its index), comments of tables and columns; not RLS, policies or triggers."""
    tables: dict[str, Any] = {}
    for table in catalog.tables:
        constraints = {c.model_dump_json(exclude={"name", "comment"}) for c in table.constraints}
        indexes = {i.model_dump_json(exclude={"name", "definition", "constraint", "comment"}) for i in table.indexes}
        tables[table.name] = (table.comment, table.columns, constraints, indexes)
    return tables


async def _agree(db: asyncpg.Connection, tmp_path: Path, schema: Schema) -> None:
    models = _models(tmp_path, schema)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sqlalchemy.orm.configure_mappers()
        statements = _create_all(models)
    await db.execute("CREATE SCHEMA models")
    await db.execute("SET search_path = models")
    for statement in statements:
        await db.execute(statement)
    await db.execute("SET search_path = public")
    built = _comparable(await read_catalog(db, "models"))
    migrated = _comparable(await read_catalog(db, "public"))
    assert sorted(built) == sorted(migrated) == sorted(t.name for t in schema.tables)
    assert all(columns and constraints and indexes for _, columns, constraints, indexes in migrated.values())
    for name in migrated:
        assert built[name] == migrated[name], name


async def test_the_examples_models_build_the_migrated_schema(db: asyncpg.Connection, tmp_path: Path) -> None:
    for path in migration_files():
        await apply_sql(db, path.name, path.read_text())
    await _agree(db, tmp_path, example_schema())


async def test_the_wide_schema_models_build_the_migrated_schema(db: asyncpg.Connection, tmp_path: Path) -> None:
    loaded = wide()
    for migration in generate(loaded).migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    await _agree(db, tmp_path, loaded.schema)


async def test_a_model_that_differs_is_caught(db: asyncpg.Connection, tmp_path: Path) -> None:
    """The comparison can fail: a check left out of the models is a difference."""
    for path in migration_files():
        await apply_sql(db, path.name, path.read_text())
    schema = example_schema()
    lots = next(t for t in schema.tables if t.name == "lots")
    fewer = lots.model_copy(update={"checks": lots.checks[1:]})
    changed = schema.model_copy(update={"tables": tuple(fewer if t.name == "lots" else t for t in schema.tables)})
    with pytest.raises(AssertionError, match="lots"):
        await _agree(db, tmp_path, changed)


def test_relationships_load_and_write_through_the_own_column(tmp_path: Path) -> None:
    models = _models(tmp_path, example_schema())
    sqlalchemy.orm.configure_mappers()
    tenant, parent_id = uuid.uuid4(), uuid.uuid4()
    parent = models.StorageLocation(location_id=parent_id, tenant_id=tenant)
    lot = models.Lot(tenant_id=tenant, storage_location=parent)
    assert lot in parent.lots
    mapper = sqlalchemy.inspect(models.Lot).relationships["storage_location"]
    assert {c.name for c in mapper.local_columns} == {"tenant_id", "storage_location_id"}
    assert {c.name for c in mapper._calculated_foreign_keys} == {"storage_location_id"}
    children = sqlalchemy.inspect(models.StorageLocation).relationships["child_storage_locations"]
    assert children.direction.name == "ONETOMANY"


def test_the_models_module_is_lint_clean(tmp_path: Path) -> None:
    if importlib.util.find_spec("ruff") is None:
        pytest.skip("ruff is not installed")
    for name, schema in (("examples", example_schema()), ("wide", wide().schema)):
        path = tmp_path / f"{name}.py"
        path.write_text(render(schema, ["sqlalchemy"], CodegenOptions())["sqlalchemy/models.py"])
        command = [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "E,F,W,I", "--line-length", "120",
                   str(path)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout


def test_the_models_module_type_checks_strict(tmp_path: Path) -> None:
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed")
    paths = []
    for name, schema in (("examples_models", example_schema()), ("wide_models", wide().schema)):
        paths.append(tmp_path / f"{name}.py")
        paths[-1].write_text(render(schema, ["sqlalchemy"], CodegenOptions())["sqlalchemy/models.py"])
    command = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *map(str, paths)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stdout
    assert "LOT_QUALITY_STATUS: tuple[LotQualityStatus, ...]" in paths[0].read_text()
