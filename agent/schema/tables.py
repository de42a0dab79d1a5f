"""The resolved schema: every table as PostgreSQL will hold it.

This is what the YAML means once the implicit parts are spelled out: the tenant
column, audit columns and trigger, same-tenant composite keys, generated
constraint names and the indexes the agent adds by itself. Planning, rendering,
comparison with a catalog and code generation all read this form.
Expressions here are canonical SQL produced by pglast, never raw YAML text.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "HINT_FIELDS",
    "UPDATED_AT_FUNCTION",
    "Check",
    "CheckPlace",
    "Column",
    "ColumnExamples",
    "EnumTypeDef",
    "ForeignKey",
    "Index",
    "Policy",
    "PrimaryKey",
    "Schema",
    "SqlObject",
    "Table",
    "Trigger",
    "Unique",
]

UPDATED_AT_FUNCTION = "update_updated_at_column"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Column(_Frozen):
    name: str
    sql_type: str
    """As migrations write it: `VARCHAR(20)`, `DECIMAL(12, 3)`, `TIMESTAMPTZ`."""
    not_null: bool
    default: str | None = None
    comment: str | None = None
    property_type: str
    """The YAML type (`enum`, `string`, `timestamp`...), for code generation."""
    enum_values: tuple[str, ...] = ()
    array_of: str | None = None
    identity: str | None = None
    """`always` or `by default`: GENERATED ... AS IDENTITY."""
    serial: bool = False
    """Created as SERIAL: `default` is then the `nextval` of the sequence PostgreSQL makes for it."""
    item_values: tuple[str, ...] = ()
    """An array of a native enum: the values of its items."""
    implicit: bool = False
    """Added by the agent (primary key, tenant or audit column), not written in `properties`."""
    renamed_from: str | None = None
    backfill: str | None = None
    """The value rows that exist get when the column is added to a live table (canonical SQL)."""


class PrimaryKey(_Frozen):
    name: str
    columns: tuple[str, ...]


class Unique(_Frozen):
    name: str
    columns: tuple[str, ...]
    deferrable: str | None = None
    """`immediate` or `deferred`: DEFERRABLE INITIALLY ...; None: not deferrable."""


class Check(_Frozen):
    name: str
    expression: str
    columns: tuple[str, ...] = ()
    """The column(s) the check is about; empty for table checks."""
    validated: bool = True
    """False: added NOT VALID after its table (rows older than the rule are not checked)."""


class ForeignKey(_Frozen):
    name: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: str
    on_update: str = "NO ACTION"
    set_null_columns: tuple[str, ...] = ()
    """`ON DELETE SET NULL (col)`: only these columns, not the tenant column."""
    comment: str | None = None
    indexed: bool = True
    """False when the YAML says `index: false`: the agent adds no index for its columns."""
    deferrable: str | None = None
    """`immediate` or `deferred`: DEFERRABLE INITIALLY ...; None: not deferrable."""
    validated: bool = True
    """False: added NOT VALID after its table (existing rows are not checked)."""


class Index(_Frozen):
    name: str
    method: str = "btree"
    keys: tuple[str, ...]
    """Column names or canonical expressions, in order."""
    unique: bool = False
    where: str | None = None
    include: tuple[str, ...] = ()
    opclass: tuple[tuple[str, str], ...] = ()
    """(column, operator class) pairs, in key order."""
    descending: tuple[str, ...] = ()
    """Keys ordered DESC, in key order."""
    nulls: tuple[tuple[str, str], ...] = ()
    """(key, `FIRST` or `LAST`) pairs where the order differs from the default, in key order."""
    collation: tuple[tuple[str, str], ...] = ()
    """(key, collation) pairs, in key order."""
    storage: tuple[tuple[str, str], ...] = ()
    """(storage parameter, the text PostgreSQL stores for its value) pairs, in the YAML's order."""
    automatic: bool = False

    def opclass_of(self, key: str) -> str | None:
        return next((name for column, name in self.opclass if column == key), None)

    def nulls_of(self, key: str) -> str | None:
        return next((order for column, order in self.nulls if column == key), None)

    def collation_of(self, key: str) -> str | None:
        return next((name for column, name in self.collation if column == key), None)


class Policy(_Frozen):
    name: str
    command: str = "ALL"
    permissive: bool = True
    roles: tuple[str, ...] = ()
    """Empty means PUBLIC."""
    using: str | None = None
    with_check: str | None = None


