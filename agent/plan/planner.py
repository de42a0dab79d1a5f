"""plan(old, new): the ordered migrations that turn one resolved schema into another.

Creating is diffing from nothing: `plan(Schema(), schema)`. Tables are created
in the order of their foreign keys; a key that closes a reference cycle is left
out of its table and added by a later migration, once both tables exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agent.plan import alter_operations as alter
from agent.plan.diff import PHASES, BackfillSettings, diff_table
from agent.plan.enum_plan import enum_operations
from agent.plan.errors import PlanError
from agent.plan.object_operations import sql_object_operations
from agent.plan.operations import (
    AddForeignKey,
    CreateFunction,
    CreateIndex,
    CreatePolicy,
    CreateTable,
    CreateTrigger,
    DropForeignKey,
    DropFunction,
    DropTable,
    DropTrigger,
    EnableRowLevelSecurity,
    Operation,
    SetComment,
)
from agent.schema.tables import UPDATED_AT_FUNCTION, ForeignKey, Schema, Table

__all__ = ["Migration", "PlanError", "alter_migrations", "creation_order", "plan"]


@dataclass(frozen=True)
class Migration:
    """One migration file pair: a slug for its name, a title, and its operations."""

    slug: str
    title: str
    operations: tuple[Operation, ...]
    purpose: str | None = None
    depends_on: tuple[str, ...] = ()
    """Slugs of migrations of the same plan that must run first."""
    transactional: bool = True
    phase: str = "expand"
    deploy: str = "before-app"
    statement_timeout: str = "60s"

    breaking: tuple[str, ...] = ()

    @property
    def destructive(self) -> bool:
        return any(op.destructive for op in self.operations)

    def reverse_operations(self) -> tuple[Operation, ...]:
        return tuple(op.reverse() for op in reversed(self.operations))


@dataclass
class _Order:
    tables: list[Table] = field(default_factory=list)
    deferred: dict[str, list[ForeignKey]] = field(default_factory=dict)
    """Keys that close a reference cycle: added once every table of the cycle exists."""
    awaiting: dict[str, list[ForeignKey]] = field(default_factory=dict)
    """Keys to a changed table's key that the change itself creates (a table turning tenant-scoped
    gains `UNIQUE (tenant_id, pk)` in its index phase): added after the changes."""

    def later(self, table: str) -> list[ForeignKey]:
        return self.deferred.get(table, []) + self.awaiting.get(table, [])


def plan(
    old: Schema, new: Schema, *, allow_changes: bool = False, allow_destructive: bool = False,
    backfill: BackfillSettings = BackfillSettings(),
) -> list[Migration]:
    """Migrations from `old` to `new`: creates, then each changed table's phases, then drops."""
    old_names = {t.name for t in old.tables}
    new_names = {t.name for t in new.tables}
    changed = sorted(name for name in old_names & new_names if old.table(name) != new.table(name))
    if changed and not allow_changes:
        raise PlanError(f"tables {', '.join(changed)} changed: changes to existing tables are planned by "
                        "`migration-agent diff`")
    dropped = sorted(old_names - new_names)
    if dropped and not allow_destructive:
        raise PlanError(f"tables {', '.join(dropped)} would be dropped: that is destructive; "
                        "rerun with --allow-destructive (the rows are copied to a _backup_ table first)")
    added = [t for t in new.tables if t.name not in old_names]
    order = _creation_order(added, existing=old_names)
    order.awaiting = _keys_awaiting_changes(added, old)
    migrations = [_create_migration(t, order) for t in order.tables]
    migrations += [_cycle_migration(name, keys) for name, keys in sorted(order.deferred.items())]
    phased = _phase_by_phase([alter_migrations(old.table(name), new.table(name),  # type: ignore[arg-type]
                                               allow_destructive, backfill) for name in changed])
    contracts = [m for m in phased if m.phase == "contract"]
    migrations += [m for m in phased if m not in contracts]
    migrations += _removals(contracts, [t for t in old.tables if t.name in dropped], old)
    migrations += [_awaiting_migration(name, keys, phased) for name, keys in sorted(order.awaiting.items())]
    objects_first, objects_after, objects_last = sql_object_operations(old, new)
    migrations = _with_sql_objects(migrations, objects_first, objects_after, objects_last)
    migrations = _with_enum_types(migrations, *enum_operations(old, new, allow_destructive))
    if new.needs_updated_at_function and not old.needs_updated_at_function:
        migrations = _with_function_first(migrations)
    if old.needs_updated_at_function and not new.needs_updated_at_function:
        migrations = _with_function_dropped_last(migrations)
    return migrations


