"""The report page from a report model, without a database: order, escaping, self-containment."""

from __future__ import annotations

import re

import pytest

from agent.report import ReviewReport, render_html
from agent.report.html_checks import ATTACKS
from agent.report.model import LintNote, ReportMigration, SqlFile
from agent.verify.report import Finding, StepReport, VerificationReport
from tests.generate.helpers import EXAMPLES, examples, load

HOSTILE = '<img src=x onerror="alert(1)">'


def _verification(leak: bool) -> VerificationReport:
    rls = [Finding(check=check, table="lots", passed=not (leak and check == "rls-owner"),
                   message=f"{check} on lots {HOSTILE}") for check, _, _ in ATTACKS]
    rls += [Finding(check=check, table="storage_locations", passed=True, message="held") for check, _, _ in ATTACKS]
    index = Finding(check="index-use", table="lots", passed=True, message="chosen",
                    details={"index": "idx_lots_material_id", "query": "SELECT * FROM lots WHERE material_id = $1",
                             "values": ["5360d66b"], "plan": ["Index Scan using idx_lots_material_id on lots"],
                             "how": ""})
    return VerificationReport(postgres_version="18.1", migrations=["m1"], steps=[
        StepReport(name="apply", title="Apply up", duration_ms=12, findings=[
            Finding(check="apply-up", passed=True, message="1 file(s) applied")]),
        StepReport(name="rls", title="Tenant isolation (RLS)", duration_ms=40, findings=rls),
        StepReport(name="index_use", title="Index use", duration_ms=3, findings=[index])])


def _migration() -> ReportMigration:
    up = "-- Migration: Create lots\nBEGIN;\nALTER TABLE lots ADD COLUMN c int;\nCOMMIT;\n"
    note = LintNote(code="MA401", name="lock-timeout", severity="error", message=f"no lock_timeout {HOSTILE}",
                    line=3, column=1, instead="SET lock_timeout first")
    return ReportMigration(name="20250101000000_create_lots", title="Create lots", phase="expand", deploy="before-app",
                           up=SqlFile(name="20250101000000_create_lots.sql", sql=up, lint=[note]),
                           down=SqlFile(name="20250101000000_create_lots_down.sql", sql="DROP TABLE lots;\n"))


def _report(leak: bool = True) -> ReviewReport:
    after = examples().schema
    return ReviewReport(kind="generate", project="wms", migrations=[_migration()], before=None, after=after,
                        breaking=[f"lots.x is gone {HOSTILE}"], rollback="`migrate down --steps 1` runs `x_down.sql`",
                        verification=_verification(leak), timings_ms={"Lint": 2.0})


def test_a_failure_comes_right_after_the_verdict_and_before_everything_else() -> None:
    page = render_html(_report())
    assert "<h1>Verification FAILED</h1>" in page
    verdict, failures, summary = (page.index(s) for s in ("<h1>", 'id="failures"', 'id="summary"'))
    assert verdict < failures < summary
    failed_block = page[failures:summary]
    assert "rls-owner" in failed_block and "rls-visibility" not in failed_block


def test_a_passed_verification_has_no_failure_block() -> None:
    page = render_html(_report(leak=False))
    assert "<h1>Verification passed</h1>" in page and 'id="failures"' not in page


def test_text_from_findings_lint_and_breaking_changes_is_escaped() -> None:
    page = render_html(_report())
    assert HOSTILE not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


def test_nothing_is_loaded_and_nothing_runs() -> None:
    page = render_html(_report())
    assert "<script" not in page.lower() and "<link" not in page.lower() and "@import" not in page
    assert not re.findall(r'\b(?:src|href)="(?!#)', page)
    assert "default-src 'none'" in page


def test_the_isolation_matrix_has_a_row_per_table_and_a_cell_per_attack() -> None:
    page = render_html(_report())
    matrix = page[page.index('<table class="matrix">'):]
    matrix = matrix[:matrix.index("</table>")]
    assert matrix.count("<tr>") == 3  # heading and two tables
    assert matrix.count(">LEAKED<") == 1 and matrix.count(">held<") == 2 * len(ATTACKS) - 1


def test_lint_findings_sit_under_their_line() -> None:
    page = render_html(_report())
    line3 = page.index('<span class="no">3</span>')
    note, line4 = page.index("MA401 lock-timeout"), page.index('<span class="no">4</span>')
    assert line3 < note < line4
    assert 'class="line flagged"><span class="no">3</span>' in page


def test_index_use_shows_the_query_and_the_plan() -> None:
    page = render_html(_report())
    section = page[page.index('id="index-use"'):page.index('id="migrations"')]
    assert "idx_lots_material_id" in section and "Index Scan using idx_lots_material_id on lots" in section
    assert "values: 5360d66b" in section


def test_the_same_report_gives_the_same_page() -> None:
    assert render_html(_report()) == render_html(_report())


@pytest.mark.parametrize("with_before", [False, True])
def test_diagrams_after_and_before_with_the_changed_table_highlighted(with_before: bool) -> None:
    after = examples().schema
    files = {p.name: p.read_text() for p in EXAMPLES.glob("*.yaml")}
    files["lots.yaml"] = files["lots.yaml"].replace("  material_id:\n", "  grade:\n    type: text\n  material_id:\n", 1)
    changed = load(files).schema
    report = ReviewReport(kind="diff", before=after if with_before else None, after=changed)
    page = render_html(report)
    assert report.changed == ["lots"] if with_before else report.created == ["lots", "storage_locations"]
    assert page.count("<svg") == (2 if with_before else 1)
    assert page.count('class="table changed" data-table="lots"') == (2 if with_before else 1)
    assert report.changed_columns == ([("lots", "grade")] if with_before else [])
    assert page.count('class="row changed"') == (1 if with_before else 0)


def test_hostile_identifiers_are_shown_as_text() -> None:
    """Any PostgreSQL identifier is a name (issue 23): markup in one stays text in the page and the SVG."""
    files = {"project.yaml": "project:\n  name: p\n",
             "a.yaml": 'version: 1\nentity: A\ntable: "<script>alert(1)</script>"\nproperties:\n'
                       '  "x</text><b>":\n    type: text\n'}
    schema = load(files).schema
    page = render_html(ReviewReport(kind="generate", before=None, after=schema))
    assert "<script" not in page and "</text><b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "x&lt;/text&gt;&lt;b&gt;" in page
