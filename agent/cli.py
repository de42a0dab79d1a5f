"""The `migration-agent` command line.

Exit codes (see `agent.exit_codes`): 0 ok, 1 findings or failed verification,
2 bad input or usage, 3 infrastructure unavailable.

Each subcommand's module is imported only when that subcommand runs (or help lists it),
so `migration-agent lint` starts without what the other commands need (pydantic models,
rich, asyncpg, NATS).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from agent.commands import quick_exit
from agent.commands.deferred import SETTINGS_ON_DEMAND, defer_settings
from agent.exit_codes import ExitCode
from agent.project.locate import PROJECT

if TYPE_CHECKING:
    from agent.config import Settings
    from agent.project.file import Project

__all__ = ["COMMANDS", "LOG_FORMATS", "LOG_LEVELS", "app", "main"]

EXIT_CODES_HELP = (
    "Exit codes: 0 ok; 1 findings or failed verification; 2 bad input or usage; "
    "3 a server (PostgreSQL, NATS) unavailable."
)
# The values of agent.config.LogFormat (not imported here: it loads pydantic)
LOG_FORMATS = ("auto", "json", "console")
# The levels agent.config.Settings accepts
LOG_LEVELS = ("debug", "info", "warning", "error")

# Subcommand name -> "module:attribute" of its click command.
COMMANDS = {
    "servers": "agent.commands.servers:servers_app",
    "generate": "agent.commands.generate:generate_command",
    "diff": "agent.commands.diff:diff_command",
    "codegen": "agent.commands.codegen:codegen_command",
    "import": "agent.commands.import_schema:import_command",
    "export": "agent.commands.migrate:export_command",
    "migrate": "agent.commands.migrate:migrate_group",
    "memory": "agent.commands.memory:memory_group",
    "lint": "agent.lint.command:lint_command",
    "verify": "agent.commands.verify:verify_command",
    "serve": "agent.commands.serve:serve_command",
    "submit": "agent.commands.serve:submit_command",
    "service": "agent.commands.serve:service_group",
    "status": "agent.commands.serve:status_alias",
    "logs": "agent.commands.serve:logs_command",
    "health": "agent.commands.health:health_command",
    "init": "agent.commands.init:init_command",
}


class _LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, _, attribute = COMMANDS[cmd_name].partition(":")
            command = getattr(importlib.import_module(module), attribute)
            assert isinstance(command, click.Command) and command.name == cmd_name
            self.add_command(command)
        return self.commands.get(cmd_name)


def _load_settings(overrides: dict[str, object], project: Project | None, command: str | None) -> Settings:
    from agent.commands.common import fail
    from agent.config import ConfigError, load_settings
    from agent.project.file import ProjectFileError

    try:
        from_file = project.settings_for(command) if project else {}
        loaded = load_settings(overrides, from_file=from_file)
    except (ConfigError, ProjectFileError) as error:
        fail(ExitCode.BAD_INPUT, str(error))
    from agent.structured_logging import configure_logging

    configure_logging(loaded.log_format, loaded.log_level)
    return loaded


@click.group(
    name="migration-agent",
    cls=_LazyGroup,
    invoke_without_command=True,
    help="Turn YAML table definitions into safe, verified PostgreSQL migrations.\n\n"
    + EXIT_CODES_HELP,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where embedded servers keep their data [default: ./.agent].",
)
@click.version_option(package_name="migration-agent", prog_name="migration-agent",
                      message="%(prog)s %(version)s")
@click.option("--log-format", type=click.Choice(LOG_FORMATS),
              help="Log line format: JSON lines, readable console text, or auto (JSON when not on a terminal) "
                   "[default: AGENT_LOG_FORMAT, else auto].")
@click.option("--log-level", type=click.Choice(LOG_LEVELS, case_sensitive=False),
              help="The least severe log lines written [default: AGENT_LOG_LEVEL, else info].")
@click.pass_context
def app(
    ctx: click.Context, data_dir: Path | None, log_format: str | None, log_level: str | None
) -> None:
    if ctx.invoked_subcommand is None:  # `migration-agent` alone: its help, not a usage error
        click.echo(ctx.get_help())
        ctx.exit(0)
    overrides: dict[str, object] = {
        "data_dir": data_dir, "log_format": log_format, "log_level": log_level,
    }
    project = _project(ctx)
    command = ctx.invoked_subcommand
    if command in SETTINGS_ON_DEMAND:
        defer_settings(ctx, lambda: _load_settings(overrides, project, command))
        return
    ctx.obj = _load_settings(overrides, project, command)


def _project(ctx: click.Context) -> Project | None:
    """The project file's settings, as defaults for every subcommand's options (flags win)."""
    from agent.project.locate import locate_project_file

    found = locate_project_file()
    if found is None:
        return None
    from agent.commands.common import fail
    from agent.project.file import ProjectFileError, load_project_file

    try:
        project = load_project_file(found)
    except ProjectFileError as error:
        fail(ExitCode.BAD_INPUT, str(error))
    ctx.default_map = project.default_map()
    ctx.meta[PROJECT] = project
    return project


def _print_error(message: str) -> None:
    from agent.commands.common import err
    from agent.commands.style import ERROR

    err.print(message, markup=False, highlight=False, soft_wrap=True, style=ERROR)


def main() -> None:
    quick_exit.reset()
    try:
        code = app.main(prog_name="migration-agent", standalone_mode=False)
    except click.exceptions.Exit as done:
        quick_exit.exit_process(done.exit_code)
    except click.UsageError as error:
        where = f"{error.ctx.command_path}: " if error.ctx else ""
        _print_error(f"{where}{error.format_message()}")
        sys.exit(int(ExitCode.BAD_INPUT))
    except click.ClickException as error:
        _print_error(f"migration-agent: {error.format_message()}")
        sys.exit(int(ExitCode.BAD_INPUT))
    except click.Abort:
        sys.exit(130)
    quick_exit.exit_process(code if isinstance(code, int) else 0)
