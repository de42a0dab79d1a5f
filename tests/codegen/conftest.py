"""The npm tools (typescript, typeorm, prisma) installed once per session, or a skip with the reason."""

from __future__ import annotations

import pytest

from tests.codegen.helpers import install_node_tools


@pytest.fixture(scope="session")
def node_tools() -> None:
    reason = install_node_tools()
    if reason:
        pytest.skip(reason)
