"""Columns to properties: type, `required`, `default`, `description`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agent.catalog.model import Column
from agent.importing.context import TableImport
from agent.importing.defaults import yaml_default
from agent.importing.types import property_type
from agent.schema.columns import serial_default
from agent.schema.expressions import ExpressionError, ExpressionKind, parse_expression

__all__ = ["add_defaults", "add_properties", "is_serial"]

_SERIAL_TYPES = frozenset({"smallint", "integer", "bigint"})


def add_properties(work: TableImport) -> None:
    """One property per column the YAML does not add by itself, in column order."""
    implicit = work.implicit_columns()
    for column in work.table.columns:
        if column.name in implicit:
            continue
        prop = _property(work, column)
        if prop is not None:
            work.properties[column.name] = prop


def _property(work: TableImport, column: Column) -> dict[str, Any] | None:
    fields = property_type(column.type, work.enums)
    if fields is None or (column.own_type and fields["type"] == "custom"):
        work.lost(f"column {column.name} is {column.type}, a type the YAML language does not have"
                  f"{' (the database defines it: a domain or composite type)' if fields else ''}; it is left out")
        return None
    if column.generated:
        work.lost(f"column {column.name} is generated ({column.generated_expression}); "
                  "it is imported as a plain column")
    if column.collation:
        work.lost(f"column {column.name} has collation {column.collation}, which the YAML cannot say")
    if column.not_null or column.name in work.shape.primary_key:
        fields["required"] = True
    if is_serial(work.name, column) and f"{work.name}_{column.name}_seq" not in work.sequences:
        fields["serial"] = True
    if column.identity:
        fields["identity"] = column.identity
    return fields


def is_serial(table: str, column: Column) -> bool:
    """A SERIAL column: an integer whose default is `nextval` of `<table>_<column>_seq`."""
    return (column.type in _SERIAL_TYPES and column.identity is None
            and column.default == serial_default(table, column.name))


def add_defaults(work: TableImport) -> None:
    """Defaults and descriptions, once checks have made enums of the columns that are."""
    for column in work.table.columns:
        prop = work.properties.get(column.name)
        if prop is None:
            continue
        if column.default is not None and not column.generated and not prop.get("serial"):
            value = yaml_default(_type_fields(prop, work.enums), column.default, work.simplify(column.default))
            is_sql = isinstance(value, dict) and set(value) == {"sql"}
            if not is_sql or _default_loads(work, column, value):
                prop["default"] = value
        if column.comment is not None:
            prop["description"] = column.comment


def _default_loads(work: TableImport, column: Column, value: dict[str, Any]) -> bool:
    """A default the YAML may not write (a sequence's `nextval`, a function of the database's own)
    is listed as lost rather than written into a file that would not load."""
    try:
        parse_expression(value.get("sql"), ExpressionKind.DEFAULT)
    except ExpressionError as error:
        why = str(error).split(";")[0]
        work.lost(f"the default of column {column.name}, {column.default}, cannot be written ({why}); "
                  "the column is imported without a default")
        return False
    return True


def _type_fields(prop: dict[str, Any], enums: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    """What a default is checked against: a native enum's values stand in for its name."""
    keep = ("type", "max_length", "fixed", "precision", "scale", "time_zone", "values", "items", "minimum", "maximum")
    fields = {key: value for key, value in prop.items() if key in keep}
    if "native" in prop:
        fields["values"] = list(enums[prop["native"]])
    if "items" in fields:
        fields["items"] = _type_fields(fields["items"], enums)
    return fields
