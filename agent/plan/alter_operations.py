"""Operations on tables that already hold rows: each safe under live traffic, each with an inverse.

The recipes are the expand/contract ones: constraints are added `NOT VALID` and
validated separately, `NOT NULL` goes through a validated check, indexes are built
concurrently, renames copy through a sync trigger, destructive steps copy first.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.plan.operations import Operation, Section
from agent.schema.tables import Check, Column, Policy, Unique

__all__ = [
    "AddCheck",
    "AddColumn",
    "AddUnique",
    "AlterColumnType",
    "Backfill",
    "CreateSyncTrigger",
    "DropCheck",
    "DropColumn",
    "DropNotNull",
    "DropSyncTrigger",
    "DropUnique",
    "Nothing",
    "RenameConstraint",
    "RestoreColumn",
    "SetColumnDefault",
    "SetNotNull",
    "Unfill",
    "ValidateConstraint",
]


@dataclass(frozen=True)
class _OnTable(Operation):
    table: str

    @property
    def table_name(self) -> str:
        return self.table


@dataclass(frozen=True)
class AddColumn(_OnTable):
    """Always nullable and without a volatile default: no rewrite, a brief lock."""

    column: Column
    primary_key: tuple[str, ...] = ()
    """Where its values are copied by the inverse (a drop backs up first)."""
    key_type: str = "UUID"

    def reverse(self) -> Operation:
        return DropColumn(self.table, self.column, primary_key=self.primary_key, key_type=self.key_type)


@dataclass(frozen=True)
class DropColumn(_OnTable):
    column: Column
    backup_as: str | None = None
    """The column's values are copied to this table (primary key, value) first."""
    primary_key: tuple[str, ...] = ()
    refill_from: str | None = None
    """A column that holds the same values (a rename's new column): the inverse copies from it."""
    refill_not_null: bool = False
    key_type: str = "UUID"
    destructive = True

    @property
    def reads_rows(self) -> bool:
        return self.backup_as is not None

    def reverse(self) -> Operation:
        return RestoreColumn(self.table, self.column, self.backup_as, self.primary_key,
                             self.refill_from, self.refill_not_null, self.key_type)


@dataclass(frozen=True)
class RestoreColumn(_OnTable):
    """Adds a dropped column back and refills it from its backup table or a sibling column."""

    column: Column
    backup_as: str | None
    primary_key: tuple[str, ...]
    refill_from: str | None = None
    refill_not_null: bool = False
    key_type: str = "UUID"

    @property
    def reads_rows(self) -> bool:
        return bool(self.refill_from or self.backup_as)

    def reverse(self) -> Operation:
        return DropColumn(self.table, self.column, self.backup_as, self.primary_key,
                          self.refill_from, self.refill_not_null, self.key_type)


@dataclass(frozen=True)
class AlterColumnType(_OnTable):
    """A widening, which PostgreSQL does without rewriting the table, or a narrowing, which
    rewrites it.

    PostgreSQL refuses to change the type of a column a policy reads; those `policies` are
    dropped before and created again after, in the same transaction, so no moment lacks them.
    It would also check every row again against the `checks` that read the column, under the
    ACCESS EXCLUSIVE lock, even for a widening: they are dropped and added back in the same
    statement, NOT VALID for a widening (validated later, or right after with `validate_checks`),
    and in the form a fresh build of the new type gives. `undoes_widening`: the narrowing of a
    down migration, which rolling back chooses (its SQL carries a reasoned MA108 ignore)."""

    column: str
    new_type: str
    old_type: str
    policies: tuple[Policy, ...] = ()
    checks: tuple[Check, ...] = ()
    widens: bool = True
    validate_checks: bool = False
    undoes_widening: bool = False

    def reverse(self) -> Operation:
        return AlterColumnType(self.table, self.column, self.old_type, self.new_type, self.policies, self.checks,
                               widens=not self.widens, validate_checks=not self.widens,
                               undoes_widening=self.widens)


@dataclass(frozen=True)
class SetColumnDefault(_OnTable):
    column: str
    default: str | None
    previous: str | None

    def reverse(self) -> Operation:
        return SetColumnDefault(self.table, self.column, self.previous, self.default)


@dataclass(frozen=True)
class SetNotNull(_OnTable):
    """CHECK (col IS NOT NULL) NOT VALID, VALIDATE, SET NOT NULL (uses the check), drop the check."""

    column: str
    check_name: str
    section = Section.CONSTRAINTS

    def reverse(self) -> Operation:
        return DropNotNull(self.table, self.column, self.check_name)


