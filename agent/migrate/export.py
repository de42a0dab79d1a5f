"""Migrations in other runners' layouts: golang-migrate, dbmate, flyway."""

from __future__ import annotations

from agent.migrate.discovery import MigrationFile
from agent.migrate.files import NewFile

__all__ = ["FORMATS", "ExportError", "export_files"]

# Layouts whose versions or files another layout cannot take as they are: a goose or dbmate file
# holds both directions, a Flyway version has dots.
NOT_CONVERTED = frozenset({"goose", "dbmate", "flyway"})


class ExportError(ValueError):
    """The folder is in a layout export does not convert."""


def _golang_migrate(file: MigrationFile) -> list[NewFile]:
    stem = f"{file.version}_{file.slug}"
    return [NewFile(f"{stem}.up.sql", file.up_sql), NewFile(f"{stem}.down.sql", file.down_sql or "")]


def _dbmate(file: MigrationFile) -> list[NewFile]:
    up_option = "" if file.in_transaction() else " transaction:false"
    down_option = "" if file.down_sql is None or file.in_transaction(down=True) else " transaction:false"
    text = (f"-- migrate:up{up_option}\n{file.up_sql.rstrip()}\n\n"
            f"-- migrate:down{down_option}\n{(file.down_sql or '').rstrip()}\n")
    return [NewFile(f"{file.version}_{file.slug}.sql", text)]


def _flyway(file: MigrationFile) -> list[NewFile]:
    found = [NewFile(f"V{file.version}__{file.slug}.sql", file.up_sql)]
    if file.down_sql is not None:
        found.append(NewFile(f"U{file.version}__{file.slug}.sql", file.down_sql))
    return found


FORMATS = {"golang-migrate": _golang_migrate, "dbmate": _dbmate, "flyway": _flyway}


def export_files(files: list[MigrationFile], layout: str) -> list[NewFile]:
    """`files` in `layout`; raises `ExportError` for a folder in a layout in `NOT_CONVERTED`."""
    refused = sorted({f.layout for f in files} & NOT_CONVERTED)
    if refused:
        raise ExportError(f"export converts folders of one file per direction and numeric versions; this one is in "
                          f"{refused[0]} layout, which {layout} cannot take file by file")
    convert = FORMATS[layout]
    return [new for file in files for new in convert(file)]
