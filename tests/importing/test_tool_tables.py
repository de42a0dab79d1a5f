"""The tables migration tools keep their record in (issue 23) are not the application's: import
notes them and leaves them to `migrate baseline`, whatever tool made them."""

from __future__ import annotations

import asyncpg
import pytest

from agent.catalog import read_catalog
from agent.importing import import_texts

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(("table", "tool"), [
    ("schema_migrations", "golang-migrate or dbmate"),
    ("goose_db_version", "goose"),
    ("flyway_schema_history", "flyway"),
    ("__diesel_schema_migrations", "diesel"),
    ("_prisma_migrations", "prisma"),
])
async def test_a_tools_record_is_noted_not_imported(db: asyncpg.Connection, table: str, tool: str) -> None:
    await db.execute(f'CREATE TABLE "{table}" (version bigint PRIMARY KEY)')
    await db.execute("CREATE TABLE artifacts (id serial PRIMARY KEY, digest text NOT NULL)")
    imported = import_texts(await read_catalog(db))
    assert imported.errors == []
    assert sorted(imported.texts) == ["artifacts.yaml", "project.yaml"]
    assert f"note: {table}: the record of what {tool} applied (`migrate baseline` reads it); not imported" in [
        str(problem) for problem in imported.problems]
