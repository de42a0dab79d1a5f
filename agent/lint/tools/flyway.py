"""Flyway: `V<version>__<description>.sql` in version order (numerically: V10 after V2),
`U<version>__...` its undo, `R__<description>.sql` repeatable, after the versioned ones.
Each migration runs in a transaction unless it holds a statement PostgreSQL refuses in
one (CONCURRENTLY, VACUUM, ...), which Flyway detects and runs the file without."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import replace

from pglast import ast

from agent.lint.source import SourceFile, Statement, parse_source_or_error
from agent.lint.tools.model import Tool

__all__ = ["TOOL"]

_VERSIONED = re.compile(r"(?P<kind>[VU])(?P<version>\d+(?:[._]\d+)*)__.*\.sql\Z")
_REPEATABLE = re.compile(r"R__.*\.sql\Z")
_NEVER_IN_TRANSACTION = (
    ast.VacuumStmt, ast.CreatedbStmt, ast.DropdbStmt, ast.CreateTableSpaceStmt,
    ast.DropTableSpaceStmt, ast.AlterSystemStmt,
)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.split(r"[._]", text))


def _outside_transaction(statement: Statement) -> bool:
    from agent.lint.rules.concurrently_in_transaction import is_concurrent

    node = statement.node
    return isinstance(node, _NEVER_IN_TRANSACTION) or is_concurrent(node)


class Flyway(Tool):
    name = "flyway"
    summary = "Flyway: V<version>__<name>.sql in version order, U undo, R__ repeatable"

    def recognises(self, names: Sequence[str], first_text: str) -> bool:
        return any((m := _VERSIONED.match(n)) is not None and m["kind"] == "V" for n in names)

    def migration(self, path: str) -> tuple[str, bool] | None:
        found = _VERSIONED.match(os.path.basename(path))
        if found is None:
            return None
        return ".".join(map(str, _version(found["version"]))), found["kind"] == "U"

    def run_order(self, paths: Sequence[str]) -> list[str]:
        def key(path: str) -> tuple[int, tuple[int, ...], str]:
            name = os.path.basename(path)
            found = _VERSIONED.match(name)
            if found is not None:
                return 0, _version(found["version"]), ""
            return (1, (), name) if _REPEATABLE.match(name) else (2, (), "")

        return sorted(paths, key=key)

    def runs(self, path: str, text: str) -> list[SourceFile]:
        source = parse_source_or_error(path, text)
        name = os.path.basename(path)
        found = _VERSIONED.match(name)
        if found is None and not _REPEATABLE.match(name):
            return [source]  # a callback (afterMigrate.sql ...): as our runner would
        transactional = not any(_outside_transaction(s) for s in source.statements)
        direction = "down" if found is not None and found["kind"] == "U" else "up"
        return [replace(source, direction=direction, transactional=transactional)]


TOOL = Flyway()
