"""What earlier migrations of the same run left behind, for checks that span files.

`migration-agent lint a.sql b.sql ...` reads the files in the order given. After each
forward (not down) file, the indexes it created and dropped are folded into a `Catalog`
that later files see: a foreign key added by `b.sql` is covered by an index `a.sql`
built. Only indexes are carried over; "this table is new, so it is empty" never is,
because earlier migrations may have been deployed long ago.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pglast import ast
from pglast.enums import ObjectType

from agent.lint.facts import index_columns, key_indexes
from agent.lint.nodes import string_values, table_name
from agent.lint.source import SourceFile

__all__ = ["Catalog"]


@dataclass(slots=True)
class Catalog:
    # (table, leading columns) per index; named ones also by name so DROP INDEX removes them
    indexes: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    named: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)

    def fold(self, source: SourceFile) -> None:
        """Apply a forward migration's index changes, statement by statement."""
        for statement in source.statements:
            node = statement.node
            if isinstance(node, ast.IndexStmt):
                entry = (table_name(node.relation), index_columns(node))
                self.indexes.append(entry)
                if node.idxname:
                    self.named[node.idxname] = entry
            elif isinstance(node, ast.DropStmt):
                self._drop(node)
            self.indexes.extend(key_indexes(node))

    def _drop(self, node: ast.DropStmt) -> None:
        names = [parts[-1] for parts in map(string_values, node.objects or ()) if parts]
        if node.removeType == ObjectType.OBJECT_INDEX:
            for name in names:
                entry = self.named.pop(name, None)
                if entry in self.indexes:
                    self.indexes.remove(entry)
        elif node.removeType == ObjectType.OBJECT_TABLE:
            gone = set(names)
            self.indexes = [e for e in self.indexes if e[0] not in gone]
            self.named = {k: e for k, e in self.named.items() if e[0] not in gone}
