"""`migration-agent codegen`: flags, output folders, exit codes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from agent.commands.codegen import codegen_command
from agent.exit_codes import ExitCode
from tests.codegen.helpers import golden_files
from tests.generate.helpers import EXAMPLES


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(codegen_command, list(args))
    return result.exit_code, result.output


def test_all_targets_write_the_golden_files(tmp_path: Path) -> None:
    code, output = _run(str(EXAMPLES), "--target", "all", "-o", str(tmp_path))
    assert code == ExitCode.OK, output
    written = {p.relative_to(tmp_path).as_posix(): p.read_text() for p in tmp_path.rglob("*") if p.is_file()}
    assert written == golden_files()


def test_repeated_targets_and_options(tmp_path: Path) -> None:
    code, output = _run(str(EXAMPLES), "-t", "ts", "-t", "seed", "-t", "ts", "-o", str(tmp_path),
                        "--decimal", "number", "--rows", "3", "--seed", "9")
    assert code == ExitCode.OK, output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seed", "ts"]
    assert "quantity: number;" in (tmp_path / "ts" / "lot.ts").read_text()
    assert (tmp_path / "seed" / "dev.sql").read_text().count("'LC1-") == 3


def test_unknown_target_is_bad_input(tmp_path: Path) -> None:
    code, _ = _run(str(EXAMPLES), "-t", "java", "-o", str(tmp_path))
    assert code == ExitCode.BAD_INPUT


def test_invalid_schema_is_bad_input_and_writes_nothing(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "broken.yaml").write_text("version: 1\nentity: Broken\ntable: broken\nproperties:\n  x: {type: nope}\n")
    code, _ = _run(str(schemas), "-t", "ts", "-o", str(tmp_path / "out"))
    assert code == ExitCode.BAD_INPUT
    assert not (tmp_path / "out").exists()


def test_compat_writes_for_prisma_6(tmp_path: Path) -> None:
    code, output = _run(str(EXAMPLES), "-t", "prisma", "--compat", "-o", str(tmp_path))
    assert code == ExitCode.OK, output
    assert sorted(p.name for p in (tmp_path / "prisma").iterdir()) == ["schema.prisma"]
    assert 'url      = env("DATABASE_URL")' in (tmp_path / "prisma" / "schema.prisma").read_text()
    code, output = _run(str(EXAMPLES), "-t", "prisma", "-o", str(tmp_path / "current"))
    assert "url" not in (tmp_path / "current" / "prisma" / "schema.prisma").read_text()
    assert "env('DATABASE_URL')" in (tmp_path / "current" / "prisma" / "prisma.config.ts").read_text()
