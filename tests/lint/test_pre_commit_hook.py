"""The pre-commit hook runs the linter through the installed CLI command."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from agent.cli import COMMANDS

REPO = Path(__file__).resolve().parents[2]


def _hook() -> dict[str, object]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    found = [h for h in hooks if h.get("id") == "migration-agent-lint"]
    assert len(found) == 1 and isinstance(found[0], dict)
    return dict(found[0])


def test_hook_entry_is_the_cli_lint_command() -> None:
    hook = _hook()
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    program, subcommand = str(hook["entry"]).split()
    assert program in scripts and scripts[program] == "agent.cli:main"
    assert subcommand in COMMANDS and COMMANDS[subcommand].startswith("agent.lint.")
    assert hook["language"] == "python"


def test_hook_selects_sql_files_only() -> None:
    pattern = re.compile(str(_hook()["files"]))
    assert [p for p in ("m/001_a.sql", "up.sql", "a.sql.bak", "schema.yaml", "x.py") if pattern.search(p)] == [
        "m/001_a.sql", "up.sql",
    ]


def test_entry_takes_the_file_names_pre_commit_appends(tmp_path: Path) -> None:
    clean = tmp_path / "001_a.sql"
    clean.write_text("CREATE TABLE a (a_id bigint PRIMARY KEY);\n", encoding="utf-8")
    bad = tmp_path / "002_b.sql"
    bad.write_text("SET lock_timeout = '2s';\nALTER TABLE a ALTER COLUMN a_id TYPE int;\n", encoding="utf-8")
    program, *args = str(_hook()["entry"]).split()
    command = [str(Path(sys.executable).with_name(program)), *args]  # the script pip installed
    ok = subprocess.run([*command, str(clean)], capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    failed = subprocess.run([*command, str(clean), str(bad)], capture_output=True, text=True, check=False)
    assert failed.returncode == 1 and "002_b.sql:2:" in failed.stdout, failed.stdout + failed.stderr
