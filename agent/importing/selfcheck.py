"""The safety net: load the imported files and compare them with the database.

Whatever the importers missed shows up here as a difference between what the YAML
promises and what the catalog holds, so nothing is dropped without a word.
"""

from __future__ import annotations

from collections.abc import Mapping

from agent.catalog.model import Catalog, Table
from agent.importing.problems import Problem
from agent.importing.sql_text import Simplifier
from agent.schema import SchemaError, load_schema_sources
from agent.schema.tables import UPDATED_AT_FUNCTION, Schema
from agent.verify.schema_compare import compare_schema

__all__ = ["self_check"]


def self_check(texts: Mapping[str, str], catalog: Catalog, tables: tuple[str, ...], *,
               column_order: bool = True) -> list[Problem]:
    try:
        loaded = load_schema_sources(texts)
    except SchemaError as error:
        return [Problem(d.location.file, f"the imported YAML does not load: {d}")
                for d in error.diagnostics]
    notes = [Problem(w.location.file, f"loading the imported YAML warns: {w}", "note")
             for w in loaded.warnings]
    written = {UPDATED_AT_FUNCTION} | {o.defines for o in loaded.schema.sql_objects if o.defines}
    imported = catalog.model_copy(update={
        "tables": tuple(_simplified(t) for t in catalog.tables if t.name in tables),
        "functions": tuple(f for f in catalog.functions if f.name in written),
        "views": tuple(v for v in catalog.views if v.name in {o.view for o in loaded.schema.sql_objects}),
    })
    schema, added = _without_added_indexes(loaded.schema, imported)
    findings = compare_schema(schema, imported, column_order=column_order)
    return notes + added + [Problem(f.table or "", f"the imported YAML differs: {f.message}")
                    for f in findings if not f.passed]


def _simplified(table: Table) -> Table:
    """Stored expressions with PostgreSQL's own casts removed (`'-10'::integer` is `-10`), as
    the importer wrote them, so that the comparison's normal form sees equal things as equal."""
    simplify = Simplifier({c.name: c.type for c in table.columns}).simplify
    return table.model_copy(update={
        "constraints": tuple(c.model_copy(update={"expression": simplify(c.expression)})
                             if c.expression else c for c in table.constraints),
        "columns": tuple(c.model_copy(update={"default": simplify(c.default)})
                         if c.default else c for c in table.columns),
    })


def _without_added_indexes(schema: Schema, catalog: Catalog) -> tuple[Schema, list[Problem]]:
    """Indexes the agent adds by itself (a foreign key's, the tenant column's) that the
    database lacks are additions, not losses: noted, and left out of the comparison."""
    notes: list[Problem] = []
    tables = []
    for table in schema.tables:
        present = {i.name for t in catalog.tables if t.name == table.name for i in t.indexes}
        added = [i for i in table.indexes if i.automatic and i.name not in present]
        notes += [Problem(table.name, f"the YAML adds index {i.name} on ({', '.join(i.keys)}), "
                          "which the database does not have", "note") for i in added]
        tables.append(table.model_copy(update={"indexes": tuple(i for i in table.indexes if i not in added)}))
    return schema.model_copy(update={"tables": tuple(tables)}), notes
