"""What the linter knows when it reaches a statement: the file so far and the whole file.

`Context.advance()` runs after the rules have seen a statement and folds it in:
tables created, transaction state, timeouts set, backups taken, locks held.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from pglast import ast, parser
from pglast.enums import (
    AlterTableType,
    ConstrType,
    NullTestType,
    ObjectType,
    TransactionStmtKind,
    VariableSetKind,
)

from agent.lint.catalog import Catalog, fold_dependents, fold_forced_rls, index_table
from agent.lint.effects import Dependents, Locks, blocks_writes, locks_of, may_run_long
from agent.lint.facts import FileFacts, gather_facts
from agent.lint.model import Severity
from agent.lint.nodes import alter_commands, func_name, string_values, table_name, walk
from agent.lint.source import SourceFile, Statement
from agent.sql.parsing import parse_sql

__all__ = [
    "BACKUP_PREFIX", "Context", "dropped_tables", "is_down", "lock_work", "new_context",
]

BACKUP_PREFIX = "_backup_"
# The first version whose SET NOT NULL skips its scan when a valid CHECK proves the column
SET_NOT_NULL_USES_CHECKS = 12
ROW_SECURITY = "row_security"
_TK = TransactionStmtKind
_BEGIN = frozenset({_TK.TRANS_STMT_BEGIN, _TK.TRANS_STMT_START})
_END = frozenset({_TK.TRANS_STMT_COMMIT, _TK.TRANS_STMT_ROLLBACK})


@dataclass(slots=True)
class Context:
    source: SourceFile
    facts: FileFacts
    down: bool
    destructive_ok: bool
    implicit_transaction: bool
    earlier_files: Catalog = field(default_factory=Catalog)
    index: int = 0
    depth: int = 0
    in_transaction: bool = False
    # lock_timeout, statement_timeout: set to a non-zero value; row_security: set off
    settings: dict[str, bool] = field(default_factory=dict)
    local_settings: set[str] = field(default_factory=set)
    # existing tables with FORCE ROW LEVEL SECURITY, once this file changes which (see forced_rls)
    file_forced_rls: set[str] | None = None
    backups: set[str] = field(default_factory=set)
    held: Locks = field(default_factory=dict)
    # the line of the statement that took each lock in `held`
    held_at: dict[str, int] = field(default_factory=dict)
    altered: dict[str, int] = field(default_factory=dict)
    not_null_checks: dict[str, tuple[str, str]] = field(default_factory=dict)
    validated_not_null: set[tuple[str, str]] = field(default_factory=set)
    dropped: set[str] = field(default_factory=set)
    work_under_lock: int = 0
    current_locks: Locks = field(default_factory=dict)
    current_long: bool = False
    statement_node: ast.Node | None = None
    # severities chosen for the run (`--severity`), by rule code
    levels: Mapping[str, Severity] = field(default_factory=dict)
    # whether an earlier statement of the file took a lock that blocks writes, and one
    # that also scanned or rewrote its table while holding it
    blocked_earlier: bool = False
    blocked_long_earlier: bool = False
    # what a type change revisits, for the tables this file has changed so far (others: earlier_files)
    file_dependents: dict[str, Dependents] = field(default_factory=dict)
    _starts: list[int] = field(default_factory=list)

    # ------------------------------------------------------------ questions for rules

    def created_here(self, table: str) -> bool:
        """Whether an earlier statement of this file created the table (so it is empty)."""
        created_at = self.facts.created.get(table)
        return created_at is not None and created_at <= self.index

    @property
    def pg_version(self) -> int:
        """The PostgreSQL version the run's migrations are for (`agent.lint.target`)."""
        return self.earlier_files.target.pg_version

    def has_timeout(self, name: str) -> bool:
        return self.settings.get(name, False)

    def row_security_off(self) -> bool:
        """Whether `row_security` is off, so that a query RLS would filter fails instead."""
        return self.settings.get(ROW_SECURITY, False)

    def held_since(self, tables: list[str]) -> str:
        """`ACCESS EXCLUSIVE on lots (line 3), ...`: each held table with its mode and the line
        of the statement that locked it."""
        return ", ".join(f"{self.held[t].label} on {t} (line {self.held_at.get(t, 0)})"
                         for t in sorted(tables))

    def statement_index(self, offset: int) -> int | None:
        if not self._starts:
            self._starts = [s.start for s in self.source.statements]
        position = bisect.bisect_right(self._starts, offset) - 1
        return position if position >= 0 else None

    def aggravated_holds(self) -> list[str]:
        """Existing tables this transaction holds in a mode that blocks writes, stronger than
        the lock the current statement takes on them itself: work now keeps them locked
        harder or longer than the work alone would.

        Tables created in this file are never in `held`; tables it has dropped are left out:
        once the drop commits nobody waits on them, and no later statement works on them.
        """
        return [
            t for t, mode in self.held.items()
            if mode.blocks_writes and t not in self.dropped and self.current_locks.get(t, 0) < mode
        ]

    def work_under_held(self) -> tuple[str, list[str]]:
        """What work the current statement does under locks this transaction holds (see
        `lock_work`), and the held tables it aggravates; ("", []) for none. Another ALTER of
        a held table is the several-alters rule's (MA304) to judge."""
        node = self.statement_node
        if node is None or not self.held:
            return "", []
        if isinstance(node, ast.AlterTableStmt) and table_name(node.relation) in self.held:
            return "", []
        if isinstance(node, ast.DoStmt):
            inner = plain_do_statements(node)
            if inner is not None:
                return self._inner_work(inner)
        held = self.aggravated_holds()
        return lock_work(node, held, self.current_locks, self.current_long), held

    def _inner_work(self, inner: list[ast.Node]) -> tuple[str, list[str]]:
        """`work_under_held` of a DO block's statements, each with its own locks."""
        for node in inner:
            locks = {t: m for t, m in self._on_tables(locks_of(node)).items() if not self.created_here(t)}
            held = [t for t, mode in self.held.items()
                    if mode.blocks_writes and t not in self.dropped and locks.get(t, 0) < mode]
            long = bool(locks) and may_run_long(node, self.validated_not_null, self.earlier_files.type_of,
                                                self.dependents_of, self.pg_version)
            work = lock_work(node, held, locks, long)
            if work:
                return work, held
        return "", []

    @property
    def forced_rls(self) -> set[str]:
        """Existing tables with FORCE ROW LEVEL SECURITY: the migration role's queries are
        filtered too (do not change it)."""
        return self.file_forced_rls if self.file_forced_rls is not None else self.earlier_files.forced_rls

    def dependents_of(self, table: str) -> Dependents:
        """The table's CHECK constraints and expression or partial indexes before this statement."""
        found = self.file_dependents.get(table)
        return found if found is not None else self.earlier_files.dependents_of(table)

    def _dependents_to_change(self, table: str) -> Dependents:
        if table not in self.file_dependents:
            self.file_dependents[table] = dict(self.earlier_files.dependents_of(table))
        return self.file_dependents[table]

    def _index_owner(self, name: str) -> str | None:
        return index_table(self.file_dependents, name) or self.earlier_files.index_owner(name)

    def later(self) -> tuple[Statement, ...]:
        return self.source.statements[self.index + 1 :]

    def earlier(self) -> tuple[Statement, ...]:
        return self.source.statements[: self.index]

    # ------------------------------------------------------------ folding a statement in

    def enter(self, statement: Statement) -> None:
        """Prepare for the rules to look at `statement`."""
        self.index = statement.index
        self.statement_node = statement.node
        locks = self._on_tables(locks_of(statement.node))
        self.current_locks = {
            t: m for t, m in locks.items() if not self.created_here(t) and t not in self.dropped
        }
        self.current_long = bool(self.current_locks) and may_run_long(
            statement.node, self.validated_not_null, self.earlier_files.type_of, self.dependents_of,
            self.pg_version,
        )

    def _on_tables(self, locks: Locks) -> Locks:
        """Locks named after an index this file or an earlier one built, moved to its table
        (DROP INDEX takes ACCESS EXCLUSIVE on the table too)."""
        if not any(name in self.facts.index_tables or name in self.earlier_files.named for name in locks):
            return locks
        on_tables: Locks = {}
        for name, mode in locks.items():
            known = self.earlier_files.named.get(name)
            table = self.facts.index_tables.get(name) or (known[0] if known else name)
            if mode > on_tables.get(table, 0):
                on_tables[table] = mode
        return on_tables

    def advance(self, statement: Statement) -> None:
        node = statement.node
        if self.current_locks and blocks_writes(self.current_locks):
            self.blocked_earlier = True
            self.blocked_long_earlier = self.blocked_long_earlier or self.current_long
        kind = type(node)
        if isinstance(node, ast.TransactionStmt):
            self._transaction(node)
        else:  # each step only for the statements it can learn from
            if kind in _SETTING_STATEMENTS:
                self._settings(node)
            if kind in _BACKUP_STATEMENTS:
                self._backups(node)
            if isinstance(node, ast.AlterTableStmt):
                self._not_null_checks(node)
                self._fold_forced_rls(node)
            if kind in _DEPENDENT_STATEMENTS and not self.created_here(table_name(getattr(node, "relation", None))):
                fold_dependents(self._dependents_to_change, self._index_owner, node)  # (rules leave new tables alone)
            self._locks(statement)
        self.index = statement.index + 1

    def _fold_forced_rls(self, node: ast.AlterTableStmt) -> None:
        if any(alter_commands(node, AlterTableType.AT_ForceRowSecurity, AlterTableType.AT_NoForceRowSecurity)):
            if self.file_forced_rls is None:
                self.file_forced_rls = set(self.earlier_files.forced_rls)
            fold_forced_rls(self.file_forced_rls, node)

    def _transaction(self, node: ast.TransactionStmt) -> None:
        if node.kind in _BEGIN:
            self.depth += 1
            self.in_transaction = True
        elif node.kind in _END:
            self._end_transaction()
            # AND CHAIN starts the next transaction at once
            self.depth = 1 if node.chain else 0
            self.in_transaction = bool(node.chain)

    def _end_transaction(self) -> None:
        self.held.clear()
        self.held_at.clear()
        self.altered.clear()
        self.work_under_lock = 0
        for name in self.local_settings:
            self.settings[name] = False
        self.local_settings.clear()

    def _settings(self, node: ast.Node) -> None:
        for name, value, local in _tracked_settings(node):
            self.settings[name] = value
            if local:
                self.local_settings.add(name)

    def _backups(self, node: ast.Node) -> None:
        target, query = _backup_target(node)
        if target.startswith(BACKUP_PREFIX):
            self.backups.update(table_name(r) for r in walk(query) if isinstance(r, ast.RangeVar))

    def _not_null_checks(self, node: ast.Node) -> None:
        if self.pg_version < SET_NOT_NULL_USES_CHECKS:
            return  # before 12, SET NOT NULL scans the table whatever checks prove
        table = table_name(getattr(node, "relation", None))
        for command in alter_commands(node):
            if command.subtype == AlterTableType.AT_ValidateConstraint and command.name:
                checked = self.not_null_checks.get(command.name)
                if checked:
                    self.validated_not_null.add(checked)
            constraint = command.def_
            if isinstance(constraint, ast.Constraint):
                self._note_not_null_check(table, constraint)

    def _note_not_null_check(self, table: str, constraint: ast.Constraint) -> None:
        column = _not_null_column(constraint)
        if column is None:
            return
        if constraint.conname:
            self.not_null_checks[constraint.conname] = (table, column)
        if not constraint.skip_validation:
            self.validated_not_null.add((table, column))

    def _locks(self, statement: Statement) -> None:
        node = statement.node
        if self.work_under_held()[0]:
            self.work_under_lock += 1
        self.dropped.update(dropped_tables(node))
        if isinstance(node, ast.AlterTableStmt):
            table = table_name(node.relation)
            self.altered[table] = self.altered.get(table, 0) + 1
        for table, mode in self.current_locks.items():
            if mode > self.held.get(table, 0):
                self.held[table] = mode
                self.held_at[table] = self.source.position(statement.start)[0]
        self._follow_rename(node)
        if not self.in_transaction:
            self._end_transaction()

    def _follow_rename(self, node: ast.Node) -> None:
        """A held table renamed is still held, under its new name (harbor's 0004 renames
        replication_target to registry, then alters registry)."""
        if not isinstance(node, ast.RenameStmt) or node.renameType != ObjectType.OBJECT_TABLE:
            return
        old, new = table_name(node.relation), str(node.newname)
        if old in self.held:
            self.held[new] = self.held.pop(old)
            self.held_at[new] = self.held_at.pop(old, 0)
            if old in self.altered:
                self.altered[new] = self.altered.pop(old)


