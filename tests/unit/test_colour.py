"""Colour in results on a terminal, none when piped or with NO_COLOR: verification steps
(passed green, failed red) and lint findings (errors red, warnings yellow). The schema errors'
colour is tested with them (tests/unit/test_cli_schema_errors.py)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from agent.commands import common
from agent.verify.report import Finding, StepReport, VerificationReport

GREEN, RED, YELLOW = "\x1b[32m", "\x1b[31m", "\x1b[33m"
REPORT = VerificationReport(postgres_version="18.1", steps=[
    StepReport(name="apply", title="apply up", findings=[Finding(check="c", passed=True, message="fine")]),
    StepReport(name="rls", title="tenant isolation",
               findings=[Finding(check="c", passed=False, message="tenant B sees a row", table="lots")]),
    StepReport(name="index_use", title="index use", skipped="no rows"),
])
LINT_SQL = "ALTER TABLE lots ADD COLUMN x int NOT NULL DEFAULT random();\nCREATE INDEX i ON lots (x);\n"


def _printed_report(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    buffer = io.StringIO()
    monkeypatch.setattr(common, "out", Console(file=buffer, force_terminal=True, color_system="standard",
                                               highlight=False, soft_wrap=True))
    common.print_report(REPORT)
    return buffer.getvalue()


def test_verification_steps_are_green_and_red_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = _printed_report(monkeypatch).splitlines()
    assert lines[0] == f"Verification {RED}FAILED\x1b[0m on PostgreSQL 18.1:"
    assert lines[1].startswith(f"  {GREEN}ok  \x1b[0m apply up")
    assert lines[2].startswith(f"  {RED}FAIL\x1b[0m tenant isolation")
    assert lines[3] == f"{RED}       - lots: tenant B sees a row\x1b[0m"
    assert lines[4].startswith(f"  {YELLOW}skip\x1b[0m index use")


def test_no_colour_with_no_color_even_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    printed = _printed_report(monkeypatch, NO_COLOR="1")
    assert "\x1b[" not in printed
    assert "  FAIL tenant isolation" in printed


def _lint(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "m.sql").write_text(LINT_SQL)
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run([sys.executable, "-m", "agent", "lint", "m.sql"], cwd=tmp_path, capture_output=True,
                          text=True, check=False, env={**environment, **env})


def test_lint_errors_red_and_warnings_yellow_on_a_terminal(tmp_path: Path) -> None:
    result = _lint(tmp_path, FORCE_COLOR="1")
    assert result.returncode == 1
    assert f"m.sql:1:44: {RED}error MA109 volatile-default: " in result.stdout
    assert f"m.sql:1:1: {YELLOW}warning MA402 " in result.stdout


@pytest.mark.parametrize("env", [{}, {"NO_COLOR": "1", "FORCE_COLOR": "1"}], ids=["piped", "NO_COLOR"])
def test_lint_has_no_colour_piped_or_with_no_color(tmp_path: Path, env: dict[str, str]) -> None:
    result = _lint(tmp_path, **env)
    assert result.returncode == 1
    assert "m.sql:1:44: error MA109 volatile-default: " in result.stdout
    assert "\x1b[" not in result.stdout
