"""What native enum types need between two schemas: new types first, changed ones in place
(renamed and added values) or through a new type (a value removed or moved), dropped ones last."""

from __future__ import annotations

from agent.plan.enum_operations import (
    AddEnumValue,
    CreateEnumType,
    DropEnumType,
    EnumColumn,
    RecreateEnumType,
    RenameEnumValue,
)
from agent.plan.errors import PlanError
from agent.plan.operations import Operation
from agent.schema.literals import quote_ident
from agent.schema.tables import EnumTypeDef, Schema

__all__ = ["enum_columns", "enum_operations"]


def enum_columns(schema: Schema, name: str) -> tuple[EnumColumn, ...]:
    """The columns of `schema` whose type is the enum `name` or an array of it."""
    kind = quote_ident(name)
    return tuple(EnumColumn(table.name, column.name, column.sql_type.endswith("[]"), column.default)
                 for table in schema.tables for column in table.columns
                 if column.sql_type in (kind, f"{kind}[]"))


def enum_operations(old: Schema, new: Schema, allow_destructive: bool) -> tuple[list[Operation], list[Operation]]:
    """(operations before every table change, operations after every one)."""
    first: list[Operation] = []
    for after in new.enums:
        before = old.enum(after.name)
        if before is None:
            first.append(CreateEnumType(after.name, after.values))
        elif before.values != after.values:
            first += _changes(before, after, enum_columns(old, after.name), allow_destructive)
    last: list[Operation] = [DropEnumType(e.name, e.values) for e in old.enums if new.enum(e.name) is None]
    return first, last


def _changes(before: EnumTypeDef, after: EnumTypeDef, columns: tuple[EnumColumn, ...],
             allow_destructive: bool) -> list[Operation]:
    renames = {old: new for new, old in after.renamed_from if old in before.values and new not in before.values}
    operations: list[Operation] = [RenameEnumValue(after.name, old, new) for old, new in sorted(renames.items())]
    current = tuple(renames.get(v, v) for v in before.values)
    if _in_order(current, after.values):
        return operations + _additions(after, current, columns)
    removed = [v for v in current if v not in after.values]
    if removed and not allow_destructive:
        raise PlanError(f"enum type {after.name} loses value(s) {', '.join(removed)}: rows holding them would "
                        "stop the migration; rerun with --allow-destructive once no row holds them")
    return [*operations, RecreateEnumType(after.name, current, after.values, columns)]


def _in_order(current: tuple[str, ...], wanted: tuple[str, ...]) -> bool:
    """Every current value is still there, in the same order: only additions remain."""
    kept = [v for v in wanted if v in current]
    return kept == list(current)


def _additions(after: EnumTypeDef, current: tuple[str, ...], columns: tuple[EnumColumn, ...]) -> list[Operation]:
    operations: list[Operation] = []
    values = current
    for position, value in enumerate(after.values):
        if value in values:
            continue
        previous = after.values[position - 1] if position else None
        operation = AddEnumValue(after.name, value, values, previous, columns)
        operations.append(operation)
        values = operation.values_after
    return operations
