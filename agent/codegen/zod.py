"""Zod schemas for pre-validating writes: per table `New<Entity>Schema` (an insert) and
`<Entity>UpdateSchema` (a partial update), from the same resolved schema as the other targets.

A value is checked against its column's type (UUID, widths, integer ranges, NUMERIC precision, ISO
dates, enum values) and against every CHECK that `check_script` can translate exactly: one naming a
single column on the field, the others on the object. An object check runs once the columns it reads
are known: in an insert, those with a default must be given (an omitted one is NULL); in an update,
all of them. Checks not translated are listed in a comment at the top of the file, with the reason;
the database still enforces them. Field names are the TypeScript target's (camelCase).

Input syntax is the canonical one, sometimes stricter than PostgreSQL's: a uuid with hyphens, ISO
dates and timestamps (`T`, not a space), decimals without an exponent. An interval is any string.
"""

from __future__ import annotations

from agent.codegen.check_script import SQL_RUNTIME, Untranslatable, translate
from agent.codegen.model import (
    CodegenOptions,
    Files,
    base_type,
    camel,
    element_sql_type,
    enum_values,
    header,
    type_arguments,
)
from agent.codegen.names import field_name, field_note
from agent.codegen.typescript import module_per_table, ts_string
from agent.schema.tables import Check, Column, Schema, Table
from agent.verify.constraint_values import enum_values_of

__all__ = ["render"]

_TYPES = {
    "uuid": "z.guid()", "string": "text()", "text": "text()", "enum": "z.string()",
    "smallint": "z.int().gte(-32768).lte(32767)",
    "integer": "z.int().gte(-2147483648).lte(2147483647)", "bigint": "bigint()", "float": "z.number()",
    "double": "z.number()", "boolean": "z.boolean()", "date": "z.iso.date()", "time": "z.iso.time()",
    "timestamp": "z.iso.datetime({ offset: true, local: true })", "interval": "z.string()",
    "json": "z.unknown()", "jsonb": "z.unknown()", "bytea": "z.instanceof(Uint8Array)",
    "inet": "z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()])", "custom": "z.string()",
}
"""YAML type -> the Zod schema of one value; widths, precision and enums are added in `_value`."""
_RUNTIME = ("S", "bigint", "decimal", "decimalNumber", "text", "varchar")


def render(schema: Schema, options: CodegenOptions) -> Files:
    return module_per_table(schema, lambda table: _module(table, options), "sql", SQL_RUNTIME)


def _module(table: Table, options: CodegenOptions) -> str:
    plan = _Plan(table)
    fields = [_member(table, c, _field(table, c, plan, options)) for c in table.columns]
    body = [f"const {camel(table.name)}Fields = {{", *fields, "};"]
    parts = [header("//"), _imports("\n".join(body)), *plan.notes(), "\n".join(body),
             _variant(table, plan, insert=True), _variant(table, plan, insert=False)]
    return "\n\n".join(p for p in parts if p) + "\n"


def _member(table: Table, column: Column, value: str) -> str:
    note = field_note(table, column.name)
    return (f"  // {note}\n" if note else "") + f"  {field_name(table, column.name)}: {value},"


def _imports(body: str) -> str:
    used = [name for name in _RUNTIME if f"{name}(" in body or f"{name}." in body]
    lines = ["import { z } from 'zod';"]
    return "\n".join([*lines, f"import {{ {', '.join(used)} }} from './sql';"] if used else lines)


