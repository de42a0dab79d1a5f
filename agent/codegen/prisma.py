"""A Prisma schema describing the database the migrations build.

Names map back with `@@map`/`@map` and constraint names with `map:`, so `prisma db pull`
and these models agree. What Prisma cannot express (CHECK constraints, partial and
expression indexes, `ON DELETE SET NULL (col)`, row-level security) is written as
comments next to the model, so nobody mistakes the models for the whole truth.

Written for Prisma 7: the `prisma-client` generator, and the connection URL in `prisma.config.ts`
(Prisma 7 refuses `url` in the schema). `--compat` writes for Prisma 6 instead: `prisma-client-js`
and the URL in the datasource block, no config file.
"""

from __future__ import annotations

import re

from agent.codegen.model import (
    CodegenOptions,
    Files,
    Relation,
    base_type,
    element_sql_type,
    header,
    sorted_tables,
    type_arguments,
)
from agent.codegen.names import check_class_members, field_name, field_note, named_relations
from agent.schema.literals import quote_ident
from agent.schema.tables import Column, Index, Schema, Table

__all__ = ["render"]

_SCALARS = {
    "uuid": ("String", "@db.Uuid"), "string": ("String", ""), "text": ("String", ""),
    "enum": ("String", ""), "smallint": ("Int", "@db.SmallInt"), "integer": ("Int", ""),
    "bigint": ("BigInt", ""), "decimal": ("Decimal", ""), "float": ("Float", "@db.Real"),
    "double": ("Float", ""), "boolean": ("Boolean", ""), "date": ("DateTime", "@db.Date"),
    "time": ("DateTime", "@db.Time(6)"), "timestamp": ("DateTime", "@db.Timestamptz(6)"),
    "json": ("Json", "@db.Json"), "jsonb": ("Json", ""), "bytea": ("Bytes", ""),
    "inet": ("String", "@db.Inet"),
}
_ACTIONS = {"CASCADE": "Cascade", "RESTRICT": "Restrict", "SET NULL": "SetNull",
            "SET DEFAULT": "SetDefault", "NO ACTION": "NoAction"}
_INDEX_TYPES = {"gin": "Gin", "gist": "Gist", "brin": "Brin", "hash": "Hash"}
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_PRISMA_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_STRING = re.compile(r"^'((?:[^']|'')*)'(::[a-z ]+)?$")


CONFIG = """import { defineConfig, env } from 'prisma/config';

/** Prisma 7 reads the connection URL here, not from schema.prisma. */
export default defineConfig({
  schema: 'schema.prisma',
  datasource: { url: env('DATABASE_URL') },
});
"""


def render(schema: Schema, options: CodegenOptions) -> Files:
    found = named_relations(schema)
    blocks = [_preamble(options.compat)] + [_model(schema, t, found) for t in sorted_tables(schema)]
    enums = _enum_names(schema)
    blocks += [_enum(enums[e.name], e.name, e.values) for e in schema.enums if e.name in enums]
    files = {"schema.prisma": "\n\n".join(blocks) + "\n"}
    if not options.compat:
        files["prisma.config.ts"] = f"{header('//')}\n\n{CONFIG}"
    return files


def _preamble(compat: bool) -> str:
    """Prisma 7: the `prisma-client` generator and the URL in prisma.config.ts; Prisma 6 (compat) as before."""
    generator = ['  provider = "prisma-client-js"'] if compat else ['  provider = "prisma-client"',
                                                                   '  output   = "./generated"']
    url = ['  url      = env("DATABASE_URL")'] if compat else []
    return "\n".join([header("//"), "", "generator client {", *generator, "}", "",
                      "datasource db {", '  provider = "postgresql"', *url, "}"])


