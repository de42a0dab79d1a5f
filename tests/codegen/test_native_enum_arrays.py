"""An array of a native enum (`type: array, items: {type: enum, native: Role}`, issue 23) is typed as
an array of the enum in every target, as its scalar sibling is: TypeScript and TypeORM the union's
array, Zod `z.array(z.enum(...))`, Prisma `Role[]`, SQLAlchemy `ARRAY` of the PostgreSQL enum.
tsc --strict accepts the type's values and refuses another; prisma validate and mypy --strict pass."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agent.codegen import CodegenOptions, render
from agent.schema import load_schema_sources
from agent.schema.tables import Schema
from tests.codegen.helpers import prisma_validate, strict_python_module, tsc, write_files
from tests.diff.test_native_enums import MEMBER as NATIVE_MEMBER

MEMBER = NATIVE_MEMBER + "  tags: {type: array, items: {type: string}}\n"


def _schema() -> Schema:
    return load_schema_sources({"project.yaml": "project:\n  naming: camelCase\n  enums:\n    Role: [USER, ADMIN]\n",
                                "member.yaml": MEMBER}).schema


def _files() -> dict[str, str]:
    return render(_schema(), ["ts", "zod", "typeorm", "prisma", "sqlalchemy", "pydantic"], CodegenOptions())


def test_each_target_types_the_array_by_the_enum() -> None:
    files = _files()
    assert "export const MEMBER_ROLES = ['USER', 'ADMIN'] as const;" in files["ts/member.ts"]
    assert "  roles?: MemberRoles[] | null;" in files["ts/member.ts"]
    assert "  tags?: string[] | null;" in files["ts/member.ts"]
    assert "roles: z.array(z.enum(['USER', 'ADMIN']))," in files["zod/member.ts"]
    entity = files["typeorm/member.entity.ts"]
    assert ('@Column({ name: "roles", type: "enum", enum: ["USER", "ADMIN"], enumName: "Role", array: true, '
            'nullable: true') in entity
    assert '@Column({ name: "role", type: "enum", enum: ["USER", "ADMIN"], enumName: "Role", default:' in entity
    assert "  roles!: MemberRoles[] | null;" in entity
    prisma = " ".join(files["prisma/schema.prisma"].split())
    assert 'roles Role[] @default(dbgenerated("ARRAY[\'USER\']::\\"Role\\"[]")) @map("roles")' in prisma
    models = files["sqlalchemy/models.py"]
    assert ('roles: Mapped[list[MemberRoles] | None] = mapped_column(ARRAY(ENUM("USER", "ADMIN", name="Role", '
            'create_type=False))') in models
    assert 'role: Mapped[MemberRole] = mapped_column(ENUM("USER", "ADMIN", name="Role", create_type=False)' in models
    assert "    roles: list[MemberRoles] | None = Field(default=None)" in files["pydantic/models.py"]


USES = """import { z } from 'zod';
import { NewMember } from './ts/member';
import { NewMemberSchema } from './zod/member';
import { Member as MemberEntity } from './typeorm/member.entity';

export const draft: NewMember = { role: 'ADMIN', roles: [ROLE] };
export const parsed: NonNullable<z.input<typeof NewMemberSchema>['roles']> = [ROLE];
export const entity: NonNullable<MemberEntity['roles']> = [ROLE];
"""


@pytest.mark.integration
@pytest.mark.usefixtures("node_tools")
def test_the_array_compiles_with_the_enums_values_only(tmp_path: Path) -> None:
    write_files(tmp_path, _files())
    (tmp_path / "uses.ts").write_text(USES.replace("ROLE", "'USER'"))
    done = tsc(tmp_path, ["uses.ts", "ts/*.ts", "zod/*.ts", "typeorm/*.ts"])
    assert done.returncode == 0, done.stdout + done.stderr
    (tmp_path / "uses.ts").write_text(USES.replace("ROLE", "'OWNER'"))
    done = tsc(tmp_path, ["uses.ts", "ts/*.ts", "zod/*.ts", "typeorm/*.ts"])
    errors = [line for line in done.stdout.splitlines() if "error TS" in line]
    assert [re.search(r"uses\.ts\((\d+),", line)[1] for line in errors] == ["6", "7", "8"]  # type: ignore[index]
    assert all("OWNER" in line for line in errors)
    validated = prisma_validate(tmp_path / "prisma")
    assert validated.returncode == 0, validated.stdout + validated.stderr


@pytest.mark.integration
def test_the_sqlalchemy_array_is_the_enum_type_and_passes_mypy_strict(tmp_path: Path) -> None:
    path = tmp_path / "native_enum_models.py"
    path.write_text(_files()["sqlalchemy/models.py"])
    roles = strict_python_module(path).Member.__table__.c.roles.type
    assert (roles.item_type.name, roles.item_type.enums) == ("Role", ["USER", "ADMIN"])


@pytest.mark.integration
@pytest.mark.usefixtures("compat_node_tools")
def test_the_array_compiles_on_the_previous_majors(tmp_path: Path) -> None:
    """TypeScript 5 and TypeORM 0.3 take the same enum column options; Prisma 6 the same enum list."""
    write_files(tmp_path, render(_schema(), ["ts", "typeorm", "prisma"], CodegenOptions(compat=True)))
    (tmp_path / "uses.ts").write_text("\n".join(line for line in USES.replace("ROLE", "'USER'").splitlines()
                                                if "zod" not in line.lower() and "parsed" not in line))
    done = tsc(tmp_path, ["uses.ts", "ts/*.ts", "typeorm/*.ts"], "compat")
    assert done.returncode == 0, done.stdout + done.stderr
    validated = prisma_validate(tmp_path / "prisma", "compat")
    assert validated.returncode == 0, validated.stdout + validated.stderr
