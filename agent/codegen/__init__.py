"""Code generation from the resolved schema: one module per target, listed once in `TARGETS`.

Every target is a function `render(schema, options) -> {relative path: text}`; the output
is deterministic (sorted, no timestamps), so it can be committed and diffed.
"""

from __future__ import annotations

from collections.abc import Callable

from agent.codegen import docs, prisma, pydantic_models, seed_data, sqlalchemy_models, typeorm, typescript, zod
from agent.codegen.model import CodegenOptions, Files
from agent.codegen.names import naming
from agent.schema.tables import Schema

__all__ = ["TARGETS", "CodegenOptions", "Files", "render"]

Renderer = Callable[[Schema, CodegenOptions], Files]

TARGETS: dict[str, Renderer] = {
    "ts": typescript.render,
    "prisma": prisma.render,
    "typeorm": typeorm.render,
    "pydantic": pydantic_models.render,
    "seed": seed_data.render,
    "docs": docs.render,
    "zod": zod.render,
    "sqlalchemy": sqlalchemy_models.render,
}
"""Target name -> renderer; the name is also the output subfolder."""


def render(schema: Schema, targets: list[str], options: CodegenOptions) -> Files:
    """All files of the chosen targets, keyed `<target>/<path>`, in sorted order."""
    files: Files = {}
    with naming(schema):
        for target in targets:
            files.update({f"{target}/{path}": text for path, text in TARGETS[target](schema, options).items()})
    return dict(sorted(files.items()))