def _model(schema: Schema, table: Table, found: list[Relation]) -> str:
    lines = _model_comments(table)
    lines.append(f"model {table.entity} {{")
    natives = {quote_ident(name): prisma for name, prisma in _enum_names(schema).items()}
    check_class_members("prisma", table, found)
    lines += _aligned([_field(table, c, natives) for c in table.columns], [c.comment for c in table.columns],
                      [field_note(table, c.name) for c in table.columns])
    relation_rows = [_relation_field(r) for r in found if r.child.name == table.name]
    relation_rows += [_back_field(r) for r in found if r.parent.name == table.name]
    if relation_rows:
        lines += ["", *_aligned(relation_rows)]
    lines.append("")
    lines += [f"  {line}" for line in _block_attributes(table)]
    lines.append("}")
    return "\n".join(lines)


def _aligned(rows: list[list[str]], docs: list[str | None] | None = None,
             notes: list[str | None] | None = None) -> list[str]:
    """Fields in columns as `prisma format` lays them out, each after its `///` doc comment and
    its `//` note."""
    if not rows:
        return []
    widths = [max(len(r[i]) for r in rows) for i in range(2)]
    lines = []
    nothing: list[str | None] = [None] * len(rows)
    for row, doc, note in zip(rows, docs or nothing, notes or nothing, strict=True):
        lines += [f"  /// {doc}"] if doc else []
        lines += [f"  // {note}"] if note else []
        lines.append(f"  {row[0].ljust(widths[0])} {row[1].ljust(widths[1])} {' '.join(row[2:])}".rstrip())
    return lines


def _model_comments(table: Table) -> list[str]:
    lines = [f"/// {table.comment}"] if table.comment else []
    lines += [f"/// CHECK {c.name}: {c.expression}" for c in table.checks]
    if table.rls_enabled:
        lines.append(f"/// Row-level security: {', '.join(p.name for p in table.policies) or 'enabled'}")
    return lines


def _enum_names(schema: Schema) -> dict[str, str]:
    """Native enum type -> its Prisma enum, for those Prisma can name: the type's own name, or
    `<name>Enum` where a model has it (models and enums share one namespace)."""
    models, types = {t.entity for t in schema.tables}, {e.name for e in schema.enums}
    names: dict[str, str] = {}
    for enum in schema.enums:
        if not _PRISMA_NAME.match(enum.name) or not all(_PRISMA_NAME.match(v) for v in enum.values):
            continue
        chosen, number = enum.name, 1
        while chosen in models or chosen in names.values() or (chosen != enum.name and chosen in types):
            chosen, number = f"{enum.name}Enum{number if number > 1 else ''}", number + 1
        names[enum.name] = chosen
    return names


def _enum(name: str, database_name: str, values: tuple[str, ...]) -> str:
    """A native enum type as a Prisma enum, mapped to its exact database name."""
    return "\n".join([f"enum {name} {{", *(f"  {v}" for v in values), "", f'  @@map("{database_name}")', "}"])


def _field(table: Table, column: Column, natives: dict[str, str]) -> list[str]:
    scalar, native = _scalar(column)
    enum = natives.get(element_sql_type(column))
    if enum is not None:
        scalar, native = enum, ""
    array = column.property_type == "array" and not scalar.startswith("Unsupported(")  # Unsupported("ltree[]")
    optional = "?" if not column.not_null and not array else ""
    attributes = []
    if table.primary_key and table.primary_key.columns == (column.name,):
        attributes.append(f'@id(map: "{table.primary_key.name}")')
    default = _default(column) if enum is None else _enum_default(column)
    if default:
        attributes.append(f"@default({default})")
    attributes.append(f'@map("{column.name}")')
    if native:
        attributes.append(native)
    return [field_name(table, column.name), f"{scalar}{'[]' if array else ''}{optional}", *attributes]


def _scalar(column: Column) -> tuple[str, str]:
    kind = base_type(column)
    if kind in ("interval", "custom"):
        name = "interval" if kind == "interval" else column.sql_type
        return f'Unsupported({_quote(name)})', ""
    scalar, native = _SCALARS[kind]
    arguments = type_arguments(element_sql_type(column))
    if kind in ("string", "enum") and arguments:
        native = f"@db.VarChar({arguments[0]})"
    if kind == "decimal" and arguments:
        native = f"@db.Decimal({arguments[0]}, {arguments[1]})"
    if kind == "timestamp":
        zone = "Timestamptz" if element_sql_type(column).startswith("TIMESTAMPTZ") else "Timestamp"
        native = f"@db.{zone}({arguments[0] if arguments else 6})"
    return scalar, native


