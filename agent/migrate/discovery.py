"""Migration files on disk: pairs of up and down files (or a file's up and down sections),
their markers and checksums, in one layout per folder (`agent.migrate.layouts`)."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from pglast import ast, parser

from agent.lint.source import SourceFile
from agent.lint.tools import tool_sources
from agent.migrate.layouts import LAYOUTS, Claim, Layout, claim, layout_named
from agent.sql.parsing import parse_sql

__all__ = [
    "Folder", "LayoutError", "Markers", "MigrationFile", "discover", "read_folder", "read_markers", "statements_of",
]


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
    up_run: SourceFile | None = field(default=None, repr=False, compare=False)
    """The up as its tool runs it (statements, sections, transaction), read by the lint
    tool module; None: the runner's own layout, run by its markers."""
    down_run: SourceFile | None = field(default=None, repr=False, compare=False)
    down_label: str | None = None
    layout: str = "ours"

    @property
    def name(self) -> str:
        return self.label or self.up_path.name

    @property
    def down_name(self) -> str:
        return self.down_label or (self.down_path.name if self.down_path else self.name)

    def statements(self, *, down: bool = False) -> list[str]:
        """The statements the runner sends, one by one, without the file's own BEGIN/COMMIT."""
        run = self.down_run if down else self.up_run
        if run is None:
            return statements_of((self.down_sql or "") if down else self.up_sql)
        if run.syntax_error is not None:
            raise run.syntax_error
        return [_text_of(run, s.start, s.end) for s in run.statements if not isinstance(s.node, ast.TransactionStmt)]

    def in_transaction(self, *, down: bool = False) -> bool:
        """Whether the file runs in one transaction: as its tool runs it, else as its markers say."""
        run = self.down_run if down else self.up_run
        if run is not None and run.transactional is not None:
            return run.transactional
        return not (self.down_markers if down else self.up_markers).no_transaction

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.up_sql.encode()).hexdigest()

    @property
    def up_markers(self) -> Markers:
        return read_markers(self.up_sql)

    @property
    def down_markers(self) -> Markers:
        return read_markers(self.down_sql or "")




def _text_of(run: SourceFile, start: int, end: int) -> str:
    """A statement's text; the last one of a text without a final semicolon runs to its end."""
    return run.text[start:end] if end > start else run.text[start:]


_GOOSE_GO = re.compile(r"\d+_.+(?<!_test)\.go\Z")


class LayoutError(ValueError):
    """The folder's .sql files are in no layout, or in more than one, or a migration's files
    do not fit together; the message names them."""


@dataclass(frozen=True)
class Folder:
    layout: str
    files: list[MigrationFile]
    not_run: list[tuple[str, str]] = field(default_factory=list)
    """(file, why): files of the layout this runner leaves to their tool (Flyway's R__)."""


def discover(directory: Path) -> list[MigrationFile]:
    """The folder's migrations in their tool's order, or none when it holds none in one layout."""
    try:
        return read_folder(directory).files
    except LayoutError:
        return []


def read_folder(directory: Path) -> Folder:
    """Every migration below `directory`, in the one layout its .sql files are in; raises
    `LayoutError` naming the files when some are in no layout or in another."""
    paths = sorted(p for p in directory.rglob("*.sql") if p.is_file()) if directory.is_dir() else []
    claims: dict[Path, Claim] = {}
    stray = []
    for path in paths:
        found = claim(PurePosixPath(path.relative_to(directory).as_posix()), _reader(path))
        if found is None:
            stray.append(path)
        else:
            claims[path] = found
    _refuse_mixed(directory, claims, stray)
    if not claims:
        return Folder("ours", [])
    return _folder(directory, layout_named(next(iter(claims.values())).layout), claims)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise LayoutError(f"{path}: not UTF-8 text (byte {error.start})") from None


def _reader(path: Path) -> Callable[[], str]:
    return lambda: _read(path)


