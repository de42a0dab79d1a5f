"""Connecting to NATS with errors as one log line, not nats-py's default traceback on stderr."""

from __future__ import annotations

from typing import Any

import nats
from nats.aio.client import Client

from agent.structured_logging import get_logger

__all__ = ["connect", "server_urls"]

log = get_logger("agent.bus")


async def _log_error(error: Exception) -> None:
    log.warning("nats error", error=f"{type(error).__name__}: {error}")


def server_urls(url: str) -> list[str]:
    """NATS_URL's servers: one URL, or a cluster's several separated by commas."""
    return [part.strip() for part in url.split(",") if part.strip()]


async def connect(url: str, **options: Any) -> Client:
    return await nats.connect(server_urls(url), error_cb=_log_error, **options)
