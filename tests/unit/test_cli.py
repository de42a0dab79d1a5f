from __future__ import annotations

import subprocess
import sys

import pytest


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


@pytest.mark.parametrize("command", [
    ["migrate", "status", "--database-url"], ["import", "-o", "out", "--database-url"],
    ["diff", "--from-database"], ["lint", "--trace", "x.sql", "--database-url"],
])
@pytest.mark.parametrize(("url", "reason"), [
    ("notaurl", "'notaurl' must start with postgresql:// or postgres://"),
    ("postgresql://ann:s3cret@db:99999/x", "'postgresql://ann:***@db:99999/x' is not a valid URL (Port out of range"),
])
def test_a_malformed_database_url_is_bad_input_and_hides_the_password(
        command: list[str], url: str, reason: str) -> None:
    """Before: a traceback (exit 1), "cannot connect" (exit 3), or pg_dump reading it as a name."""
    result = run(*command, url)
    assert result.returncode == 2
    assert reason in result.stderr
    assert "s3cret" not in result.stderr


@pytest.mark.parametrize("command", [["migrate", "status", "--database-url"],
                                     ["import", "-o", "out", "--database-url"]])
def test_a_url_the_driver_cannot_use_is_bad_input(command: list[str]) -> None:
    result = run(*command, "postgresql://db/x?sslmode=sometimes")
    assert result.returncode == 2
    assert "the database URL is not usable: `sslmode` parameter must be one of" in result.stderr
