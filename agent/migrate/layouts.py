"""The folder layouts `migrate` reads: which migration a `.sql` file is, by its path and, for
the layouts that share `<version>_<name>.sql`, by the annotations the lint tool modules read
(`agent.lint.tools`). Each layout numbers and orders versions as its tool does."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from agent.lint.tools import Tool, tool_named
from agent.migrate.files import parse_name

__all__ = ["LAYOUTS", "Claim", "Layout", "claim", "flyway_version", "layout_named", "natural_key", "version_order"]

_SECTIONED = re.compile(r"(?P<version>\d+)_(?P<slug>.+)\.sql\Z")
_UP_DOWN = re.compile(r"(?P<version>\d+)_(?P<slug>.*)\.(?P<direction>up|down)\.sql\Z")
_FLYWAY = re.compile(r"(?P<kind>[VU])(?P<version>\d+(?:[._]\d+)*)__(?P<slug>.+)\.sql\Z")
_REPEATABLE = re.compile(r"R__(?P<slug>.+)\.sql\Z")
_DIESEL_FOLDER = re.compile(r"(?P<version>\d[\d-]*)_(?P<slug>.+)\Z")
_PRISMA_FOLDER = re.compile(r"(?P<version>\d{14})_(?P<slug>.+)\Z")


@dataclass(frozen=True)
class Claim:
    """A file's place in its layout: the migration it belongs to (`key`), that migration's
    version as the tool's table records it, and its `role`: "up", "down", "both" (a file
    holding its up and down sections), or "repeatable" (Flyway's R__, not run here)."""

    layout: str
    key: str
    version: str
    slug: str
    role: str
    label: str


@dataclass(frozen=True)
class Layout:
    name: str
    tool: str | None
    """The lint tool whose runs (sections, statements, transactions) the runner uses; None:
    the runner's own layout, read as it always was."""
    read: Callable[[PurePosixPath, Callable[[], str]], Claim | None]
    order: Callable[[str], tuple[int | str, ...]]
    """The tool's order of its versions."""
    normal: Callable[[str], str]
    """A version as the tool's table holds it, written as `read` writes it."""

    @property
    def lint_tool(self) -> Tool | None:
        return None if self.tool is None else tool_named(self.tool)


def natural_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Digit runs compared as numbers, the rest as text: 2 before 10, 1.9 before 1.10, and
    equal-width timestamps in their own order."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"\d+|\D+", version))


def flyway_version(text: str) -> str:
    """Flyway's version as it compares them: numeric parts, `_` as `.`, trailing zeros
    dropped (1.0 is 1)."""
    parts = [int(part) for part in re.split(r"[._]", text)]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return ".".join(map(str, parts))


def _integer(text: str) -> str:
    return str(int(text)) if text.isdigit() else text


def _as_is(text: str) -> str:
    return text


def _as_text(version: str) -> tuple[str]:
    return (version,)


def _ours(path: PurePosixPath, _text: Callable[[], str]) -> Claim | None:
    parsed = parse_name(path.name) if len(path.parts) == 1 else None
    if parsed is None:
        return None
    version, slug, down = parsed
    return Claim("ours", f"{version}_{slug}", version, slug, "down" if down else "up", path.name)


def _prisma(path: PurePosixPath, _text: Callable[[], str]) -> Claim | None:
    match = _PRISMA_FOLDER.match(path.parts[0]) if len(path.parts) == 2 and path.name == "migration.sql" else None
    if match is None:
        return None
    return Claim("prisma", path.parts[0], match["version"], match["slug"], "up", str(path))


def _diesel(path: PurePosixPath, _text: Callable[[], str]) -> Claim | None:
    match = _DIESEL_FOLDER.match(path.parts[0]) if len(path.parts) == 2 else None
    if match is None or path.name not in ("up.sql", "down.sql"):
        return None
    version = match["version"].replace("-", "")
    return Claim("diesel", path.parts[0], version, match["slug"], path.name.removesuffix(".sql"), str(path))


def _golang_migrate(path: PurePosixPath, _text: Callable[[], str]) -> Claim | None:
    match = _UP_DOWN.match(path.name) if len(path.parts) == 1 else None
    if match is None:
        return None
    version = _integer(match["version"])
    return Claim("golang-migrate", version, version, match["slug"], match["direction"], path.name)


def _flyway(path: PurePosixPath, _text: Callable[[], str]) -> Claim | None:
    repeatable = _REPEATABLE.match(path.name)
    if repeatable is not None:
        return Claim("flyway", str(path), "", repeatable["slug"], "repeatable", str(path))
    match = _FLYWAY.match(path.name)
    if match is None:
        return None
    version = flyway_version(match["version"])
    return Claim("flyway", version, version, match["slug"], "down" if match["kind"] == "U" else "up", str(path))


def _sectioned(layout: str, normal: Callable[[str], str]) -> Callable[[PurePosixPath, Callable[[], str]],
                                                                     Claim | None]:
    """goose's and dbmate's one file per version, told apart (and from ours) by the
    annotations their lint tool recognises."""
    def read(path: PurePosixPath, text: Callable[[], str]) -> Claim | None:
        match = _SECTIONED.match(path.name) if len(path.parts) == 1 else None
        if match is None or not tool_named(layout).recognises([path.name], text()):
            return None
        version = normal(match["version"])
        return Claim(layout, version, version, match["slug"], "both", path.name)

    return read


def _flyway_order(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".")) if version else ()


def _integer_order(version: str) -> tuple[int]:
    return (int(version),)


# In the order a file is offered to them: a name only one layout writes first; goose and
# dbmate before ours, whose names they share.
LAYOUTS: tuple[Layout, ...] = (
    Layout("prisma", "prisma", _prisma, _as_text, _as_is),
    Layout("diesel", "diesel", _diesel, _as_text, lambda text: text.replace("-", "")),
    Layout("golang-migrate", "golang-migrate", _golang_migrate, _integer_order, _integer),
    Layout("flyway", "flyway", _flyway, _flyway_order, flyway_version),
    Layout("goose", "goose", _sectioned("goose", _integer), _integer_order, _integer),
    Layout("dbmate", "dbmate", _sectioned("dbmate", _as_is), _as_text, _as_is),
    Layout("ours", None, _ours, _as_text, _as_is),
)


def layout_named(name: str) -> Layout:
    return next(layout for layout in LAYOUTS if layout.name == name)


VersionKey = tuple[int, tuple[int | str, ...] | tuple[tuple[int, int | str], ...]]


def version_order(layout: str) -> Callable[[str], VersionKey]:
    """The sort key of `layout`'s versions; one it cannot read (a tracking row another folder
    left) sorts after them, in natural order."""
    order = layout_named(layout).order

    def key(version: str) -> VersionKey:
        try:
            return 0, order(version)
        except ValueError:
            return 1, natural_key(version)

    return key


def claim(path: PurePosixPath, text: Callable[[], str]) -> Claim | None:
    """The first layout's claim on the file at `path` (relative to the folder), or None."""
    for layout in LAYOUTS:
        found = layout.read(path, text)
        if found is not None:
            return found
    return None