def _enum_default(column: Column) -> str | None:
    literal = _STRING.match(column.default or "")
    return literal.group(1) if literal and column.property_type == "enum" else _default(column)


def _default(column: Column) -> str | None:
    sql = column.default
    if sql is None:
        return None
    if column.serial:
        return "autoincrement()"
    if sql in ("now()", "CURRENT_TIMESTAMP") and base_type(column) == "timestamp":
        return "now()"
    if sql in ("true", "false") and column.property_type == "boolean":
        return sql
    if _NUMBER.match(sql) and column.property_type in ("smallint", "integer", "bigint", "decimal", "float", "double"):
        return sql
    literal = _STRING.match(sql)
    if literal and column.property_type in ("string", "text", "enum", "json", "jsonb"):
        return _quote(literal.group(1).replace("''", "'"))
    return f"dbgenerated({_quote(sql)})"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _relation_field(relation: Relation) -> list[str]:
    key = relation.key
    arguments = [
        _quote(key.name),
        f"fields: [{_fields(relation.child, key.columns)}]",
        f"references: [{_fields(relation.parent, key.ref_columns)}]",
        f"onDelete: {_ACTIONS[key.on_delete]}",
        f"onUpdate: {_ACTIONS[key.on_update]}",
        f"map: {_quote(key.name)}",
    ]
    note = (f" // the database nulls only {', '.join(key.set_null_columns)}: ON DELETE SET NULL (column list)"
            if key.set_null_columns else "")
    kind = relation.parent.entity + ("?" if relation.optional else "")
    return [relation.field, kind, f"@relation({', '.join(arguments)}){note}"]


def _back_field(relation: Relation) -> list[str]:
    kind = relation.child.entity + ("?" if relation.unique else "[]")
    ignored = [] if _identifiable(relation.child) else ["@ignore"]
    return [relation.back_field, kind, f"@relation({_quote(relation.key.name)})", *ignored]


def _block_attributes(table: Table) -> list[str]:
    lines = []
    if table.primary_key and len(table.primary_key.columns) > 1:
        lines.append(f'@@id([{_fields(table, table.primary_key.columns)}], map: "{table.primary_key.name}")')
    lines += [f'@@unique([{_fields(table, u.columns)}], map: "{u.name}")' for u in table.uniques]
    lines += [_index(table, i) for i in table.indexes]
    if not _identifiable(table):
        lines += ["// no primary key and no unique key of required columns: Prisma cannot tell rows apart",
                  "@@ignore"]
    lines.append(f'@@map("{table.name}")')
    return lines


def _identifiable(table: Table) -> bool:
    """Prisma needs a key or a unique key of required columns to tell rows apart."""
    names = set(table.column_names)
    keys = [u.columns for u in table.uniques]
    keys += [i.keys for i in table.indexes if i.unique and not i.where and not i.include and set(i.keys) <= names]
    return table.primary_key is not None or any(all(table.column(c).not_null for c in key) for key in keys)


def _fields(table: Table, columns: tuple[str, ...]) -> str:
    return ", ".join(field_name(table, c) for c in columns)


def _index(table: Table, index: Index) -> str:
    names = set(table.column_names)
    if index.where or index.include or any(k not in names for k in index.keys):
        what = f"WHERE {index.where}" if index.where else "an expression or INCLUDE"
        return f"// index {index.name} on ({', '.join(index.keys)}) is not expressible in Prisma ({what})"
    attribute = "@@unique" if index.unique else "@@index"
    kind = f", type: {_INDEX_TYPES[index.method]}" if index.method in _INDEX_TYPES else ""
    return f'{attribute}([{_fields(table, index.keys)}]{kind}, map: "{index.name}")'
