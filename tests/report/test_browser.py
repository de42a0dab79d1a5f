"""The report rendered by a real browser (issue 22): headless Chromium, the network off.

Each report is made by the command line as a user runs it, then loaded: no request but the
file itself, no failed request, no script, the ER diagram in the DOM naming every table, no
horizontal overflow at 1280 px, printable to PDF, and a failure above the fold (800 px).
REPORT_SCREENSHOTS=DIR keeps the screenshots there (docs/ holds the examples' for the README).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.generate.helpers import EXAMPLES, REPO
from tests.report.browser import Page, chromium_or_skip, open_page

pytestmark = pytest.mark.integration

NOW = "2025-12-05T10:30:00Z"
FOLD = 800
FORCE_LOTS = "ALTER TABLE lots FORCE ROW LEVEL SECURITY;\n"


@pytest.fixture(autouse=True)
def _chromium() -> None:
    chromium_or_skip()


def _run(cwd: Path, servers: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agent", *args], cwd=cwd, capture_output=True, text=True,
                          check=False, timeout=600, env={**os.environ, **servers})


@pytest.fixture
def servers(postgres_server_url: str, fresh_database_url: str) -> dict[str, str]:
    return {"SCRATCH_DATABASE_URL": postgres_server_url, "DATABASE_URL": fresh_database_url}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "schemas")
    shutil.copytree(REPO / "migrations", tmp_path / "migrations")
    return tmp_path


def _keep(page: Page, name: str) -> None:
    """Under REPORT_SCREENSHOTS, the top of the page (verdict, summary, diagram) is kept there."""
    kept = os.environ.get("REPORT_SCREENSHOTS")
    if kept:
        page.screenshot(Path(kept) / name, height=1500)


def _texts(page: Page, selector: str) -> list[str]:
    return list(page.evaluate(f"[...document.querySelectorAll({selector!r})].map(e => e.textContent)"))


def _checked(page: Page, tables: set[str], diagrams: int) -> None:
    assert page.requests == [page.url], "the page asked for something besides itself"
    assert page.failed == []
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    svgs = page.evaluate("document.querySelectorAll('figure.erd svg').length")
    assert svgs == diagrams
    for n in range(diagrams):
        names = set(page.evaluate(f"[...document.querySelectorAll('figure.erd svg')[{n}]"
                                  ".querySelectorAll('g.table > text')].map(t => t.textContent)"))
        assert tables <= names
        assert page.evaluate(f"document.querySelectorAll('figure.erd svg')[{n}].getBoundingClientRect().width") > 200
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), "the page overflows sideways"
    assert page.pdf().startswith(b"%PDF")


def _shot(page: Page, tmp_path: Path, name: str) -> Path:
    shot = tmp_path / name
    page.screenshot(shot)
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000
    _keep(page, name)
    return shot


def test_generate_verify_html_on_the_examples(project: Path, servers: dict[str, str], tmp_path: Path) -> None:
    done = _run(project, servers, "generate", "--now", NOW, "--verify", "--rows", "200", "--html", "report.html")
    assert done.returncode == 0, done.stderr
    report = project / "report.html"
    assert "report: report.html" in done.stderr
    with open_page(report, height=FOLD) as page:
        _checked(page, {"lots", "storage_locations"}, diagrams=1)
        assert page.evaluate("document.querySelector('header.verdict h1').textContent") == "Verification passed"
        steps = _texts(page, "#verification details.step summary strong")
        assert steps[:2] == ["Apply up and compare with the schema", "Down restores before, up again gives after"]
        assert set(_texts(page, "table.matrix td:first-child code")) == {"lots", "storage_locations"}
        assert "LEAKED" not in _texts(page, "table.matrix .badge")
        assert page.evaluate("document.querySelectorAll('table.proof tr').length") > 5
        assert page.evaluate("document.querySelectorAll('#lock-trace table.trace tr').length") > 5
        assert len(_texts(page, "article.migration")) == 2
        _shot(page, tmp_path, "report-screenshot.png")


def test_a_planted_fault_shows_its_failure_above_the_fold(project: Path, servers: dict[str, str],
                                                          tmp_path: Path) -> None:
    lots = next((project / "migrations").glob("*_create_lots.sql"))
    assert FORCE_LOTS in lots.read_text()
    lots.write_text(lots.read_text().replace(FORCE_LOTS, ""))
    done = _run(project, servers, "verify", "--dir", "migrations", "--schemas", "schemas", "--rows", "200",
                "--html", "failed.html")
    assert done.returncode == 1, done.stderr
    with open_page(project / "failed.html", height=FOLD) as page:
        _checked(page, {"lots", "storage_locations"}, diagrams=1)
        assert page.evaluate("document.querySelector('header.verdict h1').textContent") == "Verification FAILED"
        first = "document.querySelector('#failures li')"
        assert "forced=False" in page.evaluate(f"{first}.textContent")
        assert page.evaluate(f"{first}.getBoundingClientRect().bottom") <= FOLD
        skipped = _texts(page, "#verification .badge.skip")
        assert skipped and all(reason == "skipped: apply failed" for reason in skipped)
        assert page.evaluate("document.querySelector('details.step').className") == "step failed"
        _shot(page, tmp_path, "report-failure-screenshot.png")


def test_a_diff_with_a_rename_and_a_backfill(tmp_path: Path, servers: dict[str, str]) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "old")
    shutil.copytree(EXAMPLES, tmp_path / "new")
    lots = tmp_path / "new" / "lots.yaml"
    text = lots.read_text()
    text = text.replace("  lot_number:\n    type: string\n",
                        "  lot_code:\n    renamed_from: lot_number\n    type: string\n")
    text = text.replace("  material_id:\n", "  grade:\n    type: string\n    max_length: 5\n    required: true\n"
                        "    backfill: 'A'\n  material_id:\n", 1)
    lots.write_text(text)
    done = _run(tmp_path, servers, "diff", "--from", "old", "--to", "new", "--dir", "out", "--now", NOW, "--verify",
                "--rows", "200", "--html", "diff.html")
    assert done.returncode == 0, done.stderr
    with open_page(tmp_path / "diff.html", height=FOLD) as page:
        _checked(page, {"lots", "storage_locations"}, diagrams=2)
        changed = page.evaluate("[...document.querySelectorAll('figure.erd svg g.table.changed')]"
                                ".map(g => g.dataset.table)")
        assert changed == ["lots", "lots"]
        after = _texts(page, "figure.erd:last-of-type svg g[data-table=lots] text.column")
        assert "lot_code" in after and "grade" in after and "lot_number" not in after
        marked = [sorted(_texts(page, f"figure.erd:{which}-of-type svg g.row.changed text.column"))
                  for which in ("first", "last")]
        assert marked == [["lot_number"], ["grade", "lot_code"]]  # going away before; new after
        deploy = [" ".join(row.split()) for row in _texts(page, "table.deploy tbody tr")]
        assert [row.split("_")[1].split(".")[0] for row in deploy if ".sql" in row] == [
            "expand", "backfill", "index", "validate", "contract"]
        assert "deploy the application" in deploy[-2]  # the contract runs after the application
        breaking = " ".join(_texts(page, "#summary li"))
        assert "renamed to lot_code" in breaking and "grade is new and required" in breaking
        _shot(page, tmp_path, "report-diff-screenshot.png")
