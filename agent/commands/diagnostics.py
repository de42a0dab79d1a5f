"""Schema errors and warnings on stderr: all of them, each file shown as the user named its folder
(`schemas/suppliers.yaml:22:5`), errors red and warnings yellow on a terminal."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from rich.text import Text

from agent.commands.common import err
from agent.commands.style import ERROR, WARNING
from agent.plan.errors import PlanError
from agent.schema.diagnostics import Diagnostic

__all__ = ["folder_problem", "plan_error_text", "print_diagnostics", "shown_folder", "styled_diagnostic"]


def shown_folder(directory: Path) -> str:
    """The folder as the user would name it from here: relative to the working directory when
    it is inside it, else as given."""
    if directory.is_absolute():
        try:
            return str(directory.relative_to(Path.cwd())) or "."
        except ValueError:
            return str(directory)
    return os.path.normpath(directory)


def folder_problem(directory: Path) -> str | None:
    """Why `directory` cannot be read as a schema folder, or None."""
    if not directory.exists():
        return f"no such directory: {shown_folder(directory)}"
    if not directory.is_dir():
        return f"not a directory: {shown_folder(directory)}"
    return None


def styled_diagnostic(diagnostic: Diagnostic) -> Text:
    location, _, rest = str(diagnostic).partition(" ")
    return Text.assemble(f"{location} ", (rest, WARNING if diagnostic.warning else ERROR))


def plan_error_text(error: PlanError, schemas_dir: Path) -> str:
    """A planning refusal, its YAML file shown inside the schema folder as the user named it."""
    located = error.diagnostic
    return str(located.in_folder(shown_folder(schemas_dir))) if located else str(error)


def print_diagnostics(diagnostics: Iterable[Diagnostic], folder: str) -> int:
    """Print every diagnostic with its file inside `folder`; the number of errors."""
    errors = 0
    for diagnostic in diagnostics:
        if diagnostic.location.file.startswith("("):  # about the folder, no place in a file
            err.print(Text(f"{folder}: {diagnostic.message}", style=WARNING if diagnostic.warning else ERROR))
        else:
            err.print(styled_diagnostic(diagnostic.in_folder(folder)))
        errors += not diagnostic.warning
    return errors
