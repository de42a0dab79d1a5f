"""A planned migration to the text of its up and down files, in the seed template's shape.

Header comments (name, author, date, dependencies, rollback pointer), the
`-- agent:` markers the runner and linter read, `BEGIN`/`COMMIT`, timeouts, and
a banner per section.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from agent.plan.alter_operations import Backfill, DropColumn, Unfill
from agent.plan.operations import (
    CreateTable,
    DisableRowLevelSecurity,
    DropFunction,
    DropIndex,
    DropPolicy,
    DropTable,
    DropTrigger,
    Operation,
    Section,
    SetComment,
)
from agent.plan.planner import Migration
from agent.schema.literals import quote_ident
from agent.schema.names import bounded_name
from agent.sql.render import INDENT, render, table_backup
from agent.sql.render_alter import alter_action, column_backup

__all__ = ["BACKUP_PREFIX", "FileNames", "backup_name", "bind_backups", "render_down", "render_up"]

BACKUP_PREFIX = "_backup_"

AUTHOR = "Database Migration Agent"
LOCK_TIMEOUT = "2s"
STATEMENT_TIMEOUT = "60s"
_RULE = "-- " + "=" * 44
_SECTION_TITLES = {
    Section.TABLE: "Tables",
    Section.DATA: "Data (batched backfill)",
    Section.CONSTRAINTS: "Constraints",
    Section.INDEXES: "Indexes",
    Section.TRIGGERS: "Triggers",
    Section.ROW_LEVEL_SECURITY: "Row-Level Security",
    Section.COMMENTS: "Comments (Documentation)",
}


@dataclass(frozen=True)
class FileNames:
    up: str
    down: str
    dependencies: tuple[str, ...]
    date: str


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _banner(*lines: str) -> str:
    return "\n".join([_RULE, *(f"-- {_one_line(line)}" for line in lines), _RULE])


def _section_banner(op: Operation) -> str:
    if isinstance(op, CreateTable):
        purpose = op.table.comment
        return _banner(f"Table: {op.table.name}", *([f"Purpose: {purpose}"] if purpose else []))
    if isinstance(op, DropTable) or (op.section == Section.TABLE and op.table_name):
        return _banner(f"Table: {op.table_name}")
    return _banner(_SECTION_TITLES[op.section])


def _backups_first(operations: list[Operation]) -> tuple[list[str], list[Operation]]:
    """In one transaction, copies are taken before the first ALTER locks the table."""
    backups, rest = [], []
    for op in operations:
        if isinstance(op, DropColumn) and op.backup_as:
            backups.append(column_backup(op))
            op = replace(op, backup_as=None)
        elif isinstance(op, DropTable) and op.backup_as:
            backups.append(table_backup(op))
            op = replace(op, backup_as=None)
        rest.append(op)
    return backups, rest


def _statements(operations: list[Operation], combine: bool) -> list[tuple[Operation, str]]:
    """Rendered operations; with `combine`, neighbouring clauses on one table share an ALTER TABLE."""
    found: list[tuple[Operation, str]] = []
    group: list[tuple[Operation, str]] = []

    def flush() -> None:
        if len(group) == 1:
            found.append((group[0][0], render(group[0][0])))
        elif group:
            clauses = f",\n{INDENT}".join(action for _, action in group)
            found.append((group[0][0], f"ALTER TABLE {quote_ident(group[0][0].table_name or '')}\n{INDENT}{clauses};"))
        group.clear()

    for op in operations:
        action = alter_action(op) if combine else None
        if action is None or (group and group[0][0].table_name != op.table_name):
            flush()
        if action is None:
            found.append((op, render(op)))
        else:
            group.append((op, action))
    flush()
    return found


def _body(operations: Iterable[Operation], transactional: bool, statement_timeout: str = STATEMENT_TIMEOUT) -> str:
    parts: list[str] = []
    current: object = None
    operations = list(operations)
    reads_rows = any(op.reads_rows for op in operations)
    backups, ordered = _backups_first(operations) if transactional else ([], operations)
    if backups:
        parts += [_banner("Backups (copied before any lock is taken)"), *backups]
    for op, sql in _statements(ordered, combine=transactional):
        if not sql:
            continue
        key = op.table_name if isinstance(op, CreateTable | DropTable) else op.section
        if key != current:
            parts.append(_section_banner(op))
            current = key
        parts.append(sql)
    timeouts = (
        f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}';\n"
        f"SET LOCAL statement_timeout = '{statement_timeout}';"
        + ("\nSET LOCAL row_security = off;" if reads_rows else "")
    )
    if not transactional:  # session settings; row_security is put back for what runs next
        reset = ["RESET row_security;"] if reads_rows else []
        return "\n\n".join([timeouts.replace("LOCAL ", ""), *parts, *reset]) + "\n"
    return "\n\n".join(["BEGIN;", timeouts, *parts, "COMMIT;"]) + "\n"


def _header(lines: list[str], markers: list[str]) -> str:
    return "\n".join([*(f"-- {_one_line(line)}" for line in lines), *markers]) + "\n\n"


def _markers(migration: Migration, *, down: bool) -> list[str]:
    markers = []
    if not migration.transactional:
        markers.append("-- agent:no-transaction")
    if down:
        markers.append("-- agent:direction down")
    else:
        markers += [f"-- agent:phase {migration.phase}", f"-- agent:deploy {migration.deploy}"]
    destructive = migration.destructive if not down else _down_destroys(migration)
    if destructive:
        markers.append("-- agent:destructive")
    return markers


def _down_destroys(migration: Migration) -> bool:
    return any(op.destructive for op in migration.reverse_operations())


def render_up(migration: Migration, names: FileNames) -> str:
    header = _header(
        [
            f"Migration: {migration.title}",
            f"Author: {AUTHOR}",
            f"Date: {names.date}",
            f"Dependencies: {', '.join(names.dependencies) or 'None'}",
            f"Rollback: {names.down}",
        ],
        _markers(migration, down=False),
    )
    return header + _body(_without_absorbed(migration.operations), migration.transactional,
                          migration.statement_timeout)


def backup_name(table: str, version: str) -> str:
    return bounded_name(f"{BACKUP_PREFIX}{table}_{version}")


def _with_backup(op: Operation, version: str) -> Operation:
    if isinstance(op, DropTable) and op.backup_as is None:
        return replace(op, backup_as=backup_name(op.table.name, version))
    if isinstance(op, DropColumn) and op.backup_as is None:
        return replace(op, backup_as=backup_name(f"{op.table}_{op.column.name}", version))
    if isinstance(op, Backfill):
        return _with_nulls_backup(op, version)
    if isinstance(op, Unfill):
        return replace(op, filled=_with_nulls_backup(op.filled, version))
    return op


def _with_nulls_backup(op: Backfill, version: str) -> Backfill:
    if not op.remember or op.backup_as is not None:
        return op
    return replace(op, backup_as=backup_name(f"{op.table}_nulls", version))


def _with_backups(operations: list[Operation], version: str) -> list[Operation]:
    return [_with_backup(op, version) for op in operations]


def bind_backups(migration: Migration, version: str) -> Migration:
    """Name the backup of every drop, so the down migration knows where to restore from."""
    return replace(migration, operations=tuple(_with_backups(list(migration.operations), version)))


def render_down(migration: Migration, names: FileNames) -> str:
    version = names.up.split("_", 1)[0]
    operations = _with_backups(_without_absorbed(migration.reverse_operations()), version)
    backups = [(op.table.name, op.backup_as) for op in operations if isinstance(op, DropTable)]
    lines = [f"Rollback: {migration.title}", f"Reverts: {names.up}", f"Author: {AUTHOR}",
             f"Date: {names.date}"]
    for table, backup in backups:
        lines.append(f"WARNING: drops {table}; its rows are copied to {backup} first.")
    body = _body(operations, migration.transactional, migration.statement_timeout)
    return _header(lines, _markers(migration, down=True)) + body


_GO_WITH_THE_TABLE = (SetComment, DisableRowLevelSecurity, DropIndex, DropPolicy, DropTrigger)


def _without_absorbed(operations: tuple[Operation, ...]) -> list[Operation]:
    """What a dropped table takes with it (indexes, policies, triggers, comments) is not dropped
    first: each separate statement would only take one more ACCESS EXCLUSIVE lock. Functions its
    triggers used are dropped after it."""
    dropped = {op.table.name for op in operations if isinstance(op, DropTable)}
    kept = [op for op in operations
            if not (isinstance(op, _GO_WITH_THE_TABLE) and op.table_name in dropped)]
    if not dropped:
        return kept
    functions = [op for op in kept if isinstance(op, DropFunction)]
    return [op for op in kept if not isinstance(op, DropFunction)] + functions
