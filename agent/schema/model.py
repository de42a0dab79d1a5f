"""Pydantic models of the YAML language, exactly as `schema-format.md` writes it.

These describe what a user may write. Meaning (the tenant column, audit columns,
same-tenant keys, automatic indexes) is added later by `agent.schema.resolve`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from agent.schema.names import Naming, custom_setting_problem

__all__ = [
    "Check",
    "Entity",
    "EnumType",
    "ForeignKeyConstraint",
    "ForeignKeyTarget",
    "Index",
    "Policy",
    "Project",
    "ProjectFile",
    "Property",
    "PropertyType",
    "Reference",
    "ReferentialAction",
    "SequenceOwner",
    "SqlObjectSpec",
    "SqlValue",
    "TenantSettings",
    "UniqueConstraint",
]

PropertyType = Literal[
    "uuid", "string", "text", "smallint", "integer", "bigint", "decimal", "float", "double",
    "boolean", "date", "time", "timestamp", "interval", "json", "jsonb", "bytea", "inet",
    "enum", "array", "custom",
]
ReferentialAction = Literal["CASCADE", "RESTRICT", "SET NULL", "SET DEFAULT", "NO ACTION"]
IndexMethod = Literal["btree", "gin", "gist", "brin", "hash"]
NullsOrder = Literal["first", "last"]
PolicyCommand = Literal["ALL", "SELECT", "INSERT", "UPDATE", "DELETE"]

NUMERIC_TYPES = frozenset({"smallint", "integer", "bigint", "decimal", "float", "double"})
TEXT_TYPES = frozenset({"string", "text"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SqlValue(_Strict):
    """`{sql: "now()"}`: an expression, parsed before it is used."""

    sql: str


class TenantSettings(_Strict):
    column: str = "tenant_id"
    type: Literal["uuid", "bigint", "integer", "text"] = "uuid"
    setting: str = "app.current_tenant_id"

    @field_validator("setting")
    @classmethod
    def _custom_setting(cls, value: str) -> str:
        problem = custom_setting_problem(value)
        if problem:
            raise ValueError(problem)
        return value


class EnumType(_Strict):
    """A native enum type (`CREATE TYPE ... AS ENUM`): its values in order, and values renamed
    since the last migration (`renamed_from: {NEW: OLD}`)."""

    values: list[str] = Field(min_length=1)
    renamed_from: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _a_list_is_the_values(cls, data: Any) -> Any:
        return {"values": data} if isinstance(data, list) else data

    @model_validator(mode="after")
    def _values_and_renames_fit(self) -> EnumType:
        repeated = sorted({v for v in self.values if self.values.count(v) > 1})
        if repeated or any(not v or "\x00" in v for v in self.values):
            raise ValueError(f"enum values must be distinct, non-empty text (repeated: {', '.join(repeated)})")
        for new, old in self.renamed_from.items():
            if new not in self.values or old in self.values:
                raise ValueError(f"renamed_from {new}: {old} needs {new} among the values and {old} not")
        return self


class SequenceOwner(_Strict):
    """The column a sequence belongs to (`OWNED BY`): dropping the column drops the sequence."""

    table: str = Field(min_length=1)
    column: str = Field(min_length=1)


class SqlObjectSpec(_Strict):
    """A function, trigger, view, materialized view, sequence or extension, as SQL."""

    name: str = Field(min_length=1)
    create: str
    drop: str
    comment: str | None = None
    """COMMENT ON the object the drop statement names, made right after it."""
    indexes: list[str] = Field(default_factory=list)
    """A materialized view's indexes: CREATE INDEX statements on it, made right after it."""
    owned_by: SequenceOwner | None = None
    """A sequence's owning column; set after the tables are made (the column must exist)."""