class _Plan:
    """Which checks go on a field, which on the object, and which are left to the database, with why."""

    def __init__(self, table: Table) -> None:
        self.columns = {c.name: c for c in table.columns}
        self.table = table
        self.on_field: dict[str, list[tuple[Check, str]]] = {}
        self.on_object: list[tuple[Check, str]] = []
        self.left: list[tuple[Check, str]] = []
        for check in table.checks:
            self._place(check)

    def _place(self, check: Check) -> None:
        single = check.columns[0] if len(check.columns) == 1 else None
        if single is not None and _enum_check(self.columns[single], check):
            return
        try:
            if single is not None and self.columns[single].property_type != "array":
                self.on_field.setdefault(single, []).append((check, translate(check.expression, self.columns,
                                                                              lambda _: "v")))
            else:
                self.on_object.append((check, translate(check.expression, self.columns,
                                                        lambda name: f"r.{field_name(self.table, name)}")))
        except Untranslatable as reason:
            self.left.append((check, str(reason)))

    def notes(self) -> list[str]:
        if not self.left:
            return []
        lines = [f"/**\n * Checks of {self.table.name} these schemas leave to the database (it still enforces them):"]
        lines += [f" * - {c.name}: `{_comment(c.expression)}` ({_comment(why)})" for c, why in self.left]
        return ["\n".join([*lines, " */"])]


def _enum_check(column: Column, check: Check) -> bool:
    """The IN list of an enum column, which `z.enum` states already."""
    return column.property_type == "enum" and tuple(enum_values_of(check.expression)) == column.enum_values


def _comment(text: str) -> str:
    return text.replace("*/", "* /").replace("\n", " ")


def _field(table: Table, column: Column, plan: _Plan, options: CodegenOptions) -> str:
    value = _value(column, options)
    if column.property_type == "array":
        value = f"z.array({value})"
    for check, script in plan.on_field.get(column.name, []):
        value += f"\n    .refine((v) => S.passes({script}), {{ message: {ts_string(_message(check))} }})"
    return value


def _value(column: Column, options: CodegenOptions) -> str:
    kind = base_type(column)
    arguments = type_arguments(element_sql_type(column))
    if enum_values(column):
        return f"z.enum([{', '.join(ts_string(v) for v in enum_values(column))}])"
    if kind == "string" and arguments:
        return f"varchar({arguments[0]})"
    if kind == "decimal":
        helper = "decimalNumber" if options.decimal == "number" else "decimal"
        return f"{helper}({', '.join(str(a) for a in arguments)})"
    return _TYPES[kind]


def _message(check: Check) -> str:
    return f"{check.name}: {check.expression}"


def _variant(table: Table, plan: _Plan, insert: bool) -> str:
    name = f"New{table.entity}Schema" if insert else f"{table.entity}UpdateSchema"
    doc = (f"An insert into {table.name}: columns with a default, and nullable ones, may be left out."
           if insert else f"An update of {table.name}: any subset of the columns; NOT NULL ones cannot be null.")
    fields = [f"  {field_name(table, c.name)}: {camel(table.name)}Fields.{field_name(table, c.name)}"
              f"{_modifier(c, insert)},"
              for c in table.columns]
    lines = [f"/** {doc} */", f"export const {name} = z.object({{", *fields, "})"]
    if plan.on_object:
        lines[-1] += ".superRefine((r, ctx) => {"
        lines += [_object_check(table, check, script, insert) for check, script in plan.on_object]
        lines.append("})")
    lines[-1] += ";"
    kind = f"New{table.entity}Input" if insert else f"{table.entity}UpdateInput"
    lines.append(f"export type {kind} = z.input<typeof {name}>;")
    return "\n".join(lines)


def _modifier(column: Column, insert: bool) -> str:
    if not column.not_null:
        return ".nullable().optional()"
    return ".optional()" if column.default is not None or not insert else ""


def _object_check(table: Table, check: Check, script: str, insert: bool) -> str:
    read = [c for c in table.column_names if c in _named_columns(check, table)]
    known = [c for c in read if not insert or table.column(c).default is not None]
    condition = " && ".join(f"r.{field_name(table, c)} !== undefined" for c in known)
    issue = f"ctx.addIssue({{ code: 'custom', message: {ts_string(_message(check))} }});"
    return f"  if ({condition + ' && ' if condition else ''}!S.passes({script})) {issue}"


def _named_columns(check: Check, table: Table) -> set[str]:
    if check.columns:
        return set(check.columns)
    names: set[str] = set()

    def read(name: str) -> str:
        names.add(name)
        return name
    translate(check.expression, {c.name: c for c in table.columns}, read)
    return names
