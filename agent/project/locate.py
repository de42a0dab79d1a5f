"""Where the project file is: the nearest one walking up from the working directory."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

__all__ = ["PROJECT", "PROJECT_FILE", "PYPROJECT", "locate_project_file", "read_toml", "tool_table"]

PROJECT_FILE = "migration-agent.toml"
PYPROJECT = "pyproject.toml"
PROJECT = "migration_agent.project"
"""The key of the loaded project file in the root click context's `meta`."""


def locate_project_file(start: Path | None = None) -> Path | None:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / PROJECT_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and tool_table(pyproject) is not None:
            return pyproject
    return None


def read_toml(path: Path) -> dict[str, Any]:
    """The file's tables; OSError, UnicodeDecodeError or tomllib.TOMLDecodeError when unreadable."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


def tool_table(pyproject: Path) -> dict[str, Any] | None:
    try:
        table = read_toml(pyproject).get("tool", {}).get("migration-agent")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return table if isinstance(table, dict) else None
