"""The npm toolchains (typescript, typeorm, prisma, zod) installed once per session, or a skip with the reason."""

from __future__ import annotations

import pytest

from tests.codegen.helpers import install_node_tools


@pytest.fixture(scope="session")
def node_tools() -> None:
    """The newest majors: TypeScript 7, TypeORM 1.x, Prisma 7, Zod 4."""
    reason = install_node_tools("current")
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def compat_node_tools() -> None:
    """The previous majors `codegen --compat` writes for: TypeScript 5, TypeORM 0.3, Prisma 6."""
    reason = install_node_tools("compat")
    if reason:
        pytest.skip(reason)
