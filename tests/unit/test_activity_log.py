"""The activity log: whole entries from concurrent writers, rotation by size."""

from __future__ import annotations

import multiprocessing
import re
from pathlib import Path

import pytest

from agent import activity_log
from agent.activity_log import append_entry


def _write_many(path: str, writer: int) -> None:
    for i in range(50):
        append_entry(f"job w{writer}-{i}", [f"line {n} of w{writer}-{i} " + "x" * 200 for n in range(20)], Path(path))


def test_concurrent_processes_never_interleave_lines_of_an_entry(tmp_path: Path) -> None:
    path = tmp_path / "log.md"
    processes = [multiprocessing.Process(target=_write_many, args=(str(path), w)) for w in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    entries = path.read_text().split("## ")[1:]
    assert len(entries) == 200
    for entry in entries:
        name = re.search(r"job (w\d+-\d+)", entry).group(1)  # type: ignore[union-attr]
        body = [line for line in entry.splitlines()[1:] if line]
        assert len(body) == 20 and all(f"of {name} " in line for line in body)


def test_the_log_rotates_past_its_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(activity_log, "MAX_BYTES", 1000)
    path = tmp_path / "log.md"
    for i in range(10):
        append_entry(f"job {i}", ["y" * 300], path)
    rotated = path.with_suffix(".md.1")
    assert rotated.exists() and path.stat().st_size <= 1000 + 400
    assert "job 9" in path.read_text() and "job 9" not in rotated.read_text()


def test_logs_follow_prints_entries_appended_after_it_started(tmp_path: Path) -> None:
    import select
    import subprocess
    import sys
    import time

    path = tmp_path / "log.md"
    append_entry("job first", ["one"], path)
    follower = subprocess.Popen([sys.executable, "-m", "agent", "logs", "-f", "-n", "5", "--path", str(path)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.5)
        append_entry("job second", ["two"], path)
        deadline = time.monotonic() + 20
        seen = ""
        while "job second" not in seen and time.monotonic() < deadline:
            assert follower.stdout is not None
            if select.select([follower.stdout], [], [], 1)[0]:  # never block past the deadline
                seen += follower.stdout.readline()
    finally:
        follower.terminate()
        follower.wait(10)
    assert "job first" in seen and "job second" in seen
