"""Sample rows for verification: two tenants, every table, valid by construction.

The rows come from `agent.sample` (the engine `codegen --target seed` uses as well): keys point
at rows of the row's own tenant, a key closing a reference cycle is linked after every table is
filled, checks and unique keys hold. Values follow the column's own rules (enum values,
minimum/maximum, `char_length(col) >= n`, `col ~ 'regex'`) and its width, from `seed` alone.

Loading: when row security does not apply to the connected role (a superuser, or BYPASSRLS),
each table takes one COPY of all its rows. Otherwise (COPY FROM is refused on a table whose
policies apply to the role) the rows go to a staging table and on with one `INSERT ... SELECT`
per tenant, the tenant set with `set_config(..., true)`, so a FORCE ROW LEVEL SECURITY table
accepts them from its owner. A table with a check the Python evaluator cannot read also goes
through the stage, whose select keeps only rows PostgreSQL's checks accept. One transaction,
then ANALYZE.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import asyncpg
from pglast import ast

from agent.sample.engine import TableRows, solve, text_width
from agent.sample.expressions import column_of, node_of, operator_of
from agent.sample.patterns import shaped_like, value_from_pattern
from agent.schema.literals import quote_ident, quote_literal
from agent.schema.tables import Column, Schema, Table
from agent.verify.constraint_values import bounds_of
from agent.verify.context import TENANT_A, TENANT_B
from agent.verify.row_key import row_key_sql

__all__ = [
    "ColumnRules", "LoadError", "SampleData", "fresh_value", "load_sample_data", "rules_of", "value_from_pattern",
]

TENANTS = (uuid.UUID(TENANT_A), uuid.UUID(TENANT_B))
_EPOCH = dt.date(2024, 1, 1)
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
    unread: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """Per table, the checks left to PostgreSQL (name, expression)."""
    trigger_filled: set[str] = field(default_factory=set)
    """Tables a trigger on another table fills (a counter row per parent): a copy takes the place
    of the trigger's row for its key."""

    def some_key(self, table: str, tenant: uuid.UUID | None, n: int = 0) -> Any:
        """The `n`th loaded key (cycling) of the table's rows of `tenant`."""
        found = self.keys.get(table, {}).get(tenant) or []
        return found[n % len(found)] if found else None

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
    """What the checks on this column alone allow (a property's rules, or a table check that names
    no other column); read once per distinct set of checks (it parses them)."""
    return _rules(column, tuple(c.expression for c in table.checks if c.columns == (column,)
                                or (not c.columns and _only(table, c.expression, column))))


def confined(table: Table, column: str) -> bool:
    """Its own checks leave the column few values (a narrow range, a listed set): a copy that
    must differ from every row cannot count on finding a new one there."""
    low, high = rules_of(table, column).bounds
    if low is not None and high is not None and high - low < 1000:
        return True
    own = (c.expression for c in table.checks if c.columns == (column,)
           or (not c.columns and _only(table, c.expression, column)))
    return any(re.search(r"\bIN \(|= ANY ?\(", expression) for expression in own)


def _only(table: Table, expression: str, column: str) -> bool:
    return [c for c in table.column_names if _named(c).search(expression)] == [column]


@functools.lru_cache(maxsize=4096)
def _named(column: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w$]){re.escape(column)}(?![\w$])")


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


def _min_length(sql: str, column: str) -> int | None:
    """`char_length(col) >= n` (or `length(col) >= n`)."""
    node: Any = node_of(sql)
    operator = operator_of(node)
    if operator not in (">=", ">"):
        return None
    call: Any = node.lexpr
    names: Any = call.funcname if isinstance(call, ast.FuncCall) else None
    if not names or names[-1].sval not in ("char_length", "length"):
        return None
    value: Any = node.rexpr
    if not (call.args and column_of(call.args[0]) == column and isinstance(value, ast.A_Const)):
        return None
    number = getattr(value.val, "ival", None)
    return None if number is None else int(number) + (operator == ">")


