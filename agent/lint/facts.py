"""What a whole file does, gathered once before the rules run.

Some checks are about the file, not one statement: a tenant table needs ENABLE and FORCE
row-level security and a policy *somewhere* in the same migration, a foreign key needs
an index on its columns somewhere in it, an open BEGIN needs a COMMIT later on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pglast import ast
from pglast.enums import AlterTableType, ConstrType, TransactionStmtKind

from agent.lint.nodes import TABLE_DEFINITIONS, alter_commands, column_defs, string_values, table_name
from agent.lint.source import SourceFile

__all__ = ["TENANT_COLUMN", "FileFacts", "gather_facts", "index_columns", "key_indexes"]

TENANT_COLUMN = "tenant_id"
_AT = AlterTableType
_KEY_TYPES = (ConstrType.CONSTR_PRIMARY, ConstrType.CONSTR_UNIQUE)
_TK = TransactionStmtKind
_BLOCK_KINDS = frozenset({_TK.TRANS_STMT_BEGIN, _TK.TRANS_STMT_START, _TK.TRANS_STMT_COMMIT,
                          _TK.TRANS_STMT_ROLLBACK})


@dataclass(slots=True)
class FileFacts:
    created: dict[str, int] = field(default_factory=dict)
    tenant_tables: set[str] = field(default_factory=set)
    rls_enabled: set[str] = field(default_factory=set)
    rls_forced: set[str] = field(default_factory=set)
    policies: set[str] = field(default_factory=set)
    indexes: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    index_tables: dict[str, str] = field(default_factory=dict)
    transaction_control: bool = False


def index_columns(node: ast.IndexStmt) -> tuple[str, ...]:
    """The plain columns an index leads with, up to its first expression; none for a partial
    index, which holds only the rows its WHERE selects (a foreign key's lookups need all)."""
    if node.whereClause is not None:
        return ()
    columns: list[str] = []
    for element in node.indexParams or ():
        if not isinstance(element, ast.IndexElem) or not element.name:
            break
        columns.append(element.name)
    return tuple(columns)


def key_indexes(statement: ast.Node) -> list[tuple[str, tuple[str, ...]]]:
    """Indexes made by PRIMARY KEY / UNIQUE constraints of CREATE or ALTER TABLE."""
    if isinstance(statement, ast.CreateStmt):
        items: Iterable[object] = statement.tableElts or ()
    elif isinstance(statement, ast.AlterTableStmt):
        items = [c.def_ for c in alter_commands(statement, _AT.AT_AddConstraint, _AT.AT_AddColumn)]
    else:
        return []
    table = table_name(statement.relation)
    found = []
    for item in items:
        if isinstance(item, ast.Constraint):
            if item.contype in _KEY_TYPES:
                found.append((table, tuple(string_values(item.keys))))
        elif isinstance(item, ast.ColumnDef) and any(c.contype in _KEY_TYPES for c in item.constraints or ()):
            found.append((table, (str(item.colname),)))
    return found


def _row_security(facts: FileFacts, node: ast.AlterTableStmt) -> None:
    table = table_name(node.relation)
    if any(alter_commands(node, _AT.AT_EnableRowSecurity)):
        facts.rls_enabled.add(table)
    if any(alter_commands(node, _AT.AT_ForceRowSecurity)):
        facts.rls_forced.add(table)


def _note(facts: FileFacts, index: int, node: ast.Node) -> None:
    if isinstance(node, ast.CreateStmt):
        facts.created.setdefault(table_name(node.relation), index)
    elif isinstance(node, ast.CreateTableAsStmt) and node.into is not None:
        facts.created.setdefault(table_name(node.into.rel), index)
    elif isinstance(node, ast.AlterTableStmt):
        _row_security(facts, node)
    elif isinstance(node, ast.CreatePolicyStmt):
        facts.policies.add(table_name(node.table))
    elif isinstance(node, ast.IndexStmt):
        facts.indexes.append((table_name(node.relation), index_columns(node)))
        if node.idxname:
            facts.index_tables[node.idxname] = table_name(node.relation)
    elif isinstance(node, ast.TransactionStmt) and node.kind in _BLOCK_KINDS:
        facts.transaction_control = True
    if isinstance(node, TABLE_DEFINITIONS):  # the statements with columns and key constraints
        if any(c.colname == TENANT_COLUMN for c in column_defs(node)):
            facts.tenant_tables.add(table_name(getattr(node, "relation", None)))
        facts.indexes.extend(key_indexes(node))


def gather_facts(source: SourceFile) -> FileFacts:
    facts = FileFacts()
    for statement in source.statements:
        _note(facts, statement.index, statement.node)
    return facts
