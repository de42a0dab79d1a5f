"""Human-readable output: file:line:col, the message, the source line with a caret."""

from __future__ import annotations

from agent.lint.engine import FileReport, Report
from agent.lint.model import Finding, Severity

__all__ = ["render_finding", "render_text", "summary_line"]


def _caret(report: FileReport, finding: Finding) -> list[str]:
    line = report.source.line_text(finding.line).expandtabs(1)
    gutter = f"{finding.line:>5} | "
    return [gutter + line, " " * (len(gutter) - 2) + "| " + " " * (finding.column - 1) + "^"]


def render_finding(report: FileReport, finding: Finding) -> str:
    head = (
        f"{finding.path}:{finding.line}:{finding.column}: {finding.severity.value} "
        f"{finding.code} {finding.name}: {finding.message}"
    )
    lines = [head, *_caret(report, finding)]
    lines.append(f"      why: {finding.why}")
    lines.append(f"      instead: {finding.instead}")
    if finding.fix:
        lines.append(f"      fix: {finding.fix}")
    lines.append(f"      see: {finding.doc}")
    return "\n".join(lines)


def summary_line(report: Report) -> str:
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    suppressed = sum(len(f.suppressed) for f in report.files)
    files = len(report.files)
    return (
        f"{errors} error(s), {warnings} warning(s), {suppressed} suppressed "
        f"in {files} file(s)"
    )


def render_text(report: Report) -> str:
    blocks = [render_finding(file, f) for file in report.files for f in file.findings]
    return "\n\n".join([*blocks, summary_line(report)]) + "\n"
