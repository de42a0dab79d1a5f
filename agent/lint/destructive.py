"""The statements of a migration that destroy data, found by the rules' own readers.

`migrate up`/`down` and `apply` jobs run these only with a confirmation, whatever the
file's markers say: DROP TABLE (MA202; a `_backup_` table is not counted, a restore drops
its backup once the rows are back), DROP COLUMN (MA201), DROP SCHEMA (MA203), DROP DATABASE
(MA204), TRUNCATE (MA608), DELETE and UPDATE without WHERE (MA210, MA209), where the table
existed before the file, and any drop with CASCADE (MA607: a type's columns go with it).
Statements nested in others count too (a data-modifying WITH, EXPLAIN ANALYZE), and so do
those in a DO block or in the body of a function the file creates, read with libpg_query's
PL/pgSQL parser. What cannot be read counts as destructive: dynamic SQL (`EXECUTE`), a body
in another language, a body that does not parse. A function that existed before the file is
not followed into.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pglast
from pglast import ast, parser

from agent.lint.context import BACKUP_PREFIX, Context, new_context
from agent.lint.nodes import string_values, walk
from agent.lint.rules.delete_without_where import unqualified_delete
from agent.lint.rules.destructive_without_backup import truncated_tables
from agent.lint.rules.drop_cascade_in_down import cascades
from agent.lint.rules.drop_column import dropped_columns
from agent.lint.rules.drop_database import dropped_databases
from agent.lint.rules.drop_schema import dropped_schemas
from agent.lint.rules.drop_table import dropped_tables
from agent.lint.rules.update_without_where import unqualified_update
from agent.lint.source import SourceFile, Statement, parse_source
from agent.sql.parsing import parse_sql

__all__ = ["Destruction", "destructions", "destructions_in"]

DYNAMIC = "dynamic SQL (EXECUTE) in a {body}"
UNPARSED = "{body} that does not parse"
OTHER_LANGUAGE = "{body} in language {language}, which the agent cannot read"
NESTED = "DO block or function inside a body"


@dataclass(frozen=True, slots=True)
class Destruction:
    """A statement that destroys data: where it is, its kind, and the object it destroys."""

    path: str
    line: int
    column: int
    kind: str
    target: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.kind}{' ' + self.target if self.target else ''}"


_Reader = Callable[[Statement, Context], Iterable[str]]
_KINDS: tuple[tuple[str, _Reader], ...] = (
    ("DROP TABLE", lambda s, c: [t for t in dropped_tables(s, c) if not t.startswith(BACKUP_PREFIX)]),
    ("DROP COLUMN", lambda s, c: [f"{t}.{column}" for t, column in dropped_columns(s, c)]),
    ("DROP SCHEMA", lambda s, _c: dropped_schemas(s)),
    ("DROP DATABASE", lambda s, _c: dropped_databases(s)),
    ("TRUNCATE", truncated_tables),
    ("DELETE without WHERE", unqualified_delete),
    ("UPDATE without WHERE", unqualified_update),
    ("DROP ... CASCADE", lambda s, _c: [""] if cascades(s.node) else []),
)
_READ = (ast.DropStmt, ast.DropdbStmt, ast.TruncateStmt, ast.DeleteStmt, ast.UpdateStmt, ast.AlterTableStmt)
_BODIES = (ast.DoStmt, ast.CreateFunctionStmt)
_DYNAMIC_KEYS = frozenset({"PLpgSQL_stmt_dynexecute", "PLpgSQL_stmt_dynfors", "dynquery"})

Found = tuple[str, str]
"""(kind, target) of one destruction."""


def destructions(path: str, text: str) -> list[Destruction]:
    """Every statement of the file that destroys data, in file order; raises `SqlSyntaxError`
    (with path:line:col) when the file does not parse."""
    return destructions_in(parse_source(path, text))


def destructions_in(source: SourceFile) -> list[Destruction]:
    """`destructions` of a parsed file, or of a part of one a migration tool runs on its own
    (a goose section: its statements, at their places in the whole file)."""
    context = new_context(source)
    found: list[Destruction] = []
    for statement in source.statements:
        context.index = statement.index
        line, column = source.position(_first_token(source, statement))
        found += [Destruction(source.path, line, column, kind, target)
                  for kind, target in _in_node(statement, context)]
        for node in walk(statement.node):
            if isinstance(node, _BODIES):
                found += _in_body(source, statement, node, context)
    return found


def _first_token(source: SourceFile, statement: Statement) -> int:
    """Where the statement's first word is (its start may be a comment or a blank line)."""
    text = source.text[statement.start : statement.end]
    tokens = [t for t in parser.scan(text) if not t.name.endswith("COMMENT")]
    return statement.start + (tokens[0].start if tokens else 0)


