"""TypeORM entity classes, one file per entity, for the database the migrations build.

Every constraint and index carries the name the migrations give it, defaults are the
migrations' SQL expressions, and indexes TypeORM cannot describe (GIN, expressions,
INCLUDE) are declared with `synchronize: false` so TypeORM never tries to rebuild them; that
overload takes no other option on TypeORM 1.x, so what the index is goes in a comment beside it.
The migrations stay the owner of the schema: use these with `synchronize: false`.
"""

from __future__ import annotations

import json

from agent.codegen.model import (
    CodegenOptions,
    Files,
    Relation,
    base_type,
    element_sql_type,
    enum_values,
    header,
    native_enum,
    row_identity,
    sorted_tables,
    type_arguments,
)
from agent.codegen.names import check_class_members, field_name, field_note, module_name, named_relations
from agent.codegen.typescript import JSON_VALUE, enum_declaration, ts_type
from agent.schema.tables import Column, Index, Schema, Table

__all__ = ["render"]

_TYPES = {
    "uuid": "uuid", "string": "varchar", "enum": "varchar", "text": "text", "smallint": "smallint",
    "integer": "integer", "bigint": "bigint", "decimal": "decimal", "float": "real",
    "double": "double precision", "boolean": "boolean", "date": "date", "time": "time",
    "timestamp": "timestamptz", "interval": "interval", "json": "json", "jsonb": "jsonb",
    "bytea": "bytea", "inet": "inet",
}
_NAMED_TYPES = frozenset({
    "citext", "hstore", "money", "timetz", "point", "line", "lseg", "box", "circle", "path", "polygon", "geography",
    "geometry", "int4range", "int8range", "numrange", "tsrange", "tstzrange", "daterange", "int4multirange",
    "int8multirange", "nummultirange", "tsmultirange", "tstzmultirange", "datemultirange", "cidr", "macaddr",
    "macaddr8", "bit", "varbit", "tsvector", "tsquery", "xml", "jsonpath", "cube", "ltree",
})
"""`type: custom` names TypeORM's ColumnType knows; for another it is left to TypeORM's default."""
_ACTIONS = {"CASCADE": "CASCADE", "RESTRICT": "RESTRICT", "SET NULL": "SET NULL",
            "SET DEFAULT": "SET DEFAULT", "NO ACTION": "NO ACTION"}
DECIMAL_TRANSFORMER = """import type { ValueTransformer } from 'typeorm';

/** DECIMAL columns arrive as strings; this reads them as numbers (beware of precision). */
export const decimalToNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
"""


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def render(schema: Schema, options: CodegenOptions) -> Files:
    found = named_relations(schema)
    files = {_file(t): _module(t, found, options) for t in sorted_tables(schema)}
    files["json-value.ts"] = f"{header('//')}\n\n{JSON_VALUE}"
    if options.decimal == "number":
        files["transformers.ts"] = f"{header('//')}\n\n{DECIMAL_TRANSFORMER}"
    exports = [f"export * from './{_file(t).removesuffix('.ts')}';" for t in sorted_tables(schema)]
    files["index.ts"] = "\n".join([header("//"), "", *exports, "", _entities_list(schema), ""])
    return files


def _file(table: Table) -> str:
    return f"{module_name(table)}.entity.ts"


def _entities_list(schema: Schema) -> str:
    names = ", ".join(t.entity for t in sorted_tables(schema))
    imports = [f"import {{ {t.entity} }} from './{_file(t).removesuffix('.ts')}';" for t in sorted_tables(schema)]
    return "\n".join([*imports, "", "/** For `new DataSource({ entities, synchronize: false })`. */",
                      f"export const entities = [{names}];"])


def _module(table: Table, found: list[Relation], options: CodegenOptions) -> str:
    mine = [r for r in found if r.child.name == table.name]
    theirs = [r for r in found if r.parent.name == table.name]
    check_class_members("typeorm", table, found)
    body = [_class_decorators(table), f"export class {table.entity} {{"]
    members = [_column(table, c, options) for c in table.columns]
    members += [_many_to_one(r) for r in mine] + [_one_to_many(r) for r in theirs]
    body.append("\n\n".join(members))
    body.append("}")
    parts = [header("//"), _imports(table, mine, theirs, options)]
    parts += [enum_declaration(table, c) for c in table.columns if enum_values(c)]
    parts.append(("/** " + table.comment.replace("*/", "* /") + " */\n" if table.comment else "") + "\n".join(body))
    return "\n\n".join(parts) + "\n"


def _imports(table: Table, mine: list[Relation], theirs: list[Relation], options: CodegenOptions) -> str:
    used = {"Column", "Entity", "PrimaryColumn"}
    used |= {"Check"} if table.checks else set()
    used |= {"Unique"} if table.uniques else set()
    used |= {"Index"} if table.indexes else set()
    used |= {"JoinColumn", "OneToOne" if any(r.unique for r in mine) else "ManyToOne"} if mine else set()
    used |= {"OneToOne" if r.unique else "OneToMany" for r in theirs}
    lines = [f"import {{ {', '.join(sorted(used))} }} from 'typeorm';"]
    others = sorted({r.parent for r in mine} | {r.child for r in theirs}, key=lambda t: t.name)
    lines += [f"import {{ {t.entity} }} from './{_file(t).removesuffix('.ts')}';" for t in others if t != table]
    if any(base_type(c) in ("json", "jsonb") for c in table.columns):
        lines.append("import type { JsonValue } from './json-value';")
    if options.decimal == "number" and any(base_type(c) == "decimal" for c in table.columns):
        lines.append("import { decimalToNumber } from './transformers';")
    return "\n".join(lines)


