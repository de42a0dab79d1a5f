"""Report renderers, one module per output format, chosen through one table."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from agent.lint.engine import FileReport, Report, Summary
from agent.lint.render.github import assemble_github, github_part, render_github
from agent.lint.render.json_format import assemble_json, json_part, render_json
from agent.lint.render.sarif import render_sarif, sarif_log
from agent.lint.render.text import assemble_text, render_text, text_part

__all__ = ["FORMATS", "IN_PARTS", "Assemble", "Part", "Renderer", "render", "sarif_log"]

Renderer = Callable[[Report], str]
Part = Callable[[Sequence[FileReport]], str]
# the whole output, in pieces to be written one after the other (not copied into one string)
Assemble = Callable[[Summary, Sequence[str]], list[str]]

FORMATS: dict[str, Renderer] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "github": render_github,
}

# Formats whose output can be put together from parts, each rendered from consecutive files
# (by the worker that linted them) and the summary of the whole report:
# `"".join(assemble(report.summary(), [part(report.files)]))` is `render(report, output_format)`, and
# so is assembling the parts of consecutive slices of `report.files`. SARIF is rendered whole.
IN_PARTS: dict[str, tuple[Part, Assemble]] = {
    "text": (text_part, assemble_text),
    "json": (json_part, assemble_json),
    "github": (github_part, assemble_github),
}


def render(report: Report, output_format: str) -> str:
    return FORMATS[output_format](report)
