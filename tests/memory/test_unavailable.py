"""A memory store that cannot be used: memory never blocks a run, and says so once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from agent.memory import MemoryStore
from agent.memory.resources import core_lessons_file, memory_migrations_dir, memory_schema_dir

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


def test_the_packaged_memory_files_are_the_checkouts() -> None:
    assert core_lessons_file().read_bytes() == (REPO / "memory" / "core-lessons.yaml").read_bytes()
    for folder, packaged in (("migrations", memory_migrations_dir()), ("schema", memory_schema_dir())):
        assert {p.name: p.read_bytes() for p in packaged.iterdir()} == \
            {p.name: p.read_bytes() for p in (REPO / "memory" / folder).iterdir()}


async def test_a_store_without_migrations_says_where_it_looked(db: asyncpg.Connection, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=f"no memory-store migrations in {tmp_path}"):
        await MemoryStore(db).migrate(tmp_path)
    assert await db.fetchval("SELECT to_regclass('memories')") is None


def test_generate_warns_once_when_the_store_is_unreachable_and_still_writes(
        tmp_path: Path, postgres_server_url: str) -> None:
    shutil.copytree(REPO / "schemas", tmp_path / "schemas")
    missing = urlunsplit(urlsplit(postgres_server_url)._replace(path="/no_such_database"))
    environment = {**os.environ, "DATABASE_URL": missing, "SCRATCH_DATABASE_URL": postgres_server_url,
                   "SCRATCH_BACKEND": "server"}
    run = subprocess.run([sys.executable, "-m", "agent", "generate", "--verify", "--rows", "20",
                          "--now", "2025-12-05T10:30:00Z"], cwd=tmp_path, env=environment, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stderr.count("memory store unavailable, nothing remembered") == 1, run.stderr
    assert "no_such_database" in run.stderr
    assert (tmp_path / "migrations" / "20251205103001_create_lots.sql").is_file()
