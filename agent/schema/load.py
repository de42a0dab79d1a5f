"""Schema folders (or inline files) to a validated, resolved `Schema`.

Every error of a run is collected and raised together; warnings come back with
the result. Nothing downstream runs when there is an error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from agent.schema.diagnostics import Diagnostic, KeyPath, Location, SchemaError
from agent.schema.model import Entity, Project, ProjectFile
from agent.schema.recover import Recovery, table_of_file
from agent.schema.resolve import resolve
from agent.schema.sql_objects import SqlObjectError, sql_object
from agent.schema.suggest import did_you_mean, keys_at, literal_choices
from agent.schema.tables import Schema
from agent.schema.yaml_source import SourceDocument, read_source_file, read_yaml_bytes

__all__ = ["LoadedSchema", "load_schema_dir", "load_schema_sources"]

PROJECT_FILE = "project.yaml"
_KEBAB = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\.ya?ml\Z")


@dataclass
class LoadedSchema:
    schema: Schema
    warnings: list[Diagnostic] = field(default_factory=list)
    documents: dict[str, SourceDocument] = field(default_factory=dict)
    """By file name: the raw data, kept for snapshots and imports."""


def load_schema_dir(directory: Path, project_defaults: Mapping[str, Any] | None = None) -> LoadedSchema:
    if not directory.is_dir():
        raise SchemaError([Diagnostic(Location(str(directory), 1, 1), (), "not a directory")])
    files = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    sources: dict[str, bytes] = {}
    errors: list[Diagnostic] = []
    for path in files:
        try:
            sources[path.name] = read_source_file(path)
        except SchemaError as error:
            errors.extend(error.diagnostics)
    if errors:
        raise SchemaError(errors)
    return load_schema_sources(sources, project_defaults)


def load_schema_sources(
    sources: Mapping[str, bytes | str], project_defaults: Mapping[str, Any] | None = None
) -> LoadedSchema:
    """Validate and resolve files given by name; used for folders and for inline job payloads.
    `project_defaults` (`project.yaml` keys, from the project file) fill what `project.yaml` leaves
    out; a value both give differently is an error."""
    errors: list[Diagnostic] = []
    documents = _read_documents(sources, errors)
    recovery = Recovery(unavailable={table_of_file(name) for name in sources if name not in documents})
    project_document = documents.pop(PROJECT_FILE, None)
    project = _project(project_document, errors, project_defaults or {})
    entities = _entities(documents, errors, recovery)
    if not entities and not errors:
        errors.append(Diagnostic(Location("(schemas)", 1, 1), (), "no entity files found"))
    if errors:
        raise SchemaError([*errors, *_resolution_errors(project, entities, recovery, errors)])
    schema, diagnostics = resolve(project, entities)
    if project_document is not None:
        diagnostics += _owner_problems(project_document, project, schema)
    problems = [d for d in diagnostics if not d.warning]
    if problems:
        raise SchemaError(diagnostics)
    warnings = sorted((d for d in diagnostics if d.warning), key=Diagnostic.sort_key)
    return LoadedSchema(schema, warnings, {doc.path.name: doc for _, doc in entities})


def _read_documents(
    sources: Mapping[str, bytes | str], errors: list[Diagnostic]
) -> dict[str, SourceDocument]:
    documents = {}
    for name in sorted(sources):
        raw = sources[name]
        if not _KEBAB.match(name):
            message = "entity files are named in kebab-case, like storage-locations.yaml"
            errors.append(Diagnostic(Location(name, 1, 1), (), message))
            continue
        try:
            documents[name] = read_yaml_bytes(
                Path(name), raw.encode() if isinstance(raw, str) else raw
            )
        except SchemaError as error:
            errors.extend(error.diagnostics)
    return documents


def _project(document: SourceDocument | None, errors: list[Diagnostic], defaults: Mapping[str, Any]) -> Project:
    if document is None or document.data is None:
        return ProjectFile.model_validate({"project": defaults}).project
    if isinstance(document.data, dict):
        _check_project_defaults(document, document.data.get("project"), defaults, ("project",), errors)
    parsed = _validate(ProjectFile, document, errors)
    if not isinstance(parsed, ProjectFile):
        return Project()
    _check_sql_objects(document, parsed.project, errors)
    merged = _merged(defaults, parsed.project.model_dump(exclude_unset=True))
    return ProjectFile.model_validate({"project": merged}).project


def _check_sql_objects(document: SourceDocument, project: Project, errors: list[Diagnostic]) -> None:
    seen: set[str] = set()
    for i, spec in enumerate(project.sql_objects):
        where: KeyPath = ("project", "sql_objects", i)
        if spec.name in seen:
            errors.append(document.diagnostic((*where, "name"), f"another SQL object is named {spec.name!r}"))
        seen.add(spec.name)
        try:
            sql_object(spec)
        except SqlObjectError as error:
            errors.append(document.diagnostic((*where, error.key), str(error)))


def _owner_problems(document: SourceDocument, project: Project, schema: Schema) -> list[Diagnostic]:
    """A sequence's `owned_by` names a column of the schema: OWNED BY runs after the tables."""
    columns = {t.name: t.column_names for t in schema.tables}
    found = []
    for i, spec in enumerate(project.sql_objects):
        owner = spec.owned_by
        where: KeyPath = ("project", "sql_objects", i, "owned_by")
        if owner is not None and owner.table not in columns:
            found.append(document.diagnostic((*where, "table"), f"no table {owner.table!r} in the schema"
                                             + did_you_mean(owner.table, columns)))
        elif owner is not None and owner.column not in columns[owner.table]:
            found.append(document.diagnostic((*where, "column"), f"table {owner.table} has no column "
                                             f"{owner.column!r}" + did_you_mean(owner.column, columns[owner.table])))
    return found


