"""The schema the migrations of a folder build, recorded beside them.

`generate` plans from this snapshot to the YAML, so a second run with the same
YAML plans nothing and a run after a new table plans only that table.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from agent.schema.tables import Schema

__all__ = ["SNAPSHOT_FILE", "SnapshotError", "read_snapshot", "snapshot_text"]

SNAPSHOT_FILE = "schema.snapshot.json"


class SnapshotError(RuntimeError):
    pass


def read_snapshot(directory: Path) -> Schema:
    path = directory / SNAPSHOT_FILE
    if not path.exists():
        return Schema()
    try:
        return Schema.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError) as error:
        raise SnapshotError(f"{path} is unreadable ({error}); restore it from version control") from None


def snapshot_text(schema: Schema) -> str:
    return schema.model_dump_json(indent=2) + "\n"
