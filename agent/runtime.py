"""Server URLs for a command: the configured ones, or embedded servers started on demand."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

from agent import embedded
from agent.config import ScratchBackend, Settings
from agent.verify.pool import scratch_urls

__all__ = ["TESTCONTAINERS_EXTRA", "ScratchBackendError", "nats_url", "postgres_url", "scratch_postgres_url"]

TESTCONTAINERS_EXTRA = "testcontainers"


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


class ScratchBackendError(RuntimeError):
    """The configured scratch backend cannot be used; the message says what is missing."""


@contextlib.contextmanager
def scratch_postgres_url(settings: Settings, *, pool: bool = False) -> Iterator[str]:
    """A server on which scratch databases may be created and dropped, by SCRATCH_BACKEND. With
    `pool`, every server SCRATCH_DATABASE_URL lists (for `JobContext`); otherwise its first."""
    if settings.scratch_backend is ScratchBackend.TESTCONTAINERS:
        with _container(settings.scratch_postgres_image) as url:
            yield url
        return
    if settings.scratch_database_url:
        yield settings.scratch_database_url if pool else scratch_urls(settings.scratch_database_url)[0]
        return
    if settings.scratch_backend is ScratchBackend.SERVER:
        raise ScratchBackendError("SCRATCH_BACKEND=server needs SCRATCH_DATABASE_URL")
    with _embedded(settings, embedded.POSTGRES) as url:
        yield url


@contextlib.contextmanager
def _container(image: str) -> Iterator[str]:
    """PostgreSQL in Docker, so migrations are proven on the production major version."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            from testcontainers.postgres import PostgresContainer
    except ImportError:
        raise ScratchBackendError(f"SCRATCH_BACKEND=testcontainers needs the {TESTCONTAINERS_EXTRA!r} extra: "
                                  f"pip install 'migration-agent[{TESTCONTAINERS_EXTRA}]'") from None
    try:
        container = PostgresContainer(image, driver=None)
        container.start()
    except Exception as error:  # docker's client raises many kinds; all mean "no usable Docker"
        raise ScratchBackendError(f"SCRATCH_BACKEND=testcontainers, but Docker is not usable: {error}") from None
    try:
        yield container.get_connection_url()
    finally:
        container.stop()


@contextlib.contextmanager
def nats_url(settings: Settings) -> Iterator[str]:
    if settings.nats_url:
        yield settings.nats_url
        return
    with _embedded(settings, embedded.NATS) as url:
        yield url
