"""Generated code against a database built by the repo's migrations: seed rows under RLS, pydantic, Prisma."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import asyncpg
import pytest

from agent.catalog import read_catalog
from agent.codegen import CodegenOptions, render
from agent.codegen.seed_data import tenant_ids
from agent.verify.apply import apply_sql
from tests.codegen.helpers import NODE_DIR, example_schema, migration_files, prisma_env

pytestmark = pytest.mark.integration
ROWS = 6


async def _migrate(db: asyncpg.Connection) -> None:
    for path in migration_files():
        await apply_sql(db, path.name, path.read_text())
    await db.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO app_user")


async def _visible(db: asyncpg.Connection, table: str, tenant: uuid.UUID | None) -> list[asyncpg.Record]:
    async with db.transaction():
        if tenant is not None:
            await db.execute(f"SET LOCAL app.current_tenant_id = '{tenant}'")
        return list(await db.fetch(f"SELECT * FROM {table}"))


@pytest.mark.parametrize("env", ["dev", "staging"])
async def test_seed_applies_as_app_role_and_each_tenant_sees_only_its_rows(db: asyncpg.Connection, env: str) -> None:
    await _migrate(db)
    options = CodegenOptions(rows=ROWS)
    sql = render(example_schema(), ["seed"], options)[f"seed/{env}.sql"]
    await db.execute("SET ROLE app_user")
    await apply_sql(db, f"{env}.sql", sql)
    tenants = tenant_ids(options, env)
    assert len(tenants) >= 2
    for tenant in tenants:
        for table in ("storage_locations", "lots"):
            rows = await _visible(db, table, tenant)
            assert len(rows) == ROWS
            assert {r["tenant_id"] for r in rows} == {tenant}
    assert await _visible(db, "lots", None) == []


async def test_seed_rows_exercise_keys_and_nulls(db: asyncpg.Connection) -> None:
    await _migrate(db)
    await apply_sql(db, "dev.sql", render(example_schema(), ["seed"], CodegenOptions(rows=20))["seed/dev.sql"])
    placed = await db.fetchval("SELECT count(*) FROM lots WHERE storage_location_id IS NOT NULL")
    children = await db.fetchval("SELECT count(*) FROM storage_locations WHERE parent_location_id IS NOT NULL")
    statuses = await db.fetchval("SELECT count(DISTINCT quality_status) FROM lots")
    assert placed > 0 and children > 0 and statuses > 1


def _load_models(tmp_path: Path) -> ModuleType:
    path = tmp_path / "generated_models.py"
    path.write_text(render(example_schema(), ["pydantic"], CodegenOptions())["pydantic/models.py"])
    spec = importlib.util.spec_from_file_location("generated_models", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["generated_models"] = module
    spec.loader.exec_module(module)
    return module


async def test_pydantic_models_validate_database_rows(db: asyncpg.Connection, tmp_path: Path) -> None:
    await _migrate(db)
    await apply_sql(db, "dev.sql", render(example_schema(), ["seed"], CodegenOptions())["seed/dev.sql"])
    models = _load_models(tmp_path)
    for record in await db.fetch("SELECT * FROM lots"):
        row = dict(record)
        row["attributes"] = json.loads(row["attributes"])
        lot = models.Lot.model_validate(row)
        assert lot.lot_number == record["lot_number"]
    for record in await db.fetch("SELECT * FROM storage_locations"):
        models.StorageLocation.model_validate(dict(record))
    with pytest.raises(ValueError, match="quality_status"):
        models.NewLot.model_validate({"tenant_id": uuid.uuid4(), "lot_number": "x", "material_id": uuid.uuid4(),
                                      "unit_of_measure": "KG", "quality_status": "LOST"})


# ---------------------------------------------------------------- Prisma against the catalog

_PG_TYPES = {("String", "Uuid"): "uuid", ("DateTime", "Timestamptz"): "timestamp with time zone",
             ("DateTime", "Date"): "date", ("Json", None): "jsonb", ("Boolean", None): "boolean",
             ("Int", None): "integer", ("String", None): "text", ("BigInt", None): "bigint"}
_ACTIONS = {"Cascade": "CASCADE", "Restrict": "RESTRICT", "SetNull": "SET NULL", "SetDefault": "SET DEFAULT",
            "NoAction": "NO ACTION"}


def _dmmf(tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "schema.prisma"
    path.write_text(render(example_schema(), ["prisma"], CodegenOptions())["prisma/schema.prisma"])
    script = ("const w=require('@prisma/prisma-schema-wasm');const fs=require('fs');const p=process.argv[1];"
              "process.stdout.write(JSON.stringify(JSON.parse(w.get_dmmf(JSON.stringify("
              "{prismaSchema:[[p,fs.readFileSync(p,'utf8')]],noColor:true}))).datamodel));")
    done = subprocess.run(["node", "-e", script, str(path)], cwd=NODE_DIR, capture_output=True, text=True,
                          env=prisma_env(), timeout=60, check=True)
    return dict(json.loads(done.stdout))


def _pg_type(field: dict[str, Any]) -> str:
    native, arguments = field.get("nativeType") or (None, [])
    if native == "VarChar":
        return f"character varying({arguments[0]})"
    if native == "Decimal":
        return f"numeric({arguments[0]},{arguments[1]})"
    return _PG_TYPES[(field["type"], native)]


def _default_matches(field: dict[str, Any], catalog_default: str | None) -> bool:
    default = field.get("default")
    if default is None:
        return catalog_default is None
    if isinstance(default, dict):
        expected = default["args"][0] if default["name"] == "dbgenerated" else f"{default['name']}()"
        return catalog_default == expected
    if catalog_default is None:
        return False
    value = catalog_default.split("::")[0].strip("'")
    if isinstance(default, int | float) and not isinstance(default, bool):
        return Decimal(value) == Decimal(str(default))
    return value == (str(default).lower() if isinstance(default, bool) else str(default))


@pytest.mark.usefixtures("node_tools")
async def test_prisma_models_describe_the_migrated_database_field_by_field(db: asyncpg.Connection,
                                                                           tmp_path: Path) -> None:
    """`prisma db pull` needs engine binaries this machine cannot download; Prisma's own parse of
    our schema (its DMMF) is compared with the catalog of the migrated database instead."""
    await _migrate(db)
    catalog = await read_catalog(db)
    models = {m["dbName"] or m["name"]: m for m in _dmmf(tmp_path)["models"]}
    assert set(models) == {t.name for t in catalog.tables}
    for table in catalog.tables:
        model = models[table.name]
        scalars = {f["dbName"] or f["name"]: f for f in model["fields"] if f["kind"] == "scalar"}
        assert set(scalars) == {c.name for c in table.columns}
        for column in table.columns:
            field = scalars[column.name]
            assert field["isRequired"] == column.not_null, column.name
            assert _pg_type(field) == column.type, column.name
            assert _default_matches(field, column.default), (column.name, field.get("default"), column.default)
        _compare_keys(table, model, {f["name"]: n for n, f in scalars.items()})


def _compare_keys(table: Any, model: dict[str, Any], db_names: dict[str, str]) -> None:
    relations = [f for f in model["fields"] if f["kind"] == "object" and f.get("relationFromFields")]
    found = {(f["relationName"], tuple(db_names[n] for n in f["relationFromFields"]), _ACTIONS[f["relationOnDelete"]])
             for f in relations}
    # `SET NULL (col)` has no Prisma spelling: the schema notes it beside the relation instead.
    expected = {(c.name, c.columns, (c.on_delete or "").split(" (")[0]) for c in table.constraints
                if c.kind == "foreign"}
    assert found == expected
    uniques = {tuple(db_names[n] for n in u["fields"]) for u in model["uniqueIndexes"]}
    assert uniques == {c.columns for c in table.constraints if c.kind == "unique"}
    primary = [db_names[f["name"]] for f in model["fields"] if f.get("isId")]
    assert tuple(primary) == next(c.columns for c in table.constraints if c.kind == "primary")
