"""A stable hash of a catalog (or of any part of one, such as a single table)."""

from __future__ import annotations

import hashlib
import json

from pydantic import BaseModel

__all__ = ["canonical_json", "fingerprint"]


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
