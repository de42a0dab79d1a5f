"""Deterministic sample rows for every table, two tenants, consistent with keys and checks.

Rows are generated per table in foreign-key order, from `seed` alone (no clock, no
`gen_random_uuid`): a child points at a parent row of its own tenant, a self-reference
or a key into a table loaded later is NULL first and linked to an earlier row of the
same tenant afterwards. Values follow the column's rules read from its checks (enum
values, minimum/maximum, `char_length(col) >= n`, `col ~ 'regex'` for patterns simple
enough to generate) and its width.

Loading: COPY into a temporary staging table, then one `INSERT ... SELECT` per tenant
into the table. The select gives NULL to a nullable column named by a CHECK the row
breaks, then keeps only rows every CHECK accepts (PostgreSQL itself evaluates free-form
checks, no Python twin) and skips rows that clash with a unique key (`ON CONFLICT DO
NOTHING`). The rows go through the tenant policies, not around them: before each
tenant's insert the tenant setting is set with `set_config(..., true)` (SET LOCAL), so
a FORCE ROW LEVEL SECURITY table accepts them from its (non-superuser) owner as well; a
superuser passes anyway. Everything is one transaction, followed by ANALYZE.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import json
import random
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import asyncpg
from pglast import ast

from agent.schema.literals import quote_ident, quote_literal
from agent.schema.tables import Column, ForeignKey, Schema, Table
from agent.sql.parsing import parse_sql
from agent.verify.constraint_values import bounds_of
from agent.verify.context import TENANT_A, TENANT_B

__all__ = [
    "ColumnRules", "LoadError", "SampleData", "fresh_value", "load_sample_data", "rules_of", "value_from_pattern",
]

TENANTS = (uuid.UUID(TENANT_A), uuid.UUID(TENANT_B))
_EPOCH = dt.date(2024, 1, 1)
_sre: Any = importlib.import_module("re._parser")
_AUDIT = frozenset({"created_at", "created_by", "updated_at", "updated_by"})


class LoadError(RuntimeError):
    """Loading one table failed; names the table and carries PostgreSQL's error."""

    def __init__(self, table: str, error: asyncpg.PostgresError) -> None:
        super().__init__(f"loading sample rows into {table} failed: {error.sqlstate} {error}")
        self.table, self.error = table, error


@dataclass
class SampleData:
    """Primary keys loaded per table and tenant (None for shared tables), for the later steps."""

    keys: dict[str, dict[uuid.UUID | None, list[Any]]] = field(default_factory=dict)
    rows: int = 0

    def some_key(self, table: str, tenant: uuid.UUID | None) -> Any:
        found = self.keys.get(table, {}).get(tenant) or []
        return found[0] if found else None

    def loaded(self, table: str) -> int:
        return sum(len(keys) for keys in self.keys.get(table, {}).values())


Bounds = tuple[float | None, float | None]


@dataclass(frozen=True)
class ColumnRules:
    """What the column's own checks allow."""

    bounds: Bounds = (None, None)
    min_length: int | None = None
    pattern: str | None = None


def rules_of(table: Table, column: str) -> ColumnRules:
    """What the column's own checks allow; read once per distinct set of checks (it parses them)."""
    return _rules(column, tuple(c.expression for c in table.checks if c.columns == (column,)))


@functools.lru_cache(maxsize=4096)
def _rules(column: str, expressions: tuple[str, ...]) -> ColumnRules:
    bounds: Bounds = (None, None)
    min_length: int | None = None
    pattern: str | None = None
    for expression in expressions:
        low, high = bounds_of(expression, column)
        if low is not None or high is not None:
            bounds = (low, high)
        min_length = _min_length(expression, column) or min_length
        pattern = _pattern(expression, column) or pattern
    return ColumnRules(bounds, min_length, pattern)


def _expression(sql: str) -> Any:
    return parse_sql(f"SELECT {sql}")[0].stmt.targetList[0].val  # type: ignore[union-attr]


def _is_column(node: Any, column: str) -> bool:
    fields: Any = getattr(node, "fields", None) or ()
    return isinstance(node, ast.ColumnRef) and [getattr(f, "sval", None) for f in fields] == [column]


