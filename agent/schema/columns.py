"""One YAML property to its column, its default and the checks its fields imply."""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass, field
from typing import Any

from agent.schema.custom_types import custom_type_name
from agent.schema.diagnostics import Diagnostic, KeyPath
from agent.schema.expressions import ExpressionError, ExpressionKind, parse_expression
from agent.schema.literals import quote_ident, quote_literal
from agent.schema.model import NUMERIC_TYPES, TEXT_TYPES, Property, SqlValue
from agent.schema.names import bounded_name
from agent.schema.tables import Check, Column
from agent.schema.yaml_source import SourceDocument

__all__ = ["ColumnBuilder", "serial_default", "sql_type"]

_SIMPLE_TYPES = {
    "uuid": "UUID", "text": "TEXT", "smallint": "SMALLINT", "integer": "INTEGER",
    "bigint": "BIGINT", "float": "REAL", "double": "DOUBLE PRECISION", "boolean": "BOOLEAN",
    "date": "DATE", "time": "TIME", "timestamp": "TIMESTAMPTZ", "interval": "INTERVAL",
    "json": "JSON", "jsonb": "JSONB", "bytea": "BYTEA", "inet": "INET",
}
_INTEGER_RANGES = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}
_OFF_BY_DEFAULT = frozenset({"serial", "varchar", "fixed"})
"""Flags whose `false` is their default, so saying it on another type is no misfit."""
_FIELD_TYPES: dict[str, frozenset[str]] = {
    "max_length": frozenset({"string", "enum"}),
    "min_length": TEXT_TYPES,
    "pattern": TEXT_TYPES,
    "precision": frozenset({"decimal", "timestamp"}),
    "time_zone": frozenset({"timestamp"}),
    "serial": frozenset({"smallint", "integer", "bigint"}),
    "varchar": frozenset({"string"}),
    "fixed": frozenset({"string"}),
    "identity": frozenset({"smallint", "integer", "bigint"}),
    "scale": frozenset({"decimal"}),
    "minimum": NUMERIC_TYPES,
    "maximum": NUMERIC_TYPES,
    "values": frozenset({"enum"}),
    "items": frozenset({"array"}),
    "sql_type": frozenset({"custom"}),
}


def sql_type(prop: Property) -> str:
    if prop.type == "timestamp":
        base = "TIMESTAMP" if prop.time_zone is False else "TIMESTAMPTZ"
        return base if prop.precision is None else f"{base}({prop.precision})"
    if prop.type in _SIMPLE_TYPES:
        return _SIMPLE_TYPES[prop.type]
    if prop.type == "string":
        if prop.fixed and prop.max_length:
            return f"CHAR({prop.max_length})"
        return f"VARCHAR({prop.max_length})" if prop.max_length else "VARCHAR" if prop.varchar else "TEXT"
    if prop.type == "enum" and prop.native:
        return quote_ident(prop.native)
    if prop.type == "custom":
        return custom_type_name(prop.sql_type or "")
    if prop.type == "enum":
        width = prop.max_length or max((len(v) for v in prop.values or ["x"]), default=1)
        return f"VARCHAR({width})"
    if prop.type == "decimal":
        if prop.precision is None:
            return "DECIMAL"
        return f"DECIMAL({prop.precision}, {prop.scale or 0})"
    assert prop.items is not None
    return f"{sql_type(prop.items)}[]"


