"""What earlier migrations of the same run left behind, for checks that span files.

`migration-agent lint a.sql b.sql ...` reads the files in the order given. After each
forward (not down) file, the indexes it created and dropped are folded into a `Catalog`
that later files see: a foreign key added by `b.sql` is covered by an index `a.sql`
built. Indexes and column types are carried over (a type change is judged against the
column's known type); "this table is new, so it is empty" never is, because earlier
migrations may have been deployed long ago.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pglast import ast
from pglast.enums import AlterTableType, ConstrType, ObjectType

from agent.lint.effects import CHECK, INDEX, Dependents
from agent.lint.enum_types import ENUM_STATEMENTS, EnumTypes, fold_enum
from agent.lint.facts import index_columns, key_indexes
from agent.lint.nodes import ColumnType, alter_commands, column_type, referenced_columns, string_values, table_name
from agent.lint.source import SourceFile
from agent.lint.target import Target

__all__ = ["Catalog", "ColumnType", "fold_dependents", "fold_forced_rls", "index_table"]


Index = tuple[str, tuple[str, ...]]


@dataclass(slots=True)
class Catalog:
    """Indexes and column types per table, so that dropping a table touches only its own
    entries (a run folds in thousands of indexes and columns)."""

    # the leading columns of every index on a table, in the order they were built
    _indexes: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    # named indexes also by name, so DROP INDEX removes them
    named: dict[str, Index] = field(default_factory=dict)
    # the names given to indexes on a table (some may since name an index elsewhere)
    _names: dict[str, list[str]] = field(default_factory=dict)
    # column name -> type, per table
    _types: dict[str, dict[str, ColumnType]] = field(default_factory=dict)
    # tables with FORCE ROW LEVEL SECURITY
    forced_rls: set[str] = field(default_factory=set)
    # per table, what a type change revisits: CHECK constraints, expression and partial indexes
    _dependents: dict[str, Dependents] = field(default_factory=dict)
    # (table, name) of each UNIQUE constraint, which running code may name (ON CONFLICT ON CONSTRAINT)
    unique_constraints: set[tuple[str, str]] = field(default_factory=set)
    # the database the run is for: its version, its small tables (not changed by files)
    target: Target = field(default_factory=Target)
    # native enum types and their labels in order
    enums: EnumTypes = field(default_factory=dict)

    def copy(self) -> Catalog:
        return Catalog({t: list(c) for t, c in self._indexes.items()}, dict(self.named),
                       {t: list(n) for t, n in self._names.items()},
                       {t: dict(c) for t, c in self._types.items()}, set(self.forced_rls),
                       {t: dict(c) for t, c in self._dependents.items()}, set(self.unique_constraints),
                       self.target, dict(self.enums))

    def dependents_of(self, table: str) -> Dependents:
        """The table's dependents as the earlier files left them (do not change it)."""
        return self._dependents.get(table, {})

    def index_owner(self, name: str) -> str | None:
        """The table of an expression or partial index, by its name."""
        known = self.named.get(name)
        return known[0] if known is not None else index_table(self._dependents, name)

    def _dependents_to_change(self, table: str) -> Dependents:
        return self._dependents.setdefault(table, {})

    def columns_of(self, table: str) -> list[tuple[str, ...]]:
        """The leading columns of every index on `table`."""
        return self._indexes.get(table, [])

    def type_of(self, table: str, column: str) -> ColumnType | None:
        """The column's type as the earlier files left it, if they defined it."""
        columns = self._types.get(table)
        return columns.get(column) if columns is not None else None

    def _add(self, entry: Index) -> None:
        self._indexes.setdefault(entry[0], []).append(entry[1])

    def _set_type(self, table: str, column: str, kind: ColumnType) -> None:
        self._types.setdefault(table, {})[column] = kind

    def fold(self, source: SourceFile) -> None:
        """Apply a forward migration's index changes, statement by statement."""
        for statement in source.statements:
            node = statement.node
            if isinstance(node, ast.IndexStmt):
                entry = (table_name(node.relation), index_columns(node))
                self._add(entry)
                if node.idxname:
                    self.named[node.idxname] = entry
                    self._names.setdefault(entry[0], []).append(node.idxname)
                fold_dependents(self._dependents_to_change, self.index_owner, node)
            elif isinstance(node, ast.DropStmt):
                fold_dependents(self._dependents_to_change, self.index_owner, node)
                self._drop(node)
            elif isinstance(node, ast.CreateStmt):
                self._create(node)
                fold_dependents(self._dependents_to_change, self.index_owner, node)
            elif isinstance(node, ast.AlterTableStmt):
                self._alter(node)
                self._fold_unique(table_name(node.relation), [c.def_ for c in alter_commands(node)],
                                  [str(c.name) for c in alter_commands(node, AlterTableType.AT_DropConstraint)])
                fold_forced_rls(self.forced_rls, node)
                fold_dependents(self._dependents_to_change, self.index_owner, node)
            elif isinstance(node, ast.RenameStmt) and node.renameType == ObjectType.OBJECT_TABCONSTRAINT:
                self._rename_unique(table_name(node.relation), str(node.subname), str(node.newname))
            if isinstance(node, ENUM_STATEMENTS):
                fold_enum(self.enums, node)
            for entry in key_indexes(node):
                self._add(entry)

    def _fold_unique(self, table: str, items: list[object], dropped: list[str]) -> None:
        self.unique_constraints.difference_update((table, name) for name in dropped)
        self.unique_constraints.update(
            (table, str(item.conname)) for item in items
            if isinstance(item, ast.Constraint) and item.contype == ConstrType.CONSTR_UNIQUE and item.conname)

    def _rename_unique(self, table: str, old: str, new: str) -> None:
        if (table, old) in self.unique_constraints:
            self.unique_constraints.discard((table, old))
            self.unique_constraints.add((table, new))

    def _create(self, node: ast.CreateStmt) -> None:
        table = table_name(node.relation)
        self._fold_unique(table, list(node.tableElts or ()), [])
        for element in node.tableElts or ():
            if isinstance(element, ast.ColumnDef) and element.colname:
                self._set_type(table, element.colname, column_type(element.typeName))

    def _alter(self, node: ast.AlterTableStmt) -> None:
        table = table_name(node.relation)
        for command in alter_commands(node):
            column = command.def_
            if command.subtype == AlterTableType.AT_AddColumn and isinstance(column, ast.ColumnDef):
                self._set_type(table, column.colname or "", column_type(column.typeName))
            elif command.subtype == AlterTableType.AT_AlterColumnType and isinstance(column, ast.ColumnDef):
                self._set_type(table, command.name or "", column_type(column.typeName))
            elif command.subtype == AlterTableType.AT_DropColumn:
                self._types.get(table, {}).pop(command.name or "", None)

    def _drop(self, node: ast.DropStmt) -> None:
        names = [parts[-1] for parts in map(string_values, node.objects or ()) if parts]
        if node.removeType == ObjectType.OBJECT_INDEX:
            for name in names:
                entry = self.named.pop(name, None)
                on_table = self._indexes.get(entry[0]) if entry is not None else None
                if entry is not None and on_table is not None and entry[1] in on_table:
                    on_table.remove(entry[1])
        elif node.removeType == ObjectType.OBJECT_TABLE:
            gone = set(names)
            for table in gone:
                for name in self._names.pop(table, ()):
                    entry = self.named.get(name)
                    if entry is not None and entry[0] in gone:
                        del self.named[name]
                self._indexes.pop(table, None)
                self._types.pop(table, None)
                self._dependents.pop(table, None)
                self.forced_rls.discard(table)
                self.unique_constraints = {u for u in self.unique_constraints if u[0] != table}


