"""The operators' activity log: one markdown entry per run, appended in one write."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from agent.safe_text import markdown_line

__all__ = ["DEFAULT_LOG", "MAX_BYTES", "append_entry"]

DEFAULT_LOG = Path("logs/database-migration-agent.log.md")
MAX_BYTES = 5 * 1024 * 1024


def append_entry(title: str, lines: list[str], path: Path = DEFAULT_LOG) -> None:
    """Append `## <time> <title>` and its lines; rotate to `.1` past MAX_BYTES. One write, so
    concurrent writers never interleave inside an entry. Every line is made inert first: text a
    job sent can neither end its line nor open a heading or a fence."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.stat().st_size > MAX_BYTES:
        path.replace(path.with_suffix(path.suffix + ".1"))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    entry = "\n".join([f"## {stamp} {markdown_line(title)}", "", *(f"- {markdown_line(line)}" for line in lines),
                       "", ""])
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(descriptor, entry.encode())
    finally:
        os.close(descriptor)
