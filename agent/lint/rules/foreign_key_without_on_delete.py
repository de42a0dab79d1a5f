"""MA601: a foreign key with no ON DELETE behaviour chosen."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from pglast import parser
from pglast.enums import AlterTableType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import TABLE_DEFINITIONS, location, table_name
from agent.lint.rules._common import foreign_keys
from agent.lint.source import Statement

__all__ = ["RULE"]

NO_ACTION = "a"


def _says_on_delete(text: str, start: int, end: int) -> bool:
    """Whether the constraint written from `start` (to its closing comma or parenthesis,
    or `end`) spells ON DELETE: an explicit NO ACTION is a decision the parse tree cannot
    tell from the default."""
    piece = text[start:end]
    try:
        tokens = parser.scan(piece)
    except parser.ParseError:
        return False
    depth, words = 0, []
    for token in tokens:
        word = piece[token.start : token.end + 1].upper()
        if word in (",", ")") and depth == 0:
            break
        depth += {"(": 1, ")": -1}.get(word, 0)
        words.append(word)
    return ("ON", "DELETE") in pairwise(words)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    text = context.source.text
    for constraint, columns in foreign_keys(statement):
        at = location(constraint, statement.start)
        if constraint.fk_del_action in (NO_ACTION, "\x00", "") and not _says_on_delete(text, at, statement.end + 1):
            yield RULE.at(context, at, columns=", ".join(columns), parent=table_name(constraint.pktable))


RULE = Rule(
    code="MA601",
    name="foreign-key-without-on-delete",
    severity=Severity.ERROR,
    message=(
        "foreign key ({columns}) -> {parent} has no ON DELETE: deleting a {parent} row "
        "fails at run time, or orphans rows once the key is dropped or deferred"
    ),
    why=(
        "The default (NO ACTION) is not a decision, it is the absence of one: nobody said "
        "whether children should go, stay, or block the delete (the broken foreign key lesson). "
        "An explicit ON DELETE NO ACTION is a choice and passes."
    ),
    instead="Say what happens: ON DELETE RESTRICT, CASCADE or SET NULL (col), and document why.",
    bad=(
        "CREATE TABLE lots (lot_id bigint PRIMARY KEY,\n"
        "  material_id bigint NOT NULL REFERENCES materials (material_id));\n"
        "CREATE INDEX idx_lots_material_id ON lots (material_id);"
    ),
    good=(
        "CREATE TABLE lots (lot_id bigint PRIMARY KEY,\n"
        "  material_id bigint NOT NULL REFERENCES materials (material_id) ON DELETE RESTRICT);\n"
        "CREATE INDEX idx_lots_material_id ON lots (material_id);"
    ),
    check=check,
    node_types=TABLE_DEFINITIONS,
    alter_kinds=frozenset({AlterTableType.AT_AddConstraint, AlterTableType.AT_AddColumn}),
)
