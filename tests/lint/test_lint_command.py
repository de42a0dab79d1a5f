"""The click command: formats, exit codes, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from agent.lint.command import lint_command

CLEAN = "CREATE TABLE t (t_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n"
WARNING_ONLY = "CREATE TABLE t (t_id bigint PRIMARY KEY, payload json);\n"
ERROR = "CREATE INDEX i ON lots (a);\n"
REPO = Path(__file__).resolve().parents[2]


def _run(tmp_path: Path, sql: str, *args: str) -> tuple[int, str]:
    path = tmp_path / "001_m.sql"
    path.write_text(sql, encoding="utf-8")
    result = CliRunner().invoke(lint_command, [str(path), *args])
    return result.exit_code, result.output


def test_clean_file_exits_0(tmp_path: Path) -> None:
    code, out = _run(tmp_path, CLEAN)
    assert code == 0 and "0 error(s), 0 warning(s)" in out


def test_errors_exit_1(tmp_path: Path) -> None:
    code, out = _run(tmp_path, ERROR)
    assert code == 1 and "MA101" in out


def test_warnings_only_exit_0_unless_fail_on_warning(tmp_path: Path) -> None:
    assert _run(tmp_path, WARNING_ONLY)[0] == 0
    assert _run(tmp_path, WARNING_ONLY, "--fail-on", "warning")[0] == 1


def test_json_format(tmp_path: Path) -> None:
    code, out = _run(tmp_path, ERROR, "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["summary"]["errors"] == 2
    assert {f["code"] for f in data["files"][0]["findings"]} == {"MA101", "MA401", "MA402"}


def test_github_format(tmp_path: Path) -> None:
    _, out = _run(tmp_path, ERROR, "--format", "github")
    assert out.startswith("::error file=")


def test_syntax_error_exits_2_with_position(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "SELECT 1;\nCREATE TABEL x ();\n")
    assert code == 2
    assert "001_m.sql:2:8: error MA000 syntax-error: syntax error" in out


def test_sql_too_deep_for_the_parser_exits_2_naming_the_file(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "SELECT " + "+".join(["1"] * 20_000) + ";\n")
    assert code == 2
    assert "001_m.sql:1:1: error MA000 syntax-error: stack depth limit exceeded" in out


def test_unreadable_file_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(lint_command, [str(tmp_path / "missing.sql")])
    assert result.exit_code == 2 and "cannot read" in result.output


def test_several_files_are_all_reported(tmp_path: Path) -> None:
    (tmp_path / "a.sql").write_text(ERROR)
    (tmp_path / "b.sql").write_text(ERROR)
    result = CliRunner().invoke(lint_command, [str(tmp_path / "a.sql"), str(tmp_path / "b.sql")])
    assert result.exit_code == 1
    assert "a.sql:1:19" in result.output and "b.sql:1:19" in result.output


def test_trace_with_unreachable_server_exits_3(tmp_path: Path) -> None:
    path = tmp_path / "m.sql"
    path.write_text(CLEAN)
    env = {"SCRATCH_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/postgres"}
    result = CliRunner(env=env).invoke(lint_command, [str(path), "--trace"])
    assert result.exit_code == 3 and "cannot connect" in result.output


VARCHAR = "CREATE TABLE t (t_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, c varchar(20));\n"


def test_rule_off_by_default_runs_with_enable(tmp_path: Path) -> None:
    assert "MA502" not in _run(tmp_path, VARCHAR)[1]
    code, out = _run(tmp_path, VARCHAR, "--enable", "MA502", "--fail-on", "warning")
    assert code == 1 and "MA502" in out
    assert "MA502" in _run(tmp_path, VARCHAR, "--enable", "prefer-text")[1]


def test_disable_turns_rules_off_and_wins_over_enable(tmp_path: Path) -> None:
    code, out = _run(tmp_path, ERROR, "--disable", "MA101", "--disable", "ma401",
                     "--disable", "missing-statement-timeout")
    assert code == 0 and "0 error(s), 0 warning(s)" in out
    assert "MA502" not in _run(tmp_path, VARCHAR, "--enable", "MA502", "--disable", "MA502")[1]


def test_unknown_rule_exits_2(tmp_path: Path) -> None:
    code, out = _run(tmp_path, CLEAN, "--enable", "MA999")
    assert code == 2 and "MA999" in out


def test_migration_agent_lint_loads_only_what_lint_needs(tmp_path: Path) -> None:
    """`migration-agent lint` starts without the other commands' imports (or the settings)."""
    path = tmp_path / "001_m.sql"
    path.write_text(ERROR, encoding="utf-8")
    script = (
        "import sys\nfrom agent.cli import app\n"
        "try:\n    app.main(prog_name='migration-agent')\nexcept SystemExit as done:\n    code = done.code\n"
        "heavy = ('pydantic', 'rich', 'asyncpg', 'nats', 'structlog', 'yaml', 'agent.config')\n"
        "print(code, sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "lint", "--format", "json", str(path)],
        capture_output=True, text=True, check=False, cwd=REPO,
    )
    assert done.stderr.strip() == "1 []"
    assert [f["code"] for f in json.loads(done.stdout)["files"][0]["findings"]] == ["MA401", "MA402", "MA101"]


