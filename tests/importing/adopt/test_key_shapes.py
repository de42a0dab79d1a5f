"""Adopting tables whose primary key is not one column (issue 23): join tables keyed by both sides,
a counter keyed by (day, thing) under a name of its own, a key of several columns that another
table references, a token table with only unique indexes and an event log with no key at all
(key_shapes.sql). Nothing is lost; the YAML says `primary_key: [..]` or `primary_key: false`;
generate --verify passes, every step of it, the delete behaviour of a key on a table without a
key included; the round trip gives the original's fingerprint and diff --from-database plans
nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest

from tests.importing.adopt.helpers import HERE, assert_round_trip, imported_whole, run_cli, servers

pytestmark = pytest.mark.integration

SQL = (HERE / "key_shapes.sql").read_text()


async def test_tables_keyed_by_several_columns_or_none_are_adopted_whole(
    db: asyncpg.Connection, fresh_database_url: str, scratch: asyncpg.Connection, postgres_server_url: str,
    tmp_path: Path,
) -> None:
    files = await imported_whole(db, SQL, fresh_database_url, tmp_path / "schemas")
    assert "primary_key:\n- crate_id\n- owner_id\n" in files["crate-owners.yaml"]
    assert "primary_key:\n- day\n- crate_id\nprimary_key_name: crate_downloads_pk\n" in files["crate-downloads.yaml"]
    assert "primary_key: false\n" in files["verification-tokens.yaml"]
    assert "primary_key: false\n" in files["audit-events.yaml"]
    assert "primary_key_name" not in files["follows.yaml"]

    env = servers(postgres_server_url)
    await assert_round_trip(db, scratch, fresh_database_url, tmp_path, env)
    verified = await asyncio.to_thread(run_cli, tmp_path, "generate", "--verify", "--rows", "30",
                                       "--now", "2025-12-05T10:30:00Z", env=env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    for step in ("Constraints", "Delete behaviour", "Index use", "Down restores before"):
        assert f"ok   {step}" in verified.stdout, verified.stdout
    assert "Delete behaviour" in verified.stdout and "9/9 checks passed" in verified.stdout
