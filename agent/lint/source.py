"""A migration file parsed by libpg_query (pglast): statements, markers and positions.

pglast reports `stmt_location` and node `location` values as character offsets into
the Python string (it translates libpg_query's byte offsets), so a position is an
offset into `SourceFile.text`; `position()` turns it into a 1-based line and column.
Markers are `-- agent:...` comments, read from the lexer's comment list, never by
searching the SQL text.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from pglast import ast, parser

from agent.lint import tree

__all__ = [
    "Marker", "Section", "SourceFile", "SqlSyntaxError", "Statement", "parse_sections",
    "parse_source", "parse_source_or_error", "parse_sources", "parse_statements", "unparsed_source",
]

MARKER_PREFIX = "agent:"


class SqlSyntaxError(ValueError):
    """The file is not valid PostgreSQL; carries the position of the error."""

    def __init__(self, path: str, line: int, column: int, message: str) -> None:
        super().__init__(f"{path}:{line}:{column}: {message}")
        self.path, self.line, self.column, self.reason = path, line, column, message


@dataclass(frozen=True, slots=True)
class Statement:
    index: int
    node: ast.Node
    start: int
    end: int

    @property
    def kind(self) -> str:
        return type(self.node).__name__


@dataclass(frozen=True, slots=True)
class Marker:
    """An `-- agent:<verb> <argument>` comment."""

    verb: str
    argument: str
    offset: int


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str
    text: str
    statements: tuple[Statement, ...]
    markers: tuple[Marker, ...]
    line_starts: tuple[int, ...] = field(repr=False)
    # set, with no statements or markers, when the text does not parse (`parse_sources(..., keep_going=True)`)
    syntax_error: SqlSyntaxError | None = None
    # "up" or "down" for a part of a file that holds both (goose, dbmate), run on its own
    section: str | None = None
    # "up" or "down" as the migration tool tells (None: by the name and the markers)
    direction: str | None = None
    # whether the tool runs it in a transaction (None: yes, unless a no-transaction marker)
    transactional: bool | None = None

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line + 1, offset - self.line_starts[line] + 1

    def line_text(self, line: int) -> str:
        start = self.line_starts[line - 1]
        end = self.line_starts[line] - 1 if line < len(self.line_starts) else len(self.text)
        return self.text[start:end]

    def has_marker(self, verb: str, argument: str | None = None) -> bool:
        return any(
            m.verb == verb and (argument is None or m.argument.lower() == argument)
            for m in self.markers
        )

    @property
    def name(self) -> str:
        path = self.path
        if path.endswith(("/", ".")):  # where the two differ; a readable file never gets here
            return PurePath(path).name
        return os.path.basename(path)


def _line_starts(text: str) -> tuple[int, ...]:
    starts = [0]
    position = text.find("\n")
    while position != -1:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return tuple(starts)


def parse_statements(text: str) -> tuple[ast.RawStmt, ...]:
    """The raw statements of `text`, as `pglast.parser.parse_sql` gives them (built faster,
    see `agent.lint.tree`)."""
    return tree.parse_sql(text)


def _syntax_error(path: str, starts: tuple[int, ...], error: parser.ParseError) -> SqlSyntaxError:
    position = error.args[1] if len(error.args) > 1 else None
    offset = position if isinstance(position, int) else 0  # "stack depth limit exceeded" has none
    line = bisect.bisect_right(starts, offset) - 1
    column = offset - starts[line] + 1
    return SqlSyntaxError(path, line + 1, column, str(error.args[0]))


def _statements(path: str, text: str, starts: tuple[int, ...]) -> tuple[Statement, ...]:
    try:
        raw = parse_statements(text)
    except parser.ParseError as error:
        raise _syntax_error(path, starts, error) from None
    return tuple(_statement(i, item) for i, item in enumerate(raw))


def _statement(index: int, raw: ast.RawStmt) -> Statement:
    assert raw.stmt is not None
    start = raw.stmt_location or 0
    return Statement(index, raw.stmt, start, start + (raw.stmt_len or 0))


# Other runners' comments that mean an agent marker: goose's and Mattermost's morph's
# "run this file outside a transaction".
FOREIGN_MARKERS = {"+goose NO TRANSACTION": "no-transaction", "morph:nontransactional": "no-transaction"}


def _marker(comment: str, offset: int) -> Marker | None:
    body = comment.removeprefix("--").strip()
    if body in FOREIGN_MARKERS:
        return Marker(FOREIGN_MARKERS[body], "", offset)
    if not body.startswith(MARKER_PREFIX):
        return None
    verb, _, argument = body.removeprefix(MARKER_PREFIX).partition(" ")
    return Marker(verb.strip().lower(), argument.strip(), offset)


def _markers(text: str) -> tuple[Marker, ...]:
    """`-- agent:` comments (and `FOREIGN_MARKERS`), found by the SQL lexer (token offsets
    are exact).

    Only the text up to the end of the last line that holds one is lexed: the lexer reads
    left to right, so the comments there are the whole text's. Should that line end inside a
    string or a block comment, the shorter text fails to lex and the whole is.
    """
    last = max(text.rfind(prefix) for prefix in (MARKER_PREFIX, *FOREIGN_MARKERS))
    if last == -1:
        return ()
    end = text.find("\n", last)
    try:
        tokens = parser.scan(text if end == -1 else text[: end + 1])
    except parser.ParseError:
        tokens = parser.scan(text)
    comments = (t for t in tokens if t.name == "SQL_COMMENT")
    found = (_marker(text[t.start : t.end + 1], t.start) for t in comments)
    return tuple(m for m in found if m is not None)


def parse_source(path: str, text: str) -> SourceFile:
    """Parse a migration; raises `SqlSyntaxError` with file:line:col on invalid SQL."""
    starts = _line_starts(text)
    return SourceFile(path, text, _statements(path, text, starts), _markers(text), starts)


def unparsed_source(path: str, text: str, error: SqlSyntaxError) -> SourceFile:
    """A file that does not parse: its text and the error, no statements."""
    return SourceFile(path, text, (), (), _line_starts(text), error)


def parse_source_or_error(path: str, text: str) -> SourceFile:
    """`parse_source`, or for invalid SQL an `unparsed_source` carrying the error."""
    try:
        return parse_source(path, text)
    except SqlSyntaxError as error:
        return unparsed_source(path, text, error)


def parse_sources(files: Iterable[tuple[str, str]], *, keep_going: bool = False) -> list[SourceFile]:
    """`parse_source` for many (path, text) pairs; raises `SqlSyntaxError` for the first that
    fails, or with `keep_going` gives that file as an `unparsed_source`."""
    parse = parse_source_or_error if keep_going else parse_source
    with tree.unchecked_nodes():
        return [parse(path, text) for path, text in files]


@dataclass(frozen=True, slots=True)
class Section:
    """A part of a file that a tool runs on its own: `span` (start, end) holds it and the
    `-- agent:` markers that apply to it; each of `chunks` is sent to the server as one
    piece (a goose StatementBegin/End block), so each is parsed alone."""

    name: str
    span: tuple[int, int]
    chunks: tuple[tuple[int, int], ...]
    direction: str
    transactional: bool


def _masked(text: str, start: int, end: int) -> str:
    """`text` with everything outside [start, end) blanked (newlines kept): parsed alone,
    the chunk keeps its offsets into the whole file."""
    def blank(part: str) -> str:
        return "\n".join(" " * len(line) for line in part.split("\n"))

    return blank(text[:start]) + text[start:end] + blank(text[end:])


def _chunk_statements(
    path: str, text: str, starts: tuple[int, ...], chunk: tuple[int, int], first: int
) -> list[Statement]:
    start, end = chunk
    try:
        raw = parse_statements(_masked(text, start, end))
    except parser.ParseError as error:
        raise _syntax_error(path, starts, error) from None
    found: list[Statement] = []
    for item in raw:
        assert item.stmt is not None
        location = item.stmt_location or 0  # the first statement starts at 0, before the chunk
        stop = location + item.stmt_len if item.stmt_len else end
        found.append(Statement(first + len(found), item.stmt, max(location, start), stop))
    return found


def _section_source(
    path: str, text: str, starts: tuple[int, ...], markers: tuple[Marker, ...], section: Section
) -> SourceFile:
    low, high = section.span
    own = tuple(m for m in markers if low <= m.offset < high)
    statements: list[Statement] = []
    error = None
    try:
        for chunk in section.chunks:
            statements += _chunk_statements(path, text, starts, chunk, len(statements))
    except SqlSyntaxError as raised:
        statements, own, error = [], (), raised
    return SourceFile(path, text, tuple(statements), own, starts, error, section.name,
                      section.direction, section.transactional)


def parse_sections(path: str, text: str, sections: Iterable[Section]) -> list[SourceFile]:
    """One `SourceFile` per section (positions are the whole file's); a section that does
    not parse is an `unparsed_source` of its own."""
    starts = _line_starts(text)
    markers = _markers(text)
    return [_section_source(path, text, starts, markers, s) for s in sections]
