"""A second empty database for the adopted schemas, beside the `db` the original is built in."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest_asyncio


@pytest_asyncio.fixture(loop_scope="session")
async def scratch(postgres_server_url: str, template_database: str) -> AsyncIterator[asyncpg.Connection]:
    name = f"adopt_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(postgres_server_url)
    await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"')
    connection = await asyncpg.connect(postgres_server_url.rsplit("/", 1)[0] + f"/{name}")
    try:
        yield connection
    finally:
        await connection.close()
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()
