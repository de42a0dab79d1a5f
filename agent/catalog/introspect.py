"""Read one schema of a live database into a `Catalog`.

One query per object kind, all in one snapshot (a read-only REPEATABLE READ
transaction, or a savepoint when the caller already has a transaction open), with
`search_path` pinned to the schema so deparsed expressions do not depend on the
caller's session. Nothing is changed: the transaction or savepoint is rolled back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, Protocol, TypeVar

import asyncpg

from agent.catalog import model as m
from agent.catalog.queries import queries

__all__ = ["SchemaNotFoundError", "read_catalog"]

Row = Mapping[str, Any]
Rows = Sequence[Row]

_TABLE_KINDS = frozenset({"r", "p"})
_CONSTRAINT_KINDS: dict[str, m.ConstraintKind] = {
    "p": "primary",
    "u": "unique",
    "c": "check",
    "f": "foreign",
    "x": "exclude",
}
_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_MATCH: dict[str, m.ForeignKeyMatch] = {"s": "SIMPLE", "f": "FULL", "p": "PARTIAL"}
_POLICY_COMMANDS: dict[str, m.PolicyCommand] = {
    "*": "ALL",
    "r": "SELECT",
    "a": "INSERT",
    "w": "UPDATE",
    "d": "DELETE",
}
_IDENTITY: dict[str, m.IdentityKind] = {"a": "always", "d": "by default"}
_GENERATED: dict[str, m.GeneratedKind] = {"s": "stored", "v": "virtual"}
_TRIGGER_ENABLED: dict[str, m.TriggerEnabled] = {
    "O": "origin",
    "A": "always",
    "R": "replica",
    "D": "disabled",
}
_TRIGGER_EVENTS = ((4, "INSERT"), (16, "UPDATE"), (8, "DELETE"), (32, "TRUNCATE"))
_FUNCTION_KINDS: dict[str, m.FunctionKind] = {
    "f": "function",
    "p": "procedure",
    "a": "aggregate",
    "w": "window",
}
_VOLATILITY: dict[str, m.Volatility] = {"i": "immutable", "s": "stable", "v": "volatile"}
_CHECK_OPTIONS: dict[str, m.CheckOption] = {"local": "local", "cascaded": "cascaded"}
_TRUE_WORDS = frozenset({"true", "on", "yes", "1", "t", "y"})


class SchemaNotFoundError(LookupError):
    """The schema to read does not exist in the database."""


async def read_catalog(connection: asyncpg.Connection, schema: str = "public") -> m.Catalog:
    """The catalog of `schema` as the connection's database holds it now."""
    version = connection.get_server_version().major
    async with _snapshot(connection):
        exists = await connection.fetchval(
            "SELECT set_config('search_path', quote_ident($1), true) IS NOT NULL"
            " AND EXISTS (SELECT FROM pg_namespace WHERE nspname = $1)",
            schema,
        )
        if not exists:
            raise SchemaNotFoundError(f"schema {schema!r} does not exist")
        rows = {kind: await connection.fetch(sql, schema) for kind, sql in queries(version).items()}
    return build_catalog(schema, rows)


@asynccontextmanager
async def _snapshot(connection: asyncpg.Connection) -> AsyncIterator[None]:
    """A snapshot that is always rolled back, nested in the caller's transaction if any."""
    if connection.is_in_transaction():
        begin = "SAVEPOINT agent_catalog_read"
        end = "ROLLBACK TO SAVEPOINT agent_catalog_read; RELEASE SAVEPOINT agent_catalog_read"
    else:
        begin, end = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "ROLLBACK"
    await connection.execute(begin)
    try:
        yield
    finally:
        await connection.execute(end)


def build_catalog(schema: str, rows: Mapping[str, Rows]) -> m.Catalog:
    """A Catalog from the rows of each query in `queries` (keyed like it)."""
    children = {kind: _by_relation(rows[kind]) for kind in _CHILD_KINDS}
    relations = sorted(rows["relations"], key=lambda row: row["name"])
    return m.Catalog(
        schema_name=schema,
        tables=tuple(_table(r, children) for r in relations if r["kind"] in _TABLE_KINDS),
        views=tuple(_view(r, children) for r in relations if r["kind"] not in _TABLE_KINDS),
        functions=_sorted(_function(r) for r in rows["functions"]),
        sequences=_sorted(_sequence(r) for r in rows["sequences"]),
        enums=_sorted(_enum(r) for r in rows["enums"]),
        extensions=_sorted(m.Extension(name=r["name"]) for r in rows.get("extensions", ())),
    )


_CHILD_KINDS = ("columns", "constraints", "indexes", "policies", "triggers", "grants")
Children = Mapping[str, Mapping[str, list[Row]]]


class _Named(Protocol):
    @property
    def name(self) -> str: ...


_N = TypeVar("_N", bound=_Named)


def _by_relation(rows: Rows) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row["relation"]].append(row)
    return grouped


def _sorted(items: Iterable[_N]) -> tuple[_N, ...]:
    return tuple(sorted(items, key=lambda item: (item.name, getattr(item, "arguments", ""))))


def _table(row: Row, children: Children) -> m.Table:
    name = row["name"]
    return m.Table(
        name=name,
        partitioned=row["kind"] == "p",
        partition_key=row["partition_key"],
        partition_of=row["partition_of"],
        partition_bound=row["partition_bound"],
        unlogged=row["unlogged"],
        rls_enabled=row["rls_enabled"],
        rls_forced=row["rls_forced"],
        comment=row["comment"],
        columns=_columns(children["columns"].get(name, [])),
        constraints=_sorted(_constraint(r) for r in children["constraints"].get(name, [])),
        indexes=_sorted(_index(r) for r in children["indexes"].get(name, [])),
        policies=_sorted(_policy(r) for r in children["policies"].get(name, [])),
        triggers=_sorted(_trigger(r) for r in children["triggers"].get(name, [])),
        grants=_grants(children["grants"].get(name, [])),
    )