def _shown(directory: Path, paths: list[Path]) -> str:
    names = [str(p.relative_to(directory)) for p in paths]
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _refuse_mixed(directory: Path, claims: dict[Path, Claim], stray: list[Path]) -> None:
    by_layout: dict[str, list[Path]] = defaultdict(list)
    for path, found in claims.items():
        by_layout[found.layout].append(path)
    known = ", ".join(f"{each.name}" for each in LAYOUTS)
    if stray:
        besides = f", beside its {next(iter(by_layout))} migrations," if len(by_layout) == 1 else ""
        raise LayoutError(f"{directory}{besides} holds {len(stray)} .sql file(s) ({_shown(directory, stray)}) in no "
                          f"layout the runner knows ({known}; see docs/commands.md)")
    if len(by_layout) > 1:
        parts = "; ".join(f"{name}: {_shown(directory, found)}" for name, found in sorted(by_layout.items()))
        raise LayoutError(f"{directory} mixes migration layouts ({parts}): a folder holds one tool's migrations")


def _folder(directory: Path, layout: Layout, claims: dict[Path, Claim]) -> Folder:
    groups: dict[str, dict[str, tuple[Path, Claim]]] = defaultdict(dict)
    not_run = []
    for path, found in claims.items():
        if found.role == "repeatable":
            not_run.append((found.label, "a Flyway repeatable migration: run it with Flyway"))
            continue
        if found.role in groups[found.key]:
            twin = groups[found.key][found.role][1].label
            raise LayoutError(f"{directory}: {twin} and {found.label} both have version {found.version}")
        groups[found.key][found.role] = (path, found)
    files = [_migration(directory, layout, parts) for parts in groups.values()]
    files.sort(key=lambda f: (layout.order(f.version), f.name))
    _refuse_twins(directory, files)
    if layout.name == "goose":
        not_run += [(p.name, "a goose Go migration: run it with goose") for p in directory.glob("*.go")
                    if _GOOSE_GO.match(p.name)]
    return Folder(layout.name, files, sorted(not_run))


def _refuse_twins(directory: Path, files: list[MigrationFile]) -> None:
    for before, after in itertools.pairwise(files):
        if before.version == after.version:
            raise LayoutError(f"{directory}: {before.name} and {after.name} both have version {before.version}")


def _migration(directory: Path, layout: Layout, parts: dict[str, tuple[Path, Claim]]) -> MigrationFile:
    if "both" in parts:
        return _sectioned(layout, *parts["both"])
    if "up" not in parts:
        raise LayoutError(f"{directory}: {parts['down'][1].label} is a down file without its up file")
    up_path, up = parts["up"]
    up_sql = _read(up_path)
    down_path, down = parts.get("down", (None, None))
    down_sql = _read(down_path) if down_path else None
    if layout.tool is None:
        return MigrationFile(up.version, up.slug, up_path, down_path, up_sql, down_sql, layout=layout.name)
    down_run = None
    if down_path is not None and down_sql is not None and down is not None:
        down_run = _runs(layout, down_path, down_sql, down.label)[0]
    return MigrationFile(up.version, up.slug, up_path, down_path, up_sql, down_sql,
                         label=up.label if up.label != up_path.name else None,
                         up_run=_runs(layout, up_path, up_sql, up.label)[0], down_run=down_run,
                         down_label=down.label if down else None, layout=layout.name)


def _sectioned(layout: Layout, path: Path, found: Claim) -> MigrationFile:
    text = _read(path)
    runs = {run.direction: run for run in _runs(layout, path, text, found.label)}
    down = runs.get("down")
    return MigrationFile(found.version, found.slug, path, path if down else None, text, text if down else None,
                         up_run=runs.get("up"), down_run=down, down_label=f"{found.label} (down)" if down else None,
                         layout=layout.name)


def _runs(layout: Layout, path: Path, text: str, label: str) -> list[SourceFile]:
    """The file cut into the runs its tool makes of it, each named as the folder shows it."""
    tool = layout.lint_tool
    assert tool is not None
    return [replace(run, path=label) for run in tool_sources(tool, [(str(path), text)])]
