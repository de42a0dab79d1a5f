"""Table-level things the YAML language has no words for, each reported by name."""

from __future__ import annotations

from agent.catalog.model import Catalog, Sequence
from agent.importing.context import TableImport
from agent.importing.problems import Problems
from agent.importing.properties import is_serial

__all__ = ["check_other_objects", "check_table_extras", "serial_sequence"]


def check_table_extras(work: TableImport) -> None:
    table = work.table
    if table.partitioned:
        work.lost(f"the table is partitioned ({table.partition_key}); it is imported as a plain table")
    if table.unlogged:
        work.lost("the table is UNLOGGED; it is imported as an ordinary (logged) table")
    for grant in table.grants:
        work.lost(f"GRANT {grant.privilege} TO {grant.grantee} is not described by the YAML")
    for constraint in table.constraints:
        if constraint.kind == "exclude":
            work.lost(f"exclusion constraint {constraint.name} ({constraint.definition}) "
                      "has no place in the YAML")
    _column_order(work)


def _column_order(work: TableImport) -> None:
    first = work.table.columns[0].name
    key = work.shape.single_key
    if key is not None and first != key:
        work.lost(f"the primary key column {key} is not the first column; the YAML puts it first")


_MAXIMA = {"smallint": 2**15 - 1, "integer": 2**31 - 1, "bigint": 2**63 - 1}


def serial_sequence(catalog: Catalog, sequence: Sequence) -> bool:
    """The sequence a SERIAL column made, with SERIAL's settings: `serial: true` says all of it."""
    owner = next(((t, c) for t in catalog.tables for c in t.columns if f"{t.name}.{c.name}" == sequence.owned_by),
                 None)  # by the whole text: a table's name may hold a dot
    table_name, column = (owner[0].name, owner[1]) if owner else ("", None)
    settings = (sequence.start, sequence.increment, sequence.minimum, sequence.cache, sequence.cycle)
    plain = settings == (1, 1, 1, 1, False)
    return (column is not None and is_serial(table_name, column) and plain and sequence.comment is None
            and sequence.maximum == _MAXIMA.get(sequence.type) and sequence.type == column.type)


def check_other_objects(catalog: Catalog, audited: bool, problems: Problems) -> None:
    """What neither the tables nor `sql_objects` carry (the other sequences are SQL objects)."""
    for enum in catalog.enums:
        if enum.comment is not None:
            problems.lost("", f"the comment on enum type {enum.name} has no place in the YAML")
