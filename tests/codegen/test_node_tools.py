"""The generated TypeScript and TypeORM compile with `tsc --strict`; Prisma validates the schema.

Each on the newest majors (TypeScript 7, TypeORM 1.x, Prisma 7) and, for `--compat`, on the previous ones.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from agent.codegen import CodegenOptions, render
from tests.codegen.helpers import (
    NEWEST_MAJOR_WATCHED,
    TOOLCHAINS,
    example_schema,
    prisma_validate,
    tsc,
    write_files,
)

pytestmark = pytest.mark.integration
current = pytest.mark.usefixtures("node_tools")
compat = pytest.mark.usefixtures("compat_node_tools")


@current
@pytest.mark.parametrize("decimal", ["string", "number"])
def test_typescript_and_typeorm_compile_strict(tmp_path: Path, decimal: str) -> None:
    files = render(example_schema(), ["ts", "typeorm", "prisma"],
                   CodegenOptions(decimal="number" if decimal == "number" else "string"))
    write_files(tmp_path, files)
    (tmp_path / "usage.ts").write_text(USAGE)
    done = tsc(tmp_path, ["*.ts", "ts/*.ts", "typeorm/*.ts", "prisma/prisma.config.ts"])
    assert done.returncode == 0, done.stdout + done.stderr


@compat
def test_compat_output_compiles_on_typescript_5_and_typeorm_0_3(tmp_path: Path) -> None:
    write_files(tmp_path, render(example_schema(), ["ts", "typeorm"], CodegenOptions(compat=True)))
    (tmp_path / "usage.ts").write_text(USAGE)
    done = tsc(tmp_path, ["*.ts", "ts/*.ts", "typeorm/*.ts"], "compat")
    assert done.returncode == 0, done.stdout + done.stderr


USAGE = """import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { LOT_QUALITY_STATUS, LOT_QUALITY_STATUS_VALUES, Lot, LotQualityStatus, NewLot } from './ts';
import { entities, Lot as LotEntity } from './typeorm';

const draft: NewLot = { tenantId: 't', lotNumber: 'L-1', materialId: 'm', unitOfMeasure: 'KG' };
const statuses: readonly string[] = LOT_QUALITY_STATUS_VALUES;
const first: LotQualityStatus = LOT_QUALITY_STATUS[0];
function shelfLife(lot: Lot): number | null {
  return lot.expirationDate && lot.manufacturedDate
    ? lot.expirationDate.getTime() - lot.manufacturedDate.getTime() : null;
}
const source = new DataSource({ type: 'postgres', entities, synchronize: false });
const repository = source.getRepository(LotEntity);
export { draft, statuses, first, shelfLife, repository };
"""


@current
def test_a_wrong_type_is_rejected_by_tsc(tmp_path: Path) -> None:
    """The compile test can fail: an enum value outside the union does not compile."""
    write_files(tmp_path, render(example_schema(), ["ts"], CodegenOptions()))
    (tmp_path / "bad.ts").write_text("import { NewLot } from './ts';\n"
                                     "export const x: NewLot = { tenantId: 't', lotNumber: 'l', materialId: 'm', "
                                     "unitOfMeasure: 'TONNES' };\n")
    done = tsc(tmp_path, ["*.ts", "ts/*.ts"])
    assert done.returncode != 0
    assert "TONNES" in done.stdout


@current
def test_typeorm_1_refuses_other_options_beside_synchronize_false(tmp_path: Path) -> None:
    """The bug this target had: `{ unique: true, synchronize: false }` is TS2769 on TypeORM 1.x."""
    (tmp_path / "entity.ts").write_text(
        "import { Entity, Index, PrimaryColumn } from 'typeorm';\n"
        "@Entity({ name: 'x' })\n@Index('idx_x_lower', { unique: true, synchronize: false })\n"
        "export class X {\n  @PrimaryColumn({ name: 'id', type: 'uuid' })\n  id!: string;\n}\n")
    done = tsc(tmp_path, ["*.ts"])
    assert "TS2769" in done.stdout


@current
def test_prisma_7_validates_the_schema_with_its_config(tmp_path: Path) -> None:
    write_files(tmp_path, render(example_schema(), ["prisma"], CodegenOptions()))
    done = prisma_validate(tmp_path / "prisma")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "is valid" in done.stdout + done.stderr
    assert "Loaded Prisma config from prisma.config.ts" in done.stdout + done.stderr


@current
def test_prisma_7_refuses_the_url_in_the_schema(tmp_path: Path) -> None:
    """Why the URL moved: the Prisma 6 schema (compat) does not validate on Prisma 7."""
    write_files(tmp_path, render(example_schema(), ["prisma"], CodegenOptions()))
    write_files(tmp_path, render(example_schema(), ["prisma"], CodegenOptions(compat=True)))
    done = prisma_validate(tmp_path / "prisma")
    assert done.returncode != 0
    assert "`url` is no longer supported" in done.stdout + done.stderr


@current
def test_prisma_validate_rejects_a_broken_schema(tmp_path: Path) -> None:
    files = render(example_schema(), ["prisma"], CodegenOptions())
    files["prisma/schema.prisma"] = files["prisma/schema.prisma"].replace("@db.Uuid", "@db.Uuuid", 1)
    write_files(tmp_path, files)
    assert prisma_validate(tmp_path / "prisma").returncode != 0


@compat
def test_compat_schema_validates_on_prisma_6(tmp_path: Path) -> None:
    files = render(example_schema(), ["prisma"], CodegenOptions(compat=True))
    assert "prisma/prisma.config.ts" not in files
    write_files(tmp_path, files)
    done = prisma_validate(tmp_path / "prisma", "compat")
    assert done.returncode == 0, done.stdout + done.stderr


_UNREACHABLE: set[str] = set()
"""Holds "npm" once the registry did not answer, so the other packages skip at once."""


@functools.cache
def _latest(package: str) -> str | None:
    """npm's `latest` for the package; None when the registry does not answer."""
    npm = shutil.which("npm")
    if npm is None or _UNREACHABLE:
        return None
    command = [npm, "view", package, "dist-tags.latest", "--json", "--fetch-retries=0", "--fetch-timeout=15000"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except subprocess.TimeoutExpired:
        done = None
    if done is None or done.returncode != 0 or not done.stdout.strip():
        _UNREACHABLE.add("npm")
        return None
    return str(json.loads(done.stdout))


def _major(version: str) -> int:
    return int(version.split(".")[0])


@pytest.mark.parametrize("package", NEWEST_MAJOR_WATCHED)
def test_pinned_versions_are_the_newest_majors(package: str) -> None:
    """Fails when npm's `latest` has moved to a new major: the codegen targets must follow (issue 21)."""
    latest = _latest(package)
    if latest is None:
        pytest.skip("the npm registry is not reachable")
    pinned = TOOLCHAINS["current"][package]
    assert _major(pinned) >= _major(latest), (
        f"{package} {latest} is out and the codegen tests pin {pinned}: a new major. Pin {latest} in "
        f"tests/codegen/helpers.py TOOLCHAINS['current'], make the generated code compile on it, and move "
        f"{pinned} to 'compat' if --compat should keep it.")
