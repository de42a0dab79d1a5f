"""Nothing leaks on a crash: what a killed process left is swept, a live process's databases stay."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from agent.lint.trace import SCRATCH_PREFIX
from agent.schema.literals import quote_ident
from agent.service import Service, ServiceUrls
from agent.verify.scratch import OWNER_PREFIX, PREFIX, Origin, sweep_stale_scratch
from tests.security.admin import admin_value, as_admin

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


async def leave_behind(server: str, origin: Origin) -> str:
    """A scratch database and its owner role as `origin` would have made them."""
    suffix = origin.suffix()
    owner = quote_ident(OWNER_PREFIX + suffix)
    await as_admin(server, f"CREATE ROLE {owner} LOGIN",
                   f"CREATE DATABASE {quote_ident(PREFIX + suffix)} OWNER {owner}")
    return suffix


async def existing(server: str, suffix: str) -> tuple[bool, bool]:
    database = await admin_value(server, "SELECT 1 FROM pg_database WHERE datname = $1", PREFIX + suffix)
    role = await admin_value(server, "SELECT 1 FROM pg_roles WHERE rolname = $1", OWNER_PREFIX + suffix)
    return bool(database), bool(role)


async def test_a_dead_process_loses_its_databases_a_live_one_keeps_them(postgres_server_url: str) -> None:
    here = Origin.here()
    dead = await leave_behind(postgres_server_url, dataclasses.replace(here, pid=dead_pid()))
    live = await leave_behind(postgres_server_url, here)
    swept = await sweep_stale_scratch(postgres_server_url)
    assert {PREFIX + dead, OWNER_PREFIX + dead} <= set(swept)
    assert await existing(postgres_server_url, dead) == (False, False)
    assert await existing(postgres_server_url, live) == (True, True)
    await leave_behind_cleanup(postgres_server_url, live)


async def test_a_reused_pid_does_not_keep_an_older_database(postgres_server_url: str) -> None:
    """Our own pid, but the database is older than this process: its creator is gone."""
    older = dataclasses.replace(Origin.here(), started=int(time.time()) - 10 * 86_400)
    suffix = await leave_behind(postgres_server_url, older)
    await sweep_stale_scratch(postgres_server_url)
    assert await existing(postgres_server_url, suffix) == (False, False)


async def test_another_hosts_database_goes_only_once_old(postgres_server_url: str) -> None:
    elsewhere = dataclasses.replace(Origin.here(), host="0badc0de", pid=1)
    young = await leave_behind(postgres_server_url, elsewhere)
    old = await leave_behind(postgres_server_url, dataclasses.replace(elsewhere, started=int(time.time()) - 7200))
    await sweep_stale_scratch(postgres_server_url, max_age_s=3600)
    assert await existing(postgres_server_url, young) == (True, True)
    assert await existing(postgres_server_url, old) == (False, False)
    await leave_behind_cleanup(postgres_server_url, young)


async def test_an_owner_role_without_its_database_goes_only_long_after(postgres_server_url: str) -> None:
    """Another job granting the owner something in its own database keeps the role when this
    job's database is dropped; the sweep takes it once that grant is gone, even while the process
    (here: of another host, younger than the age limit) may still run."""
    elsewhere = dataclasses.replace(Origin.here(), host="0badc0de", pid=1)
    young, old = elsewhere.suffix(), dataclasses.replace(elsewhere, started=elsewhere.started - 3600).suffix()
    await as_admin(postgres_server_url, *(f"CREATE ROLE {quote_ident(OWNER_PREFIX + s)} LOGIN" for s in (young, old)))
    swept = await sweep_stale_scratch(postgres_server_url)
    assert OWNER_PREFIX + old in swept and OWNER_PREFIX + young not in swept
    assert await existing(postgres_server_url, young) == (False, True)
    await as_admin(postgres_server_url, f"DROP ROLE {quote_ident(OWNER_PREFIX + young)}")


async def test_an_unnamed_scratch_database_of_an_earlier_version_goes_once_nobody_uses_it(
        postgres_server_url: str) -> None:
    """Before names carried their process, `scratch_<12 hex>` was all; one without sessions is left over."""
    await as_admin(postgres_server_url, "CREATE DATABASE scratch_0123456789ab")
    assert "scratch_0123456789ab" in await sweep_stale_scratch(postgres_server_url)


async def test_a_lint_trace_database_of_a_dead_process_is_swept(postgres_server_url: str) -> None:
    name = f"{SCRATCH_PREFIX}{dataclasses.replace(Origin.here(), pid=dead_pid()).suffix()}"
    await as_admin(postgres_server_url, f"CREATE DATABASE {quote_ident(name)}")
    assert name in await sweep_stale_scratch(postgres_server_url)


def test_a_name_tells_its_origin() -> None:
    here = Origin.here()
    assert Origin.of(here.suffix()) == here
    assert Origin.of("lint_0123456789ab") is None and Origin.of("0123456789ab") is None


async def test_a_role_left_without_its_database_is_swept(postgres_server_url: str) -> None:
    suffix = dataclasses.replace(Origin.here(), pid=dead_pid()).suffix()
    await as_admin(postgres_server_url, f"CREATE ROLE {quote_ident(OWNER_PREFIX + suffix)} LOGIN")
    assert OWNER_PREFIX + suffix in await sweep_stale_scratch(postgres_server_url)
    assert await existing(postgres_server_url, suffix) == (False, False)


async def leave_behind_cleanup(server: str, suffix: str) -> None:
    await as_admin(server, f"DROP DATABASE {quote_ident(PREFIX + suffix)} WITH (FORCE)",
                   f"DROP ROLE {quote_ident(OWNER_PREFIX + suffix)}")


HOLDER = textwrap.dedent("""
    import asyncio, sys
    from agent.verify.scratch import ScratchProvider

    async def main():
        provider = ScratchProvider(sys.argv[1])
        async with provider.database() as url:
            connection = await provider.connect(url)
            print(await connection.fetchval("SELECT current_database()"), flush=True)
            await connection.execute("SELECT pg_sleep(600)")

    asyncio.run(main())
