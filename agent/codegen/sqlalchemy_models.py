"""SQLAlchemy 2.0 declarative models: typed `Mapped[...]` columns, relationships for foreign keys, and
`__table_args__` with the primary key, unique, check and foreign-key constraints and the indexes,
each under the name the migrations give it, so `metadata.create_all` builds the same tables.

A same-tenant key joins on the tenant column too, but only its own column is written through the
relationship (the tenant is already equal). Row-level security, policies, triggers and constraint
comments stay with the migrations: the module docstring says so.
"""

from __future__ import annotations

import json
import re

from agent.codegen.model import (
    CodegenOptions,
    Files,
    Relation,
    base_type,
    element_sql_type,
    enum_values,
    header,
    native_enum,
    own_columns,
    row_identity,
    snake,
    sorted_tables,
    type_arguments,
)
from agent.codegen.names import named_relations, python_names, python_notes, unique_members
from agent.codegen.typescript import enum_const_name, enum_doc, enum_type_name
from agent.schema.tables import Column, ForeignKey, Index, Schema, Table

__all__ = ["render"]

_TYPES = {
    "uuid": ("uuid.UUID", "Uuid"), "string": ("str", "Text"), "text": ("str", "Text"), "enum": ("str", "String"),
    "smallint": ("int", "SmallInteger"), "integer": ("int", "Integer"), "bigint": ("int", "BigInteger"),
    "decimal": ("Decimal", "Numeric"), "float": ("float", "REAL"), "double": ("float", "Double"),
    "boolean": ("bool", "Boolean"), "date": ("dt.date", "Date"), "time": ("dt.time", "Time"),
    "timestamp": ("dt.datetime", "DateTime(timezone=True)"), "interval": ("dt.timedelta", "Interval"),
    "json": ("Any", "JSON"), "jsonb": ("Any", "JSONB"), "bytea": ("bytes", "LargeBinary"), "inet": ("str", "INET"),
}
"""YAML type -> (Python type, SQLAlchemy type); widths and precision are added from the SQL type."""
_SQLALCHEMY = ("BigInteger", "Boolean", "CheckConstraint", "Date", "DateTime", "Double", "ForeignKeyConstraint",
               "Index", "Integer", "Interval", "JSON", "LargeBinary", "Numeric", "PrimaryKeyConstraint", "REAL",
               "SmallInteger", "String", "Text", "Time", "UniqueConstraint", "Uuid", "text")
_POSTGRESQL = ("ARRAY", "ENUM", "INET", "JSONB")
_POSTGRES_TYPE = '''class PostgresType(UserDefinedType[str]):
    """A type PostgreSQL or an extension defines that SQLAlchemy has no class for, by its name."""

    cache_ok = True

    def __init__(self, name: str) -> None:
        self.name = name

    def get_col_spec(self, **kw: Any) -> str:
        return self.name'''
_PYTHON = {"dt.": "import datetime as dt", "uuid.": "import uuid", "Decimal": "from decimal import Decimal"}
"""Marker in the classes -> the import it needs; plain imports sort before `from` ones."""
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
"""String literals, left out when looking for the names the classes use."""


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def render(schema: Schema, options: CodegenOptions) -> Files:
    found = named_relations(schema)
    enums = [_enum(t, c) for t in sorted_tables(schema) for c in t.columns if enum_values(c)]
    classes = [_model(schema, t, found) for t in sorted_tables(schema)]
    body = "\n\n".join(enums) + ("\n\n\n" if enums else "") + "\n\n\n".join(classes)
    if "PostgresType(" in body:
        body = f"{_POSTGRES_TYPE}\n\n\n{body}"
    doc = (f'"""{header("").strip()}\n\nSQLAlchemy 2.0 models of the tables the migrations build. The migrations '
           "own the schema: row-level security, policies, the updated_at triggers and constraint comments are "
           'theirs alone, so use these for queries, not `create_all` in production."""')
    base = 'class Base(DeclarativeBase):\n    """The metadata of every table below."""'
    return {"models.py": "\n\n".join([doc, "# ruff: noqa: E501", _imports(body)]) + "\n\n\n" + base + "\n\n\n"
            + body + "\n"}


