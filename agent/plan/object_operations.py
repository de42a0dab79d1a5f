"""Objects of `sql_objects:`: created and dropped by the statements the project gave, parsed."""

from __future__ import annotations

from dataclasses import dataclass

from agent.plan.operations import Operation, Section
from agent.schema.tables import Schema, SqlObject

__all__ = ["CreateSqlObject", "DisownSequence", "DropSqlObject", "OwnSequence", "sql_object_operations"]


@dataclass(frozen=True)
class CreateSqlObject(Operation):
    sql_object: SqlObject
    section = Section.TRIGGERS

    def reverse(self) -> Operation:
        return DropSqlObject(self.sql_object)


@dataclass(frozen=True)
class DropSqlObject(Operation):
    sql_object: SqlObject
    section = Section.TRIGGERS

    def reverse(self) -> Operation:
        return CreateSqlObject(self.sql_object)


@dataclass(frozen=True)
class OwnSequence(Operation):
    """A sequence of `sql_objects:` given to its column, once the column's table exists."""

    sql_object: SqlObject
    section = Section.TRIGGERS

    def reverse(self) -> Operation:
        return DisownSequence(self.sql_object)


@dataclass(frozen=True)
class DisownSequence(Operation):
    """Taken back before the tables change: dropping the column would drop the sequence."""

    sql_object: SqlObject
    section = Section.TRIGGERS

    def reverse(self) -> Operation:
        return OwnSequence(self.sql_object)


def sql_object_operations(old: Schema, new: Schema) -> tuple[list[Operation], list[Operation], list[Operation]]:
    """(before every table change, after every one, last): functions, sequences and extensions are
    made before the tables and dropped last; triggers and views made after the tables and dropped
    first; a sequence's owning column is set after the tables and taken back before them. A changed
    object is dropped and made again; the rest keep the order they are listed in."""
    before_old = {o.name: o for o in old.sql_objects}
    after_new = {o.name: o for o in new.sql_objects}
    gone = [o for o in reversed(old.sql_objects) if after_new.get(o.name) != o]
    made = [o for o in new.sql_objects if before_old.get(o.name) != o]
    first: list[Operation] = [DisownSequence(o) for o in gone if o.own]
    first += [DropSqlObject(o) for o in gone if not o.before_tables]
    first += [DropSqlObject(o) for o in gone if o.before_tables and o.name in after_new]
    first += [CreateSqlObject(o) for o in made if o.before_tables]
    after: list[Operation] = [CreateSqlObject(o) for o in made if not o.before_tables]
    after += [OwnSequence(o) for o in made if o.own]
    last: list[Operation] = [DropSqlObject(o) for o in gone if o.before_tables and o.name not in after_new]
    return first, after, last
