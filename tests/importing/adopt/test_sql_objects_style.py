"""Adopting a database whose own objects carry more than their create statement (issue 23):
functions with settings and comments, a default calling one of them, a sequence named for a
table since renamed and owned by its column, a sequence of its own that a default advances, a
materialized view with indexes and a comment, a view with a comment. Nothing is lost; the round
trip gives the original's fingerprint, diff --from-database plans nothing, generate --verify
passes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest
import yaml

from tests.importing.adopt.helpers import HERE, assert_round_trip, generated_verified, imported_whole, run_cli, servers

pytestmark = pytest.mark.integration

SQL = (HERE / "sql_objects_style.sql").read_text()


async def test_settings_comments_indexes_and_sequences_are_carried(
    db: asyncpg.Connection, fresh_database_url: str, scratch: asyncpg.Connection, postgres_server_url: str,
    tmp_path: Path,
) -> None:
    files = await imported_whole(db, SQL, fresh_database_url, tmp_path / "schemas")
    objects = {o["name"]: o for o in yaml.safe_load(files["project.yaml"])["project"]["sql_objects"]}
    code = objects["random_code"]
    assert "SET search_path TO '$user', 'public', 'pg_temp' SET work_mem TO '8MB'" in code["create"]
    assert code["comment"] == "A random code of the given length; it's not a secret"
    assert objects["packages_id_seq"]["owned_by"] == {"table": "crates", "column": "id"}
    assert objects["Invoice numbers"]["comment"] == "Invoice numbers, ten apart"
    assert objects["recent_downloads"]["indexes"] == [
        "CREATE INDEX recent_downloads_by_downloads ON recent_downloads USING btree (downloads DESC)",
        "CREATE UNIQUE INDEX recent_downloads_crate_id ON recent_downloads USING btree (crate_id)"]
    assert objects["crate_names"]["comment"] == "Only the names"
    assert objects["crates_lower_name"]["comment"] == "Crate names are kept lower case"
    crates = yaml.safe_load(files["crates.yaml"])["properties"]
    assert crates["id"]["default"] == {"sql": "nextval(CAST('packages_id_seq' AS regclass))"}
    assert crates["token"]["default"] == {"sql": "random_code(26)"}
    assert "INCREMENT BY 10" in objects["teams_id_seq"]["create"]
    assert "serial" not in yaml.safe_load(files["teams.yaml"])["properties"]["id"]
    await assert_round_trip(db, scratch, fresh_database_url, tmp_path, servers(postgres_server_url))


async def test_the_adopted_objects_generate_verified_migrations(
    db: asyncpg.Connection, fresh_database_url: str, postgres_server_url: str, tmp_path: Path
) -> None:
    await imported_whole(db, SQL, fresh_database_url, tmp_path / "schemas")
    await generated_verified(tmp_path, postgres_server_url)
    up = "\n".join(p.read_text() for p in sorted((tmp_path / "migrations").glob("*.sql")) if ".down." not in p.name)
    assert up.index("CREATE SEQUENCE packages_id_seq") < up.index("CREATE TABLE crates")
    assert up.index("CREATE TABLE crates") < up.index("ALTER SEQUENCE packages_id_seq OWNED BY crates.id")
    verified = await asyncio.to_thread(run_cli, tmp_path, "verify", "--rows", "20", env=servers(postgres_server_url))
    assert verified.returncode == 0, verified.stdout + verified.stderr
