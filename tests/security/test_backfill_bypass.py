"""The backfill flag is not a public door (issue 16, reproduction 14).

`migration_agent.backfill` is a setting any session may set. The `updated_at` trigger and the
rename sync triggers honour it only for a session that row security does not filter on the
table and that holds TRIGGER on it (its owner, a superuser): a migration role. The
application role that sets it still gets `updated_at = now()` and its renamed columns synced.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
import pytest_asyncio

from agent.jobs.generate import generate_migrations
from agent.memory.store import NewMemory, connect_store
from agent.migrate.discovery import discover
from agent.plan.diff import BackfillSettings
from agent.schema import load_schema_dir
from agent.schema.tables import UPDATED_AT_FUNCTION, Schema
from agent.sql.render import updated_at_function_sql
from agent.verify.apply import apply_sql

pytestmark = pytest.mark.integration

EVOLUTION = Path(__file__).parents[1] / "diff" / "evolution"
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
TENANT = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"
PAST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
FLAG_ON = "SET migration_agent.backfill = 'on'"
MEMORY_MIGRATIONS = Path(__file__).parents[2] / "memory" / "migrations"


@dataclass(frozen=True)
class Roles:
    migrator: str
    app: str


@pytest_asyncio.fixture(loop_scope="session")
async def roles(db: asyncpg.Connection) -> AsyncIterator[Roles]:
    """v1 of the evolution example and its expand migration (the lot_number -> lot_code sync
    trigger), applied as a BYPASSRLS migration role that owns the tables; a global table with
    the updated_at trigger; rows from the past; an application role with the usual grants."""
    suffix = uuid.uuid4().hex[:10]
    found = Roles(f"migrator_{suffix}", f"app_{suffix}")
    await db.execute(f"CREATE ROLE {found.migrator} NOLOGIN BYPASSRLS; GRANT CREATE ON SCHEMA public TO "
                     f"{found.migrator}; CREATE ROLE {found.app} NOLOGIN NOBYPASSRLS")
    try:
        await db.execute(f"SET ROLE {found.migrator}")
        v1, v2 = load_schema_dir(EVOLUTION / "v1"), load_schema_dir(EVOLUTION / "v2")
        for migration in generate_migrations(v1, Schema(), NOW, []).migrations:
            await apply_sql(db, migration.up_name, migration.up_sql)
        diff = generate_migrations(v2, v1.schema, NOW, ["20251205103001"], allow_changes=True,
                                   allow_destructive=True, backfill=BackfillSettings(7))
        await apply_sql(db, diff.migrations[0].up_name, diff.migrations[0].up_sql)
        await db.execute("CREATE TABLE materials (id int PRIMARY KEY, name text, updated_at timestamptz NOT NULL);"
                         "CREATE TRIGGER materials_updated_at BEFORE UPDATE ON materials FOR EACH ROW "
                         "EXECUTE FUNCTION update_updated_at_column()")
        await db.execute("SET row_security = off")
        await db.execute(FLAG_ON)
        await db.execute(f"""
            INSERT INTO lots (tenant_id, lot_number, material_id, quantity, quality_status)
            SELECT '{TENANT}', 'LOT-' || i, gen_random_uuid(), i, 'RELEASED' FROM generate_series(1, 20) AS i;
            UPDATE lots SET updated_at = '{PAST.isoformat()}' WHERE true;
            INSERT INTO materials VALUES (1, 'steel', '{PAST.isoformat()}')""")
        await db.execute(f"RESET ROLE; RESET row_security; RESET migration_agent.backfill; "
                         f"GRANT USAGE ON SCHEMA public TO {found.app}; "
                         f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {found.app}")
        backfill = diff.migrations[1]
        await db.execute(f"SET ROLE {found.migrator}")
        await apply_sql(db, backfill.up_name, backfill.up_sql)
        await db.execute("RESET ROLE")
        yield found
    finally:
        await db.execute("RESET ROLE")
        await db.execute(f"DROP OWNED BY {found.migrator}, {found.app}; DROP ROLE {found.migrator}; "
                         f"DROP ROLE {found.app}")


async def as_app(db: asyncpg.Connection, roles: Roles) -> None:
    await db.execute(f"SET ROLE {roles.app}")
    await db.execute(f"SET app.current_tenant_id = '{TENANT}'")
    await db.execute(FLAG_ON)


async def test_the_migration_roles_backfill_keeps_updated_at(db: asyncpg.Connection, roles: Roles) -> None:
    assert await db.fetchval("SELECT count(*) FROM lots WHERE lot_code = lot_number AND supplier_id IS NOT NULL") \
        == 20
    assert await db.fetchval("SELECT count(DISTINCT updated_at) FROM lots") == 1
    assert await db.fetchval("SELECT min(updated_at) FROM lots") == PAST


async def test_the_application_role_cannot_forge_updated_at(db: asyncpg.Connection, roles: Roles) -> None:
    await as_app(db, roles)
    try:
        await db.execute("UPDATE lots SET quantity = 0, updated_at = '2000-01-01' WHERE lot_number = 'LOT-1'")
        await db.execute("UPDATE materials SET name = 'iron', updated_at = '2000-01-01' WHERE id = 1")
        lot = await db.fetchval("SELECT updated_at FROM lots WHERE lot_number = 'LOT-1'")
        material = await db.fetchval("SELECT updated_at FROM materials WHERE id = 1")
    finally:
        await db.execute("RESET ROLE; RESET migration_agent.backfill")
    now = await db.fetchval("SELECT now()")
    assert lot > now - dt.timedelta(minutes=5) and material > now - dt.timedelta(minutes=5)


async def test_the_application_role_cannot_stop_the_rename_sync(db: asyncpg.Connection, roles: Roles) -> None:
    await as_app(db, roles)
    try:
        await db.execute("UPDATE lots SET lot_number = 'FORGED' WHERE lot_number = 'LOT-2'")
        synced = await db.fetchval("SELECT lot_code FROM lots WHERE lot_number = 'FORGED'")
    finally:
        await db.execute("RESET ROLE; RESET migration_agent.backfill")
    assert synced == "FORGED"


async def test_a_migration_role_and_a_superuser_may_keep_updated_at(db: asyncpg.Connection, roles: Roles) -> None:
    for role in (roles.migrator, None):
        await db.execute(f"SET ROLE {role}" if role else "RESET ROLE")
        await db.execute("SET row_security = off")
        await db.execute(FLAG_ON)
        try:
            await db.execute("UPDATE lots SET quantity = quantity + 1 WHERE lot_number = 'LOT-3'")
            await db.execute("UPDATE materials SET name = name || '!' WHERE id = 1")
            kept = await db.fetch("SELECT updated_at FROM lots WHERE lot_number = 'LOT-3' "
                                  "UNION ALL SELECT updated_at FROM materials")
        finally:
            await db.execute("RESET ROLE; RESET row_security; RESET migration_agent.backfill")
        assert [r[0] for r in kept] == [PAST, PAST], role


APPLIED_MEMORY_MIGRATIONS = {
    "20261125000000_create_memories.sql": "95e4a30b05fc3f6cdd87e9a8d53ceca88318a6a22a42ddbb5ba8abcbbcbb09d9",
    "20261125083000_index_memories.sql": "7bf4ea74247b5df5257799864b071154c6228c041748c7edbc04c71c2938f3ff",
}


def test_the_memory_stores_applied_migrations_keep_their_bytes() -> None:
    """The runner of a memory store already migrated refuses a file whose checksum changed."""
    files = {f.name: f.checksum for f in discover(MEMORY_MIGRATIONS)}
    assert {name: files.get(name) for name in APPLIED_MEMORY_MIGRATIONS} == APPLIED_MEMORY_MIGRATIONS


def test_the_memory_store_replaces_its_function_with_the_generated_one() -> None:
    """memory/migrations' first file was applied to real databases (its checksum is fixed):
    a later migration of the memory store replaces the function with the one the agent renders."""
    folder = MEMORY_MIGRATIONS
    replacing = f"CREATE OR REPLACE FUNCTION {UPDATED_AT_FUNCTION}"
    replaced = [p for p in sorted(folder.glob("*.sql")) if not p.stem.endswith("_down") and replacing in p.read_text()]
    rendered = updated_at_function_sql(UPDATED_AT_FUNCTION)
    assert replaced and rendered.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION") in replaced[-1].read_text()


async def test_the_memory_store_keeps_its_own_clock_as_an_unprivileged_owner(
        db: asyncpg.Connection, fresh_database_url: str) -> None:
    """The store stamps updated_at from its clock and sets the flag for its session: as the owner
    of its table (not a superuser, not BYPASSRLS), the guarded trigger still leaves the stamp."""
    role = f"memory_{uuid.uuid4().hex[:10]}"
    await db.execute(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS")
    await db.execute(f'GRANT CREATE ON DATABASE "{await db.fetchval("SELECT current_database()")}" TO {role}')
    parts = urlsplit(fresh_database_url)
    url = urlunsplit(parts._replace(netloc=f"{role}@{parts.netloc.rpartition('@')[2]}"))
    try:
        store = await connect_store(url, clock=lambda: PAST)
        try:
            for content in ({"v": 1}, {"v": 2}):
                await store.remember(NewMemory.model_validate(
                    {"agent_name": "tests", "tier": "long", "kind": "note", "key": "k", "content": content}))
            stamped = await store.connection.fetchval("SELECT updated_at FROM memories")
            is_superuser = await store.connection.fetchval("SHOW is_superuser")
        finally:
            await store.close()
    finally:
        await db.execute(f"DROP OWNED BY {role}; DROP ROLE {role}")
    assert is_superuser == "off" and stamped == PAST
