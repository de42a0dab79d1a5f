"""Fixtures for the service: a NATS server per test, the service in-process or as agent processes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import nats
import pytest
import pytest_asyncio
from nats.aio.client import Client

from agent.bus.consumer import ConsumerSettings
from agent.bus.contract import RESULTS, BusSettings, result_subject
from agent.service import Service, ServiceUrls
from tests.bus.servers import NatsServer

REPO = Path(__file__).resolve().parents[2]
FAST = BusSettings(ack_wait_s=3, max_deliver=4, duplicate_window_s=2, outage_tolerance_s=3)


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[NatsServer]:
    server = NatsServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def urls(nats_server: NatsServer, fresh_database_url: str, postgres_server_url: str) -> ServiceUrls:
    return ServiceUrls(nats_server.url, fresh_database_url, postgres_server_url)


def cli(nats_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The command line as an operator runs it, against the NATS server of the test."""
    environment = {**os.environ, "NATS_URL": nats_url, "AGENT_LOG_FORMAT": "json"}
    return subprocess.run([sys.executable, "-m", "agent", *args], cwd=REPO, env=environment, capture_output=True,
                          text=True, timeout=180)


@pytest_asyncio.fixture(loop_scope="session")
async def client(nats_server: NatsServer) -> AsyncIterator[Client]:
    connection = await nats.connect(nats_server.url, max_reconnect_attempts=-1, reconnect_time_wait=0.2)
    yield connection
    await connection.close()


@contextlib.asynccontextmanager
async def serving(urls: ServiceUrls, log: Path, bus: BusSettings = FAST, apply_targets: dict[str, str] | None = None,
                  **settings: Any) -> AsyncIterator[Service]:
    """The service in this event loop until the block ends (then stopped as on SIGTERM)."""
    stop = asyncio.Event()
    service = Service(urls, bus, ConsumerSettings(activity_log=log, owner="test-agent", fetch_timeout_s=0.5,
                                                  **settings), apply_targets)
    task = asyncio.create_task(service.run(stop))
    await _until(lambda: service._consumer is not None or task.done(), 30)
    if task.done():
        task.result()
    try:
        yield service
    finally:
        stop.set()
        await asyncio.wait_for(task, 60)


async def _until(condition: Any, timeout: float) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not reached")
        await asyncio.sleep(0.05)


async def results_of(client: Client, job_id: str, count: int = 1, timeout: float = 60) -> list[dict[str, Any]]:
    """The first `count` results published for a job, waiting for them."""
    js = client.jetstream()
    subscription = await js.subscribe(result_subject(job_id), stream=RESULTS, ordered_consumer=True)
    try:
        found = []
        for _ in range(count):
            message = await subscription.next_msg(timeout=timeout)
            found.append(json.loads(message.data))
        return found
    finally:
        await subscription.unsubscribe()


async def all_results(client: Client) -> list[dict[str, Any]]:
    """Every job result on the results stream (review requests left out)."""
    js = client.jetstream()
    state = (await js.stream_info(RESULTS)).state
    found: list[dict[str, Any]] = []
    if state.messages == 0:
        return found  # an empty stream reports sequence 0, which get_msg refuses
    for sequence in range(state.first_seq, state.last_seq + 1):
        message = await js.get_msg(RESULTS, sequence)
        if message.subject and message.subject.startswith("results.database-migration.") and message.data:
            found.append(json.loads(message.data))
    return found


def agent_process(urls: ServiceUrls, data_dir: Path, log: Path, *args: str) -> subprocess.Popen[bytes]:
    """`migration-agent serve` as its own OS process (stdout: JSON log lines)."""
    environment = {**os.environ, "NATS_URL": urls.nats, "DATABASE_URL": urls.postgres,
                   "SCRATCH_DATABASE_URL": urls.scratch, "AGENT_DATA_DIR": str(data_dir), "AGENT_LOG_FORMAT": "json"}
    return subprocess.Popen(
        [sys.executable, "-m", "agent", "serve", "--activity-log", str(log), "--ack-wait", "3",
         "--duplicate-window", "2", *args],
        cwd=REPO, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


async def wait_for_line(process: subprocess.Popen[bytes], event: str, timeout: float = 60) -> list[str]:
    """Read the process's log lines until one has `event`; returns the lines read."""
    assert process.stdout is not None
    lines: list[str] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        line = await asyncio.wait_for(loop.run_in_executor(None, process.stdout.readline), deadline - loop.time())
        if not line:
            raise AssertionError(f"agent exited before {event!r}:\n" + "".join(lines))
        lines.append(line.decode())
        if f'"event": "{event}"' in lines[-1]:
            return lines
    raise TimeoutError(event)


async def claim_owner(memory_url: str, job_id: str, timeout: float = 60) -> str:
    """Wait until some agent has started the job; returns the owner of its lease."""
    connection = await asyncpg.connect(memory_url)
    try:
        for _ in range(int(timeout / 0.05)):
            owner = await connection.fetchval(
                "SELECT content ->> 'owner' FROM agent_memory.memories WHERE kind = 'job' AND key = $1 "
                "AND content ->> 'state' = 'running'", job_id)
            if owner:
                return str(owner)
            await asyncio.sleep(0.05)
    finally:
        await connection.close()
    raise TimeoutError(f"no agent started {job_id}")
