"""The whole import: catalog -> documents -> YAML text, checked by loading it back."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from agent.catalog import Catalog, read_catalog
from agent.importing.from_catalog import ImportOptions, import_catalog
from agent.importing.problems import Problem
from agent.importing.selfcheck import self_check
from agent.importing.yaml_writer import dump_yaml

__all__ = ["ImportedFiles", "import_database", "import_texts"]


@dataclass
class ImportedFiles:
    texts: dict[str, str]
    """YAML text by file name."""
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def import_texts(catalog: Catalog, options: ImportOptions | None = None) -> ImportedFiles:
    result = import_catalog(catalog, options)
    texts = {name: dump_yaml(document) for name, document in result.documents.items()}
    by_name = options is not None and options.tenant_column_anywhere
    return ImportedFiles(texts, result.problems + self_check(texts, catalog, result.tables, column_order=not by_name))


async def import_database(connection: asyncpg.Connection, options: ImportOptions) -> ImportedFiles:
    return import_texts(await read_catalog(connection, options.schema), options)
