"""Tables whose names read as one file name (`User` and `user`, as a Prisma model beside a
snake_case table) are both imported (issue 23): the second gets `user-2.yaml`, the entity a
number too, and both load back to the tables they came from."""

from __future__ import annotations

import asyncpg
import pytest

from agent.catalog import read_catalog
from agent.importing import import_texts
from agent.schema import load_schema_sources

pytestmark = pytest.mark.integration


async def test_two_tables_of_one_file_name_are_both_imported(db: asyncpg.Connection) -> None:
    await db.execute('CREATE TABLE "User" (id bigint PRIMARY KEY, email text NOT NULL)')
    await db.execute("CREATE TABLE users_user (id bigint PRIMARY KEY)")
    await db.execute("CREATE TABLE \"user\" (id bigint PRIMARY KEY, login text NOT NULL)")
    imported = import_texts(await read_catalog(db))
    assert imported.errors == []
    assert sorted(imported.texts) == ["project.yaml", "user-2.yaml", "user.yaml", "users-user.yaml"]
    tables = load_schema_sources(imported.texts).schema
    assert {t.name for t in tables.tables} == {"User", "user", "users_user"}
    assert len({t.entity for t in tables.tables}) == 3
