"""Human-readable output: file:line:col, the message, the source line with a caret."""

from __future__ import annotations

from collections.abc import Sequence

from agent.lint.engine import FileReport, Report, Summary
from agent.lint.model import Finding

__all__ = [
    "assemble_text", "render_finding", "render_text", "summary_line", "text_part", "tool_line",
]


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


def summary_line(report: Report | Summary) -> str:
    counts = report.summary() if isinstance(report, Report) else report
    unparsed = f", {counts.unparsed} of which did not parse" if counts.unparsed else ""
    return (
        f"{counts.errors} error(s), {counts.warnings} warning(s), {counts.suppressed} "
        f"suppressed in {counts.files} file(s){unparsed}"
    )


def text_part(files: Sequence[FileReport]) -> str:
    """The findings of some consecutive files of a report ('' for none)."""
    return "\n\n".join([render_finding(file, f) for file in files for f in file.findings])


def tool_line(summary: Summary) -> str:
    """Which migration tool the run assumed ('' when none was asked about)."""
    if not summary.tool:
        return ""
    how = "detected from the files; --tool to choose" if summary.tool_by == "detected" else summary.tool_by
    return f"migration tool: {summary.tool} ({how})\n"


def assemble_text(summary: Summary, parts: Sequence[str]) -> list[str]:
    """The output in pieces: the tool assumed, each part's findings, then the summary line."""
    head = tool_line(summary)
    pieces: list[str] = [head] if head else []
    for part in parts:
        if part:
            pieces += [part, "\n\n"]
    return [*pieces, summary_line(summary) + "\n"]


def render_text(report: Report) -> str:
    return "".join(assemble_text(report.summary(), [text_part(report.files)]))
