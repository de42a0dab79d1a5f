"""`migration-agent health`: do the servers a serving agent needs answer? For container health checks.

Exit 0 when every check passes, 1 otherwise (Docker reads any other code as "reserved"). It never
starts a server: with a URL unset it checks the embedded server the data directory runs, if any.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from urllib.parse import urlsplit

import asyncpg
import click
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from rich.text import Text

from agent import embedded
from agent.bus.connection import connect, server_urls
from agent.bus.contract import ASSIGNMENTS, CONSUMER
from agent.commands.common import json_option, out, run_async, settings
from agent.commands.style import FAILED, PASSED
from agent.config import Settings
from agent.verify.pool import scratch_urls

__all__ = ["Check", "health_command", "run_checks"]


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@click.command("health")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=5, show_default=True,
              help="Seconds each check may take.")
@json_option
def health_command(timeout: float, as_json: bool) -> None:
    """Check that NATS answers, the agent's consumer exists and PostgreSQL (the memory store, and the
    scratch server when it is another) accepts a query. Exit 0 healthy, 1 not."""
    checks = run_async(run_checks(settings(), timeout))
    if as_json:
        out.print_json(data={"healthy": all(c.ok for c in checks),
                             "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in checks]})
    else:
        for check in checks:
            verdict = ("ok", PASSED) if check.ok else ("FAILED", FAILED)
            out.print(Text.assemble(f"{check.name:<9} ", verdict, f"  {check.detail}"))
    click.get_current_context().exit(0 if all(c.ok for c in checks) else 1)


async def run_checks(config: Settings, timeout: float) -> list[Check]:
    urls = _urls(config)
    checks = await _nats_checks(urls.get("nats"), timeout)
    for name, url in urls.items():
        if name != "nats":
            checks.append(await _checked(name, _postgres(url, timeout), timeout))
    return checks


def _urls(config: Settings) -> dict[str, str | None]:
    """The configured URLs; for one unset, the embedded server's (None when none runs). Scratch
    servers other than the memory store's are named `scratch`, or `scratch 1`, `scratch 2` in a pool."""
    running = {} if config.nats_url and config.database_url else {
        info.name: info.url for info in embedded.running(config.data_dir)}
    urls: dict[str, str | None] = {"nats": config.nats_url or running.get(embedded.NATS),
                                   "postgres": config.database_url or running.get(embedded.POSTGRES)}
    scratch = [url for url in scratch_urls(config.scratch_database_url or "") if url != urls["postgres"]]
    for number, url in enumerate(scratch, 1):
        urls["scratch" if len(scratch) == 1 else f"scratch {number}"] = url
    return urls


async def _checked(name: str, probe: Awaitable[str], timeout: float) -> Check:
    try:
        return Check(name, True, await asyncio.wait_for(probe, timeout))
    except TimeoutError:
        return Check(name, False, f"no answer within {timeout:g} s")
    except (OSError, asyncpg.PostgresError, nats.errors.Error, ValueError) as error:
        return Check(name, False, str(error) or type(error).__name__)


async def _postgres(url: str | None, timeout: float) -> str:
    if url is None:
        raise ValueError("not configured (DATABASE_URL) and no embedded PostgreSQL runs")
    connection = await asyncpg.connect(url, timeout=timeout)
    try:
        await connection.fetchval("SELECT 1")
    finally:
        await connection.close()
    return _where(url)


async def _nats_checks(url: str | None, timeout: float) -> list[Check]:
    if url is None:
        return [Check("nats", False, "not configured (NATS_URL) and no embedded NATS runs")]
    try:
        client = await asyncio.wait_for(
            connect(url, connect_timeout=timeout, max_reconnect_attempts=1, reconnect_time_wait=0.1,
                    allow_reconnect=False), timeout)
    except TimeoutError:
        return [Check("nats", False, f"no answer within {timeout:g} s")]
    except (OSError, nats.errors.Error) as error:
        return [Check("nats", False, str(error) or type(error).__name__)]
    try:
        servers = ", ".join(_where(server) for server in server_urls(url))
        return [Check("nats", True, servers), await _checked("consumer", _consumer(client), timeout)]
    finally:
        await client.close()


def _where(url: str) -> str:
    """Host, port and path of a URL; never its user or password."""
    parts = urlsplit(url)
    return parts.netloc.rpartition("@")[2] + parts.path


async def _consumer(client: Client) -> str:
    try:
        info = await client.jetstream().consumer_info(ASSIGNMENTS, CONSUMER)
    except nats.js.errors.NotFoundError:
        raise ValueError(f"no {CONSUMER} consumer on {ASSIGNMENTS}: no agent has served here yet") from None
    return f"{CONSUMER}: {info.num_pending} pending, {info.num_ack_pending} in flight"
