"""Migration tools as data: one module per tool, chosen by `--tool NAME` or from the files.

A tool says which files are its own and for PostgreSQL, which migration each belongs to
and whether it is the down file, how it cuts a file into runs (goose's and dbmate's
sections) and whether it runs each in a transaction. The run order puts each down file
right after its own up, so it is checked against the state its up left behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from agent.lint import tree
from agent.lint.source import SourceFile
from agent.lint.tools import atlas, dbmate, diesel, flyway, golang_migrate, goose, ours, popx, prisma, sqitch
from agent.lint.tools.model import Tool

__all__ = [
    "DEFAULT", "TOOLS", "Tool", "UnknownToolError", "detect", "in_run_order", "tool_named",
    "tool_sources",
]

# In the order detection tries them: layouts first, then the first file's annotations, then
# a file beside them (Atlas writes atlas.sum in every format it writes: the format decides).
TOOLS: dict[str, Tool] = {
    module.TOOL.name: module.TOOL
    for module in (diesel, prisma, popx, golang_migrate, flyway, sqitch, goose, dbmate, atlas, ours)
}
ALIASES = {"pop": "popx", "migrate": "golang-migrate", "migration-agent": "ours", "prisma-migrate": "prisma"}
DEFAULT = ours.TOOL


class UnknownToolError(KeyError):
    def __str__(self) -> str:
        names = ", ".join(sorted({*TOOLS, *ALIASES}))
        return f"no migration tool is called {self.args[0]!r} (known: {names})"


def tool_named(name: str) -> Tool:
    key = name.strip().lower()
    tool = TOOLS.get(ALIASES.get(key, key))
    if tool is None:
        raise UnknownToolError(name)
    return tool


def detect(paths: Sequence[str], first_text: str) -> Tool:
    """The first tool whose layout the file names show, else whose annotations the first
    file's text holds, else ours."""
    return next(tool for tool in TOOLS.values() if tool.detects(paths, first_text))


def in_run_order(tool: Tool, paths: Sequence[str]) -> list[str]:
    """`paths` in the order the tool runs them (for most, as given), except that a down file
    whose up is among them comes right after that up (path order puts `X.down.sql` before
    `X.up.sql`)."""
    paths = tool.run_order(paths)
    pairs = [tool.migration(p) for p in paths]
    ups = {pair[0] for pair in pairs if pair is not None and not pair[1]}
    waiting: dict[str, list[str]] = {}
    for path, pair in zip(paths, pairs, strict=True):
        if pair is not None and pair[1] and pair[0] in ups:
            waiting.setdefault(pair[0], []).append(path)
    ordered: list[str] = []
    for path, pair in zip(paths, pairs, strict=True):
        if pair is None or not pair[1] or pair[0] not in ups:
            ordered.append(path)
            if pair is not None and not pair[1]:
                ordered += waiting.pop(pair[0], [])
    return ordered


def tool_sources(tool: Tool, files: Iterable[tuple[str, str]]) -> list[SourceFile]:
    """Every (path, text) cut into the runs `tool` makes of it, in order."""
    with tree.unchecked_nodes():
        return [run for path, text in files for run in tool.runs(path, text)]
