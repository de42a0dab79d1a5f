"""The `migration-agent` command line.

Exit codes (see `agent.exit_codes`): 0 ok, 1 findings or failed verification,
2 bad input or usage, 3 infrastructure unavailable.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from agent import embedded
from agent.commands.codegen import codegen_command
from agent.commands.common import err, fail, json_option, out, settings
from agent.commands.diff import diff_command
from agent.commands.generate import generate_command
from agent.commands.import_schema import import_command
from agent.commands.memory import memory_group
from agent.commands.migrate import export_command, migrate_group
from agent.commands.serve import logs_command, serve_command, status_command, submit_command
from agent.commands.verify import verify_command
from agent.config import ConfigError, LogFormat, load_settings
from agent.exit_codes import ExitCode
from agent.lint.command import lint_command
from agent.structured_logging import configure_logging

__all__ = ["app", "main"]

EXIT_CODES_HELP = (
    "Exit codes: 0 ok; 1 findings or failed verification; 2 bad input or usage; "
    "3 a server (PostgreSQL, NATS) unavailable."
)


@click.group(
    name="migration-agent",
    help="Turn YAML table definitions into safe, verified PostgreSQL migrations.\n\n"
    + EXIT_CODES_HELP,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where embedded servers keep their data [default: ./.agent].",
)
@click.option(
    "--log-format", type=click.Choice([f.value for f in LogFormat]), help="Log line format."
)
@click.option("--log-level", help="debug, info, warning or error.")
@click.pass_context
def app(
    ctx: click.Context, data_dir: Path | None, log_format: str | None, log_level: str | None
) -> None:
    try:
        loaded = load_settings(
            {"data_dir": data_dir, "log_format": log_format, "log_level": log_level}
        )
    except ConfigError as error:
        fail(ExitCode.BAD_INPUT, str(error))
    ctx.obj = loaded
    configure_logging(loaded.log_format, loaded.log_level)


@app.group("servers")
def servers_app() -> None:
    """Start, inspect and stop the embedded PostgreSQL and NATS."""


app.add_command(generate_command)
app.add_command(diff_command)
app.add_command(codegen_command)
app.add_command(import_command)
app.add_command(export_command)
app.add_command(migrate_group)
app.add_command(memory_group)
app.add_command(lint_command)
app.add_command(verify_command)
app.add_command(serve_command)
app.add_command(submit_command)
app.add_command(status_command)
app.add_command(logs_command)


# ---------------------------------------------------------------- servers


def _print_servers(infos: list[embedded.ServerInfo], as_json: bool) -> None:
    if as_json:
        out.print_json(json.dumps([info.to_json() for info in infos]))
        return
    for info in infos:
        mode = "kept running" if info.pinned else f"on demand, {len(info.users)} user(s)"
        out.print(f"{info.name:<9} up  {info.url}  pid {info.pid}  ({mode})", highlight=False)


@servers_app.command("start")
@json_option
def servers_start(as_json: bool) -> None:
    """Start both servers (or reuse running ones); they stay up until `servers stop`."""
    try:
        infos = embedded.start(settings().data_dir)
    except embedded.EmbeddedError as error:
        fail(ExitCode.INFRASTRUCTURE, str(error))
    _print_servers(infos, as_json)


@servers_app.command("status")
@json_option
def servers_status(as_json: bool) -> None:
    """Show which embedded servers run, with their URLs. Exit 3 unless both run."""
    infos = embedded.running(settings().data_dir)
    _print_servers(infos, as_json)
    running = {info.name for info in infos}
    for name in embedded.SERVER_NAMES:
        if name not in running and not as_json:
            out.print(f"{name:<9} down", highlight=False)
    if len(running) < len(embedded.SERVER_NAMES):
        raise click.exceptions.Exit(int(ExitCode.INFRASTRUCTURE))


@servers_app.command("stop")
def servers_stop() -> None:
    """Stop the embedded servers of the data directory."""
    for info in embedded.stop(settings().data_dir):
        out.print(f"{info.name:<9} stopped (pid {info.pid})", highlight=False)


def main() -> None:
    try:
        code = app.main(prog_name="migration-agent", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.UsageError as error:
        where = f"{error.ctx.command_path}: " if error.ctx else ""
        err.print(f"{where}{error.format_message()}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(int(ExitCode.BAD_INPUT))
    except click.ClickException as error:
        err.print(f"migration-agent: {error.format_message()}", markup=False, soft_wrap=True)
        sys.exit(int(ExitCode.BAD_INPUT))
    except click.Abort:
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
