"""The schema the migrations of a folder build, recorded beside them.

`generate` plans from this snapshot to the YAML, so a second run with the same
YAML plans nothing and a run after a new table plans only that table.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from agent.schema.allowed_calls import project_names
from agent.schema.columns import serial_default
from agent.schema.expressions import ExpressionError, ExpressionKind, parse_expression
from agent.schema.sql_objects import SqlObjectError, spec_of, sql_object
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
    for where, problem in _problems(schema):
        raise SnapshotError(f"{path}: {where} {problem}; restore it from version control")
    return schema


def _problems(schema: Schema) -> Iterator[tuple[str, str]]:
    """What the snapshot holds that its YAML could not have made: each SQL object must be what its
    statements parse to, a serial default the agent's own, and every expression pass the rules of
    the YAML (with the snapshot's own functions callable)."""
    for item in schema.sql_objects:
        try:
            parsed = sql_object(spec_of(item))
        except SqlObjectError as error:
            yield f"SQL object {item.name}:", str(error)
            continue
        if parsed != item:
            yield f"SQL object {item.name}:", "is not what its statements parse to"
    for table in schema.tables:
        for column in table.columns:
            if column.serial and column.default != serial_default(table.name, column.name):
                yield (f"table {table.name}, column {column.name}:",
                       "holds a serial default that is not nextval of the column's own sequence")
    with project_names((o.defines for o in schema.sql_objects if o.defines), (e.name for e in schema.enums),
                       (o.sequence for o in schema.sql_objects if o.sequence)):
        for where, text, kind in _expressions(schema):
            try:
                parse_expression(text, kind)
            except ExpressionError as error:
                yield where, str(error)


def _expressions(schema: Schema) -> Iterator[tuple[str, str, ExpressionKind]]:
    """Every expression the snapshot holds: the planner renders them into SQL (a down migration
    adds back a check it drops), so they are held to the rules of the YAML they came from."""
    for table in schema.tables:
        for column in table.columns:
            where = f"table {table.name}, column {column.name}:"
            default = None if column.serial else column.default
            for text, kind in ((default, ExpressionKind.DEFAULT), (column.backfill, ExpressionKind.BACKFILL)):
                if text:
                    yield where, text, kind
        for check in table.checks:
            yield f"table {table.name}, check {check.name}:", check.expression, ExpressionKind.CHECK
        for index in table.indexes:
            for key in index.keys:
                if key not in table.column_names:
                    yield f"table {table.name}, index {index.name}:", key, ExpressionKind.INDEX
            if index.where:
                yield f"table {table.name}, index {index.name}:", index.where, ExpressionKind.WHERE
        for policy in table.policies:
            for text in filter(None, (policy.using, policy.with_check)):
                yield f"table {table.name}, policy {policy.name}:", text, ExpressionKind.POLICY


def snapshot_text(schema: Schema) -> str:
    return schema.model_dump_json(indent=2) + "\n"
