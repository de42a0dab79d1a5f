"""Errors and warnings about schema files, each pinned to a file, line, column and key path."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

__all__ = ["Diagnostic", "KeyPath", "Location", "SchemaError", "format_key_path"]

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Location:
    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


def format_key_path(key_path: KeyPath) -> str:
    text = ""
    for part in key_path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


@dataclass(frozen=True)
class Diagnostic:
    location: Location
    key_path: KeyPath
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = format_key_path(self.key_path)
        prefix = "warning: " if self.warning else ""
        return f"{self.location} {where + ': ' if where else ''}{prefix}{self.message}"

    def sort_key(self) -> tuple[Location, str]:
        return (self.location, self.message)

    def in_folder(self, folder: str) -> Diagnostic:
        """The same diagnostic with its file shown inside `folder` (a schema folder as the
        user named it); a location that names no file, like `(schemas)`, becomes the folder."""
        file = self.location.file
        shown = folder if file.startswith("(") else f"{folder.rstrip('/')}/{file}"
        return replace(self, location=replace(self.location, file=shown))


class SchemaError(Exception):
    """One or more errors in the schema files; nothing was generated."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        super().__init__("\n".join(str(d) for d in self.diagnostics))
