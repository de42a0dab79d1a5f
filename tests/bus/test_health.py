"""`migration-agent health`, the container health check: exit 0 only when NATS, the agent's consumer
and PostgreSQL answer; 1 (Docker's "unhealthy") naming what does not."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agent.service import ServiceUrls
from tests.bus.conftest import REPO, serving
from tests.bus.servers import NatsServer, free_port

pytestmark = pytest.mark.integration


def _health(tmp_path: Path, **urls: str) -> tuple[int, dict[str, Any]]:
    environment = {**os.environ, **urls, "AGENT_DATA_DIR": str(tmp_path / "data"), "AGENT_LOG_FORMAT": "json"}
    run = subprocess.run([sys.executable, "-m", "agent", "health", "--json", "--timeout", "3"], cwd=REPO,
                         env=environment, capture_output=True, text=True, timeout=60)
    return run.returncode, json.loads(run.stdout)


def _failed(report: dict[str, Any]) -> dict[str, str]:
    return {c["name"]: c["detail"] for c in report["checks"] if not c["ok"]}


async def test_healthy_once_an_agent_serves(nats_server: NatsServer, fresh_database_url: str,
                                            postgres_server_url: str, tmp_path: Path) -> None:
    urls = {"NATS_URL": nats_server.url, "DATABASE_URL": fresh_database_url,
            "SCRATCH_DATABASE_URL": postgres_server_url}
    code, before = await asyncio.to_thread(_health, tmp_path, **urls)
    assert code == 1 and set(_failed(before)) == {"consumer"}, before
    assert "no agent has served here yet" in _failed(before)["consumer"]
    async with serving(ServiceUrls(nats_server.url, fresh_database_url, postgres_server_url), tmp_path / "log.md"):
        code, report = await asyncio.to_thread(_health, tmp_path, **urls)
    assert code == 0 and report["healthy"], report
    assert [c["name"] for c in report["checks"]] == ["nats", "consumer", "postgres", "scratch"]


def test_unhealthy_names_each_server_that_does_not_answer(tmp_path: Path) -> None:
    down = free_port()
    code, report = _health(tmp_path, NATS_URL=f"nats://127.0.0.1:{down}",
                           DATABASE_URL=f"postgresql://agent:secret@127.0.0.1:{down}/agent")
    assert code == 1 and not report["healthy"]
    assert set(_failed(report)) == {"nats", "postgres"}
    assert "secret" not in json.dumps(report)
