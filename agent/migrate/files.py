"""Migration file names and writing: `YYYYMMDDHHMMSS_<slug>.sql` and `..._down.sql`.

Versions strictly increase and come after everything already in the folder.
Existing files are never renamed or rewritten; a batch is written whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "MigrationFileError",
    "NewFile",
    "existing_versions",
    "file_slug",
    "next_versions",
    "parse_name",
    "write_files",
]

VERSION_FORMAT = "%Y%m%d%H%M%S"
_NAME = re.compile(r"(?P<version>\d{14})_(?P<slug>[a-z0-9_]+?)(?P<down>_down)?\.sql\Z")


class MigrationFileError(RuntimeError):
    """A migration file could not be written; nothing of the batch was."""


@dataclass(frozen=True)
class NewFile:
    name: str
    content: str


def file_slug(slug: str) -> str:
    """A migration's slug as its file names it: snake_case letters and digits only, whatever the
    table's name (`create_TemplateDirectLink` -> `create_template_direct_link`, `a/b` -> `a_b`)."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", slug)
    cleaned = re.sub(r"[^a-z0-9]+", "_", words.lower()).strip("_") or "migration"
    return cleaned[:100].rstrip("_")


def parse_name(name: str) -> tuple[str, str, bool] | None:
    """(version, slug, is_down) of a migration file name, or None for other files."""
    match = _NAME.match(name)
    if not match:
        return None
    return match["version"], match["slug"], bool(match["down"])


def existing_versions(directory: Path) -> list[str]:
    if not directory.is_dir():
        return []
    found = (parse_name(p.name) for p in directory.iterdir())
    return sorted({parsed[0] for parsed in found if parsed})


def next_versions(count: int, now: dt.datetime, existing: Sequence[str]) -> list[str]:
    """`count` versions, one second apart, starting at `now` or just after the newest existing."""
    start = now.astimezone(dt.UTC).replace(microsecond=0, tzinfo=None)
    if existing:
        newest = dt.datetime.strptime(max(existing), VERSION_FORMAT)
        start = max(start, newest + dt.timedelta(seconds=1))
    return [(start + dt.timedelta(seconds=i)).strftime(VERSION_FORMAT) for i in range(count)]


def write_files(directory: Path, files: Sequence[NewFile]) -> list[Path]:
    """Write every file or none: refuse if any exists, stage all, then rename into place."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise MigrationFileError(f"cannot create {directory}: {error.strerror}") from None
    clashes = [f.name for f in files if (directory / f.name).exists()]
    if clashes:
        raise MigrationFileError(f"refusing to overwrite existing {', '.join(clashes)}")
    staged: list[tuple[Path, Path]] = []
    try:
        for file in files:
            handle, staging_name = tempfile.mkstemp(dir=directory, prefix=".staging-")
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
                out.write(file.content)
            os.chmod(staging_name, 0o644)
            staged.append((Path(staging_name), directory / file.name))
        for staging, final in staged:
            staging.replace(final)
    except OSError as error:
        for staging, _ in staged:
            staging.unlink(missing_ok=True)
        raise MigrationFileError(f"cannot write to {directory}: {error.strerror}") from None
    return [final for _, final in staged]
