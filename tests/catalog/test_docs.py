"""The docstring examples of the catalog package run as tests."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("module", ["agent.catalog.fingerprint"])
def test_docstring_examples(module: str) -> None:
    # importlib: the package's `fingerprint` attribute is the function, not the module
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0
    assert result.failed == 0
