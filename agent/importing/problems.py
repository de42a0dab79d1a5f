"""What an import cannot carry over: one problem per lost object, named by table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Problem", "Problems", "Severity"]

Severity = Literal["error", "note"]


@dataclass(frozen=True, order=True)
class Problem:
    """`error`: something in the database the YAML will not reproduce; `note`: skipped on purpose."""

    table: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.table}: " if self.table else ""
        return f"{self.severity}: {where}{self.message}"


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)

    def lost(self, table: str, message: str) -> None:
        self.items.append(Problem(table, message))

    def note(self, table: str, message: str) -> None:
        self.items.append(Problem(table, message, "note"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]
