"""What the importers of one table share: its shape, the other tables' shapes, the output."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from agent.catalog.model import Table
from agent.importing.problems import Problems
from agent.importing.shape import ImportOptions, Shape
from agent.importing.sql_text import Simplifier
from agent.schema.resolve import AUDIT_COLUMNS

__all__ = ["TableImport"]

Document = dict[str, Any]


@dataclass
class TableImport:
    shape: Shape
    shapes: Mapping[str, Shape]
    options: ImportOptions
    problems: Problems
    implied_uniques: frozenset[tuple[str, tuple[str, ...]]] = frozenset()
    enums: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """The schema's native enum types: name -> values."""
    sequences: frozenset[str] = frozenset()
    """The sequences `sql_objects` carry: a column defaulting to one is not `serial: true`."""
    properties: dict[str, Document] = field(default_factory=dict)
    constraints: list[Document] = field(default_factory=list)
    indexes: list[Document] = field(default_factory=list)
    policies: list[Document] = field(default_factory=list)
    simplifier: Simplifier = field(init=False)

    def __post_init__(self) -> None:
        self.simplifier = Simplifier({c.name: c.type for c in self.table.columns})

    @property
    def table(self) -> Table:
        return self.shape.table

    @property
    def name(self) -> str:
        return self.shape.name

    @property
    def tenant(self) -> str:
        return self.options.tenant_column

    def lost(self, message: str) -> None:
        self.problems.lost(self.name, message)

    def simplify(self, sql: str) -> str:
        return self.simplifier.simplify(sql)

    def implicit_columns(self) -> set[str]:
        found = set(self.shape.primary_key) if self.shape.implicit_primary_key else set()
        if self.shape.tenant_scoped:
            found.add(self.tenant)
        if self.shape.audit:
            found.update(AUDIT_COLUMNS)
        return found

    def column_type(self, name: str) -> str:
        return next(c.type for c in self.table.columns if c.name == name)
