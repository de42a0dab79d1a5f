"""What earlier migrations of the same run left behind, for checks that span files.

`migration-agent lint a.sql b.sql ...` reads the files in the order given. After each
forward (not down) file, the indexes it created and dropped are folded into a `Catalog`
that later files see: a foreign key added by `b.sql` is covered by an index `a.sql`
built. Indexes and column types are carried over (a type change is judged against the
column's known type); "this table is new, so it is empty" never is, because earlier
migrations may have been deployed long ago.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pglast import ast
from pglast.enums import AlterTableType, ObjectType

from agent.lint.facts import index_columns, key_indexes
from agent.lint.nodes import alter_commands, column_type, string_values, table_name
from agent.lint.source import SourceFile

__all__ = ["Catalog", "ColumnType"]


Index = tuple[str, tuple[str, ...]]
ColumnType = tuple[str, tuple[int, ...]]
"""A type's last name part and its modifiers: ("varchar", (80,)), ("numeric", (12, 2))."""


@dataclass(slots=True)
class Catalog:
    # (table, leading columns) per index; named ones also by name so DROP INDEX removes them
    indexes: list[Index] = field(default_factory=list)
    named: dict[str, Index] = field(default_factory=dict)
    # the leading columns of `indexes`, per table (a run folds in thousands of indexes)
    _columns: dict[str, list[tuple[str, ...]]] = field(default_factory=dict, repr=False)
    types: dict[tuple[str, str], ColumnType] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for table, columns in self.indexes:
            self._columns.setdefault(table, []).append(columns)

    def copy(self) -> Catalog:
        return Catalog(list(self.indexes), dict(self.named), types=dict(self.types))

    def columns_of(self, table: str) -> list[tuple[str, ...]]:
        """The leading columns of every index on `table`."""
        return self._columns.get(table, [])

    def _add(self, entry: Index) -> None:
        self.indexes.append(entry)
        self._columns.setdefault(entry[0], []).append(entry[1])

    def fold(self, source: SourceFile) -> None:
        """Apply a forward migration's index changes, statement by statement."""
        for statement in source.statements:
            node = statement.node
            if isinstance(node, ast.IndexStmt):
                entry = (table_name(node.relation), index_columns(node))
                self._add(entry)
                if node.idxname:
                    self.named[node.idxname] = entry
            elif isinstance(node, ast.DropStmt):
                self._drop(node)
            elif isinstance(node, ast.CreateStmt):
                self._create(node)
            elif isinstance(node, ast.AlterTableStmt):
                self._alter(node)
            for entry in key_indexes(node):
                self._add(entry)

    def _create(self, node: ast.CreateStmt) -> None:
        table = table_name(node.relation)
        for element in node.tableElts or ():
            if isinstance(element, ast.ColumnDef) and element.colname:
                self.types[(table, element.colname)] = column_type(element.typeName)

    def _alter(self, node: ast.AlterTableStmt) -> None:
        table = table_name(node.relation)
        for command in alter_commands(node):
            column = command.def_
            if command.subtype == AlterTableType.AT_AddColumn and isinstance(column, ast.ColumnDef):
                self.types[(table, column.colname or "")] = column_type(column.typeName)
            elif command.subtype == AlterTableType.AT_AlterColumnType and isinstance(column, ast.ColumnDef):
                self.types[(table, command.name or "")] = column_type(column.typeName)
            elif command.subtype == AlterTableType.AT_DropColumn:
                self.types.pop((table, command.name or ""), None)

    def _drop(self, node: ast.DropStmt) -> None:
        names = [parts[-1] for parts in map(string_values, node.objects or ()) if parts]
        if node.removeType == ObjectType.OBJECT_INDEX:
            for name in names:
                entry = self.named.pop(name, None)
                if entry is not None and entry in self.indexes:
                    self.indexes.remove(entry)
                    self._columns[entry[0]].remove(entry[1])
        elif node.removeType == ObjectType.OBJECT_TABLE:
            gone = set(names)
            if not gone.isdisjoint(self._columns):  # else no index is on a dropped table
                self.indexes = [e for e in self.indexes if e[0] not in gone]
                self.named = {k: e for k, e in self.named.items() if e[0] not in gone}
            for table in gone:
                self._columns.pop(table, None)
            self.types = {key: kind for key, kind in self.types.items() if key[0] not in gone}
