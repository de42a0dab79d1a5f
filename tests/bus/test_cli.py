"""`submit`, `status` and `logs` as an operator runs them, against a serving agent."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from nats.aio.client import Client

from agent.bus.contract import BusSettings
from agent.service import ServiceUrls
from tests.bus.conftest import cli, serving
from tests.bus.servers import NatsServer

pytestmark = pytest.mark.integration


async def test_submit_waits_for_the_result_and_exits_by_its_status(
        client: Client, nats_server: NatsServer, fresh_database_url: str, postgres_server_url: str,
        tmp_path: Path) -> None:
    urls = ServiceUrls(nats_server.url, fresh_database_url, postgres_server_url)
    bad = tmp_path / "bad.sql"
    bad.write_text("CREATE INDEX i ON t (c);\n")
    log = tmp_path / "activity.md"
    # A long duplicate window: the repeated submit is dropped by the stream, not answered again.
    async with serving(urls, log, bus=BusSettings(ack_wait_s=3, duplicate_window_s=120)):
        good = await asyncio.to_thread(cli, nats_server.url, "submit", "generate", "schemas", "--job-id", "cli-1",
                                       "--option", "now=2025-12-05T10:30:00Z", "--option", "rows=50", "--wait",
                                       "--json")
        linted = await asyncio.to_thread(cli, nats_server.url, "submit", "lint", str(bad), "--wait")
        again = await asyncio.to_thread(cli, nats_server.url, "submit", "generate", "schemas", "--job-id", "cli-1",
                                        "--option", "now=2025-12-05T10:30:00Z", "--option", "rows=50", "--wait",
                                        "--json")
        status = await asyncio.to_thread(cli, nats_server.url, "service", "status", "--json")
    assert good.returncode == 0, good.stderr
    result = json.loads(good.stdout)
    assert result["status"] == "succeeded" and "20251205103001_create_lots.sql" in result["artifacts"]
    assert linted.returncode == 1 and "failed" in linted.stdout
    assert again.returncode == 0 and json.loads(again.stdout) == result  # answered from memory
    report = json.loads(status.stdout)
    assert report["pending"] == 0 and report["in_flight"] == 0
    assert [(r["kind"], r["status"]) for r in report["results"]][:2] == [("lint", "failed"), ("generate", "succeeded")]
    shown = cli(nats_server.url, "logs", "--path", str(log), "-n", "200")
    assert shown.returncode == 0 and "job cli-1 (generate) succeeded" in shown.stdout


def test_submit_refuses_bad_options_before_publishing(nats_server: NatsServer) -> None:
    refused = cli(nats_server.url, "submit", "generate", "schemas", "--option", "rows=many")
    assert refused.returncode == 2 and "rows" in refused.stderr
    unknown = cli(nats_server.url, "submit", "generate", "schemas", "--option", "drop_everything=true")
    assert unknown.returncode == 2 and "drop_everything" in unknown.stderr
    missing = cli(nats_server.url, "logs", "--path", "/nonexistent/log.md")
    assert missing.returncode == 0 and "Nothing logged yet" in missing.stderr  # no log yet is no error


async def test_submit_wait_of_other_content_under_a_taken_id_reports_the_conflict(
        client: Client, nats_server: NatsServer, fresh_database_url: str, postgres_server_url: str,
        tmp_path: Path) -> None:
    urls = ServiceUrls(nats_server.url, fresh_database_url, postgres_server_url)
    first, second = tmp_path / "first.sql", tmp_path / "second.sql"
    first.write_text("SELECT 1;\n")
    second.write_text("DROP TABLE lots;\n")
    async with serving(urls, tmp_path / "activity.md", bus=BusSettings(ack_wait_s=3, duplicate_window_s=120)):
        original = await asyncio.to_thread(cli, nats_server.url, "submit", "lint", str(first), "--job-id", "cli-9",
                                           "--wait", "--json")
        # Inside the duplicate window the stream drops it: submit tells the conflict itself.
        other = await asyncio.to_thread(cli, nats_server.url, "submit", "lint", str(second), "--job-id", "cli-9",
                                        "--wait", "--json")
        again = await asyncio.to_thread(cli, nats_server.url, "submit", "lint", str(first), "--job-id", "cli-9",
                                        "--wait", "--json")
        status = await asyncio.to_thread(cli, nats_server.url, "service", "status", "--json")
    assert original.returncode == 0, original.stderr
    assert other.returncode == 2 and json.loads(other.stdout)["error"]["code"] == "job_id_conflict"
    assert again.returncode == 0 and json.loads(again.stdout) == json.loads(original.stdout)
    assert [r["status"] for r in json.loads(status.stdout)["results"]] == ["succeeded"]
