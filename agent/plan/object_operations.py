"""Objects of `sql_objects:`: created and dropped by the statements the project gave, parsed."""

from __future__ import annotations

from dataclasses import dataclass

from agent.plan.operations import Operation, Section
from agent.schema.sql_objects import comment_statement
from agent.schema.tables import Schema, SqlObject

__all__ = ["CommentSqlObject", "CreateSqlObject", "DisownSequence", "DropSqlObject", "OwnSequence",
           "sql_object_operations"]


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


@dataclass(frozen=True)
class CommentSqlObject(Operation):
    """`COMMENT ON` an object that stays: `statement` sets the new text, `undo` the old."""

    statement: str
    undo: str
    section = Section.TRIGGERS

    def reverse(self) -> Operation:
        return CommentSqlObject(self.undo, self.statement)


_ASIDE = {"comment": None, "then": (), "owned_by": None, "own": None}


def _only_comment_or_owner(old: SqlObject, new: SqlObject) -> bool:
    """The same object but for its comment or owner: changed in place, since a default may
    depend on it (dropping it would fail, or drop the column's default with it)."""
    return (old.indexes == new.indexes and old.model_copy(update=_ASIDE) == new.model_copy(update=_ASIDE))


def sql_object_operations(old: Schema, new: Schema) -> tuple[list[Operation], list[Operation], list[Operation]]:
    """(before every table change, after every one, last): functions, sequences and extensions are
    made before the tables and dropped last; triggers and views made after the tables and dropped
    first; a sequence's owning column is set after the tables and taken back before them. A changed
    object is dropped and made again, unless only its comment or owner changed; the rest keep the
    order they are listed in."""
    before_old = {o.name: o for o in old.sql_objects}
    after_new = {o.name: o for o in new.sql_objects}
    kept = [(before_old[o.name], o) for o in new.sql_objects
            if o.name in before_old and before_old[o.name] != o and _only_comment_or_owner(before_old[o.name], o)]
    changed_in_place = {o.name for _, o in kept}
    gone = [o for o in reversed(old.sql_objects) if after_new.get(o.name) != o and o.name not in changed_in_place]
    made = [o for o in new.sql_objects if before_old.get(o.name) != o and o.name not in changed_in_place]
    first: list[Operation] = [DisownSequence(o) for o in gone if o.own]
    first += [DisownSequence(was) for was, now in kept if was.own and was.own != now.own]
    first += [DropSqlObject(o) for o in gone if not o.before_tables]
    first += [DropSqlObject(o) for o in gone if o.before_tables and o.name in after_new]
    first += [CreateSqlObject(o) for o in made if o.before_tables]
    first += [CommentSqlObject(comment_statement(now), comment_statement(was)) for was, now in kept
              if was.comment != now.comment]
    after: list[Operation] = [CreateSqlObject(o) for o in made if not o.before_tables]
    after += [OwnSequence(o) for o in made if o.own]
    after += [OwnSequence(now) for was, now in kept if now.own and was.own != now.own]
    last: list[Operation] = [DropSqlObject(o) for o in gone if o.before_tables and o.name not in after_new]
    return first, after, last
