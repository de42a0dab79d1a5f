"""Native enum types: created before the tables that use them, dropped after, changed in place.

PostgreSQL can add a value (`ADD VALUE`) and rename one (`RENAME VALUE`) in place, but never
remove or reorder one: that takes a new type and every column that uses it cast to it
(`RecreateEnumType`), which is also the inverse of adding a value.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.plan.operations import Operation, Section

__all__ = [
    "AddEnumValue",
    "CreateEnumType",
    "DropEnumType",
    "EnumColumn",
    "RecreateEnumType",
    "RenameEnumValue",
]


@dataclass(frozen=True)
class EnumColumn:
    """A column of the type (or an array of it), with the default a type swap drops and sets again."""

    table: str
    column: str
    array: bool = False
    default: str | None = None


@dataclass(frozen=True)
class CreateEnumType(Operation):
    name: str
    values: tuple[str, ...]
    section = Section.TABLE

    def reverse(self) -> Operation:
        return DropEnumType(self.name, self.values)


@dataclass(frozen=True)
class DropEnumType(Operation):
    name: str
    values: tuple[str, ...]
    section = Section.TABLE

    def reverse(self) -> Operation:
        return CreateEnumType(self.name, self.values)


@dataclass(frozen=True)
class AddEnumValue(Operation):
    name: str
    value: str
    values_before: tuple[str, ...]
    after: str | None
    """The value it follows; None puts it first (BEFORE the first value)."""
    columns: tuple[EnumColumn, ...] = ()
    section = Section.TABLE

    @property
    def values_after(self) -> tuple[str, ...]:
        at = 0 if self.after is None else self.values_before.index(self.after) + 1
        return (*self.values_before[:at], self.value, *self.values_before[at:])

    def reverse(self) -> Operation:
        return RecreateEnumType(self.name, self.values_after, self.values_before, self.columns)


@dataclass(frozen=True)
class RenameEnumValue(Operation):
    name: str
    old: str
    new: str
    undoes: bool = False
    """The down of a rename the project asked for (which breaks no running release)."""
    section = Section.TABLE

    def reverse(self) -> Operation:
        return RenameEnumValue(self.name, self.new, self.old, not self.undoes)


@dataclass(frozen=True)
class RecreateEnumType(Operation):
    """A value removed or the order changed: a new type, each column cast to it under its lock."""

    name: str
    values_before: tuple[str, ...]
    values_after: tuple[str, ...]
    columns: tuple[EnumColumn, ...] = ()
    section = Section.TABLE

    @property
    def destructive(self) -> bool:  # type: ignore[override]
        return bool(set(self.values_before) - set(self.values_after))

    def reverse(self) -> Operation:
        return RecreateEnumType(self.name, self.values_after, self.values_before, self.columns)
