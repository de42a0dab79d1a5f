"""`migration-agent import` on a real database: files, determinism, refusal to overwrite."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest
from click.testing import CliRunner, Result

from agent.commands.import_schema import import_command
from agent.exit_codes import ExitCode
from agent.schema import load_schema_dir
from tests.generate.helpers import examples, generate
from tests.generate.test_apply import apply_up
from tests.importing.helpers import comparable, differences

pytestmark = pytest.mark.integration


async def invoke(*args: str) -> Result:
    """The command runs its own event loop, so it runs in a thread of its own."""
    return await asyncio.to_thread(CliRunner().invoke, import_command, list(args))


async def test_import_writes_files_that_load_to_the_examples(
    db: asyncpg.Connection, fresh_database_url: str, tmp_path: Path
) -> None:
    await apply_up(db, generate(examples()))
    result = await invoke("--database-url", fresh_database_url, "-o", str(tmp_path / "schemas"))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert names == ["lots.yaml", "project.yaml", "storage-locations.yaml"]
    loaded = load_schema_dir(tmp_path / "schemas")
    assert differences(comparable(loaded.schema), comparable(examples().schema)) == []


async def test_same_database_gives_byte_identical_files(
    db: asyncpg.Connection, fresh_database_url: str, tmp_path: Path
) -> None:
    await apply_up(db, generate(examples()))
    first = await invoke("--database-url", fresh_database_url, "-o", str(tmp_path / "a"))
    second = await invoke("--database-url", fresh_database_url, "-o", str(tmp_path / "b"))
    assert first.exit_code == second.exit_code == 0
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.startswith(".")]


async def test_existing_files_are_refused_without_force(
    db: asyncpg.Connection, fresh_database_url: str, tmp_path: Path
) -> None:
    await apply_up(db, generate(examples()))
    target = tmp_path / "schemas"
    target.mkdir()
    (target / "lots.yaml").write_text("# mine\n")
    refused = await invoke("--database-url", fresh_database_url, "-o", str(target))
    assert refused.exit_code == ExitCode.BAD_INPUT
    assert "lots.yaml" in refused.output and "--force" in refused.output
    assert sorted(p.name for p in target.iterdir()) == ["lots.yaml"]
    assert (target / "lots.yaml").read_text() == "# mine\n"
    forced = await invoke("--database-url", fresh_database_url, "-o", str(target), "--force")
    assert forced.exit_code == 0, forced.output
    assert (target / "lots.yaml").read_text().startswith("version: 1\n")


async def test_unreachable_database_is_an_infrastructure_failure(tmp_path: Path) -> None:
    result = await invoke("--database-url", "postgresql://nobody@127.0.0.1:1/none", "-o", str(tmp_path))
    assert result.exit_code == ExitCode.INFRASTRUCTURE
    assert "cannot reach the database" in result.output


async def test_unknown_schema_is_bad_input(fresh_database_url: str, tmp_path: Path) -> None:
    result = await invoke("--database-url", fresh_database_url, "-o", str(tmp_path), "--schema", "nope")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "nope" in result.output
