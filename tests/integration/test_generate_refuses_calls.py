"""Issue #16's acceptance: `generate --verify` of a schema whose default reads a server file
exits 2 before any SQL exists, naming the function and its line, and writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

PARTS = """\
version: 1
entity: Part
table: parts
properties:
  code:
    type: text
    required: true
  secret:
    type: text
    default: {sql: "pg_read_file('/etc/passwd')"}
"""


def test_generate_verify_refuses_a_default_that_reads_a_file(tmp_path: Path, postgres_server_url: str) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "parts.yaml").write_text(PARTS)
    result = subprocess.run(
        [sys.executable, "-m", "agent", "generate", "schemas", "--verify", "--dir", "out"], cwd=tmp_path,
        capture_output=True, text=True, check=False, timeout=300,
        env={**os.environ, "SCRATCH_DATABASE_URL": postgres_server_url, "DATABASE_URL": postgres_server_url})
    assert result.returncode == 2, result.stdout + result.stderr
    assert "parts.yaml:10:20 properties.secret.default.sql: calls pg_read_file(), which reads files on the server" \
        in result.stderr
    assert "root:" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
