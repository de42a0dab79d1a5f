"""`migration-agent codegen`: types, ORM models, seed data and docs from the YAML schemas."""

from __future__ import annotations

from pathlib import Path

import click

from agent.codegen import TARGETS, CodegenOptions, render
from agent.codegen.names import CodeNameError
from agent.codegen.seed_data import SeedError
from agent.commands.common import fail, out
from agent.commands.generate import load_or_exit
from agent.exit_codes import ExitCode

__all__ = ["codegen_command"]

_CHOICES = [*TARGETS, "all"]


@click.command("codegen")
@click.argument("schemas_dir", type=click.Path(path_type=Path), default="schemas")
@click.option("-t", "--target", "targets", multiple=True, required=True, type=click.Choice(_CHOICES),
              help="What to generate (repeatable): ts, prisma, typeorm, pydantic, seed, docs, zod, sqlalchemy, or all.")
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder to write into; each target gets its own subfolder.")
@click.option("--decimal", type=click.Choice(["string", "number"]), default="string", show_default=True,
              help="TypeScript type for DECIMAL columns (string keeps every digit).")
@click.option("--rows", type=click.IntRange(min=1, max=100_000), default=5, show_default=True,
              help="Seed rows per table and tenant.")
@click.option("--seed", type=int, default=42, show_default=True, help="Random seed for the seed data.")
@click.option("--compat", is_flag=True,
              help="Write for the previous majors (Prisma 6: URL in schema.prisma, no prisma.config.ts) instead of "
                   "TypeScript 7, TypeORM 1.x and Prisma 7.")
def codegen_command(schemas_dir: Path, targets: tuple[str, ...], output: Path, decimal: str, rows: int,
                    seed: int, compat: bool) -> None:
    """Generate code for the tables in SCHEMAS_DIR: byte-identical output for the same input."""
    chosen = list(TARGETS) if "all" in targets else list(dict.fromkeys(targets))
    options = CodegenOptions(decimal="number" if decimal == "number" else "string", rows=rows, seed=seed,
                             compat=compat)
    schema = load_or_exit(schemas_dir).schema
    try:
        files = render(schema, chosen, options)
    except SeedError as error:
        fail(ExitCode.BAD_INPUT, f"seed data: {error}")
    except CodeNameError as error:
        fail(ExitCode.BAD_INPUT, f"names in code: {error}")
    _write(output, files)
    out.print(f"Wrote {len(files)} file(s) for {', '.join(chosen)} to {output}", markup=False)


def _write(output: Path, files: dict[str, str]) -> None:
    try:
        for relative, text in files.items():
            path = output / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
    except OSError as error:
        fail(ExitCode.BAD_INPUT, f"cannot write {error.filename}: {error.strerror}")
