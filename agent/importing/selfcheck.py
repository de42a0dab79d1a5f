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
from agent.schema.tables import UPDATED_AT_FUNCTION
from agent.verify.schema_compare import compare_schema

__all__ = ["self_check"]


def self_check(texts: Mapping[str, str], catalog: Catalog, tables: tuple[str, ...]) -> list[Problem]:
    try:
        loaded = load_schema_sources(texts)
    except SchemaError as error:
        return [Problem(d.location.file, f"the imported YAML does not load: {d}")
                for d in error.diagnostics]
    notes = [Problem(w.location.file, f"loading the imported YAML warns: {w}", "note")
             for w in loaded.warnings]
    imported = catalog.model_copy(update={
        "tables": tuple(_simplified(t) for t in catalog.tables if t.name in tables),
        "functions": tuple(f for f in catalog.functions if f.name == UPDATED_AT_FUNCTION),
    })
    findings = compare_schema(loaded.schema, imported)
    return notes + [Problem(f.table or "", f"the imported YAML differs: {f.message}")
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