# The statements that `_tracked_settings` and `_backup_target` read something from
_SETTING_STATEMENTS = frozenset({ast.VariableSetStmt, ast.SelectStmt})
_BACKUP_STATEMENTS = frozenset({ast.CreateTableAsStmt, ast.InsertStmt, ast.SelectStmt})
_DEPENDENT_STATEMENTS = frozenset({ast.CreateStmt, ast.AlterTableStmt, ast.IndexStmt, ast.DropStmt})
# Statements that read or write rows, or run code that may: work whatever they lock.
_DATA_STATEMENTS = (
    ast.SelectStmt, ast.InsertStmt, ast.UpdateStmt, ast.DeleteStmt, ast.MergeStmt,
    ast.CreateTableAsStmt, ast.CopyStmt, ast.DoStmt, ast.CallStmt, ast.RefreshMatViewStmt,
)
_DROPPED_KINDS = frozenset({ObjectType.OBJECT_TABLE, ObjectType.OBJECT_MATVIEW})


def dropped_tables(node: ast.Node) -> list[str]:
    """Tables (and materialized views) a DROP statement removes."""
    if not isinstance(node, ast.DropStmt) or node.removeType not in _DROPPED_KINDS:
        return []
    return [names[-1] for names in map(string_values, node.objects or ()) if names]


