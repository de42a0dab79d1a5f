"""MA218: INSERT, UPDATE or DELETE on a PostgreSQL system catalog (pg_enum, pg_attribute...)."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import location
from agent.lint.source import Statement

__all__ = ["RULE", "SYSTEM_CATALOGS"]

# The tables of pg_catalog (PostgreSQL 18; tests/lint/test_lint_enum_rules.py compares them with
# the server's). pg_catalog comes first on every search path, so an unqualified name is the catalog.
SYSTEM_CATALOGS = frozenset({
    "pg_aggregate", "pg_am", "pg_amop", "pg_amproc", "pg_attrdef", "pg_attribute", "pg_auth_members",
    "pg_authid", "pg_cast", "pg_class", "pg_collation", "pg_constraint", "pg_conversion", "pg_database",
    "pg_db_role_setting", "pg_default_acl", "pg_depend", "pg_description", "pg_enum", "pg_event_trigger",
    "pg_extension", "pg_foreign_data_wrapper", "pg_foreign_server", "pg_foreign_table", "pg_index",
    "pg_inherits", "pg_init_privs", "pg_language", "pg_largeobject", "pg_largeobject_metadata",
    "pg_namespace", "pg_opclass", "pg_operator", "pg_opfamily", "pg_parameter_acl", "pg_partitioned_table",
    "pg_policy", "pg_proc", "pg_publication", "pg_publication_namespace", "pg_publication_rel", "pg_range",
    "pg_replication_origin", "pg_rewrite", "pg_seclabel", "pg_sequence", "pg_shdepend", "pg_shdescription",
    "pg_shseclabel", "pg_statistic", "pg_statistic_ext", "pg_statistic_ext_data", "pg_subscription",
    "pg_subscription_rel", "pg_tablespace", "pg_transform", "pg_trigger", "pg_ts_config",
    "pg_ts_config_map", "pg_ts_dict", "pg_ts_parser", "pg_ts_template", "pg_type", "pg_user_mapping",
})


def _catalog(relation: ast.RangeVar | None) -> str:
    """The catalog a written relation is, or ''."""
    if relation is None or relation.schemaname not in (None, "pg_catalog"):
        return ""
    return str(relation.relname) if relation.relname in SYSTEM_CATALOGS else ""


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    relation = getattr(statement.node, "relation", None)
    catalog = _catalog(relation if isinstance(relation, ast.RangeVar) else None)
    if catalog:
        yield RULE.at(context, location(relation, statement.start), catalog=catalog)


RULE = Rule(
    code="MA218",
    name="system-catalog-write",
    severity=Severity.ERROR,
    message=(
        "writing {catalog} by hand bypasses PostgreSQL's own checks: rows, indexes and caches can "
        "disagree with the catalog"
    ),
    why=(
        "The classic shortcuts (DELETE FROM pg_enum to drop a value, UPDATE pg_attribute to "
        "widen a varchar) skip the work the real command does: rows that still hold a deleted "
        "enum value fail to read (invalid internal value for enum), an index keeps sorting by "
        "it, other sessions keep cached definitions, and it needs a superuser."
    ),
    instead=(
        "Use the DDL that does it: ALTER TYPE ... RENAME VALUE, a new enum type and a column "
        "swap to drop a value (expand and contract), ALTER COLUMN ... TYPE to widen."
    ),
    bad="DELETE FROM pg_enum WHERE enumlabel = 'hold' AND enumtypid = 'lot_state'::regtype;",
    good="ALTER TYPE lot_state RENAME VALUE 'hold' TO 'on_hold';",
    check=check,
    node_types=(ast.InsertStmt, ast.UpdateStmt, ast.DeleteStmt, ast.MergeStmt),
)