@dataclass
class ColumnBuilder:
    """Builds columns of one table, collecting diagnostics against its source file."""

    table: str
    document: SourceDocument
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, path: KeyPath, message: str, *, at_key: bool = False) -> None:
        self.diagnostics.append(self.document.diagnostic(path, message, at_key=at_key))

    def column(self, name: str, prop: Property, path: KeyPath) -> tuple[Column, list[Check]]:
        self._check_fields(prop, path)
        type_ok = self._type_ok(prop, path)
        if type_ok:
            self._check_examples(prop, path)
        column = Column(
            name=name,
            sql_type=sql_type(prop) if type_ok else "TEXT",
            not_null=prop.required or prop.serial or prop.identity is not None,  # both are NOT NULL
            identity=prop.identity,
            default=serial_default(self.table, name) if prop.serial else self.default_sql(
                prop, prop.default, (*path, "default")) if prop.has_default else None,
            serial=prop.serial,
            comment=prop.description,
            property_type=prop.type,
            enum_values=tuple(prop.values or ()),
            array_of=prop.items.type if prop.items else None,
            item_values=tuple(prop.items.values or ()) if prop.items else (),
            renamed_from=prop.renamed_from,
            backfill=self.default_sql(prop, prop.backfill, (*path, "backfill"))
            if prop.backfill is not None
            else None,
        )
        return column, self._checks(name, prop, path)

    # ------------------------------------------------------------ field rules

    def _type_ok(self, prop: Property, path: KeyPath) -> bool:
        if prop.type == "array" and prop.items is None:
            self.error(path, "an array needs `items`, the element type")
            return False
        if prop.type == "enum" and not prop.values:
            self.error((*path, "values"), "enum needs at least one value")
            return False
        if prop.items is not None:
            return self._type_ok(prop.items, (*path, "items"))
        if prop.type == "custom":
            try:
                custom_type_name(prop.sql_type or "")
            except ValueError as error:
                message = str(error) if prop.sql_type else "a custom type needs `sql_type`, the type's name"
                self.error((*path, "sql_type") if prop.sql_type else path, message)
                return False
        return True

    def _check_fields(self, prop: Property, path: KeyPath) -> None:
        for name, types in _FIELD_TYPES.items():
            value = getattr(prop, name)
            given = value is not None and not (value is False and name in _OFF_BY_DEFAULT)
            if given and prop.type not in types:
                allowed = ", ".join(sorted(types))
                self.error((*path, name), f"`{name}` applies to {allowed}, not {prop.type}", at_key=True)
        self._check_ranges(prop, path)
        self._check_serial(prop, path)
        self._check_enum(prop, path)
        if prop.items is not None:
            self._check_items(prop.items, (*path, "items"))
        if prop.unique == "global" and prop.type in ("json", "jsonb"):
            self.error((*path, "unique"), f"{prop.type} columns cannot be unique")

    def _check_examples(self, prop: Property, path: KeyPath) -> None:
        """Each `example:` value must be one the column accepts (type, width, enum values, range)."""
        listed = len(prop.examples) > 1 or prop.examples != [prop.example]
        for i, value in enumerate(prop.examples):
            try:
                literal_for(prop, value)
            except ValueError as error:
                where = (*path, "example", i) if listed else (*path, "example")
                self.error(where, str(error).replace("default", "example", 1))

    def _check_serial(self, prop: Property, path: KeyPath) -> None:
        if prop.varchar and prop.max_length:
            self.error((*path, "varchar"), "`max_length` already makes it VARCHAR: remove `varchar`")
        if prop.fixed and (prop.varchar or not prop.max_length):
            self.error((*path, "fixed"), "`fixed` needs `max_length` (the width of CHAR(n)) and no `varchar`")
        if prop.serial and prop.has_default:
            self.error((*path, "default"), "a serial column takes its default from its sequence: remove `default`")
        if prop.identity and (prop.has_default or prop.serial):
            self.error((*path, "identity"), "an identity column has no `default` and is not `serial`")

    def _check_ranges(self, prop: Property, path: KeyPath) -> None:
        if prop.type == "timestamp" and (prop.precision or 0) > 6:
            self.error((*path, "precision"), "a timestamp keeps at most 6 digits of a second")
        if prop.type == "decimal" and prop.precision == 0:
            self.error((*path, "precision"), "a decimal needs a precision of at least 1")
        if prop.precision is not None and (prop.scale or 0) > prop.precision:
            self.error((*path, "scale"), f"scale {prop.scale} exceeds precision {prop.precision}")
        if prop.scale is not None and prop.precision is None:
            self.error((*path, "scale"), "`scale` needs `precision`")
        low, high = prop.minimum, prop.maximum
        if low is not None and high is not None and low > high:
            self.error((*path, "minimum"), f"minimum {low} is greater than maximum {high}")
        for key, bound in (("minimum", low), ("maximum", high)):
            if isinstance(bound, float) and not math.isfinite(bound):
                self.error((*path, key), "must be a finite number")
        if prop.min_length is not None and prop.max_length and prop.min_length > prop.max_length:
            self.error((*path, "min_length"), "min_length is greater than max_length")

    def _check_enum(self, prop: Property, path: KeyPath) -> None:
        values = prop.values or []
        for i, value in enumerate(values):
            if values.index(value) != i:
                self.error((*path, "values", i), f"duplicate enum value {value!r}")
            if prop.max_length and len(value) > prop.max_length:
                self.error((*path, "values", i), f"{value!r} is longer than max_length {prop.max_length}")
            if "\x00" in value or not value:
                self.error((*path, "values", i), "enum values must be non-empty text")

    def _check_items(self, items: Property, path: KeyPath) -> None:
        if items.type == "array" or (items.type == "enum" and not items.native):
            self.error((*path, "type"), f"array items cannot be {items.type}")
        for key in ("required", "unique", "index", "references", "default", "backfill", "renamed_from"):
            if key in items.model_fields_set:
                self.error((*path, key), f"`{key}` is not allowed on array items", at_key=True)

    # ------------------------------------------------------------ defaults

    def default_sql(self, prop: Property, value: Any, path: KeyPath) -> str | None:
        kind = ExpressionKind.BACKFILL if path[-1] == "backfill" else ExpressionKind.DEFAULT
        if isinstance(value, SqlValue):
            try:
                return parse_expression(value.sql, kind).sql
            except ExpressionError as error:
                self.error((*path, "sql"), str(error))
                return None
        try:
            return literal_for(prop, value)
        except ValueError as error:
            self.error(path, str(error))
            return None

    # ------------------------------------------------------------ checks

    def _checks(self, name: str, prop: Property, path: KeyPath) -> list[Check]:
        column = quote_ident(name)
        texts: list[tuple[str, str]] = []
        if prop.type == "enum" and prop.values and not prop.native:
            listed = ", ".join(quote_literal(v) for v in prop.values)
            texts.append(("check", f"{column} IN ({listed})"))
        bounds = _bounds(column, prop.minimum, prop.maximum)
        if bounds:
            texts.append(("check", bounds))
        if prop.min_length is not None:
            texts.append(("length_check", f"char_length({column}) >= {prop.min_length}"))
        if prop.pattern is not None:
            texts.append(("pattern_check", f"{column} ~ {self._pattern(prop.pattern, path)}"))
        return [
            Check(
                name=bounded_name(f"{self.table}_{name}_{suffix}"),
                expression=parse_expression(text, ExpressionKind.CHECK).sql,
                columns=(name,),
            )
            for suffix, text in texts
        ]

    def _pattern(self, pattern: str, path: KeyPath) -> str:
        try:
            return quote_literal(pattern)
        except ValueError as error:
            self.error((*path, "pattern"), str(error))
            return "''"


