"""Agent processes sharing one durable consumer, killed, stopped, and outliving a PostgreSQL restart."""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from nats.aio.client import Client

from agent import embedded
from agent.bus.contract import ASSIGNMENTS, CONSUMER, BusSettings
from agent.service import ServiceUrls
from tests.bus.conftest import agent_process, all_results, claim_owner, results_of, serving, wait_for_line
from tests.bus.jobs import job, publish
from tests.bus.servers import NatsServer

pytestmark = pytest.mark.integration


def _stop(process: subprocess.Popen[bytes]) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    return output.decode()


async def _both_pulling(client: Client) -> None:
    """Both processes have a pull request waiting, so the first jobs are not all one's."""
    for _ in range(200):
        if (await client.jetstream().consumer_info(ASSIGNMENTS, CONSUMER)).num_waiting >= 2:
            return
        await asyncio.sleep(0.05)


async def test_two_agent_processes_share_fifty_jobs_each_answered_once(
        client: Client, urls: ServiceUrls, tmp_path: Path) -> None:
    agents = [agent_process(urls, tmp_path / f"data{i}", tmp_path / "activity.md") for i in range(2)]
    try:
        for agent in agents:
            await wait_for_line(agent, "agent serving")
        await _both_pulling(client)
        ids = [f"share-{i:02d}" for i in range(50)]
        for job_id in ids:
            await publish(client, job(job_id, kind="lint", payload={"a.sql": "CREATE INDEX i ON t (c);"}), "lint",
                          msg_id=job_id)
        for _ in range(600):
            if len(await all_results(client)) >= 50:
                break
            await asyncio.sleep(0.1)
    finally:
        outputs = [_stop(agent) for agent in agents]
    results = await all_results(client)
    assert Counter(r["job_id"] for r in results) == Counter(ids)
    assert {r["status"] for r in results} == {"failed"}  # the lint finding: a non-concurrent index
    assert all(r["lint"][0]["code"] for r in results)
    answered = [output.count('"event": "job answered"') for output in outputs]
    assert sum(answered) == 50 and min(answered) > 0, answered
    events = [json.loads(line) for output in outputs for line in output.splitlines() if '"job answered"' in line]
    assert sorted(e["job_id"] for e in events) == ids  # the job id is bound to the job's events


async def test_a_job_of_a_killed_agent_is_redelivered_and_completes_exactly_once(
        client: Client, urls: ServiceUrls, tmp_path: Path) -> None:
    first = agent_process(urls, tmp_path / "a", tmp_path / "activity.md")
    await wait_for_line(first, "agent serving")
    await publish(client, job("killed", rows=20_000), msg_id="killed")
    owner = await claim_owner(urls.postgres, "killed")
    assert owner.endswith(f":{first.pid}")
    first.kill()
    first.wait(10)
    second = agent_process(urls, tmp_path / "b", tmp_path / "activity.md")
    try:
        (result,) = await results_of(client, "killed", timeout=120)
        await asyncio.sleep(1)
    finally:
        _stop(second)
    assert result["status"] == "succeeded", result["error"]
    assert result["deliveries"] >= 2
    assert [r["job_id"] for r in await all_results(client)] == ["killed"]


async def test_sigterm_lets_the_job_in_flight_finish_then_exits_0(
        client: Client, urls: ServiceUrls, tmp_path: Path) -> None:
    agent = agent_process(urls, tmp_path / "a", tmp_path / "activity.md")
    await wait_for_line(agent, "agent serving")
    await publish(client, job("graceful", rows=5_000), msg_id="graceful")
    await claim_owner(urls.postgres, "graceful")
    agent.send_signal(signal.SIGTERM)
    output, _ = agent.communicate(timeout=120)
    assert agent.returncode == 0, output.decode()[-2000:]
    (result,) = await results_of(client, "graceful", timeout=5)
    assert result["status"] == "succeeded"
    assert '"event": "agent stopped"' in output.decode()


@pytest.fixture
def own_postgres() -> Iterator[tuple[Path, str]]:
    """A PostgreSQL of this test's own, to stop and start under the agent."""
    directory = Path(tempfile.mkdtemp(prefix="agent-pg-restart-"))
    directory.chmod(0o755)
    (info,) = embedded.start(directory, (embedded.POSTGRES,), durable=False)
    yield directory, info.url
    embedded.stop(directory)
    shutil.rmtree(directory, ignore_errors=True)


async def test_postgres_restarted_during_a_job_the_job_is_retried_and_succeeds(
        client: Client, nats_server: NatsServer, own_postgres: tuple[Path, str], tmp_path: Path) -> None:
    directory, url = own_postgres
    urls = ServiceUrls(nats_server.url, url, url)
    patient = BusSettings(ack_wait_s=3, max_deliver=20, duplicate_window_s=2)
    async with serving(urls, tmp_path / "activity.md", bus=patient):
        await publish(client, job("restart", rows=20_000), msg_id="restart")
        await claim_owner(url, "restart")
        await asyncio.sleep(0.3)
        await asyncio.to_thread(embedded.stop, directory)
        await asyncio.sleep(1)
        await asyncio.to_thread(embedded.start, directory, (embedded.POSTGRES,), durable=False)
        (result,) = await results_of(client, "restart", timeout=180)
    assert result["status"] == "succeeded", result["error"]
    assert result["deliveries"] >= 2
    assert [r["job_id"] for r in await all_results(client)] == ["restart"]
