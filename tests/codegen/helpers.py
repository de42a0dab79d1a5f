"""Shared by the codegen tests: the examples rendered, golden files, and the npm tool folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from agent.codegen import TARGETS, CodegenOptions, Files, render
from agent.schema.tables import Schema
from tests.generate.helpers import examples

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
NODE_DIR = HERE / ".node"
MIGRATIONS = HERE.parents[1] / "migrations"
PACKAGES = {
    "typescript": "5.9.3",
    "typeorm": "0.3.28",
    "reflect-metadata": "0.2.2",
    "prisma": "6.19.3",
    "@prisma/prisma-schema-wasm": "7.1.1-3.c2990dca591cba766e3b7ef5d9e8a84796e47ab7",
}
"""Pinned; prisma 6 keeps `url` in the datasource block, and the wasm build matches its engines."""


def example_schema() -> Schema:
    return examples().schema


def rendered(options: CodegenOptions | None = None) -> Files:
    return render(example_schema(), list(TARGETS), options or CodegenOptions())


def golden_files() -> Files:
    return {p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(GOLDEN.rglob("*")) if p.is_file()}


def write_files(root: Path, files: Files) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def install_node_tools() -> str | None:
    """Install the pinned npm packages into tests/codegen/.node once; the reason when impossible."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        return "npm/node are not installed"
    manifest = json.dumps({"private": True, "dependencies": PACKAGES}, indent=2, sort_keys=True)
    stamp = NODE_DIR / "installed.json"
    if stamp.exists() and stamp.read_text() == manifest:
        return None
    NODE_DIR.mkdir(exist_ok=True)
    (NODE_DIR / "package.json").write_text(manifest)
    done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
                          cwd=NODE_DIR, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        return f"npm install failed (offline?): {done.stderr.strip()[-500:]}"
    stamp.write_text(manifest)
    return None


def node_bin(name: str) -> str:
    return str(NODE_DIR / "node_modules" / ".bin" / name)


def prisma_env() -> dict[str, str]:
    """Validation runs in Prisma's wasm module; fake engine paths stop the CLI downloading binaries."""
    return {**os.environ, "DATABASE_URL": "postgresql://user@localhost:5432/db", "CHECKPOINT_DISABLE": "1",
            "PRISMA_HIDE_UPDATE_MESSAGE": "1", "PRISMA_SCHEMA_ENGINE_BINARY": "/bin/false",
            "PRISMA_QUERY_ENGINE_LIBRARY": "/bin/false"}


def migration_files() -> list[Path]:
    return sorted(p for p in MIGRATIONS.glob("*.sql") if not p.stem.endswith("_down"))
