"""Adopting a TypeORM-shaped database (issue 23): hashed PK_/FK_/UQ_/REL_/IDX_ names, an enum type
named <table>_<column>_enum, unbounded `character varying`, TIMESTAMP columns, a serial key. Nothing
is lost; the round trip gives the original's fingerprint and diff --from-database plans nothing."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from tests.importing.adopt.helpers import HERE, assert_round_trip, imported_whole, servers

pytestmark = pytest.mark.integration

SQL = (HERE / "typeorm_style.sql").read_text()


async def test_a_typeorm_database_is_adopted_whole(
    db: asyncpg.Connection, fresh_database_url: str, scratch: asyncpg.Connection, postgres_server_url: str,
    tmp_path: Path,
) -> None:
    files = await imported_whole(db, SQL, fresh_database_url, tmp_path / "schemas")
    assert "  name:\n    type: string\n    varchar: true\n    required: true\n" in files["account.yaml"]
    assert "    native: account_plan_enum\n" in files["account.yaml"]
    assert "- name: UQ_414d4052f22837655ff312168cb\n  unique:\n  - name\n" in files["account.yaml"]
    await assert_round_trip(db, scratch, fresh_database_url, tmp_path, servers(postgres_server_url))
