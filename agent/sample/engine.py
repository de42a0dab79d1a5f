"""Rows for every table of a schema, valid by construction: the one engine behind verification's
sample data and `codegen --target seed`.

Tables are filled in an order that puts a table after the tables its required keys point at; a
nullable key into a table filled later (a reference cycle) is written NULL first and linked once
every table exists (`TableRows.links`). A cycle of required keys has no such order: the schema
loader refuses it. Every row's keys point at rows of its own tenant; its checks are met by
`agent.sample.solver`; unique keys (per tenant, global, partial, on expressions) never repeat.
A check the Python evaluator cannot read is left to PostgreSQL (`TableRows.solved` is False).
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import random
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from agent.sample.expressions import Evaluator, Unsupported, compiled, json_member
from agent.sample.order import insertion_order
from agent.sample.patterns import shaped_like
from agent.sample.solver import CheckRule, mend
from agent.schema.tables import Column, ForeignKey, Index, Schema, Table

__all__ = ["SampleError", "TableRows", "ValueMaker", "solve", "text_width"]

Row = dict[str, Any]
Make = Callable[[int, random.Random], Any]
ValueMaker = Callable[[Table, Column], Make]
"""For a plain column (no key, no tenant): its `i`th value, before checks are met."""
_INTEGER_RANGE = {"smallint": 2**15, "integer": 2**31, "bigint": 2**63}


ANY = object()
"""A key that may point at a row of any tenant."""


class SampleError(ValueError):
    """No row of a table could be made: names the check (and where it was written) and what to add."""

    def __init__(self, table: Table, rule: CheckRule | None, reason: str, place: str | None = None) -> None:
        if rule is not None:
            where = place or table.source_file or "the schema"
            reason = (f"no sample row satisfies check {rule.name} ({rule.expression}) at {where}; "
                      "give the columns it reads `example:` values that meet it")
        self.detail = reason
        super().__init__(f"{table.source_file + ': ' if table.source_file else ''}{table.name}: {reason}")
        self.table, self.rule = table.name, rule


@dataclass
class TableRows:
    table: Table
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    tenants: list[Any] = field(default_factory=list)
    deferred: tuple[str, ...] = ()
    """Columns loaded NULL and set by `links` once every table holds its rows."""
    links: dict[str, list[tuple[Any, Any]]] = field(default_factory=dict)
    """Per deferred column: (primary key, value) of the rows that point somewhere."""
    solved: bool = True
    """Every check and unique key was judged here; False leaves the last word to PostgreSQL."""
    refused: dict[str, int] = field(default_factory=dict)
    unread: list[tuple[str, str]] = field(default_factory=list)
    """(name, expression) of the checks the engine could not read: PostgreSQL judges those."""
    _by_tenant: dict[Any, list[Row]] = field(default_factory=dict, repr=False)

    def of_tenant(self, tenant: Any) -> list[Row]:
        """The rows of one tenant (`ANY`: every row), once the table is filled."""
        if tenant is ANY:
            return self.rows
        if not self._by_tenant:
            for row, owner in zip(self.rows, self.tenants, strict=True):
                self._by_tenant.setdefault(owner, []).append(row)
        return self._by_tenant.get(tenant, [])

    @property
    def pk(self) -> str | None:
        """The primary key's column; None for a key of several columns or none."""
        key = self.table.key_columns
        return key[0] if len(key) == 1 else None

    def inserted(self, row: Row) -> tuple[Any, ...]:
        """The row as loaded: deferred keys still NULL; instants as UTC wall time in a `TIMESTAMP`
        without time zone (the engine reasons in instants)."""
        naive = self._naive_columns()
        return tuple(None if c in self.deferred else _wall_time(row[c]) if c in naive else row[c]
                     for c in self.columns)

    def _naive_columns(self) -> frozenset[str]:
        return frozenset(c.name for c in self.table.columns
                         if c.sql_type.startswith("TIMESTAMP") and not c.sql_type.startswith("TIMESTAMPTZ"))


