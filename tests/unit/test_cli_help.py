"""The command line explains itself: every command, option and argument has help, one `status`
per noun, `--version`, help for no command at all, and choices where only some values work."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import click
import pytest

from agent.cli import COMMANDS, app


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agent", *args], capture_output=True, text=True, check=False,
                          cwd=cwd, env=None)


def _walk(command: click.Command, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        context = click.Context(command)
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            assert sub is not None, (*path, name)
            yield from _walk(sub, (*path, name))


def _every_command() -> list[tuple[tuple[str, ...], click.Command]]:
    return list(_walk(app, ()))


def test_the_walk_reaches_every_listed_command() -> None:
    reached = {path[0] for path, _ in _every_command() if len(path) == 1}
    assert reached == set(COMMANDS)
    assert ("migrate", "down") in {path for path, _ in _every_command()}


@pytest.mark.parametrize(("path", "command"), _every_command(),
                         ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_every_command_option_and_argument_has_help(path: tuple[str, ...], command: click.Command) -> None:
    """Click arguments carry no help of their own: the command's help names each one instead."""
    where = " ".join(("migration-agent", *path))
    text = (command.help or "").strip()
    assert text, f"{where} has no help"
    for parameter in command.params:
        if isinstance(parameter, click.Option):
            assert (parameter.help or "").strip(), f"{where} {parameter.opts[0]} has no help"
        elif isinstance(parameter, click.Argument):
            name = parameter.human_readable_name.removesuffix("...")
            assert name in text, f"{where}: its help does not describe its argument {name}"


def test_one_status_per_noun() -> None:
    statuses = {path for path, _ in _every_command() if path[-1:] == ("status",)}
    listed = {path for path, command in _every_command() if path[-1:] == ("status",) and not command.hidden}
    assert listed == {("servers", "status"), ("migrate", "status"), ("service", "status")}
    assert statuses - listed == {("status",)}  # the former name, kept hidden for scripts


def test_migrate_down_takes_no_option_that_applies() -> None:
    down = app.get_command(click.Context(app), "migrate")
    assert isinstance(down, click.Group)
    command = down.get_command(click.Context(down), "down")
    assert command is not None
    for option in command.params:
        assert "apply" not in (getattr(option, "help", "") or "").lower().split(), option.name
    assert "allow_out_of_order" not in {p.name for p in command.params}
    up = down.get_command(click.Context(down), "up")
    assert up is not None and "allow_out_of_order" in {p.name for p in up.params}


def test_serve_concurrency_says_its_default() -> None:
    result = run("serve", "--help")
    assert result.returncode == 0
    assert "one per CPU, at most 8" in " ".join(result.stdout.split())


def test_log_level_is_a_choice() -> None:
    result = run("--log-level", "loud", "servers", "status")
    assert result.returncode == 2
    assert "'loud' is not one of 'debug', 'info', 'warning', 'error'" in result.stderr


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout == f"migration-agent {version('migration-agent')}\n"


def test_no_command_prints_help_and_exits_0() -> None:
    result = run()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: migration-agent [OPTIONS]")
    assert "  generate " in result.stdout
    assert result.stderr == ""


def test_logs_with_no_log_yet_says_so_and_exits_0(tmp_path: Path) -> None:
    result = run("logs", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr == "Nothing logged yet: logs/database-migration-agent.log.md does not exist.\n"
    assert result.stdout == ""
