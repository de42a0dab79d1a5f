"""What every command shares: consoles, settings, failing with an exit code."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Callable, Coroutine, Iterator
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click
from rich.console import Console
from rich.text import Text

from agent.commands.style import ERROR, FAILED, PASSED, SKIPPED
from agent.config import Settings
from agent.exit_codes import ExitCode
from agent.project.file import Project
from agent.project.locate import PROJECT
from agent.verify.report import VerificationReport

if TYPE_CHECKING:
    import asyncpg

__all__ = [
    "connect",
    "current_project",
    "err",
    "fail",
    "json_option",
    "now_option",
    "out",
    "parse_now",
    "print_report",
    "progress_printer",
    "rows_option",
    "run_async",
    "settings",
]

T = TypeVar("T")

out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
rows_option = click.option("--rows", type=click.IntRange(min=10), default=10_000, show_default=True,
                           help="Sample rows per table for the data checks of verification.")
now_option = click.option(
    "--now",
    metavar="TIME",
    help="Fix the clock (ISO 8601, e.g. 2025-12-05T10:30:00Z) for reproducible output.",
)


def fail(code: ExitCode, message: str) -> NoReturn:
    err.print(f"migration-agent: {message}", markup=False, style=ERROR)
    raise click.exceptions.Exit(int(code))


async def connect(url: str, **options: Any) -> asyncpg.Connection:
    """An asyncpg connection, or exit: 2 for a URL asyncpg cannot use (an unknown sslmode, say),
    3 for a database that cannot be reached."""
    import asyncpg

    try:
        return await asyncpg.connect(url, **options)
    except asyncpg.ClientConfigurationError as error:
        fail(ExitCode.BAD_INPUT, f"the database URL is not usable: {error}")
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
        fail(ExitCode.INFRASTRUCTURE, f"cannot reach the database: {error}")


def current_project() -> Project | None:
    """The project file the root command read, if there is one."""
    found = click.get_current_context().find_root().meta.get(PROJECT)
    return found if isinstance(found, Project) else None


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


@contextlib.contextmanager
def progress_printer() -> Iterator[Callable[[str], None]]:
    """Step-by-step progress on a terminal (stderr); silent when output is piped."""
    if not err.is_terminal:
        yield lambda _message: None
        return
    with err.status("verifying on a scratch database") as status:
        def show(message: str) -> None:
            err.print(f"  {message}", markup=False)
            status.update(message)

        yield show


def print_report(report: VerificationReport) -> None:
    verdict = ("passed", PASSED) if report.passed else ("FAILED", FAILED)
    out.print(Text.assemble("Verification ", verdict, f" on PostgreSQL {report.postgres_version}:"))
    for step in report.steps:
        mark = ("skip", SKIPPED) if step.skipped else (("ok  ", PASSED) if step.passed else ("FAIL", FAILED))
        total = len(step.findings)
        detail = step.skipped or f"{total - len(step.failures)}/{total} checks passed"
        out.print(Text.assemble("  ", mark, f" {step.title} ({step.duration_ms:.0f} ms): {detail}"))
        for finding in step.failures:
            where = f"{finding.table}: " if finding.table else ""
            out.print(Text(f"       - {where}{finding.message}", style=FAILED))
