"""Report renderers, one module per output format, chosen through one table."""

from __future__ import annotations

from collections.abc import Callable

from agent.lint.engine import Report
from agent.lint.render.github import render_github
from agent.lint.render.json_format import render_json
from agent.lint.render.sarif import render_sarif, sarif_log
from agent.lint.render.text import render_text

__all__ = ["FORMATS", "Renderer", "render", "sarif_log"]

Renderer = Callable[[Report], str]

FORMATS: dict[str, Renderer] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "github": render_github,
}


def render(report: Report, output_format: str) -> str:
    return FORMATS[output_format](report)
