"""MA611: a call that reaches the server's files, processes or other servers, or sleeps.

Schema expressions in YAML never get this far (the loader refuses them); this rule is for
SQL written by hand, which `migrate` and `apply` run as the user's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from pglast import ast

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import func_name, location, walk
from agent.lint.source import Statement

__all__ = ["RULE"]

# What a call does, by function name (first match wins).
_HOW: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), h) for p, h in (
    (r"pg_read_(binary_)?file|pg_ls_\w+|pg_stat_file|pg_file_\w+", "reads or writes files on the server"),
    (r"lo_\w+|loread|lowrite", "reads or writes large objects, and through them files on the server"),
    (r"pg_(terminate|cancel)_backend|pg_reload_conf|pg_rotate_logfile\w*", "signals server processes"),
    (r"pg_sleep\w*", "sleeps, holding the migration's locks meanwhile"),
    (r"dblink\w*", "connects to another server"),
))
# A cheap look at the file's text first: most files name none of these. Lowered once, the text
# is searched case-sensitively for literal prefixes: 5 ms for the 1 200 files of the lint bench,
# where a case-insensitive search of each statement for whole words took 17 ms.
_MENTIONED = re.compile(
    r"(?:pg_read_|pg_ls_|pg_stat_file|pg_file_|lo_|loread|lowrite|pg_terminate_backend|"
    r"pg_cancel_backend|pg_reload_conf|pg_rotate_logfile|pg_sleep|dblink)")


@lru_cache(maxsize=4)
def _mentions(text: str) -> bool:
    return _MENTIONED.search(text.lower()) is not None


def _how(name: str) -> str | None:
    return next((how for pattern, how in _HOW if pattern.fullmatch(name)), None)


def _copy(node: ast.CopyStmt) -> tuple[str, str] | None:
    if node.is_program:
        return "COPY ... PROGRAM", "runs a shell command on the database server"
    if node.filename:
        direction = "FROM" if node.is_from else "TO"
        how = "reads a file" if node.is_from else "writes a file"
        return f"COPY ... {direction} '{node.filename}'", f"{how} on the database server"
    return None


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    node = statement.node
    if isinstance(node, ast.CopyStmt):
        found = _copy(node)
        if found:
            yield RULE.at(context, statement.start, call=found[0], how=found[1])
    if not _mentions(context.source.text):
        return
    for call in walk(node):
        if isinstance(call, ast.FuncCall):
            name = func_name(call)
            how = _how(name)
            if how:
                yield RULE.at(context, location(call, statement.start), call=f"{name}()", how=how)


RULE = Rule(
    code="MA611",
    name="server-access-function",
    severity=Severity.ERROR,
    message="{call} {how}; a migration changes the schema and its rows, nothing outside the database",
    why=(
        "A migration runs on the production server as a role that owns the tables, often a "
        "superuser. Reading or writing the server's files (pg_read_file, lo_import, lo_export, "
        "COPY to or from a file), running a shell program (COPY ... PROGRAM), signalling other "
        "sessions (pg_terminate_backend), or connecting to another server (dblink) leaks data, "
        "changes the host or kills the application's connections; pg_sleep holds the "
        "migration's locks while it waits."
    ),
    instead=(
        "Move data through the client (COPY ... FROM STDIN or TO STDOUT, psql's \\copy), keep "
        "files and processes outside the database, and let lock_timeout and the runner's "
        "retries wait for a lock instead of sleeping or ending other sessions."
    ),
    bad=(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity\n"
        " WHERE datname = current_database() AND pid <> pg_backend_pid();"
    ),
    good="COPY (SELECT lot_id, lot_number FROM lots) TO STDOUT WITH (FORMAT csv);",
    check=check,
)
