"""GitHub Actions workflow commands: one `::error` / `::warning` annotation per finding."""

from __future__ import annotations

from collections.abc import Sequence

from agent.lint.engine import FileReport, Report, Summary
from agent.lint.model import Finding

__all__ = ["annotation", "assemble_github", "github_part", "render_github"]


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    properties = ",".join([
        f"file={_escape_property(finding.path)}",
        f"line={finding.line}",
        f"col={finding.column}",
        f"title={_escape_property(f'{finding.code} {finding.name}')}",
    ])
    message = _escape_data(f"{finding.message}\nInstead: {finding.instead}")
    return f"::{finding.severity.value} {properties}::{message}"


def github_part(files: Sequence[FileReport]) -> str:
    return "".join([annotation(f) + "\n" for file in files for f in file.findings])


def assemble_github(summary: Summary, parts: Sequence[str]) -> list[str]:
    return list(parts)


def render_github(report: Report) -> str:
    return "".join(assemble_github(report.summary(), [github_part(report.files)]))