class Project(_Strict):
    name: str = "wms"
    postgres_min_version: int = Field(default=15, ge=15)
    tenant: TenantSettings = Field(default_factory=TenantSettings)
    app_role: str = "app_user"
    migrations_dir: str = "migrations"
    naming: Naming = "snake_case"
    """The convention new table and column names are warned against; any name is accepted."""
    enums: dict[str, EnumType] = Field(default_factory=dict)
    sql_objects: list[SqlObjectSpec] = Field(default_factory=list)
    """Objects the language does not model; they are code, so the service refuses them unless
    the operator allows (AGENT_ALLOW_SQL_OBJECTS)."""
    """Native enum types by name; a property uses one with `type: enum` and `native: <name>`."""


class ProjectFile(_Strict):
    project: Project = Field(default_factory=Project)


class Reference(_Strict):
    table: str
    column: str | None = None
    on_delete: ReferentialAction
    on_update: ReferentialAction = "NO ACTION"
    reason: str | None = None
    same_tenant: bool = True
    index: bool = True
    """false: no index for the key's columns (the agent adds one by default), as an imported
    database may have it."""
    deferrable: bool | Literal["deferred"] = False
    """true: DEFERRABLE (INITIALLY IMMEDIATE); `deferred`: DEFERRABLE INITIALLY DEFERRED (Django's keys)."""
    validated: bool = True
    """false: added NOT VALID, existing rows not checked (an adopted database's key never validated)."""


def _literal_or_sql(value: Any) -> Any:
    """A YAML literal, or `{sql: ...}`; other mappings stay JSON values (json defaults)."""
    if isinstance(value, dict) and set(value) == {"sql"}:
        return SqlValue.model_validate(value)
    return value


class Property(_Strict):
    type: PropertyType
    max_length: int | None = Field(default=None, gt=0, le=10_485_760)
    varchar: bool = False
    """`string` without `max_length`: VARCHAR with no limit instead of TEXT (TypeORM's default)."""
    fixed: bool = False
    """`string` with `max_length`: CHAR(n), blank-padded to its width, as an adopted database has it."""
    min_length: int | None = Field(default=None, ge=0)
    pattern: str | None = None
    precision: int | None = Field(default=None, ge=0, le=1000)
    """`decimal`: total digits (at least 1); `timestamp`: digits of the fraction of a second (0 to 6)."""
    time_zone: bool | None = None
    """`timestamp`: false makes it `TIMESTAMP` without time zone (what Prisma and many ORMs create)."""
    scale: int | None = Field(default=None, ge=0, le=1000)
    minimum: int | float | None = None
    maximum: int | float | None = None
    values: list[str] | None = None
    native: str | None = None
    """`enum`: the name of a native enum type of project.yaml's `enums` (instead of `values`)."""
    items: Property | None = None
    sql_type: str | None = None
    """`custom`: a type PostgreSQL or an extension defines (`ltree`, `tsvector`), parsed as a type name."""
    required: bool = False
    serial: bool = False
    """`smallint`/`integer`/`bigint`: numbered by a sequence of its own (SERIAL), as Prisma's
    autoincrement() and many ORMs make a key."""
    identity: Literal["always", "by default"] | None = None
    """`smallint`/`integer`/`bigint`: GENERATED ALWAYS / BY DEFAULT AS IDENTITY (Django's keys)."""
    default: Any = None
    unique: bool | Literal["global"] = False
    index: bool = False
    references: Reference | None = None
    description: str | None = None
    renamed_from: str | None = None
    backfill: Any = None
    example: Any = None
    """One value or a list: sample data and seed rows use these before any value they make."""

    @field_validator("default", "backfill", mode="before")
    @classmethod
    def _sql_or_literal(cls, value: Any) -> Any:
        return _literal_or_sql(value)

    @property
    def has_default(self) -> bool:
        return "default" in self.model_fields_set and self.default is not None

    @property
    def examples(self) -> list[Any]:
        if self.example is None:
            return []
        listed = isinstance(self.example, list) and (
            self.type != "array" or (bool(self.example) and all(isinstance(v, list) for v in self.example)))
        return list(self.example) if listed else [self.example]


class Check(_Strict):
    name: str | None = None
    check: str
    validated: bool = True
    """false: added NOT VALID after the table, so rows older than the rule are not checked (an
    adopted database's check added that way and never validated); new rows still are."""


