"""pglast's parse, kept from trees deep enough to overflow the C stack.

pglast turns libpg_query's tree into Python objects recursively in C, with no depth check:
`SELECT 1+1+...` with some 30 000 terms ends the process with a segmentation fault
(bison stops right-nested syntax, such as parentheses, at 10 000 levels, but left-nested
operators and casts have no such limit). libpg_query's JSON writer stops at a depth pglast
survives, with "stack depth limit exceeded", so a text long enough to nest that deep goes
through it first. Every level takes two characters at least (`+1`), so a shorter text
cannot, and skips the extra pass.
"""

from __future__ import annotations

from typing import Any

from pglast import ast, parser
from pglast.stream import RawStream

__all__ = ["GUARDED_LENGTH", "parse_sql", "sql_text"]

# Half of it, 5 000 levels, is a quarter of what pglast was seen to survive.
GUARDED_LENGTH = 10_000


def parse_sql(text: str) -> tuple[ast.RawStmt, ...]:
    """`pglast.parser.parse_sql`, raising its `ParseError` ("stack depth limit exceeded")
    where a tree would be too deep for it."""
    if len(text) >= GUARDED_LENGTH:
        parser.parse_sql_json(text)
    return parser.parse_sql(text)


def sql_text(node: Any) -> str:
    """A parse tree written back as SQL, in the syntax it was parsed from where SQL has one
    (`x AT TIME ZONE 'UTC'`, not pg_catalog.timezone(): PostgreSQL stores the two differently)."""
    return str(RawStream(special_functions=True)(node))
