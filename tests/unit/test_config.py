from __future__ import annotations

from pathlib import Path

import pytest

from agent.config import ConfigError, ScratchBackend, load_settings


def test_environment_then_flags() -> None:
    settings = load_settings(
        {"nats_url": "nats://10.0.0.1:4222", "data_dir": None},
        {"DATABASE_URL": "postgresql://u@h/db", "NATS_URL": "nats://a:1", "SCRATCH_BACKEND": "server"},
    )
    assert settings.database_url == "postgresql://u@h/db"
    assert settings.nats_url == "nats://10.0.0.1:4222"
    assert settings.scratch_backend is ScratchBackend.SERVER
    assert settings.data_dir == Path.cwd() / ".agent"


@pytest.mark.parametrize(
    ("variable", "value"),
    [("DATABASE_URL", "mysql://x"), ("NATS_URL", "http://x"), ("SCRATCH_BACKEND", "docker"),
     ("AGENT_APPLY_TARGETS", "staging=postgresql://h/db"), ("AGENT_APPLY_TARGETS", '{"staging": "mysql://h/db"}'),
     ("DATABASE_URL", "postgresql://u@h:70000/db"), ("SCRATCH_DATABASE_URL", "postgresql://u@h:port/db"),
     ("AGENT_APPLY_TARGETS", '{"staging": "postgresql://h:99999/db"}')],
)
def test_bad_setting_names_the_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        load_settings(environ={variable: value})


def test_server_backend_without_url_is_refused() -> None:
    from agent.runtime import ScratchBackendError, scratch_postgres_url

    settings = load_settings(environ={"SCRATCH_BACKEND": "server"})
    refused = pytest.raises(ScratchBackendError, match="SCRATCH_BACKEND=server needs SCRATCH_DATABASE_URL")
    with refused, scratch_postgres_url(settings):
        pass


def test_testcontainers_without_docker_is_a_clear_error() -> None:
    from agent.runtime import ScratchBackendError, scratch_postgres_url

    settings = load_settings(environ={"SCRATCH_BACKEND": "testcontainers", "DOCKER_HOST": "unix:///nonexistent"})
    with pytest.raises(ScratchBackendError, match="Docker is not usable"), scratch_postgres_url(settings):
        pass


def test_apply_targets_are_named_urls_from_the_environment() -> None:
    settings = load_settings({}, {"AGENT_APPLY_TARGETS": '{"staging": "postgresql://u@h/stage"}'})
    assert settings.apply_targets == {"staging": "postgresql://u@h/stage"}
    assert load_settings({}, {}).apply_targets == {}
