"""The whole import: catalog -> documents -> YAML text, checked by loading it back."""

from __future__ import annotations

import re
from dataclasses import dataclass

import asyncpg

from agent.catalog import Catalog, read_catalog
from agent.importing.from_catalog import ImportOptions, import_catalog
from agent.importing.problems import Problem
from agent.importing.prune import prune_until_loaded
from agent.importing.redundant import mark_redundant_indexes
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
    pruned = prune_until_loaded(result.documents, dump_yaml)
    mark_redundant_indexes(result.documents, dump_yaml)
    texts = {name: dump_yaml(document) for name, document in result.documents.items()}
    by_name = options is not None and options.tenant_column_anywhere
    listed = result.problems + pruned
    checked = self_check(texts, catalog, result.tables, column_order=not by_name)
    return ImportedFiles(texts, listed + [p for p in checked if not _already_listed(p, listed)])


def _already_listed(problem: Problem, listed: list[Problem]) -> bool:
    """A difference the self-check finds about an object already listed as lost (or a key's
    `reason` the import wrote) says nothing new."""
    parts = problem.message.split(" / ")
    if len(parts) < 2 or problem.severity != "error":
        return False
    subject = parts[1].split(": ")[0].split(" is in the ")[0]
    same_table = [p.message for p in listed if p.table == problem.table and p.severity == "error"]
    if subject == "column order":
        return any("column " in m for m in same_table)
    return any(re.search(re.escape(subject) + r"(\b|\Z)", m) for m in same_table)


async def import_database(connection: asyncpg.Connection, options: ImportOptions) -> ImportedFiles:
    return import_texts(await read_catalog(connection, options.schema), options)