def test_cli_log_formats_are_the_settings_ones() -> None:
    from agent.cli import LOG_FORMATS
    from agent.config import LogFormat

    assert tuple(f.value for f in LogFormat) == LOG_FORMATS


def test_trace_loads_the_settings_the_root_command_deferred(tmp_path: Path) -> None:
    path = tmp_path / "001_m.sql"
    path.write_text(CLEAN, encoding="utf-8")
    from agent.cli import app

    runner = CliRunner(env={"AGENT_LOG_LEVEL": "nonsense"})  # --log-level is a choice click checks itself
    result = runner.invoke(app, ["lint", str(path)])
    assert result.exit_code == 0
    result = runner.invoke(app, ["lint", "--trace", str(path)])
    assert result.exit_code == 2
    assert "AGENT_LOG_LEVEL" in result.output


def test_migration_agent_lint_output_survives_the_quick_exit(tmp_path: Path) -> None:
    paths = []
    for number in range(250):  # enough files for worker processes
        path = tmp_path / f"{number:03d}_m.sql"
        path.write_text(ERROR if number % 2 else CLEAN, encoding="utf-8")
        paths.append(str(path))
    done = subprocess.run(
        [sys.executable, "-m", "agent", "lint", "--format", "json", *paths],
        capture_output=True, text=True, check=False, cwd=REPO,
    )
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert [f["path"] for f in report["files"]] == paths
    assert report["summary"]["errors"] == 125 * 2


def test_a_folder_is_its_sql_files_in_path_order(tmp_path: Path) -> None:
    """The index of 1/ covers the foreign key of 2/ only when 1/ is read first."""
    (tmp_path / "2").mkdir()
    (tmp_path / "1").mkdir()
    (tmp_path / "1" / "up.sql").write_text(
        "CREATE TABLE c (c_id bigint PRIMARY KEY, p_id bigint);\nCREATE INDEX idx_c_p ON c (p_id);\n")
    (tmp_path / "2" / "up.sql").write_text(
        "SET lock_timeout = '2s';\nALTER TABLE c ADD CONSTRAINT c_p_fk FOREIGN KEY (p_id) REFERENCES p (p_id) "
        "ON DELETE CASCADE NOT VALID;\n")
    (tmp_path / "2" / "notes.txt").write_text("not SQL")
    result = CliRunner().invoke(lint_command, [str(tmp_path), "--format", "json"])
    report = json.loads(result.output)
    assert [Path(f["path"]).relative_to(tmp_path).as_posix() for f in report["files"]] == ["1/up.sql", "2/up.sql"]
    assert "MA602" not in [x["code"] for f in report["files"] for x in f["findings"]]


def test_a_folder_without_sql_files_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(lint_command, [str(tmp_path)])
    assert result.exit_code == 2 and "a folder with no .sql files" in result.output
