"""The schema the migrations of a folder build, recorded beside them.

`generate` plans from this snapshot to the YAML, so a second run with the same
YAML plans nothing and a run after a new table plans only that table.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from agent.schema.expressions import ExpressionError, ExpressionKind, parse_expression
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
        schema = Schema.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError) as error:
        raise SnapshotError(f"{path} is unreadable ({error}); restore it from version control") from None
    for where, text, kind in _expressions(schema):
        try:
            parse_expression(text, kind)
        except ExpressionError as error:
            raise SnapshotError(f"{path}: {where} {error}; restore it from version control") from None
    return schema


def _expressions(schema: Schema) -> Iterator[tuple[str, str, ExpressionKind]]:
    """Every expression the snapshot holds: the planner renders them into SQL (a down migration
    adds back a check it drops), so they are held to the rules of the YAML they came from."""
    for table in schema.tables:
        for column in table.columns:
            for text, kind in ((column.default, ExpressionKind.DEFAULT), (column.backfill, ExpressionKind.BACKFILL)):
                if text:
                    yield f"table {table.name}, column {column.name}:", text, kind
        for check in table.checks:
            yield f"table {table.name}, check {check.name}:", check.expression, ExpressionKind.CHECK
        for index in table.indexes:
            for key in index.keys:
                yield f"table {table.name}, index {index.name}:", key, ExpressionKind.INDEX
            if index.where:
                yield f"table {table.name}, index {index.name}:", index.where, ExpressionKind.WHERE
        for policy in table.policies:
            for text in filter(None, (policy.using, policy.with_check)):
                yield f"table {table.name}, policy {policy.name}:", text, ExpressionKind.POLICY


def snapshot_text(schema: Schema) -> str:
    return schema.model_dump_json(indent=2) + "\n"
