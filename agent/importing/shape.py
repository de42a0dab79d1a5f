"""The implicit parts of a table: its primary key, the tenant column and RLS, the audit columns.

A table is `tenant_scoped` only when all of it is there exactly as the agent makes it
(the tenant column right after the key, RLS enabled and forced, the isolation policy);
`audit` only when the four columns come last and the `<table>_updated_at` trigger
calls `update_updated_at_column()`. Anything less stays ordinary columns and policies.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.catalog.model import Column, Policy, Table, Trigger
from agent.schema.expressions import ExpressionKind, parse_expression
from agent.schema.literals import quote_ident, quote_literal
from agent.schema.names import bounded_name
from agent.schema.resolve import AUDIT_COLUMNS
from agent.schema.tables import UPDATED_AT_FUNCTION
from agent.verify.normal_form import normal_form

__all__ = ["TENANT_TYPES", "ImportOptions", "Shape", "primary_key_column", "table_shape"]

TENANT_TYPES = {"uuid": "uuid", "bigint": "bigint", "integer": "integer", "text": "text"}
_AUDIT_SHAPES = {
    "created_at": ("timestamp with time zone", True, "now()"),
    "created_by": ("uuid", False, None),
    "updated_at": ("timestamp with time zone", True, "now()"),
    "updated_by": ("uuid", False, None),
}


@dataclass(frozen=True)
class ImportOptions:
    schema: str = "public"
    tenant_column: str = "tenant_id"
    setting: str = "app.current_tenant_id"
    app_role: str = "app_user"
    tenant_type: str = "uuid"
    source: str | None = None
    """The database's name and the day, for the `reason` of keys that have no comment:
    `imported from <source>; review`. None leaves those keys without a reason."""
    tenant_column_anywhere: bool = False
    """Take a table as tenant-scoped wherever its tenant column sits (turned on by ALTER, it is
    last). The YAML cannot say where, so only a diff, which plans by name, may ask for this."""


@dataclass(frozen=True)
class Shape:
    table: Table
    primary_key: tuple[str, ...]
    """Its columns: one (the YAML's usual key), several, or none."""
    tenant_scoped: bool
    audit: bool

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def implicit_primary_key(self) -> bool:
        column = self.table.columns[0]
        return self.primary_key == (column.name,) and _plain(column, "uuid", True, "gen_random_uuid()")

    @property
    def single_key(self) -> str | None:
        return self.primary_key[0] if len(self.primary_key) == 1 else None

    @property
    def yaml_primary_key(self) -> str | list[str] | bool:
        """As `primary_key:` writes it: a column, a list of columns, or false for none."""
        return self.single_key or list(self.primary_key) or False


def primary_key_column(table: Table) -> tuple[str, ...]:
    """The primary key's columns; empty when the table has none."""
    return next((c.columns for c in table.constraints if c.kind == "primary"), ())


def table_shape(table: Table, primary_key: tuple[str, ...], options: ImportOptions) -> Shape:
    return Shape(table, primary_key, is_tenant_scoped(table, options, after_key=len(primary_key) == 1),
                 is_audited(table, anywhere=options.tenant_column_anywhere))


def _plain(column: Column, kind: str, not_null: bool, default: str | None) -> bool:
    return (column.type, column.not_null, column.default) == (kind, not_null, default) and not (
        column.identity or column.generated or column.collation or column.comment)


def tenant_policy_expression(options: ImportOptions) -> str:
    text = (f"{quote_ident(options.tenant_column)} = NULLIF(current_setting("
            f"{quote_literal(options.setting)}, true), '')::{options.tenant_type}")
    return normal_form(parse_expression(text, ExpressionKind.POLICY).sql)


def is_tenant_policy(policy: Policy, table: str, options: ImportOptions) -> bool:
    expected = tenant_policy_expression(options)
    return (
        policy.name == bounded_name(f"{table}_tenant_isolation") and policy.command == "ALL"
        and policy.permissive and policy.roles == ("PUBLIC",) and policy.comment is None
        and normal_form(policy.using or "") == expected == normal_form(policy.with_check or "")
    )


def is_tenant_scoped(table: Table, options: ImportOptions, *, after_key: bool = True) -> bool:
    """`after_key`: the YAML puts the tenant column after a single-column key, else first."""
    place = 1 if after_key else 0
    columns = table.columns if options.tenant_column_anywhere else table.columns[place:place + 1]
    tenant = next((c for c in columns if c.name == options.tenant_column), None)
    if tenant is None or len(table.columns) < 2:
        return False
    return (
        _plain(tenant, TENANT_TYPES[options.tenant_type], True, None)
        and table.rls_enabled and table.rls_forced
        and any(is_tenant_policy(p, table.name, options) for p in table.policies)
    )


def is_audit_trigger(trigger: Trigger, table: str) -> bool:
    name = bounded_name(f"{table}_updated_at")
    definition = (f"CREATE TRIGGER {quote_ident(name)} BEFORE UPDATE ON {quote_ident(table)} "
                  f"FOR EACH ROW EXECUTE FUNCTION {UPDATED_AT_FUNCTION}()")
    return (trigger.name, trigger.definition, trigger.enabled, trigger.comment) == (
        name, definition, "origin", None)


def is_audited(table: Table, *, anywhere: bool = False) -> bool:
    """The audit columns last, in order (or, `anywhere`, present in that order), and the trigger."""
    columns = [c for c in table.columns if c.name in AUDIT_COLUMNS] if anywhere else table.columns
    last = columns[-len(AUDIT_COLUMNS):]
    if tuple(c.name for c in last) != AUDIT_COLUMNS:
        return False
    if not all(_plain(c, *_AUDIT_SHAPES[c.name]) for c in last):
        return False
    return any(is_audit_trigger(t, table.name) for t in table.triggers)