def _wall_time(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def solve(schema: Schema, counts: list[tuple[Any, int]], make: ValueMaker, seed: int | str = 1,
          shared_rows: int | None = None) -> list[TableRows]:
    """Rows for every table in insertion order: `counts` gives (tenant, rows) for tenant tables;
    shared tables get `shared_rows` (default: all the counts together)."""
    order, deferred = insertion_order(schema)
    made: dict[str, TableRows] = {}
    for table in order:
        filler = _Filler(schema, table, made, deferred.get(table.name, ()), make, seed)
        tenant_counts = counts if table.tenant_scoped else [(None, shared_rows or sum(n for _, n in counts))]
        made[table.name] = filler.fill(tenant_counts)
        filler.exercise_indexes()
    for table in order:
        _link(schema, made[table.name], made)
    return [made[t.name] for t in order]


def _inserted_columns(schema: Schema, table: Table) -> list[str]:
    """Everything but the implicit audit columns, whose defaults are the sensible values."""
    keep = {*table.key_columns, schema.tenant_column}
    return [c.name for c in table.columns if not c.implicit or c.name in keep]


def _single_keys(schema: Schema, table: Table) -> dict[str, ForeignKey]:
    """Columns that are the one own column of a key (beside the tenant)."""
    found: dict[str, ForeignKey] = {}
    for key in table.foreign_keys:
        own = [c for c in key.columns if c != schema.tenant_column]
        if len(own) == 1:
            found.setdefault(own[0], key)
    return found


@dataclass(frozen=True)
class _Link:
    """One foreign key as the filler uses it."""

    key: ForeignKey
    own: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...]
    optional: bool
    deferred: bool

    @classmethod
    def of(cls, schema: Schema, table: Table, key: ForeignKey, deferred: tuple[str, ...]) -> _Link:
        own = tuple(c for c in key.columns if c != schema.tenant_column)
        pairs = tuple((c, key.ref_columns[key.columns.index(c)]) for c in own)
        return cls(key, own, pairs, any(not table.column(c).not_null for c in own), any(c in deferred for c in own))


