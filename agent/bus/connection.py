"""Connecting to NATS with errors as one log line, not nats-py's default traceback on stderr."""

from __future__ import annotations

from typing import Any

import nats
from nats.aio.client import Client

from agent.structured_logging import get_logger

__all__ = ["connect"]

log = get_logger("agent.bus")


async def _log_error(error: Exception) -> None:
    log.warning("nats error", error=f"{type(error).__name__}: {error}")


async def connect(url: str, **options: Any) -> Client:
    return await nats.connect(url, error_cb=_log_error, **options)
