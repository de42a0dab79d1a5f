"""The verification's sections of the report: steps with every check, the tenant-isolation
matrix, the index-use proof and the lock trace."""

from __future__ import annotations

from agent.report.highlight import highlight_sql
from agent.report.markup import badge, section, table, text
from agent.report.model import TracedStatement
from agent.verify.report import Finding, StepReport, VerificationReport

__all__ = ["ATTACKS", "failures_block", "index_proof", "isolation_matrix", "lock_trace", "steps"]

ATTACKS = (
    ("rls-visibility", "other tenant's rows", "as the application role with tenant A set: B's rows visible?"),
    ("rls-by-id", "other tenant's row by id", "tenant B's row selected by its primary key as tenant A"),
    ("rls-insert", "insert for other tenant", "inserting a row for tenant B while tenant A is set"),
    ("rls-update", "move row to other tenant", "updating tenant A's row to tenant B"),
    ("rls-empty-setting", "empty tenant: read", "reading with the tenant setting empty"),
    ("rls-empty-insert", "empty tenant: write", "inserting with the tenant setting empty"),
    ("rls-no-setting", "no tenant set", "reading in a session that never set the tenant"),
    ("rls-owner", "table owner", "the table's owner with tenant A set: B's rows visible?"),
)
"""The attacks of `agent.verify.steps.rls`, by check name, as the matrix's columns."""


def failures_block(report: VerificationReport) -> str:
    failed = [(s, f) for s in report.steps for f in s.failures]
    if not failed:
        return ""
    items = [f"<li><strong>{text(s.title)}</strong> · <code>{text(f.check)}</code>"
             f"{' · <code>' + text(f.table) + '</code>' if f.table else ''}: {text(f.message)}</li>" for s, f in failed]
    return "\n".join(['<section id="failures" class="failures">',
                      f"<h2>{len(failed)} failed check{'s' if len(failed) != 1 else ''}</h2>",
                      "<ol>", *items, "</ol>", "</section>"])


def _ordered_steps(report: VerificationReport) -> list[StepReport]:
    return sorted(report.steps, key=lambda s: (s.passed, s.skipped is not None))


def _finding_row(finding: Finding) -> list[str]:
    return [badge(finding.passed, "ok"), f"<code>{text(finding.check)}</code>",
            f"<code>{text(finding.table)}</code>" if finding.table else "", text(finding.message)]


def _step(step: StepReport) -> str:
    state = badge(None, neither=f"skipped: {step.skipped}") if step.skipped else badge(step.passed)
    findings = sorted(step.findings, key=lambda f: f.passed)
    count = f"{len(findings) - len(step.failures)}/{len(findings)} checks passed · {step.duration_ms:.0f} ms"
    body = table(["", "check", "table", "message"], [_finding_row(f) for f in findings], "checks") if findings else ""
    css = "step failed" if step.failures else "step"
    return (f'<details class="{css}" id="step-{text(step.name)}" open><summary>{state} <strong>{text(step.title)}'
            f"</strong> <span class=\"muted\">{text(count)}</span></summary>\n{body}</details>")


def steps(report: VerificationReport) -> str:
    head = (f'<p class="muted">PostgreSQL {text(report.postgres_version)}; failed steps first, every check with '
            "its message.</p>") if report.postgres_version else ""
    return section("verification", "Verification steps", [head, *(_step(s) for s in _ordered_steps(report))])


def _cell(finding: Finding | None) -> str:
    if finding is None:
        return '<span class="muted">not probed</span>'
    word = "held" if finding.passed else "LEAKED"
    return f'<span class="badge {"ok" if finding.passed else "bad"}" title="{text(finding.message)}">{word}</span>'


def isolation_matrix(report: VerificationReport) -> str:
    findings = [f for s in report.steps if s.name == "rls" for f in s.findings]
    by_cell = {(f.table, f.check): f for f in findings if f.table}
    tables = sorted({f.table for f in findings if f.table and any(f.check == a for a, _, _ in ATTACKS)})
    if not tables:
        return ""
    headings = ["table", *(label for _, label, _ in ATTACKS)]
    rows = [[f"<code>{text(t)}</code>", *(_cell(by_cell.get((t, check))) for check, _, _ in ATTACKS)] for t in tables]
    legend = "".join(f"<li><strong>{text(label)}</strong>: {text(what)}</li>" for _, label, what in ATTACKS)
    return section("tenant-isolation", "Tenant isolation", [
        "<p>Each attack ran for real on the scratch database; <em>held</em> means the policy stopped it.</p>",
        table(headings, rows, "matrix"), f'<ul class="legend">{legend}</ul>'])