class _Filler:
    def __init__(self, schema: Schema, table: Table, made: dict[str, TableRows], deferred: tuple[ForeignKey, ...],
                 make: ValueMaker, seed: int | str) -> None:
        self.schema, self.table, self.made, self.make = schema, table, made, make
        self.rng = random.Random(f"{seed}:{table.name}")
        self.result = TableRows(table, _inserted_columns(schema, table))
        self.deferred_keys = deferred
        self.result.deferred = tuple(c for k in deferred for c in k.columns if c != schema.tenant_column)
        self.keys = _single_keys(schema, table)
        self.columns = {c.name: c for c in table.columns}
        pk = self.columns[self.result.pk] if self.result.pk else None
        self.generated_key = pk is not None and pk.property_type == "uuid" and pk.default is not None
        self.examples = _examples(schema, table)
        self.makers = {c.name: self._maker(c, make(table, c)) for c in table.columns}
        self.in_keys = {c for k in table.foreign_keys for c in k.columns}
        self.links = [_Link.of(schema, table, key, self.result.deferred) for key in table.foreign_keys]
        self.pools: list[list[Row]] = []
        self.required = [c for c in self.result.columns if self.columns[c].not_null or c == self.result.pk]
        self.rules = self._rules()
        self.tests = [rule.test for rule in self.rules]
        # A required column a maker always fills needs no test per row: keys (no parent row) and
        # text from a pattern too fancy to generate can come back empty.
        self.may_be_empty = [c for c in self.required if c in self.in_keys or c in self.keys
                             or self.columns[c].property_type in ("string", "text", "array")]
        self.uniques = self._uniques()
        self.seen: set[tuple[Any, ...]] = set()
        self.tenant: Any = None
        self.index = 0
        self.own: list[Row] = []
        self.planned: list[Row] = []
        self.claimed: set[int] = set()
        self.tenant_name = schema.tenant_column if table.tenant_scoped else ""
        self.plain = [(name, self.makers[name], self._nullable_value(self.columns[name]))
                      for name in self.result.columns
                      if not (name == self.result.pk and self.generated_key) and name != self.tenant_name
                      and name not in self.keys and name not in self.in_keys]

    def _rules(self) -> list[CheckRule]:
        rules = []
        for check in self.table.checks:
            try:
                rules.append(CheckRule.read(check.name, check.expression))
            except Unsupported:
                self.result.solved = False
                self.result.unread.append((check.name, check.expression))
        return rules

    def _uniques(self) -> list[tuple[str, list[Evaluator], Evaluator | None]]:
        primary = self.table.primary_key
        keys: list[tuple[str, list[str], str | None]] = [(primary.name, list(primary.columns), None)] if primary else []
        keys += [(u.name, list(u.columns), None) for u in self.table.uniques]
        keys += [(i.name, list(i.keys), i.where) for i in self.table.indexes if i.unique]
        found: list[tuple[str, list[Evaluator], Evaluator | None]] = []
        for name, parts, where in keys:
            if self.generated_key and self.result.pk in parts:
                continue  # a primary key drawn at random already tells every row apart
            if any(p in self.columns and p not in self.result.columns for p in parts):
                self.result.solved = False  # an audit column keeps its default: PostgreSQL judges
                continue
            try:
                found.append((name, [_part(p, self.columns) for p in parts], compiled(where) if where else None))
            except Unsupported:
                self.result.solved = False
        return found

    @staticmethod
    def _shaped(column: Column, given: list[Any], rng: random.Random) -> str | None:
        shaped = shaped_like(given, rng.getrandbits(64))
        return shaped if shaped is not None and len(shaped) <= (text_width(column.sql_type) or len(shaped)) else None

    def _maker(self, column: Column, generated: Make) -> Make:
        """The column's `example:` values come first: in every row, or in the first rows only where a
        unique key needs other values after them."""
        given = self.examples.get(column.name)
        if not given:
            return generated
        unique = any(column.name in u.columns for u in self.table.uniques) or column.name == self.result.pk or any(
            i.unique and any(column.name == k or _mentions(k, column.name) for k in i.keys) for i in self.table.indexes)
        if unique:  # then values shaped like them (`1.0.0` -> `1483.27.9`): what they mean may lie in the shape
            return lambda i, rng: given[i] if i < len(given) else self._shaped(column, given, rng) or generated(i, rng)
        return lambda i, rng: given[i % len(given)]

    # ------------------------------------------------------------ the Space the solver asks

    def free(self, column: str) -> bool:
        return (column in self.columns and (column != self.result.pk or not self.generated_key)
                and column != self.schema.tenant_column and column not in self.result.deferred
                and (column in self.keys or not self._in_composite_key(column)))

    def _in_composite_key(self, column: str) -> bool:
        return column in self.in_keys

    def nullable(self, column: str) -> bool:
        return not self.columns[column].not_null and column != self.result.pk

    def candidates(self, column: str, row: Row) -> Iterable[Any]:
        if column in self.keys:
            pool = self._pool(self.keys[column])
            start = self.index % max(len(pool), 1)
            return [r[self._target(self.keys[column], column)] for r in (pool[start:] + pool[:start])[:16]]
        definition = self.columns[column]
        given = self.examples.get(column, [])
        if given:
            return [*given, *(self._plain(definition, self.index + 7919 * k) for k in range(1, 5))]
        if definition.enum_values:
            return list(definition.enum_values)
        if definition.property_type == "boolean":
            return [True, False]
        return [self._plain(definition, self.index + 7919 * k) for k in range(1, 9)]

    def fit(self, column: str, value: Any) -> Any:
        return _fit(self.columns[column], value)

    # ------------------------------------------------------------ rows

    def fill(self, counts: list[tuple[Any, int]]) -> TableRows:
        number = 0
        pk = self.result.pk
        for tenant, rows in counts:
            self.tenant, self.own = tenant, []
            # Keys drawn ahead: a self-reference may point at any row of the block, later ones too
            # (COPY checks keys at the end of the statement), so `parent_a <> parent_b` can hold in row 1.
            self.planned = [{pk: uuid.UUID(int=self.rng.getrandbits(128), version=4)} for _ in range(rows)] \
                if self.generated_key and pk else []
            self.pools = [self._pool(link.key) for link in self.links]
            for n in range(rows):
                self.index = number
                number += 1
                row = self._row(self.planned[n] if self.planned else {})
                if row is not None:
                    self.own.append(row)
            self._drop_dangling()
            self.result.rows += self.own
            self.result.tenants += [tenant] * len(self.own)
            if rows and not self.own:
                self._give_up()
        for rule in self.rules:
            if rule.unread:
                self.result.solved = False
                self.result.unread.append((rule.name, rule.expression))
        return self.result

    def _give_up(self) -> None:
        worst = max(self.result.refused.items(), key=lambda item: item[1], default=(None, 0))[0]
        rule = next((r for r in self.rules if r.name == worst), None)
        place = self.schema.check_place(self.table.name, rule.name) if rule else None
        raise SampleError(self.table, rule, f"no sample row could be made ({worst}); give its columns "
                          "`example:` values", place)

    def _drop_dangling(self) -> None:
        """Self-references to planned rows that were refused: NULL where allowed, else the row goes."""
        pk = self.result.pk
        columns = [c for c, key in self.keys.items() if key.ref_table == self.table.name and self._target(key, c) == pk]
        if pk is None or not columns:
            return
        for _ in range(len(self.own) + 1):
            present = {row[pk] for row in self.own}
            broken = [row for row in self.own if any(row[c] is not None and row[c] not in present for c in columns)]
            if not broken:
                return
            for row in broken:
                for column in columns:
                    if row[column] is not None and row[column] not in present and self.nullable(column):
                        row[column] = None
            kept = [row for row in self.own if all(row[c] is None or row[c] in present for c in columns)
                    and all(rule.holds(row) for rule in self.rules)]
            self.own = kept

    def _row(self, planned: Row) -> Row | None:
        row: Row = dict(planned)
        i, rng = self.index, self.rng
        if self.tenant_name:
            row[self.tenant_name] = self.tenant
        for name, make, nullable in self.plain:
            row[name] = None if nullable and i % 7 == 6 else make(i, rng)
        self._references(row)
        if self._first_draw_holds(row) and not self._clash(row):
            return row
        clash = ""
        for attempt in range(8):
            failing = mend(self.rules, row, self, self._redraw)
            if failing is not None:
                self._refuse(failing.name)
                return None
            if not self._complete(row):
                self._refuse(f"column {next(c for c in self.required if row.get(c) is None)}")
                return None
            clash = self._clash(row) or ""
            if not clash:
                return row
            self._redraw_into(row, 1000 + attempt, clash)
        self._refuse(clash)
        return None

    def _first_draw_holds(self, row: Row) -> bool:
        """Most rows: every check holds as drawn (NULL passes) and no required column is empty."""
        try:
            if any(test(row) is False for test in self.tests):
                return False
        except Unsupported:
            return False  # the solver's path notes the check as unread
        return all(row.get(c) is not None for c in self.may_be_empty)

    def _complete(self, row: Row) -> bool:
        return all(row.get(c) is not None for c in self.required)

    def _refuse(self, reason: str) -> None:
        self.result.refused[reason] = self.result.refused.get(reason, 0) + 1

    def _nullable_value(self, column: Column) -> bool:
        """Some rows leave it NULL (one in seven), so checks and indexes meet NULLs too."""
        return not column.not_null and column.default is None and column.name != self.result.pk

    def _plain(self, column: Column, i: int) -> Any:
        return self.makers[column.name](i, self.rng)

    def _references(self, row: Row) -> None:
        i = self.index
        for position, (link, pool) in enumerate(zip(self.links, self.pools, strict=True)):
            if link.deferred:
                row.update(dict.fromkeys(link.own))
                continue
            if link.key.ref_table == self.table.name and not pool and not link.optional:
                pool = [row]  # a table whose key is not drawn ahead: the first row points at itself
            if not pool or (link.optional and i % 4 == 3):
                row.update(dict.fromkeys(link.own))
                continue
            parent = pool[(i * 7 + position) % len(pool)]
            for own, target in link.pairs:
                row[own] = parent[target]

    def _target(self, key: ForeignKey, column: str) -> str:
        return key.ref_columns[key.columns.index(column)]

    def _pool(self, key: ForeignKey) -> list[Row]:
        if key.ref_table == self.table.name:
            if self.planned and self._target(key, key.columns[-1]) == self.result.pk:
                return self.planned
            return self.own if self.schema.tenant_column in key.columns else self.result.rows
        parent = self.made.get(key.ref_table)
        if parent is None:
            return []
        return parent.of_tenant(self.tenant if self.schema.tenant_column in key.columns else ANY)

    def _redraw(self, attempt: int) -> Row | None:
        if attempt >= 24:
            return None
        row: Row = {}
        self._redraw_into(row, attempt + 1, None)
        return row

    def _redraw_into(self, row: Row, attempt: int, only: str | None) -> None:
        names = self._unique_columns(only) if only else [c for c in self.result.columns if self.free(c)]
        shift = self.index + 104_729 * attempt
        for name in names:
            if name in self.keys:
                pool = self._pool(self.keys[name])
                if pool:
                    row[name] = pool[(shift + attempt) % len(pool)][self._target(self.keys[name], name)]
            else:
                row[name] = self._plain(self.columns[name], shift)

    def _unique_columns(self, name: str) -> list[str]:
        primary = [(self.table.primary_key.name, self.table.primary_key.columns)] if self.table.primary_key else []
        constraints = [*primary, *((u.name, u.columns) for u in self.table.uniques)]
        unique = next((columns for key, columns in constraints if key == name), None)
        parts = unique or next(i.keys for i in self.table.indexes if i.name == name)
        named = [c for c in self.result.columns if any(c == p or _mentions(p, c) for p in parts)]
        return [c for c in named if self.free(c)]

    def _clash(self, row: Row) -> str | None:
        """The first unique key the row repeats; else None, and the row's keys are taken."""
        found = self._unique_values(row)
        clash = next((entry[0] for entry in found if entry in self.seen), None)
        if clash is None:
            self.seen.update(found)
        return clash

    def _unique_values(self, row: Row) -> list[tuple[Any, ...]]:
        found = []
        for name, parts, where in self.uniques:
            try:
                if where is not None and where(row) is not True:
                    continue
                values = tuple([part(row) for part in parts])
            except Unsupported:
                self.result.solved = False
                continue
            if None not in values:
                found.append((name, *values))
        return found

    def exercise_indexes(self) -> None:
        """Every index with a predicate or expressions gets a row it selects, in each tenant, so
        the index-use step has a query to prove: a row that has none is mended towards one."""
        for index in self.table.indexes:
            self._fill_json_members(index)
            if not index.where and all(k in self.columns for k in index.keys):
                continue
            wanted = [f"({k}) IS NOT NULL" for k in index.keys] + ([f"({index.where})"] if index.where else [])
            try:
                rule = CheckRule.read(index.name, " AND ".join(wanted))
            except Unsupported:
                continue
            for tenant in dict.fromkeys(self.result.tenants):
                self._select_one(rule, [r for r, t in zip(self.result.rows, self.result.tenants, strict=True)
                                        if t == tenant])

    def _fill_json_members(self, index: Index) -> None:
        """An index on `doc -> 'member'` (harbor's report_uuids) selects only rows whose document
        has that member: in each tenant, a row's document gets it."""
        members = [m for m in (json_member(k) for k in index.keys) if m is not None]
        for column, member in members:
            if column not in self.result.columns or column in self.in_keys:
                continue
            for tenant in dict.fromkeys(self.result.tenants):
                rows = [r for r, t in zip(self.result.rows, self.result.tenants, strict=True) if t == tenant]
                if rows and not any(_has_member(row.get(column), member) for row in rows):
                    rows[0][column] = json.dumps({member: [f"{member}-{len(rows)}"]})

    def _select_one(self, rule: CheckRule, rows: list[Row]) -> None:
        chosen = next((row for row in rows if _selects(rule, row)), None)
        if chosen is not None:
            self.claimed.add(id(chosen))
            return
        for row in [r for r in rows if id(r) not in self.claimed][:16]:
            candidate = dict(row)
            if mend([rule, *self.rules], candidate, self, lambda _: None) is not None or not self._complete(candidate):
                continue
            old = self._unique_values(row)
            self.seen.difference_update(old)
            if self._clash(candidate) is None:
                row.update(candidate)
                self.claimed.add(id(row))  # another index's row must not undo this one
                return
            self.seen.update(old)