def fold_forced_rls(forced: set[str], node: ast.AlterTableStmt) -> None:
    """Add or remove the table as ALTER TABLE ... [NO] FORCE ROW LEVEL SECURITY says."""
    for command in alter_commands(node, AlterTableType.AT_ForceRowSecurity,
                                  AlterTableType.AT_NoForceRowSecurity):
        table = table_name(node.relation)
        if command.subtype == AlterTableType.AT_ForceRowSecurity:
            forced.add(table)
        else:
            forced.discard(table)


_AT = AlterTableType


def fold_dependents(dependents_of: Callable[[str], Dependents], index_owner: Callable[[str], str | None],
                    node: ast.Node) -> None:
    """Apply a statement to `dependents_of(table)`: CHECK constraints of CREATE and ALTER TABLE
    (named as PostgreSQL names them when the statement does not) and indexes that read a column
    in an expression or a WHERE are added; they go with DROP CONSTRAINT or DROP INDEX by name, or
    with a column they read. `dependents_of` is only asked for a table whose dependents change."""
    if isinstance(node, ast.AlterTableStmt):
        table = table_name(node.relation)
        for command in node.cmds or ():
            kind = command.subtype
            if kind == _AT.AT_DropConstraint or kind == _AT.AT_DropColumn:
                _drop_dependents(dependents_of(table), kind, command.name or "")
            elif kind == _AT.AT_AddConstraint or kind == _AT.AT_AddColumn:
                _add_checks(dependents_of, table, command.def_)
    elif isinstance(node, ast.CreateStmt):
        table = table_name(node.relation)
        for element in node.tableElts or ():
            _add_checks(dependents_of, table, element)
    elif isinstance(node, ast.IndexStmt):
        read = _index_expression_columns(node)
        if read:
            table = table_name(node.relation)
            dependents_of(table)[node.idxname or _index_name(table, node)] = (INDEX, read)
    elif isinstance(node, ast.DropStmt) and node.removeType == ObjectType.OBJECT_INDEX:
        for name in (parts[-1] for parts in map(string_values, node.objects or ()) if parts):
            owner = index_owner(name)
            if owner is not None:
                dependents_of(owner).pop(name, None)