def _only_settings(node: ast.Node) -> bool:
    """`SELECT set_config(...)` and the like: a SELECT that reads no table, only sets."""
    if not isinstance(node, ast.SelectStmt) or node.fromClause:
        return False
    calls = [n for n in walk(node.targetList) if isinstance(n, ast.FuncCall)]
    return bool(calls) and all(func_name(c) == "set_config" for c in calls)


def lock_work(node: ast.Node, held: list[str], locks: Locks, long: bool = False) -> str:
    """What work the statement does while `held` tables are locked against writes (in a mode
    stronger than the statement's own on them), or "" for none.

    `locks` are the statement's own locks on tables that existed before the file (not
    created or dropped in it); `long` says whether it scans or rewrites what it locks.
    Work reads or writes rows in bulk (UPDATE, DELETE, INSERT ... SELECT, SELECT, CREATE TABLE
    AS, COPY, DO, CALL), or scans, rewrites or builds an index on a table (the one held or
    another). Waiting for another table's lock is not work here. Catalog-only statements are
    not work: SET, COMMENT, a rename, CREATE or DROP of a function, view or index, a policy, a
    new table without foreign keys to existing ones, an INSERT of listed rows.
    """
    if not held or isinstance(node, ast.TransactionStmt):
        return ""
    if isinstance(node, _DATA_STATEMENTS) and not _only_settings(node) and not _listed_rows(node):
        return "reads or writes rows"
    # A mere wait in another table's lock queue is not work: lock_timeout bounds it, and
    # without one the lock-timeout rule (MA401) reports the statement already.
    return "scans or rewrites the table" if locks and long else ""


