"""`migration-agent memory recall|list|forget|export|import|maintain`."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import asyncpg
import click

from agent.activity_log import append_entry
from agent.commands.common import fail, json_option, out, run_async, settings
from agent.embedded import EmbeddedError
from agent.exit_codes import ExitCode
from agent.memory import TIERS, Memory, MemoryStore, connect_store, maintain
from agent.memory.lessons import seed_core
from agent.memory.store import MemoryLinesError, read_memory_lines
from agent.runtime import postgres_url

__all__ = ["memory_group"]

AGENT = "database-migration"
T = TypeVar("T")
agent_option = click.option("--agent", "agent_name", default=AGENT, show_default=True, help="Whose memories.")
tier_option = click.option("--tier", type=click.Choice(TIERS), help="Only this tier.")


@click.group("memory")
def memory_group() -> None:
    """Inspect and maintain the agent's layered memory (schema agent_memory)."""


def _with_store(work: Callable[[MemoryStore], Awaitable[T]]) -> T:
    async def go() -> T:
        with postgres_url(settings()) as url:
            store = await connect_store(url)
            try:
                await seed_core(store, AGENT)
                return await work(store)
            finally:
                await store.close()

    try:
        return run_async(go())
    except (EmbeddedError, OSError, asyncpg.PostgresError) as error:
        fail(ExitCode.INFRASTRUCTURE, f"memory store unavailable: {error}")


def _show(memories: list[Memory], as_json: bool) -> None:
    if as_json:
        for memory in memories:
            out.print(memory.model_dump_json(), markup=False, soft_wrap=True)
        return
    for m in memories:
        score = f"{m.score:5.2f} " if m.score is not None else ""
        out.print(f"{score}{m.tier:<8} {m.kind:<16} {m.key}  {', '.join(m.about)}", markup=False)


@memory_group.command("recall")
@agent_option
@click.option("--tier", "tiers", type=click.Choice(TIERS), multiple=True, help="Tiers to recall from [all].")
@click.option("--about", multiple=True, help="Relevance: table names, rule codes, operation kinds.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="At most this many memories.")
@json_option
def recall_command(agent_name: str, tiers: tuple[str, ...], about: tuple[str, ...], limit: int,
                   as_json: bool) -> None:
    """Memories ranked by tier, importance, recency and relevance."""
    _show(_with_store(lambda s: s.recall(agent_name, tiers or None, about or None, limit)), as_json)


@memory_group.command("list")
@agent_option
@tier_option
@json_option
def list_command(agent_name: str, tier: str | None, as_json: bool) -> None:
    """Every memory of the agent, by tier, kind and key."""
    _show(_with_store(lambda s: s.entries(agent_name, tier)), as_json)


@memory_group.command("forget")
@agent_option
@tier_option
@click.argument("key")
def forget_command(agent_name: str, tier: str | None, key: str) -> None:
    """Delete the memories with KEY (in every tier unless --tier): explicit and logged."""
    count = _with_store(lambda s: s.forget(agent_name, key, tier))
    append_entry("memory forget", [f"agent: {agent_name}", f"key: {key}", f"tier: {tier or 'all'}",
                                   f"forgotten: {count}"])
    out.print(f"Forgot {count} memor{'y' if count == 1 else 'ies'}.")
    if count == 0:
        raise click.exceptions.Exit(int(ExitCode.FINDINGS))


@memory_group.command("export")
@click.option("--agent", "agent_name", help="Only this agent [all].")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="File [stdout].")
def export_command(agent_name: str | None, output: Path | None) -> None:
    """Every memory as JSON lines."""
    lines = _with_store(lambda s: s.export_lines(agent_name))
    text = "".join(line + "\n" for line in lines)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@memory_group.command("import")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False, exists=True))
def import_command(source: Path) -> None:
    """Load SOURCE, JSON lines from `memory export`; existing keys are kept; all or nothing."""
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
        read_memory_lines(lines)  # every line checked before the store is touched
    except (MemoryLinesError, UnicodeDecodeError) as error:
        fail(ExitCode.BAD_INPUT, f"{source}: nothing imported:\n{error}")
    count = _with_store(lambda s: s.import_lines(lines))
    out.print(f"Imported {count} line(s).")


@memory_group.command("maintain")
@click.option("--finished-session", "sessions", multiple=True, help="A session that ended (folds its recent).")
def maintain_command(sessions: tuple[str, ...]) -> None:
    """Fold recent into medium (after 24 h or session end) and medium into long history (after 30 days)."""
    report = _with_store(lambda s: maintain(s, sessions))
    out.print(f"recent -> medium: {report.recent_to_medium}; medium -> long history: {report.medium_to_long}")
