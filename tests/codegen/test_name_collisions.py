"""Database names that map to the same name in code (issue 23): `createdAt` and `created_at` in
camelCase, `a b` and `a_b`, tables `Account` and `ACCOUNT` (one module file name). Code generation
tells them apart deterministically (the column already named like the identifier keeps it, else the
first; another takes its own database name when that is an identifier, else a number) and says so
beside the field; the result compiles under tsc --strict, prisma validate and mypy --strict."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from agent.bus.messages import Job, JobRejected
from agent.codegen import CodegenOptions, render
from agent.codegen.names import CodeNameError, field_names, module_names, python_names, unique_members
from agent.commands.codegen import codegen_command
from agent.exit_codes import ExitCode
from agent.jobs.handlers import JobContext, run_job
from agent.schema import load_schema_sources
from agent.schema.tables import Schema
from tests.codegen.helpers import prisma_validate, strict_python_module, tsc, write_files
from tests.diff.test_native_enums import MEMBER

ACCOUNT = """version: 1
entity: {entity}
table: {entity}
tenant_scoped: false
audit: false
primary_key: id
properties:
  id: {{type: integer, serial: true}}
  createdAt: {{type: text}}
  created_at: {{type: text}}
  a b: {{type: text}}
  a_b: {{type: text, required: true}}
  kind x: {{type: enum, values: [A, B]}}
  kind_x: {{type: enum, values: [C, D]}}
  metadata: {{type: text}}
  class: {{type: integer}}
"""


def _schema() -> Schema:
    return load_schema_sources({"project.yaml": "project:\n  naming: preserve\n",
                                "account.yaml": ACCOUNT.format(entity="Account"),
                                "account-upper.yaml": ACCOUNT.format(entity="ACCOUNT")}).schema


def _files() -> dict[str, str]:
    return render(_schema(), ["ts", "zod", "typeorm", "prisma", "sqlalchemy", "pydantic"], CodegenOptions())


def test_colliding_columns_get_distinct_stable_names_in_code() -> None:
    table = _schema().table("Account")
    assert table is not None
    assert dict(field_names(table)) == {
        "id": "id", "createdAt": "createdAt", "created_at": "created_at", "a b": "aB", "a_b": "a_b",
        "kind x": "kindX", "kind_x": "kind_x", "metadata": "metadata", "class": "class"}
    assert dict(python_names(table, lambda name: name == "metadata")) == {
        "id": "id", "createdAt": "createdAt", "created_at": "created_at", "a b": "a_b2", "a_b": "a_b",
        "kind x": "kind_x2", "kind_x": "kind_x", "metadata": "metadata_", "class": "class_"}
    assert module_names(_schema()) == {"ACCOUNT": "account", "Account": "account-2"}


@pytest.mark.integration
def test_pydantic_fields_are_never_private_attributes(tmp_path: Path) -> None:
    """A leading `_` makes a pydantic attribute private (no field): `_id` is the field `id`, or `id2`
    beside a column `id`, with the exact name as its alias."""
    schema = load_schema_sources({"project.yaml": "project:\n  naming: preserve\n",
                                  "doc.yaml": ACCOUNT.format(entity="Doc").replace(
                                      "  createdAt:", "  _id: {type: text, required: true}\n  createdAt:")}).schema
    text = render(schema, ["pydantic"], CodegenOptions())["pydantic/models.py"]
    assert '    id2: str = Field(alias="_id")' in text
    (tmp_path / "private_pydantic.py").write_text(text)
    model = strict_python_module(tmp_path / "private_pydantic.py").Doc
    assert model.model_validate({"id": 1, "_id": "x", "a_b": "y"}).model_dump(by_alias=True)["_id"] == "x"


def test_every_target_says_which_column_a_renamed_field_is() -> None:
    files = _files()
    note = '/** Column "created_at": createdAt is column "createdAt" in code. */'
    assert note in files["ts/account-2.ts"]
    assert "  created_at?: string | null;" in files["ts/account-2.ts"]
    # constants are exported by the index: distinct across tables (ACCOUNT's come first)
    assert "export const ACCOUNT_KIND_X_4 = ['C', 'D'] as const;" in files["ts/account-2.ts"]
    assert "export const ACCOUNT_KIND_X_2 = ['C', 'D'] as const;" in files["ts/account.ts"]
    assert "  kind_x?: AccountKindX2 | null;" in files["ts/account-2.ts"]
    assert "export * from './account';\nexport * from './account-2';" in files["ts/index.ts"]
    assert "  // Column \"a b\": a_b is column \"a_b\" in code." not in files["zod/account-2.ts"]
    assert '  // Column "a_b": aB is column "a b" in code.\n  a_b: text(),' in files["zod/account-2.ts"]
    assert ('  // Column "created_at": createdAt is column "createdAt" in code.\n'
            '  @Column({ name: "created_at"') in files["typeorm/account-2.entity.ts"]
    prisma = files["prisma/schema.prisma"]
    assert '  // Column "kind_x": kindX is column "kind x" in code.\n' in prisma
    models = files["sqlalchemy/models.py"]
    assert '    # Column "a b": a_b is column "a_b" in code.\n    a_b2: Mapped[str | None] = mapped_column("a b", ' in (
        models)
    assert '    metadata_: Mapped[str | None] = mapped_column("metadata", ' in models
    assert '    a_b2: str | None = Field(default=None, alias="a b")' in files["pydantic/models.py"]


USES = """import { Account, NewAccount, ACCOUNT_KIND_X_3, ACCOUNT_KIND_X_4 } from './ts';
import { ACCOUNT as Upper } from './ts/account';
import { NewAccountSchema } from './zod/account-2';
import { Account as AccountEntity } from './typeorm/account-2.entity';

