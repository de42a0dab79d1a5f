"""Step: deleting a parent row does what each foreign key's `on_delete` promises.

For every key: a fresh parent row and a child pointing at it (copies of sample rows),
then `DELETE` of the parent, all in a savepoint that is rolled back.
"""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from agent.schema.literals import quote_ident
from agent.schema.tables import ForeignKey, Schema, Table
from agent.verify.context import TENANT_A, VerifyContext
from agent.verify.parallel import per_item
from agent.verify.report import Finding
from agent.verify.row_key import row_key_columns, row_key_sql
from agent.verify.rows import clone, referenced_values, unique_overrides

__all__ = ["run"]


class _Observed(Exception):
    """Carries what happened out of the savepoint, which is then rolled back."""

    def __init__(self, outcome: str) -> None:
        self.outcome = outcome


async def _observe(connection: asyncpg.Connection, child: Table, parent: Table, key: ForeignKey,
                   child_key: Any, parent_key: Any, schema: Schema, trigger_filled: set[str]) -> str:
    tenant_column = schema.tenant_column
    column = next(c for c in key.columns if c != tenant_column)
    changes = {**await unique_overrides(connection, child, tenant_column, schema=schema), column: None}
    if child.name == parent.name:
        changes.pop(column)
    parent_overrides = await unique_overrides(connection, parent, tenant_column, schema=schema, new_parents=False)
    new_parent = await clone(connection, parent, parent_key, parent_overrides)
    pointing = await referenced_values(connection, parent, key, new_parent, tenant_column) or {}
    new_child = await clone(connection, child, child_key, {**changes, **pointing},
                            over_a_triggers_row=child.name in trigger_filled)
    if not row_key_columns(child):
        return await _without_a_key(connection, child, parent, key, new_parent, pointing)
    try:
        await _delete(connection, parent, new_parent)
    except _Refused:
        return "refused"
    row = await connection.fetchrow(f"SELECT * FROM {quote_ident(child.name)} AS t "
                                    f"WHERE {row_key_sql(child, 't')} = $1", new_child)
    if row is None:
        return "deleted the child"
    if row[column] is None:
        return "nulled the reference" + ("" if tenant_column not in row or row[tenant_column] else " and the tenant")
    return f"left the reference as {row[column]}"


class _Refused(Exception):
    """The delete was refused by the key (NO ACTION, RESTRICT)."""


async def _delete(connection: asyncpg.Connection, parent: Table, parent_key: Any) -> None:
    try:
        await connection.execute(
            f"DELETE FROM {quote_ident(parent.name)} AS t WHERE {row_key_sql(parent, 't')} = $1", parent_key)
    except asyncpg.IntegrityConstraintViolationError as error:
        if error.sqlstate in ("23503", "23001"):
            raise _Refused from None
        raise


async def _without_a_key(connection: asyncpg.Connection, child: Table, parent: Table, key: ForeignKey,
                         parent_key: Any, pointing: dict[str, Any]) -> str:
    """Rows of a table without a key cannot be told apart, so they are counted: the copy is the one
    row pointing at the new parent (nothing else does); after the delete it still does, or the
    rows whose key columns are NULL are one more, or it is gone."""
    own = [c for c in key.columns if c in pointing]
    at_parent = " AND ".join(f"t.{quote_ident(c)}::text = ${n}" for n, c in enumerate(own, 1))
    nulled = " AND ".join(f"t.{quote_ident(c)} IS NULL" for c in own)
    counts = (f"SELECT count(*) FILTER (WHERE {at_parent}), count(*) FILTER (WHERE {nulled}) "
              f"FROM {quote_ident(child.name)} AS t")
    values = [pointing[c] for c in own]
    _, nulls_before = await connection.fetchrow(counts, *values)
    try:
        await _delete(connection, parent, parent_key)
    except _Refused:
        return "refused"
    still, nulls_after = await connection.fetchrow(counts, *values)
    if still:
        return f"left the reference as {', '.join(str(v) for v in values)}"
    return "nulled the reference" if nulls_after == nulls_before + 1 else "deleted the child"


_EXPECTED = {
    "CASCADE": "deleted the child",
    "RESTRICT": "refused",
    "NO ACTION": "refused",
    "SET NULL": "nulled the reference",
}


async def _key(context: VerifyContext, connection: asyncpg.Connection, child: Table, key: ForeignKey) -> Finding:
    parent = context.schema.table(key.ref_table)
    tenant = uuid.UUID(TENANT_A) if child.tenant_scoped else None
    sample = context.sample
    child_key = sample.some_key(child.name, tenant)
    parent_tenant = (tenant or uuid.UUID(TENANT_A)) if parent and parent.tenant_scoped else None
    parent_key = sample.some_key(key.ref_table, parent_tenant)
    if parent is None or child_key is None or parent_key is None:
        return Finding(check="delete", table=child.name, passed=False, message=f"{key.name}: no sample rows to try")
    transaction = connection.transaction()
    await transaction.start()
    try:
        await connection.execute("SET CONSTRAINTS ALL IMMEDIATE")  # a deferred key answers now, not at a commit
        outcome = await _observe(connection, child, parent, key, child_key, parent_key, context.schema,
                                 sample.trigger_filled)
    finally:
        await transaction.rollback()
    expected = _EXPECTED.get(key.on_delete, "left the reference as")
    passed = outcome.startswith(expected) if key.on_delete != "SET DEFAULT" else outcome.startswith("left")
    return Finding(check="delete", table=child.name, passed=passed,
                   message=f"{key.name}: deleting a {key.ref_table} row {outcome}; the YAML promises "
                           f"ON DELETE {key.on_delete}")


async def run(context: VerifyContext) -> list[Finding]:
    async def probe(connection: asyncpg.Connection, item: tuple[Table, ForeignKey]) -> list[Finding]:
        table, key = item
        try:
            return [await _key(context, connection, table, key)]
        except asyncpg.PostgresError as error:
            return [Finding(check="delete", table=table.name, passed=False,
                            message=f"{key.name}: the check stopped: {error}")]
    keys = [(table, key) for table in context.schema.tables for key in table.foreign_keys]
    return await per_item(context, keys, probe)
