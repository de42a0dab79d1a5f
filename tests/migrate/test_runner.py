"""The runner on a real PostgreSQL: never half-applied, never twice, resumable, patient with locks."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from pathlib import Path

import asyncpg
import pytest

from agent.migrate.discovery import discover
from agent.migrate.runner import Runner, RunnerError, RunSettings
from tests.generate.helpers import REPO

pytestmark = pytest.mark.integration
FAST = RunSettings(lock_timeout_ms=100, attempts=3, backoff_ms=10)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "migrations"
    shutil.copytree(REPO / "migrations", target)
    return target


def write(folder: Path, name: str, up: str, down: str = "SELECT 1;") -> None:
    (folder / f"{name}.sql").write_text(up)
    (folder / f"{name}_down.sql").write_text(down)


async def tables(db: asyncpg.Connection) -> set[str]:
    rows = await db.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return {r[0] for r in rows}


async def test_up_status_down_round_trip(db: asyncpg.Connection, folder: Path) -> None:
    files = discover(folder)
    runner = Runner(db, FAST)
    assert await runner.up(files) == ["20251205103000_create_storage_locations.sql",
                                      "20251205103001_create_lots.sql"]
    status = await runner.status(files)
    assert [r.name for r in status.applied] == [f.name for f in files] and status.pending == []
    assert await runner.up(files) == []
    with pytest.raises(RunnerError, match="marked destructive; rerun with --confirm"):
        await runner.down(files)
    confirmed = Runner(db, RunSettings(confirm=True))
    assert await confirmed.down(files, steps=2) == ["20251205103001_create_lots_down.sql",
                                                    "20251205103000_create_storage_locations_down.sql"]
    assert "lots" not in await tables(db) and "agent_schema_migrations" in await tables(db)
    assert [f.name for f in (await runner.status(files)).pending] == [f.name for f in files]


async def test_two_runners_at_once_apply_each_file_exactly_once(fresh_database_url: str, folder: Path) -> None:
    files = discover(folder)

    async def run() -> list[str]:
        connection = await asyncpg.connect(fresh_database_url)
        runner = Runner(connection, RunSettings(wait_timeout_s=30))
        try:
            await runner.lock()
            try:
                return await runner.up(files)
            finally:
                await runner.unlock()
        finally:
            await connection.close()

    first, second = await asyncio.gather(run(), run())
    assert sorted(first + second) == sorted(f.name for f in files)
    assert not (first and second)


async def test_second_runner_without_wait_names_the_lock_holder(db: asyncpg.Connection,
                                                                fresh_database_url: str) -> None:
    holder = Runner(db, FAST)
    await holder.lock()
    other = await asyncpg.connect(fresh_database_url)
    try:
        with pytest.raises(RunnerError, match=r"another runner holds the migration lock \(backend pid \d+\)"):
            await Runner(other, FAST).lock()
    finally:
        await other.close()
        await holder.unlock()


async def test_a_failure_in_the_third_statement_leaves_no_trace(db: asyncpg.Connection, tmp_path: Path) -> None:
    write(tmp_path, "20260101000000_three", "BEGIN;\nCREATE TABLE one (id int);\nCREATE TABLE two (id int);\n"
          "INSERT INTO nowhere VALUES (1);\nCOMMIT;\n")
    with pytest.raises(RunnerError, match=r"20260101000000_three.sql: relation \"nowhere\" does not exist"):
        await Runner(db, FAST).up(discover(tmp_path))
    assert {"one", "two"} & await tables(db) == set()
    assert await db.fetchval("SELECT count(*) FROM agent_schema_migrations") == 0


async def test_a_no_transaction_file_resumes_where_it_stopped(db: asyncpg.Connection, tmp_path: Path) -> None:
    await db.execute("CREATE TABLE runs (step int)")
    write(tmp_path, "20260101000000_steps", "-- agent:no-transaction\n\nINSERT INTO runs VALUES (1);\n"
          "INSERT INTO later VALUES (2);\nINSERT INTO runs VALUES (3);\n")
    with pytest.raises(RunnerError, match="relation \"later\" does not exist"):
        await Runner(db, FAST).up(discover(tmp_path))
    status = await Runner(db, FAST).status(discover(tmp_path))
    assert [(f.name, row.statements_done) for f, row in status.partial] == [("20260101000000_steps.sql", 1)]
    await db.execute("CREATE TABLE later (step int)")
    assert await Runner(db, FAST).up(discover(tmp_path)) == ["20260101000000_steps.sql"]
    assert [r[0] for r in await db.fetch("SELECT step FROM runs ORDER BY step")] == [1, 3]
    assert await db.fetchval("SELECT complete FROM agent_schema_migrations") is True


async def test_an_invalid_index_is_dropped_and_rebuilt(db: asyncpg.Connection, tmp_path: Path) -> None:
    await db.execute("CREATE TABLE codes (code text); INSERT INTO codes VALUES ('a'), ('a')")
    write(tmp_path, "20260101000000_index",
          "-- agent:no-transaction\n\nCREATE UNIQUE INDEX CONCURRENTLY codes_code ON codes (code);\n")
    with pytest.raises(RunnerError, match="could not create unique index"):
        await Runner(db, FAST).up(discover(tmp_path))
    valid = "SELECT indisvalid FROM pg_index WHERE indexrelid = 'codes_code'::regclass"
    assert await db.fetchval(valid) is False
    await db.execute("DELETE FROM codes WHERE ctid = (SELECT min(ctid) FROM codes)")
    await Runner(db, FAST).up(discover(tmp_path))
    assert await db.fetchval(valid) is True


async def test_a_held_lock_is_retried_until_it_is_released(db: asyncpg.Connection, fresh_database_url: str,
                                                          tmp_path: Path) -> None:
    await db.execute("CREATE TABLE busy (id int)")
    write(tmp_path, "20260101000000_alter", "BEGIN;\nALTER TABLE busy ADD COLUMN note text;\nCOMMIT;\n")
    blocker = await asyncpg.connect(fresh_database_url)
    transaction = blocker.transaction()
    await transaction.start()
    await blocker.execute("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE")

    async def release() -> None:
        await asyncio.sleep(0.6)
        await transaction.rollback()

    patient = RunSettings(lock_timeout_ms=100, attempts=8, backoff_ms=100)
    releasing = asyncio.create_task(release())
    assert await Runner(db, patient).up(discover(tmp_path)) == ["20260101000000_alter.sql"]
    await releasing
    await blocker.close()
    assert await db.fetchval("SELECT count(*) FROM information_schema.columns WHERE column_name = 'note'") == 1


async def test_a_lock_never_released_gives_up_with_a_clear_error(db: asyncpg.Connection,
                                                                fresh_database_url: str, tmp_path: Path) -> None:
    await db.execute("CREATE TABLE busy (id int)")
    write(tmp_path, "20260101000000_alter", "BEGIN;\nALTER TABLE busy ADD COLUMN note text;\nCOMMIT;\n")
    blocker = await asyncpg.connect(fresh_database_url)
    transaction = blocker.transaction()
    await transaction.start()
    await blocker.execute("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE")
    try:
        with pytest.raises(RunnerError, match="gave up after 3 attempts to take a lock"):
            await Runner(db, FAST).up(discover(tmp_path))
    finally:
        await transaction.rollback()
        await blocker.close()


async def test_a_changed_file_is_refused_by_name(db: asyncpg.Connection, folder: Path) -> None:
    await Runner(db, FAST).up(discover(folder))
    lots = folder / "20251205103001_create_lots.sql"
    lots.write_text(lots.read_text() + "\n-- edited\n")
    with pytest.raises(RunnerError, match=r"20251205103001_create_lots\.sql was changed after it was applied"):
        await Runner(db, FAST).up(discover(folder))


async def test_an_older_pending_file_is_refused_unless_allowed(db: asyncpg.Connection, folder: Path) -> None:
    await Runner(db, FAST).up(discover(folder))
    write(folder, "20240101000000_early", "BEGIN;\nCREATE TABLE early (id int);\nCOMMIT;\n")
    with pytest.raises(RunnerError, match=r"20240101000000_early\.sql is older than the newest applied"):
        await Runner(db, FAST).up(discover(folder))
    allowed = RunSettings(allow_out_of_order=True)
    assert await Runner(db, allowed).up(discover(folder)) == ["20240101000000_early.sql"]


async def test_a_role_that_row_level_security_would_filter_is_refused_before_anything_runs(
        db: asyncpg.Connection, folder: Path) -> None:
    """lots has FORCE ROW LEVEL SECURITY; a file that sets row_security off reads every
    tenant's rows, which a role without BYPASSRLS cannot: refused up front, not part-way."""
    owner = f"owner_{uuid.uuid4().hex[:12]}"
    await db.execute(f"CREATE ROLE {owner} NOLOGIN NOBYPASSRLS; GRANT CREATE ON SCHEMA public TO {owner}")
    try:
        await db.execute(f"SET ROLE {owner}")
        assert len(await Runner(db, FAST).up(discover(folder))) == 2
        write(folder, "20260101000000_marker", "CREATE TABLE marker (id int);")
        write(folder, "20260101000001_fill", "BEGIN;\nSET LOCAL row_security = off;\n"
              "UPDATE lots SET quantity = 0 WHERE quantity < 0;\nCOMMIT;\n")
        files = discover(folder)
        with pytest.raises(RunnerError, match=rf"20260101000001_fill.sql reads every tenant's rows .*\(lots, "
                                              rf"storage_locations\): role {owner} is neither .* BYPASSRLS"):
            await Runner(db, FAST).up(files)
        assert "marker" not in await tables(db)
        with pytest.raises(RunnerError, match=r"create_lots_down\.sql reads every tenant's rows"):
            await Runner(db, RunSettings(confirm=True)).down(files, steps=3)
        await db.execute("RESET ROLE")
        await db.execute(f"ALTER ROLE {owner} BYPASSRLS")
        await db.execute(f"SET ROLE {owner}")
        assert await Runner(db, FAST).up(files) == ["20260101000000_marker.sql", "20260101000001_fill.sql"]
    finally:
        await db.execute("RESET ROLE")
        await db.execute(f"DROP OWNED BY {owner}; DROP ROLE {owner}")