""")


async def test_kill_9_mid_verification_leaves_nothing_after_a_sweep(postgres_server_url: str) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, postgres_server_url], stdout=subprocess.PIPE,
                              text=True, cwd=REPO)
    try:
        assert holder.stdout is not None
        name = holder.stdout.readline().strip()
        assert name.startswith(PREFIX)
        swept = await sweep_stale_scratch(postgres_server_url)
        assert name not in swept, "a live process's database was swept"
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    suffix = name.removeprefix(PREFIX)
    assert await existing(postgres_server_url, suffix) == (True, True)
    swept = await sweep_stale_scratch(postgres_server_url)
    assert {name, OWNER_PREFIX + suffix} <= set(swept)
    assert await existing(postgres_server_url, suffix) == (False, False)


def verify_command(server: str, folder: Path, up: str, down: str,
                   **environment: str) -> subprocess.CompletedProcess[str]:
    """`migration-agent verify` of one hand-written migration, in a process of its own."""
    (folder / "20260101000000_t.sql").write_text(up)
    (folder / "20260101000000_t_down.sql").write_text(down)
    environment = {**os.environ, "SCRATCH_DATABASE_URL": server, "AGENT_DATA_DIR": str(folder / "data"),
                   **environment}
    return subprocess.run([sys.executable, "-m", "agent", "verify", "--dir", str(folder)], env=environment, cwd=REPO,
                          capture_output=True, text=True, timeout=120)


async def test_the_verify_command_sweeps_first(postgres_server_url: str, tmp_path: Path) -> None:
    left = await leave_behind(postgres_server_url, dataclasses.replace(Origin.here(), pid=dead_pid()))
    done = verify_command(postgres_server_url, tmp_path, "CREATE TABLE t (id int);\n", "DROP TABLE t;\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert await existing(postgres_server_url, left) == (False, False)


async def test_the_statement_timeout_is_configured(postgres_server_url: str, tmp_path: Path) -> None:
    started = time.monotonic()
    done = verify_command(postgres_server_url, tmp_path, "SELECT pg_sleep(60);\n", "SELECT 1;\n",
                          SCRATCH_STATEMENT_TIMEOUT="1.5")
    assert done.returncode == 1, done.stdout + done.stderr
    assert time.monotonic() - started < 40
    assert "canceling statement due to statement timeout: the statement on line 1 (SELECT pg_sleep(60))" in \
        " ".join(done.stdout.split())


async def test_the_service_sweeps_when_it_starts(postgres_server_url: str) -> None:
    left = await leave_behind(postgres_server_url, dataclasses.replace(Origin.here(), pid=dead_pid()))
    service = Service(ServiceUrls("nats://127.0.0.1:1", "postgresql://nobody@127.0.0.1:1/none", postgres_server_url))
    stop = asyncio.Event()
    maintenance = asyncio.create_task(service._maintain(stop))
    try:
        for _ in range(100):
            if await existing(postgres_server_url, left) == (False, False):
                break
            await asyncio.sleep(0.1)
    finally:
        stop.set()
        await asyncio.wait_for(maintenance, 30)
    assert await existing(postgres_server_url, left) == (False, False)
