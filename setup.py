"""The build's one piece pyproject.toml cannot say: `memory/` (the memory store's core lessons, schema
and migrations, kept at the top level as their source of truth) goes into the package as
`agent._memory`, where `agent.memory.resources` finds it with importlib.resources in a wheel and
in an editable install alike. The files are copied as they are: applied databases hold the
migrations' checksums."""

from __future__ import annotations

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["agent", "agent.*"]), "agent._memory", "agent._memory.schema",
              "agent._memory.migrations"],
    package_dir={"agent._memory": "memory"},
)