def _in_node(statement: Statement, context: Context) -> list[Found]:
    """The destructions of a statement and of the statements nested in it."""
    found: list[Found] = []
    for node in walk(statement.node):
        if isinstance(node, _READ):
            nested = Statement(statement.index, node, statement.start, statement.end)
            found += [(kind, target) for kind, read in _KINDS for target in read(nested, context)]
    return found


def _in_body(source: SourceFile, statement: Statement, node: ast.Node,
             context: Context) -> list[Destruction]:
    """The destructions in a DO block's or a new function's body, each at its line."""
    items = node.args if isinstance(node, ast.DoStmt) else getattr(node, "options", ())
    options = {str(d.defname): d for d in items or ()}
    body = options.get("as")
    if body is None:  # a BEGIN ATOMIC body is parsed with the statement: read by _in_node
        return []
    where = _BodyPositions(source, body.arg_location, _first_token(source, statement),
                           "DO block" if isinstance(node, ast.DoStmt) else "function body")
    language = _language(options.get("language"))
    if language == "sql":
        return [where.at(1, kind, target) for text in string_values(body.arg)
                for kind, target in _in_text(text, statement, context)]
    if language != "plpgsql":
        return [where.at(0, OTHER_LANGUAGE.replace("{language}", language))]
    try:
        tree = pglast.parse_plpgsql(source.text[statement.start : statement.end])
    except (parser.ParseError, RecursionError):
        return [where.at(0, UNPARSED)]
    return [where.at(line, kind, target, hint) for line, kind, target, hint in _in_plpgsql(tree, statement, context)]


def _language(option: ast.DefElem | None) -> str:
    value = getattr(option, "arg", None) if option is not None else None
    return str(value.sval).lower() if isinstance(value, ast.String) else "plpgsql"


def _in_text(text: str, statement: Statement, context: Context) -> list[Found]:
    """The destructions of SQL text read out of a body. A DO block or function inside a body
    is not read further: it counts, as what cannot be vouched for."""
    try:
        raws = parse_sql(text)
    except (parser.ParseError, RecursionError):
        return [(UNPARSED, "")]
    found: list[Found] = []
    for raw in raws:
        if raw.stmt is None:
            continue
        found += _in_node(Statement(statement.index, raw.stmt, statement.start, statement.end), context)
        found += [(NESTED, "") for node in walk(raw.stmt) if isinstance(node, _BODIES)]
    return found


def _in_plpgsql(tree: Any, statement: Statement, context: Context) -> Iterator[tuple[int, str, str, str]]:
    """(line in the body, kind, target, text to find on the line) for each destruction."""
    for line, key, value in _plpgsql_items(tree, 1):
        if key in _DYNAMIC_KEYS:
            yield line, DYNAMIC, "", _expression_text(value.get("query") or value)
        elif key == "PLpgSQL_expr" and value.get("parseMode") == 0:
            query = str(value.get("query", ""))
            for kind, target in _in_text(query, statement, context):
                yield line, kind, target, query


def _expression_text(value: Any) -> str:
    return str(value.get("PLpgSQL_expr", {}).get("query", "")) if isinstance(value, dict) else ""


def _plpgsql_items(item: Any, line: int) -> Iterator[tuple[int, str, Any]]:
    """(line, key, value) for every keyed item of a PL/pgSQL tree, with the line of the
    statement it belongs to; a dynamic statement's parts are not descended into."""
    if isinstance(item, list):
        for element in item:
            yield from _plpgsql_items(element, line)
        return
    if not isinstance(item, dict):
        return
    for key, value in item.items():
        here = value["lineno"] if isinstance(value, dict) and isinstance(value.get("lineno"), int) else line
        yield here, key, value
        if key not in _DYNAMIC_KEYS:
            yield from _plpgsql_items(value, here)


@dataclass(frozen=True, slots=True)
class _BodyPositions:
    """Turns a line of a body (1: the line its quote opens on) into a place in the file."""

    source: SourceFile
    body_at: int | None
    statement_at: int
    body: str
    """What holds the body, for the kinds that name it: "DO block" or "function body"."""

    def at(self, line: int, kind: str, target: str = "", hint: str = "") -> Destruction:
        kind = kind.replace("{body}", self.body)
        if line <= 0 or self.body_at is None or self.body_at < 0:
            return Destruction(self.source.path, *self.source.position(self.statement_at), kind, target)
        first_line, first_column = self.source.position(self.body_at)
        number = min(first_line + line - 1, len(self.source.line_starts))
        text = self.source.line_text(number)
        start = first_column - 1 if number == first_line else len(text) - len(text.lstrip())
        words = hint.strip().split("\n")[0][:40]
        column = text.find(words, start) if words else -1
        return Destruction(self.source.path, number, (column if column >= 0 else start) + 1, kind, target)