LONG_STATEMENT_TIMEOUT = "6h"
"""For steps that read the whole table while traffic goes on (a backfill, an index build, a
validation): long, but never unbounded."""
_PHASE_SETTINGS = {
    "prepare": dict(transactional=False, phase="expand", statement_timeout=LONG_STATEMENT_TIMEOUT),
    "expand": dict(transactional=True, phase="expand"),
    "backfill": dict(transactional=False, phase="backfill", statement_timeout=LONG_STATEMENT_TIMEOUT),
    "index": dict(transactional=False, phase="expand", statement_timeout=LONG_STATEMENT_TIMEOUT),
    "validate": dict(transactional=False, phase="expand", statement_timeout=LONG_STATEMENT_TIMEOUT),
    "contract": dict(transactional=False, phase="contract", deploy="after-app",
                     statement_timeout=LONG_STATEMENT_TIMEOUT),
}
_PHASE_TITLES = {
    "prepare": "Prepare {table}: drop concurrently the indexes a type change would build again under its lock",
    "expand": "Expand {table}: new columns, sync triggers, checks added NOT VALID",
    "backfill": "Backfill {table} in keyset batches, one commit per batch",
    "index": "Build indexes of {table} concurrently",
    "validate": "Validate the new constraints of {table} and set NOT NULL through checks",
    "contract": "Contract {table}: remove what the application no longer uses",
}


def alter_migrations(old: Table, new: Table, allow_destructive: bool,
                     backfill: BackfillSettings = BackfillSettings()) -> list[Migration]:
    changes = diff_table(old, new, allow_destructive=allow_destructive, backfill=backfill)
    migrations: list[Migration] = []
    # what breaks is told once: with expand, or else with the first migration
    told = "expand" if changes.phases["expand"] else next((p for p in PHASES if changes.phases[p]), "")
    for phase in PHASES:
        operations = changes.phases[phase]
        if phase == "contract":
            operations = sorted(operations, key=_contract_order)
        elif phase == "expand":
            operations = sorted(operations, key=lambda op: op.section)
        if operations:
            migrations.append(Migration(
                slug=f"{phase}_{new.name}", title=_PHASE_TITLES[phase].format(table=new.name),
                operations=tuple(operations), purpose=new.comment,
                depends_on=(migrations[-1].slug,) if migrations else (),
                breaking=tuple(changes.breaking) if phase == told else (),
                **_PHASE_SETTINGS[phase],  # type: ignore[arg-type]
            ))
    return migrations


def _phase_by_phase(per_table: list[list[Migration]]) -> list[Migration]:
    """Every table's expand, then every table's backfill, and so on: a key made same-tenant on one
    table needs the unique its parent gains in the index phase, and is dropped before that unique."""
    rank = {phase: i for i, phase in enumerate(PHASES)}
    flat = [migration for migrations in per_table for migration in migrations]
    return sorted(flat, key=lambda migration: rank[migration.slug.split("_", 1)[0]])


def _table_of(migration: Migration) -> str:
    """The table a phase or drop migration is about (its slug is `phase_table`)."""
    return migration.slug.split("_", 1)[1]