def _enum(table: Table, column: Column) -> str:
    values = ", ".join(_q(v) for v in enum_values(column))
    comma = "," if len(enum_values(column)) == 1 else ""
    name = enum_type_name(table, column)
    return (f"{name} = Literal[{values}]\n{enum_const_name(table, column)}: tuple[{name}, ...] = ({values}{comma})\n"
            f'"""{enum_doc(table, column)}, in order: for dropdowns."""')


def _imports(body: str) -> str:
    code = _STRINGS.sub('""', body)
    python = sorted((line for marker, line in _PYTHON.items() if marker in code),
                    key=lambda line: (line.startswith("from"), line.split()[1]))
    typing = _used(("Any", "Literal"), code)
    python += [f"from typing import {', '.join(typing)}"] if typing else []
    lines = ["from __future__ import annotations", "", *python, ""]
    lines.append(_from_import("sqlalchemy", _used(_SQLALCHEMY, code)))
    if _used(_POSTGRESQL, code):
        lines.append(_from_import("sqlalchemy.dialects.postgresql", _used(_POSTGRESQL, code)))
    if "UserDefinedType" in code:
        lines.append("from sqlalchemy.types import UserDefinedType")
    orm = ["DeclarativeBase", "Mapped", "mapped_column"] + (["relationship"] if "relationship(" in code else [])
    lines.append(_from_import("sqlalchemy.orm", orm))
    return "\n".join(lines)


def _from_import(module: str, names: list[str]) -> str:
    """One line when it fits in 120 characters, else one name a line, as isort writes it."""
    line = f"from {module} import {', '.join(names)}"
    return line if len(line) <= 120 else f"from {module} import (\n" + "".join(f"    {n},\n" for n in names) + ")"


def _used(names: tuple[str, ...], code: str) -> list[str]:
    """The names the code uses, in isort's order: constants, then classes, then functions."""
    used = [n for n in names if re.search(rf"\b{n}\b", code)]
    return sorted(used, key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n))


def _declarative(name: str) -> bool:
    """What the declarative base keeps for itself: a column attribute of that name is refused."""
    return name in ("metadata", "registry")


def _model(schema: Schema, table: Table, found: list[Relation]) -> str:
    lines = [f"class {table.entity}(Base):", f'    """{_doc(table.comment or f"A row of {table.name}.")}"""', "",
             f"    __tablename__ = {_q(table.name)}", "    __table_args__ = ("]
    lines += [f"        {arg}," for arg in _table_args(table)]
    lines += ["    )"]
    if table.primary_key is None:
        lines += ["    # No primary key in the database: the mapper identifies rows by these columns.",
                  f"    __mapper_args__ = {{{_q('primary_key')}: [{_names(row_identity(table))}]}}"]
    lines += [""]
    attributes, notes = python_names(table, _declarative), python_notes(table, _declarative)
    lines += [_column(table, c, attributes[c.name], notes.get(c.name)) for c in table.columns]
    members = [("column", c, a) for c, a in attributes.items()]
    members += [("relation", r.key.name, snake(r.field)) for r in found if r.child.name == table.name]
    members += [("relation", f"{r.child.name}.{r.key.name}", snake(r.back_field)) for r in found
                if r.parent.name == table.name]
    unique_members("sqlalchemy", table.entity, members)
    mine = [_relationship(schema, r, child=True) for r in found if r.child.name == table.name]
    theirs = [_relationship(schema, r, child=False) for r in found if r.parent.name == table.name]
    if mine or theirs:
        lines += ["", *mine, *theirs]
    return "\n".join(lines)


def _doc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', "'''")


def _names(columns: tuple[str, ...]) -> str:
    return ", ".join(_q(c) for c in columns)


def _table_args(table: Table) -> list[str]:
    pk = table.primary_key
    args = [f"PrimaryKeyConstraint({_names(pk.columns)}, name={_q(pk.name)})"] if pk else []
    args += [f"UniqueConstraint({_names(u.columns)}, name={_q(u.name)})" for u in table.uniques]
    args += [f"CheckConstraint({_q(c.expression)}, name={_q(c.name)})" for c in table.checks]
    args += [_foreign_key(k) for k in table.foreign_keys]
    args += [_index(table, i) for i in table.indexes]
    if table.comment:
        args.append(f"{{{_q('comment')}: {_q(table.comment)}}}")
    return args


def _foreign_key(key: ForeignKey) -> str:
    on_delete = key.on_delete + (f" ({', '.join(key.set_null_columns)})" if key.set_null_columns else "")
    remote = ", ".join(_q(f"{key.ref_table}.{c}") for c in key.ref_columns)
    return (f"ForeignKeyConstraint([{_names(key.columns)}], [{remote}], name={_q(key.name)}, "
            f"ondelete={_q(on_delete)}, onupdate={_q(key.on_update)})")


