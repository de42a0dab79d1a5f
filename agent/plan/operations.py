"""Operations: plain data objects that know their inverse.

A down migration is the reversed list of reversed operations, never a second
hand-written path. Rendering to SQL lives in `agent.sql`; nothing here knows SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from agent.schema.tables import ForeignKey, Index, Policy, Table, Trigger

__all__ = [
    "AddForeignKey",
    "CreateFunction",
    "CreateIndex",
    "CreatePolicy",
    "CreateTable",
    "CreateTrigger",
    "DisableRowLevelSecurity",
    "DropForeignKey",
    "DropFunction",
    "DropIndex",
    "DropPolicy",
    "DropTable",
    "DropTrigger",
    "EnableRowLevelSecurity",
    "Operation",
    "Section",
    "SetComment",
]


class Section(IntEnum):
    """The seed's sequencing: tables, data, constraints, indexes, triggers, RLS, comments."""

    TABLE = 1
    DATA = 2
    CONSTRAINTS = 3
    INDEXES = 4
    TRIGGERS = 5
    ROW_LEVEL_SECURITY = 6
    COMMENTS = 7


@dataclass(frozen=True)
class Operation:
    section = Section.TABLE
    destructive = False
    """Loses data when run: needs a confirmation and a backup."""

    @property
    def table_name(self) -> str | None:
        return None

    @property
    def reads_rows(self) -> bool:
        """Reads or writes the rows of every tenant (a backfill, a backup, a restore): its file
        runs with `row_security` off, so that a role row-level security would filter stops
        with an error instead of quietly seeing no rows."""
        return False

    def reverse(self) -> Operation:
        raise NotImplementedError


@dataclass(frozen=True)
class CreateTable(Operation):
    table: Table
    foreign_keys: tuple[ForeignKey, ...]
    """The keys created inline; a key that closes a reference cycle is added later."""
    restore_from: str | None = None
    """A backup its rows are copied back from (then dropped): the inverse of a backed-up drop."""

    @property
    def table_name(self) -> str:
        return self.table.name

    @property
    def reads_rows(self) -> bool:
        return self.restore_from is not None

    def reverse(self) -> Operation:
        return DropTable(self.table, self.foreign_keys, self.restore_from)


@dataclass(frozen=True)
class DropTable(Operation):
    table: Table
    foreign_keys: tuple[ForeignKey, ...]
    backup_as: str | None = None
    """The table its rows are copied to first, so a later up can be followed by a restore."""
    destructive = True

    @property
    def table_name(self) -> str:
        return self.table.name

    @property
    def reads_rows(self) -> bool:
        return self.backup_as is not None

    def reverse(self) -> Operation:
        return CreateTable(self.table, self.foreign_keys, self.backup_as)


@dataclass(frozen=True)
class AddForeignKey(Operation):
    table: str
    foreign_key: ForeignKey
    section = Section.CONSTRAINTS

    @property
    def table_name(self) -> str:
        return self.table

    def reverse(self) -> Operation:
        return DropForeignKey(self.table, self.foreign_key)


@dataclass(frozen=True)
class DropForeignKey(Operation):
    table: str
    foreign_key: ForeignKey
    section = Section.CONSTRAINTS

    @property
    def table_name(self) -> str:
        return self.table

    def reverse(self) -> Operation:
        return AddForeignKey(self.table, self.foreign_key)


@dataclass(frozen=True)
class CreateIndex(Operation):
    table: str
    index: Index
    concurrently: bool = False
    section = Section.INDEXES

    @property
    def table_name(self) -> str:
        return self.table

    def reverse(self) -> Operation:
        return DropIndex(self.table, self.index, self.concurrently)


@dataclass(frozen=True)
class DropIndex(Operation):
    table: str
    index: Index
    concurrently: bool = False
    section = Section.INDEXES

    @property
    def table_name(self) -> str:
        return self.table

    def reverse(self) -> Operation:
        return CreateIndex(self.table, self.index, self.concurrently)


@dataclass(frozen=True)
class CreateFunction(Operation):
    name: str
    section = Section.TRIGGERS

    def reverse(self) -> Operation:
        return DropFunction(self.name)


@dataclass(frozen=True)
class DropFunction(Operation):
    name: str
    section = Section.TRIGGERS

    def reverse(self) -> Operation:
        return CreateFunction(self.name)


@dataclass(frozen=True)
class CreateTrigger(Operation):
    table: str
    trigger: Trigger
    section = Section.TRIGGERS

    @property
    def table_name(self) -> str:
        return self.table

    def reverse(self) -> Operation:
        return DropTrigger(self.table, self.trigger)


@dataclass(frozen=True)
class DropTrigger(Operation):
    table: str
    trigger: Trigger
    section = Section.TRIGGERS

    @property
    def table_name(self) -> str:
        return self.table

    def reverse(self) -> Operation:
        return CreateTrigger(self.table, self.trigger)


@dataclass(frozen=True)
class EnableRowLevelSecurity(Operation):
    table: str
    force: bool = True
    section = Section.ROW_LEVEL_SECURITY

    @property
    def table_name(self) -> str:
        return self.table

    def reverse(self) -> Operation:
        return DisableRowLevelSecurity(self.table, self.force)


@dataclass(frozen=True)
class DisableRowLevelSecurity(Operation):
    table: str
    force: bool = True
    section = Section.ROW_LEVEL_SECURITY

    @property
    def table_name(self) -> str:
        return self.table

    def reverse(self) -> Operation:
        return EnableRowLevelSecurity(self.table, self.force)


@dataclass(frozen=True)
class CreatePolicy(Operation):
    table: str
    policy: Policy
    section = Section.ROW_LEVEL_SECURITY

    @property
    def table_name(self) -> str:
        return self.table

    def reverse(self) -> Operation:
        return DropPolicy(self.table, self.policy)


@dataclass(frozen=True)
class DropPolicy(Operation):
    table: str
    policy: Policy
    section = Section.ROW_LEVEL_SECURITY

    @property
    def table_name(self) -> str:
        return self.table

    def reverse(self) -> Operation:
        return CreatePolicy(self.table, self.policy)


@dataclass(frozen=True)
class SetComment(Operation):
    """`COMMENT ON TABLE|COLUMN|CONSTRAINT`; the inverse restores the old text."""

    table: str
    target: str
    """'table', 'column' or 'constraint'."""
    name: str
    text: str | None
    previous: str | None = None
    section = Section.COMMENTS

    @property
    def table_name(self) -> str:
        return self.table

    def reverse(self) -> Operation:
        return SetComment(self.table, self.target, self.name, self.previous, self.text)
