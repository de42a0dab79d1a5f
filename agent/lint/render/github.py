"""GitHub Actions workflow commands: one `::error` / `::warning` annotation per finding."""

from __future__ import annotations

from agent.lint.engine import Report
from agent.lint.model import Finding

__all__ = ["annotation", "render_github"]


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


def render_github(report: Report) -> str:
    return "".join(annotation(f) + "\n" for f in report.findings)