def _operator(node: Any) -> str | None:
    """The operator of a binary expression node (`>=`, `~`), or None for any other node."""
    names: Any = node.name if isinstance(node, ast.A_Expr) else None
    return str(names[0].sval) if names else None


def _min_length(sql: str, column: str) -> int | None:
    """`char_length(col) >= n` (or `length(col) >= n`)."""
    node: Any = _expression(sql)
    operator = _operator(node)
    if operator not in (">=", ">"):
        return None
    call: Any = node.lexpr
    names: Any = call.funcname if isinstance(call, ast.FuncCall) else None
    if not names or names[-1].sval not in ("char_length", "length"):
        return None
    value: Any = node.rexpr
    if not (call.args and _is_column(call.args[0], column) and isinstance(value, ast.A_Const)):
        return None
    number = getattr(value.val, "ival", None)
    return None if number is None else int(number) + (operator == ">")


def _pattern(sql: str, column: str) -> str | None:
    """`col ~ 'regex'`."""
    node: Any = _expression(sql)
    if _operator(node) == "~" and _is_column(node.lexpr, column):
        value: Any = node.rexpr
        if isinstance(value, ast.A_Const) and isinstance(value.val, ast.String):
            return str(value.val.sval)
    return None


# ------------------------------------------------------------------ patterns


class _Unsupported(Exception):
    pass


def value_from_pattern(pattern: str, n: int, extra: int = 2) -> str | None:
    """The `n`th string matching `pattern` (a mixed-radix walk over its choices, so different
    `n` give different strings while the pattern has room); None when it is not simple.
    An open repeat (`+`, `*`, `{2,}`) is taken `extra` times more than its minimum (one)."""
    try:
        text, _ = _walk(_parsed(pattern), n, extra)
    except (_Unsupported, re.error, RecursionError, ValueError, TypeError):
        return None
    return text if re.search(pattern, text) else None


@functools.lru_cache(maxsize=1024)
def _parsed(pattern: str) -> list[Any]:
    return list(_sre.parse(pattern))


def _walk(items: list[Any], n: int, extra: int) -> tuple[str, int]:
    out = []
    for op, arg in items:
        piece, n = _item(str(op), arg, n, extra)
        out.append(piece)
    return "".join(out), n


def _choose(choices: list[str], n: int) -> tuple[str, int]:
    if not choices:
        raise _Unsupported
    return choices[n % len(choices)], n // len(choices)


