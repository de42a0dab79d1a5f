"""What every command shares: consoles, settings, failing with an exit code."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Coroutine
from typing import Any, NoReturn, TypeVar

import click
from rich.console import Console

from agent.config import Settings
from agent.exit_codes import ExitCode

__all__ = ["err", "fail", "json_option", "now_option", "out", "parse_now", "run_async", "settings"]

T = TypeVar("T")

out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
now_option = click.option(
    "--now",
    metavar="TIME",
    help="Fix the clock (ISO 8601, e.g. 2025-12-05T10:30:00Z) for reproducible output.",
)


def fail(code: ExitCode, message: str) -> NoReturn:
    err.print(f"migration-agent: {message}", markup=False)
    raise click.exceptions.Exit(int(code))


def settings() -> Settings:
    found = click.get_current_context().find_object(Settings)
    if found is None:
        raise RuntimeError("settings are read by the root command before any subcommand runs")
    return found


def parse_now(value: str | None) -> dt.datetime:
    if value is None:
        return dt.datetime.now(dt.UTC)
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        fail(ExitCode.BAD_INPUT, f"--now {value!r} is not an ISO 8601 time like 2025-12-05T10:30:00Z")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)
