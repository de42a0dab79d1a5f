"""Shared fixtures.

Servers start once per test run, lazily: a run of unit tests alone starts none.
`TEST_DATABASE_URL` / `TEST_NATS_URL` (or `DATABASE_URL` / `NATS_URL`) point the
suite at existing servers instead of embedded ones. Each test that needs a
database gets a fresh one cloned from a template, which is cheap.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import nats
import pytest
import pytest_asyncio
from nats.js import JetStreamContext

from agent import embedded
from tests.property_budget import register_profiles

register_profiles()

TEMPLATE_DB = "agent_test_template"
REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = REPO_ROOT / "schemas"


def _configured(*names: str) -> str | None:
    return next((os.environ[n] for n in names if os.environ.get(n)), None)


@pytest.fixture(scope="session")
def embedded_data_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="agent-test-servers-"))
    path.chmod(0o755)
    yield path
    embedded.stop(path)
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server_url(embedded_data_dir: Path) -> str:
    url = _configured("TEST_DATABASE_URL", "DATABASE_URL")
    if url:
        return url
    (info,) = embedded.start(embedded_data_dir, (embedded.POSTGRES,), durable=False)
    return info.url


@pytest.fixture(scope="session")
def nats_server_url(embedded_data_dir: Path) -> str:
    url = _configured("TEST_NATS_URL", "NATS_URL")
    if url:
        return url
    (info,) = embedded.start(embedded_data_dir, (embedded.NATS,))
    return info.url


def database_url(server_url: str, database: str) -> str:
    base, _, query = server_url.partition("?")
    root = base.rsplit("/", 1)[0]
    return f"{root}/{database}" + (f"?{query}" if query else "")


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def template_database(postgres_server_url: str) -> str:
    """A template with the roles the examples need; each test clones it."""
    admin = await asyncpg.connect(postgres_server_url)
    try:
        await admin.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_user') "
            "THEN CREATE ROLE app_user NOLOGIN; END IF; END $$"
        )
        await admin.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{TEMPLATE_DB}"')
    finally:
        await admin.close()
    return TEMPLATE_DB


@pytest_asyncio.fixture(loop_scope="session")
async def fresh_database_url(postgres_server_url: str, template_database: str) -> AsyncIterator[str]:
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(postgres_server_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"')
        yield database_url(postgres_server_url, name)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest_asyncio.fixture(loop_scope="session")
async def db(fresh_database_url: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(fresh_database_url)
    try:
        yield connection
    finally:
        await connection.close()


@pytest_asyncio.fixture(loop_scope="session")
async def jetstream(nats_server_url: str) -> AsyncIterator[JetStreamContext]:
    client = await nats.connect(nats_server_url)
    try:
        yield client.jetstream()
    finally:
        await client.drain()
