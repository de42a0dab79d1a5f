"""`migration-agent servers start|status|stop`: the embedded PostgreSQL and NATS."""

from __future__ import annotations

import json

import click

from agent import embedded, nats_cluster
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
@click.option("--nats-cluster", "cluster_size", type=click.IntRange(3, 7), metavar="N",
              help="Instead of one NATS, a JetStream cluster of N nodes on loopback (then set NATS_URL to "
                   "every node's URL and AGENT_STREAM_REPLICAS=3).")
@json_option
def servers_start(cluster_size: int | None, as_json: bool) -> None:
    """Start both servers (or reuse running ones); they stay up until `servers stop`."""
    data_dir = settings().data_dir
    try:
        if cluster_size is None:
            infos = embedded.start(data_dir)
        else:
            infos = [*embedded.start(data_dir, (embedded.POSTGRES,)),
                     *nats_cluster.start_cluster(data_dir, cluster_size)]
    except embedded.EmbeddedError as error:
        fail(ExitCode.INFRASTRUCTURE, str(error))
    _print_servers(infos, as_json)
    cluster = [info.url for info in infos if info.name.startswith("nats-cluster-")]
    if cluster and not as_json:
        out.print(f"NATS_URL={','.join(cluster)} AGENT_STREAM_REPLICAS=3", highlight=False)


@servers_app.command("status")
@json_option
def servers_status(as_json: bool) -> None:
    """Show which embedded servers run, with their URLs. Exit 3 unless both run."""
    cluster = nats_cluster.running_cluster(settings().data_dir)
    infos = [*embedded.running(settings().data_dir), *cluster]
    _print_servers(infos, as_json)
    running = {info.name for info in infos} | ({embedded.NATS} if cluster else set())
    for name in embedded.SERVER_NAMES:
        if name not in running and not as_json:
            out.print(f"{name:<9} down", highlight=False)
    if len(running) < len(embedded.SERVER_NAMES):
        raise click.exceptions.Exit(int(ExitCode.INFRASTRUCTURE))


@servers_app.command("stop")
def servers_stop() -> None:
    """Stop the embedded servers of the data directory."""
    for info in [*embedded.stop(settings().data_dir), *nats_cluster.stop_cluster(settings().data_dir)]:
        out.print(f"{info.name:<9} stopped (pid {info.pid})", highlight=False)