def _removals(contracts: list[Migration], dropped: list[Table], old: Schema) -> list[Migration]:
    """Contracts and drops, each after the removals of the keys that point at what it removes: a
    key goes (with its table's contract or drop) before its parent drops the unique it uses, or
    the parent itself. Where dropped tables reference each other in a cycle, the keys closing it
    go first, in a migration of their own whose inverse adds them back last."""
    order = _Order(tables=list(dropped))
    unlinks: list[Migration] = []
    removed = {_table_of(m): m for m in contracts} | {t.name: None for t in dropped}
    waits = _removal_waits(contracts, dropped, old)
    rank = {table.name: i for i, table in enumerate(reversed(creation_order(list(old.tables))))}
    sequence: list[str] = []
    while len(sequence) < len(removed):
        pending = [name for name in removed if name not in sequence]
        ready = [name for name in pending if not set(waits.get(name, {})) - set(sequence)]
        chosen = min(ready or pending, key=rank.__getitem__)
        if not ready:
            unlinks.append(_unlink(chosen, waits[chosen], set(sequence), removed, order))
        sequence.append(chosen)
    drops = {t.name: _drop_migration(t, order) for t in dropped}
    return unlinks + [removed[name] or drops[name] for name in sequence]


def _removal_waits(contracts: list[Migration], dropped: list[Table], old: Schema,
                   ) -> dict[str, dict[str, list[ForeignKey]]]:
    """For each table a contract or drop removes from, the tables whose removal must come first,
    with the keys (theirs, pointing at it) that make it wait."""
    gone = {t.name for t in dropped}
    contract_of = {_table_of(m): m for m in contracts}
    dropped_keys = {table: {op.foreign_key.name for op in m.operations if isinstance(op, DropForeignKey)}
                    for table, m in contract_of.items()}
    waits: dict[str, dict[str, list[ForeignKey]]] = {}
    for child in old.tables:
        for key in child.foreign_keys:
            parent = key.ref_table
            goes = child.name in gone or key.name in dropped_keys.get(child.name, ())
            needs_it_gone = parent in gone or (parent in contract_of and _takes_away(contract_of[parent], key))
            if parent != child.name and goes and needs_it_gone:
                waits.setdefault(parent, {}).setdefault(child.name, []).append(key)
    return waits


def _takes_away(contract: Migration, key: ForeignKey) -> bool:
    """Whether the parent's contract drops the unique the key uses, or a column it references."""
    referenced = set(key.ref_columns)
    return any((isinstance(op, alter.DropUnique) and set(op.unique.columns) == referenced)
               or (isinstance(op, alter.DropColumn) and op.column.name in referenced) for op in contract.operations)


def _unlink(table: str, waiting_on: dict[str, list[ForeignKey]], done: set[str],
            removed: dict[str, Migration | None], order: _Order) -> Migration:
    """A migration that drops the keys of dropped tables still in place that point at `table`,
    so that it can go; their tables' drops then leave those keys out."""
    blocking = [name for name in sorted(waiting_on) if name not in done]
    changed = [name for name in blocking if removed[name] is not None]
    if changed:
        raise PlanError(f"{table} and {', '.join(changed)} remove keys and the uniques they use from each "
                        "other: split the change in two versions, the keys first")
    linking: list[Operation] = []
    for child in blocking:
        order.deferred.setdefault(child, []).extend(waiting_on[child])
        linking += _keys_migration(child, waiting_on[child], "", "", ()).operations
    return Migration(
        slug=f"unlink_{table}", title=f"Drop the foreign keys to {table} that close a reference cycle",
        operations=tuple(op.reverse() for op in reversed(linking)), phase="contract", deploy="after-app",
        transactional=False, statement_timeout=LONG_STATEMENT_TIMEOUT,
    )