def _has_member(document: Any, member: str) -> bool:
    try:
        loaded = json.loads(document) if isinstance(document, str) else document
    except ValueError:
        return False
    return isinstance(loaded, dict) and member in loaded


def _selects(rule: CheckRule, row: Row) -> bool:
    try:
        return rule.test(row) is True
    except Unsupported:
        return True  # cannot tell: leave the rows as they are


def _examples(schema: Schema, table: Table) -> dict[str, list[Any]]:
    found = {}
    for hint in schema.examples:
        if hint.table == table.name and hint.column in table.column_names:
            column = table.column(hint.column)
            found[hint.column] = [_typed(column, json.loads(value)) for value in hint.values]
    return found


def _typed(column: Column, value: Any) -> Any:
    """A YAML example as the engine's value of the column's type."""
    kind = column.property_type
    if kind in ("json", "jsonb"):
        return json.dumps(value)
    if kind == "decimal":
        return Decimal(str(value))
    if kind == "date":
        return dt.date.fromisoformat(str(value))
    if kind == "timestamp":
        return _fit(column, dt.datetime.fromisoformat(str(value)))
    if kind == "uuid":
        return uuid.UUID(str(value))
    return value


def _mentions(expression: str, column: str) -> bool:
    import re

    return re.search(rf"(?<![\w$]){re.escape(column)}(?![\w$])", expression) is not None


