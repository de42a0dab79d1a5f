"""pydantic v2 models for Python services: a row model and an insert model per entity.

Field names are the column names (snake_case already suits Python); a column whose name
would shadow a `BaseModel` attribute gets a trailing underscore and the column name as alias.
Lengths, precision and the bounds of single-column range checks become field constraints.
"""

from __future__ import annotations

from pydantic import BaseModel

from agent.codegen.model import CodegenOptions, Files, base_type, enum_values, header, sorted_tables, type_arguments
from agent.codegen.names import check_insert_names, python_names, python_notes
from agent.codegen.typescript import enum_type_name, enum_values_name
from agent.schema.tables import Column, Schema, Table
from agent.verify.constraint_values import bounds_of

__all__ = ["render"]

_TYPES = {
    "uuid": "UUID", "string": "str", "text": "str", "enum": "str", "smallint": "int", "integer": "int", "bigint": "int",
    "decimal": "Decimal", "float": "float", "double": "float", "boolean": "bool", "date": "dt.date",
    "time": "dt.time", "timestamp": "dt.datetime", "interval": "dt.timedelta", "json": "Any",
    "jsonb": "Any", "bytea": "bytes", "inet": "IPvAnyInterface", "custom": "str",
}
_MODULES = {"dt.": "import datetime as dt", "Decimal": "from decimal import Decimal", "UUID": "from uuid import UUID"}


def render(schema: Schema, options: CodegenOptions) -> Files:
    check_insert_names("pydantic", schema)
    tables = sorted_tables(schema)
    names = sorted(_exports(tables), key=lambda n: (not n.isupper(), n))
    body = []
    for table in tables:
        body += [_enum(table, c) for c in table.columns if enum_values(c)]
        body += [_model(table, insert=False), _model(table, insert=True)]
    exports = "__all__ = [\n" + "".join(f'    "{n}",\n' for n in names) + "]"
    preamble = "\n\n".join([f'"""{header("").strip()}"""', "# ruff: noqa: E501", _imports("\n".join(body)), exports])
    return {"models.py": "\n\n\n".join([preamble, *body]) + "\n"}


def _imports(body: str) -> str:
    standard = [line for marker, line in _MODULES.items() if marker in body]
    typing = [name for name in ("Any", "Literal") if f"{name}[" in body or f": {name}" in body]
    pydantic = ["BaseModel", "ConfigDict", "Field"] + (["IPvAnyInterface"] if "IPvAnyInterface" in body else [])
    lines = sorted(standard, key=lambda line: line.split()[1])
    if typing:
        lines.insert(sum(1 for line in lines if line.split()[1] < "typing"), f"from typing import {', '.join(typing)}")
    return "\n".join([*lines, "", f"from pydantic import {', '.join(pydantic)}"])


def _exports(tables: list[Table]) -> list[str]:
    names = []
    for table in tables:
        names += [table.entity, f"New{table.entity}"]
        for column in (c for c in table.columns if enum_values(c)):
            names += [enum_type_name(table, column), enum_values_name(table, column)]
    return names


def _enum(table: Table, column: Column) -> str:
    values = ", ".join(f'"{v}"' for v in enum_values(column))
    name = enum_type_name(table, column)
    comma = "," if len(enum_values(column)) == 1 else ""
    return f"{name} = Literal[{values}]\n{enum_values_name(table, column)}: tuple[{name}, ...] = ({values}{comma})"


def _model(table: Table, insert: bool) -> str:
    name = f"New{table.entity}" if insert else table.entity
    doc = (f"What an insert into {table.name} needs; the others have defaults or may be null."
           if insert else (table.comment or f"A row of {table.name}."))
    config = "model_config = ConfigDict(populate_by_name=True, from_attributes=True"
    lines = [f"class {name}(BaseModel):", f'    """{_escape(doc)}"""', "", f"    {config}, frozen={not insert})", ""]
    attributes, notes = python_names(table, _kept), python_notes(table, _kept)
    lines += [_field(table, c, insert, attributes[c.name], notes.get(c.name)) for c in table.columns]
    return "\n".join(lines)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _kept(name: str) -> bool:
    """What BaseModel keeps for itself: its attributes, the `model_` namespace and private `_x` names."""
    return hasattr(BaseModel, name) or name.startswith(("model_", "_"))


def _field(table: Table, column: Column, insert: bool, attribute: str, note: str | None) -> str:
    """The attribute, with the exact column name as its alias when the two differ."""
    arguments = [] if attribute == column.name else [f'alias="{_escape(column.name)}"']
    optional = not column.not_null or (insert and column.default is not None)
    if optional:
        arguments.insert(0, "default=None")
    arguments += _constraints(table, column)
    if column.comment:
        arguments.append(f'description="{_escape(column.comment)}"')
    kind = _type(table, column) + (" | None" if optional else "")
    value = f" = Field({', '.join(arguments)})" if arguments else ""
    return (f"    # {note}\n" if note else "") + f"    {attribute}: {kind}{value}"


def _type(table: Table, column: Column) -> str:
    kind = enum_type_name(table, column) if enum_values(column) else _TYPES[base_type(column)]
    return f"list[{kind}]" if column.property_type == "array" else kind


def _constraints(table: Table, column: Column) -> list[str]:
    if column.property_type == "array":
        return []
    found = []
    arguments = type_arguments(column.sql_type)
    if column.property_type == "string" and arguments:
        found.append(f"max_length={arguments[0]}")
    if column.property_type == "decimal" and arguments:
        found += [f"max_digits={arguments[0]}", f"decimal_places={arguments[1]}"]
    for check in (c for c in table.checks if c.columns == (column.name,)):
        if column.property_type in ("smallint", "integer", "bigint", "decimal", "float", "double"):
            low, high = bounds_of(check.expression, column.name)
            found += [f"ge={_number(low)}"] if low is not None else []
            found += [f"le={_number(high)}"] if high is not None else []
    return found


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)