def _contract_order(operation: Operation) -> int:
    """Constraints and indexes on a column go before the column; the sync trigger before either;
    a comment taken off before what it is on; foreign keys before the uniques they may use (a
    table's key to itself); a narrowing after the policies change (tenant_scoped turning off
    drops them here), since it recreates the policies standing then."""
    ranks: tuple[type, ...] = (alter.DropSyncTrigger, SetComment, DropForeignKey)
    for rank, kind in enumerate(ranks):
        if isinstance(operation, kind):
            return rank
    later: tuple[type, ...] = (alter.AlterColumnType, alter.DropColumn)
    return len(ranks) + next((i + 1 for i, kind in enumerate(later) if isinstance(operation, kind)), 0)


def _drop_migration(table: Table, order: _Order) -> Migration:
    """The inverse of the table's creation, so that its down migration builds it again whole:
    indexes, triggers, row-level security, policies and comments (and the rows, from the backup);
    keys that `order` defers were dropped before, and are added back after."""
    created = _create_migration(table, order)
    return Migration(
        slug=f"drop_{table.name}", title=f"Drop {table.name} (its rows are kept in a backup table)",
        operations=created.reverse_operations(), phase="contract", deploy="after-app",
        breaking=(f"table {table.name} is dropped",),
    )


def _creation_order(tables: list[Table], existing: set[str]) -> _Order:
    """Kahn's order by foreign keys, alphabetical among equals; a cycle defers keys."""
    order = _Order()
    created = set(existing)
    pending = {t.name: t for t in tables}
    while pending:
        ready = [t for t in pending.values() if _parents(t) <= created | {t.name}]
        chosen = min(ready or pending.values(), key=lambda t: t.name)
        if not ready:
            later = [fk for fk in chosen.foreign_keys if fk.ref_table not in created | {chosen.name}]
            order.deferred[chosen.name] = later
        order.tables.append(chosen)
        created.add(chosen.name)
        del pending[chosen.name]
    return order


def creation_order(tables: list[Table]) -> list[Table]:
    """Parents before children (alphabetical among equals; a cycle is cut where it closes)."""
    return _creation_order(tables, existing=set()).tables


def _parents(table: Table) -> set[str]:
    return {fk.ref_table for fk in table.foreign_keys}


def _keys_awaiting_changes(added: list[Table], old: Schema) -> dict[str, list[ForeignKey]]:
    found: dict[str, list[ForeignKey]] = {}
    for table in added:
        for fk in table.foreign_keys:
            parent = old.table(fk.ref_table)
            if parent is not None and not _has_key(parent, fk.ref_columns):
                found.setdefault(table.name, []).append(fk)
    return found


def _has_key(table: Table, columns: tuple[str, ...]) -> bool:
    """A primary key or unique constraint on exactly these columns, which a foreign key needs."""
    keys = [table.key_columns, *(u.columns for u in table.uniques)]
    return any(set(key) == set(columns) for key in keys)


def _create_migration(table: Table, order: _Order) -> Migration:
    later = order.later(table.name)
    inline = tuple(fk for fk in table.foreign_keys if fk not in later)
    operations: list[Operation] = [CreateTable(table, inline)]
    operations += [CreateIndex(table.name, index) for index in table.indexes]
    operations += [CreateTrigger(table.name, trigger) for trigger in table.triggers]
    if table.rls_enabled:
        operations.append(EnableRowLevelSecurity(table.name, force=table.rls_forced))
    operations += [CreatePolicy(table.name, policy) for policy in table.policies]
    operations += _comments(table, inline)
    earlier = {t.name for t in order.tables[: order.tables.index(table)]}
    depends = tuple(
        sorted({f"create_{fk.ref_table}" for fk in inline if fk.ref_table in earlier})
    )
    return Migration(
        slug=f"create_{table.name}",
        title=f"Create {table.name} table",
        operations=tuple(operations),
        purpose=table.comment,
        depends_on=depends,
    )


def _comments(table: Table, foreign_keys: tuple[ForeignKey, ...]) -> list[Operation]:
    comments: list[Operation] = []
    if table.comment:
        comments.append(SetComment(table.name, "table", table.name, table.comment))
    comments += [
        SetComment(table.name, "column", c.name, c.comment) for c in table.columns if c.comment
    ]
    comments += _key_comments(table.name, foreign_keys)
    return comments


