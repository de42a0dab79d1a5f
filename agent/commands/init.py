"""`migration-agent init`: a new project in an empty folder (project file, one example table)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import click

from agent.commands.common import fail, out
from agent.exit_codes import ExitCode
from agent.project.locate import PROJECT_FILE

__all__ = ["init_command"]

_TEMPLATES = files("agent.project") / "templates"
_EXAMPLE_TABLE = "customers.yaml"


@click.command("init")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), default=".")
def init_command(folder: Path) -> None:
    """Start a project in FOLDER (default: the working directory): a commented migration-agent.toml
    and schemas/ with one example table. Then run `migration-agent generate --verify`.

    Nothing is overwritten: a folder that already has a project file or a schemas/ folder with
    files in it is refused."""
    project_file, schemas = folder / PROJECT_FILE, folder / "schemas"
    if project_file.exists():
        fail(ExitCode.BAD_INPUT, f"{project_file} already exists; nothing was written")
    if schemas.is_dir() and any(schemas.iterdir()):
        fail(ExitCode.BAD_INPUT, f"{schemas} already holds files; nothing was written")
    try:
        schemas.mkdir(parents=True, exist_ok=True)
        (schemas / _EXAMPLE_TABLE).write_text((_TEMPLATES / _EXAMPLE_TABLE).read_text(encoding="utf-8"),
                                              encoding="utf-8")
        project_file.write_text((_TEMPLATES / PROJECT_FILE).read_text(encoding="utf-8"), encoding="utf-8")
    except OSError as error:
        fail(ExitCode.INFRASTRUCTURE, f"cannot write the project: {error}")
    out.print(f"wrote {project_file} and {schemas / _EXAMPLE_TABLE}", markup=False)
    out.print("next: migration-agent generate --verify", markup=False)
