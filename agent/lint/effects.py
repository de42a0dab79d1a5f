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
    ColumnType,
    alter_commands,
    column_defs,
    column_type,
    func_name,
    string_values,
    table_constraints,
    table_name,
    type_name,
    walk,
)
from agent.lint.target import NEWEST_PG_VERSION

__all__ = [
    "CHECK", "INDEX", "LOCKING_STATEMENTS", "Dependents", "DependentsOf", "Locks", "TypeOf", "blocks_writes",
    "filled_foreign_keys", "locks_of", "may_run_long", "rebuilt_by", "rechecked_by", "type_change_rewrites",
    "volatile_call", "written_default",
]

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


_DROPPED_RELATIONS = frozenset({ObjectType.OBJECT_TABLE, ObjectType.OBJECT_MATVIEW, ObjectType.OBJECT_INDEX,
                                ObjectType.OBJECT_VIEW})
# Objects that belong to a table, named (table, name): dropping one locks its table.
_DROPPED_FROM_TABLE = frozenset({ObjectType.OBJECT_POLICY, ObjectType.OBJECT_TRIGGER, ObjectType.OBJECT_RULE})


def _drop(node: ast.DropStmt) -> Locks:
    """An index's lock is named after the index: the context knows which table it is on."""
    names = [parts for parts in map(string_values, node.objects or ()) if parts]
    if node.removeType in _DROPPED_FROM_TABLE:
        return {parts[-2]: LockMode.ACCESS_EXCLUSIVE for parts in names if len(parts) > 1}
    if node.removeType not in _DROPPED_RELATIONS:
        return {}
    mode = LockMode.SHARE_UPDATE_EXCLUSIVE if node.concurrent else LockMode.ACCESS_EXCLUSIVE
    return {parts[-1]: mode for parts in names}


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
    """Renaming an index takes SHARE UPDATE EXCLUSIVE on the index alone (PostgreSQL 12 on)."""
    if node.relation is None:
        return {}
    index = node.renameType == ObjectType.OBJECT_INDEX
    return {table_name(node.relation): LockMode.SHARE_UPDATE_EXCLUSIVE if index else LockMode.ACCESS_EXCLUSIVE}


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


def volatile_call(expression: Any) -> tuple[str, bool] | None:
    """The first function in the expression that may be volatile (computed for every row),
    and whether it is known to be: a built-in one with a volatile form, where False means one
    that is not built in (an extension's or the database's own, whose volatility is unknown here)."""
    from agent.sql.builtin_catalog import IMMUTABLE, STABLE, VOLATILE

    for node in walk(expression):
        if isinstance(node, ast.FuncCall):
            name = func_name(node)
            if name not in IMMUTABLE and name not in STABLE:
                return name, name in VOLATILE
    return None


TypeOf = Callable[[str, str], ColumnType | None]
# Binary-compatible with one another, within limits (varchar(n) -> text or a longer varchar).
_STRINGS = frozenset({"text", "varchar"})


def _no_types(table: str, column: str) -> ColumnType | None:
    return None


CHECK, INDEX = "check", "index"
Dependents = dict[str, tuple[str, frozenset[str]]]
"""What a type change of a column revisits on its table, by name: CHECK constraints (kind CHECK)
and indexes that read it in an expression or a WHERE (kind INDEX), with the columns each reads."""
DependentsOf = Callable[[str], Dependents]


def _no_dependents(table: str) -> Dependents:
    return {}


def type_change_rewrites(column: ast.ColumnDef, old: ColumnType | None) -> bool:
    """Whether ALTER COLUMN ... TYPE rewrites the table: `column` holds the new type (and any
    USING), `old` the column's type when an earlier file defined it."""
    if column.raw_default is not None:  # USING: every row is computed again
        return True
    new = column_type(column.typeName)
    if old is not None:
        return not _widens(old, new)
    return not (new[0] in _STRINGS and not new[1])


def _widens(old: ColumnType, new: ColumnType) -> bool:
    """Binary-compatible changes PostgreSQL makes in the catalog only, without touching rows."""
    (old_name, old_mods), (new_name, new_mods) = old, new
    if old_name in _STRINGS and new_name in _STRINGS:
        return not new_mods or (bool(old_mods) and new_mods[0] >= old_mods[0] and new_name == "varchar")
    if old_name == new_name == "numeric":
        same_scale = old_mods[1:] == new_mods[1:]
        return not new_mods or (bool(old_mods) and same_scale and new_mods[0] >= old_mods[0])
    return old == new


_INDEXED = (ConstrType.CONSTR_PRIMARY, ConstrType.CONSTR_UNIQUE, ConstrType.CONSTR_EXCLUSION)


def _constraint_scans(constraint: ast.Constraint) -> bool:
    if constraint.contype in _INDEXED:
        return not constraint.indexname
    checked = (ConstrType.CONSTR_CHECK, ConstrType.CONSTR_FOREIGN)
    return constraint.contype in checked and not constraint.skip_validation


