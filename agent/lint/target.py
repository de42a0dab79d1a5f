"""What the linter knows of the database a run's migrations are for: its PostgreSQL version,
and which tables are small (estimated rows read from the database, or a list given).

Some rules are true only on some versions (a constant default rewrote the table before 11);
lock and rewrite findings on a small table are lowered to warnings that say its size.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["NEWEST_PG_VERSION", "OLDEST_PG_VERSION", "SMALL_TABLE_ROWS", "Target", "TargetError"]

NEWEST_PG_VERSION = 18
OLDEST_PG_VERSION = 10
SMALL_TABLE_ROWS = 10_000


class TargetError(ValueError):
    """A version or threshold out of range."""


@dataclass(frozen=True, slots=True)
class Target:
    pg_version: int = NEWEST_PG_VERSION
    # estimated rows per table name (pg_class.reltuples), for the tables the database knows
    rows: Mapping[str, int] = field(default_factory=dict)
    # tables the caller says are small, whatever their size
    small: frozenset[str] = frozenset()
    small_rows: int = SMALL_TABLE_ROWS

    @classmethod
    def checked(cls, pg_version: int = NEWEST_PG_VERSION, rows: Mapping[str, int] | None = None,
                small: Iterable[str] = (), small_rows: int = SMALL_TABLE_ROWS) -> Target:
        if not OLDEST_PG_VERSION <= pg_version <= NEWEST_PG_VERSION:
            raise TargetError(f"PostgreSQL version {pg_version} is not one the linter knows "
                              f"({OLDEST_PG_VERSION} to {NEWEST_PG_VERSION})")
        if small_rows < 0:
            raise TargetError(f"the small-table threshold must be 0 or more rows, not {small_rows}")
        return cls(pg_version, dict(rows or {}), frozenset(t.lower() for t in small), small_rows)

    def smallness(self, table: str) -> str | None:
        """Why `table` counts as small, to follow its name ("is listed as a small table",
        "holds about 120 rows, below the small-table threshold of 10 000"), or None."""
        name = table.lower()
        if name in self.small:
            return "is listed as a small table"
        rows = self.rows.get(name)
        if rows is not None and rows < self.small_rows:
            return (f"holds about {_spaced(rows)} rows, below the small-table threshold of "
                    f"{_spaced(self.small_rows)}")
        return None


def _spaced(number: int) -> str:
    """12 345: thousands apart by a space (no locale, no comma to mistake for a list)."""
    return f"{number:,}".replace(",", " ")