class UniqueConstraint(_Strict):
    name: str | None = None
    unique: list[str] = Field(min_length=1)
    deferrable: bool | Literal["deferred"] = False
    """true: DEFERRABLE (INITIALLY IMMEDIATE); `deferred`: INITIALLY DEFERRED (Prisma's ordered
    lists, whose positions a transaction swaps)."""


class ForeignKeyTarget(_Strict):
    table: str
    columns: list[str] | None = None
    on_delete: ReferentialAction
    on_update: ReferentialAction = "NO ACTION"
    reason: str | None = None
    same_tenant: bool = True
    index: bool = True
    deferrable: bool | Literal["deferred"] = False
    validated: bool = True


class ForeignKeyBody(_Strict):
    columns: list[str] = Field(min_length=1)
    references: ForeignKeyTarget


class ForeignKeyConstraint(_Strict):
    name: str | None = None
    foreign_key: ForeignKeyBody


class Index(_Strict):
    name: str | None = None
    columns: list[str] = Field(min_length=1)
    using: IndexMethod = "btree"
    where: str | None = None
    unique: bool = False
    include: list[str] = Field(default_factory=list)
    opclass: dict[str, str] = Field(default_factory=dict)
    """An operator class by key, a column or an expression the index lists (`{slug: varchar_pattern_ops}`,
    Django's `_like` indexes)."""
    descending: list[str] = Field(default_factory=list)
    """Keys the index orders DESC (`created_at DESC`: newest first); each one the index lists."""
    nulls: dict[str, NullsOrder] = Field(default_factory=dict)
    """NULLS FIRST or LAST by key, where the default (last ascending, first descending) is not wanted."""
    collation: dict[str, str] = Field(default_factory=dict)
    """A collation by key, where the column's own is not the index's (openfga's `object_id COLLATE "C"`)."""
    storage: dict[str, int | bool | str] = Field(default_factory=dict)
    """Storage parameters, WITH (...): `{fillfactor: 70}`; the names the method takes."""
    redundant: bool = False
    """true: created although a key or a wider index serves the same queries (the loader leaves
    such an index out otherwise); an imported database has it, and dropping it is a decision."""


class Policy(_Strict):
    name: str
    command: PolicyCommand = "ALL"
    using: str | None = None
    with_check: str | None = None
    roles: list[str] = Field(default_factory=list)
    permissive: bool = True

    @model_validator(mode="after")
    def _has_an_expression(self) -> Policy:
        if self.using is None and self.with_check is None:
            raise ValueError("a policy needs `using`, `with_check` or both")
        return self


class Entity(_Strict):
    version: Literal[1]
    entity: str
    table: str
    description: str | None = None
    tenant_scoped: bool = True
    audit: bool = True
    primary_key: str | list[str] | Literal[False] | None = None
    """A column (made a uuid when `properties` does not have it), a list of columns (a key of
    several, each in `properties`), or false: a table without a primary key."""
    primary_key_name: str | None = None
    """The primary key constraint's name when not `<table>_pkey` (TypeORM's `PK_<hash>`)."""
    properties: dict[str, Property] = Field(default_factory=dict)
    constraints: list[Check | UniqueConstraint | ForeignKeyConstraint] = Field(
        default_factory=list
    )
    indexes: list[Index] = Field(default_factory=list)
    policies: list[Policy] = Field(default_factory=list)

    @field_validator("primary_key", mode="before")
    @classmethod
    def _a_key_shape(cls, value: object) -> object:
        if value is True or not isinstance(value, str | list | bool | None):
            raise ValueError("write a column, a list of columns, or false for a table without a primary key")
        return value

    @field_validator("primary_key")
    @classmethod
    def _key_columns_listed_once(cls, value: str | list[str] | bool | None) -> str | list[str] | bool | None:
        if isinstance(value, list):
            if not value:
                raise ValueError("an empty list: name the key's columns, or write `primary_key: false`")
            twice = sorted({name for name in value if value.count(name) > 1})
            if twice:
                raise ValueError(f"{', '.join(twice)} listed twice")
        return value