def index_table(dependents: dict[str, Dependents], name: str) -> str | None:
    """Which of these tables has an expression or partial index of this name."""
    return next((t for t, found in dependents.items() if found.get(name, ("",))[0] == INDEX), None)


def _index_expression_columns(node: ast.IndexStmt) -> frozenset[str]:
    """The columns an index reads in its expressions and its WHERE (not as plain key columns)."""
    expressions = [e.expr for e in node.indexParams or () if isinstance(e, ast.IndexElem) and e.expr is not None]
    if not expressions and node.whereClause is None:
        return frozenset()
    return referenced_columns((expressions, node.whereClause))


def _index_name(table: str, node: ast.IndexStmt) -> str:
    """PostgreSQL's name for an unnamed index: `table_column_idx`, or `table_expr_idx`."""
    first = next(iter(node.indexParams or ()), None)
    column = first.name if isinstance(first, ast.IndexElem) and first.name else "expr"
    return f"{table}_{column}_idx"


def _add_checks(dependents_of: Callable[[str], Dependents], table: str, definition: object) -> None:
    if isinstance(definition, ast.ColumnDef):
        for constraint in definition.constraints or ():
            if constraint.contype == ConstrType.CONSTR_CHECK:
                column = str(definition.colname)
                dependents_of(table)[constraint.conname or _check_name(table, [column])] = (
                    CHECK, referenced_columns(constraint.raw_expr) | {column})
    elif isinstance(definition, ast.Constraint) and definition.contype == ConstrType.CONSTR_CHECK:
        columns = referenced_columns(definition.raw_expr)
        dependents_of(table)[definition.conname or _check_name(table, sorted(columns))] = (CHECK, columns)


def _drop_dependents(dependents: Dependents, kind: AlterTableType, name: str) -> None:
    """DROP CONSTRAINT takes a check by name; DROP COLUMN every check and index that reads it."""
    if kind == _AT.AT_DropConstraint:
        if dependents.get(name, ("",))[0] == CHECK:
            del dependents[name]
        return
    for dependent in [n for n, (_, columns) in dependents.items() if name in columns]:
        del dependents[dependent]


def _check_name(table: str, columns: list[str]) -> str:
    return f"{table}_{columns[0]}_check" if columns else f"{table}_check"