class Trigger(_Frozen):
    name: str
    timing: str
    events: tuple[str, ...]
    function: str


class Table(_Frozen):
    name: str
    entity: str
    comment: str | None = None
    tenant_scoped: bool
    audit: bool
    columns: tuple[Column, ...]
    primary_key: PrimaryKey | None
    """None: a table without one (an adopted database may have such tables)."""
    uniques: tuple[Unique, ...] = ()
    checks: tuple[Check, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    indexes: tuple[Index, ...] = ()
    rls_enabled: bool = False
    rls_forced: bool = False
    policies: tuple[Policy, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    source_file: str = ""

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def key_columns(self) -> tuple[str, ...]:
        """The primary key's columns; none for a table without one."""
        return self.primary_key.columns if self.primary_key else ()


class ColumnExamples(_Frozen):
    """A column's `example:` values, JSON text each (hints for sample data, not part of the database)."""

    table: str
    column: str
    values: tuple[str, ...]


class CheckPlace(_Frozen):
    """Where a check was written (`lots.yaml:61:12`), for messages about it."""

    table: str
    check: str
    place: str


HINT_FIELDS = frozenset({"examples", "check_places"})


class EnumTypeDef(_Frozen):
    """A native enum type the migrations create before the tables that use it."""

    name: str
    values: tuple[str, ...]
    renamed_from: tuple[tuple[str, str], ...] = ()
    """(new, old) pairs: values renamed since the previous version."""


class SqlObject(_Frozen):
    """An object of `sql_objects:`: its create and drop statements, rendered from their parse."""

    name: str
    kind: str
    create: str
    drop: str
    defines: str | None = None
    """A function's name: expressions may call it."""
    view: str | None = None
    """A view's or materialized view's name: the catalog comparison looks for it."""
    extension: str | None = None
    """An extension's name: the catalog comparison looks for it."""
    function: str | None = None
    table: str | None = None
    trigger: str | None = None
    timing: str | None = None
    events: tuple[str, ...] = ()
    """A trigger's table, name, timing, events and function: what the catalog comparison reads."""
    sequence: str | None = None
    """A sequence's name: a default may call nextval() of it."""
    comment: str | None = None
    indexes: tuple[str, ...] = ()
    """A materialized view's CREATE INDEX statements, rendered from their parse."""
    owned_by: tuple[str, str] | None = None
    """A sequence's owning (table, column)."""
    then: tuple[str, ...] = ()
    """What runs right after the create: the indexes, then COMMENT ON the object."""
    own: tuple[str, str] | None = None
    """A sequence's ALTER SEQUENCE ... OWNED BY the column, and OWNED BY NONE: run after the tables
    are made, and before they are dropped."""

    reads_tables: bool = False
    """A function whose body PostgreSQL checks when it is made (SQL, not PL/pgSQL) reads tables."""

    @property
    def before_tables(self) -> bool:
        """Made before the tables: sequences, extensions and functions, except one whose body
        PostgreSQL resolves against tables that do not exist yet."""
        return self.kind in ("sequence", "extension") or (self.kind == "function" and not self.reads_tables)


class Schema(_Frozen):
    project_name: str = "wms"
    tenant_column: str = "tenant_id"
    tenant_setting: str = "app.current_tenant_id"
    app_role: str = "app_user"
    postgres_min_version: int = 15
    tables: tuple[Table, ...] = ()
    enums: tuple[EnumTypeDef, ...] = ()
    sql_objects: tuple[SqlObject, ...] = ()
    examples: tuple[ColumnExamples, ...] = Field(default=(), exclude=True)
    """Left out of snapshots and comparisons of what migrations build: hints only."""
    check_places: tuple[CheckPlace, ...] = Field(default=(), exclude=True)

    def _built(self) -> tuple[object, ...]:
        """What the migrations build: every field but the hints."""
        return tuple(getattr(self, name) for name in type(self).model_fields if name not in HINT_FIELDS)

    def __eq__(self, other: object) -> bool:
        return self._built() == other._built() if isinstance(other, Schema) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._built())

    def check_place(self, table: str, check: str) -> str | None:
        return next((p.place for p in self.check_places if p.table == table and p.check == check), None)

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)

    def enum(self, name: str) -> EnumTypeDef | None:
        return next((e for e in self.enums if e.name == name), None)

    @property
    def needs_updated_at_function(self) -> bool:
        return any(t.audit for t in self.tables)