def _proof_row(finding: Finding) -> list[str]:
    details = finding.details
    query = details.get("query", "")
    values = ", ".join(str(v) for v in details.get("values", []))
    plan = "\n".join(str(line) for line in details.get("plan", []))
    how = details.get("how", "")
    return [f"<code>{text(details.get('index', ''))}</code><br>"
            f'<span class="muted">on <code>{text(finding.table or "")}</code></span>',
            badge(finding.passed, "used", "NOT USED"),
            (f'<pre class="sql">{chr(10).join(highlight_sql(query))}</pre>' if query else text(finding.message))
            + (f'<div class="muted">values: {text(values)}</div>' if values else ""),
            (f'<pre class="plan">{text(plan)}</pre>' if plan else "")
            + (f'<div class="muted">{text(how)}</div>' if how else "")]


def index_proof(report: VerificationReport) -> str:
    findings = [f for s in report.steps if s.name == "index_use" for f in s.findings if f.check == "index-use"]
    if not findings:
        return ""
    ordered = sorted(findings, key=lambda f: (f.passed, f.table or "", str(f.details.get("index", ""))))
    rows = [_proof_row(f) for f in ordered]
    return section("index-use", "Index use", [
        "<p>Each index, a query on real sample values, and the plan PostgreSQL chose for it.</p>",
        table(["index", "", "query", "plan"], rows, "proof")])


def _blocks(blocked: list[str]) -> str:
    if "SELECT" in blocked:
        return "blocks reads and writes"
    return "blocks writes" if "INSERT" in blocked else "blocks schema changes"


def _locks(statement: TracedStatement) -> str:
    if not statement.locks:
        return '<span class="muted">none</span>'
    return "<br>".join(f'<span title="blocks {text(", ".join(lock.blocks))}"><strong>{text(lock.mode)}</strong> on '
                       f"{text(lock.kind)} <code>{text(lock.relation)}</code> "
                       f'<span class="muted">{_blocks(lock.blocks)}</span></span>' for lock in statement.locks)


def _trace_row(statement: TracedStatement) -> list[str]:
    first = statement.sql.strip().splitlines()[0] if statement.sql.strip() else ""
    shown = first if len(first) <= 90 else first[:89] + "…"
    outcome = (f'<span class="badge bad">error</span> {text(statement.error)}' if statement.error else
               f'<span class="muted">{text(statement.skipped)}</span>' if statement.skipped else "")
    rewrite = (f'<span class="badge warn">rewrite</span> {text(", ".join(statement.rewritten))}'
               if statement.rewritten else "no")
    mode = "" if statement.transactional else ' <span class="muted">(autocommit)</span>'
    return [str(statement.line), f"<code>{text(shown)}</code>{mode}", _locks(statement), rewrite,
            f"{statement.duration_ms:.1f}&nbsp;ms {outcome}"]


def lock_trace(statements: list[TracedStatement], error: str | None) -> str:
    if error:
        return section("lock-trace", "Lock trace", [f'<p class="bad-text">The trace did not run: {text(error)}</p>'])
    if not statements:
        return ""
    shown = [s for s in statements if s.locks or s.rewritten or s.error]
    files = list(dict.fromkeys(s.file for s in shown))
    parts = [f"<p>Every statement ran alone on a scratch database, the ups in order, then the downs in reverse; "
             f"{len(shown)} of {len(statements)} took a lock on a relation or rewrote one (the others are left out). "
             "Hover a lock for the full list of what it blocks.</p>"]
    for name in files:
        rows = [_trace_row(s) for s in shown if s.file == name]
        parts += [f"<h3><code>{text(name)}</code></h3>",
                  table(["line", "statement", "locks taken", "rewrite", "time"], rows, "trace")]
    return section("lock-trace", "Lock trace", parts)
