"""The JSON Schemas of the bus messages, published in docs/bus/ so other agents can validate.

`python -m agent.bus.json_schemas [DIR]` rewrites them (in ./docs/bus by default); a test fails when
they fall behind the models.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from agent.bus.messages import Job, JobResult, ReviewRequest

__all__ = ["DOCS", "SCHEMAS", "render_schemas", "write"]

# Relative to the project the command runs in: an installed package has no docs/ beside it.
DOCS = Path("docs") / "bus"
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


def write(directory: Path = DOCS) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, text in render_schemas().items():
        (directory / file_name).write_text(text, encoding="utf-8")
        written.append(directory / file_name)
    return written


if __name__ == "__main__":
    for path in write(Path(sys.argv[1]) if len(sys.argv) > 1 else DOCS):
        print(f"wrote {path}")
