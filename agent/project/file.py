"""The project file: `migration-agent.toml`, or `[tool.migration-agent]` in `pyproject.toml`.

Found by walking up from the working directory. It gives the commands their defaults (folders,
tenant settings, lint and service settings) and names the databases; flags override it, and it
overrides the built-in defaults. A database URL may hold a password only as an environment
reference (`${STAGING_DATABASE_URL}`): the file is committed, a secret in it would be too.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from agent.project.locate import PROJECT_FILE, PYPROJECT, locate_project_file, read_toml, tool_table
from agent.schema.names import Naming

__all__ = [
    "DatabaseEntry",
    "LintSettings",
    "Project",
    "ProjectFileError",
    "ServiceSettings",
    "expand_environment",
    "find_project",
    "load_project_file",
]

_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SECRET_KEYS = re.compile(r"password|secret|token", re.IGNORECASE)


class ProjectFileError(ValueError):
    """The project file is unreadable or holds a value it may not; the message names file and key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseEntry(_Strict):
    url: str = Field(description="A PostgreSQL URL; a password only as ${ENVIRONMENT_VARIABLE}.")

    @field_validator("url")
    @classmethod
    def _no_literal_password(cls, value: str) -> str:
        without_references = _REFERENCE.sub("", value)
        if _REFERENCE.fullmatch(value.strip()):
            return value
        try:
            password = urlsplit(value).password
        except ValueError:
            password = None
        literal = password and not _REFERENCE.fullmatch(password)
        if literal or re.search(r"\bpassword\s*=\s*[^$\s]", without_references):
            raise ValueError("holds a literal password: write the URL (or its password) as "
                             "${ENVIRONMENT_VARIABLE} so no secret is committed")
        return value

    def resolved_url(self, environ: Mapping[str, str] | None = None) -> str:
        return expand_environment(self.url, environ)


class LintSettings(_Strict):
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    severity: dict[str, Literal["error", "warning"]] = Field(default_factory=dict)
    tool: str | None = None
    pg_version: int | None = Field(default=None, ge=10, le=30)
    exclude: tuple[str, ...] = ()
    small_tables: tuple[str, ...] = ()


class ServiceSettings(_Strict):
    nats_url: str | None = None
    concurrency: int | None = Field(default=None, ge=1, le=64)
    job_timeout: float | None = Field(default=None, ge=1)
    outage_tolerance: float | None = Field(default=None, ge=0)
    apply_targets: tuple[str, ...] = ()
    """Names from [databases] an `apply` job may name."""