def _index(table: Table, index: Index) -> str:
    keys = [_q(k) if k in table.column_names else f"text({_q(k)})" for k in index.keys]
    options = ["unique=True"] if index.unique else []
    options += [f"postgresql_using={_q(index.method)}"] if index.method != "btree" else []
    options += [f"postgresql_include=[{_names(index.include)}]"] if index.include else []
    options += [f"postgresql_where=text({_q(index.where)})"] if index.where else []
    return f"Index({', '.join([_q(index.name), *keys, *options])})"


def _column(table: Table, column: Column, attribute: str, note: str | None) -> str:
    """The attribute, mapped to the exact column name when the two differ."""
    python, kind = _type(column)
    if enum_values(column):
        named = enum_type_name(table, column)
        python = f"list[{named}]" if column.property_type == "array" else named
    arguments = [_q(column.name), kind] if attribute != column.name else [kind]
    if column.name in table.key_columns:
        arguments.append("primary_key=True")
    arguments.append(f"nullable={not column.not_null}")
    if column.default is not None:
        arguments.append(f"server_default=text({_q(column.default)})")
    if column.comment:
        arguments.append(f"comment={_q(column.comment)}")
    optional = "" if column.not_null else " | None"
    comment = f"    # {note}\n" if note else ""
    return f"{comment}    {attribute}: Mapped[{python}{optional}] = mapped_column({', '.join(arguments)})"


def _type(column: Column) -> tuple[str, str]:
    kind = base_type(column)
    if kind == "custom":
        python, sqlalchemy = "str", f"PostgresType({_q(element_sql_type(column))})"
    else:
        python, sqlalchemy = _TYPES[kind]
    arguments = type_arguments(element_sql_type(column))
    if kind in ("string", "enum") and arguments:
        sqlalchemy = f"String({arguments[0]})"
    if kind == "decimal" and arguments:
        sqlalchemy = f"Numeric({arguments[0]}, {arguments[1]})"
    native = native_enum(column)
    if native is not None:  # the migrations create the type
        values = ", ".join(_q(v) for v in enum_values(column))
        sqlalchemy = f"ENUM({values}, name={_q(native)}, create_type=False)"
    if column.property_type == "array":
        return f"list[{python}]", f"ARRAY({sqlalchemy})"
    return python, sqlalchemy


def _relationship(schema: Schema, relation: Relation, child: bool) -> str:
    """Joined on every key column; written through the child's own columns only (not the tenant)."""
    key, parent, table = relation.key, relation.parent.entity, relation.child.entity
    own = own_columns(schema, relation.child, key)
    pairs = [(c, r) for c, r in zip(key.columns, key.ref_columns, strict=True)]
    self_reference = relation.child.name == relation.parent.name
    mine, theirs = python_names(relation.child, _declarative), python_names(relation.parent, _declarative)
    terms = [_term(table, parent, mine[c], theirs[r], c in own, self_reference, child) for c, r in pairs]
    join = terms[0] if len(terms) == 1 else f"and_({', '.join(terms)})"
    if child:
        kind = parent + (" | None" if relation.optional else "")
        return (f"    {snake(relation.field)}: Mapped[{kind}] = relationship(\n"
                f"        back_populates={_q(snake(relation.back_field))}, primaryjoin={_q(join)})")
    kind = f"{table} | None" if relation.unique else f"list[{table}]"
    many = ", uselist=False" if relation.unique else ""
    return (f"    {snake(relation.back_field)}: Mapped[{kind}] = relationship(\n"
            f"        back_populates={_q(snake(relation.field))}, primaryjoin={_q(join)}{many})")


def _term(child: str, parent: str, column: str, referenced: str, own: bool, self_reference: bool,
          from_child: bool) -> str:
    """One equality of the join, its column marked `foreign()` when written through the relationship;
    on a self-reference the parent's side is marked `remote()` (seen from the child) or the child's."""
    left = f"{child}.{column}"
    right = f"{parent}.{referenced}"
    if self_reference:
        if from_child:
            right = f"remote({right})"
        else:
            left = f"remote({left})"
    if own:
        left = f"foreign({left})"
    return f"{left} == {right}"
