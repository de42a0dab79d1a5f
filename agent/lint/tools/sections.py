"""Files holding their up and down sections together (goose, dbmate): each section a run."""

from __future__ import annotations

from collections.abc import Iterable

from agent.lint.source import Section, SourceFile, parse_sections
from agent.lint.tools.model import Tool

__all__ = ["chunks", "section_runs"]


def chunks(
    text: str, span: tuple[int, int], blocks: Iterable[tuple[int, int]] = ()
) -> tuple[tuple[int, int], ...]:
    """The pieces of `span` sent one by one: each block inside it, and what lies between
    them (left out when blank)."""
    found: list[tuple[int, int]] = []
    position, end = span
    for start, stop in sorted(b for b in blocks if span[0] <= b[0] < end):
        found += [(position, start), (start, stop)]
        position = stop
    found.append((position, end))
    return tuple(c for c in found if text[c[0]:c[1]].strip())


def section_runs(
    tool: Tool, path: str, text: str, sections: list[Section]
) -> list[SourceFile]:
    """The sections parsed (each as `tool` sends it); a down section with nothing in it
    is left out."""
    runs = parse_sections(path, text, sections)
    return [tool.as_sent(r) for r in runs if r.section != "down" or r.statements or r.syntax_error]