def _pattern(sql: str, column: str) -> str | None:
    """`col ~ 'regex'`."""
    node: Any = node_of(sql)
    if operator_of(node) == "~" and column_of(node.lexpr) == column:
        value: Any = node.rexpr
        if isinstance(value, ast.A_Const) and isinstance(value.val, ast.String):
            return str(value.val.sval)
    return None


# ------------------------------------------------------------------ values


def _width(column: Column) -> int | None:
    """VARCHAR(n) and CHAR(n) columns get values that fit."""
    return text_width(column.sql_type)


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
    "json": lambda c, i, rng, r: f'{{"n": {i}, "grade": "{"AB"[i % 2]}"}}',
    "jsonb": lambda c, i, rng, r: f'{{"n": {i}, "grade": "{"AB"[i % 2]}"}}',
    "bytea": lambda c, i, rng, r: i.to_bytes(8, "big"),
    "inet": lambda c, i, rng, r: f"10.{(i >> 16) % 256}.{(i >> 8) % 256}.{i % 256}",
    # a word most types read (ltree, tsvector, citext, xml); another type's column takes `example:` values
    "custom": lambda c, i, rng, r: f"sample_{i}",
}


def column_maker(table: Table, column: Column) -> Callable[[int, random.Random], Any]:
    """The column's sample values as a function of `i`: its rules read once."""
    if column.property_type == "array":
        element = Column(name=column.name, sql_type=column.sql_type.removesuffix("[]"), not_null=True,
                         property_type=column.array_of or "text", enum_values=column.item_values)
        item = _VALUES.get(element.property_type, _text)
        return lambda i, rng: [item(element, i + k, rng, ColumnRules()) for k in range(2)]
    make, rules = _VALUES.get(column.property_type, _text), rules_of(table, column.name)
    return lambda i, rng: make(column, i, rng, rules)


def column_value(table: Table, column: Column, i: int, rng: random.Random) -> Any:
    """The `i`th sample value of a plain column (no key, no tenant)."""
    return column_maker(table, column)(i, rng)


def fresh_value(table: Table, column: Column, examples: Sequence[str] = ()) -> Any:
    """A value of the column's type and rules that no sample row holds (for keys and unique columns);
    for text with `example:` values, one shaped like them."""
    token = uuid.uuid4()
    if column.property_type == "uuid":
        return str(token)
    if column.property_type in ("smallint", "integer", "bigint", "decimal"):
        low, high = rules_of(table, column.name).bounds
        start = int(low) if low is not None else (int(high) - 30_000 if high is not None else 1_000_000)
        return start + token.int % 30_000 if column.property_type != "smallint" else token.int % 30_000
    typed = _FRESH_BY_TYPE.get(column.property_type)
    if typed is not None:
        return typed(token.int)
    rules = rules_of(table, column.name)
    width = _width(column) or 32
    if rules.pattern is not None:
        return _fresh_from_pattern(rules, token.int % 10**12, width)
    shaped = shaped_like(examples, token.int)
    if shaped is not None and len(shaped) <= width:
        return shaped
    return f"u{token.hex}".ljust(rules.min_length or 0, "x")[:width]


