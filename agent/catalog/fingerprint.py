"""A stable hash of a catalog (or of any part of one, such as a single table)."""

from __future__ import annotations

import hashlib
import json

from pydantic import BaseModel

from agent.catalog.model import Catalog

__all__ = ["canonical_json", "fingerprint", "table_fingerprints"]


def canonical_json(model: BaseModel) -> str:
    """The model as JSON with sorted keys and no whitespace: equal models, equal text."""
    data = model.model_dump(mode="json")
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def fingerprint(model: BaseModel) -> str:
    """`sha256:` and the hex digest of the model's canonical JSON.

    >>> from agent.catalog.model import Catalog
    >>> fingerprint(Catalog()) == fingerprint(Catalog(schema_name="public"))
    True
    """
    digest = hashlib.sha256(canonical_json(model).encode("utf-8")).hexdigest()
    return f"sha256:{digest}"


def table_fingerprints(catalog: Catalog) -> dict[str, str]:
    """Each table's fingerprint, by name: what memory keeps to notice a table changed."""
    return {table.name: fingerprint(table) for table in catalog.tables}