_PLAIN_BODY = re.compile(r"\s*BEGIN\s(.*)\bEND\s*;?\s*", re.IGNORECASE | re.DOTALL)


def plain_do_statements(node: ast.DoStmt) -> list[ast.Node] | None:
    """The statements of a DO block whose PL/pgSQL body is only plain SQL statements
    between BEGIN and END (no variables, loops or dynamic SQL), else None: what it does
    is then unknown here."""
    options = {str(d.defname): d.arg for d in node.args or ()}
    language = options.get("language")
    if language is not None and getattr(language, "sval", "plpgsql").lower() != "plpgsql":
        return None
    body = options.get("as")
    text = getattr(body, "sval", None)
    found = _PLAIN_BODY.fullmatch(text) if isinstance(text, str) else None
    if found is None:
        return None
    try:
        return [raw.stmt for raw in parse_sql(found.group(1)) if raw.stmt is not None]
    except parser.ParseError:
        return None


def _listed_rows(node: ast.Node) -> bool:
    """INSERT ... VALUES (or DEFAULT VALUES): a few rows, not a bulk copy."""
    if not isinstance(node, ast.InsertStmt):
        return False
    query = node.selectStmt
    return query is None or (isinstance(query, ast.SelectStmt) and bool(query.valuesLists))


def _const_text(node: ast.Node | None) -> str | None:
    value = getattr(node, "val", None)
    if isinstance(value, ast.String):
        return value.sval
    if isinstance(value, ast.Integer | ast.Float):
        return str(getattr(value, "ival", None) or getattr(value, "fval", "0"))
    return None


