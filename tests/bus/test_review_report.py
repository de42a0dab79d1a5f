"""The reviewer's HTML report on the bus (issue 22): stored in bucket migration-artifacts, named with
its size in the result and the review request, and saved by `submit --wait --html`."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from nats.aio.client import Client

from agent.bus.contract import ARTIFACTS_BUCKET, review_subject
from agent.service import ServiceUrls
from tests.bus.conftest import cli, results_of, serving
from tests.bus.jobs import job, publish
from tests.bus.servers import NatsServer

pytestmark = pytest.mark.integration


async def test_a_generate_job_stores_its_report_and_the_review_request_names_it(
        client: Client, urls: ServiceUrls, tmp_path: Path) -> None:
    js = client.jetstream()
    async with serving(urls, tmp_path / "activity.md"):
        review = await js.subscribe(review_subject("rep-1"), ordered_consumer=True)
        assert await publish(client, job("rep-1"), msg_id="rep-1")
        (result,) = await results_of(client, "rep-1")
        request = json.loads((await review.next_msg(timeout=30)).data)
        stored = await (await js.object_store(ARTIFACTS_BUCKET)).get("rep-1/report.html")
    assert result["status"] == "succeeded", result["error"]
    assert "report_html" not in result and "report not stored" not in " ".join(result["warnings"])
    assert result["report_object"] == request["report_object"] == "rep-1/report.html"
    page = (stored.data or b"").decode()
    assert result["report_bytes"] == request["report_bytes"] == len(stored.data or b"") > 20_000
    assert "<h1>Verification passed</h1>" in page and "<script" not in page
    assert 'data-table="lots"' in page and 'data-table="storage_locations"' in page
    assert "20251205103001_create_lots.sql" in page and 'id="lock-trace"' in page
    assert f"report: rep-1/report.html ({result['report_bytes']} bytes)" in (tmp_path / "activity.md").read_text()


async def test_a_job_that_asks_for_no_report_gets_none(client: Client, urls: ServiceUrls, tmp_path: Path) -> None:
    async with serving(urls, tmp_path / "activity.md"):
        assert await publish(client, job("rep-none", report=False), msg_id="rep-none")
        (result,) = await results_of(client, "rep-none")
    assert result["status"] == "succeeded", result["error"]
    assert result["report_object"] is None and result["report_bytes"] is None


async def test_submit_wait_html_saves_the_report(nats_server: NatsServer, urls: ServiceUrls, tmp_path: Path) -> None:
    saved = tmp_path / "review.html"
    async with serving(urls, tmp_path / "activity.md"):
        done = await asyncio.to_thread(cli, nats_server.url, "submit", "generate", "schemas", "--job-id", "rep-cli",
                                       "--option", "now=2025-12-05T10:30:00Z", "--option", "rows=50", "--wait",
                                       "--json", "--html", str(saved))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert saved.stat().st_size == result["report_bytes"]
    assert "<h1>Verification passed</h1>" in saved.read_text()
    assert f"report: {saved}" in done.stderr


def test_submit_html_needs_wait(nats_server: NatsServer, tmp_path: Path) -> None:
    refused = cli(nats_server.url, "submit", "generate", "schemas", "--html", str(tmp_path / "r.html"))
    assert refused.returncode == 2 and "--html needs --wait" in refused.stderr
