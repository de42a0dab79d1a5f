"""The embedded servers are real: PostgreSQL stores a table, JetStream stores a message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest
from nats.js import JetStreamContext

from agent import embedded

pytestmark = pytest.mark.integration


async def test_postgres_creates_and_reads_a_table(db: asyncpg.Connection) -> None:
    await db.execute("CREATE TABLE probe (id int PRIMARY KEY, label text NOT NULL)")
    await db.execute("INSERT INTO probe VALUES (1, 'stored')")
    assert await db.fetchval("SELECT label FROM probe WHERE id = 1") == "stored"
    assert await db.fetchval("SHOW server_version_num") >= "150000"


async def test_each_test_gets_a_fresh_database(db: asyncpg.Connection) -> None:
    assert await db.fetchval("SELECT to_regclass('probe')") is None


async def test_jetstream_publishes_and_consumes(jetstream: JetStreamContext) -> None:
    stream = f"PROBE_{uuid.uuid4().hex[:8]}"
    await jetstream.add_stream(name=stream, subjects=[f"{stream.lower()}.>"])
    ack = await jetstream.publish(f"{stream.lower()}.one", b'{"n": 1}')
    assert ack.stream == stream
    subscription = await jetstream.pull_subscribe(f"{stream.lower()}.>", durable="probe")
    (message,) = await subscription.fetch(1, timeout=5)
    assert json.loads(message.data) == {"n": 1}
    await message.ack()
    await jetstream.delete_stream(stream)


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "NATS_URL")}
    return subprocess.run(
        [sys.executable, "-m", "agent", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_servers_start_reuse_status_stop(tmp_path_factory: pytest.TempPathFactory) -> None:
    data_dir = Path(tmp_path_factory.mktemp("cli-servers"))
    first = _cli(data_dir, "servers", "start", "--json")
    assert first.returncode == 0, first.stderr
    started = {s["name"]: s for s in json.loads(first.stdout)}
    assert started["postgres"]["url"].startswith("postgresql://postgres@127.0.0.1:")
    assert started["nats"]["url"].startswith("nats://127.0.0.1:")

    again = _cli(data_dir, "servers", "start", "--json")
    assert {s["name"]: s["pid"] for s in json.loads(again.stdout)} == {
        name: s["pid"] for name, s in started.items()
    }
    status = _cli(data_dir, "servers", "status")
    assert status.returncode == 0
    assert started["postgres"]["url"] in status.stdout

    stopped = _cli(data_dir, "servers", "stop")
    assert stopped.returncode == 0
    for server in started.values():
        assert not embedded._pid_alive(server["pid"])
    after = _cli(data_dir, "servers", "status")
    assert after.returncode == 3
    assert "postgres  down" in after.stdout


def test_on_demand_server_stops_when_its_last_user_releases(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    info = embedded.acquire(tmp_path, embedded.NATS)
    assert embedded.running(tmp_path)[0].users == (os.getpid(),)
    embedded.release(tmp_path, embedded.NATS)
    assert embedded.running(tmp_path) == []
    assert not embedded._pid_alive(info.pid)


def test_unusable_data_directory_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(embedded.EmbeddedError, match="unusable"):
        embedded.start(blocker / "data")
