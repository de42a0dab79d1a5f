"""MA506: json instead of jsonb."""

from __future__ import annotations

from pglast import ast

from agent.lint.model import Rule, Severity
from agent.lint.nodes import TABLE_DEFINITIONS, type_name
from agent.lint.rules._common import TYPED_COLUMN_COMMANDS, type_rule_check

__all__ = ["RULE"]


def _json(type_node: ast.TypeName) -> bool:
    return type_name(type_node) == "json"


RULE: Rule = Rule(
    code="MA506",
    name="prefer-jsonb",
    severity=Severity.WARNING,
    message="{column} is json: it has no equality operator and cannot be indexed with GIN",
    why=(
        "json keeps the raw text and reparses it on every access. It has no equality operator, "
        "so SELECT DISTINCT, GROUP BY and UNION on the row fail, and GIN indexes do not apply."
    ),
    instead="jsonb.",
    bad="CREATE TABLE lot_attributes (lot_id bigint PRIMARY KEY, attributes json);",
    good="CREATE TABLE lot_attributes (lot_id bigint PRIMARY KEY, attributes jsonb);",
    check=type_rule_check(lambda: RULE, _json),
    node_types=TABLE_DEFINITIONS,
    alter_kinds=TYPED_COLUMN_COMMANDS,
)
