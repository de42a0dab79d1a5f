"""Migrations in other runners' layouts: golang-migrate, dbmate, flyway."""

from __future__ import annotations

from agent.migrate.discovery import MigrationFile
from agent.migrate.files import NewFile

__all__ = ["FORMATS", "export_files"]


def _golang_migrate(file: MigrationFile) -> list[NewFile]:
    stem = f"{file.version}_{file.slug}"
    return [NewFile(f"{stem}.up.sql", file.up_sql), NewFile(f"{stem}.down.sql", file.down_sql or "")]


def _dbmate(file: MigrationFile) -> list[NewFile]:
    up_option = " transaction:false" if file.up_markers.no_transaction else ""
    down_option = " transaction:false" if file.down_markers.no_transaction else ""
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
    convert = FORMATS[layout]
    return [new for file in files for new in convert(file)]
