"""The JSON Schemas of the bus messages, published in docs/bus/ so other agents can validate.

`python -m agent.bus.json_schemas` rewrites them; a test fails when they fall behind the models.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from agent.bus.messages import Job, JobResult, ReviewRequest

__all__ = ["DOCS", "SCHEMAS", "render_schemas"]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "bus"
SCHEMAS: dict[str, type[BaseModel]] = {
    "job.schema.json": Job, "result.schema.json": JobResult, "review-request.schema.json": ReviewRequest,
}


def render_schemas() -> dict[str, str]:
    rendered = {}
    for name, model in SCHEMAS.items():
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                  "$id": f"https://migration-agent.dev/schemas/{name}", **model.model_json_schema()}
        rendered[name] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return rendered


if __name__ == "__main__":
    DOCS.mkdir(parents=True, exist_ok=True)
    for file_name, text in render_schemas().items():
        (DOCS / file_name).write_text(text, encoding="utf-8")
        print(f"wrote {DOCS / file_name}")
