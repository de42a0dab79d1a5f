"""Round trips: YAML -> generate -> apply -> import -> YAML, compared in meaning."""

from __future__ import annotations

from typing import Any

import asyncpg

from agent.catalog import Catalog, read_catalog
from agent.importing import ImportedFiles, import_texts
from agent.schema import LoadedSchema, load_schema_sources
from agent.schema.tables import HINT_FIELDS, Check, Column, Index, Policy, Schema, Table
from agent.verify.normal_form import normal_form
from tests.generate.helpers import generate
from tests.generate.test_apply import apply_up


async def applied_catalog(db: asyncpg.Connection, loaded: LoadedSchema) -> Catalog:
    await apply_up(db, generate(loaded))
    return await read_catalog(db)


def reload(imported: ImportedFiles) -> LoadedSchema:
    return load_schema_sources(imported.texts)


async def round_trip(db: asyncpg.Connection, loaded: LoadedSchema) -> tuple[ImportedFiles, LoadedSchema]:
    imported = import_texts(await applied_catalog(db, loaded))
    return imported, reload(imported)


def _expression(text: str | None) -> str | None:
    return None if text is None else normal_form(text)


def _column(column: Column) -> Column:
    return column.model_copy(update={"default": _expression(column.default)})


def _index(index: Index) -> Index:
    return index.model_copy(update={"keys": tuple(normal_form(k) for k in index.keys),
                                    "where": _expression(index.where)})


def _check(check: Check) -> Check:
    return check.model_copy(update={"expression": normal_form(check.expression)})


def _policy(policy: Policy) -> Policy:
    return policy.model_copy(update={"using": _expression(policy.using),
                                     "with_check": _expression(policy.with_check)})


def _by_name(items: tuple, convert) -> tuple:  # type: ignore[no-untyped-def, type-arg]
    return tuple(sorted((convert(i) for i in items), key=lambda i: i.name))


def comparable_table(table: Table) -> Table:
    """What a database can tell: no source file; expressions in normal form; objects the
    catalog lists by name (constraints, indexes, policies) in name order."""
    return table.model_copy(update={
        "source_file": "",
        "columns": tuple(_column(c) for c in table.columns),
        "uniques": _by_name(table.uniques, lambda u: u),
        "checks": _by_name(table.checks, _check),
        "foreign_keys": _by_name(table.foreign_keys, lambda f: f),
        "indexes": _by_name(table.indexes, _index),
        "policies": _by_name(table.policies, _policy),
    })


def comparable(schema: Schema) -> Schema:
    return schema.model_copy(update={"tables": tuple(comparable_table(t) for t in schema.tables)})


def differences(left: Schema, right: Schema) -> list[str]:
    """Readable differences between two comparable schemas, for assertion messages."""
    found = [f"{key}: {a!r} != {b!r}" for key, a, b in _fields("schema", left, right, ("tables", *HINT_FIELDS))]
    names = sorted({t.name for t in left.tables} | {t.name for t in right.tables})
    for name in names:
        a, b = left.table(name), right.table(name)
        if a is None or b is None:
            found.append(f"table {name}: only in {'right' if a is None else 'left'}")
            continue
        found += [f"{key}: {x!r} != {y!r}" for key, x, y in _fields(name, a, b, ())]
    return found


def _fields(prefix: str, a: Any, b: Any, skip: tuple[str, ...]) -> list[tuple[str, Any, Any]]:
    out = []
    for field in type(a).model_fields:
        x, y = getattr(a, field), getattr(b, field)
        if field in skip or x == y:
            continue
        if isinstance(x, tuple) and isinstance(y, tuple) and len(x) == len(y):
            out += [(f"{prefix}.{field}[{i}]", p, q) for i, (p, q) in enumerate(zip(x, y, strict=True)) if p != q]
        else:
            out.append((f"{prefix}.{field}", x, y))
    return out
