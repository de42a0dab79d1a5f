"""The lock trace as text: per statement, locks taken, what they block, rewrite, time."""

from __future__ import annotations

from agent.lint.trace import FileTrace, StatementTrace

__all__ = ["render_trace_text"]


def _first_line(sql: str, width: int = 72) -> str:
    line = " ".join(sql.split())
    return line if len(line) <= width else line[: width - 3] + "..."


def _statement(trace: StatementTrace) -> list[str]:
    where = f"{trace.line}:{trace.column}"
    head = f"  {where:<8} {_first_line(trace.sql)}"
    if trace.skipped:
        return [head, f"           skipped ({trace.skipped})"]
    if trace.error:
        return [head, f"           FAILED: {trace.error}"]
    rewrite = "rewrite: " + (", ".join(trace.rewritten) if trace.rewrite else "no")
    how = "" if trace.transactional else ", sampled in autocommit"
    lines = [head, f"           {trace.duration_ms:.1f} ms, {rewrite}{how}"]
    for lock in trace.locks:
        blocks = ", ".join(lock.blocks) or "nothing ordinary"
        held = f"{lock.mode.label} on {lock.relation} ({lock.kind})"
        lines.append(f"           {held}; blocks {blocks}")
    return lines


def render_trace_text(traces: list[FileTrace]) -> str:
    out: list[str] = []
    for trace in traces:
        out.append(f"lock trace of {trace.path} (each statement in its own transaction):")
        for statement in trace.statements:
            out.extend(_statement(statement))
    return "\n".join(out) + "\n"
