"""A Catalog to schema files: one kebab-case entity document per table, plus project.yaml.

What cannot be recovered from a database, and so is written with its default:
the project's `name`, `postgres_min_version` and `migrations_dir`; a property's
`renamed_from` and `backfill`; which file a table came from. An entity's name is
the PascalCase singular of its table (`storage_locations` -> `StorageLocation`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from agent.catalog.model import Catalog, Table
from agent.importing.context import TableImport
from agent.importing.entity import entity_document
from agent.importing.keys import implied_uniques
from agent.importing.lossy import check_other_objects
from agent.importing.objects import sql_object_documents
from agent.importing.problems import Problem, Problems
from agent.importing.shape import TENANT_TYPES, ImportOptions, Shape, primary_key_column, table_shape
from agent.migrate.baseline import TOOL_TABLES
from agent.migrate.tracking import TRACKING_TABLE
from agent.schema.allowed_calls import project_names
from agent.schema.load import PROJECT_FILE
from agent.schema.model import SqlObjectSpec
from agent.schema.names import Naming, detect_naming
from agent.schema.sql_objects import sql_object
from agent.sql.migration_file import BACKUP_PREFIX

__all__ = ["ImportOptions", "ImportResult", "file_name", "import_catalog"]


@dataclass
class ImportResult:
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    """By file name, `project.yaml` first; plain data in the spec's key order."""
    problems: list[Problem] = field(default_factory=list)
    tables: tuple[str, ...] = ()
    """The tables that were imported."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def import_catalog(catalog: Catalog, options: ImportOptions | None = None) -> ImportResult:
    options = _with_tenant_type(catalog, options or ImportOptions())
    problems = Problems()
    shapes = {s.name: s for s in (_shape(t, options, problems) for t in catalog.tables) if s}
    implied = implied_uniques(shapes, options)
    enums = {e.name: e.labels for e in catalog.enums}
    result = ImportResult(documents={PROJECT_FILE: project_document(options, _naming(shapes.values()), enums)})
    objects = sql_object_documents(catalog, [s.table for s in shapes.values()],
                                   {s.name for s in shapes.values() if s.audit}, problems)
    if objects:
        result.documents[PROJECT_FILE]["project"]["sql_objects"] = objects
    parsed = [sql_object(SqlObjectSpec.model_validate(spec)) for spec in objects]
    sequences = frozenset(o.sequence for o in parsed if o.sequence)
    with project_names((o.defines for o in parsed if o.defines), enums, sequences):
        for shape in shapes.values():
            _add_entity(result, TableImport(shape, shapes, options, problems, implied, enums, sequences=sequences))
    check_other_objects(catalog, any(s.audit for s in shapes.values()), problems)
    result.tables = tuple(shapes)
    result.problems = problems.items
    return result


def _add_entity(result: ImportResult, work: TableImport) -> None:
    stem, number = file_name(work.name).removesuffix(".yaml"), 2
    name = f"{stem}.yaml"
    while name in result.documents:  # `User` and `user` both read as user.yaml
        name, number = f"{stem}-{number}.yaml", number + 1
    document = entity_document(work)
    taken = {d.get("entity") for d in result.documents.values()}
    base, number = document["entity"], 2
    while document["entity"] in taken:  # `a b` and `a_b` both read as AB
        document["entity"], number = f"{base}{number}", number + 1
    result.documents[name] = document


def _with_tenant_type(catalog: Catalog, options: ImportOptions) -> ImportOptions:
    """The tenant column's type, as most tables that have it hold it."""
    kinds = Counter(c.type for t in catalog.tables for c in t.columns[1:2]
                    if c.name == options.tenant_column and c.type in TENANT_TYPES)
    if not kinds:
        return options
    best = sorted(kinds.items(), key=lambda item: (-item[1], item[0]))[0][0]
    return replace(options, tenant_type=best)


def _shape(table: Table, options: ImportOptions, problems: Problems) -> Shape | None:
    if table.name.startswith(BACKUP_PREFIX):
        problems.note(table.name, "a backup table made by a down migration; not imported")
        return None
    if table.name == TRACKING_TABLE:
        problems.note(table.name, "the agent's record of applied migrations; not imported")
        return None
    tool = next((t for t in TOOL_TABLES if t.table == table.name), None)
    if tool is not None:
        problems.note(table.name, f"the record of what {' or '.join(tool.layouts)} applied "
                      "(`migrate baseline` reads it); not imported")
        return None
    if table.partition_of is not None:
        problems.lost(table.name, f"a partition of {table.partition_of}; partitions are not imported")
        return None
    return table_shape(table, primary_key_column(table), options)


def file_name(table: str) -> str:
    """`storage_locations` -> `storage-locations.yaml`, `TemplateDirectLink` ->
    `template-direct-link.yaml` (`project` -> `project-table.yaml`)."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", table)
    stem = re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-") or "table"
    return f"{stem}-table.yaml" if stem == "project" else f"{stem}.yaml"


def _naming(shapes: Iterable[Shape]) -> Naming:
    tables = [s.name for s in shapes]
    columns = [c.name for s in shapes for c in s.table.columns]
    return detect_naming(tables, columns)


def project_document(options: ImportOptions, naming: Naming = "snake_case",
                     enums: Mapping[str, tuple[str, ...]] | None = None) -> dict[str, Any]:
    return {"project": {
        "name": "wms", "postgres_min_version": 15,
        "tenant": {"column": options.tenant_column, "type": options.tenant_type, "setting": options.setting},
        "app_role": options.app_role, "migrations_dir": "migrations",
        **({} if naming == "snake_case" else {"naming": naming}),
        **({"enums": {name: list(values) for name, values in sorted(enums.items())}} if enums else {}),
    }}
