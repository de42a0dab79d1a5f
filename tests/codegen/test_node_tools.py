"""The generated TypeScript and TypeORM compile with `tsc --strict`; Prisma accepts the schema."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from agent.codegen import CodegenOptions, render
from tests.codegen.helpers import NODE_DIR, example_schema, node_bin, prisma_env, write_files

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("node_tools")]

TSCONFIG = {
    "compilerOptions": {
        "strict": True, "noEmit": True, "target": "ES2021", "module": "commonjs", "moduleResolution": "node",
        "experimentalDecorators": True, "emitDecoratorMetadata": True, "skipLibCheck": True,
        "types": [], "baseUrl": ".",
    },
    "include": ["**/*.ts"],
}


def _tsc(root: Path) -> subprocess.CompletedProcess[str]:
    config = json.loads(json.dumps(TSCONFIG))
    config["compilerOptions"]["paths"] = {"*": [str(NODE_DIR / "node_modules" / "*")]}
    (root / "tsconfig.json").write_text(json.dumps(config))
    return subprocess.run([node_bin("tsc"), "-p", str(root / "tsconfig.json")], capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.mark.parametrize("decimal", ["string", "number"])
def test_typescript_and_typeorm_compile_strict(tmp_path: Path, decimal: str) -> None:
    files = render(example_schema(), ["ts", "typeorm"], CodegenOptions(decimal="number" if decimal == "number"
                                                                       else "string"))
    write_files(tmp_path, files)
    (tmp_path / "usage.ts").write_text(USAGE)
    done = _tsc(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


USAGE = """import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { LOT_QUALITY_STATUS_VALUES, Lot, NewLot } from './ts';
import { entities, Lot as LotEntity } from './typeorm';

const draft: NewLot = { tenantId: 't', lotNumber: 'L-1', materialId: 'm', unitOfMeasure: 'KG' };
const statuses: readonly string[] = LOT_QUALITY_STATUS_VALUES;
function shelfLife(lot: Lot): number | null {
  return lot.expirationDate && lot.manufacturedDate
    ? lot.expirationDate.getTime() - lot.manufacturedDate.getTime() : null;
}
const source = new DataSource({ type: 'postgres', entities, synchronize: false });
const repository = source.getRepository(LotEntity);
export { draft, statuses, shelfLife, repository };
"""


def test_a_wrong_type_is_rejected_by_tsc(tmp_path: Path) -> None:
    """The compile test can fail: an enum value outside the union does not compile."""
    write_files(tmp_path, render(example_schema(), ["ts"], CodegenOptions()))
    (tmp_path / "bad.ts").write_text("import { NewLot } from './ts';\n"
                                     "export const x: NewLot = { tenantId: 't', lotNumber: 'l', materialId: 'm', "
                                     "unitOfMeasure: 'TONNES' };\n")
    done = _tsc(tmp_path)
    assert done.returncode != 0
    assert "TONNES" in done.stdout


def prisma_validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([node_bin("prisma"), "validate", "--schema", str(path)], capture_output=True, text=True,
                          env=prisma_env(), timeout=120, check=False)


def test_prisma_validate_accepts_the_schema(tmp_path: Path) -> None:
    write_files(tmp_path, render(example_schema(), ["prisma"], CodegenOptions()))
    done = prisma_validate(tmp_path / "prisma" / "schema.prisma")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "is valid" in done.stdout + done.stderr


def test_prisma_validate_rejects_a_broken_schema(tmp_path: Path) -> None:
    text = render(example_schema(), ["prisma"], CodegenOptions())["prisma/schema.prisma"]
    path = tmp_path / "schema.prisma"
    path.write_text(text.replace("@db.Uuid", "@db.Uuuid", 1))
    assert prisma_validate(path).returncode != 0
