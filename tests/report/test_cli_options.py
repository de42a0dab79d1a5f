"""`--html` asks for the verification's report: without `--verify` it is a usage error (exit 2)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.generate.helpers import EXAMPLES


@pytest.mark.parametrize("command", [["generate"], ["diff", "--from", "schemas", "--to", "schemas"]])
def test_html_without_verify_is_refused_and_nothing_is_written(tmp_path: Path, command: list[str]) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "schemas")
    done = subprocess.run([sys.executable, "-m", "agent", *command, "--html", "r.html"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    assert "--html needs --verify" in done.stderr
    assert not (tmp_path / "r.html").exists() and not (tmp_path / "migrations").exists()
