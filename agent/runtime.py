"""Server URLs for a command: the configured ones, or embedded servers started on demand."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from agent import embedded
from agent.config import Settings

__all__ = ["nats_url", "postgres_url", "scratch_postgres_url"]


@contextlib.contextmanager
def _embedded(settings: Settings, name: str) -> Iterator[str]:
    info = embedded.acquire(settings.data_dir, name)
    try:
        yield info.url
    finally:
        embedded.release(settings.data_dir, name)


@contextlib.contextmanager
def postgres_url(settings: Settings) -> Iterator[str]:
    """The agent's own database (memory store); embedded when DATABASE_URL is unset."""
    if settings.database_url:
        yield settings.database_url
        return
    with _embedded(settings, embedded.POSTGRES) as url:
        yield url


@contextlib.contextmanager
def scratch_postgres_url(settings: Settings) -> Iterator[str]:
    """A server on which scratch databases may be created and dropped."""
    if settings.scratch_database_url:
        yield settings.scratch_database_url
        return
    with _embedded(settings, embedded.POSTGRES) as url:
        yield url


@contextlib.contextmanager
def nats_url(settings: Settings) -> Iterator[str]:
    if settings.nats_url:
        yield settings.nats_url
        return
    with _embedded(settings, embedded.NATS) as url:
        yield url
