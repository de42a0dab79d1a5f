"""structlog, configured once per process: JSON lines for machines, readable text on a terminal."""

from __future__ import annotations

import logging
import sys

import structlog

from agent.config import LogFormat

__all__ = ["configure_logging", "get_logger"]

_configured = False


def configure_logging(log_format: LogFormat = LogFormat.AUTO, level: str = "info") -> None:
    global _configured
    if _configured:
        return
    as_json = log_format == LogFormat.JSON or (
        log_format == LogFormat.AUTO and not sys.stderr.isatty()
    )
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer(sort_keys=True)
        if as_json
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
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
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    _configured = True


def get_logger(name: str) -> structlog.typing.FilteringBoundLogger:
    return structlog.get_logger(name)  # type: ignore[no-any-return]