def _key_comments(table: str, foreign_keys: tuple[ForeignKey, ...]) -> list[Operation]:
    return [SetComment(table, "constraint", fk.name, fk.comment) for fk in foreign_keys if fk.comment]


def _with_sql_objects(migrations: list[Migration], first: list[Operation], after: list[Operation],
                      last: list[Operation]) -> list[Migration]:
    """The project's own SQL objects: what tables need first, what reads the tables after them."""
    found = [Migration(slug="sql_objects", title="Create or change the project's SQL objects (functions, "
                       "sequences, extensions)", operations=tuple(first))] if first else []
    found += migrations
    found += [Migration(slug="sql_objects_on_tables", title="Create the project's SQL objects that read "
                        "tables (triggers, views)", operations=tuple(after))] if after else []
    found += [Migration(slug="drop_sql_objects", title="Drop the project's SQL objects no longer described",
                        operations=tuple(last))] if last else []
    return found


def _with_enum_types(migrations: list[Migration], first: list[Operation], last: list[Operation]) -> list[Migration]:
    """Enum types are made or changed before any table uses them, and dropped after the last one."""
    before = [Migration(slug="enum_types", title="Create or change native enum types",
                        operations=tuple(first))] if first else []
    after = [Migration(slug="drop_enum_types", title="Drop native enum types no table uses",
                       operations=tuple(last))] if last else []
    return before + migrations + after


def _with_function_first(migrations: list[Migration]) -> list[Migration]:
    """The shared trigger function goes into the first migration that needs it."""
    for i, migration in enumerate(migrations):
        creates = [op for op in migration.operations if isinstance(op, CreateTrigger)]
        if creates:
            at = migration.operations.index(creates[0])
            operations = (*migration.operations[:at], CreateFunction(UPDATED_AT_FUNCTION),
                          *migration.operations[at:])
            migrations[i] = Migration(**{**migration.__dict__, "operations": operations})
            break
    return migrations


def _with_function_dropped_last(migrations: list[Migration]) -> list[Migration]:
    """The shared trigger function goes with the migration that removes its last user."""
    for i in range(len(migrations) - 1, -1, -1):
        migration = migrations[i]
        if any(isinstance(op, DropTrigger | DropTable) for op in migration.operations):
            operations = (*migration.operations, DropFunction(UPDATED_AT_FUNCTION))
            migrations[i] = Migration(**{**migration.__dict__, "operations": operations})
            break
    return migrations


def _cycle_migration(table: str, keys: list[ForeignKey]) -> Migration:
    parents = {fk.ref_table for fk in keys} | {table}
    return _keys_migration(table, keys, f"add_{table}_foreign_keys",
                           f"Add the foreign keys of {table} that close a reference cycle",
                           tuple(sorted(f"create_{name}" for name in parents)))


def _awaiting_migration(table: str, keys: list[ForeignKey], phased: list[Migration]) -> Migration:
    parents = {fk.ref_table for fk in keys}
    changes = [m.slug for m in phased if _table_of(m) in parents]
    return _keys_migration(table, keys, f"link_{table}",
                           f"Add the foreign keys of {table} to the keys its parents gained",
                           (f"create_{table}", *changes[-1:]))


def _keys_migration(table: str, keys: list[ForeignKey], slug: str, title: str,
                    depends_on: tuple[str, ...]) -> Migration:
    operations: list[Operation] = [AddForeignKey(table, fk) for fk in keys]
    operations += _key_comments(table, tuple(keys))
    return Migration(
        slug=slug, title=title, operations=tuple(operations), depends_on=depends_on,
        transactional=False,  # ADD ... NOT VALID commits before VALIDATE scans
        statement_timeout=LONG_STATEMENT_TIMEOUT,
    )