def _part(part: str, columns: dict[str, Column]) -> Evaluator:
    if part in columns:
        return operator.itemgetter(part)
    return compiled(part)


def _link(schema: Schema, rows: TableRows, made: dict[str, TableRows]) -> None:
    """Point deferred keys at rows of the table filled later, where the row's checks allow it (rows
    are told apart by a key column: a table without one keeps its deferred keys NULL)."""
    if not rows.deferred or rows.pk is None:
        return
    rules = []
    for check in rows.table.checks:
        try:
            rules.append(CheckRule.read(check.name, check.expression))
        except Unsupported:
            continue
    for position, key in enumerate(rows.table.foreign_keys):
        own = [c for c in key.columns if c != schema.tenant_column]
        if len(own) != 1 or own[0] not in rows.deferred:
            continue
        column, target = own[0], key.ref_columns[key.columns.index(own[0])]
        parent = made[key.ref_table]
        linked = rows.links.setdefault(column, [])
        for n, (row, tenant) in enumerate(zip(rows.rows, rows.tenants, strict=True)):
            pool = parent.of_tenant(tenant if schema.tenant_column in key.columns else ANY)
            if not pool or n % 3 == 2:
                continue
            # Each key its own parent, and a few others where a check (`a <> b`) refuses the first.
            for shift in range(4):
                row[column] = pool[(n * 7 + position + shift) % len(pool)][target]
                if all(_holds(rule, row) for rule in rules):
                    linked.append((row[rows.pk], row[column]))
                    break
            else:
                row[column] = None