_FAR_DAY = dt.date(2300, 1, 1)
_FRESH_BY_TYPE: dict[str, Callable[[int], Any]] = {
    # keys of several columns hold dates, times and addresses too; far from any sample row's
    "date": lambda n: (_FAR_DAY + dt.timedelta(days=n % 2_000_000)).isoformat(),
    "timestamp": lambda n: f"{(_FAR_DAY + dt.timedelta(seconds=n % 10**10)).isoformat()}Z",
    "time": lambda n: str(dt.time(n % 24, n // 24 % 60, n // 1440 % 60, n // 86400 % 10**6)),
    "interval": lambda n: f"{n % 10**9} seconds",
    "float": lambda n: n % 10**9 + 0.5,
    "double": lambda n: n % 10**12 + 0.25,
    "inet": lambda n: f"10.{n % 256}.{n // 256 % 256}.{n // 65536 % 256}",
    "bytea": lambda n: f"\\x{n % 2**64:016x}",
    "json": lambda n: {"fresh": n % 10**12},
    "jsonb": lambda n: {"fresh": n % 10**12},
    "custom": lambda n: f"fresh_{n % 10**12}",
}


def _fresh_from_pattern(rules: ColumnRules, n: int, width: int) -> str | None:
    """The longest variant of the pattern that fits: more room, less chance of meeting a sample row."""
    assert rules.pattern is not None
    for extra in range(8, 1, -1):
        text = value_from_pattern(rules.pattern, n, extra)
        if text is not None and (rules.min_length or 0) <= len(text) <= width:
            return text
    return value_from_pattern(rules.pattern, n)


# ------------------------------------------------------------------ loading


async def _privileged(connection: asyncpg.Connection) -> bool:
    """Row security does not apply to this role: COPY may write every tenant's rows at once."""
    return bool(await connection.fetchval(
        "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"))


async def _set_tenant(connection: asyncpg.Connection, schema: Schema, tenant: uuid.UUID | None) -> None:
    await connection.execute(f"SELECT set_config({quote_literal(schema.tenant_setting)}, $1, true)",
                             str(tenant) if tenant else "")


def _custom_columns(table: Table) -> list[Column]:
    """Columns of `type: custom` (or arrays of it): loaded as text, cast by PostgreSQL."""
    return [c for c in table.columns if (c.array_of or c.property_type) == "custom"]


def _filter_sql(table: Table, names: list[str], stage: str, tenant_column: str) -> str:
    """The stage's rows of one tenant; where a check could not be judged in Python, only those its
    checks accept, and none that clash with a unique key (ON CONFLICT DO NOTHING follows)."""
    accepted = " AND ".join(f"({check.expression}) IS NOT FALSE" for check in table.checks) or "true"
    tenant = f" AND {quote_ident(tenant_column)} = $1" if table.tenant_scoped else ""
    custom = {c.name: c.sql_type for c in _custom_columns(table)}
    listed = ", ".join(f"{quote_ident(n)}::{custom[n]}" if n in custom else quote_ident(n) for n in names)
    return f"SELECT {listed} FROM {quote_ident(stage)} WHERE {accepted}{tenant}"


class _Loader:
    def __init__(self, connection: asyncpg.Connection, schema: Schema, privileged: bool) -> None:
        self.connection, self.schema, self.privileged = connection, schema, privileged
        self.loaded: dict[str, set[Any]] = {}
        self.trigger_filled: set[str] = set()

    async def table(self, rows: TableRows) -> dict[uuid.UUID | None, list[Any]]:
        """Loads the rows; their primary keys per tenant. A table a trigger on an earlier table
        filled already (crates.io's crate_downloads) counts the trigger's rows too."""
        filled = await self._filled_already(rows.table)
        if filled:
            self.trigger_filled.add(rows.table.name)
        if self.privileged and rows.solved and rows.pk is not None and not _custom_columns(rows.table) \
                and not filled:
            await self.connection.copy_records_to_table(
                rows.table.name, records=[rows.inserted(r) for r in rows.rows], columns=rows.columns)
            keys: dict[uuid.UUID | None, list[Any]] = {}
            for row, tenant in zip(rows.rows, rows.tenants, strict=True):
                keys.setdefault(tenant, []).append(row[rows.pk])
        else:
            keys = await self._staged(rows)
        if filled:
            keys = await self._present_keys(rows.table)
        self.loaded[rows.table.name] = {k for found in keys.values() for k in found}
        return keys

    async def _filled_already(self, table: Table) -> bool:
        """Rows a trigger on an earlier table made: the rows go through the staging table, whose
        ON CONFLICT DO NOTHING leaves the trigger's rows be."""
        return bool(await self.connection.fetchval(f"SELECT EXISTS (SELECT FROM {quote_ident(table.name)})"))

    async def _present_keys(self, table: Table) -> dict[uuid.UUID | None, list[Any]]:
        tenant = quote_ident(self.schema.tenant_column) if table.tenant_scoped else "NULL::uuid"
        found = await self.connection.fetch(f"SELECT {tenant}, {row_key_sql(table)} FROM {quote_ident(table.name)}")
        keys: dict[uuid.UUID | None, list[Any]] = {}
        for owner, key in found:
            keys.setdefault(owner, []).append(key)
        return keys

    async def _staged(self, rows: TableRows) -> dict[uuid.UUID | None, list[Any]]:
        table, names = rows.table, rows.columns
        stage = f"stage_{table.name}"[:60]
        await self.connection.execute(f"CREATE TEMP TABLE {quote_ident(stage)} "
                                      f"(LIKE {quote_ident(table.name)} INCLUDING DEFAULTS) ON COMMIT DROP")
        for column in _custom_columns(table):  # COPY has no binary encoder for an extension's type: text
            text = "text[]" if column.property_type == "array" else "text"
            await self.connection.execute(f"ALTER TABLE {quote_ident(stage)} ALTER COLUMN {quote_ident(column.name)} "
                                          f"TYPE {text} USING NULL")
        await self.connection.copy_records_to_table(stage, records=[rows.inserted(r) for r in rows.rows],
                                                    columns=names)
        insert = (f"INSERT INTO {quote_ident(table.name)} ({', '.join(quote_ident(n) for n in names)}) "
                  f"{_filter_sql(table, names, stage, self.schema.tenant_column)} "
                  f"ON CONFLICT DO NOTHING RETURNING {row_key_sql(table)}")
        keys: dict[uuid.UUID | None, list[Any]] = {}
        for tenant in dict.fromkeys(rows.tenants):
            await _set_tenant(self.connection, self.schema, tenant)
            found = await self.connection.fetch(insert, *([tenant] if table.tenant_scoped else []))
            keys[tenant] = [row[0] for row in found]
        await self.connection.execute(f"DROP TABLE {quote_ident(stage)}")
        return keys

    async def links(self, rows: TableRows, made: dict[str, TableRows]) -> None:
        """Keys into tables filled later: one UPDATE per key (per tenant without BYPASSRLS)."""
        table, pk = rows.table, rows.pk
        if pk is None:
            return  # nothing was linked: rows without a key column are not told apart
        for key in table.foreign_keys:
            column = next((c for c in key.columns if c in rows.links), None)
            if column is None:
                continue
            pairs = self._loaded_pairs(rows, made[key.ref_table], column, key.ref_columns[key.columns.index(column)])
            sql = (f"UPDATE {quote_ident(table.name)} AS t SET {quote_ident(column)} = v.value "
                   f"FROM unnest($1::{table.column(pk).sql_type}[], $2::{table.column(column).sql_type}[]) "
                   "AS v(id, value) "
                   f"WHERE t.{quote_ident(pk)} = v.id")
            for tenant in (None,) if self.privileged else tuple(dict.fromkeys(rows.tenants)):
                chosen = [p for p in pairs if tenant is None or p[2] == tenant]
                if not self.privileged:
                    await _set_tenant(self.connection, self.schema, tenant)
                await self.connection.execute(sql, [p[0] for p in chosen], [p[1] for p in chosen])

    def _loaded_pairs(self, rows: TableRows, parent: TableRows, column: str, target: str) -> list[tuple[Any, ...]]:
        """(key, value, tenant) of linked rows whose own row and parent row were both loaded."""
        parents = {row[target]: row[parent.pk or target] for row in parent.rows}
        tenants = {row[rows.pk or ""]: tenant for row, tenant in zip(rows.rows, rows.tenants, strict=True)}
        mine, theirs = self.loaded.get(rows.table.name, set()), self.loaded.get(parent.table.name, set())
        return [(key, value, tenants[key]) for key, value in rows.links[column]
                if key in mine and parents.get(value) in theirs]


_FOREIGN_KEYS = """
SELECT c.conrelid::regclass::text AS owner, c.conname AS name, pg_get_constraintdef(c.oid) AS definition,
       obj_description(c.oid, 'pg_constraint') AS comment
FROM pg_constraint AS c
WHERE c.contype = 'f' AND c.conrelid = ANY($1::text[]::regclass[])
ORDER BY c.conrelid::regclass::text, c.conname
"""


async def _keys_aside(connection: asyncpg.Connection, schema: Schema) -> list[asyncpg.Record]:
    """Drops the foreign keys of the tables about to be loaded (in the loading transaction);
    what `_keys_back` needs to add them back exactly: PostgreSQL's own definition and comment."""
    keys = list(await connection.fetch(_FOREIGN_KEYS, [quote_ident(t.name) for t in schema.tables]))
    for owner, group in _by_owner(keys).items():
        await connection.execute(f"ALTER TABLE {owner} " + ", ".join(
            f"DROP CONSTRAINT {quote_ident(key['name'])}" for key in group))
    return keys


async def _keys_back(connection: asyncpg.Connection, keys: list[asyncpg.Record]) -> None:
    for owner, group in _by_owner(keys).items():
        try:
            await connection.execute(f"ALTER TABLE {owner} " + ", ".join(
                f"ADD CONSTRAINT {quote_ident(key['name'])} {key['definition']}" for key in group))
        except asyncpg.PostgresError as error:
            raise LoadError(owner, error) from error
        for key in group:
            if key["comment"] is not None:
                await connection.execute(f"COMMENT ON CONSTRAINT {quote_ident(key['name'])} ON {owner} "
                                         f"IS {quote_literal(key['comment'])}")


def _by_owner(keys: list[asyncpg.Record]) -> dict[str, list[asyncpg.Record]]:
    found: dict[str, list[asyncpg.Record]] = {}
    for key in keys:
        found.setdefault(key["owner"], []).append(key)
    return found


async def load_sample_data(connection: asyncpg.Connection, schema: Schema, rows_per_table: int,
                           seed: int = 1) -> SampleData:
    """Load `rows_per_table` rows, made valid by `agent.sample`, into every table: each table by
    one COPY when row security does not apply to this role, otherwise through a staging table per
    tenant with the tenant set. Raises SampleError when a table's checks cannot be met."""
    half = rows_per_table // len(TENANTS)
    counts = [(tenant, half + (rows_per_table - half * len(TENANTS) if n == 0 else 0))
              for n, tenant in enumerate(TENANTS)]
    made = solve(schema, counts, column_maker, seed)
    loader = _Loader(connection, schema, await _privileged(connection))
    data = SampleData()
    async with connection.transaction():
        # Rows the engine vouches for need no key check each: PostgreSQL checks each key once,
        # for all rows together, when it is added back (and refuses the load if one dangles).
        # Where PostgreSQL filters rows (a check the engine cannot read) the keys stay.
        aside = await _keys_aside(connection, schema) if all(rows.solved for rows in made) else []
        for rows in made:
            try:
                keys = await loader.table(rows)
            except asyncpg.PostgresError as error:
                raise LoadError(rows.table.name, error) from error
            data.keys[rows.table.name] = {t: k for t, k in keys.items() if k}
            data.trigger_filled = loader.trigger_filled
            if rows.unread:
                data.unread[rows.table.name] = rows.unread
            data.rows += sum(len(k) for k in keys.values())
        by_name = {rows.table.name: rows for rows in made}
        for rows in made:
            try:
                await loader.links(rows, by_name)
            except asyncpg.PostgresError as error:
                raise LoadError(rows.table.name, error) from error
        await _keys_back(connection, aside)
    if made:
        await connection.execute("ANALYZE " + ", ".join(quote_ident(rows.table.name) for rows in made))
    return data