export const row: NewAccount = { createdAt: 'a', created_at: 'b', aB: 'c', a_b: 'd', kindX: 'A', kind_x: 'C' };
export const read: Account['created_at'] = null;
export const upper: Upper['a_b'] = 'e';
export const kinds = [...ACCOUNT_KIND_X_3, ...ACCOUNT_KIND_X_4];
export const parsed = NewAccountSchema.parse(row);
export const entity: AccountEntity['kind_x'] = 'D';
"""


@pytest.mark.integration
@pytest.mark.usefixtures("node_tools")
def test_the_disambiguated_code_compiles_and_validates(tmp_path: Path) -> None:
    write_files(tmp_path, _files())
    (tmp_path / "uses.ts").write_text(USES)
    done = tsc(tmp_path, ["uses.ts", "ts/*.ts", "zod/*.ts", "typeorm/*.ts"])
    assert done.returncode == 0, done.stdout + done.stderr
    (tmp_path / "uses.ts").write_text(USES.replace("kind_x: 'C'", "kind_x: 'A'"))
    assert tsc(tmp_path, ["uses.ts", "ts/*.ts", "zod/*.ts", "typeorm/*.ts"]).returncode != 0
    validated = prisma_validate(tmp_path / "prisma")
    assert validated.returncode == 0, validated.stdout + validated.stderr


@pytest.mark.integration
def test_the_python_targets_map_each_attribute_to_its_exact_column(tmp_path: Path) -> None:
    files = _files()
    (tmp_path / "collide_pydantic.py").write_text(files["pydantic/models.py"])
    strict_python_module(tmp_path / "collide_pydantic.py")
    (tmp_path / "collide_sqlalchemy.py").write_text(files["sqlalchemy/models.py"])
    module = strict_python_module(tmp_path / "collide_sqlalchemy.py")
    columns = module.Account.__table__.c
    assert [c.name for c in columns] == ["id", "createdAt", "created_at", "a b", "a_b", "kind x", "kind_x",
                                         "metadata", "class"]
    assert module.Account.a_b2.property.columns[0].name == "a b"


def test_a_collision_left_after_naming_is_an_error_naming_both_and_the_target() -> None:
    """The last guard: relation fields and columns of one class (TypeORM, Prisma) must differ too."""
    with pytest.raises(CodeNameError) as raised:
        unique_members("prisma", "Lot", [("column", "lot_state", "state"), ("relation", "lot_state_fk", "state")])
    assert str(raised.value) == ("prisma: model Lot would have two members named state: column lot_state "
                                 "and relation lot_state_fk; rename one of them in the database")


MATERIAL = """version: 1
entity: Material
table: materials
tenant_scoped: false
audit: false
primary_key: id
properties:
  id: {type: integer, serial: true}
  lots: {type: integer, description: how many lots were ever made}
"""
LOT = """version: 1
entity: Lot
table: lots
tenant_scoped: false
audit: false
primary_key: id
properties:
  id: {type: integer, serial: true}
  material_id:
    type: integer
    references: {table: materials, on_delete: CASCADE}
  material: {type: text}
"""


def _related() -> Schema:
    return load_schema_sources({"project.yaml": "project:\n  naming: preserve\n", "material.yaml": MATERIAL,
                                "lot.yaml": LOT}).schema


def test_relation_fields_step_aside_for_columns_of_their_name() -> None:
    """`materials.lots` is a column, so the back relation from lots is `lots2`; `lots.material` is a
    column, so the relation to materials is `materialRef` (as before)."""
    files = render(_related(), ["typeorm", "prisma", "sqlalchemy"], CodegenOptions())
    assert "  lots2?: Lot[];" in files["typeorm/material.entity.ts"]
    assert "(parent) => parent.lots2" in files["typeorm/lot.entity.ts"]
    prisma = " ".join(files["prisma/schema.prisma"].split())
    assert "lots2 Lot[] @relation(" in prisma and "materialRef Material? @relation(" in prisma


@pytest.mark.integration
@pytest.mark.usefixtures("node_tools")
def test_the_stepped_aside_relations_compile(tmp_path: Path) -> None:
    write_files(tmp_path, render(_related(), ["typeorm", "prisma"], CodegenOptions()))
    done = tsc(tmp_path, ["typeorm/*.ts"])
    assert done.returncode == 0, done.stdout + done.stderr
    validated = prisma_validate(tmp_path / "prisma")
    assert validated.returncode == 0, validated.stdout + validated.stderr


ROLE = """version: 1
entity: Role
table: roles
tenant_scoped: false
audit: false
primary_key: id
properties:
  id: {type: integer, serial: true}
