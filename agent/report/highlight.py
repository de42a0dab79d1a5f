"""SQL to HTML, line by line, with PostgreSQL's own scanner (libpg_query through pglast).

Every character of the input comes out escaped, in order, so the page shows the file exactly.
A dollar-quoted body (DO blocks, functions) is scanned again as SQL; text the scanner cannot
read (an unterminated string) is shown plain. Classes: k keyword, c comment, s string,
n number, i quoted identifier, p parameter.
"""

from __future__ import annotations

import html

from pglast import parser

__all__ = ["highlight_sql"]

_CLASSES = {"SQL_COMMENT": "c", "C_COMMENT": "c", "SCONST": "s", "USCONST": "s", "BCONST": "s", "XCONST": "s",
            "ICONST": "n", "FCONST": "n", "PARAM": "p"}
Piece = tuple[str, str]


def highlight_sql(sql: str) -> list[str]:
    """One HTML fragment per line of `sql` (split on newlines), each with its spans closed."""
    lines: list[str] = [""]
    for css, text in _pieces(sql):
        for n, part in enumerate(text.split("\n")):
            if n:
                lines.append("")
            if part:
                escaped = html.escape(part, quote=False)
                lines[-1] += f'<span class="{css}">{escaped}</span>' if css else escaped
    return lines


def _pieces(sql: str) -> list[Piece]:
    try:
        tokens = parser.scan(sql)
    except parser.ParseError:
        return [("", sql)]
    pieces: list[Piece] = []
    position = 0
    for token in tokens:
        if token.start > position:
            pieces.append(("", sql[position:token.start]))
        pieces += _classified(token.name, token.kind, sql[token.start:token.end + 1])
        position = token.end + 1
    if position < len(sql):
        pieces.append(("", sql[position:]))
    return pieces


def _classified(name: str, kind: str, text: str) -> list[Piece]:
    if name == "SCONST" and text.startswith("$"):
        return _dollar_quoted(text)
    if name == "IDENT" and text.startswith('"'):
        return [("i", text)]
    if kind != "NO_KEYWORD" and (kind != "UNRESERVED_KEYWORD" or text.isupper()):
        return [("k", text)]  # an unreserved keyword in lower case is usually a column: `zone`, `name`
    return [(_CLASSES.get(name, ""), text)]


def _dollar_quoted(text: str) -> list[Piece]:
    tag = text[:text.index("$", 1) + 1]
    body = text[len(tag):len(text) - len(tag)]
    return [("s", tag), *_pieces(body), ("s", tag)]
