"""Machine-readable output: every finding with its rule data, per file."""

from __future__ import annotations

import json
from collections.abc import Sequence

from agent.lint.engine import FileReport, Report, Summary
from agent.lint.model import Finding

__all__ = ["assemble_json", "json_part", "render_json", "report_json", "report_json_head"]


def report_json_head(report: Report | Summary) -> dict[str, object]:
    """The report's version and summary (`report_json` without the files)."""
    counts = report.summary() if isinstance(report, Report) else report
    tool = {"tool": {"name": counts.tool, "chosen": counts.tool_by}} if counts.tool else {}
    return {
        "version": 1,
        **tool,
        "summary": {
            "files": counts.files,
            "errors": counts.errors,
            "warnings": counts.warnings,
            "suppressed": counts.suppressed,
            "unparsed": counts.unparsed,
        },
    }


def report_json(report: Report) -> dict[str, object]:
    return {**report_json_head(report), "files": [file.to_json() for file in report.files]}


def render_json(report: Report) -> str:
    """The report as JSON: the summary and each file on a line of its own.

    Each part is encoded compactly by the C encoder (`indent` would switch json to its
    pure-Python encoder, several times slower on a large run). A file's line is the
    `json.dumps` of its `to_json()`, written by `_FileEncoder` (same text, without encoding
    a rule's long explanations again for each finding).
    """
    return "".join(assemble_json(report.summary(), [json_part(report.files)]))


def json_part(files: Sequence[FileReport]) -> str:
    """The lines of some consecutive files of a report ('' for none)."""
    encode = _FileEncoder().file
    return ",\n".join([f"    {encode(file)}" for file in files])


def assemble_json(summary: Summary, parts: Sequence[str]) -> list[str]:
    """The output in pieces: the summary, then the parts' lines, a comma between two parts."""
    data = report_json_head(summary)
    head = ",\n".join(f"  {json.dumps(key)}: {json.dumps(value)}" for key, value in data.items())
    body: list[str] = []
    for part in parts:
        if part:
            body += [",\n", part] if body else [part]
    if not body:
        return [f'{{\n{head},\n  "files": []\n}}\n']
    return [f'{{\n{head},\n  "files": [\n', *body, "\n  ]\n}\n"]


class _FileEncoder:
    """`json.dumps(file.to_json())`, with each rule's fields encoded once per run."""

    def __init__(self) -> None:
        self._rules: dict[tuple[str, str, str, str, str], tuple[str, str, str]] = {}
        self._paths: dict[str, str] = {}

    def file(self, file: FileReport) -> str:
        findings = ", ".join([self.finding(f) for f in file.findings])
        suppressed = ", ".join([self.finding(f, reason) for f, reason in file.suppressed])
        section = file.source.section
        path = self._path(file.path) + ("" if section is None else f', "section": "{section}"')
        return (f'{{"path": {path}, "statements": {file.statements}, '
                f'"findings": [{findings}], "suppressed": [{suppressed}]}}')

    def _path(self, path: str) -> str:
        found = self._paths.get(path)
        if found is None:
            found = self._paths[path] = json.dumps(path)
        return found

    def finding(self, finding: Finding, reason: str | None = None) -> str:
        key = (finding.code, finding.name, finding.severity.value, finding.why, finding.instead)
        parts = self._rules.get(key)
        if parts is None:
            code, name, severity, why, instead = map(json.dumps, key)
            parts = self._rules[key] = (
                f'{{"code": {code}, "name": {name}, "severity": {severity}, "message": ',
                f', "why": {why}, "instead": {instead}, "fix": ',
                f', "doc": {json.dumps(finding.doc)}',
            )
        start, rule, end = parts
        statement = "null" if finding.statement is None else int.__repr__(finding.statement)
        fix = "null" if finding.fix is None else json.dumps(finding.fix)
        tail = "}" if reason is None else f', "reason": {json.dumps(reason)}}}'
        return (f"{start}{json.dumps(finding.message)}, \"path\": {self._path(finding.path)}, "
                f'"line": {int.__repr__(finding.line)}, "column": {int.__repr__(finding.column)}, '
                f'"offset": {int.__repr__(finding.offset)}, "statement": {statement}'
                f"{rule}{fix}{end}{tail}")
