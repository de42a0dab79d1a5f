"""MA502: varchar(n) where text with a CHECK would do."""

from __future__ import annotations

from pglast import ast

from agent.lint.model import Rule, Severity
from agent.lint.nodes import type_name
from agent.lint.rules._common import type_rule_check

__all__ = ["RULE"]


def _limited_varchar(type_node: ast.TypeName) -> bool:
    return type_name(type_node) == "varchar" and bool(type_node.typmods)


RULE: Rule = Rule(
    code="MA502",
    name="prefer-text",
    severity=Severity.WARNING,
    message=(
        "{column} is varchar(n): changing the limit later needs ALTER TYPE under ACCESS EXCLUSIVE"
    ),
    why=(
        "text and varchar are stored the same way. A length limit inside the type can only be "
        "changed by ALTER COLUMN TYPE, which fully locks the table; a CHECK constraint can be "
        "swapped with NOT VALID and VALIDATE while traffic continues."
    ),
    instead="text with CHECK (char_length(col) <= n) NOT VALID, validated separately.",
    bad="CREATE TABLE suppliers (supplier_id bigint PRIMARY KEY, name varchar(100) NOT NULL);",
    good=(
        "CREATE TABLE suppliers (supplier_id bigint PRIMARY KEY, name text NOT NULL "
        "CHECK (char_length(name) <= 100));"
    ),
    check=type_rule_check(lambda: RULE, _limited_varchar),
)
