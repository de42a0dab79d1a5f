"""MA306: a value added by ALTER TYPE ... ADD VALUE used before its transaction commits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pglast import ast, parser

from agent.lint.context import Context
from agent.lint.enum_types import enum_name
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import names, walk
from agent.lint.rules.nested_transaction import is_begin, is_end
from agent.lint.source import SourceFile, Statement

__all__ = ["RULE"]


@dataclass(frozen=True, slots=True)
class _Added:
    index: int
    type: str
    shown: str
    label: str
    line: int


def _added_values(source: SourceFile) -> tuple[_Added, ...]:
    return tuple(
        _Added(s.index, enum_name(s.node.typeName), names(s.node.typeName), str(s.node.newVal),
               source.position(s.start)[0])
        for s in source.statements
        if isinstance(s.node, ast.AlterEnumStmt) and s.node.newVal and not s.node.oldVal)


_memo: tuple[SourceFile | None, tuple[_Added, ...]] = (None, ())


def _added_in_file(source: SourceFile) -> tuple[_Added, ...]:
    """`_added_values`, found once per file (the rule is asked about every statement)."""
    global _memo
    if _memo[0] is not source:
        _memo = (source, _added_values(source))
    return _memo[1]


def _pending(context: Context, statement: Statement) -> list[_Added]:
    """The values added earlier in the transaction the statement runs in, to a type that
    transaction did not create (a new type's values are usable at once: nobody else sees it)."""
    added = [a for a in _added_in_file(context.source) if a.index < statement.index]
    if not added or not context.in_transaction:
        return []
    earlier = context.source.statements
    start = max((s.index for s in earlier[: statement.index] if is_begin(s.node) or is_end(s.node)), default=-1)
    created = {enum_name(s.node.typeName) for s in earlier[start + 1 : statement.index]
               if isinstance(s.node, ast.CreateEnumStmt)}
    return [a for a in added if a.index > start and a.type not in created]


def _literal_at(statement: Statement, context: Context, label: str) -> int:
    """Where the statement spells the label as a plain string literal (pglast keeps no
    position for a constant), else the statement's start."""
    text = context.source.text[statement.start : statement.end]
    quoted = "'" + label.replace("'", "''") + "'"
    found = (t.start for t in parser.scan(text) if t.name == "SCONST" and text[t.start : t.end + 1] == quoted)
    return statement.start + next(found, 0)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if isinstance(statement.node, ast.AlterEnumStmt):
        return
    pending = {a.label: a for a in _pending(context, statement)}
    if not pending:
        return
    used = {str(n.val.sval) for n in walk(statement.node)
            if isinstance(n, ast.A_Const) and isinstance(n.val, ast.String) and n.val.sval in pending}
    for label in sorted(used):
        added = pending[label]
        yield RULE.at(context, _literal_at(statement, context, label), value=label, type=added.shown,
                      line=added.line)


RULE = Rule(
    code="MA306",
    name="enum-value-used-before-commit",
    severity=Severity.ERROR,
    message=(
        "'{value}' is used before the transaction that adds it to {type} (line {line}) commits: "
        "PostgreSQL refuses it (unsafe use of new value)"
    ),
    why=(
        "A value added by ALTER TYPE ... ADD VALUE cannot be used until its transaction commits "
        "(unless the type itself is new in that transaction): the statement that writes, "
        "compares or defaults to it fails and the whole migration rolls back."
    ),
    instead=(
        "Add the value in a migration of its own (or one run with `-- agent:no-transaction`, "
        "where each statement commits by itself), and use it in a later one."
    ),
    bad=(
        "BEGIN;\n"
        "ALTER TYPE lot_state ADD VALUE 'held';\n"
        "UPDATE lots SET state = 'held' WHERE lot_id = 1;\n"
        "COMMIT;"
    ),
    good=(
        "-- agent:no-transaction\n"
        "ALTER TYPE lot_state ADD VALUE IF NOT EXISTS 'held';\n"
        "UPDATE lots SET state = 'held' WHERE lot_id = 1;"
    ),
    check=check,
)
