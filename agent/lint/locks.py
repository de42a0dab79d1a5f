"""PostgreSQL table lock modes: which modes conflict, and what each one blocks."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["LockMode", "blocked_operations"]


class LockMode(IntEnum):
    """Table-level lock modes, weakest first (PostgreSQL docs, "Explicit Locking")."""

    ACCESS_SHARE = 1
    ROW_SHARE = 2
    ROW_EXCLUSIVE = 3
    SHARE_UPDATE_EXCLUSIVE = 4
    SHARE = 5
    SHARE_ROW_EXCLUSIVE = 6
    EXCLUSIVE = 7
    ACCESS_EXCLUSIVE = 8

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")

    @classmethod
    def from_pg(cls, mode: str) -> LockMode:
        """From pg_locks.mode, e.g. `AccessExclusiveLock`."""
        words: list[str] = []
        for char in mode.removesuffix("Lock"):
            if char.isupper() and words:
                words.append("_")
            words.append(char.upper())
        return cls["".join(words)]

    def conflicts_with(self, other: LockMode) -> bool:
        return other in _CONFLICTS[self]

    @property
    def blocks_writes(self) -> bool:
        return self.conflicts_with(LockMode.ROW_EXCLUSIVE)

    @property
    def blocks_reads(self) -> bool:
        return self.conflicts_with(LockMode.ACCESS_SHARE)


_M = LockMode
_CONFLICTS: dict[LockMode, frozenset[LockMode]] = {
    _M.ACCESS_SHARE: frozenset({_M.ACCESS_EXCLUSIVE}),
    _M.ROW_SHARE: frozenset({_M.EXCLUSIVE, _M.ACCESS_EXCLUSIVE}),
    _M.ROW_EXCLUSIVE: frozenset({_M.SHARE, _M.SHARE_ROW_EXCLUSIVE, _M.EXCLUSIVE,
                                 _M.ACCESS_EXCLUSIVE}),
    _M.SHARE_UPDATE_EXCLUSIVE: frozenset({_M.SHARE_UPDATE_EXCLUSIVE, _M.SHARE,
                                          _M.SHARE_ROW_EXCLUSIVE, _M.EXCLUSIVE,
                                          _M.ACCESS_EXCLUSIVE}),
    _M.SHARE: frozenset({_M.ROW_EXCLUSIVE, _M.SHARE_UPDATE_EXCLUSIVE, _M.SHARE_ROW_EXCLUSIVE,
                         _M.EXCLUSIVE, _M.ACCESS_EXCLUSIVE}),
    _M.SHARE_ROW_EXCLUSIVE: frozenset({_M.ROW_EXCLUSIVE, _M.SHARE_UPDATE_EXCLUSIVE, _M.SHARE,
                                       _M.SHARE_ROW_EXCLUSIVE, _M.EXCLUSIVE,
                                       _M.ACCESS_EXCLUSIVE}),
    _M.EXCLUSIVE: frozenset(set(_M) - {_M.ACCESS_SHARE}),
    _M.ACCESS_EXCLUSIVE: frozenset(_M),
}

# What ordinary work needs each mode (the weakest lock each operation takes).
_OPERATIONS: tuple[tuple[str, LockMode], ...] = (
    ("SELECT", _M.ACCESS_SHARE),
    ("SELECT FOR UPDATE/SHARE", _M.ROW_SHARE),
    ("INSERT", _M.ROW_EXCLUSIVE),
    ("UPDATE", _M.ROW_EXCLUSIVE),
    ("DELETE", _M.ROW_EXCLUSIVE),
    ("VACUUM", _M.SHARE_UPDATE_EXCLUSIVE),
    ("CREATE INDEX CONCURRENTLY", _M.SHARE_UPDATE_EXCLUSIVE),
    ("CREATE INDEX", _M.SHARE),
    ("CREATE TRIGGER", _M.SHARE_ROW_EXCLUSIVE),
    ("ALTER TABLE", _M.ACCESS_EXCLUSIVE),
)


def blocked_operations(mode: LockMode) -> list[str]:
    """The everyday operations that wait while `mode` is held on a table."""
    return [name for name, needed in _OPERATIONS if mode.conflicts_with(needed)]
