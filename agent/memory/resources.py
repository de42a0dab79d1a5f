"""The files that `memory/` gives the package, installed as `agent._memory` (see setup.py): the
core lessons, the memory store's schema in the schema language and its migrations."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["PACKAGE", "core_lessons_file", "memory_migrations_dir", "memory_schema_dir"]

PACKAGE = "agent._memory"


def _packaged(name: str) -> Path:
    """A real path: a wheel and an editable install both keep the package's files on disk."""
    try:
        resource = files(PACKAGE) / name
    except ModuleNotFoundError:
        raise FileNotFoundError(f"the installed migration-agent lacks its memory files ({PACKAGE}); "
                                "reinstall it") from None
    if not isinstance(resource, Path) or not resource.exists():
        raise FileNotFoundError(f"the installed migration-agent lacks {PACKAGE}/{name}; reinstall it")
    return resource


def core_lessons_file() -> Path:
    return _packaged("core-lessons.yaml")


def memory_migrations_dir() -> Path:
    return _packaged("migrations")


def memory_schema_dir() -> Path:
    return _packaged("schema")
