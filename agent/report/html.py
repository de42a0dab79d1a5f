"""The reviewer's report as one self-contained HTML page.

No script, no external style, font or image: the styles are inline, the ER diagrams inline
SVG, and a Content-Security-Policy forbids loading anything. Every section is open, so the
page reads and prints without JavaScript. Failures come first, right under the verdict.
"""

from __future__ import annotations

from agent import __version__
from agent.diagram import render_erd_svg
from agent.report.highlight import highlight_sql
from agent.report.html_checks import failures_block, index_proof, isolation_matrix, lock_trace, steps
from agent.report.markup import section, table, text
from agent.report.model import LintNote, ReportMigration, ReviewReport, SqlFile
from agent.report.style import STYLE

__all__ = ["render_html"]

_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_HEADINGS = {"passed": "Verification passed", "failed": "Verification FAILED", "not verified": "Not verified"}


def render_html(report: ReviewReport) -> str:
    parts = [_header(report)]
    if report.verification is not None:
        parts.append(failures_block(report.verification))
    parts += [_summary(report), _diagrams(report)]
    if report.verification is not None:
        parts += [steps(report.verification), isolation_matrix(report.verification), index_proof(report.verification)]
    parts += [lock_trace(report.lock_trace, report.trace_error), _migrations(report), _timings(report)]
    body = "\n".join(p for p in parts if p)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{text(_title(report))}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{_nav(report)}\n"
            f"<main>\n{body}\n</main>\n<footer>migration-agent {text(__version__)}</footer>\n</body>\n</html>\n")


def _title(report: ReviewReport) -> str:
    count = len(report.migrations)
    return f"{_HEADINGS[report.verdict]}: {report.project or 'schema'} {report.kind} ({count} migrations)"


def _header(report: ReviewReport) -> str:
    verdict = report.verdict.replace(" ", "-")
    lint = report.lint_notes
    errors = sum(n.severity == "error" for n in lint)
    facts = [f"{text(report.kind)} of {text(report.project or 'the schema')}",
             f"{len(report.migrations)} migration{'s' if len(report.migrations) != 1 else ''}",
             f"{len(lint)} lint finding{'s' if len(lint) != 1 else ''} ({errors} error{'s' if errors != 1 else ''})"]
    if report.verification is not None and report.verification.postgres_version:
        facts.append(f"PostgreSQL {text(report.verification.postgres_version)}")
    return (f'<header class="verdict {verdict}"><h1>{text(_HEADINGS[report.verdict])}</h1>'
            f"<p>{' · '.join(facts)}</p></header>")


def _nav(report: ReviewReport) -> str:
    links = [("summary", "Summary"), ("diagram", "Diagram")]
    if report.verification is not None:
        links = [("failures", "Failures")] * (not report.verification.passed) + links
        links += [("verification", "Steps"), ("tenant-isolation", "Tenant isolation"), ("index-use", "Index use")]
    links += [("lock-trace", "Lock trace")] * bool(report.lock_trace or report.trace_error)
    links += [("migrations", "Migrations"), ("timings", "Timings")]
    return "<nav>" + " ".join(f'<a href="#{a}">{text(label)}</a>' for a, label in links) + "</nav>"


def _names(names: list[str]) -> str:
    return ", ".join(f"<code>{text(n)}</code>" for n in names) if names else '<span class="muted">none</span>'


def _summary(report: ReviewReport) -> str:
    facts = table(["", ""], [["tables created", _names(report.created)], ["tables changed", _names(report.changed)],
                             ["tables dropped", _names(report.dropped)]], "facts")
    parts = [facts, "<h3>Breaking changes for application code</h3>", _items(report.breaking, "none"),
             "<h3>Deploy order</h3>", _deploy_order(report.migrations),
             "<h3>Rollback</h3>", f"<p>{_code_spans(report.rollback)}</p>" if report.rollback else
             '<p class="muted">nothing to roll back</p>']
    if report.warnings:
        parts += ["<h3>Warnings</h3>", _items(report.warnings, "none")]
    return section("summary", "Summary", parts)


def _items(items: list[str], empty: str) -> str:
    if not items:
        return f'<p class="muted">{text(empty)}</p>'
    return "<ul>" + "".join(f"<li>{text(item)}</li>" for item in items) + "</ul>"


def _code_spans(words: str) -> str:
    """The rollback text writes commands and file names between backticks."""
    pieces = text(words).split("`")
    return "".join(f"<code>{p}</code>" if n % 2 else p for n, p in enumerate(pieces))


