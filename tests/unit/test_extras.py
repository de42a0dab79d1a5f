"""Optional parts of the package name the extra that brings them when it is missing."""

from __future__ import annotations

import sys

import pytest

from agent.config import load_settings
from agent.runtime import ScratchBackendError, scratch_postgres_url


def test_the_testcontainers_backend_without_its_extra_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes the import fail as it does where the extra was not installed.
    monkeypatch.setitem(sys.modules, "testcontainers", None)
    monkeypatch.setitem(sys.modules, "testcontainers.postgres", None)
    settings = load_settings(environ={"SCRATCH_BACKEND": "testcontainers"})
    with pytest.raises(ScratchBackendError) as raised, scratch_postgres_url(settings):
        pass
    assert "pip install 'migration-agent[testcontainers]'" in str(raised.value)
