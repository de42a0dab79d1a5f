"""Documents to YAML text and files: deterministic, atomic, never overwriting by accident."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

__all__ = ["OverwriteError", "dump_yaml", "write_files"]


class OverwriteError(FileExistsError):
    """Files exist where the import would write; nothing was written."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        super().__init__(f"{', '.join(str(p) for p in paths)} already exist(s); use --force to overwrite")


class _Dumper(yaml.SafeDumper):
    """Text of several lines (a function's body) as a literal block, as a person would write it."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text)


def dump_yaml(document: Mapping[str, Any]) -> str:
    return yaml.dump(dict(document), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=100)


def write_files(directory: Path, texts: Mapping[str, str], *, force: bool = False) -> list[Path]:
    """Write every file or none: existing files are refused up front unless `force`."""
    directory.mkdir(parents=True, exist_ok=True)
    existing = [directory / name for name in sorted(texts) if (directory / name).exists()]
    if existing and not force:
        raise OverwriteError(existing)
    written = []
    for name in sorted(texts):
        written.append(_atomic_write(directory / name, texts[name]))
    return written


def _atomic_write(path: Path, text: str) -> Path:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
