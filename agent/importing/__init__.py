"""A database back to the YAML schema language: `migration-agent import`.

`import_catalog` turns a `Catalog` into entity files (plain dicts in the spec's key
order) and a list of problems: everything the language cannot express, named by table.
`write_files` writes them deterministically and atomically.
"""

from __future__ import annotations

from agent.importing.from_catalog import ImportOptions, ImportResult, import_catalog
from agent.importing.problems import Problem
from agent.importing.run import ImportedFiles, import_database, import_texts
from agent.importing.yaml_writer import OverwriteError, dump_yaml, write_files

__all__ = [
    "ImportOptions",
    "ImportResult",
    "ImportedFiles",
    "OverwriteError",
    "Problem",
    "dump_yaml",
    "import_catalog",
    "import_database",
    "import_texts",
    "write_files",
]