def _class_decorators(table: Table) -> str:
    comment = f", comment: {_q(table.comment)}" if table.comment else ""
    lines = [f"@Entity({{ name: {_q(table.name)}{comment} }})"]
    lines += [f"@Unique({_q(u.name)}, [{_props(table, u.columns)}])" for u in table.uniques]
    lines += [f"@Check({_q(c.name)}, {_q(c.expression)})" for c in table.checks]
    lines += [_index(table, i) for i in table.indexes]
    return "\n".join(lines)


def _props(table: Table, columns: tuple[str, ...]) -> str:
    return ", ".join(_q(field_name(table, c)) for c in columns)


def _index(table: Table, index: Index) -> str:
    plain = index.method == "btree" and not index.include and all(k in table.column_names for k in index.keys)
    if not plain:
        return f"@Index({_q(index.name)}, {{ synchronize: false }}) // {_index_note(index)}"
    options = ["unique: true"] if index.unique else []
    if index.where:
        options.append(f"where: {_q(index.where)}")
    suffix = f", {{ {', '.join(options)} }}" if options else ""
    return f"@Index({_q(index.name)}, [{_props(table, index.keys)}]{suffix})"


def _index_note(index: Index) -> str:
    """What the migrations build; TypeORM 1.x's `{ synchronize: false }` overload takes no other option."""
    note = ("unique " if index.unique else "") + f"{index.method} ({', '.join(index.keys)})"
    note += f" INCLUDE ({', '.join(index.include)})" if index.include else ""
    return note + (f" WHERE {index.where}" if index.where else "")


def _column(table: Table, column: Column, options: CodegenOptions) -> str:
    primary = column.name in row_identity(table)
    settings = [f"name: {_q(column.name)}", *_column_type(column)]
    if not column.not_null and not primary:  # a primary column of a table without a key: TypeORM says no nullable
        settings.append("nullable: true")
    if column.default is not None:
        settings.append(f"default: () => {_q(column.default)}")
    if primary and table.primary_key:
        settings.append(f"primaryKeyConstraintName: {_q(table.primary_key.name)}")
    if column.comment:
        settings.append(f"comment: {_q(column.comment)}")
    if options.decimal == "number" and base_type(column) == "decimal":
        settings.append("transformer: decimalToNumber")
    decorator = "PrimaryColumn" if primary else "Column"
    nullable = "" if column.not_null else " | null"
    note = field_note(table, column.name)
    return ((f"  // {note}\n" if note else "") + f"  @{decorator}({{ {', '.join(settings)} }})\n"
            f"  {field_name(table, column.name)}!: {_property_type(table, column, options)}{nullable};")


def _property_type(table: Table, column: Column, options: CodegenOptions) -> str:
    """As TypeORM hydrates it: a DATE column arrives as a 'YYYY-MM-DD' string, not a Date."""
    if base_type(column) == "date":
        return "string[]" if column.property_type == "array" else "string"
    return ts_type(table, column, options)


def _column_type(column: Column) -> list[str]:
    kind, native = base_type(column), native_enum(column)
    name = element_sql_type(column) if kind == "custom" else _TYPES[kind]
    settings = [f"type: {_q(name)}"] if kind != "custom" or name in _NAMED_TYPES else []
    if native is not None:
        values = ", ".join(_q(v) for v in enum_values(column))
        settings = ['type: "enum"', f"enum: [{values}]", f"enumName: {_q(native)}"]
    arguments = type_arguments(element_sql_type(column))
    if kind in ("string", "enum") and arguments:
        settings.append(f"length: {arguments[0]}")
    if kind == "decimal" and arguments:
        settings += [f"precision: {arguments[0]}", f"scale: {arguments[1]}"]
    if column.property_type == "array":
        settings.append("array: true")
    return settings


def _many_to_one(relation: Relation) -> str:
    key = relation.key
    decorator = "OneToOne" if relation.unique else "ManyToOne"
    joins = ", ".join(
        f"{{ name: {_q(c)}, referencedColumnName: {_q(field_name(relation.parent, r))}, "
        f"foreignKeyConstraintName: {_q(key.name)} }}"
        for c, r in zip(key.columns, key.ref_columns, strict=True))
    behaviour = (f"{{ nullable: {str(relation.optional).lower()}, onDelete: {_q(_ACTIONS[key.on_delete])}, "
                 f"onUpdate: {_q(_ACTIONS[key.on_update])} }}")
    note = (f"  // the database nulls only {', '.join(key.set_null_columns)}: ON DELETE SET NULL (column list)\n"
            if key.set_null_columns else "")
    nullable = " | null" if relation.optional else ""
    return (f"{note}  @{decorator}(() => {relation.parent.entity}, (parent) => parent.{relation.back_field}, "
            f"{behaviour})\n"
            f"  @JoinColumn([{joins}])\n"
            f"  {relation.field}?: {relation.parent.entity}{nullable};")


def _one_to_many(relation: Relation) -> str:
    decorator = "OneToOne" if relation.unique else "OneToMany"
    kind = f"{relation.child.entity} | null" if relation.unique else f"{relation.child.entity}[]"
    return (f"  @{decorator}(() => {relation.child.entity}, (child) => child.{relation.field})\n"
            f"  {relation.back_field}?: {kind};")
