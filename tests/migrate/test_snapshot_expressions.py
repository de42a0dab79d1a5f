"""A folder's schema.snapshot.json holds the expressions the planner renders back into SQL (a down
migration adds a dropped check again), so on reading it they meet the rules the YAML met: a
snapshot calling pg_read_file is refused, by the CLI with exit 2 and on the bus as rejected."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from agent.bus.messages import Job, JobRejected
from agent.cli import app
from agent.jobs.handlers import JobContext, run_job
from agent.migrate.snapshot import SNAPSHOT_FILE, SnapshotError, read_snapshot
from tests.generate.helpers import EXAMPLES, REPO

HOSTILE = "pg_read_file('/etc/passwd')::int > 0"


def _hostile_snapshot(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    snapshot = json.loads((REPO / "migrations" / SNAPSHOT_FILE).read_text())
    lots = next(t for t in snapshot["tables"] if t["name"] == "lots")
    lots["checks"][0]["expression"] = HOSTILE
    (folder / SNAPSHOT_FILE).write_text(json.dumps(snapshot))
    return folder


def test_the_repositorys_snapshots_read() -> None:
    for folder in (REPO / "migrations", REPO / "memory" / "migrations"):
        assert read_snapshot(folder).tables


def test_a_snapshot_calling_a_refused_function_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match=r"schema\.snapshot\.json: table lots, check lots_quantity_check: "
                                            r"calls pg_read_file\(\), which reads files on the server"):
        read_snapshot(_hostile_snapshot(tmp_path))


@pytest.mark.integration
async def test_a_generate_job_carrying_such_a_snapshot_is_rejected(tmp_path: Path, fresh_database_url: str) -> None:
    payload = {p.name: p.read_text() for p in EXAMPLES.glob("*.yaml")}
    payload[SNAPSHOT_FILE] = (_hostile_snapshot(tmp_path) / SNAPSHOT_FILE).read_text()
    job = Job(job_id="snapshot-attack", kind="generate", requested_by="tests", payload=payload)
    with pytest.raises(JobRejected) as raised:
        await run_job(job, JobContext(scratch_url=fresh_database_url))
    assert raised.value.error.code == "invalid_input"
    assert "calls pg_read_file()" in raised.value.error.message


def test_generate_refuses_it_with_exit_2(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "schemas")
    _hostile_snapshot(tmp_path / "migrations")
    result = CliRunner().invoke(app, ["generate", str(tmp_path / "schemas"), "--dir", str(tmp_path / "migrations")])
    assert result.exit_code == 2, result.output
    assert "calls pg_read_file()" in result.output
    assert sorted(p.name for p in (tmp_path / "migrations").iterdir()) == [SNAPSHOT_FILE]
