"""Introspection of a database schema into a Catalog; fingerprints; comparison in words."""

from __future__ import annotations

from agent.catalog.compare import Difference, compare
from agent.catalog.fingerprint import canonical_json, fingerprint, table_fingerprints
from agent.catalog.introspect import SchemaNotFoundError, read_catalog
from agent.catalog.model import (
    Catalog,
    Column,
    Constraint,
    EnumType,
    Function,
    Grant,
    Index,
    Policy,
    Sequence,
    Table,
    Trigger,
    View,
    named,
)

__all__ = [
    "Catalog",
    "Column",
    "Constraint",
    "Difference",
    "EnumType",
    "Function",
    "Grant",
    "Index",
    "Policy",
    "SchemaNotFoundError",
    "Sequence",
    "Table",
    "Trigger",
    "View",
    "canonical_json",
    "compare",
    "fingerprint",
    "named",
    "read_catalog",
    "table_fingerprints",
]
