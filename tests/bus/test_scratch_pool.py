"""The service with two scratch servers in SCRATCH_DATABASE_URL: jobs in flight together verify on
different servers, and each job is answered."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from nats.aio.client import Client

from agent.service import ServiceUrls
from tests.bus.conftest import results_of, serving
from tests.bus.jobs import job, publish
from tests.bus.servers import NatsServer

pytestmark = pytest.mark.integration


async def test_jobs_in_flight_together_go_to_different_scratch_servers(
        client: Client, nats_server: NatsServer, fresh_database_url: str, postgres_server_url: str,
        tmp_path: Path) -> None:
    # One server under two names: the pool tells servers apart by URL only.
    other = urlunsplit(urlsplit(postgres_server_url)._replace(
        netloc=urlsplit(postgres_server_url).netloc.replace("127.0.0.1", "localhost")))
    assert other != postgres_server_url
    urls = ServiceUrls(nats_server.url, fresh_database_url, f"{postgres_server_url},{other}")
    async with serving(urls, tmp_path / "activity.md") as service:
        assert service._consumer is not None
        pool = service._consumer.context.scratch_pool
        assert list(pool.in_flight) == [postgres_server_url, other]
        busiest: dict[str, int] = {}

        async def watch() -> None:
            while True:
                for url, count in pool.in_flight.items():
                    busiest[url] = max(busiest.get(url, 0), count)
                await asyncio.sleep(0.01)

        watching = asyncio.create_task(watch())
        for job_id in ("pool-1", "pool-2"):
            await publish(client, job(job_id, rows=2_000), msg_id=job_id)
        answers = [await results_of(client, job_id, timeout=120) for job_id in ("pool-1", "pool-2")]
        watching.cancel()
    assert [result["status"] for (result,) in answers] == ["succeeded", "succeeded"]
    assert busiest == {postgres_server_url: 1, other: 1}  # two jobs at once: one on each server