"""


def _role_and_enum() -> Schema:
    """A model `Role` (table roles) beside the native enum type `Role`: one name in Prisma."""
    return load_schema_sources({"project.yaml": "project:\n  naming: camelCase\n  enums:\n    Role: [USER, ADMIN]\n",
                                "member.yaml": MEMBER, "role.yaml": ROLE}).schema


def test_a_prisma_enum_named_like_a_model_steps_aside() -> None:
    prisma = render(_role_and_enum(), ["prisma"], CodegenOptions())["prisma/schema.prisma"]
    assert 'enum RoleEnum {\n  USER\n  ADMIN\n\n  @@map("Role")\n}' in prisma
    assert "model Role {" in prisma
    flat = " ".join(prisma.split())
    assert 'role RoleEnum @default(USER) @map("role")' in flat and "roles RoleEnum[]" in flat


@pytest.mark.integration
@pytest.mark.usefixtures("node_tools")
def test_the_stepped_aside_enum_validates(tmp_path: Path) -> None:
    write_files(tmp_path, render(_role_and_enum(), ["prisma"], CodegenOptions()))
    validated = prisma_validate(tmp_path / "prisma")
    assert validated.returncode == 0, validated.stdout + validated.stderr


def test_an_entity_named_like_another_ones_insert_type_is_bad_input(tmp_path: Path) -> None:
    """Entity names are the YAML's own (the database keeps its names), so a clash of `NewAccount`
    with entity Account's insert type is refused, naming both, rather than renamed."""
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "project.yaml").write_text("project:\n  naming: preserve\n")
    (schemas / "account.yaml").write_text(MATERIAL.replace("entity: Material", "entity: Account"))
    (schemas / "new-account.yaml").write_text(MATERIAL.replace("entity: Material", "entity: NewAccount")
                                              .replace("table: materials", "table: signups"))
    out = str(tmp_path / "out")
    result = CliRunner().invoke(codegen_command, [str(schemas), "-t", "prisma", "-t", "ts", "-o", out])
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert ("ts: the insert type of entity Account (table materials) is NewAccount, the name of entity NewAccount "
            "(table signups); rename one of the two entities") in " ".join(result.output.split())
    assert not (tmp_path / "out").exists()
    assert CliRunner().invoke(codegen_command, [str(schemas), "-t", "prisma", "-o", out]).exit_code == 0


async def test_the_codegen_job_rejects_the_same_clash() -> None:
    """On the bus the clash is a rejection naming it, as `codegen` exits 2."""
    payload = {"project.yaml": "project:\n  naming: preserve\n",
               "account.yaml": MATERIAL.replace("entity: Material", "entity: Account"),
               "new-account.yaml": MATERIAL.replace("entity: Material", "entity: NewAccount")
               .replace("table: materials", "table: signups")}
    job = Job(job_id="names-job", kind="codegen", requested_by="tests", payload=payload,
              options={"targets": ["pydantic"]})
    with pytest.raises(JobRejected) as raised:
        await run_job(job, JobContext(scratch_url="postgresql://unused.invalid/none"))
    assert raised.value.error.code == "code_names"
    assert "pydantic: the insert type of entity Account (table materials) is NewAccount" in raised.value.error.message


LOT_STATUS = """version: 1
entity: LotStatus
table: lot_statuses
tenant_scoped: false
audit: false
primary_key: id
properties:
  id: {type: integer, serial: true}
"""
LOT_WITH_STATUS = LOT + "  status: {type: enum, values: [open, closed]}\n"


def _status_schema() -> Schema:
    """Lot's enum column `status` would be the type LotStatus, which entity LotStatus is."""
    return load_schema_sources({"project.yaml": "project:\n  naming: preserve\n", "material.yaml": MATERIAL,
                                "lot.yaml": LOT_WITH_STATUS, "lot-status.yaml": LOT_STATUS}).schema


def test_an_enum_type_named_like_an_entity_steps_aside() -> None:
    files = render(_status_schema(), ["ts"], CodegenOptions())
    assert "export type LotStatus2 = (typeof LOT_STATUS)[number];" in files["ts/lot.ts"]
    assert "export interface LotStatus {" in files["ts/lot-status.ts"]


@pytest.mark.integration
@pytest.mark.usefixtures("node_tools")
def test_the_index_re_exports_every_name_once(tmp_path: Path) -> None:
    write_files(tmp_path, render(_status_schema(), ["ts", "typeorm"], CodegenOptions()))
    (tmp_path / "uses.ts").write_text("import { LotStatus, LotStatus2, NewLot } from './ts';\n"
                                      "export const lot: NewLot = { status: 'open' };\n"
                                      "export const kind: LotStatus2 = 'closed';\n"
                                      "export const row: LotStatus = { id: 1 };\n")
    done = tsc(tmp_path, ["uses.ts", "ts/*.ts", "typeorm/*.ts"])
    assert done.returncode == 0, done.stdout + done.stderr