@dataclass(frozen=True)
class DropNotNull(_OnTable):
    column: str
    check_name: str
    section = Section.CONSTRAINTS

    def reverse(self) -> Operation:
        return SetNotNull(self.table, self.column, self.check_name)


@dataclass(frozen=True)
class AddCheck(_OnTable):
    """Added NOT VALID (a brief lock, no scan); `ValidateConstraint` scans later without blocking writes."""

    check: Check
    validate: bool = False
    """Validate right after (in its own statement): for restoring a check that was valid."""
    section = Section.CONSTRAINTS

    def reverse(self) -> Operation:
        return DropCheck(self.table, self.check, self.validate)


@dataclass(frozen=True)
class DropCheck(_OnTable):
    check: Check
    validated: bool = True
    section = Section.CONSTRAINTS

    def reverse(self) -> Operation:
        return AddCheck(self.table, self.check, self.validated)


@dataclass(frozen=True)
class RenameConstraint(_OnTable):
    old_name: str
    new_name: str
    section = Section.CONSTRAINTS

    def reverse(self) -> Operation:
        return RenameConstraint(self.table, self.new_name, self.old_name)


@dataclass(frozen=True)
class ValidateConstraint(_OnTable):
    """SHARE UPDATE EXCLUSIVE: reads and writes go on while it scans. Undone by nothing."""

    name: str
    section = Section.CONSTRAINTS

    def reverse(self) -> Operation:
        return Nothing(self.table)


@dataclass(frozen=True)
class Nothing(_OnTable):
    """The inverse of a step that needs no undoing (a validation, a backfill)."""

    def reverse(self) -> Operation:
        return Nothing(self.table)


@dataclass(frozen=True)
class AddUnique(_OnTable):
    """`CREATE UNIQUE INDEX CONCURRENTLY` then `ADD CONSTRAINT ... USING INDEX`."""

    unique: Unique
    section = Section.CONSTRAINTS

    def reverse(self) -> Operation:
        return DropUnique(self.table, self.unique)


@dataclass(frozen=True)
class DropUnique(_OnTable):
    unique: Unique
    section = Section.CONSTRAINTS

    def reverse(self) -> Operation:
        return AddUnique(self.table, self.unique)


@dataclass(frozen=True)
class CreateSyncTrigger(_OnTable):
    """Keeps an old and a new column equal in both directions while both exist (a rename)."""

    old_column: str
    new_column: str
    section = Section.TRIGGERS

    @property
    def name(self) -> str:
        from agent.schema.names import bounded_name

        return bounded_name(f"{self.table}_sync_{self.old_column}_{self.new_column}")

    def reverse(self) -> Operation:
        return DropSyncTrigger(self.table, self.old_column, self.new_column)


@dataclass(frozen=True)
class DropSyncTrigger(CreateSyncTrigger):
    def reverse(self) -> Operation:
        return CreateSyncTrigger(self.table, self.old_column, self.new_column)


@dataclass(frozen=True)
class Backfill(_OnTable):
    """Fills each column from its expression where it is NULL: one pass in keyset batches over
    the primary key, a commit per batch, resumable (done rows are no longer NULL)."""

    assignments: tuple[tuple[str, str], ...]
    """(column, expression) pairs; the expression may name other columns of the row."""
    key: str
    key_type: str
    batch_size: int = 10_000
    pause_ms: int = 0
    remember: tuple[tuple[str, str], ...] = ()
    """(column, the expression it is filled with) for columns that held values (an existing column
    made required, a renamed column's source): the keys of their NULL rows are copied to
    `backup_as` first, so that the inverse can make those rows NULL again."""
    backup_as: str | None = None
    section = Section.DATA

    @property
    def reads_rows(self) -> bool:
        return True

    def reverse(self) -> Operation:
        return Unfill(self.table, self) if self.remember else Nothing(self.table)


@dataclass(frozen=True)
class Unfill(_OnTable):
    """The inverse of a backfill into columns that held values: the rows its backup lists as
    NULL, and that still hold what the backfill gave them, are made NULL again, range by range of
    the key (a value written since is kept); then the backup is dropped."""

    filled: Backfill
    section = Section.DATA

    @property
    def reads_rows(self) -> bool:
        return True

    def reverse(self) -> Operation:
        return self.filled