class Project(_Strict):
    """What the file says, with its folder as the base of relative paths."""

    root: Path = Field(default_factory=Path.cwd, exclude=True)
    file: Path | None = Field(default=None, exclude=True)
    schemas_dir: Path = Path("schemas")
    migrations_dir: Path = Path("migrations")
    tenant_column: str | None = None
    tenant_setting: str | None = None
    app_role: str | None = None
    naming: Naming | None = None
    """The naming convention new table and column names are warned against (schemas/project.yaml's)."""
    databases: dict[str, DatabaseEntry] = Field(default_factory=dict)
    lint: LintSettings = Field(default_factory=LintSettings)
    service: ServiceSettings = Field(default_factory=ServiceSettings)

    def path(self, relative: Path) -> Path:
        """A path of the file's, shown relative to the working directory when it is below it."""
        return _shown(relative if relative.is_absolute() else self.root / relative)

    def database_url(self, name: str, environ: Mapping[str, str] | None = None) -> str:
        entry = self.databases.get(name)
        shown = _shown(self.file or Path(PROJECT_FILE))
        if entry is None:
            known = ", ".join(sorted(self.databases)) or "none"
            raise ProjectFileError(f"{shown}: no database named {name!r} in [databases] (named: {known})")
        try:
            return entry.resolved_url(environ)
        except ProjectFileError as error:
            raise ProjectFileError(f"{shown}: databases.{name}.url: {error}") from None

    def schema_defaults(self) -> dict[str, Any]:
        """The settings the file gives for the schema, as `schemas/project.yaml`'s `project:` keys."""
        tenant = {key: value for key, value in (("column", self.tenant_column), ("setting", self.tenant_setting))
                  if value is not None}
        found: dict[str, Any] = {"tenant": tenant} if tenant else {}
        found |= {"naming": self.naming} if self.naming else {}
        return found | ({"app_role": self.app_role} if self.app_role else {})

    def settings_for(self, command: str | None) -> dict[str, object]:
        """`Settings` fields the file gives, for one command: the service's NATS URL and apply
        targets only for the commands that use them, so an unset variable they reference does
        not stop `generate`."""
        values: dict[str, object] = {}
        if command in _NATS_COMMANDS and self.service.nats_url:
            values["nats_url"] = _expanded(self.service.nats_url, "service.nats_url", self.file)
        if command == "serve" and self.service.apply_targets:
            values["apply_targets"] = {name: self.database_url(name) for name in self.service.apply_targets}
        return values

    def default_map(self) -> dict[str, Any]:
        """Defaults for click, by command and option name: flags override them."""
        if self.file is None:
            return {}
        given = self.model_fields_set
        migrations = str(self.path(self.migrations_dir)) if "migrations_dir" in given else None
        schemas = str(self.path(self.schemas_dir)) if "schemas_dir" in given else None
        lint = {key: value for key, value in (
            ("enable", self.lint.enable), ("disable", self.lint.disable), ("tool_name", self.lint.tool),
            ("pg_version", self.lint.pg_version), ("small_tables", self.lint.small_tables),
            ("exclude", self.lint.exclude),
            ("severity", tuple(f"{code}={level}" for code, level in self.lint.severity.items())),
        ) if value}
        serve = {key: value for key, value in (
            ("concurrency", self.service.concurrency), ("job_timeout", self.service.job_timeout),
            ("outage_tolerance", self.service.outage_tolerance),
        ) if value is not None}
        folder = {"migrations_dir": migrations} if migrations else {}
        schema_folder = {"schemas_dir": schemas} if schemas else {}
        return {
            "generate": {**schema_folder, **folder},
            "diff": {**({"to_dir": schemas} if schemas else {}), **folder},
            "verify": folder,
            "export": {"directory": migrations} if migrations else {},
            "migrate": {name: {"directory": migrations} if migrations else {}
                        for name in ("status", "plan", "up", "down", "verify", "baseline")},
            "codegen": schema_folder,
            "lint": lint,
            "serve": serve,
        }


_NATS_COMMANDS = frozenset({"serve", "submit", "jobs", "status", "health"})


def _expanded(value: str, key: str, file: Path | None) -> str:
    try:
        return expand_environment(value)
    except ProjectFileError as error:
        raise ProjectFileError(f"{_shown(file or Path(PROJECT_FILE))}: {key}: {error}") from None


def expand_environment(value: str, environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if not environ.get(name):
            raise ProjectFileError(f"environment variable {name} is not set (or empty)")
        return environ[name]

    return _REFERENCE.sub(replace, value)


def find_project(start: Path | None = None) -> Project:
    """The project file above `start` (the working directory), or the built-in defaults."""
    found = locate_project_file(start)
    return load_project_file(found) if found else Project(root=(start or Path.cwd()).resolve())


def load_project_file(path: Path) -> Project:
    data = _read_toml(path)
    if path.name == PYPROJECT:
        data = tool_table(path) or {}
    _refuse_secrets(path, data, ())
    try:
        return Project.model_validate({**data, "root": path.parent, "file": path})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(file)"
        prefix = "tool.migration-agent." if path.name == PYPROJECT else ""
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ProjectFileError(f"{_shown(path)}: {prefix}{where}: {message}") from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return read_toml(path)
    except (OSError, UnicodeDecodeError) as error:
        raise ProjectFileError(f"{_shown(path)}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ProjectFileError(f"{_shown(path)}: not valid TOML: {error}") from None


def _refuse_secrets(path: Path, data: Mapping[str, Any], where: tuple[str, ...]) -> None:
    """A key that names a secret may hold only an environment reference."""
    for key, value in data.items():
        if isinstance(value, Mapping):
            _refuse_secrets(path, value, (*where, key))
        elif _SECRET_KEYS.search(key) and not (isinstance(value, str) and _REFERENCE.fullmatch(value)):
            dotted = ".".join((*where, key))
            raise ProjectFileError(f"{_shown(path)}: {dotted}: holds a literal secret: write it as "
                                   "${ENVIRONMENT_VARIABLE} so no secret is committed")


def _shown(path: Path) -> Path:
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path
