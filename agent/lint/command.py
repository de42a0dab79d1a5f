"""`migration-agent lint FILES...`: static rules, optionally a lock trace on a scratch database.

Exit codes: 0 clean (or only findings below --fail-on), 1 findings at the failing level
or a statement that failed in the trace, 2 unreadable file, or invalid SQL (reported as
MA000 with the other files' findings, the run going on), 3 PostgreSQL unavailable for --trace.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from agent.commands import quick_exit
from agent.exit_codes import ExitCode
from agent.lint.api import excluded
from agent.lint.catalog import Catalog
from agent.lint.engine import Report, Summary, lint_sequence
from agent.lint.model import Severity
from agent.lint.parallel import UnreadableFileError, lint_and_render, read_files
from agent.lint.registry import Registry, UnknownRuleError
from agent.lint.render import FORMATS, render
from agent.lint.render.colour import colour_lint_text, wants_colour
from agent.lint.source import SourceFile
from agent.lint.target import NEWEST_PG_VERSION, OLDEST_PG_VERSION, SMALL_TABLE_ROWS, Target
from agent.lint.tools import TOOLS, Tool, UnknownToolError, detect, in_run_order, tool_named, tool_sources
from agent.postgres_url import checked_url

if TYPE_CHECKING:  # the trace (asyncio, asyncpg) is imported only when --trace is given
    from agent.lint.trace import FileTrace

__all__ = ["lint_command", "lint_paths", "select_rules"]

def _fail(code: ExitCode, message: str) -> NoReturn:
    click.echo(f"migration-agent lint: {message}", err=True)
    raise click.exceptions.Exit(int(code))


def _read(path: str) -> tuple[str, str]:
    try:
        return read_files([path])[0]
    except UnreadableFileError as error:
        _fail(ExitCode.BAD_INPUT, str(error))


def _parse(paths: Sequence[str], tool: Tool | None) -> list[SourceFile]:
    return tool_sources(tool or TOOLS["ours"], [_read(p) for p in paths])


def select_rules(enable: Sequence[str] = (), disable: Sequence[str] = (),
                 severity: Sequence[str] = ()) -> Registry:
    """The default rules plus `enable` minus `disable` (codes or names), at the levels
    `severity` gives (`CODE=error` or `CODE=warning`)."""
    from agent.lint.engine import default_rules
    from agent.lint.rules import RULES

    if not enable and not disable and not severity:
        return default_rules()
    try:
        return RULES.selected(enable, disable).with_severities(dict(map(_level, severity)))
    except UnknownRuleError as error:
        _fail(ExitCode.BAD_INPUT, str(error))


def _level(item: str) -> tuple[str, Severity]:
    rule, _, level = item.partition("=")
    try:
        return rule.strip(), Severity(level.strip().lower())
    except ValueError:
        _fail(ExitCode.BAD_INPUT, f"--severity {item!r}: give CODE=error or CODE=warning")


def lint_paths(
    paths: Sequence[str], rules: Registry | None = None, tool: Tool | None = None,
    catalog: Catalog | None = None,
) -> tuple[list[SourceFile], Report]:
    """Read and lint files in the order given (earlier forward files inform later ones),
    each cut into the runs `tool` makes of it (default: ours), for `catalog`'s target."""
    sources = _parse(paths, tool)
    return sources, lint_sequence(sources, rules, catalog.copy() if catalog is not None else None)


def _target(pg_version: int, small_tables: Sequence[str], small_table_rows: int,
            database_url: str | None) -> Target:
    """The run's target database; the sizes are read only when a URL is given."""
    if database_url is None:
        return Target.checked(pg_version, None, small_tables, small_table_rows)
    from agent.lint.sizes import SizesUnavailableError, read_table_rows

    try:
        rows = read_table_rows(database_url)
    except SizesUnavailableError as error:
        _fail(ExitCode.INFRASTRUCTURE, str(error))
    return Target.checked(pg_version, rows, small_tables, small_table_rows)


def _lint_on_all_cpus(
    paths: Sequence[str], rules: Registry, output_format: str, tool: Tool, tool_by: str,
    catalog: Catalog,
) -> tuple[Summary, list[str]]:
    """`lint_paths`' report rendered (in pieces to write one after the other) and its
    summary: from several processes when there are many files."""
    try:  # each worker reads its own files
        return lint_and_render(paths, output_format, rules, tool=tool, tool_by=tool_by, catalog=catalog)
    except UnreadableFileError as error:
        _fail(ExitCode.BAD_INPUT, str(error))