def _check_project_defaults(document: SourceDocument, data: object, defaults: Mapping[str, Any],
                            where: KeyPath, errors: list[Diagnostic]) -> None:
    if not isinstance(data, dict):
        return
    for key, wanted in defaults.items():
        if key not in data:
            continue
        if isinstance(wanted, Mapping):
            _check_project_defaults(document, data[key], wanted, (*where, key), errors)
        elif data[key] != wanted:
            errors.append(document.diagnostic((*where, key), f"is {data[key]!r}, but the project file "
                                              f"(migration-agent.toml) says {wanted!r}: keep one"))


def _merged(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        merged[key] = _merged(base[key], value) if isinstance(value, Mapping) and isinstance(
            base.get(key), Mapping) else value
    return merged


def _entities(
    documents: dict[str, SourceDocument], errors: list[Diagnostic], recovery: Recovery
) -> list[tuple[Entity, SourceDocument]]:
    entities = []
    for document in documents.values():
        entity = _validate(Entity, document, errors)
        if isinstance(entity, Entity):
            entities.append((entity, document))
        else:
            recovery.attempt(document, _key_path)
    return entities


def _resolution_errors(
    project: Project, entities: list[tuple[Entity, SourceDocument]], recovery: Recovery,
    errors: list[Diagnostic],
) -> list[Diagnostic]:
    """What resolution finds besides `errors` (mended entities stand in for refused ones), so
    that one run reports every pass; none when the project settings themselves are in error."""
    if any(d.location.file == PROJECT_FILE for d in errors):
        return []
    _, diagnostics = resolve(project, [*entities, *recovery.entities], frozenset(recovery.unavailable))
    return [d for d in diagnostics if not d.warning and recovery.keeps(d)]


def _validate(
    model: type[BaseModel], document: SourceDocument, errors: list[Diagnostic]
) -> BaseModel | None:
    if not isinstance(document.data, dict):
        errors.append(document.diagnostic((), "the file must hold a mapping of keys"))
        return None
    try:
        return model.model_validate(document.data)
    except ValidationError as error:
        errors.extend(_pydantic_diagnostics(error, document, model))
        return None


def _pydantic_diagnostics(
    error: ValidationError, document: SourceDocument, model: type[BaseModel]
) -> list[Diagnostic]:
    by_path: dict[KeyPath, list[str]] = {}
    unknown_keys: set[KeyPath] = set()
    for item in error.errors():
        key_path = _key_path(document.data, item["loc"])
        message = _message(item, model)
        if item["type"] == "extra_forbidden":
            unknown_keys.add(key_path)
        if message not in by_path.setdefault(key_path, []):
            by_path[key_path].append(message)
    return [document.diagnostic(path, " or ".join(messages), at_key=path in unknown_keys)
            for path, messages in by_path.items()]


def _key_path(data: Any, loc: tuple[int | str, ...]) -> KeyPath:
    """Pydantic's location, minus the union member names it inserts."""
    path: list[str | int] = []
    current = data
    for part in loc:
        if _can_descend(current, part):
            current = current[part]
        elif isinstance(current, dict) and isinstance(part, str) and _is_field_name(part):
            path.append(part)
            current = None
            continue
        else:
            continue
        path.append(part)
    return tuple(path)


def _can_descend(current: Any, part: int | str) -> bool:
    if isinstance(current, dict):
        return part in current
    return isinstance(current, list) and isinstance(part, int) and part < len(current)


def _is_field_name(part: str) -> bool:
    return bool(re.fullmatch(r"[a-z_]+", part))


def _without_members(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """Pydantic's location without the union member it tried (a model name: keys are snake_case),
    so that the keys of every member are offered."""
    return tuple(part for part in loc if not (isinstance(part, str) and part[:1].isupper()))


def _message(item: Any, model: type[BaseModel]) -> str:
    kind = item["type"]
    if kind == "extra_forbidden":
        return "unknown key" + did_you_mean(item["loc"][-1], keys_at(model, _without_members(item["loc"][:-1])))
    if kind == "missing":
        return "required key is missing"
    if kind == "literal_error":
        expected = item.get("ctx", {}).get("expected", "")
        return f"must be one of {expected}" + did_you_mean(item.get("input"), literal_choices(expected))
    text = str(item["msg"])
    text = text.removeprefix("Value error, ")
    return text[0].lower() + text[1:] if text else text
