from __future__ import annotations

import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent", *args], capture_output=True, text=True, check=False
    )


def test_help_lists_every_command() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ["generate", "diff", "verify", "lint", "codegen", "migrate", "serve",
                    "submit", "memory", "logs", "servers", "import"]:
        assert f"  {command} " in result.stdout, command


def test_wrong_flag_exits_2_with_one_line_reason() -> None:
    result = run("--no-such-flag")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["migration-agent: No such option '--no-such-flag'."]


def test_bad_environment_setting_exits_2_naming_it() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "agent", "servers", "status"],
        capture_output=True, text=True, check=False,
        env={"DATABASE_URL": "mysql://nope", "PATH": ""},
    )
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr
