"""MA504: serial instead of an identity column."""

from __future__ import annotations

from pglast import ast

from agent.lint.model import Rule, Severity
from agent.lint.nodes import SERIAL_TYPES, TABLE_DEFINITIONS, type_name
from agent.lint.rules._common import TYPED_COLUMN_COMMANDS, type_rule_check

__all__ = ["RULE"]


def _serial(type_node: ast.TypeName) -> bool:
    return type_name(type_node) in SERIAL_TYPES


RULE: Rule = Rule(
    code="MA504",
    name="prefer-identity",
    severity=Severity.WARNING,
    message=(
        "{column} is {type}: its sequence is a separate object with its own grants and ownership"
    ),
    why=(
        "serial is a macro for a sequence plus a default. The sequence needs its own grants, "
        "is not copied by CREATE TABLE LIKE, and explicit inserts silently desynchronise it."
    ),
    instead="bigint GENERATED ALWAYS AS IDENTITY (or BY DEFAULT when rows are imported with ids).",
    bad="CREATE TABLE lot_events (event_id bigserial PRIMARY KEY);",
    good="CREATE TABLE lot_events (event_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);",
    check=type_rule_check(lambda: RULE, _serial),
    node_types=TABLE_DEFINITIONS,
    alter_kinds=TYPED_COLUMN_COMMANDS,
)
