"""The table locks a statement takes, read from its AST (the static side of the trace).

A model of PostgreSQL's lock table for DDL and DML, not a replacement for `--trace`:
it answers "which tables, in which mode" so rules can ask whether a statement blocks
reads or writes, and whether a timeout was set before it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any

from pglast import ast
from pglast.enums import AlterTableType, ConstrType, ObjectType

from agent.lint.locks import LockMode
from agent.lint.nodes import (
    SERIAL_TYPES,
    alter_commands,
    column_defs,
    func_name,
    string_values,
    table_constraints,
    table_name,
    type_name,
    walk,
)

__all__ = [
    "LOCKING_STATEMENTS", "NON_VOLATILE", "Locks", "blocks_writes", "locks_of", "may_run_long",
    "volatile_call",
]

# Functions evaluated once per statement (stable or immutable): a default built from them
# is stored once in the catalog instead of being written into every row.
NON_VOLATILE = frozenset({
    "now", "transaction_timestamp", "statement_timestamp", "current_date", "current_setting",
    "lower", "upper", "btrim", "trim", "length", "char_length", "abs", "round", "greatest",
    "least", "nullif", "concat", "jsonb_build_object", "jsonb_build_array", "json_build_object",
    "to_jsonb", "make_interval", "make_date", "array_fill", "int4", "int8", "numeric",
})

Locks = dict[str, LockMode]
_AT = AlterTableType
_SHARE_UPDATE_EXCLUSIVE_COMMANDS = frozenset({
    _AT.AT_ValidateConstraint, _AT.AT_SetStatistics, _AT.AT_ClusterOn, _AT.AT_DropCluster,
    _AT.AT_SetOptions, _AT.AT_ResetOptions, _AT.AT_SetRelOptions, _AT.AT_ResetRelOptions,
    _AT.AT_AttachPartition,
})
_TRIGGER_COMMANDS = frozenset({
    _AT.AT_EnableTrig, _AT.AT_EnableAlwaysTrig, _AT.AT_EnableReplicaTrig, _AT.AT_DisableTrig,
    _AT.AT_EnableTrigAll, _AT.AT_DisableTrigAll, _AT.AT_EnableTrigUser, _AT.AT_DisableTrigUser,
})


def _merge(locks: Locks, table: str, mode: LockMode) -> None:
    if table and mode > locks.get(table, 0):
        locks[table] = mode


def _foreign_key_targets(statement: ast.Node) -> Iterable[str]:
    """Tables referenced by foreign keys the statement adds (table or column constraints)."""
    for constraint in table_constraints(statement):
        if constraint.contype == ConstrType.CONSTR_FOREIGN:
            yield table_name(constraint.pktable)
    for column in column_defs(statement):
        for constraint in column.constraints or ():
            if constraint.contype == ConstrType.CONSTR_FOREIGN:
                yield table_name(constraint.pktable)


def _alter_command_mode(command: ast.AlterTableCmd) -> LockMode:
    if command.subtype in _SHARE_UPDATE_EXCLUSIVE_COMMANDS:
        return LockMode.SHARE_UPDATE_EXCLUSIVE
    if command.subtype in _TRIGGER_COMMANDS:
        return LockMode.SHARE_ROW_EXCLUSIVE
    if command.subtype == _AT.AT_DetachPartition and getattr(command.def_, "concurrent", False):
        return LockMode.SHARE_UPDATE_EXCLUSIVE
    constraint = command.def_
    if isinstance(constraint, ast.Constraint) and constraint.contype == ConstrType.CONSTR_FOREIGN:
        return LockMode.SHARE_ROW_EXCLUSIVE
    return LockMode.ACCESS_EXCLUSIVE


def _alter_table(node: ast.AlterTableStmt) -> Locks:
    locks: Locks = {}
    if node.objtype not in (ObjectType.OBJECT_TABLE, ObjectType.OBJECT_MATVIEW):
        return locks
    for command in node.cmds or ():
        _merge(locks, table_name(node.relation), _alter_command_mode(command))
    for target in _foreign_key_targets(node):
        _merge(locks, target, LockMode.SHARE_ROW_EXCLUSIVE)
    return locks


def _create_table(node: ast.CreateStmt) -> Locks:
    return {t: LockMode.SHARE_ROW_EXCLUSIVE for t in _foreign_key_targets(node) if t}


def _index(node: ast.IndexStmt) -> Locks:
    mode = LockMode.SHARE_UPDATE_EXCLUSIVE if node.concurrent else LockMode.SHARE
    return {table_name(node.relation): mode}


def _drop(node: ast.DropStmt) -> Locks:
    kinds = {ObjectType.OBJECT_TABLE, ObjectType.OBJECT_MATVIEW, ObjectType.OBJECT_INDEX}
    if node.removeType not in kinds:
        return {}
    mode = LockMode.SHARE_UPDATE_EXCLUSIVE if node.concurrent else LockMode.ACCESS_EXCLUSIVE
    return {string_values(obj)[-1]: mode for obj in node.objects or () if string_values(obj)}


def _relation(mode: LockMode) -> Callable[[Any], Locks]:
    def locks(node: Any) -> Locks:
        return {table_name(node.relation): mode} if node.relation is not None else {}

    return locks


def _truncate(node: ast.TruncateStmt) -> Locks:
    return {table_name(r): LockMode.ACCESS_EXCLUSIVE for r in node.relations or ()}


def _option(options: Any, name: str) -> bool:
    return any(isinstance(o, ast.DefElem) and o.defname == name for o in options or ())


def _vacuum(node: ast.VacuumStmt) -> Locks:
    full = node.is_vacuumcmd and _option(node.options, "full")
    mode = LockMode.ACCESS_EXCLUSIVE if full else LockMode.SHARE_UPDATE_EXCLUSIVE
    return {table_name(r.relation): mode for r in node.rels or () if r.relation is not None}


def _reindex(node: ast.ReindexStmt) -> Locks:
    concurrent = _option(node.params, "concurrently")
    mode = LockMode.SHARE_UPDATE_EXCLUSIVE if concurrent else LockMode.SHARE
    return {table_name(node.relation): mode} if node.relation is not None else {}


def _refresh(node: ast.RefreshMatViewStmt) -> Locks:
    mode = LockMode.EXCLUSIVE if node.concurrent else LockMode.ACCESS_EXCLUSIVE
    return {table_name(node.relation): mode}


def _policy(node: Any) -> Locks:
    return {table_name(node.table): LockMode.ACCESS_EXCLUSIVE}


def _rename(node: ast.RenameStmt) -> Locks:
    return {table_name(node.relation): LockMode.ACCESS_EXCLUSIVE} if node.relation else {}


def _lock(node: ast.LockStmt) -> Locks:
    mode = LockMode(node.mode or LockMode.ACCESS_EXCLUSIVE)
    return {table_name(r): mode for r in node.relations or ()}


_DISPATCH: dict[type, Callable[[Any], Locks]] = {
    ast.AlterTableStmt: _alter_table,
    ast.CreateStmt: _create_table,
    ast.IndexStmt: _index,
    ast.DropStmt: _drop,
    ast.TruncateStmt: _truncate,
    ast.VacuumStmt: _vacuum,
    ast.ClusterStmt: _relation(LockMode.ACCESS_EXCLUSIVE),
    ast.ReindexStmt: _reindex,
    ast.RefreshMatViewStmt: _refresh,
    ast.CreatePolicyStmt: _policy,
    ast.AlterPolicyStmt: _policy,
    ast.RenameStmt: _rename,
    ast.CreateTrigStmt: _relation(LockMode.SHARE_ROW_EXCLUSIVE),
    ast.UpdateStmt: _relation(LockMode.ROW_EXCLUSIVE),
    ast.DeleteStmt: _relation(LockMode.ROW_EXCLUSIVE),
    ast.InsertStmt: _relation(LockMode.ROW_EXCLUSIVE),
    ast.LockStmt: _lock,
}


# The statements `locks_of` knows to lock a table; any other locks nothing here.
LOCKING_STATEMENTS: tuple[type, ...] = tuple(_DISPATCH)


def locks_of(statement: ast.Node) -> Locks:
    """Tables the statement locks, with the strongest mode it takes on each."""
    handler = _DISPATCH.get(type(statement))
    locks = handler(statement) if handler is not None else {}
    locks.pop("", None)
    return locks


def blocks_writes(locks: Locks) -> bool:
    """Whether one of these locks stops writes (or reads) on its table."""
    return any(mode.blocks_writes for mode in locks.values())


def volatile_call(expression: Any) -> str | None:
    """The first function in the expression that is not known to be non-volatile."""
    for node in walk(expression):
        if isinstance(node, ast.FuncCall) and func_name(node) not in NON_VOLATILE:
            return func_name(node)
    return None


_SCANNING_COMMANDS = frozenset({_AT.AT_AlterColumnType, _AT.AT_AddIdentity})
_INDEXED = (ConstrType.CONSTR_PRIMARY, ConstrType.CONSTR_UNIQUE, ConstrType.CONSTR_EXCLUSION)


def _constraint_scans(constraint: ast.Constraint) -> bool:
    if constraint.contype in _INDEXED:
        return not constraint.indexname
    checked = (ConstrType.CONSTR_CHECK, ConstrType.CONSTR_FOREIGN)
    return constraint.contype in checked and not constraint.skip_validation


def _column_fills_rows(column: ast.ColumnDef) -> bool:
    if type_name(column.typeName) in SERIAL_TYPES:
        return True
    for constraint in column.constraints or ():
        if constraint.contype == ConstrType.CONSTR_DEFAULT and volatile_call(constraint.raw_expr):
            return True
        if constraint.contype in (ConstrType.CONSTR_IDENTITY, *_INDEXED):
            return True
        if constraint.contype == ConstrType.CONSTR_GENERATED and constraint.generated_kind == "s":
            return True
    return False


def _alter_runs_long(node: ast.AlterTableStmt, proven: Collection[tuple[str, str]]) -> bool:
    if any(alter_commands(node, *_SCANNING_COMMANDS)):
        return True
    table = table_name(node.relation)
    if any((table, c.name) not in proven for c in alter_commands(node, _AT.AT_SetNotNull)):
        return True
    if any(_constraint_scans(c) for c in table_constraints(node)):
        return True
    return any(_column_fills_rows(c) for c in column_defs(node))


def may_run_long(statement: ast.Node, proven: Collection[tuple[str, str]] = ()) -> bool:
    """Whether the statement reads or rewrites the whole table while holding its lock.

    `proven` holds (table, column) pairs a validated CHECK (col IS NOT NULL) covers, for
    which SET NOT NULL skips its scan.
    """
    if isinstance(statement, ast.AlterTableStmt):
        return _alter_runs_long(statement, proven)
    if isinstance(statement, ast.IndexStmt | ast.ReindexStmt | ast.RefreshMatViewStmt):
        return True
    return isinstance(statement, ast.VacuumStmt | ast.ClusterStmt)