def _item(op: str, arg: Any, n: int, extra: int) -> tuple[str, int]:
    if op == "LITERAL":
        return chr(arg), n
    if op == "AT":
        return "", n
    if op in ("ANY", "NOT_LITERAL"):
        return _choose([c for c in "abcdefghijklmnopqrstuvwxyz" if op == "ANY" or ord(c) != arg], n)
    if op == "IN":
        return _choose(_class(arg), n)
    if op == "CATEGORY":
        return _choose(_category(str(arg)), n)
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, high, sub = arg
        count = low if high == low else min(high, max(low, 1) + extra)
        if count > 200:
            raise _Unsupported
        pieces = []
        for _ in range(count):
            piece, n = _walk(list(sub), n, extra)
            pieces.append(piece)
        return "".join(pieces), n
    if op in ("SUBPATTERN", "ATOMIC_GROUP"):
        return _walk(list(arg[-1] if op == "SUBPATTERN" else arg), n, extra)
    if op == "BRANCH":
        branches = arg[1]
        return _walk(list(branches[n % len(branches)]), n // len(branches), extra)
    raise _Unsupported


_CATEGORIES = {
    "CATEGORY_DIGIT": "0123456789",
    "CATEGORY_WORD": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_DIGIT": "abcdefghijklmnopqrstuvwxyz",
    "CATEGORY_NOT_SPACE": "abcdefghijklmnopqrstuvwxyz0123456789",
    "CATEGORY_NOT_WORD": "-.",
}


def _category(name: str) -> list[str]:
    if name not in _CATEGORIES:
        raise _Unsupported
    return list(_CATEGORIES[name])


def _class(items: Any) -> list[str]:
    chars: list[str] = []
    for op, arg in items:
        kind = str(op)
        if kind == "LITERAL":
            chars.append(chr(arg))
        elif kind == "RANGE":
            chars.extend(chr(c) for c in range(arg[0], min(arg[1], arg[0] + 61) + 1))
        elif kind == "CATEGORY":
            chars.extend(_category(str(arg)))
        else:  # NEGATE and anything fancier
            raise _Unsupported
    return chars


# ------------------------------------------------------------------ values


def _width(column: Column) -> int | None:
    """VARCHAR(n) columns get values that fit."""
    if column.sql_type.upper().startswith("VARCHAR("):
        return int(column.sql_type[8:].split(")")[0])
    return None


def _text(column: Column, i: int, rng: random.Random, rules: ColumnRules) -> str | None:
    if column.enum_values:
        return column.enum_values[i % len(column.enum_values)]
    width = _width(column)
    if rules.pattern is not None:
        text = value_from_pattern(rules.pattern, i)
        if text is None or (width and len(text) > width) or len(text) < (rules.min_length or 0):
            return None
        return text
    text = f"{column.name[:8]}-{i}-{rng.randrange(1_000_000)}"
    text = text.ljust(rules.min_length or 0, "x")
    return text[-width:] if width else text


def _in_bounds(i: int, bounds: Bounds, low: float, high: float) -> int:
    low = bounds[0] if bounds[0] is not None else (low if bounds[1] is None else min(low, bounds[1] - 1000))
    high = bounds[1] if bounds[1] is not None else max(high, low + 1000)
    return int(low) + 1 + (i % max(int(high - low) - 1, 1))


def _integer(column: Column, i: int, rng: random.Random, rules: ColumnRules) -> int:
    return _in_bounds(i, rules.bounds, 0, 1000)


def _decimal(column: Column, i: int, rng: random.Random, rules: ColumnRules) -> Decimal:
    return Decimal(_in_bounds(i, rules.bounds, 0, 100))


Generator = Callable[[Column, int, random.Random, ColumnRules], Any]

_VALUES: dict[str, Generator] = {
    "uuid": lambda c, i, rng, r: uuid.UUID(int=rng.getrandbits(128), version=4),
    "smallint": _integer, "integer": _integer, "bigint": _integer,
    "decimal": _decimal,
    "float": lambda c, i, rng, r: float(_integer(c, i, rng, r)),
    "double": lambda c, i, rng, r: float(_integer(c, i, rng, r)),
    "boolean": lambda c, i, rng, r: i % 2 == 0,
    "date": lambda c, i, rng, r: _EPOCH + dt.timedelta(days=i % 700),
    "timestamp": lambda c, i, rng, r: dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=i),
    "time": lambda c, i, rng, r: dt.time(i % 24, i % 60),
    "interval": lambda c, i, rng, r: dt.timedelta(minutes=i % 10_000),
    "json": lambda c, i, rng, r: json.dumps({"n": i, "grade": "AB"[i % 2]}),
    "jsonb": lambda c, i, rng, r: json.dumps({"n": i, "grade": "AB"[i % 2]}),
    "bytea": lambda c, i, rng, r: i.to_bytes(8, "big"),
    "inet": lambda c, i, rng, r: f"10.{(i >> 16) % 256}.{(i >> 8) % 256}.{i % 256}",
}


def _array(column: Column, i: int, rng: random.Random, rules: ColumnRules) -> list[Any]:
    element = Column(name=column.name, sql_type="TEXT", not_null=True, property_type=column.array_of or "text")
    make = _VALUES.get(element.property_type, _text)
    return [make(element, i + k, rng, ColumnRules()) for k in range(2)]


def column_value(table: Table, column: Column, i: int, rng: random.Random) -> Any:
    """The `i`th sample value of a plain column (no key, no tenant)."""
    if column.property_type == "array":
        return _array(column, i, rng, ColumnRules())
    return _VALUES.get(column.property_type, _text)(column, i, rng, rules_of(table, column.name))


def fresh_value(table: Table, column: Column) -> Any:
    """A value of the column's type and rules that no sample row holds (for keys and unique columns)."""
    token = uuid.uuid4()
    if column.property_type == "uuid":
        return str(token)
    if column.property_type in ("smallint", "integer", "bigint", "decimal"):
        low, high = rules_of(table, column.name).bounds
        start = int(low) if low is not None else (int(high) - 30_000 if high is not None else 1_000_000)
        return start + token.int % 30_000 if column.property_type != "smallint" else token.int % 30_000
    rules = rules_of(table, column.name)
    width = _width(column) or 32
    if rules.pattern is not None:
        return _fresh_from_pattern(rules, token.int % 10**12, width)
    return f"u{token.hex}".ljust(rules.min_length or 0, "x")[:width]


