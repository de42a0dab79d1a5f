"""Migration files on disk: pairs of up and down files, their markers and checksums."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from pglast import ast, parser

from agent.migrate.files import parse_name
from agent.sql.parsing import parse_sql

__all__ = ["PRISMA_FILE", "Markers", "MigrationFile", "discover", "read_markers", "statements_of", "unrecognised_sql"]

PRISMA_FILE = "migration.sql"
_PRISMA_FOLDER = re.compile(r"(\d{14})_(.+)\Z")


@dataclass(frozen=True)
class Markers:
    """The `-- agent:` lines of a file's header."""

    no_transaction: bool = False
    destructive: bool = False
    phase: str | None = None
    deploy: str | None = None


def read_markers(sql: str) -> Markers:
    found: dict[str, str] = {}
    for line in sql.splitlines():
        stripped = line.strip()
        if not stripped.startswith("--"):
            if stripped:
                break
            continue
        word = stripped[2:].strip()
        if word.startswith("agent:"):
            key, _, value = word[6:].partition(" ")
            found[key] = value.strip()
    return Markers(
        no_transaction="no-transaction" in found,
        destructive="destructive" in found,
        phase=found.get("phase"),
        deploy=found.get("deploy"),
    )


def statements_of(sql: str) -> list[str]:
    """The file's statements without its own BEGIN/COMMIT (the runner owns the transaction)."""
    kept = []
    for statement in parser.split(sql):
        parsed = parse_sql(statement)
        if len(parsed) == 1 and isinstance(parsed[0].stmt, ast.TransactionStmt):
            continue
        kept.append(statement)
    return kept


@dataclass(frozen=True)
class MigrationFile:
    version: str
    slug: str
    up_path: Path
    down_path: Path | None
    up_sql: str = field(repr=False)
    down_sql: str | None = field(repr=False)
    label: str | None = None
    """The name shown and recorded when the file's own name does not tell it apart
    (Prisma's `<version>_<name>/migration.sql`)."""

    @property
    def name(self) -> str:
        return self.label or self.up_path.name

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.up_sql.encode()).hexdigest()

    @property
    def up_markers(self) -> Markers:
        return read_markers(self.up_sql)

    @property
    def down_markers(self) -> Markers:
        return read_markers(self.down_sql or "")


def discover(directory: Path) -> list[MigrationFile]:
    """Every `<version>_<slug>.sql` with its `_down.sql`, oldest first; in a folder holding none,
    Prisma's `<version>_<name>/migration.sql` (no down files)."""
    return _agent_files(directory) or _prisma_files(directory)


def _prisma_files(directory: Path) -> list[MigrationFile]:
    found = []
    for path in sorted(directory.glob(f"*/{PRISMA_FILE}")) if directory.is_dir() else []:
        match = _PRISMA_FOLDER.match(path.parent.name)
        if match:
            found.append(MigrationFile(match[1], match[2], path, None, path.read_text(encoding="utf-8"), None,
                                       label=f"{path.parent.name}/{PRISMA_FILE}"))
    return found


def unrecognised_sql(directory: Path) -> list[Path]:
    """The .sql files below a folder in which `discover` found no migration."""
    return sorted(p for p in directory.rglob("*.sql") if p.is_file()) if directory.is_dir() else []


def _agent_files(directory: Path) -> list[MigrationFile]:
    ups: dict[str, Path] = {}
    downs: dict[str, Path] = {}
    for path in sorted(directory.glob("*.sql")) if directory.is_dir() else []:
        parsed = parse_name(path.name)
        if parsed:
            (downs if parsed[2] else ups)[f"{parsed[0]}_{parsed[1]}"] = path
    found = []
    for stem, up in sorted(ups.items()):
        version, slug = stem.split("_", 1)
        down = downs.get(stem)
        found.append(MigrationFile(version, slug, up, down, up.read_text(encoding="utf-8"),
                                   down.read_text(encoding="utf-8") if down else None))
    return found