def _settings() -> object:
    """The root command's settings (it defers them to here, see `agent.commands.deferred`)."""
    from agent.commands.deferred import deferred_settings
    from agent.config import ConfigError, Settings, load_settings

    context = click.get_current_context(silent=True)
    found = context.find_object(Settings) or deferred_settings(context) if context else None
    try:
        return found or load_settings()
    except ConfigError as error:
        _fail(ExitCode.BAD_INPUT, str(error))


def _run_trace(sources: list[SourceFile], database_url: str | None) -> list[FileTrace]:
    from agent import embedded
    from agent.config import Settings
    from agent.lint.sizes import run_async
    from agent.lint.trace import TraceError, clone_schema_sql, trace_sources
    from agent.runtime import scratch_postgres_url

    settings = _settings()
    assert isinstance(settings, Settings)
    try:
        setup = clone_schema_sql(database_url) if database_url else None
        with scratch_postgres_url(settings) as server_url:
            return run_async(lambda: trace_sources(server_url, sources, setup))
    except (TraceError, embedded.EmbeddedError, OSError) as error:
        _fail(ExitCode.INFRASTRUCTURE, str(error))


def _output(report: Report, traces: list[FileTrace] | None, output_format: str) -> str:
    if traces is None:
        return render(report, output_format)
    from agent.lint.render.json_format import report_json
    from agent.lint.render.trace_text import render_trace_text

    if output_format == "json":
        payload = {**report_json(report), "trace": [t.to_json() for t in traces]}
        return json.dumps(payload, indent=2) + "\n"
    if output_format == "text":
        return render(report, output_format) + "\n" + render_trace_text(traces)
    return render(report, output_format)


def expand_folders(paths: Sequence[str]) -> tuple[str, ...]:
    """Each folder replaced by the .sql files under it, in path order (the order migrations
    run in); a path ending in .sql is taken as a file without a look at the disk."""
    expanded: list[str] = []
    for path in paths:
        if path.endswith(".sql") or not os.path.isdir(path):
            expanded.append(path)
            continue
        found = sorted(str(p) for p in Path(path).rglob("*.sql") if p.is_file())
        if not found:
            _fail(ExitCode.BAD_INPUT, f"{path}: a folder with no .sql files")
        expanded.extend(found)
    return tuple(expanded)


def choose_tool(name: str | None, paths: Sequence[str]) -> tuple[Tool, str]:
    """The tool named by --tool, else the one the files show (the first file's text is read
    for annotations), and how it was chosen."""
    if name is not None:
        try:
            return tool_named(name), "--tool"
        except UnknownToolError as error:
            _fail(ExitCode.BAD_INPUT, str(error))
    return detect(paths, _read(paths[0])[1] if paths else ""), "detected"


def _tool_files(tool: Tool, paths: Sequence[str]) -> tuple[str, ...]:
    """The files the tool runs on PostgreSQL, each down right after its own up."""
    left_out = [p for p in paths if not tool.lints(p)]
    if left_out:
        click.echo(f"migration-agent lint: left out {len(left_out)} {tool.name} {tool.left_out}, "
                   f"such as {left_out[0]}", err=True)
    kept = [p for p in paths if tool.lints(p)] if left_out else list(paths)
    return tuple(in_run_order(tool, kept))


@click.command("lint")
# Paths as given, checked when read: click.Path would stat each one first, which on a
# run of a thousand files costs more than the rest of the argument parsing.
@click.argument("files", nargs=-1, required=True, metavar="PATHS...")
@click.option("--format", "output_format", type=click.Choice(list(FORMATS)), default="text",
              show_default=True, help="Output format.")
@click.option("--fail-on", type=click.Choice([s.value for s in Severity]), default="error",
              show_default=True, help="Lowest severity that makes the exit code 1.")
@click.option("--trace", is_flag=True,
              help="Also run the files in order on a scratch database and report locks taken.")
@click.option("--database-url", metavar="URL", callback=checked_url,
              help="Read this database's table sizes (small tables' lock findings are warnings); "
                   "with --trace, also clone its schema (no rows) first.")