def _fresh_from_pattern(rules: ColumnRules, n: int, width: int) -> str | None:
    """The longest variant of the pattern that fits: more room, less chance of meeting a sample row."""
    assert rules.pattern is not None
    for extra in range(8, 1, -1):
        text = value_from_pattern(rules.pattern, n, extra)
        if text is not None and (rules.min_length or 0) <= len(text) <= width:
            return text
    return value_from_pattern(rules.pattern, n)


# ------------------------------------------------------------------ loading


@dataclass
class _Generator:
    schema: Schema
    rng: random.Random
    data: SampleData

    def value(self, table: Table, column: Column, i: int, tenant: uuid.UUID | None) -> Any:
        key = _key_of(table, column.name, self.schema.tenant_column)
        if key is not None:
            return self._reference(table, key, column, tenant, i)
        if column.name == self.schema.tenant_column and table.tenant_scoped:
            return tenant
        return column_value(table, column, i, self.rng)

    def _reference(self, table: Table, key: ForeignKey, column: Column, tenant: uuid.UUID | None, i: int) -> Any:
        same_tenant = self.schema.tenant_column in key.columns
        parents = self.data.keys.get(key.ref_table, {}).get(tenant if same_tenant else _first(self.data, key.ref_table))
        if not parents or key.ref_table == table.name:
            return None  # linked afterwards to an earlier row, see _link_sql
        return parents[i % len(parents)]


def _key_of(table: Table, column: str, tenant_column: str) -> ForeignKey | None:
    if column == tenant_column:
        return None
    return next((key for key in table.foreign_keys if column in key.columns), None)


def _first(data: SampleData, table: str) -> uuid.UUID | None:
    return next(iter(data.keys.get(table, {})), None)


def _loaded_columns(table: Table) -> list[Column]:
    """Everything but the audit columns, whose defaults are the sensible values."""
    return [c for c in table.columns if not (table.audit and c.name in _AUDIT)]


def _select_sql(table: Table, names: list[str], stage: str, tenant_column: str) -> str:
    """Rows of the stage with nullable columns of broken checks nulled, then only rows all checks accept."""
    nulled = {}
    for column in table.columns:
        broken = [f"({check.expression}) IS FALSE" for check in table.checks
                  if not column.not_null and _mentions(check.expression, column.name)]
        if broken:
            nulled[column.name] = f"CASE WHEN {' OR '.join(broken)} THEN NULL ELSE {quote_ident(column.name)} END"
    inner = ", ".join(f"{nulled.get(c.name, quote_ident(c.name))} AS {quote_ident(c.name)}" for c in table.columns)
    accepted = " AND ".join(f"({check.expression}) IS NOT FALSE" for check in table.checks) or "true"
    tenant = f" AND {quote_ident(tenant_column)} = $1" if table.tenant_scoped else ""
    listed = ", ".join(quote_ident(n) for n in names)
    return f"SELECT {listed} FROM (SELECT {inner} FROM {quote_ident(stage)}) AS s WHERE {accepted}{tenant}"


def _mentions(expression: str, column: str) -> bool:
    return re.search(rf"(?<![\w$]){re.escape(column)}(?![\w$])", expression) is not None


async def _set_tenant(connection: asyncpg.Connection, schema: Schema, tenant: uuid.UUID | None) -> None:
    await connection.execute(f"SELECT set_config({quote_literal(schema.tenant_setting)}, $1, true)",
                             str(tenant) if tenant else "")


