"""MA503: timestamp without time zone."""

from __future__ import annotations

from pglast import ast

from agent.lint.model import Rule, Severity
from agent.lint.nodes import TABLE_DEFINITIONS, type_name
from agent.lint.rules._common import TYPED_COLUMN_COMMANDS, type_rule_check

__all__ = ["RULE"]


def _naive(type_node: ast.TypeName) -> bool:
    return type_name(type_node) == "timestamp"


RULE: Rule = Rule(
    code="MA503",
    name="prefer-timestamptz",
    severity=Severity.WARNING,
    message=(
        "{column} is timestamp without time zone: the same instant reads differently per session"
    ),
    why=(
        "A naive timestamp stores wall-clock digits with no zone. Sessions and servers in other "
        "zones, and daylight-saving changes, silently shift what the value means."
    ),
    instead="timestamptz (timestamp with time zone), which stores an instant.",
    bad="CREATE TABLE receipts (receipt_id bigint PRIMARY KEY, received_at timestamp NOT NULL);",
    good="CREATE TABLE receipts (receipt_id bigint PRIMARY KEY, received_at timestamptz NOT NULL);",
    check=type_rule_check(lambda: RULE, _naive),
    node_types=TABLE_DEFINITIONS,
    alter_kinds=TYPED_COLUMN_COMMANDS,
)