def _fills_rows(column: ast.ColumnDef) -> bool:
    """Whether the new column has a value in every existing row (a non-NULL default, a serial)."""
    if type_name(column.typeName) in SERIAL_TYPES:
        return True
    return any(c.contype in (ConstrType.CONSTR_DEFAULT, ConstrType.CONSTR_IDENTITY)
               and not getattr(c.raw_expr, "isnull", False) for c in column.constraints or ())


def filled_foreign_keys(column: ast.ColumnDef) -> list[ast.Constraint]:
    """The REFERENCES of a column added with a value in every row: each row is looked up in the
    referenced table inside the ALTER TABLE (a column constraint cannot be NOT VALID)."""
    if not _fills_rows(column):
        return []
    return [c for c in column.constraints or () if c.contype == ConstrType.CONSTR_FOREIGN]


# The first version that stores a constant default once instead of writing it into every row
FAST_DEFAULTS = 11


def written_default(constraint: ast.Constraint, pg_version: int) -> bool:
    """Whether a DEFAULT of an added column is written into every existing row: a volatile
    one, or before 11 any that is not NULL."""
    if volatile_call(constraint.raw_expr):
        return True
    value = getattr(constraint.raw_expr, "isnull", False)
    return pg_version < FAST_DEFAULTS and not value


def _column_scans(column: ast.ColumnDef, pg_version: int) -> bool:
    """Whether adding the column fills every row or checks every row."""
    if type_name(column.typeName) in SERIAL_TYPES or filled_foreign_keys(column):
        return True
    for constraint in column.constraints or ():
        if constraint.contype == ConstrType.CONSTR_DEFAULT and written_default(constraint, pg_version):
            return True
        if constraint.contype in (ConstrType.CONSTR_IDENTITY, ConstrType.CONSTR_CHECK, *_INDEXED):
            return True
        if constraint.contype == ConstrType.CONSTR_GENERATED and constraint.generated_kind == "s":
            return True
    return False


def rechecked_by(node: ast.Node, column: str, dependents: Dependents) -> list[str]:
    """The table's CHECK constraints that read `column` and that the statement does not drop:
    PostgreSQL checks every row against them again when the column's type changes, even when
    it rewrites nothing."""
    dropped = {command.name for command in alter_commands(node, _AT.AT_DropConstraint)}
    return sorted(name for name, (kind, columns) in dependents.items()
                  if kind == CHECK and column in columns and name not in dropped)


def rebuilt_by(column: str, dependents: Dependents) -> list[str]:
    """The table's indexes that read `column` in an expression or a WHERE: PostgreSQL builds them
    again when the column's type changes, even when it rewrites nothing (an index on the plain
    column is kept when the new type sorts the same)."""
    return sorted(name for name, (kind, columns) in dependents.items() if kind == INDEX and column in columns)


def _alter_runs_long(node: ast.AlterTableStmt, proven: Collection[tuple[str, str]], type_of: TypeOf,
                     dependents_of: DependentsOf, pg_version: int) -> bool:
    table = table_name(node.relation)
    for command in alter_commands(node, _AT.AT_AlterColumnType):
        column = command.def_
        if isinstance(column, ast.ColumnDef) and type_change_rewrites(column, type_of(table, command.name or "")):
            return True
        dependents = dependents_of(table)
        if rechecked_by(node, command.name or "", dependents) or rebuilt_by(command.name or "", dependents):
            return True
    if any((table, c.name) not in proven for c in alter_commands(node, _AT.AT_SetNotNull)):
        return True
    if any(_constraint_scans(c) for c in table_constraints(node)):
        return True
    return any(_column_scans(c, pg_version) for c in column_defs(node))


def may_run_long(statement: ast.Node, proven: Collection[tuple[str, str]] = (),
                 type_of: TypeOf = _no_types, dependents_of: DependentsOf = _no_dependents,
                 pg_version: int = NEWEST_PG_VERSION) -> bool:
    """Whether the statement reads or rewrites the whole table while holding its lock.

    `proven` holds (table, column) pairs a validated CHECK (col IS NOT NULL) covers, for
    which SET NOT NULL skips its scan; `type_of` gives a column's type as earlier files left
    it, which decides whether a type change rewrites; `dependents_of` a table's CHECK constraints
    and expression or partial indexes known so far, which a type change revisits row by row.
    """
    if isinstance(statement, ast.AlterTableStmt):
        return _alter_runs_long(statement, proven, type_of, dependents_of, pg_version)
    if isinstance(statement, ast.IndexStmt | ast.ReindexStmt | ast.RefreshMatViewStmt):
        return True
    return isinstance(statement, ast.VacuumStmt | ast.ClusterStmt)
