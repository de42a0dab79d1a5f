"""`migration-agent migrate up` from the command line, and what `--remember` records."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import asyncpg
import pytest
from click.testing import CliRunner, Result

from agent.catalog import read_catalog, table_fingerprints
from agent.cli import app
from tests.conftest import database_url

pytestmark = pytest.mark.integration
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


async def _invoke(memory_url: str, *args: str) -> Result:
    """The command runs its own event loop, so it runs in a thread of its own."""
    return await asyncio.to_thread(CliRunner().invoke, app, list(args), env={"DATABASE_URL": memory_url})


async def test_up_with_remember_records_the_applied_tables_in_memory(
        fresh_database_url: str, postgres_server_url: str) -> None:
    memory_name = f"test_memory_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(postgres_server_url)
    await admin.execute(f'CREATE DATABASE "{memory_name}"')
    memory_url = database_url(postgres_server_url, memory_name)
    try:
        plain = await _invoke(memory_url, "migrate", "up", "--database-url", fresh_database_url, "--dir",
                              str(MIGRATIONS), "--to", "20251205103000")
        assert plain.exit_code == 0, plain.output
        memory = await asyncpg.connect(memory_url)
        assert await memory.fetchval("SELECT to_regclass('agent_memory.memories')") is None  # not asked
        result = await _invoke(memory_url, "migrate", "up", "--database-url", fresh_database_url, "--dir",
                               str(MIGRATIONS), "--remember")
        assert result.exit_code == 0, result.output
        target = await asyncpg.connect(fresh_database_url)
        fingerprints = table_fingerprints(await read_catalog(target))
        await target.close()
        long = {r["key"]: r["f"] for r in await memory.fetch(
            "SELECT key, content ->> 'fingerprint' AS f FROM agent_memory.memories WHERE kind = 'table_schema'")}
        applied = [r["key"] for r in await memory.fetch(
            "SELECT key FROM agent_memory.memories WHERE kind = 'applied' ORDER BY key")]
        await memory.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{memory_name}" WITH (FORCE)')
        await admin.close()
    assert long == {t: fingerprints[t] for t in ("lots", "storage_locations")}
    assert [key.rsplit("/", 1)[-1] for key in applied] == ["20251205103001_create_lots.sql"]
