"""A job's inline files, written to a private folder so the same loaders as the CLI read them."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from agent.bus.messages import ErrorLocation, Job, JobError, JobRejected
from agent.schema import LoadedSchema, SchemaError, load_schema_dir
from agent.schema.diagnostics import format_key_path
from agent.schema.tables import Schema

__all__ = ["OLD", "has_schema", "job_folder", "load_schema_or_reject", "refuse_sql_objects", "reject"]

OLD = "old"


@contextlib.contextmanager
def job_folder(job: Job) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=f"job-{job.job_id[:40]}-") as name:
        root = Path(name)
        (root / OLD).mkdir()
        for file_name, text in job.payload.items():
            (root / file_name).write_text(text, encoding="utf-8")
        yield root


def has_schema(folder: Path) -> bool:
    return any(p.suffix in (".yaml", ".yml") for p in folder.iterdir())


def reject(code: str, message: str, **details: object) -> JobRejected:
    return JobRejected(JobError(code=code, message=message, details=dict(details)))


def load_schema_or_reject(folder: Path, label: str = "", *, allow_sql_objects: bool = False) -> LoadedSchema:
    if not has_schema(folder):
        raise reject("no_schema", f"the payload holds no {label}YAML schema files")
    try:
        loaded = load_schema_dir(folder)
    except SchemaError as error:
        problems = [d for d in error.diagnostics if not d.warning]
        locations = [ErrorLocation(file=f"{label}{d.location.file}", line=d.location.line, column=d.location.column,
                                   path=format_key_path(d.key_path), message=d.message) for d in problems]
        message = f"{len(problems)} error(s) in the {label}schema; first: {problems[0] if problems else error}"
        raise JobRejected(JobError(code="invalid_schema", message=message, locations=locations)) from None
    refuse_sql_objects(loaded.schema, allow_sql_objects, f"{label}schema")
    return loaded


def refuse_sql_objects(schema: Schema, allowed: bool, what: str) -> None:
    """`sql_objects_refused` when `schema` (a job's YAML or snapshot) carries SQL objects
    and the operator does not allow them: they are code the scratch database would run."""
    if schema.sql_objects and not allowed:
        names = ", ".join(o.name for o in schema.sql_objects)
        raise reject("sql_objects_refused", f"the {what} carries SQL objects ({names}): they are code, "
                     "which a job may bring only where the operator allows it (AGENT_ALLOW_SQL_OBJECTS=1)",
                     objects=[o.name for o in schema.sql_objects])
