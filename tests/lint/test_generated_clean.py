"""The agent's own generated migrations lint clean: no findings, no ignores (issue 6).

Migrations are generated into a temporary folder from the repository's `schemas/` and from
a synthetic schema (chains of references, a self-reference and a reference cycle), then
linted as `migration-agent lint DIR/*.sql` would: every up and down file, in name order,
with the default rules and `--fail-on warning`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from agent.jobs.generate import GenerateOutcome, generate_migrations
from agent.lint.command import lint_command
from agent.schema import load_schema_dir, load_schema_sources
from agent.schema.tables import Schema
from tests.generate.synthetic import synthetic_schema

REPO = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2025, 12, 5, 10, 30, tzinfo=dt.UTC)


def _generate(which: str) -> GenerateOutcome:
    if which == "evolution":
        return _evolution_diff()
    examples = which == "examples"
    loaded = load_schema_dir(REPO / "schemas") if examples else load_schema_sources(
        synthetic_schema(20)
    )
    return generate_migrations(loaded, Schema(), NOW, [])


def _evolution_diff() -> GenerateOutcome:
    """The diff migrations of the v1 -> v2 example, destructive steps included."""
    evolution = Path(__file__).resolve().parents[1] / "diff" / "evolution"
    v1, v2 = load_schema_dir(evolution / "v1"), load_schema_dir(evolution / "v2")
    return generate_migrations(v2, v1.schema, NOW, [], allow_changes=True, allow_destructive=True)


def _lint_folder(outcome: GenerateOutcome, folder: Path) -> tuple[int, dict[str, list[dict]]]:
    paths = []
    for new in outcome.files():
        path = folder / new.name
        path.write_text(new.content, encoding="utf-8")
        paths.append(path)
    assert any(p.name.endswith("_down.sql") for p in paths)
    args = ["--format", "json", "--fail-on", "warning", *map(str, sorted(paths))]
    result = CliRunner().invoke(lint_command, args)
    report = json.loads(result.output)
    assert len(report["files"]) == len(paths)
    findings = {Path(f["path"]).name: f["findings"] + f["suppressed"] for f in report["files"]}
    return result.exit_code, findings


@pytest.mark.parametrize("which", ["examples", "synthetic", "evolution"])
def test_generated_migrations_have_no_findings(which: str, tmp_path: Path) -> None:
    outcome = _generate(which)
    assert "-- agent:ignore" not in "".join(f.content for f in outcome.files())
    exit_code, findings = _lint_folder(outcome, tmp_path)
    problems = [f"{name}:{f['line']}:{f['column']} {f['code']} {f['message']}" for name, found in findings.items()
                for f in found]
    assert problems == []
    assert exit_code == 0


@pytest.mark.parametrize("widening", ["varchar", "enum", "enum under a policy"])
def test_the_planners_widenings_lint_clean_both_ways(widening: str, tmp_path: Path) -> None:
    """Issue 19: the down of an enum widening got MA304 (its type change after the dropped
    check), and under a policy, where the planner wraps it in a DO block, MA305. Only the
    reasoned MA108 ignore of the narrowing back remains."""
    from tests.diff.test_change_kinds import POLICY
    from tests.lint.test_lint_widening_down import MORE_VALUES, WIDER_CODE, _lint

    items = {"varchar": WIDER_CODE, "enum": MORE_VALUES, "enum under a policy": MORE_VALUES + POLICY}[widening]
    files = _lint(items, tmp_path)
    assert {name: f["findings"] for name, f in files.items() if f["findings"]} == {}
    assert {s["code"] for f in files.values() for s in f["suppressed"]} <= {"MA108"}
