"""Adopting a Django-shaped database (issue 23): identity keys, a key DEFERRABLE INITIALLY
DEFERRED with a hashed name, a varchar_pattern_ops `_like` index beside the plain one. Nothing is
lost; generate --verify passes (the deferred key is checked at once inside the savepoints); the
round trip gives the original's fingerprint and diff --from-database plans nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest

from tests.importing.adopt.helpers import HERE, assert_round_trip, imported_whole, run_cli, servers

pytestmark = pytest.mark.integration

SQL = (HERE / "django_style.sql").read_text()


async def test_a_django_database_is_adopted_whole(
    db: asyncpg.Connection, fresh_database_url: str, scratch: asyncpg.Connection, postgres_server_url: str,
    tmp_path: Path,
) -> None:
    files = await imported_whole(db, SQL, fresh_database_url, tmp_path / "schemas")
    assert "      deferrable: deferred\n" in files["blog-post.yaml"]
    assert "  opclass:\n    slug: varchar_pattern_ops\n" in files["blog-post.yaml"]
    assert "  id:\n    type: bigint\n    required: true\n    identity: by default\n" in files["blog-author.yaml"]

    env = servers(postgres_server_url)
    await assert_round_trip(db, scratch, fresh_database_url, tmp_path, env)
    verified = await asyncio.to_thread(run_cli, tmp_path, "generate", "--verify", "--rows", "50",
                                       "--now", "2025-12-05T10:30:00Z", env=env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "ok   Delete behaviour" in verified.stdout and "ok   Constraints" in verified.stdout
