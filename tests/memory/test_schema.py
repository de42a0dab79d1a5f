"""The memory store's own table is written in the schema language and passes the same verification."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.migrate.discovery import discover
from agent.migrate.snapshot import read_snapshot
from agent.schema import load_schema_dir
from agent.verify.apply import MigrationText
from agent.verify.pipeline import run_pipeline

MEMORY = Path(__file__).resolve().parents[2] / "memory"


def test_the_committed_migrations_build_the_yaml() -> None:
    assert read_snapshot(MEMORY / "migrations") == load_schema_dir(MEMORY / "schema").schema


@pytest.mark.integration
async def test_the_memory_schema_passes_the_verification_pipeline(postgres_server_url: str) -> None:
    files = [MigrationText(f.name, f.up_sql, f.down_sql or "") for f in discover(MEMORY / "migrations")]
    report = await run_pipeline(postgres_server_url, files, schema=load_schema_dir(MEMORY / "schema").schema,
                                rows_per_table=200)
    assert [f"{s.name}: {f.message}" for s in report.steps for f in s.failures] == []
    assert report.passed