def _is_on(value: str | None) -> bool:
    return value is not None and value.strip() not in ("", "0")


def _is_off(value: str | None) -> bool:
    return value is not None and value.strip().lower() in ("off", "false", "no", "0")


# The settings the context follows, and what makes each count as set.
_TRACKED = {"lock_timeout": _is_on, "statement_timeout": _is_on, ROW_SECURITY: _is_off}


def _tracked_settings(node: ast.Node) -> list[tuple[str, bool, bool]]:
    """(name, set as the rules want it, SET LOCAL) for every tracked setting the statement sets."""
    if isinstance(node, ast.VariableSetStmt) and node.name in _TRACKED:
        if node.kind != VariableSetKind.VAR_SET_VALUE:
            return [(node.name, False, bool(node.is_local))]
        value = _const_text(node.args[0]) if node.args else None
        return [(node.name, _TRACKED[node.name](value), bool(node.is_local))]
    if isinstance(node, ast.SelectStmt):
        return [s for s in map(_set_config, walk(node.targetList)) if s is not None]
    return []


def _set_config(node: object) -> tuple[str, bool, bool] | None:
    if not isinstance(node, ast.FuncCall) or func_name(node) != "set_config":
        return None
    args = [_const_text(a) for a in node.args or ()]
    if len(args) != 3 or args[0] not in _TRACKED:
        return None
    name = str(args[0])
    return name, _TRACKED[name](args[1]), args[2] in ("true", "t", "on")


def _backup_target(node: ast.Node) -> tuple[str, object]:
    if isinstance(node, ast.CreateTableAsStmt) and node.into is not None:
        return table_name(node.into.rel), node.query
    if isinstance(node, ast.InsertStmt):
        return table_name(node.relation), node.selectStmt
    if isinstance(node, ast.SelectStmt) and node.intoClause is not None:
        return table_name(node.intoClause.rel), node.fromClause
    return "", None


def _not_null_column(constraint: ast.Constraint) -> str | None:
    """`col` when the constraint is exactly CHECK (col IS NOT NULL)."""
    if constraint.contype != ConstrType.CONSTR_CHECK:
        return None
    test = constraint.raw_expr
    if not isinstance(test, ast.NullTest) or test.nulltesttype != NullTestType.IS_NOT_NULL:
        return None
    ref = test.arg
    fields = ref.fields or () if isinstance(ref, ast.ColumnRef) else ()
    if not fields or not isinstance(fields[-1], ast.String):
        return None
    return str(fields[-1].sval)


def is_down(source: SourceFile) -> bool:
    if source.direction is not None:  # the migration tool said
        return source.direction == "down"
    name = source.name.lower()
    marked = source.has_marker("direction", "down")
    return marked or name.endswith(("_down.sql", ".down.sql"))


def new_context(source: SourceFile, earlier_files: Catalog | None = None,
                levels: Mapping[str, Severity] | None = None) -> Context:
    """The state before the file's first statement; `earlier_files` as left by the
    forward migrations linted before it in the same run; `levels` the severities chosen
    for the run, by rule code."""
    facts = gather_facts(source)
    transactional = source.transactional
    if transactional is None:
        transactional = not source.has_marker("no-transaction")
    implicit = transactional and not facts.transaction_control
    return Context(
        source=source,
        facts=facts,
        down=is_down(source),
        destructive_ok=source.has_marker("destructive"),
        implicit_transaction=implicit,
        in_transaction=implicit,
        earlier_files=earlier_files if earlier_files is not None else Catalog(),
        levels=levels or {},
    )
