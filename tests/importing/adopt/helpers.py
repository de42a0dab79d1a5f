"""Adopting databases in tests: the import command, the CLI as a user runs it, the round trip."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
from click.testing import CliRunner, Result

from agent.catalog import Catalog, compare, fingerprint, read_catalog
from agent.commands.import_schema import import_command
from agent.schema import load_schema_dir
from tests.generate.helpers import generate
from tests.generate.test_apply import apply_up

HERE = Path(__file__).parent


async def run_import(url: str, out: Path, *flags: str) -> Result:
    """The command runs its own event loop, so it runs in a thread of its own."""
    return await asyncio.to_thread(CliRunner().invoke, import_command, ["--database-url", url, "-o", str(out), *flags])


async def imported_whole(db: asyncpg.Connection, sql: str, url: str, out: Path) -> dict[str, str]:
    """Build the database from `sql`, import it without --allow-loss, and the files written, by
    name: the import must succeed with nothing listed as lost."""
    await db.execute(sql)
    result = await run_import(url, out)
    assert result.exit_code == 0, result.output
    assert "error:" not in result.output
    return {p.name: p.read_text() for p in sorted(out.iterdir())}


def run_cli(cwd: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agent", *args], cwd=cwd, capture_output=True, text=True,
                          check=False, timeout=300, env={**os.environ, **env})


def servers(postgres_server_url: str) -> dict[str, str]:
    return {"SCRATCH_DATABASE_URL": postgres_server_url, "DATABASE_URL": postgres_server_url}


async def rebuilt(db: asyncpg.Connection, scratch: asyncpg.Connection, schemas: Path) -> tuple[Catalog, Catalog]:
    """(the original's catalog, the catalog the imported YAML builds on an empty database)."""
    await apply_up(scratch, generate(load_schema_dir(schemas)))
    return await read_catalog(db), await read_catalog(scratch)


async def assert_round_trip(db: asyncpg.Connection, scratch: asyncpg.Connection, url: str, project: Path,
                            env: dict[str, str]) -> None:
    """The YAML imported into `project/schemas` builds the original's catalog exactly (the same
    fingerprint) on an empty database, and `diff --from-database` the original plans nothing."""
    original, again = await rebuilt(db, scratch, project / "schemas")
    assert compare(original, again) == []
    assert fingerprint(original) == fingerprint(again)
    planned = await asyncio.to_thread(run_cli, project, "diff", "--from-database", url, "--dry-run", env=env)
    assert planned.returncode == 0, planned.stderr
    assert "Nothing to generate" in planned.stdout, planned.stdout


async def round_tripped_as_written(db: asyncpg.Connection, scratch: asyncpg.Connection, sql: str, url: str,
                                   project: Path, env: dict[str, str], name: str, expected: list[str]) -> None:
    """`imported_whole` into `project/schemas`, each of `expected` in the file `name` written, and
    `assert_round_trip`."""
    files = await imported_whole(db, sql, url, project / "schemas")
    assert [text for text in expected if text not in files[name]] == [], files[name]
    await assert_round_trip(db, scratch, url, project, env)


async def generated_verified(project: Path, postgres_server_url: str, rows: int = 20) -> str:
    """`generate --verify` in `project`, as a user runs it: it must pass; what it printed."""
    generated = await asyncio.to_thread(run_cli, project, "generate", "--verify", "--rows", str(rows),
                                        "--now", "2025-12-05T10:30:00Z", env=servers(postgres_server_url))
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "Verification passed" in generated.stdout
    return generated.stdout
