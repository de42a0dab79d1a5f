"""structlog, configured once per process: JSON lines for machines, readable text on a terminal."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

import structlog

from agent.config import LogFormat

__all__ = ["configure_logging", "get_logger"]

_configured = False


def configure_logging(log_format: LogFormat = LogFormat.AUTO, level: str = "info", *,
                      stream: TextIO | None = None, force: bool = False) -> None:
    """Once per process; `force` re-targets it (the service logs to stdout, commands to stderr)."""
    global _configured
    if _configured and not force:
        return
    stream = stream or sys.stderr
    as_json = log_format == LogFormat.JSON or (
        log_format == LogFormat.AUTO and not stream.isatty()
    )
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer(sort_keys=True)
        if as_json
        else structlog.dev.ConsoleRenderer(colors=stream.isatty())
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping()[level.upper()]
        ),
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=True,
    )
    _configured = True


def get_logger(name: str) -> structlog.typing.FilteringBoundLogger:
    return structlog.get_logger(name)  # type: ignore[no-any-return]
