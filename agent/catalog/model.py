"""The Catalog: what one schema of a database holds, normalized and deterministic.

Every collection is sorted by name (columns by their position in the table), no
field holds an OID, an owner or a statistic, so two reads of databases built by the
same DDL give equal models. Expressions are PostgreSQL's own deparsed text
(`pg_get_expr`, `pg_get_constraintdef`, `pg_get_indexdef`, `pg_get_viewdef`), read
with `search_path` set to the catalog's schema: names in that schema are unqualified,
names elsewhere are qualified.
"""

from __future__ import annotations

from typing import Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Catalog",
    "CheckOption",
    "Column",
    "Constraint",
    "ConstraintKind",
    "EnumType",
    "Extension",
    "ForeignKeyMatch",
    "Function",
    "FunctionKind",
    "GeneratedKind",
    "Grant",
    "IdentityKind",
    "Index",
    "Policy",
    "PolicyCommand",
    "Sequence",
    "Table",
    "Trigger",
    "TriggerEnabled",
    "TriggerLevel",
    "TriggerTiming",
    "View",
    "Volatility",
    "named",
]

ConstraintKind = Literal["primary", "unique", "check", "foreign", "exclude"]
PolicyCommand = Literal["ALL", "SELECT", "INSERT", "UPDATE", "DELETE"]
IdentityKind = Literal["always", "by default"]
GeneratedKind = Literal["stored", "virtual"]
TriggerTiming = Literal["BEFORE", "AFTER", "INSTEAD OF"]
TriggerLevel = Literal["ROW", "STATEMENT"]
TriggerEnabled = Literal["origin", "always", "replica", "disabled"]
FunctionKind = Literal["function", "procedure", "aggregate", "window"]
Volatility = Literal["immutable", "stable", "volatile"]
ForeignKeyMatch = Literal["SIMPLE", "FULL", "PARTIAL"]
CheckOption = Literal["local", "cascaded"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Column(_Frozen):
    """A column; `type` is `format_type` text such as `numeric(14,3)`."""

    name: str
    type: str
    not_null: bool = False
    default: str | None = None
    identity: IdentityKind | None = None
    generated: GeneratedKind | None = None
    generated_expression: str | None = None
    collation: str | None = None  # only when it differs from the type's own
    comment: str | None = None
    own_type: bool = Field(default=False, exclude=True)
    """Of a type the database defines itself (a domain, a composite type), not PostgreSQL's, an
    extension's or a native enum; left out of fingerprints, which it adds nothing to."""


class Constraint(_Frozen):
    """A table constraint other than NOT NULL (which is `Column.not_null`).

    `definition` is `pg_get_constraintdef`; `expression` is a CHECK's expression;
    the `referenced_*`, `on_*` and `match` fields are set for foreign keys only.
    Actions are words: `NO ACTION`, `RESTRICT`, `CASCADE`, `SET NULL`, `SET DEFAULT`,
    with PostgreSQL 15's column list as `SET NULL (col)`.
    """

    name: str
    kind: ConstraintKind
    columns: tuple[str, ...] = ()
    definition: str
    expression: str | None = None
    referenced_table: str | None = None  # "table", or "schema.table" outside the catalog
    referenced_columns: tuple[str, ...] = ()
    on_delete: str | None = None
    on_update: str | None = None
    match: ForeignKeyMatch | None = None
    deferrable: bool = False
    initially_deferred: bool = False
    validated: bool = True
    enforced: bool = True
    comment: str | None = None


class Index(_Frozen):
    """An index; `keys` are column names or expressions, in index order."""

    name: str
    method: str
    unique: bool = False
    keys: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    predicate: str | None = None
    nulls_not_distinct: bool = False
    valid: bool = True
    is_primary: bool = False
    constraint: str | None = None  # the constraint this index backs, if any
    definition: str
    comment: str | None = None


class Policy(_Frozen):
    """A row-level security policy; `roles` sorted, `PUBLIC` for everyone."""

    name: str
    command: PolicyCommand = "ALL"
    permissive: bool = True
    roles: tuple[str, ...] = ("PUBLIC",)
    using: str | None = None
    with_check: str | None = None
    comment: str | None = None


class Trigger(_Frozen):
    """A user trigger (internal ones, such as foreign-key triggers, are left out).

    `events` are in the order INSERT, UPDATE, DELETE, TRUNCATE; `columns` are those
    of `UPDATE OF`; `definition` is `pg_get_triggerdef` (arguments, WHEN, transition
    tables); `enabled` follows `pg_trigger.tgenabled`: origin is the ordinary enabled.
    """

    name: str
    timing: TriggerTiming
    events: tuple[str, ...]
    columns: tuple[str, ...] = ()
    level: TriggerLevel
    function: str
    enabled: TriggerEnabled = "origin"
    constraint_trigger: bool = False
    definition: str
    comment: str | None = None


class Grant(_Frozen):
    """One privilege on a relation for a role other than its owner (`PUBLIC` for all)."""

    grantee: str
    privilege: str
    grantable: bool = False


class Table(_Frozen):
    """A table; a partitioned one has `partition_key` (`RANGE (received_at)`), a
    partition names its parent in `partition_of` and its bound in `partition_bound`."""

    name: str
    partitioned: bool = False
    partition_key: str | None = None
    partition_of: str | None = None
    partition_bound: str | None = None
    unlogged: bool = False
    rls_enabled: bool = False
    rls_forced: bool = False
    comment: str | None = None
    columns: tuple[Column, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    indexes: tuple[Index, ...] = ()
    policies: tuple[Policy, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    grants: tuple[Grant, ...] = ()


class View(_Frozen):
    """A view or materialized view; `definition` is `pg_get_viewdef`."""

    name: str
    materialized: bool = False
    security_invoker: bool = False
    security_barrier: bool = False
    check_option: CheckOption | None = None
    definition: str
    comment: str | None = None
    columns: tuple[Column, ...] = ()
    indexes: tuple[Index, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    grants: tuple[Grant, ...] = ()


class Function(_Frozen):
    """A function or procedure; identified by `name` and `arguments` together.

    `arguments` is the identity argument list (`q numeric, factor integer`), `result`
    what it returns (None for procedures), `body` the source (`prosrc`, or the
    deparsed body of a SQL-standard `BEGIN ATOMIC` / `RETURN` function).
    """

    name: str
    arguments: str = ""
    result: str | None = None
    kind: FunctionKind = "function"
    language: str
    volatility: Volatility = "volatile"
    strict: bool = False
    security_definer: bool = False
    settings: tuple[str, ...] = ()
    body: str
    comment: str | None = None

    @property
    def signature(self) -> str:
        return f"{self.name}({self.arguments})"


class Sequence(_Frozen):
    """A sequence that is not an identity column's own; `owned_by` is `table.column`."""

    name: str
    type: str
    start: int
    increment: int
    minimum: int
    maximum: int
    cache: int
    cycle: bool = False
    owned_by: str | None = None
    comment: str | None = None


class EnumType(_Frozen):
    """A PostgreSQL enum type; `labels` in their sort order."""

    name: str
    labels: tuple[str, ...]
    comment: str | None = None


class Extension(_Frozen):
    """An extension installed into the schema (its own functions, types and operators are not
    listed apart: they come with it)."""

    name: str


class Catalog(_Frozen):
    schema_name: str = "public"
    tables: tuple[Table, ...] = ()
    views: tuple[View, ...] = ()
    functions: tuple[Function, ...] = ()
    sequences: tuple[Sequence, ...] = ()
    enums: tuple[EnumType, ...] = ()
    extensions: tuple[Extension, ...] = ()

    def table(self, name: str) -> Table:
        """The table called `name`; KeyError if there is none."""
        return named(self.tables, name)

    def view(self, name: str) -> View:
        return named(self.views, name)


class _HasName(Protocol):
    @property
    def name(self) -> str: ...


_N = TypeVar("_N", bound=_HasName)


def named(items: tuple[_N, ...], name: str) -> _N:
    """The item of `items` called `name` (e.g. `named(table.indexes, "idx_x")`)."""
    for item in items:
        if item.name == name:
            return item
    raise KeyError(f"nothing named {name!r}")