@click.option("--pg-version", type=click.IntRange(OLDEST_PG_VERSION, NEWEST_PG_VERSION),
              default=NEWEST_PG_VERSION, show_default=True, metavar="N",
              help="The oldest PostgreSQL major version the migrations must run on.")
@click.option("--small-table", "small_tables", multiple=True, metavar="NAME",
              help="A table known to be small: its lock and rewrite findings are warnings. Repeatable.")
@click.option("--small-table-rows", type=click.IntRange(0), default=SMALL_TABLE_ROWS, show_default=True,
              metavar="ROWS", help="With --database-url: tables with fewer estimated rows count as small.")
@click.option("--enable", "enable", multiple=True, metavar="CODE",
              help="Also run this rule (code or name), e.g. one off by default. Repeatable.")
@click.option("--disable", "disable", multiple=True, metavar="CODE",
              help="Do not run this rule (code or name). Repeatable; wins over --enable.")
@click.option("--severity", "severity", multiple=True, metavar="CODE=LEVEL",
              help="Report this rule (code or name) at this level, error or warning. Repeatable.")
@click.option("--exclude", "exclude", multiple=True, metavar="GLOB",
              help="Leave out the files whose path or name matches. Repeatable.")
@click.option("--tool", "tool_name", metavar="NAME",
              help="The migration tool that runs the files: " + ", ".join(TOOLS)
              + " (pop is popx). Default: detected from the files.")
def lint_command(files: tuple[str, ...], output_format: str, fail_on: str, trace: bool,
                 database_url: str | None, pg_version: int, small_tables: tuple[str, ...],
                 small_table_rows: int, enable: tuple[str, ...],
                 disable: tuple[str, ...], severity: tuple[str, ...], exclude: tuple[str, ...],
                 tool_name: str | None) -> None:
    """Lint SQL migrations for lock hazards, data loss and RLS gaps.

    PATHS are files, or folders whose .sql files are linted in path order, except that
    each down file comes right after its own up. The migration tool (--tool, else detected
    from the files' layout and the first file's annotations) says which files are downs,
    how a file splits into sections run one by one (goose, dbmate) and which run outside
    a transaction; the report names it.

    Rules off by default (see docs/rules/README.md) run only with --enable CODE.

    --pg-version N lints for that server: what it refuses is MA004, and rules true only on
    older versions (a constant default rewrote the table before 11) say so. Lock and rewrite
    findings on a small table (--small-table, or below --small-table-rows estimated rows in
    the --database-url database) are warnings that say its size.

    Exit codes: 0 ok; 1 findings at --fail-on level (or a statement failed in the trace);
    2 unreadable file, unknown rule, or invalid SQL (MA000: reported with the other files'
    findings, and no --trace); 3 PostgreSQL unavailable for --trace or --database-url.
    """
    rules = select_rules(enable, disable, severity)
    catalog = Catalog(target=_target(pg_version, small_tables, small_table_rows, database_url))
    files = tuple(f for f in expand_folders(files) if not excluded(f, exclude))
    if not files:
        _fail(ExitCode.BAD_INPUT, "--exclude left no file to lint")
    tool, tool_by = choose_tool(tool_name, files)
    files = _tool_files(tool, files)
    traces = None
    if trace:  # the trace runs the parsed statements: parse and lint here
        sources, report = lint_paths(files, rules, tool, catalog)
        report = dataclasses.replace(report, tool=tool.name, tool_by=tool_by)
        if not report.summary().unparsed:  # a file that does not parse would stop the run
            traces = _run_trace(sources, database_url)
        output = _output(report, traces, output_format)
        summary, pieces = report.summary(), [output]
    else:
        summary, pieces = _lint_on_all_cpus(files, rules, output_format, tool, tool_by, catalog)
    coloured = output_format == "text" and wants_colour(sys.stdout)
    for piece in pieces:
        click.echo(colour_lint_text(piece) if coloured else piece, nl=False, color=coloured)
    if not trace:  # nothing left to clean up: the CLI may skip freeing the trees at exit
        quick_exit.request_quick_exit()
    if summary.unparsed:
        raise click.exceptions.Exit(int(ExitCode.BAD_INPUT))
    failed_trace = traces is not None and any(t.failed for t in traces)
    if summary.fails(Severity(fail_on)) or failed_trace:
        raise click.exceptions.Exit(int(ExitCode.FINDINGS))