def _deploy_order(migrations: list[ReportMigration]) -> str:
    before = [m for m in migrations if m.deploy != "after-app"]
    after = [m for m in migrations if m.deploy == "after-app"]
    rows = [_deploy_row(n, m) for n, m in enumerate(before, 1)]
    rows.append(["", '<strong>deploy the application</strong>', "", "", ""])
    rows += [_deploy_row(n, m) for n, m in enumerate(after, len(before) + 1)]
    return table(["#", "migration", "phase", "transaction", "down"], rows, "deploy")


def _deploy_row(number: int, migration: ReportMigration) -> list[str]:
    down = '<span class="badge warn">destructive</span>' if migration.destructive_down else "reversible"
    return [str(number), f'<a href="#m-{text(migration.name)}"><code>{text(migration.up.name)}</code></a>'
            f"<br>{text(migration.title)}", text(migration.phase or "—"), _transaction(migration), down]


def _transaction(migration: ReportMigration) -> str:
    return "one transaction" if migration.transactional else "no transaction (statement by statement)"


def _diagrams(report: ReviewReport) -> str:
    if report.after is None:
        return ""
    highlight = frozenset(report.created + report.changed + report.dropped)
    figures = [_figure(render_erd_svg(report.after, highlight, frozenset(report.changed_columns)),
                       "after the change (changed columns marked)")]
    if report.before is not None and report.before.tables:
        figures.insert(0, _figure(render_erd_svg(report.before, highlight, frozenset(report.removed_columns)),
                                  "before the change (columns that go away marked)"))
    return section("diagram", "Entity-relationship diagram", figures)


def _figure(svg: str, caption: str) -> str:
    return f'<figure class="erd"><figcaption>{text(caption)}</figcaption><div class="scroll">{svg}</div></figure>'


def _migrations(report: ReviewReport) -> str:
    return section("migrations", "Migration files", [_migration(m) for m in report.migrations])


def _migration(migration: ReportMigration) -> str:
    notes = len(migration.up.lint) + len(migration.down.lint)
    facts = [f"phase {text(migration.phase or '—')}", text(migration.deploy or "before-app"),
             text(_transaction(migration)), f"{notes} lint finding{'s' if notes != 1 else ''}"]
    return "\n".join([f'<article class="migration" id="m-{text(migration.name)}">',
                      f"<h3>{text(migration.title)}</h3>", f'<p class="muted">{" · ".join(facts)}</p>',
                      _sql_file(migration.up, "up", True), _sql_file(migration.down, "down", False), "</article>"])


def _sql_file(sql_file: SqlFile, direction: str, is_open: bool) -> str:
    by_line: dict[int, list[LintNote]] = {}
    for note in sql_file.lint:
        by_line.setdefault(note.line, []).append(note)
    rows = []
    for number, line in enumerate(highlight_sql(sql_file.sql), 1):
        marked = " flagged" if number in by_line else ""
        rows.append(f'<div class="line{marked}"><span class="no">{number}</span><code>{line}</code></div>')
        rows += [_lint_note(note) for note in by_line.get(number, [])]
    summary = f"{direction}: <code>{text(sql_file.name)}</code>"
    if sql_file.lint:
        summary += f' <span class="badge warn">{len(sql_file.lint)} lint</span>'
    return (f'<details class="sqlfile"{" open" if is_open or sql_file.lint else ""}><summary>{summary}</summary>'
            f'<div class="code sql">{"".join(rows)}</div></details>')


def _lint_note(note: LintNote) -> str:
    level = "bad" if note.severity == "error" else "warn"
    remedy = f'<div class="muted">{text(note.instead)}</div>' if note.instead else ""
    return (f'<div class="lint {level}"><strong>{text(note.code)} {text(note.name)}</strong> '
            f'({text(note.severity)}, column {note.column}): {text(note.message)}{remedy}</div>')


def _timings(report: ReviewReport) -> str:
    rows = [(s.title, s.duration_ms, s.skipped) for s in report.verification.steps] if report.verification else []
    rows += [(name, ms, None) for name, ms in sorted(report.timings_ms.items())]
    if not rows:
        return ""
    longest = max(ms for _, ms, _ in rows) or 1.0
    cells = [[text(name), f"{ms:.0f} ms" if skipped is None else f"skipped ({text(skipped)})",
              f'<div class="bar" style="width:{max(ms / longest * 100, 0.5):.1f}%"></div>']
             for name, ms, skipped in rows]
    return section("timings", "Timings", [table(["step", "time", ""], cells, "timings")])