def _bounds(column: str, low: float | None, high: float | None) -> str | None:
    if low is not None and high is not None:
        return f"{column} BETWEEN {_number(low)} AND {_number(high)}"
    if low is not None:
        return f"{column} >= {_number(low)}"
    if high is not None:
        return f"{column} <= {_number(high)}"
    return None


def _number(value: float) -> str:
    return repr(value) if isinstance(value, float) else str(int(value))


def serial_default(table: str, column: str) -> str:
    """The default PostgreSQL gives a SERIAL column: `nextval` of `<table>_<column>_seq`."""
    return f"nextval({quote_literal(quote_ident(f'{table}_{column}_seq'))}::regclass)"


def literal_for(prop: Property, value: Any) -> str:
    """A YAML literal as a SQL literal of the property's type; ValueError when it does not fit."""
    kind = prop.type
    if kind in ("json", "jsonb"):
        text = json.dumps(value, sort_keys=True, separators=(", ", ": "), ensure_ascii=False)
        return f"{quote_literal(text)}::{kind}"
    if kind == "boolean":
        if not isinstance(value, bool):
            raise ValueError("default must be true or false")
        return "true" if value else "false"
    if kind in NUMERIC_TYPES:
        return _numeric_literal(prop, value)
    if kind == "array":
        return _array_literal(prop, value)
    if not isinstance(value, str):
        raise ValueError(f"default must be text for a column of type {kind}")
    if kind == "custom":
        return f"{quote_literal(value)}::{sql_type(prop)}"
    _check_text_value(prop, value)
    return quote_literal(value)


def _numeric_literal(prop: Property, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"default must be a number for a column of type {prop.type}")
    if prop.type in _INTEGER_RANGES:
        low, high = _INTEGER_RANGES[prop.type]
        if not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"default {value} is not a {prop.type}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("default must be a finite number")
    if (prop.minimum is not None and value < prop.minimum) or (
        prop.maximum is not None and value > prop.maximum
    ):
        raise ValueError(f"default {value} is outside minimum/maximum")
    return _number(value)


def _check_text_value(prop: Property, value: str) -> None:
    if prop.type == "enum" and value not in (prop.values or []):
        raise ValueError(f"default {value!r} is not one of the enum values")
    if prop.type == "string" and prop.max_length and len(value) > prop.max_length:
        raise ValueError(f"default is longer than max_length {prop.max_length}")
    if prop.type == "uuid":
        try:
            uuid.UUID(value)
        except ValueError:
            raise ValueError(f"default {value!r} is not a UUID") from None


def _array_literal(prop: Property, value: Any) -> str:
    if not isinstance(value, list):
        raise ValueError("default must be a list for an array column")
    assert prop.items is not None
    elements = ", ".join(literal_for(prop.items, item) for item in value)
    return f"ARRAY[{elements}]::{sql_type(prop)}"
