"""Machine-readable output: every finding with its rule data, per file."""

from __future__ import annotations

import json

from agent.lint.engine import Report
from agent.lint.model import Severity

__all__ = ["render_json", "report_json"]


def report_json(report: Report) -> dict[str, object]:
    return {
        "version": 1,
        "summary": {
            "files": len(report.files),
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
            "suppressed": sum(len(f.suppressed) for f in report.files),
        },
        "files": [file.to_json() for file in report.files],
    }


def render_json(report: Report) -> str:
    return json.dumps(report_json(report), indent=2) + "\n"
