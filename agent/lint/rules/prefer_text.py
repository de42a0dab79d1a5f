"""MA502 (off by default): varchar(n) where text with a CHECK would do."""

from __future__ import annotations

from pglast import ast

from agent.lint.model import Rule, Severity
from agent.lint.nodes import TABLE_DEFINITIONS, type_name
from agent.lint.rules._common import TYPED_COLUMN_COMMANDS, type_rule_check

__all__ = ["RULE"]


def _limited_varchar(type_node: ast.TypeName) -> bool:
    return type_name(type_node) == "varchar" and bool(type_node.typmods)


RULE: Rule = Rule(
    code="MA502",
    name="prefer-text",
    severity=Severity.WARNING,
    message=(
        "{column} is varchar(n): lowering that limit later rewrites the table under "
        "ACCESS EXCLUSIVE"
    ),
    why=(
        "text and varchar(n) are stored the same way; the difference is where the limit lives. "
        "Raising or removing a varchar limit is a catalog-only change (no rewrite since "
        "PostgreSQL 9.2), though ALTER COLUMN TYPE still takes a brief ACCESS EXCLUSIVE lock. "
        "Lowering it makes PostgreSQL check every row, rewriting the table and rebuilding its "
        "indexes while ACCESS EXCLUSIVE blocks all reads and writes. A CHECK constraint on "
        "text can be tightened with NOT VALID and a separate VALIDATE while traffic continues. "
        "Off by default: the project's schema language maps `string` with max_length and "
        "enums to varchar(n) on purpose, and widening is the usual change."
    ),
    instead=(
        "text with CHECK (char_length(col) <= n), changed later by adding the new CHECK "
        "NOT VALID, validating it, and dropping the old one."
    ),
    bad="CREATE TABLE suppliers (supplier_id bigint PRIMARY KEY, name varchar(100) NOT NULL);",
    good=(
        "CREATE TABLE suppliers (supplier_id bigint PRIMARY KEY, name text NOT NULL "
        "CHECK (char_length(name) <= 100));"
    ),
    check=type_rule_check(lambda: RULE, _limited_varchar),
    node_types=TABLE_DEFINITIONS,
    alter_kinds=TYPED_COLUMN_COMMANDS,
    enabled_by_default=False,
)