def _view(row: Row, children: Children) -> m.View:
    name = row["name"]
    options = _options(row["options"])
    return m.View(
        name=name,
        materialized=row["kind"] == "m",
        security_invoker=options.get("security_invoker", "false") in _TRUE_WORDS,
        security_barrier=options.get("security_barrier", "false") in _TRUE_WORDS,
        check_option=_CHECK_OPTIONS.get(options.get("check_option", "")),
        definition=row["definition"],
        comment=row["comment"],
        columns=_columns(children["columns"].get(name, [])),
        indexes=_sorted(_index(r) for r in children["indexes"].get(name, [])),
        triggers=_sorted(_trigger(r) for r in children["triggers"].get(name, [])),
        grants=_grants(children["grants"].get(name, [])),
    )


def _options(options: Sequence[str]) -> dict[str, str]:
    """`reloptions` (`["security_invoker=on"]`) as a dict with lower-case values."""
    pairs = (option.partition("=") for option in options)
    return {key: value.lower() for key, _, value in pairs}


def _columns(rows: Rows) -> tuple[m.Column, ...]:
    return tuple(_column(r) for r in sorted(rows, key=lambda r: r["position"]))


def _column(row: Row) -> m.Column:
    generated = _GENERATED.get(row["generated"])
    return m.Column(
        name=row["name"],
        type=row["type"],
        not_null=row["not_null"],
        default=None if generated else row["expression"],
        identity=_IDENTITY.get(row["identity"]),
        generated=generated,
        generated_expression=row["expression"] if generated else None,
        collation=row["collation"],
        comment=row["comment"],
        own_type=bool(row["own_type"]),
    )


def _constraint(row: Row) -> m.Constraint:
    return m.Constraint(
        name=row["name"],
        kind=_CONSTRAINT_KINDS[row["kind"]],
        columns=tuple(row["columns"]),
        definition=row["definition"],
        expression=row["expression"],
        deferrable=row["deferrable"],
        initially_deferred=row["initially_deferred"],
        validated=row["validated"],
        enforced=row["enforced"],
        comment=row["comment"],
        **(_foreign_key(row) if row["kind"] == "f" else {}),
    )


def _foreign_key(row: Row) -> dict[str, Any]:
    return {
        "referenced_table": row["referenced_table"],
        "referenced_columns": tuple(row["referenced_columns"]),
        "on_delete": _action(row["on_delete"], row["delete_set_columns"]),
        "on_update": _action(row["on_update"], ()),
        "match": _MATCH[row["match"]],
    }


def _action(code: str, columns: Sequence[str]) -> str:
    """`n` with columns `[a]` is `SET NULL (a)`; without, `SET NULL`."""
    word = _ACTIONS[code]
    return f"{word} ({', '.join(columns)})" if columns else word


def _index(row: Row) -> m.Index:
    return m.Index(
        name=row["name"],
        method=row["method"],
        unique=row["unique"],
        keys=tuple(row["keys"]),
        include=tuple(row["include"]),
        predicate=row["predicate"],
        nulls_not_distinct=row["nulls_not_distinct"],
        valid=row["valid"],
        is_primary=row["is_primary"],
        constraint=row["constraint"],
        definition=row["definition"],
        comment=row["comment"],
    )


def _policy(row: Row) -> m.Policy:
    return m.Policy(
        name=row["name"],
        command=_POLICY_COMMANDS[row["command"]],
        permissive=row["permissive"],
        roles=tuple(sorted(row["roles"])),
        using=row["using"],
        with_check=row["with_check"],
        comment=row["comment"],
    )


def _trigger(row: Row) -> m.Trigger:
    bits = row["type"]
    return m.Trigger(
        name=row["name"],
        timing=_trigger_timing(bits),
        events=tuple(word for bit, word in _TRIGGER_EVENTS if bits & bit),
        columns=tuple(row["columns"]),
        level="ROW" if bits & 1 else "STATEMENT",
        function=row["function"],
        enabled=_TRIGGER_ENABLED[row["enabled"]],
        constraint_trigger=row["constraint_trigger"],
        definition=row["definition"],
        comment=row["comment"],
    )


def _trigger_timing(bits: int) -> m.TriggerTiming:
    if bits & 64:
        return "INSTEAD OF"
    return "BEFORE" if bits & 2 else "AFTER"


def _grants(rows: Rows) -> tuple[m.Grant, ...]:
    grants = {
        m.Grant(grantee=r["grantee"], privilege=r["privilege"], grantable=r["grantable"])
        for r in rows
    }
    return tuple(sorted(grants, key=lambda g: (g.grantee, g.privilege, g.grantable)))


def _function(row: Row) -> m.Function:
    return m.Function(
        name=row["name"],
        arguments=row["arguments"],
        result=row["result"],
        kind=_FUNCTION_KINDS[row["kind"]],
        language=row["language"],
        volatility=_VOLATILITY[row["volatility"]],
        strict=row["strict"],
        security_definer=row["security_definer"],
        settings=tuple(row["settings"]),
        body=row["body"],
        comment=row["comment"],
    )


def _sequence(row: Row) -> m.Sequence:
    return m.Sequence(**{field: row[field] for field in m.Sequence.model_fields})


def _enum(row: Row) -> m.EnumType:
    return m.EnumType(name=row["name"], labels=tuple(row["labels"]), comment=row["comment"])
