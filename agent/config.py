"""Settings from the environment, overridden by command-line flags.

Every server URL is optional: when one is missing the agent starts its own
embedded server (see `agent.embedded`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from agent.postgres_url import postgres_url_problem
from agent.verify.pool import scratch_urls

__all__ = ["ConfigError", "LogFormat", "ScratchBackend", "Settings", "load_settings"]


class ConfigError(ValueError):
    """A setting is present but unusable; the message names the setting."""


class ScratchBackend(StrEnum):
    EMBEDDED = "embedded"
    SERVER = "server"
    TESTCONTAINERS = "testcontainers"


class LogFormat(StrEnum):
    AUTO = "auto"
    JSON = "json"
    CONSOLE = "console"


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    database_url: str | None = None
    scratch_database_url: str | None = None
    scratch_backend: ScratchBackend = ScratchBackend.EMBEDDED
    scratch_postgres_image: str = "postgres:16"
    scratch_statement_timeout_s: float = Field(default=60.0, gt=0)
    """Every scratch session's statement_timeout, in seconds."""
    scratch_max_age_s: float = Field(default=86_400.0, gt=0)
    """A scratch database made on another host is swept once older than this (seconds); on this
    host, once the process that made it is gone."""
    nats_url: str | None = None
    stream_replicas: int = Field(default=1, ge=1, le=5)
    """Copies of the agent's streams and artifacts bucket on NATS: 1 on one server, 3 on a cluster."""
    data_dir: Path = Field(default_factory=lambda: Path.cwd() / ".agent")
    log_format: LogFormat = LogFormat.AUTO
    log_level: str = "info"
    apply_targets: dict[str, str] = Field(default_factory=dict)
    allow_sql_objects: bool = False
    """Jobs on the bus may carry `sql_objects` (functions, triggers, views: code) only when true."""
    """Databases an `apply` job may name, by name; a job never carries a URL (credentials would
    sit in the stream) and cannot reach a database the operator did not list."""

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: str | None) -> str | None:
        problem = postgres_url_problem(value) if value else None
        if problem:
            raise ValueError(problem)
        return value or None

    @field_validator("scratch_database_url")
    @classmethod
    def _scratch_urls(cls, value: str | None) -> str | None:
        """One server's URL, or a pool's URLs separated by commas."""
        urls = scratch_urls(value or "")
        for number, url in enumerate(urls, 1):
            problem = postgres_url_problem(url)
            if problem:
                raise ValueError(f"server {number} of {len(urls)} {problem}" if len(urls) > 1 else problem)
        return value or None

    @field_validator("nats_url")
    @classmethod
    def _nats_url(cls, value: str | None) -> str | None:
        if value and not all(
            part.strip().startswith(("nats://", "tls://", "ws://", "wss://"))
            for part in value.split(",")
        ):
            raise ValueError("must be nats://host:port (comma-separated for a cluster)")
        return value or None

    @field_validator("apply_targets", mode="before")
    @classmethod
    def _apply_targets(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as error:
                raise ValueError(f'must be a JSON object like {{"staging": "postgresql://..."}} ({error})') from None
        if isinstance(value, dict):
            for name, url in value.items():
                problem = postgres_url_problem(str(url))
                if problem:
                    raise ValueError(f"target {name!r} {problem}")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        if value.lower() not in {"debug", "info", "warning", "error"}:
            raise ValueError("must be one of debug, info, warning, error")
        return value.lower()


_ENVIRONMENT = {
    "database_url": "DATABASE_URL",
    "scratch_database_url": "SCRATCH_DATABASE_URL",
    "scratch_backend": "SCRATCH_BACKEND",
    "scratch_postgres_image": "SCRATCH_POSTGRES_IMAGE",
    "scratch_statement_timeout_s": "SCRATCH_STATEMENT_TIMEOUT",
    "scratch_max_age_s": "SCRATCH_MAX_AGE",
    "nats_url": "NATS_URL",
    "stream_replicas": "AGENT_STREAM_REPLICAS",
    "data_dir": "AGENT_DATA_DIR",
    "log_format": "AGENT_LOG_FORMAT",
    "log_level": "AGENT_LOG_LEVEL",
    "apply_targets": "AGENT_APPLY_TARGETS",
    "allow_sql_objects": "AGENT_ALLOW_SQL_OBJECTS",
}


def load_settings(
    overrides: Mapping[str, object] | None = None,
    environ: Mapping[str, str] | None = None,
    from_file: Mapping[str, object] | None = None,
) -> Settings:
    """The project file's values, then the environment, then explicit overrides (CLI flags);
    `None` overrides are ignored."""
    environ = os.environ if environ is None else environ
    values: dict[str, object] = dict(from_file or {})
    values.update({field: environ[name] for field, name in _ENVIRONMENT.items() if environ.get(name)})
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    try:
        return Settings.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "settings"
        source = _ENVIRONMENT.get(field, field)
        raise ConfigError(f"{source}: {first['msg']}") from None
