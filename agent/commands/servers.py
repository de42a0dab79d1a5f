"""`migration-agent servers start|status|stop`: the embedded PostgreSQL and NATS."""

from __future__ import annotations

import json

import click

from agent import embedded
from agent.commands.common import fail, json_option, out, settings
from agent.exit_codes import ExitCode

__all__ = ["servers_app"]


@click.group("servers")
def servers_app() -> None:
    """Start, inspect and stop the embedded PostgreSQL and NATS."""


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
