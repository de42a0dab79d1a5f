"""TypeScript types: one interface per entity, its insert type, and its enums for dropdowns.

`StorageLocation` is a row as read (nullable columns are optional and may be `null`);
`NewStorageLocation` is what an insert needs (columns with a default, and nullable ones,
may be left out). Enums are string-literal unions plus a `const` array of their values.
"""

from __future__ import annotations

from collections.abc import Callable

from agent.codegen.model import (
    CodegenOptions,
    Files,
    base_type,
    enum_values,
    header,
    native_enum,
    sorted_tables,
)
from agent.codegen.names import (
    check_insert_names,
    enum_const_name,
    enum_type_name,
    field_name,
    field_note,
    module_name,
)
from agent.schema.tables import Column, Schema, Table

__all__ = ["JSON_VALUE", "enum_const_name", "enum_declaration", "enum_doc", "enum_type_name", "enum_values_name",
           "module_per_table", "render", "ts_string", "ts_type"]

_TYPES = {
    "uuid": "string", "string": "string", "text": "string", "enum": "string", "inet": "string", "time": "string",
    "interval": "string", "smallint": "number", "integer": "number", "float": "number",
    "double": "number", "bigint": "string", "boolean": "boolean", "date": "Date", "timestamp": "Date",
    "json": "JsonValue", "jsonb": "JsonValue", "bytea": "Uint8Array", "custom": "string",
}
JSON_VALUE = (
    "export type JsonValue =\n  | string\n  | number\n  | boolean\n  | null\n  | JsonValue[]\n"
    "  | { [key: string]: JsonValue };\n"
)


def render(schema: Schema, options: CodegenOptions) -> Files:
    check_insert_names("ts", schema)
    return module_per_table(schema, lambda table: _module(table, options), "json", JSON_VALUE)


def module_per_table(schema: Schema, module: Callable[[Table], str], shared: str, shared_text: str) -> Files:
    """A TypeScript module per table, one of what they share (`shared`.ts), and an index of all."""
    files = {f"{module_name(t)}.ts": module(t) for t in sorted_tables(schema)}
    files[f"{shared}.ts"] = f"{header('//')}\n\n{shared_text}"
    exports = [f"export * from './{module_name(t)}';" for t in sorted_tables(schema)]
    files["index.ts"] = "\n".join([header("//"), "", f"export * from './{shared}';", *exports, ""])
    return files


def ts_string(text: str) -> str:
    """A single-quoted TypeScript string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


def enum_values_name(table: Table, column: Column) -> str:
    """`LOT_QUALITY_STATUS_VALUES`: the name the values had first, kept as an alias."""
    return enum_const_name(table, column) + "_VALUES"


def enum_declaration(table: Table, column: Column) -> str:
    """The values as a `const` tuple, the type derived from it, and the older alias."""
    const, name = enum_const_name(table, column), enum_type_name(table, column)
    values = ", ".join(ts_string(v) for v in enum_values(column))
    return (f"/** {enum_doc(table, column)}, in order: for dropdowns. */\n"
            f"export const {const} = [{values}] as const;\n"
            f"export type {name} = (typeof {const})[number];\n"
            f"/** @deprecated The same values: use {const}. */\n"
            f"export const {enum_values_name(table, column)}: readonly {name}[] = {const};")


def enum_doc(table: Table, column: Column) -> str:
    """`The values lots.status allows (its CHECK)`, or of an array's items and by a native type."""
    where = f"each item of {table.name}.{column.name}" if column.property_type == "array" else (
        f"{table.name}.{column.name}")
    native = native_enum(column)
    return f"The values {where} allows ({f'enum type {native}' if native else 'its CHECK'})"


def ts_type(table: Table, column: Column, options: CodegenOptions) -> str:
    kind = base_type(column)
    if enum_values(column):
        name = enum_type_name(table, column)
    else:
        name = options.decimal if kind == "decimal" else _TYPES[kind]
    return f"{name}[]" if column.property_type == "array" else name


def _module(table: Table, options: CodegenOptions) -> str:
    parts = [header("//")]
    if any(base_type(c) in ("json", "jsonb") for c in table.columns):
        parts.append("import type { JsonValue } from './json';")
    parts.extend(enum_declaration(table, c) for c in table.columns if enum_values(c))
    parts.append(_interface(table, options))
    parts.append(_insert_interface(table, options))
    return "\n\n".join(parts) + "\n"


def _doc(text: str | None, indent: str = "") -> list[str]:
    if not text:
        return []
    return [f"{indent}/** {text.replace('*/', '* /')} */"]


def _interface(table: Table, options: CodegenOptions) -> str:
    lines = [*_doc(table.comment), f"export interface {table.entity} {{"]
    for column in table.columns:
        optional = "" if column.not_null else "?"
        nullable = "" if column.not_null else " | null"
        lines += _doc(column.comment, "  ") + _doc(field_note(table, column.name), "  ")
        lines.append(f"  {field_name(table, column.name)}{optional}: {ts_type(table, column, options)}{nullable};")
    return "\n".join([*lines, "}"])


def _insert_interface(table: Table, options: CodegenOptions) -> str:
    lines = [f"/** The columns an insert into {table.name} needs; the others have defaults or may be null. */",
             f"export interface New{table.entity} {{"]
    for column in table.columns:
        optional = "?" if column.default is not None or not column.not_null else ""
        nullable = "" if column.not_null else " | null"
        lines += _doc(field_note(table, column.name), "  ")
        lines.append(f"  {field_name(table, column.name)}{optional}: {ts_type(table, column, options)}{nullable};")
    return "\n".join([*lines, "}"])