async def _load_table(connection: asyncpg.Connection, generator: _Generator, table: Table, rows: int) -> int:
    schema = generator.schema
    columns = _loaded_columns(table)
    tenants: tuple[uuid.UUID | None, ...] = TENANTS if table.tenant_scoped else (None,)
    # Tenants by blocks, not alternating: alternation would tie each tenant to every other enum value.
    records = [tuple(generator.value(table, c, i, tenants[i * len(tenants) // rows]) for c in columns)
               for i in range(rows)]
    names = [c.name for c in columns]
    stage = f"stage_{table.name}"[:60]
    await connection.execute(f"CREATE TEMP TABLE {quote_ident(stage)} "
                             f"(LIKE {quote_ident(table.name)} INCLUDING DEFAULTS) ON COMMIT DROP")
    await connection.copy_records_to_table(stage, records=records, columns=names)
    pk = quote_ident(table.primary_key.columns[0])
    insert = (f"INSERT INTO {quote_ident(table.name)} ({', '.join(quote_ident(n) for n in names)}) "
              f"{_select_sql(table, names, stage, schema.tenant_column)} ON CONFLICT DO NOTHING RETURNING {pk}")
    keys: dict[uuid.UUID | None, list[Any]] = {}
    for tenant in tenants:
        await _set_tenant(connection, schema, tenant)
        found = await connection.fetch(insert, *([tenant] if tenant else []))
        keys[tenant] = [row[0] for row in found]
    await connection.execute(f"DROP TABLE {quote_ident(stage)}")
    generator.data.keys[table.name] = {t: k for t, k in keys.items() if k}
    return sum(len(k) for k in keys.values())


async def _link_back_references(connection: asyncpg.Connection, table: Table, schema: Schema,
                                loaded: set[str]) -> None:
    """Keys to rows that did not exist yet (itself, or a table later in a reference cycle):
    two rows in three are pointed at a row of their own tenant afterwards (an earlier row
    for a self-reference)."""
    tenant = schema.tenant_column
    for key in table.foreign_keys:
        parent = schema.table(key.ref_table)
        if parent is None or (key.ref_table in loaded and key.ref_table != table.name):
            continue
        column = next(c for c in key.columns if c != tenant)
        target = key.ref_columns[key.columns.index(column)]
        same_tenant = tenant in key.columns
        sql = _link_sql(table, parent, column, target, tenant, same_tenant)
        for each in TENANTS if table.tenant_scoped else (None,):
            await _set_tenant(connection, schema, each)
            # Each tenant's pass links that tenant's rows only (a superuser sees all of them).
            await connection.execute(sql, *([each] if same_tenant else []))


def _link_sql(child: Table, parent: Table, column: str, target: str, tenant: str, same_tenant: bool) -> str:
    partition = f"PARTITION BY {quote_ident(tenant)} " if same_tenant else ""
    shift = " - 1" if child.name == parent.name else ""
    join_tenant = " AND p.tenant = c.tenant" if same_tenant else ""
    tenant_of = quote_ident(tenant) if same_tenant else "NULL::uuid"
    child_pk, parent_key = quote_ident(child.primary_key.columns[0]), quote_ident(target)
    return (
        f"WITH c AS (SELECT {child_pk} AS id, {tenant_of} AS tenant, "
        f"row_number() OVER ({partition}ORDER BY {child_pk}) AS n FROM {quote_ident(child.name)}), "
        f"p AS (SELECT {parent_key} AS id, {tenant_of} AS tenant, "
        f"row_number() OVER ({partition}ORDER BY {parent_key}) AS n FROM {quote_ident(parent.name)}) "
        f"UPDATE {quote_ident(child.name)} AS t SET {quote_ident(column)} = p.id FROM c JOIN p "
        f"ON p.n = c.n{shift}{join_tenant} WHERE t.{child_pk} = c.id AND c.n % 3 <> 0"
        + (" AND c.tenant = $1" if same_tenant else ""))


async def load_sample_data(connection: asyncpg.Connection, schema: Schema, ordered: list[Table],
                           rows_per_table: int, seed: int = 1) -> SampleData:
    """Load `rows_per_table` rows (fewer where checks or unique keys refuse some) into every table."""
    generator = _Generator(schema, random.Random(seed), SampleData())
    async with connection.transaction():
        for table in ordered:
            try:
                generator.data.rows += await _load_table(connection, generator, table, rows_per_table)
            except asyncpg.PostgresError as error:
                raise LoadError(table.name, error) from error
        for position, table in enumerate(ordered):
            try:
                await _link_back_references(connection, table, schema, {t.name for t in ordered[:position]})
            except asyncpg.PostgresError as error:
                raise LoadError(table.name, error) from error
    if ordered:
        await connection.execute("ANALYZE " + ", ".join(quote_ident(t.name) for t in ordered))
    return generator.data
