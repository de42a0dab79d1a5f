"""Synthetic schemas of any size: chains of references, a self-reference and one cycle."""

from __future__ import annotations


def synthetic_schema(tables: int) -> dict[str, str]:
    """`tables` entity files; table i references i-1 and i-7, t0001 and t0002 reference each other."""
    files = {"project.yaml": "project:\n  name: synthetic\n"}
    for i in range(1, tables + 1):
        files[f"t{i:04d}.yaml"] = _entity(i)
    return files


def _entity(i: int) -> str:
    references = []
    if i > 1:
        references.append((f"t{i - 1:04d}", "CASCADE"))
    if i > 7:
        references.append((f"t{i - 7:04d}", "SET NULL"))
    if i == 1:
        references.append(("t0002", "SET NULL"))
    lines = [
        "version: 1",
        f"entity: T{i:04d}",
        f"table: t{i:04d}",
        f"description: synthetic table {i}",
        f"tenant_scoped: {'false' if i % 10 == 0 else 'true'}",
        "properties:",
        "  code:\n    type: string\n    max_length: 40\n    required: true\n    unique: true",
        "  status:\n    type: enum\n    values: [NEW, DONE]\n    default: NEW\n    required: true",
        "  amount:\n    type: decimal\n    precision: 12\n    scale: 2\n    minimum: 0",
        "  parent_id:\n    type: uuid\n    references:\n      table: " + f"t{i:04d}" +
        "\n      on_delete: RESTRICT\n      reason: tree",
    ]
    for n, (target, action) in enumerate(references):
        lines.append(
            f"  ref_{n}_id:\n    type: uuid\n    required: {'true' if action == 'CASCADE' else 'false'}\n"
            f"    references:\n      table: {target}\n      on_delete: {action}\n      reason: synthetic"
        )
    lines.append("indexes:\n  - columns: [status]\n    where: amount > 0")
    return "\n".join(lines) + "\n"
