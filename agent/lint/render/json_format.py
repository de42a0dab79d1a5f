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
    """The report as JSON: the summary and each file on a line of its own.

    Each part is encoded compactly by the C encoder (`indent` would switch json to its
    pure-Python encoder, several times slower on a large run).
    """
    data = report_json(report)
    files = data.pop("files")
    assert isinstance(files, list)
    head = ",\n".join(f"  {json.dumps(key)}: {json.dumps(value)}" for key, value in data.items())
    body = ",\n".join(f"    {json.dumps(file)}" for file in files)
    listed = f"[\n{body}\n  ]" if files else "[]"
    return f'{{\n{head},\n  "files": {listed}\n}}\n'
