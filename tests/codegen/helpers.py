"""Shared by the codegen tests: the examples rendered, golden files, and the npm tool folder."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from agent.codegen import TARGETS, CodegenOptions, Files, render
from agent.schema.tables import Schema
from tests.generate.helpers import examples

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
MIGRATIONS = HERE.parents[1] / "migrations"
TOOLCHAINS: dict[str, dict[str, str]] = {
    "current": {
        "typescript": "7.0.2",
        "typeorm": "1.1.3",
        "reflect-metadata": "0.2.2",
        "prisma": "7.10.1",
        "@prisma/prisma-schema-wasm": "7.10.0-7.561d7b42579a2459cc8edf3788918b626c640023",
        "zod": "4.6.7",
    },
    "compat": {
        "typescript": "5.9.3",
        "typeorm": "0.3.28",
        "reflect-metadata": "0.2.2",
        "prisma": "6.19.3",
    },
}
"""Pinned, exactly. `current` are the newest majors (test_newest_majors says when they no longer are),
`compat` the previous ones (`codegen --compat`). The wasm build is Prisma's own schema parser, for its DMMF."""
NEWEST_MAJOR_WATCHED = ("typescript", "typeorm", "prisma", "zod")
TSCONFIG = {
    "compilerOptions": {
        "strict": True, "noEmit": True, "target": "ES2022", "module": "nodenext", "moduleResolution": "nodenext",
        "experimentalDecorators": True, "emitDecoratorMetadata": True, "skipLibCheck": True, "types": [],
    },
}
"""TypeScript 7 removed `baseUrl` and `moduleResolution: node`; packages resolve through a linked node_modules."""


def node_dir(toolchain: str = "current") -> Path:
    return HERE / ".node" / toolchain


NODE_DIR = node_dir()


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


def install_node_tools(toolchain: str = "current") -> str | None:
    """Install a toolchain's pinned npm packages into tests/codegen/.node/<toolchain> once; else why not."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        return "npm/node are not installed"
    folder = node_dir(toolchain)
    manifest = json.dumps({"private": True, "dependencies": TOOLCHAINS[toolchain]}, indent=2, sort_keys=True)
    stamp = folder / "installed.json"
    if stamp.exists() and stamp.read_text() == manifest:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "package.json").write_text(manifest)
    done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
                          cwd=folder, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        return f"npm install failed (offline?): {done.stderr.strip()[-500:]}"
    stamp.write_text(manifest)
    return None


def node_bin(name: str, toolchain: str = "current") -> str:
    return str(node_dir(toolchain) / "node_modules" / ".bin" / name)


def link_node_modules(root: Path, toolchain: str = "current") -> None:
    """Generated code in `root` imports typeorm, zod, prisma/config as an application would."""
    link = root / "node_modules"
    if not link.exists():
        link.symlink_to(node_dir(toolchain) / "node_modules", target_is_directory=True)
    (root / "package.json").write_text('{"private": true, "type": "commonjs"}\n')


def tsc(root: Path, include: list[str], toolchain: str = "current",
        **options: object) -> subprocess.CompletedProcess[str]:
    """`tsc --strict` over the globs in `include`, below `root`; extra compiler options as keywords."""
    link_node_modules(root, toolchain)
    config = {"compilerOptions": {**TSCONFIG["compilerOptions"], **options}, "include": include}
    (root / "tsconfig.json").write_text(json.dumps(config))
    return subprocess.run([node_bin("tsc", toolchain), "-p", str(root / "tsconfig.json")], capture_output=True,
                          text=True, timeout=180, check=False)


def prisma_validate(folder: Path, toolchain: str = "current") -> subprocess.CompletedProcess[str]:
    """`prisma validate` as a project runs it: Prisma 7 from the folder holding prisma.config.ts."""
    link_node_modules(folder, toolchain)
    arguments = [] if toolchain == "current" else ["--schema", str(folder / "schema.prisma")]
    return subprocess.run([node_bin("prisma", toolchain), "validate", *arguments], cwd=folder, capture_output=True,
                          text=True, env=prisma_env(), timeout=120, check=False)


def prisma_env() -> dict[str, str]:
    """Validation runs in Prisma's wasm module; fake engine paths stop the CLI downloading binaries."""
    return {**os.environ, "DATABASE_URL": "postgresql://user@localhost:5432/db", "CHECKPOINT_DISABLE": "1",
            "PRISMA_HIDE_UPDATE_MESSAGE": "1", "PRISMA_SCHEMA_ENGINE_BINARY": "/bin/false",
            "PRISMA_QUERY_ENGINE_LIBRARY": "/bin/false"}


def migration_files() -> list[Path]:
    return sorted(p for p in MIGRATIONS.glob("*.sql") if not p.stem.endswith("_down"))


def strict_python_module(path: Path) -> ModuleType:
    """A generated Python module that passes `mypy --strict`, imported (skips without mypy or sqlalchemy)."""
    if importlib.util.find_spec("mypy") is None or importlib.util.find_spec("sqlalchemy") is None:
        pytest.skip("mypy and sqlalchemy are needed")
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(path)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module
