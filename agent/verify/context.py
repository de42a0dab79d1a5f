"""What every verification step receives: the database after `up`, the schema it promised."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import asyncpg

from agent.catalog import Catalog
from agent.schema.tables import Schema

__all__ = ["TENANT_A", "TENANT_B", "VerifyContext"]

TENANT_A = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"
TENANT_B = "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb"


@dataclass
class VerifyContext:
    connection: asyncpg.Connection
    """Connected as the database owner (the migrations' owner), outside any transaction."""
    database_url: str
    schema: Schema
    """The resolved YAML schema the migrations claim to build."""
    catalog: Catalog
    """The catalog read back after `up`."""
    rows_per_table: int = 10_000
    seed: int = 1
    figures: dict[str, float] = field(default_factory=dict)
    """Measurements steps report (rows loaded, milliseconds); copied into the report."""
    sample: Any = None
    """The `SampleData` the sample step loaded: keys per table and tenant."""