def _holds(rule: CheckRule, row: Row) -> bool:
    try:
        return rule.holds(row)
    except Unsupported:
        return True


def _fit(column: Column, value: Any) -> Any:
    """`value` in the column's Python type, or None where the column cannot hold it."""
    kind = column.property_type
    try:
        if kind in _INTEGER_RANGE:
            number = int(value)
            return number if -_INTEGER_RANGE[kind] < number < _INTEGER_RANGE[kind] and number == value else None
        if kind == "decimal":
            return Decimal(str(value))
        if kind in ("float", "double"):
            return float(value)
        if kind == "date":
            return value.date() if isinstance(value, dt.datetime) else value if isinstance(value, dt.date) else None
        if kind == "timestamp":
            return value if isinstance(value, dt.datetime) else (
                dt.datetime.combine(value, dt.time(), dt.UTC) if isinstance(value, dt.date) else None)
    except (TypeError, ValueError, ArithmeticError):
        return None
    if kind in ("string", "text", "enum") and isinstance(value, str):
        width = _width(column)
        return value if width is None or len(value) <= width else None
    return value if not isinstance(value, str) or kind in ("string", "text", "enum") else None


def _width(column: Column) -> int | None:
    return text_width(column.sql_type)


def text_width(sql_type: str) -> int | None:
    """The length limit of VARCHAR(n) and CHAR(n); None for other types."""
    kind, _, rest = sql_type.upper().partition("(")
    return int(rest.split(")")[0]) if kind in ("VARCHAR", "CHAR") and rest else None
