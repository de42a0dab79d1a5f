"""The YAML schema language: loading, validation with locations, and resolution."""

from agent.schema.diagnostics import Diagnostic, Location, SchemaError
from agent.schema.load import LoadedSchema, load_schema_dir, load_schema_sources
from agent.schema.tables import Schema, Table

__all__ = [
    "Diagnostic",
    "LoadedSchema",
    "Location",
    "Schema",
    "SchemaError",
    "Table",
    "load_schema_dir",
    "load_schema_sources",
]
