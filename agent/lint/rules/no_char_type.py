"""MA505: char(n)."""

from __future__ import annotations

from pglast import ast

from agent.lint.model import Rule, Severity
from agent.lint.nodes import TABLE_DEFINITIONS, type_name
from agent.lint.rules._common import TYPED_COLUMN_COMMANDS, type_rule_check

__all__ = ["RULE"]


def _blank_padded(type_node: ast.TypeName) -> bool:
    return type_name(type_node) == "bpchar"


RULE: Rule = Rule(
    code="MA505",
    name="no-char-type",
    severity=Severity.WARNING,
    message="{column} is char(n): values are blank-padded and comparisons ignore trailing spaces",
    why=(
        "char(n) pads every value with spaces to n characters, wastes space, and behaves "
        "surprisingly in comparisons, LIKE and concatenation. It is never faster than text."
    ),
    instead="text, with CHECK (char_length(col) = n) if the length is fixed.",
    bad="CREATE TABLE countries (code char(2) PRIMARY KEY);",
    good="CREATE TABLE countries (code text PRIMARY KEY CHECK (char_length(code) = 2));",
    check=type_rule_check(lambda: RULE, _blank_padded),
    node_types=TABLE_DEFINITIONS,
    alter_kinds=TYPED_COLUMN_COMMANDS,
)
